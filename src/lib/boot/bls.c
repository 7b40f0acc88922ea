/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader of loader entries (the Boot Loader Specification, type #1
 * entries): the tokens of their "options" lines, and edits in place.
 */
#include <ctype.h>

#include "boot/bls.h"
#include "base/util.h"

/* Each "options" line: where it starts, [start of its value, end of line). */
struct optline {
	size_t start, vstart, vend;
};

static size_t option_lines(const char *text, struct optline *v, size_t max)
{
	size_t n = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), i = 0;
		while (i < len && isblank((unsigned char)p[i]))
			i++;
		if (len - i > 7 && strncmp(p + i, "options", 7) == 0 && isblank((unsigned char)p[i + 7]) &&
		    n < max) {
			v[n].start = (size_t)(p - text);
			v[n].vstart = (size_t)(p - text) + i + 7;
			v[n].vend = (size_t)(p - text) + len;
			n++;
		}
		p = e ? e + 1 : p + len;
	}
	return n;
}

bool igp_bls_is_linux(const char *text)
{
	for (const char *p = text; p && *p;) {
		p += strspn(p, " \t");
		if (startswith(p, "linux") && (p[5] == ' ' || p[5] == '\t'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

int igp_bls_tokens(const char *text, struct igp_kline *ret)
{
	struct optline ol[64];
	size_t n = option_lines(text, ol, ELEMENTSOF(ol));
	struct igp_kline all = {0};

	for (size_t i = 0; i < n; i++) {
		struct igp_kline l;
		struct igp_ktoken *nv;
		int r = igp_kline_parse(text + ol[i].vstart, ol[i].vend - ol[i].vstart, &l);
		if (r < 0) {
			igp_kline_done(&all);
			return r;
		}
		nv = realloc(all.toks, (all.n + l.n + 1) * sizeof(*nv));
		if (!nv) {
			igp_kline_done(&l);
			igp_kline_done(&all);
			return -ENOMEM;
		}
		all.toks = nv;
		for (size_t k = 0; k < l.n; k++) {
			l.toks[k].start += ol[i].vstart;
			l.toks[k].end += ol[i].vstart;
			all.toks[all.n++] = l.toks[k];
		}
		free(l.toks);
	}
	*ret = all;
	return 0;
}

/* Where the ops of an entry go: which options line each token is on. */
struct bls_edit {
	const char *text;
	struct optline ol[64];
	size_t n_ol;
	size_t toks[64], cut[64]; /* per options line: tokens, tokens removed */
	struct igp_cut *cuts;
	size_t n_cuts;
	struct igp_splice *sp;
	size_t n_sp;
};

static size_t bls_line_of(const struct bls_edit *e, const struct igp_ktoken *t)
{
	for (size_t i = 0; i < e->n_ol; i++)
		if (t->start >= e->ol[i].vstart && t->end <= e->ol[i].vend)
			return i;
	return 0;
}

/*
 * The end of the region an options line's tokens are removed in: not the
 * blanks that end the line.  New tokens go before them (bls_add()) and must
 * not land inside a removal ("options i915.enable_guc=3 " without its only
 * token, and one added).
 */
static size_t bls_cut_hi(const struct bls_edit *e, const struct optline *o)
{
	size_t hi = o->vend;

	while (hi > o->vstart + 1 && isblank((unsigned char)e->text[hi - 1]))
		hi--;
	return hi;
}

static int bls_set_remove(struct bls_edit *e, const struct igp_kline *l, const struct igp_kop *ops,
			  size_t n_ops)
{
	for (size_t k = 0; k < l->n; k++)
		e->toks[bls_line_of(e, &l->toks[k])]++;
	for (size_t k = 0; k < n_ops; k++) {
		const struct igp_ktoken *t;
		const struct optline *o;
		size_t i;
		int r;
		if (ops[k].kind == IGP_KOP_ADD)
			continue;
		t = igp_kline_op_token(l, &ops[k]);
		if (!t)
			return -ESTALE;
		i = bls_line_of(e, t);
		o = &e->ol[i];
		if (ops[k].kind == IGP_KOP_SET) {
			r = igp_splice_push(&e->sp, &e->n_sp, t->start, t->end - t->start, ops[k].token);
		} else {
			e->cut[i]++;
			/* The blank after "options" stays. */
			r = igp_cut_push(&e->cuts, &e->n_cuts, t->start, t->end, o->vstart + 1,
					 bls_cut_hi(e, o));
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* An options line whose every token goes (the one igpuctl added to an
 * entry that had none) goes as a whole, unless new tokens go there. */
static int bls_drop_lines(struct bls_edit *e, bool adding)
{
	size_t len = strlen(e->text);

	for (size_t i = 0; i < e->n_ol; i++) {
		const struct optline *o = &e->ol[i];
		size_t k = 0, end = o->vend < len ? o->vend + 1 : o->vend;
		int r;
		if (!e->cut[i] || e->cut[i] != e->toks[i] || (adding && i == e->n_ol - 1))
			continue;
		for (size_t c = 0; c < e->n_cuts; c++)
			if (!(e->cuts[c].lo == o->vstart + 1 && e->cuts[c].hi == bls_cut_hi(e, o)))
				e->cuts[k++] = e->cuts[c];
		e->n_cuts = k;
		r = igp_splice_push(&e->sp, &e->n_sp, o->start, end - o->start, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

static int bls_add(struct bls_edit *e, const char *add)
{
	size_t len = strlen(e->text);
	_cleanup_free_ char *line = NULL;

	if (e->n_ol > 0) {
		/* After the last token of the last options line. */
		const struct optline *o = &e->ol[e->n_ol - 1];
		size_t at = o->vend;
		while (at > o->vstart && isblank((unsigned char)e->text[at - 1]))
			at--;
		return igp_splice_push(&e->sp, &e->n_sp, at, 0, add);
	}
	line = strdupf("%soptions%s\n", len && e->text[len - 1] != '\n' ? "\n" : "", add);
	return line ? igp_splice_push(&e->sp, &e->n_sp, len, 0, line) : -ENOMEM;
}

int igp_bls_apply(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret)
{
	struct bls_edit e = {.text = text};
	struct igp_kline l = {0};
	_cleanup_free_ char *add = strdup("");
	int r;

	if (!add)
		return -ENOMEM;
	e.n_ol = option_lines(text, e.ol, ELEMENTSOF(e.ol));
	r = igp_bls_tokens(text, &l);
	if (r < 0)
		return r;
	for (size_t k = 0; r >= 0 && k < n_ops; k++)
		if (ops[k].kind == IGP_KOP_ADD)
			r = strextendf(&add, " %s", ops[k].token);
	if (r >= 0)
		r = bls_set_remove(&e, &l, ops, n_ops);
	if (r >= 0)
		r = bls_drop_lines(&e, *add);
	if (r >= 0)
		r = igp_splices_remove(text, e.cuts, e.n_cuts, false, &e.sp, &e.n_sp);
	if (r >= 0 && *add)
		r = bls_add(&e, add);
	if (r >= 0)
		r = igp_splices_apply(text, strlen(text), e.sp, e.n_sp, ret);
	free(e.cuts);
	igp_splices_free(e.sp, e.n_sp);
	igp_kline_done(&l);
	return r;
}
