/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command line parameters as a token model.
 *
 * Every place a command line lives (a GRUB variable, /etc/kernel/cmdline,
 * a loader entry's "options", kernelstub's JSON) is a *container*: a list of
 * tokens, each with the byte span it occupies in its file.  igpuctl decides
 * what to change on the token list alone (igp_kparams_plan()), and the
 * container turns the resulting operations into byte splices, so everything
 * else (other tokens, quotes, comments, spacing) stays byte for byte.
 *
 * Operations are also what the journal records, so that `revert` of a file
 * the user changed since can undo exactly igpuctl's own tokens
 * (igp_kparams_unplan()).
 *
 * Parameter names compare with '-' and '_' as equal, as the kernel's
 * parameq() does ("vfio-pci.ids" is "vfio_pci.ids").
 */
#ifndef IGP_CMDLINE_H
#define IGP_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

enum igp_kwant_kind {
	IGP_KWANT_SET,	       /* key=value (or the flag key when value is NULL) */
	IGP_KWANT_LIST,	       /* item is in key's comma list ("modprobe.blacklist=a,b") */
	IGP_KWANT_LIST_ABSENT, /* item is not in key's comma list; empties drop the token */
	IGP_KWANT_ABSENT,      /* no key=value token (any value when value is NULL) */
};

struct igp_kwant {
	enum igp_kwant_kind kind;
	const char *key;
	const char *value; /* value, list item, or NULL */
};

enum igp_kop_kind {
	IGP_KOP_ADD,	/* token appended */
	IGP_KOP_SET,	/* token old replaced by token (in place) */
	IGP_KOP_REMOVE, /* token old removed */
};

struct igp_kop {
	enum igp_kop_kind kind;
	char *token; /* ADD, SET: the new token */
	char *old;   /* SET, REMOVE: the token it replaces / removes */
	long index;  /* SET, REMOVE: index in the token list it was planned on */
};

void igp_kops_free(struct igp_kop *ops, size_t n);

/* The parameter name of a token ("intel_iommu" of "intel_iommu=on"), newly
 * allocated. */
char *igp_kparam_key(const char *token);
/* Names equal with '-' == '_' (only in the name part). */
bool igp_kparam_key_eq(const char *a, const char *b);
/*
 * The longest parameter igpuctl writes: no kernel limit, a sane bound well
 * inside the command line.
 */
#define IGP_KPARAM_MAX 256
/*
 * x86's COMMAND_LINE_SIZE (arch/x86/include/asm/setup.h): the kernel keeps
 * that many bytes of the command line, terminating NUL included, and
 * silently drops the rest.
 */
#define IGP_COMMAND_LINE_SIZE 2048
/* include/linux/module.h: MODULE_NAME_LEN (64 - sizeof(unsigned long)), NUL included. */
#define IGP_MODULE_NAME_MAX (64 - 8 - 1)

/* Whose syntax a parameter passes on its way to the kernel. */
enum igp_ksyntax {
	IGP_KSYNTAX_PLAIN,	/* /etc/kernel/cmdline, loader entries: the kernel's own */
	IGP_KSYNTAX_GRUB,	/* sh sources it, GRUB's script lexer reads grub.cfg */
	IGP_KSYNTAX_KERNELSTUB, /* a JSON string, and kernelstub's argv */
};

/*
 * Can TOKEN (a user's --param) be written for SYNTAX?  0; -EINVAL with
 * *ret_at the offending byte (at 0 for an empty token or one starting with
 * '='); -E2BIG when longer than IGP_KPARAM_MAX.  Every syntax takes
 * printable ASCII only, no blank and no '"' (the kernel's next_arg() would
 * take what follows as a quoted value); see the .c file for the rest.
 */
int igp_kparam_check(const char *token, enum igp_ksyntax syntax, size_t *ret_at);
/* A kernel module name (--blacklist): [A-Za-z0-9_-], at most IGP_MODULE_NAME_MAX. */
int igp_module_name_check(const char *name, size_t *ret_at);
/*
 * A pcie_acs_override value: downstream, multifunction and id:VVVV:DDDD,
 * comma separated.  -EINVAL with the offending word at *ret_at (*ret_len
 * bytes, 0 for an empty word).
 */
int igp_acs_override_check(const char *value, size_t *ret_at, size_t *ret_len);
/* The length of the command line of TOKENS (N of them), blank separated. */
size_t igp_kparams_length(char *const *tokens, size_t n);

/*
 * Decide the operations that make TOKENS (n of them) satisfy WANTS, in
 * order.  Nothing is duplicated: a wanted key present with another value is
 * replaced in place (its last occurrence, the one the kernel uses).
 * Returns 0 and the ops (possibly none; caller frees with igp_kops_free()).
 */
int igp_kparams_plan(char *const *tokens, size_t n, const struct igp_kwant *wants, size_t n_wants,
		     struct igp_kop **ret, size_t *ret_n);

/*
 * The operations that undo DONE (recorded when igpuctl edited the line) on
 * the tokens as they are *now*: an added token is removed (its last
 * occurrence), a replaced one is set back if it still has igpuctl's value,
 * removed ones come back, in their old order, if no token but igpuctl's
 * own has their key.  Tokens the user changed meanwhile are left alone.
 */
int igp_kparams_unplan(char *const *tokens, size_t n, const struct igp_kop *done, size_t n_done,
		       struct igp_kop **ret, size_t *ret_n);

/* Byte edits of a text: replace DEL bytes at OFF with INS (may be NULL). */
struct igp_splice {
	size_t off, del;
	char *ins;
};
void igp_splices_free(struct igp_splice *s, size_t n);
int igp_splice_push(struct igp_splice **v, size_t *n, size_t off, size_t del, const char *ins);
/* Apply non-overlapping splices (any order) to TEXT of LEN bytes. */
int igp_splices_apply(const char *text, size_t len, const struct igp_splice *s, size_t n, char **ret);
/*
 * A token to remove: its span [start, end) in the text, and the region
 * [lo, hi) whose blanks separate its list (e.g. the inside of a quoted
 * string).
 */
struct igp_cut {
	size_t start, end, lo, hi;
};
/*
 * The splices that remove CUTS (N of them, any order; sorted in place) from
 * TEXT.  Cuts in one region with nothing but blanks between them go as one
 * stretch, together with one separating blank: the one before the stretch
 * when the region has one there (and no backslash escapes it), else the one
 * after it.  So "a b c" without a and b is "c", and no two splices ever
 * claim the same blank.  With BACKSLASH (shell, JSON), "a\ b" without b is
 * "a\ ", not "a\" (in a shell's double quotes, a backslash that would
 * escape the closing quote); without it (the kernel's own syntax, where a
 * backslash is an ordinary character) it is "a\".
 */
int igp_splices_remove(const char *text, struct igp_cut *cuts, size_t n, bool backslash,
		       struct igp_splice **v, size_t *n_v);
/* Add the cut [start, end) in [lo, hi) to *V (*N of them). */
int igp_cut_push(struct igp_cut **v, size_t *n, size_t start, size_t end, size_t lo, size_t hi);

/*
 * A plain command line ("root=/dev/sda1 ro quiet", as in /etc/kernel/cmdline
 * or a loader entry's options), tokenized on blanks, a double-quoted value
 * ("param=\"a b\"") kept in one token.
 */
struct igp_ktoken {
	char *text;
	size_t start, end; /* byte span in the line */
};
struct igp_kline {
	struct igp_ktoken *toks;
	size_t n;
};
int igp_kline_parse(const char *text, size_t len, struct igp_kline *ret);
void igp_kline_done(struct igp_kline *l);
/* The token texts as a NULL-terminated vector (borrowed strings). */
char **igp_kline_texts(const struct igp_kline *l);
/* The token a SET/REMOVE op works on, or NULL when the line no longer
 * holds o->old at o->index (it changed since the plan: -ESTALE). */
const struct igp_ktoken *igp_kline_op_token(const struct igp_kline *l, const struct igp_kop *o);

/*
 * The running kernel's command line (/proc/cmdline) as the kernel reads it:
 * parse_args() and next_arg() in kernel/params.c.  Blanks separate
 * parameters, double quotes keep blanks inside one, the quotes around a
 * value are not part of it, and a bare "--" ends the kernel's parameters
 * (what follows goes to init).  Names compare with '-' and '_' as equal
 * (parameq()), and of a repeated parameter the last one counts: the kernel
 * sets them in order, so the last one is what it keeps.  Parsed once per
 * run, into the host model; every reader of the running command line asks
 * this one.
 */
struct igp_kparam {
	char *key;   /* as written: "i915.enable-gvt" */
	char *value; /* "1" (quotes taken off), NULL for a bare flag */
};
struct igp_kcmdline {
	struct igp_kparam *p;
	size_t n;
	char **tokens; /* "key=value" ("key" for a flag) per parameter, NULL-terminated */
};
int igp_kcmdline_parse(const char *text, struct igp_kcmdline *ret);
void igp_kcmdline_done(struct igp_kcmdline *c);
/* The value of KEY's last occurrence ("" for a flag), or NULL when absent. */
const char *igp_kcmdline_get(const struct igp_kcmdline *c, const char *key);

/*
 * Apply OPS to the plain line TEXT[0..LEN): SET/REMOVE at their index, ADD
 * after the last token.  Whatever follows the last token (a newline) stays.
 */
int igp_kline_apply(const char *text, size_t len, const struct igp_kop *ops, size_t n_ops, char **ret);

#endif
