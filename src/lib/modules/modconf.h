/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Modules to load and where, the driver configuration file igpuctl owns
 * (/etc/modprobe.d/igpuctl.conf), SR-IOV persistence, and the initramfs
 * tool of the host (modprobe.d(5), modules-load.d(5), initramfs-tools(7),
 * dracut.conf(5), mkinitcpio.conf(5)).
 *
 * Where modules go:
 *   initramfs-tools (Debian, Ubuntu, Proxmox): /etc/modules, the file the
 *     guides use (read at boot by systemd-modules-load), else
 *     /etc/modules-load.d/igpuctl.conf;
 *   dracut (Fedora): force_drivers+=" ... " in /etc/dracut.conf.d/igpuctl.conf
 *     (dracut reads only files ending in .conf) for modules needed early;
 *   mkinitcpio (Arch): the MODULES=(...) array of /etc/mkinitcpio.conf;
 *   modules needed only at run time (kvmgt) go to /etc/modules on Debian
 *   and to /etc/modules-load.d/igpuctl.conf elsewhere.
 */
#ifndef IGP_MODCONF_H
#define IGP_MODCONF_H

#include <stdbool.h>

#include "change/plan.h"

enum igp_initramfs_kind {
	IGP_INITRAMFS_NONE,
	IGP_INITRAMFS_TOOLS,
	IGP_INITRAMFS_DRACUT,
	IGP_INITRAMFS_MKINITCPIO,
};

struct igp_initramfs {
	enum igp_initramfs_kind kind;
	char *name;   /* "initramfs-tools" */
	char *reason; /* the evidence */
	char **argv;  /* rebuild command, NULL for NONE */
};

int igp_initramfs_detect(struct igp_initramfs *ret);
void igp_initramfs_done(struct igp_initramfs *ir);

/*
 * Plan loading MODULES (NULL-terminated) at boot; EARLY when they must be
 * in the initramfs (vfio-pci before the GPU driver).  Modules already
 * listed ('-' and '_' equal) are not added again.  -EBADMSG, with the
 * refusal naming file and line in *ret_error (may be NULL), when the file
 * to edit is broken (igp_shdoc_check(), igp_text_check()).
 */
int igp_modconf_plan_modules(struct igp_plan *p, const struct igp_initramfs *ir, char *const *modules,
			     bool early, const char *why, char **ret_error);

/*
 * Plan a file igpuctl owns with CONTENT (replacing an earlier version of
 * it).  REFRESH: what the change needs rebuilt.
 */
int igp_modconf_plan_owned(struct igp_plan *p, const char *path, const char *content, unsigned refresh,
			   const char *why);

/*
 * Plan adding LINES to a list file (created if absent): lines already there
 * are kept; KEY_LEN > 0 replaces a line starting with the same first
 * KEY_LEN bytes (sysfs.conf "attribute = value").
 */
int igp_modconf_plan_lines(struct igp_plan *p, const char *path, char *const *lines, unsigned refresh,
			   const char *why);

#endif
