/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>

#include "base/diff.h"
#include "base/paths.h"
#include "base/strbuf.h"
#include "base/util.h"

/* Past this many differences the texts have little in common: print the
 * whole replacement instead of spending O(D^2) memory on the trace. */
#define MAX_D 4000

struct line {
	const char *p;
	size_t len; /* without the newline */
	bool nl;    /* ends with '\n' */
};

struct lines {
	struct line *v;
	size_t n;
};

static void lines_done(struct lines *l)
{
	free(l->v);
}

static int split_lines(const char *s, struct lines *ret)
{
	size_t cap = 16;
	struct lines l = {.v = malloc(cap * sizeof(struct line))};

	if (!l.v)
		return -ENOMEM;
	while (s && *s) {
		const char *e = strchr(s, '\n');
		if (l.n == cap) {
			struct line *nv = realloc(l.v, (cap *= 2) * sizeof(struct line));
			if (!nv) {
				free(l.v);
				return -ENOMEM;
			}
			l.v = nv;
		}
		l.v[l.n++] = (struct line){s, e ? (size_t)(e - s) : strlen(s), e != NULL};
		s = e ? e + 1 : s + strlen(s);
	}
	*ret = l;
	return 0;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && a->nl == b->nl && memcmp(a->p, b->p, a->len) == 0;
}

enum op { EQ, DEL, INS };
struct edit {
	enum op op;
	size_t a, b; /* line index in old (EQ, DEL) and new (EQ, INS) */
};

/* Myers' greedy forward search, keeping V of each round for backtracking. */
static int myers(const struct lines *A, const struct lines *B, struct edit **ret, size_t *ret_n)
{
	long n = (long)A->n, m = (long)B->n, max = n + m, D = -1;
	long *v = NULL, **trace = NULL;
	struct edit *ed = NULL;
	size_t ned = 0;
	int r = -ENOMEM;

	v = calloc((size_t)(2 * max + 3), sizeof(long));
	trace = calloc((size_t)(MAX_D + 2), sizeof(long *));
	if (!v || !trace)
		goto out;
#define V(k) v[(k) + max + 1]
	for (long d = 0; d <= max && d <= MAX_D; d++) {
		/* Round d only reads V[-d-1 .. d+1] of the previous round. */
		trace[d] = malloc((size_t)(2 * d + 3) * sizeof(long));
		if (!trace[d])
			goto out;
		for (long k = -d - 1; k <= d + 1; k++)
			trace[d][k + d + 1] = (k >= -max - 1 && k <= max + 1) ? V(k) : 0;
		for (long k = -d; k <= d; k += 2) {
			long x, y;
			if (k == -d || (k != d && V(k - 1) < V(k + 1)))
				x = V(k + 1);
			else
				x = V(k - 1) + 1;
			y = x - k;
			while (x < n && y < m && line_eq(&A->v[x], &B->v[y]))
				x++, y++;
			V(k) = x;
			if (x >= n && y >= m) {
				D = d;
				break;
			}
		}
		if (D >= 0)
			break;
	}
#undef V

	ed = malloc((size_t)(n + m + 1) * sizeof(struct edit));
	if (!ed)
		goto out;
	if (D < 0) {
		/* Too different: everything out, everything in. */
		for (long i = 0; i < n; i++)
			ed[ned++] = (struct edit){DEL, (size_t)i, 0};
		for (long j = 0; j < m; j++)
			ed[ned++] = (struct edit){INS, 0, (size_t)j};
	} else {
		long x = n, y = m;
		/* Backtrack, filling the script from its end. */
		size_t pos = (size_t)(n + m + 1);
		for (long d = D; d >= 0; d--) {
			long *tv = trace[d];
#define TV(k) tv[(k) + d + 1]
			long k = x - y, pk, px, py;
			if (d == 0) {
				pk = 0;
				px = 0;
			} else {
				if (k == -d || (k != d && TV(k - 1) < TV(k + 1)))
					pk = k + 1;
				else
					pk = k - 1;
				px = TV(pk);
			}
#undef TV
			py = px - pk;
			while (x > px && y > py) {
				x--, y--;
				ed[--pos] = (struct edit){EQ, (size_t)x, (size_t)y};
			}
			if (d > 0) {
				if (x == px)
					ed[--pos] = (struct edit){INS, (size_t)x, (size_t)(y - 1)};
				else
					ed[--pos] = (struct edit){DEL, (size_t)(x - 1), (size_t)y};
			}
			x = px;
			y = py;
		}
		ned = (size_t)(n + m + 1) - pos;
		memmove(ed, ed + pos, ned * sizeof(struct edit));
	}
	/* Within each run of changes print deletions first, as diff(1) does. */
	for (size_t i = 0; i < ned;) {
		size_t j = i, w = i;
		struct edit *tmp;
		if (ed[i].op == EQ) {
			i++;
			continue;
		}
		while (j < ned && ed[j].op != EQ)
			j++;
		tmp = malloc((j - i) * sizeof(struct edit));
		if (!tmp)
			goto out;
		for (size_t q = i; q < j; q++)
			if (ed[q].op == DEL)
				tmp[w++ - i] = ed[q];
		for (size_t q = i; q < j; q++)
			if (ed[q].op == INS)
				tmp[w++ - i] = ed[q];
		memcpy(ed + i, tmp, (j - i) * sizeof(struct edit));
		free(tmp);
		i = j;
	}
	*ret = TAKE_PTR(ed);
	*ret_n = ned;
	r = 0;
out:
	if (trace)
		for (long d = 0; d <= MAX_D + 1 && d <= max + 1; d++)
			free(trace[d]);
	free(trace);
	free(v);
	free(ed);
	return r;
}

static void buf_line(struct strbuf *b, char tag, const struct line *l)
{
	strbuf_putc(b, tag);
	strbuf_add(b, l->p, l->len);
	strbuf_putc(b, '\n');
	if (!l->nl)
		strbuf_puts(b, "\\ No newline at end of file\n");
}

/* GNU format: "start,count", "start" when count is 1; an empty range names
 * the line before it. */
static void buf_range(struct strbuf *b, size_t start0, size_t count)
{
	if (count == 1)
		strbuf_printf(b, "%zu", start0 + 1);
	else
		strbuf_printf(b, "%zu,%zu", count ? start0 + 1 : start0, count);
}

int igp_diff_unified(const char *path, const char *old, const char *new_, char **ret)
{
	_cleanup_(lines_done) struct lines A = {}, B = {};
	_cleanup_free_ struct edit *ed = NULL;
	_cleanup_strbuf_ struct strbuf out = {};
	size_t ned = 0;
	int r;

	if ((!old && !new_) || (old && new_ && streq(old, new_))) {
		*ret = strdup("");
		return *ret ? 0 : -ENOMEM;
	}
	r = split_lines(old, &A);
	if (r >= 0)
		r = split_lines(new_, &B);
	if (r >= 0)
		r = myers(&A, &B, &ed, &ned);
	if (r < 0)
		return r;

	strbuf_printf(&out, "--- %s%s\n+++ %s%s\n", old ? "a" : IGP_DEV_NULL, old ? path : "",
		      new_ ? "b" : IGP_DEV_NULL, new_ ? path : "");

	for (size_t i = 0; i < ned;) {
		size_t first, last, hs, he, a0 = 0, b0 = 0, ac = 0, bc = 0;
		bool have = false;

		while (i < ned && ed[i].op == EQ)
			i++;
		if (i >= ned)
			break;
		first = i;
		/* Extend over changes separated by at most 2*context equal lines. */
		last = i;
		for (size_t j = i; j < ned; j++) {
			if (ed[j].op != EQ) {
				last = j;
				continue;
			}
			if (j - last > 2 * IGP_DIFF_CONTEXT)
				break;
		}
		hs = first >= IGP_DIFF_CONTEXT ? first - IGP_DIFF_CONTEXT : 0;
		he = last + IGP_DIFF_CONTEXT + 1 < ned ? last + IGP_DIFF_CONTEXT + 1 : ned;
		/* Where the hunk starts in each file, also when it is empty. */
		for (size_t j = hs; j < he; j++) {
			if (!have) {
				a0 = ed[j].op == INS ? ed[j].a : ed[j].a;
				b0 = ed[j].op == DEL ? ed[j].b : ed[j].b;
				have = true;
			}
			if (ed[j].op != INS)
				ac++;
			if (ed[j].op != DEL)
				bc++;
		}
		strbuf_puts(&out, "@@ -");
		buf_range(&out, a0, ac);
		strbuf_puts(&out, " +");
		buf_range(&out, b0, bc);
		strbuf_puts(&out, " @@\n");
		for (size_t j = hs; j < he; j++) {
			if (ed[j].op == EQ)
				buf_line(&out, ' ', &A.v[ed[j].a]);
			else if (ed[j].op == DEL)
				buf_line(&out, '-', &A.v[ed[j].a]);
			else
				buf_line(&out, '+', &B.v[ed[j].b]);
		}
		i = he;
	}
	*ret = strbuf_steal(&out);
	return *ret ? 0 : -ENOMEM;
}
