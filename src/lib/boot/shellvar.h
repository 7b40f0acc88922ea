/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell variable assignments in configuration files that are *sourced* by
 * a shell: /etc/default/grub (+ the grub.d .cfg files), mkinitcpio.conf.
 *
 * A document is a list of files sourced in order.  Evaluating it follows
 * the assignments the way sh would (double and single quotes, backslash
 * escapes, $VAR and ${VAR} expansion, VAR+=, arrays VAR=(...)), and every
 * character of a variable's value remembers where it came from (file and
 * byte offset).  A token of the final value whose characters come from one
 * contiguous literal stretch of one file can be replaced or removed right
 * there; text added by $VAR expansion keeps the position of the assignment
 * it was copied from.  So an append such as
 *     GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT quiet"
 * in a grub.d file is understood, and a replaced token is edited where the
 * user wrote it.  New tokens go into the last assignment of the variable
 * (the one that wins).  Constructs that cannot be evaluated (command
 * substitution, ${VAR:-x}) make the affected characters non-editable.
 */
#ifndef IGP_SHELLVAR_H
#define IGP_SHELLVAR_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/cmdline.h"

struct igp_shfile {
	char *path; /* host path */
	char *text;
	size_t len;
};

struct igp_shdoc {
	struct igp_shfile *files;
	size_t n_files;
};

/* Append a file (copies PATH and TEXT). */
int igp_shdoc_add(struct igp_shdoc *d, const char *path, const char *text, size_t len);
void igp_shdoc_done(struct igp_shdoc *d);

struct igp_shtok {
	char *text;
	int file;	   /* -1 when not editable */
	size_t start, end; /* bytes in that file */
	size_t lo, hi;	   /* the quoted region (or array body) holding it */
};

/*
 * The tokens of the final values of VARS (NULL-terminated), concatenated in
 * that order (for GRUB: GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT,
 * as grub-mkconfig puts them on the linux line).  Returns 0 and the tokens;
 * free with igp_shtoks_free().  *ret_assigned (may be NULL) tells whether
 * any of VARS is assigned at all.
 */
int igp_shdoc_tokens(const struct igp_shdoc *d, char *const *vars, struct igp_shtok **ret, size_t *ret_n);
void igp_shtoks_free(struct igp_shtok *t, size_t n);

/*
 * Would sh read every file as it is?  -EBADMSG for the first that it would
 * not (an unterminated quote, array, $( or ${, a last line ending in a
 * backslash) or that holds a NUL byte, with the refusal naming its file and
 * line in *ret_error (may be NULL; "PATH:LINE: unterminated double quote;
 * fix the file, then run igpuctl again").  igpuctl edits no such file: what
 * it would evaluate is not what the shell runs.
 */
int igp_shdoc_check(const struct igp_shdoc *d, char **ret_error);

/* Is VAR assigned anywhere in the document? */
bool igp_shdoc_assigns(const struct igp_shdoc *d, const char *var);
/*
 * Where a token goes back into D: ADD_VAR when D assigns it, else the last
 * of VARS that D assigns, else ADD_VAR (a new line).  revert works on one
 * file of GRUB's several: a new assignment at the end of a grub.d file
 * would override what /etc/default/grub sets.
 */
const char *igp_shdoc_add_var(const struct igp_shdoc *d, char *const *vars, const char *add_var);
/* The file index of the last assignment of VAR, or -1. */
int igp_shdoc_last_assignment(const struct igp_shdoc *d, const char *var);

/*
 * Apply OPS (planned on igp_shdoc_tokens(d, vars)) and return the new text
 * of every file (a vector of n_files strings, caller frees with strv_free).
 * ADD goes into the last assignment of ADD_VAR; when there is none, a line
 * `ADD_VAR="..."` (or `ADD_VAR=(...)` when ARRAY) is appended to file 0.
 * OP_FILES (n_ops ints, may be NULL) receives the file each op edits.
 * -EBADMSG when a token to change is not editable (*ret_bad, if not NULL,
 * names it; caller frees), -ESTALE when OPS do not match the document.
 */
int igp_shdoc_apply(const struct igp_shdoc *d, char *const *vars, const char *add_var, bool array,
		    const struct igp_kop *ops, size_t n_ops, int *op_files, char ***ret_texts,
		    char **ret_bad);

#endif
