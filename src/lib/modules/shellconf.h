/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module lists kept in shell variables of an initramfs tool's
 * configuration: mkinitcpio's MODULES=(...) and dracut's
 * force_drivers+=" ... " / add_drivers+=" ... ", each in a main file and
 * its drop-ins, edited in place where the names are written.
 */
#ifndef IGP_SHELLCONF_H
#define IGP_SHELLCONF_H

#include <stdbool.h>

#include "change/plan.h"

struct igp_shellconf {
	const char *first, *dir; /* the main file and its drop-in directory (NAME.conf) */
	bool need_first;	 /* the main file must exist */
	char *const *vars;	 /* the variables that list modules */
	const char *add_var;	 /* where new modules go */
	bool array;		 /* VAR=(...) rather than VAR="..." */
	const char *label;	 /* how notes name the lists: "MODULES" */
	const char *consequence; /* what a merged module there does: "mkinitcpio fails on ..." */
};

/*
 * Plan MODULES (may be NULL) into the lists of SC and STALE (merged
 * modules, modload.h; may be NULL) out of them, in the files where they are
 * written, with a note per module taken out.  Nothing is read into the
 * plan when there is nothing to do; a file igpuctl would have to edit but
 * cannot follow is refused (-EBADMSG, *RET_ERROR).
 */
int igp_shellconf_plan(struct igp_plan *p, const struct igp_shellconf *sc, char *const *modules,
		       char *const *stale, const char *why, char **ret_error);

#endif
