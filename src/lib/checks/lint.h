/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `igpuctl vm lint`: an existing VM configuration (vm/vmspec.h) judged
 * against this host.  Each rule has a stable id ("lint.igd_lpc") and gives
 * one finding in check's form (checks.h: a status, what was found, the
 * remedy), so that the command prints and exits like `igpuctl check`.
 * Rules are a table in lint.c: one more rule is one entry there.
 */
#ifndef IGP_LINT_H
#define IGP_LINT_H

#include "checks/checks.h"
#include "vm/vmspec.h"

/*
 * Run every rule on VM.  The host's workloads (other VMs and containers),
 * vGPUs, SR-IOV state and Proxmox VE mappings are read on the way, and the
 * QEMU at QEMU_PATH (NULL: the host's default, model/qemucaps.h) is asked.
 * Returns 0 and *ret (free it with igp_check_report_done()), or a
 * negative errno.
 */
int igp_vm_lint(const struct igp_host *h, const struct igp_vmspec *vm, const char *qemu_path,
		struct igp_check_report *ret);

/* Every rule id with a one-line summary, NULL-terminated by id (the same
 * struct as check's, modes unused). */
const struct igp_check_info *igp_vm_lint_infos(void);

#endif
