/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/kernel/cmdline (and /proc/cmdline): igp_kline_parse/apply.
 *
 * The text is read as igpuctl reads the file: igp_read_file() and then
 * strlen(), so the first NUL ends it.  Asserts the kernel-parameter round
 * trip (fuzz.h) and that the other readers of the same syntax agree with
 * the tokenizer: igp_host_cmdline_get() (the running command line) and the
 * checks' tokens_get().
 */
#include "checks/checks_int.h"
#include "fuzz.h"
#include "model/host.h"
#include "base/util.h"

static int kline_parse(const char *text, char ***ret_texts, struct fz_span **ret_spans, size_t *ret_n)
{
	struct igp_kline l;
	char **texts;
	struct fz_span *spans;
	int r;

	r = igp_kline_parse(text, strlen(text), &l);
	if (r < 0)
		return r;
	FZ_OOM(texts = calloc(l.n + 1, sizeof(char *)));
	FZ_OOM(spans = calloc(l.n + 1, sizeof(*spans)));
	for (size_t i = 0; i < l.n; i++) {
		texts[i] = TAKE_PTR(l.toks[i].text);
		/* igp_kline_apply(): the region is [0, end of the last token). */
		spans[i] = (struct fz_span){l.toks[i].start, l.toks[i].end, 0, l.toks[l.n - 1].end, 0};
	}
	igp_kline_done(&l);
	*ret_texts = texts;
	*ret_spans = spans;
	*ret_n = l.n;
	return 0;
}

static int kline_apply(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret)
{
	return igp_kline_apply(text, strlen(text), ops, n_ops, ret);
}

static const struct fz_container kline = {
    .name = "kline",
    .undo = IGP_UNDO_KLINE,
    .parse = kline_parse,
    .apply = kline_apply,
};

/* igp_kline_parse() keeps an unbalanced '"' to the end of the line in one
 * token; anything appended after it joins that token. */
static bool open_quote(char *const *texts)
{
	for (size_t i = 0; texts[i]; i++) {
		size_t q = 0;
		for (const char *p = texts[i]; *p; p++)
			q += *p == '"';
		if (q % 2)
			return true;
	}
	return false;
}

/* The last token whose name is KEY (exactly, or with '-' == '_'). */
static const char *last_value(char *const *texts, const char *key, bool loose)
{
	const char *found = NULL;

	for (size_t i = 0; texts[i]; i++) {
		size_t kl = strcspn(texts[i], "=");
		bool eq = loose ? igp_kparam_key_eq(texts[i], key)
				: kl == strlen(key) && !strncmp(texts[i], key, kl);
		if (eq)
			found = texts[i][kl] ? texts[i] + kl + 1 : "";
	}
	return found;
}

static void readers_agree(const char *text)
{
	struct igp_host h = {.cmdline = (char *)text};
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ struct fz_span *spans = NULL;
	size_t n;

	if (kline_parse(text, &texts, &spans, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = igp_kparam_key(texts[i]);
		const char *want = last_value(texts, key, false), *got, *loose = NULL;
		char buf[4096], expect[4096];
		size_t wl = strlen(want);

		/* A value in double quotes comes without them; long ones are cut
		 * to the buffer. */
		if (wl >= 2 && want[0] == '"' && want[wl - 1] == '"') {
			want++;
			wl -= 2;
		}
		snprintf(expect, sizeof(expect), "%.*s", (int)wl, want);
		got = igp_host_cmdline_get(&h, key, buf, sizeof(buf));
		FZ_ASSERT(got && streq(got, expect), "cmdline_get(%s) = %s, the tokenizer says %s", key,
			  got ? got : "(null)", expect);
		FZ_ASSERT(tokens_get(texts, key, &loose) == 1 && streq(loose, last_value(texts, key, true)),
			  "tokens_get(%s)", key);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ struct fz_span *spans = NULL;
	size_t n;

	readers_agree(text);
	if (kline_parse(text, &texts, &spans, &n) < 0)
		return 0;
	/* known: an unterminated double quote is to be refused (cmdline.c);
	 * until then the round trip cannot hold for it. */
	if (open_quote(texts))
		return 0;
	fz_kparams_roundtrip(&kline, text);
	return 0;
}
