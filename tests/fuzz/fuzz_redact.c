/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The redaction of `igpuctl report` (report/redact.h).  The input's first
 * line is the host's name, the rest the text, redacted as a whole file and
 * as a file named "serial".  What the redactor promises: redacting the
 * output again changes nothing (replacements are never taken for values),
 * the same redactor gives the same text for the same input, and no host
 * name it replaces is left standing as a whole word.
 */
#include <ctype.h>
#include <strings.h>

#include "base/util.h"
#include "fuzz.h"
#include "report/redact.h"

static char *redact(struct igp_redactor *r, const char *file, const char *text, size_t len)
{
	struct strbuf b = {0};
	int k = igp_redact(r, file, text, len, &b);

	FZ_OOM(k != -ENOMEM);
	FZ_ASSERT(k == 0, "igp_redact: %d", k);
	return b.s ? strbuf_steal(&b) : strdup("");
}

static bool wordc(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* NAME as a whole word of TEXT, not after a dot (a label of another name),
 * nor, when it is hex digits, next to a colon (part of an address). */
static bool has_word(const char *text, const char *name)
{
	size_t l = strlen(name);
	bool hex = strspn(name, "0123456789abcdefABCDEF") == l;

	for (const char *p = text; (p = strcasestr(p, name)); p++)
		if ((p == text || (!wordc(p[-1]) && p[-1] != '.')) && !wordc(p[l]) &&
		    !(hex && ((p > text && p[-1] == ':') || p[l] == ':')))
			return true;
	return false;
}

static void one(char *const *names, const char *file, const char *text, size_t len)
{
	struct igp_redactor r;
	_cleanup_free_ char *out = NULL, *again = NULL, *same = NULL;

	FZ_OOM(igp_redactor_init(&r, names) == 0);
	out = redact(&r, file, text, len);
	FZ_OOM(out);
	again = redact(&r, file, out, strlen(out));
	FZ_OOM(again);
	FZ_ASSERT(streq(out, again), "twice is not once:\n%s\n---\n%s", out, again);
	same = redact(&r, file, text, len);
	FZ_OOM(same);
	FZ_ASSERT(streq(out, same), "the same text redacted twice differs");
	for (char **n = r.names; n && *n; n++)
		FZ_ASSERT(!has_word(out, *n), "host name %s left in:\n%s", *n, out);
	igp_redactor_done(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = fz_cstring(data, size), *name = NULL;
	const char *nl;
	char *names[2] = {NULL, NULL};

	FZ_OOM(s);
	nl = strchrnul(s, '\n');
	name = strndup(s, (size_t)(nl - s));
	FZ_OOM(name);
	names[0] = name;
	if (*nl)
		nl++;
	one(names, NULL, nl, strlen(nl));
	one(names, "serial", nl, strlen(nl));
	return 0;
}
