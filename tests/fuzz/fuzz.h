/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_NAME.c): assertions that
 * libFuzzer reports as crashes, input helpers, and the kernel-parameter
 * round trip every command-line container (kline, loader entry,
 * kernelstub, GRUB, mkinitcpio) must pass.
 */
#ifndef IGP_FUZZ_H
#define IGP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/cmdline.h"
#include "change/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed assertion: print what and where, then abort() so that libFuzzer
 * saves the input as crash-<sha1>.  COND may be NULL. */
void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));
#define FZ_ASSERT(cond, ...)                                                                                 \
	do {                                                                                                 \
		if (!(cond))                                                                                 \
			fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
	} while (0)
/* An allocation failure is no finding: stop quietly (never happens under
 * libFuzzer's default -malloc_limit_mb, which aborts first). */
#define FZ_OOM(p)                                                                                            \
	do {                                                                                                 \
		if (!(p))                                                                                    \
			fz_fail(__FILE__, __LINE__, NULL, "out of memory");                                  \
	} while (0)

/* The input up to its first NUL, as a C string: what a reader that takes
 * igp_read_file()'s text as a C string sees. */
char *fz_cstring(const uint8_t *data, size_t size);
bool fz_has_nul(const uint8_t *data, size_t size);
/* The lines of TEXT without their newlines. */
char **fz_lines(const char *text);

/* Split the input into files at lines "#@file NAME" (a shell comment, so a
 * corpus file stays valid shell).  The text before the first such line is
 * file 0.  Returns the number of files (at most max). */
struct fz_file {
	char name[64];
	const char *text;
	size_t len;
};
size_t fz_split_files(const char *data, size_t size, struct fz_file *files, size_t max);

/* ---- string vectors ---- */
bool fz_strv_eq(char *const *a, char *const *b);
/* Both vectors on stderr, then abort. */
void fz_strv_assert_eq(const char *what, char *const *got, char *const *want, const char *input);

/* ---- kernel parameter plans ---- */

/* One set of wants, as igpuctl setup would pass to igp_kparams_plan(). */
#define FZ_MAX_WANTS 12
struct fz_wants {
	const char *name;
	struct igp_kwant w[FZ_MAX_WANTS];
	size_t n;
	char *owned[4 * FZ_MAX_WANTS]; /* keys and values made for this set */
	size_t n_owned;
};
#define FZ_MAX_SETS 12
/*
 * The want sets to try on a token list: the ones `igpuctl setup` builds for
 * each mode (setup/steps_boot.c, steps_sriov.c), and --param style sets made from the list's own
 * keys (replace, remove the first two and the last, extend and shrink a
 * comma list), so that every token position gets edited.  Only keys and
 * values igp_kparam_check() accepts for GRUB, as setup does.  Returns the count.
 * MODULES: the mkinitcpio MODULES array, where setup only adds module names.
 */
size_t fz_want_sets(char *const *toks, size_t n, bool modules, struct fz_wants *sets);
void fz_want_sets_done(struct fz_wants *sets, size_t n);

/* TOKS (n) after OPS planned on them: SET/REMOVE at their index, ADD at the
 * end.  The ops must name the tokens they change (old == toks[index]). */
char **fz_expected_after(char *const *toks, size_t n, const struct igp_kop *ops, size_t n_ops);
/* The list undoing OPS should give back: TOKS with the removed tokens moved
 * to the end (a removed token comes back, but its place is lost), except
 * those whose key another token igpuctl left alone still has. */
char **fz_expected_undo(char *const *toks, size_t n, const struct igp_kop *ops, size_t n_ops);
/* Do TOKS satisfy every want of the set? Aborts naming the first that is not. */
void fz_assert_wants(char *const *toks, const struct fz_wants *s, const char *input);
bool fz_ops_remove(const struct igp_kop *ops, size_t n_ops);

/*
 * Token spans for the known splice overlap.  igp_splice_remove_token()
 * takes the blank after a token that has none before it (the first of its
 * region) and the blank before any other: removing two neighbours at the
 * start of a line takes the same blank twice and igp_splices_apply() fails
 * with -EINVAL.
 */
struct fz_span {
	size_t start, end; /* the token */
	size_t lo, hi;	   /* its region (line, quoted string) */
	int file;
};
bool fz_known_overlap(char *const *texts, const struct fz_span *spans, size_t n, const struct igp_kop *ops,
		      size_t n_ops);

/*
 * A plain container of kernel parameters: a text with a token list.  The
 * round trip plans every want set on the tokens, applies the ops, re-parses
 * and checks the tokens (exactly the expected list, the wants satisfied, a
 * second plan changes nothing), then undoes the edit as `igpuctl revert`
 * does (igp_undo_unapply()) and checks the original tokens are back (byte
 * for byte when nothing was removed from a non-empty list).
 */
struct fz_container {
	const char *name;
	enum igp_undo_kind undo;
	/* Tokens of TEXT with their spans (spans may be NULL); <0 refuses the text. */
	int (*parse)(const char *text, char ***ret_texts, struct fz_span **ret_spans, size_t *ret_n);
	int (*apply)(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret);
	/* Optional: what else must hold of an edit (BEFORE -> AFTER). */
	void (*check)(const char *before, const char *after);
	/* Optional: do added tokens go right after a token of TEXT, so that
	 * undoing them gives the bytes back?  (Default: when it has tokens.) */
	bool (*adds_after_token)(const char *text);
};
void fz_kparams_roundtrip(const struct fz_container *c, const char *text);

/*
 * Sourced shell files (shellvar.h): the documents of /etc/default/grub (+
 * grub.d) and /etc/mkinitcpio.conf (+ mkinitcpio.conf.d).  The input holds
 * the files one after the other, each after a line "#@file NAME" (the first
 * needs none).  The round trip is the one of fz_kparams_roundtrip() on the
 * document's tokens, through igp_shdoc_apply() and, for the revert,
 * igp_undo_unapply() on each changed file as `igpuctl revert` does.
 * Whether an edited file is still valid shell is checked outside (sh -n on
 * what fz_write_out() writes): see check-shell.sh.
 */
struct fz_shell {
	const char *name;
	const char *shell;   /* "sh" or "bash": the suffix of written files */
	char *const *vars;   /* the variables whose tokens count */
	const char *add_var; /* NULL: as igp_grub_init() picks it */
	bool array;	     /* add_var is an array (MODULES=(...)) */
	bool modules;	     /* the want sets of fz_want_sets() */
	const char *path0;   /* the main file; the others go to dir/NAME */
	const char *dir;
};
void fz_shell_roundtrip(const struct fz_shell *sh, const uint8_t *data, size_t size);

/* ---- companion checks ---- */
/*
 * With IGP_FUZZ_OUT=DIR in the environment, targets write the texts they
 * produce (DIR/<input hash>-<what>) for checks too slow to run in process
 * (tests/fuzz/check-shell.sh runs sh -n on them).
 */
const char *fz_out_dir(void);
void fz_write_out(const uint8_t *data, size_t size, const char *what, const char *text);
void fz_write_bytes(const uint8_t *data, size_t size, const char *what, const void *bytes, size_t n);

#endif
