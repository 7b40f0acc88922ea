/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Planning the files that make modules load at boot, and the driver
 * configuration file igpuctl owns (/etc/modprobe.d/igpuctl.conf).  Where
 * modules go is the initramfs tool's to say (initramfs.h), through
 * igp_modules_place(): setup writes there and check's remedies name it.
 * Modules needed only at run time (kvmgt) go to a modules-load.d file
 * unless the tool has a file of its own for them (/etc/modules on Debian
 * 12, where it does not call itself obsolete).
 */
#ifndef IGP_MODCONF_H
#define IGP_MODCONF_H

#include <stdbool.h>

#include "change/plan.h"
#include "modules/initramfs.h"

/* Where modules to load at boot go on this host. */
struct igp_modules_place {
	/* The list systemd-modules-load reads: IGP_ETC_MODULES (lines added)
	 * or IGP_ETC_MODULES_LOAD_D_IGPUCTL (igpuctl's own); NULL when the
	 * image's list is all. */
	const char *load;
	/* The initramfs tool's list the image is built with, for early
	 * modules, or NULL; IMAGE_VAR: its variable (MODULES, force_drivers),
	 * NULL for one name a line. */
	const char *image;
	const char *image_var;
};

/*
 * The one answer to "where do modules go": IR the host's tool (NULL or
 * without ops: none), EARLY when they must be in the initramfs.  On
 * initramfs-tools, /etc/modules as long as it is there and does not call
 * itself obsolete (Debian 12, Proxmox VE 8); else (Debian 13, Proxmox VE 9,
 * Ubuntu 24.04) igpuctl's modules-load.d file, and /etc/initramfs-tools/
 * modules for early ones.
 */
void igp_modules_place(const struct igp_initramfs *ir, bool early, struct igp_modules_place *ret);

/* Does /etc/modules say it is obsolete (kmod >= 30+20230601 of Debian
 * and Ubuntu write "# /etc/modules is obsolete and has been replaced by
 * /etc/modules-load.d/.")? */
bool igp_etc_modules_obsolete(void);

/*
 * May igpuctl write the modules list PATH?  Not an /etc/modules-load.d
 * file named as one a package ships in /usr/lib/modules-load.d (it would
 * mask the package's), and never qemu-server.conf (Proxmox VE's
 * qemu-server ships /usr/lib/modules-load.d/qemu-server.conf).  0, or
 * -EPERM with the reason in *ret_error (may be NULL).
 */
int igp_modconf_path_allowed(const char *path, char **ret_error);

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
 * The same, and STALE (NULL-terminated, may be NULL: modules the kernel
 * merged into others, modload.h) taken out of the lists of the initramfs
 * tool that edits its own (mkinitcpio's MODULES).
 */
int igp_modconf_plan_modules_stale(struct igp_plan *p, const struct igp_initramfs *ir, char *const *modules,
				   char *const *stale, bool early, const char *why, char **ret_error);

/*
 * Plan taking the lines of the STALE modules (NULL-terminated) out of the
 * module lists: /etc/modules, /etc/initramfs-tools/modules and
 * /etc/modules-load.d/ *.conf, in the plan's edit of a file when it has one.
 * Revert appends them again where the file changed since.
 */
int igp_modconf_plan_remove_stale(struct igp_plan *p, char *const *stale, const char *why);

/*
 * Plan a file igpuctl owns with CONTENT (replacing an earlier version of
 * it).  REFRESH: what the change needs rebuilt.  -EPERM for a path
 * igp_modconf_path_allowed() refuses.
 */
int igp_modconf_plan_owned(struct igp_plan *p, const char *path, const char *content, unsigned refresh,
			   const char *why);

/*
 * Plan adding LINES to a list file (created if absent): lines already there
 * are kept.  -EPERM for a path igp_modconf_path_allowed() refuses.
 */
int igp_modconf_plan_lines(struct igp_plan *p, const char *path, char *const *lines, unsigned refresh,
			   const char *why);

/* Plan /etc/modules-load.d/igpuctl.conf listing MODULES (the image is
 * rebuilt when EARLY, as before the tools read it). */
int igp_modconf_plan_modules_load_d(struct igp_plan *p, char *const *modules, bool early, const char *why,
				    char **ret_error);
/* Plan adding MODULES to the one-a-line list PATH (/etc/modules,
 * /etc/initramfs-tools/modules) under igpuctl's comment. */
int igp_modconf_plan_list(struct igp_plan *p, const char *path, char *const *modules, unsigned refresh,
			  const char *why, char **ret_error);

#endif
