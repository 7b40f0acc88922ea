/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs (diff.h), the --dry-run output `patch -p1 -d ROOT` must be
 * able to apply.  The input is two texts separated by a NUL byte (config
 * texts hold none); without one the second is the first minus its first
 * line.  Asserts:
 *   - equal texts diff to "";
 *   - the diff is well-formed (headers, hunk counts, "\ No newline at end
 *     of file" only after a last line) and, applied to the old text by the
 *     strict patcher below, gives exactly the new one;
 *   - the same for a created (NULL -> new) and a removed (old -> NULL) file.
 */
#include "base/diff.h"
#include "fuzz.h"
#include "base/util.h"

/* The lines of TEXT, each with its newline (the last may lack it). */
static char **lines_of(const char *text)
{
	char **v = calloc(1, sizeof(char *));

	FZ_OOM(v);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
		FZ_OOM(strv_consume(&v, strndup(p, n)) == 0);
		p += n;
	}
	return v;
}

static void read_range(const char *s, const char **end, long *ret_start, long *ret_count)
{
	char *e;

	*ret_start = strtol(s, &e, 10);
	*ret_count = 1;
	if (*e == ',')
		*ret_count = strtol(e + 1, &e, 10);
	*end = e;
}

/* Apply DIFF to OLD like `patch` would, refusing any mismatch. */
static char *patch(const char *path, const char *old, const char *diff, const char *input)
{
	_cleanup_strv_free_ char **a = lines_of(old), **d = lines_of(diff);
	_cleanup_free_ char *out = strdup(""), *hdr_a = NULL;
	size_t na = strv_length(a), pos = 0, i = 2; /* pos: next old line to copy */

	FZ_OOM(out);
	FZ_OOM(hdr_a = old ? strdupf("--- a%s\n", path) : strdup("--- /dev/null\n"));
	FZ_ASSERT(d[0] && d[1] && streq(d[0], hdr_a), "bad --- header [%s]: %s", d[0] ? d[0] : "", input);
	FZ_ASSERT(startswith(d[1], "+++ "), "bad +++ header [%s]", d[1]);
	while (d[i]) {
		long os, oc, ns, nc;
		const char *e;
		FZ_ASSERT(startswith(d[i], "@@ -"), "expected a hunk header, got [%s]", d[i]);
		read_range(d[i] + 4, &e, &os, &oc);
		FZ_ASSERT(startswith(e, " +"), "hunk header [%s]", d[i]);
		read_range(e + 2, &e, &ns, &nc);
		FZ_ASSERT(startswith(e, " @@"), "hunk header [%s]", d[i]);
		/* An empty range names the line before it. */
		if (oc > 0)
			os--;
		FZ_ASSERT(os >= 0 && (size_t)os >= pos && (size_t)os <= na, "hunk at %ld, copied up to %zu",
			  os, pos);
		for (; pos < (size_t)os; pos++)
			FZ_OOM(strextendf(&out, "%s", a[pos]) == 0);
		for (i++; d[i] && !startswith(d[i], "@@ "); i++) {
			char c = d[i][0];
			const char *body = d[i] + 1;
			bool nonl = d[i + 1] && startswith(d[i + 1], "\\ No newline at end of file");
			_cleanup_free_ char *line = strdup(body);
			FZ_OOM(line);
			FZ_ASSERT(c == ' ' || c == '-' || c == '+', "hunk line [%s]", d[i]);
			/* Without the newline that the marker says is missing. */
			if (nonl) {
				FZ_ASSERT(endswith(line, "\n"), "marker after a line without newline");
				line[strlen(line) - 1] = '\0';
			}
			if (c != '+') {
				FZ_ASSERT(pos < na && streq(a[pos], line), "line %zu: [%s] is not [%s]", pos,
					  pos < na ? a[pos] : "(end)", line);
				pos++;
				oc--;
			}
			if (c != '-') {
				FZ_OOM(strextendf(&out, "%s", line) == 0);
				nc--;
			}
			if (nonl)
				i++;
		}
		FZ_ASSERT(oc == 0 && nc == 0, "hunk counts off by %ld, %ld: %s", oc, nc, diff);
	}
	for (; pos < na; pos++)
		FZ_OOM(strextendf(&out, "%s", a[pos]) == 0);
	return TAKE_PTR(out);
}

static void roundtrip(const char *old, const char *new_, const char *input)
{
	_cleanup_free_ char *diff = NULL, *back = NULL;

	FZ_ASSERT(igp_diff_unified("/etc/fuzz", old, new_, &diff) == 0, "diff failed");
	if (streq_ptr(old, new_) || (old && new_ && streq(old, new_))) {
		FZ_ASSERT(streq(diff, ""), "equal texts differ: %s", diff);
		return;
	}
	if (!*diff) {
		/* Only "" against NULL: no line to show. */
		FZ_ASSERT(!*(old ? old : "") && !*(new_ ? new_ : ""), "no diff for different texts");
		return;
	}
	back = patch("/etc/fuzz", old, diff, input);
	FZ_ASSERT(streq(back, new_ ? new_ : ""), "patched \"%s\" is not \"%s\":\n%s", back, new_ ? new_ : "",
		  diff);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *old = fz_cstring(data, size), *new_ = NULL;
	size_t n = strlen(old);

	if (n < size)
		new_ = fz_cstring(data + n + 1, size - n - 1);
	else
		FZ_OOM(new_ = strdup(old + strcspn(old, "\n") + (old[strcspn(old, "\n")] == '\n')));
	roundtrip(old, new_, old);
	roundtrip(old, old, old);
	roundtrip(NULL, new_, old);
	roundtrip(old, NULL, old);
	return 0;
}
