/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader of the group database file (group(5): "name:password:GID:
 * member,member" per line), for the host's own and a container's, read from
 * the container's root file system where getgrnam(3) cannot look.  Lines are
 * read as glibc's files backend does (nss/nss_files/files-grp.c with
 * nss_files/files-parse.c): the first entry of a name counts, a line that
 * starts with '+' or '-' (NIS compat) or lacks a numeric GID is skipped.
 */
#ifndef IGP_GROUPFILE_H
#define IGP_GROUPFILE_H

#include <stdbool.h>

struct igp_group {
	unsigned long gid;
	char *members; /* "alice,bob", "" when none */
};

/* The group NAME of TEXT: 0 and *ret (free with igp_group_done()), -ENOENT, or -ENOMEM. */
int igp_group_find(const char *text, const char *name, struct igp_group *ret);
/* The name of the first group with GID: 0 and *ret (caller frees), -ENOENT, or -ENOMEM. */
int igp_group_name(const char *text, unsigned long gid, char **ret);
void igp_group_done(struct igp_group *g);

#endif
