/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel parameters the admin removed: a parameter that a change still in
 * the journal says igpuctl added to a command line file (the GRUB
 * configuration, /etc/kernel/cmdline, a loader entry, kernelstub's
 * configuration), and that this file no longer holds.  The one answer to
 * "did the admin take out what igpuctl put there?": setup leaves such a
 * parameter out unless --force.
 *
 * Not counted: a file that is gone (a loader entry of a removed kernel),
 * or one igpuctl cannot read as a command line now; a parameter a later
 * igpuctl change replaced or removed itself.
 */
#ifndef IGP_REMOVED_H
#define IGP_REMOVED_H

#include <stddef.h>

#include "change/journal.h"

struct igp_kremoved {
	char *path;	/* the file */
	char *param;	/* what is gone, as igpuctl wrote it: "iommu=pt", "intel_iommu=on" */
	char *key;	/* its name: "iommu" */
	char **items;	/* the values of its comma list that are igpuctl's ({"pt"}); NULL: a flag */
	long change_id; /* the change that added it */
};

void igp_kremoved_free(struct igp_kremoved *v, size_t n);

/*
 * The parameters of J that are gone from their files now, oldest change
 * first, each (file, parameter) once.  *RET NULL when there are none.
 */
int igp_journal_removed_kparams(const struct igp_journal *j, struct igp_kremoved **ret, size_t *ret_n);

/* Does TOKEN ("intel_iommu=on,sm_on") hold R's parameter? */
bool igp_kremoved_in_token(const struct igp_kremoved *r, const char *token);

#endif
