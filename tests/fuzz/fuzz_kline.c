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

/* The value in the last token whose name is KEY ('-' == '_'). */
static const char *last_value(char *const *texts, const char *key)
{
	const char *found = NULL;

	for (size_t i = 0; texts[i]; i++) {
		size_t kl = strcspn(texts[i], "=");
		if (igp_kparam_key_eq(texts[i], key))
			found = texts[i][kl] ? texts[i] + kl + 1 : "";
	}
	return found;
}

/*
 * The oracle: Linux's next_arg() (kernel/params.c) on one token, written
 * out again here: a leading '"' is taken off, the name ends at the first
 * '=', a value loses an opening '"', and a closing '"' goes when the
 * parameter was quoted or its value started with one.  PARAM and VAL point
 * into *BUF, a copy of TOK to free; VAL is NULL for a flag.
 */
static void kernel_next_arg(const char *tok, char **buf, char **param, char **val)
{
	char *args;
	size_t i, equals = 0;
	bool quoted = false;

	FZ_OOM(args = *buf = strdup(tok));
	if (*args == '"') {
		args++;
		quoted = true;
	}
	for (i = 0; args[i]; i++)
		if (!equals && args[i] == '=')
			equals = i + 1;
	*param = args;
	*val = NULL;
	if (equals) {
		args[equals - 1] = '\0';
		*val = args + equals;
		if (**val == '"') {
			(*val)++;
			if (i > 0 && args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
}

/* The running command line, parsed once (igp_host_load()), agrees with the
 * oracle: for every parameter, the value of its last occurrence ('-' and
 * '_' alike, as the kernel's parameq()), up to a lone "--". */
static void running_agrees(const char *text, char *const *texts, size_t n)
{
	struct igp_host h = {.cmdline = (char *)text};
	size_t stop = n;

	FZ_OOM(igp_kcmdline_parse(text, &h.kparams) >= 0);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *b = NULL;
		char *param, *val;
		kernel_next_arg(texts[i], &b, &param, &val);
		if (!val && streq(param, "--")) {
			stop = i;
			break;
		}
	}
	for (size_t i = 0; i < stop; i++) {
		_cleanup_free_ char *kb = NULL;
		char got_buf[4096], expect[4096], *key, *val;
		const char *want = NULL, *got;

		kernel_next_arg(texts[i], &kb, &key, &val);
		for (size_t j = 0; j < stop; j++) {
			_cleanup_free_ char *vb = NULL;
			char *p2, *v2;
			kernel_next_arg(texts[j], &vb, &p2, &v2);
			if (igp_kparam_key_eq(p2, key)) {
				/* Long values are cut to the caller's buffer. */
				snprintf(expect, sizeof(expect), "%s", v2 ? v2 : "");
				want = expect;
			}
		}
		FZ_ASSERT(want, "the oracle lost %s", key);
		got = igp_host_cmdline_get(&h, key, got_buf, sizeof(got_buf));
		FZ_ASSERT(got && streq(got, want), "cmdline_get(%s) = %s, the kernel says %s", key,
			  got ? got : "(null)", want);
	}
	igp_kcmdline_done(&h.kparams);
}

/* The checks' tokens_get() over the configured tokens (quotes and all)
 * finds the last one of each name, '-' and '_' alike. */
static void tokens_agree(char *const *texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = igp_kparam_key(texts[i]);
		const char *loose = NULL;

		FZ_ASSERT(tokens_get(texts, key, &loose) == 1 && streq(loose, last_value(texts, key)),
			  "tokens_get(%s)", key);
	}
}

static void readers_agree(const char *text)
{
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ struct fz_span *spans = NULL;
	size_t n;

	if (kline_parse(text, &texts, &spans, &n) < 0)
		return;
	running_agrees(text, texts, n);
	tokens_agree(texts, n);
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
