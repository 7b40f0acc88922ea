/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernelstub's /etc/kernelstub/configuration (Pop!_OS): the strings of
 * "user" -> "kernel_options", edited in place.  Read as a C string.
 * Asserts the kernel-parameter round trip of fuzz.h, and that every edit
 * that json-c accepted before is still JSON json-c accepts, with the
 * same kernel_options as the token list.
 */
#include <json-c/json.h>

#include "boot/cmdline_file.h"
#include "boot/kernelstub_conf.h"
#include "fuzz.h"
#include "base/util.h"

static int stub_parse(const char *text, char ***ret_texts, struct fz_span **ret_spans, size_t *ret_n)
{
	struct igp_kline l;
	char **texts;
	int r;

	r = igp_kernelstub_tokens(text, &l);
	if (r < 0)
		return r;
	FZ_OOM(texts = igp_kline_texts(&l));
	for (size_t i = 0; i < l.n; i++)
		l.toks[i].text = NULL; /* now texts' */
	*ret_n = l.n;
	igp_kline_done(&l);
	*ret_texts = texts;
	/* No spans: kernelstub removes its own way, not with
	 * igp_splice_remove_token(). */
	*ret_spans = NULL;
	return 0;
}

static struct json_object *parse_json(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	FZ_OOM(tok);
	o = json_tokener_parse_ex(tok, text, (int)strlen(text));
	/* The whole text, as kernelstub's json.load() wants it. */
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  text[json_tokener_get_parse_end(tok) +
		       strspn(text + json_tokener_get_parse_end(tok), " \t\r\n")])) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* kernelstub reads the file with Python's json module: an edit of a valid
 * file must stay valid JSON, and its kernel_options must be the tokens
 * igpuctl sees. */
static void check_json(const char *before, const char *after)
{
	struct json_object *b = parse_json(before), *a, *user, *opts;
	_cleanup_strv_free_ char **texts = NULL;
	size_t n;

	if (!b)
		return;
	json_object_put(b);
	a = parse_json(after);
	FZ_ASSERT(a, "kernelstub: a valid file became invalid JSON: \"%s\" -> \"%s\"", before, after);
	FZ_ASSERT(stub_parse(after, &texts, &(struct fz_span *){NULL}, &n) == 0, "no kernel_options");
	FZ_ASSERT(json_object_object_get_ex(a, "user", &user) &&
		      json_object_object_get_ex(user, "kernel_options", &opts) &&
		      json_object_is_type(opts, json_type_array),
		  "kernel_options lost: \"%s\"", after);
	FZ_ASSERT(json_object_array_length(opts) == n,
		  "kernel_options has %zu elements, igpuctl sees %zu: \"%s\"", json_object_array_length(opts),
		  n, after);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(opts, i);
		/* Tokens are the raw string contents; escapes are not decoded. */
		if (strchr(texts[i], '\\') || !json_object_is_type(e, json_type_string))
			continue;
		FZ_ASSERT(streq(json_object_get_string(e), texts[i]),
			  "element %zu is \"%s\", igpuctl sees \"%s\"", i, json_object_get_string(e),
			  texts[i]);
	}
	json_object_put(a);
}

static const struct fz_container kernelstub = {
    .name = "kernelstub",
    .undo = IGP_UNDO_KERNELSTUB,
    .parse = stub_parse,
    .apply = igp_kernelstub_apply,
    .check = check_json,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	size_t off;
	const char *what;

	/* A file that is not strict JSON (kernelstub's json.load() would not
	 * read it either) is refused by setup and revert alike, by design
	 * (igp_cmdline_file_check()): that refusal is the outcome, there is
	 * no round trip to check. */
	if (igp_cmdline_file_check(IGP_CMDLINE_KERNELSTUB, text, strlen(text), &off, &what) == -EBADMSG)
		return 0;
	fz_kparams_roundtrip(&kernelstub, text);
	return 0;
}
