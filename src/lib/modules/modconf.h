/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Planning the files that make modules load at boot, and the driver
 * configuration file igpuctl owns (/etc/modprobe.d/igpuctl.conf).  Where
 * modules go is the initramfs tool's to say (initramfs.h); modules needed
 * only at run time (kvmgt) go to a modules-load.d file unless the tool has
 * a file of its own for them (/etc/modules on Debian).
 */
#ifndef IGP_MODCONF_H
#define IGP_MODCONF_H

#include <stdbool.h>

#include "change/plan.h"
#include "modules/initramfs.h"

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

/* Plan /etc/modules-load.d/igpuctl.conf listing MODULES (the image is
 * rebuilt when EARLY, as before the tools read it). */
int igp_modconf_plan_modules_load_d(struct igp_plan *p, char *const *modules, bool early, const char *why,
				    char **ret_error);

#endif
