/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "boot/cmdline.h"
#include "base/util.h"

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

/*
 * Bytes GRUB passes through untouched.  grub-mkconfig copies the variables
 * sh evaluated onto the "linux" line of grub.cfg, which GRUB's script
 * lexer reads again (grub-core/script/yylex.l): { } | & $ ; < > blanks,
 * quotes and backslash are syntax there ("foo;reboot" runs reboot at every
 * boot), '#' starts a comment, "[[" and "]]" are reserved words, and every
 * argument goes through wildcard expansion of * ? [ ]
 * (grub_script_arglist_to_argv() in grub-core/script/execute.c).  The rest
 * of printable ASCII gains nothing but risk: only these.
 */
static bool grub_safe(char c)
{
	return isalnum((unsigned char)c) || strchr("._,:=+/@%-", c);
}

int igp_kparam_check(const char *token, enum igp_ksyntax syntax, size_t *ret_at)
{
	size_t n = strlen(token);

	*ret_at = 0;
	if (!n || *token == '=')
		return -EINVAL;
	if (n > IGP_KPARAM_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)token[i];
		bool ok = c > ' ' && c < 0x7f && c != '"';
		if (syntax == IGP_KSYNTAX_GRUB)
			ok = ok && grub_safe((char)c);
		/* igpuctl writes the token into a JSON string as it is. */
		if (syntax == IGP_KSYNTAX_KERNELSTUB)
			ok = ok && c != '\\';
		if (!ok) {
			*ret_at = i;
			return -EINVAL;
		}
	}
	return 0;
}

int igp_module_name_check(const char *name, size_t *ret_at)
{
	size_t n = strlen(name);

	*ret_at = 0;
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-') {
			*ret_at = i;
			return -EINVAL;
		}
	return n > IGP_MODULE_NAME_MAX ? -E2BIG : 0;
}

/* id:VVVV:DDDD, four hex digits each. */
static bool acs_id(const char *w, size_t n)
{
	if (n != 12 || strncmp(w, "id:", 3) != 0 || w[7] != ':')
		return false;
	for (size_t i = 3; i < n; i++)
		if (i != 7 && !isxdigit((unsigned char)w[i]))
			return false;
	return true;
}

/*
 * The words of the ACS override patch's pcie_acs_override_setup() (in
 * drivers/pci/quirks.c of the kernels that carry it, Proxmox VE's among
 * them); it skips what it does not know, so a typo would go unnoticed.
 */
int igp_acs_override_check(const char *value, size_t *ret_at, size_t *ret_len)
{
	const char *p = value;

	for (;;) {
		size_t k = strcspn(p, ",");
		bool ok = (k == 10 && strncmp(p, "downstream", k) == 0) ||
			  (k == 13 && strncmp(p, "multifunction", k) == 0) || acs_id(p, k);
		if (!ok) {
			*ret_at = (size_t)(p - value);
			*ret_len = k;
			return -EINVAL;
		}
		if (!p[k])
			return 0;
		p += k + 1;
	}
}

size_t igp_kparams_length(char *const *tokens, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(tokens[i]) + (i > 0);
	return len;
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
		_cleanup_free_ char *tok =
		    want->value ? strdupf("%s=%s", want->key, want->value) : strdup(want->key);
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
			return set_text(w, i, in_added,
					strdupf("%.*s=%s", (int)strcspn(cur, "="), cur, want->value));
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
	nv[*n] = (struct igp_kop){kind, token ? strdup(token) : NULL, old ? strdup(old) : NULL, index};
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
	struct work w = {.orig = (char **)tokens, .n = n};
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
	nv[*n] = (struct igp_splice){off, del, ins ? strdup(ins) : NULL};
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

int igp_splices_apply(const char *text, size_t len, const struct igp_splice *s, size_t n, char **ret)
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

int igp_cut_push(struct igp_cut **v, size_t *n, size_t start, size_t end, size_t lo, size_t hi)
{
	struct igp_cut *nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = (struct igp_cut){start, end, lo, hi};
	return 0;
}

/* Does an odd run of backslashes in [lo, i) end right before text[i]? */
static bool escaped(const char *text, size_t lo, size_t i)
{
	size_t b = 0;
	while (i - b > lo && text[i - 1 - b] == '\\')
		b++;
	return b % 2 == 1;
}

static int cmp_cut(const void *a, const void *b)
{
	const struct igp_cut *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Do cuts A and B (A first) belong to one stretch: same region, blanks only between? */
static bool cuts_adjacent(const char *text, const struct igp_cut *a, const struct igp_cut *b)
{
	if (a->lo != b->lo || a->hi != b->hi)
		return false;
	/* One span twice (a value copied by $VAR twice): one cut. */
	if (b->start == a->start && b->end == a->end)
		return true;
	if (b->start < a->end)
		return false;
	for (size_t i = a->end; i < b->start; i++)
		if (!is_blank(text[i]))
			return false;
	return true;
}

int igp_splices_remove(const char *text, struct igp_cut *cuts, size_t n, bool backslash,
		       struct igp_splice **v, size_t *n_v)
{
	if (n)
		qsort(cuts, n, sizeof(*cuts), cmp_cut);
	for (size_t i = 0; i < n;) {
		size_t j = i, s, e, lo = cuts[i].lo, hi = cuts[i].hi;
		int r;

		while (j + 1 < n && cuts_adjacent(text, &cuts[j], &cuts[j + 1]))
			j++;
		s = cuts[i].start;
		e = cuts[j].end;
		if (s > lo && is_blank(text[s - 1]) && !(backslash && escaped(text, lo, s - 1)))
			s--;
		else if (e < hi && is_blank(text[e]))
			e++;
		r = igp_splice_push(v, n_v, s, e - s, NULL);
		if (r < 0)
			return r;
		i = j + 1;
	}
	return 0;
}

void igp_kline_done(struct igp_kline *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		free(l->toks[i].text);
	free(l ? l->toks : NULL);
}

int igp_kline_parse(const char *text, size_t len, struct igp_kline *ret)
{
	struct igp_kline l = {0};
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
		nv[l.n] = (struct igp_ktoken){strndup(text + s, i - s), s, i};
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

/* The ADD tokens of OPS, blank separated, after a blank when LEAD. */
static int added_text(const struct igp_kop *ops, size_t n_ops, bool lead, char **ret)
{
	_cleanup_free_ char *add = strdup("");

	if (!add)
		return -ENOMEM;
	for (size_t k = 0; k < n_ops; k++) {
		int r;
		if (ops[k].kind != IGP_KOP_ADD)
			continue;
		r = strextendf(&add, "%s%s", *add || lead ? " " : "", ops[k].token);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(add);
	return 0;
}

/* The splices of the SET and REMOVE ops on the line L of TEXT. */
static int kline_splices(const char *text, const struct igp_kline *l, const struct igp_kop *ops, size_t n_ops,
			 struct igp_splice **sp, size_t *n_sp, size_t *ret_n_cuts)
{
	_cleanup_free_ struct igp_cut *cuts = NULL;
	size_t n_cuts = 0, tail = l->n ? l->toks[l->n - 1].end : 0;
	int r = 0;

	for (size_t k = 0; r >= 0 && k < n_ops; k++) {
		const struct igp_kop *o = &ops[k];
		const struct igp_ktoken *t;
		if (o->kind == IGP_KOP_ADD)
			continue;
		t = igp_kline_op_token(l, o);
		if (!t)
			return -ESTALE;
		if (o->kind == IGP_KOP_SET)
			r = igp_splice_push(sp, n_sp, t->start, t->end - t->start, o->token);
		else
			r = igp_cut_push(&cuts, &n_cuts, t->start, t->end, 0, tail);
	}
	if (r >= 0)
		r = igp_splices_remove(text, cuts, n_cuts, false, sp, n_sp);
	*ret_n_cuts = n_cuts;
	return r;
}

int igp_kline_apply(const char *text, size_t len, const struct igp_kop *ops, size_t n_ops, char **ret)
{
	struct igp_kline l = {0};
	struct igp_splice *sp = NULL;
	size_t n_sp = 0, n_cuts = 0;
	_cleanup_free_ char *add = NULL;
	int r;

	r = igp_kline_parse(text, len, &l);
	if (r < 0)
		return r;
	r = kline_splices(text, &l, ops, n_ops, &sp, &n_sp, &n_cuts);
	/* New tokens after the last one, a blank between when any stays. */
	if (r >= 0)
		r = added_text(ops, n_ops, l.n > n_cuts, &add);
	if (r >= 0 && *add && len == 0)
		r = strextendf(&add, "\n"); /* an empty file gets a complete line */
	if (r >= 0 && *add)
		r = igp_splice_push(&sp, &n_sp, l.n ? l.toks[l.n - 1].end : 0, 0, add);
	if (r >= 0)
		r = igp_splices_apply(text, len, sp, n_sp, ret);
	igp_splices_free(sp, n_sp);
	igp_kline_done(&l);
	return r;
}

/*
 * One parameter at TEXT, as next_arg() in kernel/params.c takes it: a
 * leading quote opens a quoted stretch, a quote toggles it, a blank outside
 * one ends the parameter; the name ends at the first '='.  *ret_next: where
 * the next parameter starts.
 */
static int next_param(const char *text, const char **ret_next, char **ret_key, char **ret_value)
{
	const char *s = text, *eq = NULL;
	bool q = *s == '"', quoted = q;
	_cleanup_free_ char *key = NULL, *value = NULL;
	size_t i, end;

	if (q)
		s++;
	for (i = 0; s[i] && (q || !isspace((unsigned char)s[i])); i++) {
		if (!eq && s[i] == '=')
			eq = s + i;
		if (s[i] == '"')
			q = !q;
	}
	end = i;
	/* A quoted parameter loses its closing quote; so does a value that
	 * starts with one. */
	if ((quoted || (eq && eq[1] == '"')) && end > 0 && s[end - 1] == '"')
		end--;
	key = strndup(s, eq ? (size_t)(eq - s) : end);
	if (!key)
		return -ENOMEM;
	if (eq) {
		const char *v = eq + 1 + (eq[1] == '"');
		value = strndup(v, s + end > v ? (size_t)(s + end - v) : 0);
		if (!value)
			return -ENOMEM;
	}
	*ret_next = s + i;
	*ret_key = TAKE_PTR(key);
	*ret_value = TAKE_PTR(value);
	return 0;
}

void igp_kcmdline_done(struct igp_kcmdline *c)
{
	for (size_t i = 0; c && i < c->n; i++) {
		free(c->p[i].key);
		free(c->p[i].value);
	}
	if (c) {
		free(c->p);
		strv_free(c->tokens);
		*c = (struct igp_kcmdline){0};
	}
}

static int kcmdline_push(struct igp_kcmdline *c, char *key, char *value)
{
	struct igp_kparam *nv = realloc(c->p, (c->n + 1) * sizeof(*nv));

	if (nv)
		c->p = nv;
	if (!nv || strv_consume(&c->tokens, value ? strdupf("%s=%s", key, value) : strdup(key)) < 0) {
		free(key);
		free(value);
		return -ENOMEM;
	}
	c->p[c->n++] = (struct igp_kparam){key, value};
	return 0;
}

int igp_kcmdline_parse(const char *text, struct igp_kcmdline *ret)
{
	struct igp_kcmdline c = {0};
	const char *p = text;

	c.tokens = calloc(1, sizeof(char *));
	if (!c.tokens)
		return -ENOMEM;
	for (;;) {
		char *key, *value;
		const char *next;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (next_param(p, &next, &key, &value) < 0)
			goto oom;
		/* parse_args(): "--" alone ends the kernel's parameters. */
		if (!value && streq(key, "--")) {
			free(key);
			break;
		}
		if (kcmdline_push(&c, key, value) < 0)
			goto oom;
		p = next;
	}
	*ret = c;
	return 0;
oom:
	igp_kcmdline_done(&c);
	return -ENOMEM;
}

const char *igp_kcmdline_get(const struct igp_kcmdline *c, const char *key)
{
	for (size_t i = c ? c->n : 0; i-- > 0;)
		if (igp_kparam_key_eq(c->p[i].key, key))
			return c->p[i].value ? c->p[i].value : "";
	return NULL;
}
