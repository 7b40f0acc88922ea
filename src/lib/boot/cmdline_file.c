/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files holding a kernel command line of their own, by kind: one
 * dispatch to the reader of each format (cmdline.h, bls.h,
 * kernelstub_conf.h).
 */
#include "boot/bls.h"
#include "boot/cmdline_file.h"
#include "boot/kernelstub_conf.h"
#include "base/paths.h"
#include "base/util.h"

int igp_cmdline_file_tokens(enum igp_cmdline_file kind, const char *text, struct igp_kline *ret)
{
	switch (kind) {
	case IGP_CMDLINE_KLINE:
		return igp_kline_parse(text, strlen(text), ret);
	case IGP_CMDLINE_BLS:
		return igp_bls_tokens(text, ret);
	case IGP_CMDLINE_KERNELSTUB:
		return igp_kernelstub_tokens(text, ret);
	}
	return -EINVAL;
}

int igp_cmdline_file_apply(enum igp_cmdline_file kind, const char *text, const struct igp_kop *ops,
			   size_t n_ops, char **ret)
{
	switch (kind) {
	case IGP_CMDLINE_KLINE:
		return igp_kline_apply(text, strlen(text), ops, n_ops, ret);
	case IGP_CMDLINE_BLS:
		return igp_bls_apply(text, ops, n_ops, ret);
	case IGP_CMDLINE_KERNELSTUB:
		return igp_kernelstub_apply(text, ops, n_ops, ret);
	}
	return -EINVAL;
}

/* Where the double quote that stays open in a token starts, or -1. */
static long open_quote(const char *text, const struct igp_ktoken *t)
{
	long open = -1;
	for (size_t i = t->start; i < t->end; i++)
		if (text[i] == '"')
			open = open < 0 ? (long)i : -1;
	return open;
}

int igp_cmdline_file_check(enum igp_cmdline_file kind, const char *text, size_t len, size_t *ret_off,
			   const char **ret_what)
{
	struct igp_kline l = {0};
	const char *nul = memchr(text, '\0', len);
	int r;

	if (nul) {
		*ret_off = (size_t)(nul - text);
		*ret_what = "a NUL byte";
		return -EBADMSG;
	}
	if (kind == IGP_CMDLINE_KERNELSTUB) {
		*ret_what = "not valid JSON";
		return igp_kernelstub_check(text, len, ret_off);
	}
	r = igp_cmdline_file_tokens(kind, text, &l);
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		long q = open_quote(text, &l.toks[i]);
		if (q >= 0) {
			*ret_off = (size_t)q;
			*ret_what = "unterminated double quote";
			r = -EBADMSG;
		}
	}
	igp_kline_done(&l);
	return r;
}

char **igp_cmdline_file_read_tokens(const char *path, enum igp_cmdline_file kind)
{
	_cleanup_free_ char *text = NULL;
	struct igp_kline l = {0};
	char **v = NULL;

	if (igp_read_file(path, &text, NULL) < 0 || igp_cmdline_file_tokens(kind, text, &l) < 0)
		return NULL;
	v = calloc(l.n + 1, sizeof(char *));
	for (size_t i = 0; v && i < l.n; i++)
		v[i] = TAKE_PTR(l.toks[i].text);
	igp_kline_done(&l);
	return v;
}
