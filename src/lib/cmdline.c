/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "cmdline.h"
#include "util.h"

void igp_kops_free(struct igp_kop *ops, size_t n)
{
	for (size_t i = 0; ops && i < n; i++) {
		free(ops[i].token);
		free(ops[i].old);
	}
	free(ops);
}

char *igp_kparam_key(const char *token)
{
	return strndup(token, strcspn(token, "="));
}

bool igp_kparam_key_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		bool ea = !*a || *a == '=', eb = !*b || *b == '=';
		if (ea || eb)
			return ea && eb;
		if (x != y)
			return false;
	}
}

bool igp_kparam_valid(const char *token)
{
	if (!token || !*token || *token == '=')
		return false;
	for (const char *p = token; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) || strchr("\"'\\$`#", *p))
			return false;
	return true;
}

static const char *token_value(const char *t)
{
	const char *eq = strchr(t, '=');
	return eq ? eq + 1 : NULL;
}

/* Working copy of the token list while wants are applied. */
struct work {
	char **orig; /* borrowed */
	size_t n;
	char **text; /* current text of each original token */
	bool *gone;
	char **added;
};

static long find_last(const struct work *w, const char *key, bool *in_added)
{
	for (long i = (long)strv_length(w->added) - 1; i >= 0; i--)
		if (igp_kparam_key_eq(w->added[i], key)) {
			*in_added = true;
			return i;
		}
	for (long i = (long)w->n - 1; i >= 0; i--)
		if (!w->gone[i] && igp_kparam_key_eq(w->text[i], key)) {
			*in_added = false;
			return i;
		}
	return -1;
}

static int set_text(struct work *w, long i, bool in_added, char *s)
{
	char **slot = in_added ? &w->added[i] : &w->text[i];
	if (!s)
		return -ENOMEM;
	free(*slot);
	*slot = s;
	return 0;
}

/* Is ITEM in the comma list VALUE? */
static bool list_has(const char *value, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = value; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, item, n) == 0)
			return true;
		p += k;
		if (*p == ',')
			p++;
	}
	return false;
}

/* KEY=VALUE without ITEM; NULL on ENOMEM. */
static char *list_without(const char *key, const char *value, const char *item)
{
	_cleanup_free_ char *out = strdupf("%s=", key);
	size_t n = strlen(item);
	bool first = true;

	if (!out)
		return NULL;
	for (const char *p = value; *p;) {
		size_t k = strcspn(p, ",");
		if (!(k == n && strncmp(p, item, n) == 0)) {
			char *o = strdupf("%s%s%.*s", out, first ? "" : ",", (int)k, p);
			if (!o)
				return NULL;
			free(out);
			out = o;
			first = false;
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return TAKE_PTR(out);
}

static int apply_want(struct work *w, const struct igp_kwant *want)
{
	bool in_added = false;
	long i;
	char *cur;

	switch (want->kind) {
	case IGP_KWANT_SET: {
		_cleanup_free_ char *tok = want->value ? strdupf("%s=%s", want->key, want->value)
						       : strdup(want->key);
		if (!tok)
			return -ENOMEM;
		i = find_last(w, want->key, &in_added);
		if (i < 0)
			return strv_consume(&w->added, TAKE_PTR(tok));
		cur = in_added ? w->added[i] : w->text[i];
		/* Same name (vfio-pci is vfio_pci) and same value: satisfied. */
		if (streq_ptr(token_value(cur), token_value(tok)))
			return 0;
		return set_text(w, i, in_added, TAKE_PTR(tok));
	}
	case IGP_KWANT_LIST: {
		const char *v;
		i = find_last(w, want->key, &in_added);
		if (i < 0)
			return strv_consume(&w->added, strdupf("%s=%s", want->key, want->value));
		cur = in_added ? w->added[i] : w->text[i];
		v = token_value(cur);
		if (v && list_has(v, want->value))
			return 0;
		if (!v || !*v)
			return set_text(w, i, in_added, strdupf("%.*s=%s", (int)strcspn(cur, "="), cur,
								want->value));
		return set_text(w, i, in_added, strdupf("%s,%s", cur, want->value));
	}
	case IGP_KWANT_LIST_ABSENT:
		/* Empty lists stay as "key=" here so that a following LIST want
		 * refills the same token; they are dropped at the end. */
		for (size_t j = 0; j < w->n; j++) {
			const char *v;
			_cleanup_free_ char *key = NULL;
			if (w->gone[j] || !igp_kparam_key_eq(w->text[j], want->key))
				continue;
			v = token_value(w->text[j]);
			if (!v || !list_has(v, want->value))
				continue;
			key = igp_kparam_key(w->text[j]);
			if (!key || set_text(w, (long)j, false, list_without(key, v, want->value)) < 0)
				return -ENOMEM;
		}
		return 0;
	case IGP_KWANT_ABSENT:
		for (size_t j = 0; j < w->n; j++) {
			const char *v;
			if (w->gone[j] || !igp_kparam_key_eq(w->text[j], want->key))
				continue;
			v = token_value(w->text[j]);
			if (want->value && !streq_ptr(v, want->value))
				continue;
			w->gone[j] = true;
		}
		return 0;
	}
	return -EINVAL;
}

static int push_op(struct igp_kop **ops, size_t *n, enum igp_kop_kind kind, const char *token,
		   const char *old, long index)
{
	struct igp_kop *nv = realloc(*ops, (*n + 1) * sizeof(struct igp_kop));
	if (!nv)
		return -ENOMEM;
	*ops = nv;
	nv[*n] = (struct igp_kop){ kind, token ? strdup(token) : NULL, old ? strdup(old) : NULL, index };
	if ((token && !nv[*n].token) || (old && !nv[*n].old)) {
		free(nv[*n].token);
		free(nv[*n].old);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

int igp_kparams_plan(char *const *tokens, size_t n, const struct igp_kwant *wants, size_t n_wants,
		     struct igp_kop **ret, size_t *ret_n)
{
	struct work w = { .orig = (char **)tokens, .n = n };
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	int r = -ENOMEM;

	w.text = calloc(n + 1, sizeof(char *));
	w.gone = calloc(n + 1, sizeof(bool));
	w.added = calloc(1, sizeof(char *));
	if (!w.text || !w.gone || !w.added)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!(w.text[i] = strdup(tokens[i])))
			goto out;
	for (size_t i = 0; i < n_wants; i++) {
		r = apply_want(&w, &wants[i]);
		if (r < 0)
			goto out;
	}
	r = -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *v = token_value(w.text[i]);
		/* A list emptied by LIST_ABSENT and not refilled goes. */
		if (!w.gone[i] && v && !*v && !streq(w.text[i], tokens[i]))
			w.gone[i] = true;
		if (w.gone[i]) {
			if (push_op(&ops, &n_ops, IGP_KOP_REMOVE, NULL, tokens[i], (long)i) < 0)
				goto out;
		} else if (!streq(w.text[i], tokens[i])) {
			if (push_op(&ops, &n_ops, IGP_KOP_SET, w.text[i], tokens[i], (long)i) < 0)
				goto out;
		}
	}
	for (char **a = w.added; *a; a++)
		if (push_op(&ops, &n_ops, IGP_KOP_ADD, *a, NULL, -1) < 0)
			goto out;
	*ret = TAKE_PTR(ops);
	*ret_n = n_ops;
	r = 0;
out:
	igp_kops_free(ops, n_ops);
	for (size_t i = 0; w.text && i < n; i++)
		free(w.text[i]);
	free(w.text);
	free(w.gone);
	strv_free(w.added);
	return r;
}

int igp_kparams_unplan(char *const *tokens, size_t n, const struct igp_kop *done, size_t n_done,
		       struct igp_kop **ret, size_t *ret_n)
{
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	_cleanup_free_ bool *used = calloc(n + 1, sizeof(bool));

	if (!used)
		return -ENOMEM;
	/* Undo in reverse order of doing. */
	for (size_t k = n_done; k-- > 0;) {
		const struct igp_kop *d = &done[k];
		long hit = -1;
		int r = 0;

		if (d->kind == IGP_KOP_REMOVE)
			continue; /* below, once igpuctl's own tokens are known */
		if (d->kind == IGP_KOP_SET) {
			/* Where igpuctl set it, if it is still there: another
			 * token may have the same text. */
			long at = d->index;
			for (size_t j = 0; j < n_done; j++)
				at -= done[j].kind == IGP_KOP_REMOVE && done[j].index < d->index;
			if (at >= 0 && (size_t)at < n && !used[at] && streq(tokens[at], d->token))
				hit = at;
		}
		for (long i = (long)n - 1; i >= 0 && hit < 0; i--)
			if (!used[i] && streq(tokens[i], d->token)) {
				hit = i;
				break;
			}
		if (hit < 0)
			continue; /* changed or removed by the user: theirs now */
		used[hit] = true;
		if (d->kind == IGP_KOP_ADD)
			r = push_op(&ops, &n_ops, IGP_KOP_REMOVE, NULL, tokens[hit], hit);
		else
			r = push_op(&ops, &n_ops, IGP_KOP_SET, d->old, tokens[hit], hit);
		if (r < 0)
			goto fail;
	}
	/*
	 * Removed tokens come back in the order they stood (the kernel uses
	 * the last of a repeated parameter), each unless the user gave its
	 * key again: a token igpuctl added or set, undone above, does not
	 * count as the user's.
	 */
	for (size_t k = 0; k < n_done; k++) {
		const struct igp_kop *d = &done[k];
		bool present = false;

		if (d->kind != IGP_KOP_REMOVE)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!used[i] && igp_kparam_key_eq(tokens[i], d->old))
				present = true;
		if (!present && push_op(&ops, &n_ops, IGP_KOP_ADD, d->old, NULL, -1) < 0)
			goto fail;
	}
	*ret = ops;
	*ret_n = n_ops;
	return 0;
fail:
	igp_kops_free(ops, n_ops);
	return -ENOMEM;
}

void igp_splices_free(struct igp_splice *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].ins);
	free(s);
}

int igp_splice_push(struct igp_splice **v, size_t *n, size_t off, size_t del, const char *ins)
{
	struct igp_splice *nv = realloc(*v, (*n + 1) * sizeof(struct igp_splice));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = (struct igp_splice){ off, del, ins ? strdup(ins) : NULL };
	if (ins && !nv[*n].ins)
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int cmp_splice(const void *a, const void *b)
{
	const struct igp_splice *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	/* Pure insertions before a deletion at the same offset. */
	return (x->del > 0) - (y->del > 0);
}

int igp_splices_apply(const char *text, size_t len, const struct igp_splice *s, size_t n,
		      char **ret)
{
	_cleanup_free_ struct igp_splice *v = NULL;
	size_t total = len + 1, pos = 0, o = 0;
	char *out;

	if (n) {
		v = malloc(n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memcpy(v, s, n * sizeof(*v));
		qsort(v, n, sizeof(*v), cmp_splice);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].off < pos || v[i].off + v[i].del > len)
			return -EINVAL; /* overlapping or out of range */
		pos = v[i].off + v[i].del;
		total += v[i].ins ? strlen(v[i].ins) : 0;
	}
	out = malloc(total);
	if (!out)
		return -ENOMEM;
	pos = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = v[i].ins ? strlen(v[i].ins) : 0;
		memcpy(out + o, text + pos, v[i].off - pos);
		o += v[i].off - pos;
		if (k)
			memcpy(out + o, v[i].ins, k);
		o += k;
		pos = v[i].off + v[i].del;
	}
	memcpy(out + o, text + pos, len - pos);
	o += len - pos;
	out[o] = '\0';
	*ret = out;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int igp_splice_remove_token(const char *text, size_t lo, size_t hi, size_t start, size_t end,
			    struct igp_splice **v, size_t *n)
{
	if (start > lo && is_blank(text[start - 1]))
		return igp_splice_push(v, n, start - 1, end - start + 1, NULL);
	if (end < hi && is_blank(text[end]))
		return igp_splice_push(v, n, start, end - start + 1, NULL);
	return igp_splice_push(v, n, start, end - start, NULL);
}

void igp_kline_done(struct igp_kline *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		free(l->toks[i].text);
	free(l ? l->toks : NULL);
}

int igp_kline_parse(const char *text, size_t len, struct igp_kline *ret)
{
	struct igp_kline l = { 0 };
	size_t i = 0;

	while (i < len) {
		size_t s;
		bool q = false;
		struct igp_ktoken *nv;

		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i >= len)
			break;
		s = i;
		/* The kernel's next_arg(): blanks inside double quotes do not
		 * split a parameter. */
		while (i < len && (q || !isspace((unsigned char)text[i]))) {
			if (text[i] == '"')
				q = !q;
			i++;
		}
		nv = realloc(l.toks, (l.n + 1) * sizeof(*nv));
		if (!nv)
			goto oom;
		l.toks = nv;
		nv[l.n] = (struct igp_ktoken){ strndup(text + s, i - s), s, i };
		if (!nv[l.n].text)
			goto oom;
		l.n++;
	}
	*ret = l;
	return 0;
oom:
	igp_kline_done(&l);
	return -ENOMEM;
}

char **igp_kline_texts(const struct igp_kline *l)
{
	char **v = calloc(l->n + 1, sizeof(char *));
	for (size_t i = 0; v && i < l->n; i++)
		v[i] = l->toks[i].text;
	return v;
}

const struct igp_ktoken *igp_kline_op_token(const struct igp_kline *l, const struct igp_kop *o)
{
	if (o->index < 0 || (size_t)o->index >= l->n || !streq(l->toks[o->index].text, o->old))
		return NULL;
	return &l->toks[o->index];
}

int igp_kline_apply(const char *text, size_t len, const struct igp_kop *ops, size_t n_ops,
		    char **ret)
{
	struct igp_kline l = { 0 };
	struct igp_splice *sp = NULL;
	size_t n_sp = 0, tail;
	_cleanup_free_ char *add = NULL;
	int r;

	r = igp_kline_parse(text, len, &l);
	if (r < 0)
		return r;
	tail = l.n ? l.toks[l.n - 1].end : 0;
	add = strdup("");
	if (!add) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < n_ops; k++) {
		const struct igp_kop *o = &ops[k];
		const struct igp_ktoken *t;
		if (o->kind == IGP_KOP_ADD) {
			bool sep = *add || l.n > 0;
			r = strextendf(&add, "%s%s", sep ? " " : "", o->token);
			if (r < 0)
				goto out;
			continue;
		}
		t = igp_kline_op_token(&l, o);
		if (!t) {
			r = -ESTALE;
			goto out;
		}
		if (o->kind == IGP_KOP_SET)
			r = igp_splice_push(&sp, &n_sp, t->start, t->end - t->start, o->token);
		else
			r = igp_splice_remove_token(text, 0, tail, t->start, t->end, &sp, &n_sp);
		if (r < 0)
			goto out;
	}
	if (*add) {
		/* An empty file gets a complete line. */
		if (len == 0 && l.n == 0) {
			r = strextendf(&add, "\n");
			if (r < 0)
				goto out;
		}
		r = igp_splice_push(&sp, &n_sp, tail, 0, add);
		if (r < 0)
			goto out;
	}
	r = igp_splices_apply(text, len, sp, n_sp, ret);
out:
	igp_splices_free(sp, n_sp);
	igp_kline_done(&l);
	return r;
}
