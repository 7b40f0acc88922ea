/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GRUB's defaults: /etc/default/grub, then every /etc/default/grub.d/NAME.cfg
 * in glob (byte) order, all sourced by grub-mkconfig as one shell script
 * (Debian's grub-mkconfig sources grub.d; other distributions simply have
 * no such files).  The kernel line gets GRUB_CMDLINE_LINUX followed by
 * GRUB_CMDLINE_LINUX_DEFAULT, so the tokens of both count.
 *
 * New tokens go into GRUB_CMDLINE_LINUX_DEFAULT when it is assigned
 * anywhere (Debian, Ubuntu, Proxmox), else into GRUB_CMDLINE_LINUX when that
 * is (Fedora only has it), else a GRUB_CMDLINE_LINUX_DEFAULT line is added
 * to /etc/default/grub.  Within the variable they go into its *last*
 * assignment, the one that wins, even when that is an append in grub.d.
 */
#ifndef IGP_GRUB_H
#define IGP_GRUB_H

#include "boot/cmdline.h"
#include "boot/shellvar.h"

extern char *const igp_grub_vars[]; /* { "GRUB_CMDLINE_LINUX", "..._DEFAULT", NULL } */

struct igp_grub {
	struct igp_shdoc doc; /* file 0 is /etc/default/grub */
	const char *add_var;
};

/* Read the files through the path context; -ENOENT without /etc/default/grub. */
int igp_grub_load(struct igp_grub *ret);
/* Same from texts already in a document (tests, revert). */
void igp_grub_init(struct igp_grub *g, struct igp_shdoc doc);
void igp_grub_done(struct igp_grub *g);

/* The effective tokens (texts, NULL-terminated; caller frees with strv_free). */
int igp_grub_tokens(const struct igp_grub *g, char ***ret);

/* Where each token of igp_grub_tokens() is, in the same order: "VAR in
 * FILE", the variable and the file of its assignment (caller frees with
 * strv_free). */
int igp_grub_places(const struct igp_grub *g, char ***ret);

/* VAR's value as sh evaluates the files, its words joined by one blank: 1
 * with *RET and, when RET_WHERE is not NULL, the file of the assignment
 * that wins in *RET_WHERE (caller frees both); 0 when VAR is not assigned
 * or its value cannot be followed; -ENOMEM. */
int igp_grub_value(const struct igp_grub *g, const char *var, char **ret, char **ret_where);

/*
 * What names the entry GRUB boots by default, as the grub.cfg of
 * grub-mkconfig (00_header) decides: grubenv's next_entry (grub-reboot,
 * used once) whatever GRUB_DEFAULT says, else GRUB_DEFAULT, where "saved"
 * means grubenv's saved_entry.  The name is a title, an id or a menu
 * number; NULL when nothing names one (the first entry boots).
 */
struct igp_grub_default {
	char *name;
	char *def, *def_where; /* GRUB_DEFAULT and the file that sets it; NULL when unset */
	const char *key;       /* "next_entry" or "saved_entry" when grubenv named it, else NULL */
	const char *env;       /* that grubenv */
};
int igp_grub_default_name(const struct igp_grub *g, struct igp_grub_default *ret);
void igp_grub_default_done(struct igp_grub_default *d);

/*
 * GRUB with BLS: the loader entry (of ENTRIES, host paths) GRUB boots by
 * default and why (grub_bls.c), both for the caller to free; -ENOENT when
 * ENTRIES is empty.
 */
int igp_grub_bls_default(const struct igp_grub *g, char *const *entries, char **ret_path, char **ret_why);

/* The file new tokens go into: that of the last assignment of ADD_VAR
 * (a grub.d file on Ubuntu's cloud images), else /etc/default/grub. */
const char *igp_grub_add_file(const struct igp_grub *g);

/*
 * Plan WANTS and compute the new texts.  *ret_ops/ret_n_ops: the ops,
 * *ret_op_files: the file each edits (caller frees), *ret_texts: new text
 * per file.  -EBADMSG when a token to change is not plain text in the file
 * (*ret_bad names it).
 */
int igp_grub_edit(const struct igp_grub *g, const struct igp_kwant *wants, size_t n_wants,
		  struct igp_kop **ret_ops, size_t *ret_n_ops, int **ret_op_files, char ***ret_texts,
		  char **ret_bad);

#endif
