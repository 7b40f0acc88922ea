/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-boot loader entries (Boot Loader Specification type #1):
 * igp_bls_tokens/apply on the "options" lines.  Read as igpuctl reads an
 * entry (a C string: the first NUL ends it).  Asserts the kernel-parameter
 * round trip of fuzz.h.
 */
#include <ctype.h>

#include "boot/bls.h"
#include "fuzz.h"
#include "base/util.h"

/* The options lines as bootloader.c finds them: [after "options", end of
 * line).  Spans of tokens need their line for the known overlap. */
static void option_line(const char *text, size_t off, size_t *ret_lo, size_t *ret_hi)
{
	size_t b = off, e = off;

	while (b > 0 && text[b - 1] != '\n')
		b--;
	while (text[e] && text[e] != '\n')
		e++;
	b += strspn(text + b, " \t");
	/* igp_bls_apply(): the region starts after the blank that follows
	 * "options" and ends before the blanks that end the line. */
	while (e > off && (text[e - 1] == ' ' || text[e - 1] == '\t'))
		e--;
	*ret_lo = b + 7 + 1;
	*ret_hi = e;
}

static int bls_parse(const char *text, char ***ret_texts, struct fz_span **ret_spans, size_t *ret_n)
{
	struct igp_kline l;
	char **texts;
	struct fz_span *spans;
	int r;

	r = igp_bls_tokens(text, &l);
	if (r < 0)
		return r;
	FZ_OOM(texts = calloc(l.n + 1, sizeof(char *)));
	FZ_OOM(spans = calloc(l.n + 1, sizeof(*spans)));
	for (size_t i = 0; i < l.n; i++) {
		texts[i] = TAKE_PTR(l.toks[i].text);
		spans[i] = (struct fz_span){.start = l.toks[i].start, .end = l.toks[i].end};
		option_line(text, l.toks[i].start, &spans[i].lo, &spans[i].hi);
	}
	igp_kline_done(&l);
	*ret_texts = texts;
	*ret_spans = spans;
	*ret_n = l.n;
	return 0;
}

/* igp_bls_apply() adds to the last of (at most 64) options lines; one
 * without tokens gets them before its trailing blanks. */
static bool adds_after_token(const char *text)
{
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ struct fz_span *spans = NULL;
	size_t n, count = 0, last = SIZE_MAX;

	for (const char *p = text; *p && count < 64;) {
		size_t len = strcspn(p, "\n"), i = strspn(p, " \t");
		if (len - i > 7 && !strncmp(p + i, "options", 7) && (p[i + 7] == ' ' || p[i + 7] == '\t')) {
			last = (size_t)(p - text) + i + 7;
			count++;
		}
		p += len + (p[len] == '\n');
	}
	if (last == SIZE_MAX || bls_parse(text, &texts, &spans, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (spans[i].start > last && spans[i].lo == last + 1)
			return true;
	return false;
}

static const struct fz_container bls = {
    .name = "bls",
    .undo = IGP_UNDO_BLS,
    .parse = bls_parse,
    .apply = igp_bls_apply,
    .adds_after_token = adds_after_token,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ struct fz_span *spans = NULL;
	size_t n;

	(void)igp_bls_is_linux(text);
	if (bls_parse(text, &texts, &spans, &n) < 0)
		return 0;
	/* known: an unterminated double quote is to be refused (cmdline.c). */
	for (size_t i = 0; i < n; i++) {
		size_t q = 0;
		for (const char *p = texts[i]; *p; p++)
			q += *p == '"';
		if (q % 2)
			return 0;
	}
	fz_kparams_roundtrip(&bls, text);
	return 0;
}
