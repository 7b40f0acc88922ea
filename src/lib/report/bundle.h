/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pieces of `igpuctl report`'s bundle that are not views of the host
 * model: redacting the staged tree, the kernel log's lines about the GPU
 * and the IOMMU, and the running VMs.
 *
 * The staged tree is the report's own output, beside the file the user
 * named: it is read and written with plain *at() calls, never through the
 * --root path context (base/paths.h), which is for the host being reported.
 */
#ifndef IGP_REPORT_BUNDLE_H
#define IGP_REPORT_BUNDLE_H

#include "base/strbuf.h"
#include "report/redact.h"

/*
 * Redact every file, symlink target and name below DIR (DIR's own name
 * stays): regular files rewritten in place with their mode and times (a
 * capture compares times: initramfs.current), symlinks replaced, names
 * renamed.  Returns 0, -EEXIST when a renamed name is taken, or another
 * negative errno.
 */
int igp_report_redact_tree(struct igp_redactor *r, const char *dir);
/* Remove DIR and everything below it (symlinks are not followed). */
int igp_report_remove_tree(const char *dir);
/*
 * The lines of the kernel log LOG about the GPU drivers and the IOMMU
 * (i915, xe, vfio, DMAR), appended to OUT.  Returns their count or -ENOMEM.
 */
int igp_report_dmesg_filter(const char *log, struct strbuf *out);
/*
 * The running QEMU processes of the host (qemu-system-*, Proxmox VE's kvm):
 * one line each, "PID: ARG ARG..." (arguments with blanks or quotes
 * single-quoted), appended to OUT in PID order.  Returns their count, or a
 * negative errno.
 */
int igp_report_qemu_processes(struct strbuf *out);

#endif
