/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>

#include "fuzz.h"
#include "boot/grub.h"
#include "boot/shellvar.h"
#include "base/util.h"

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	if (cond)
		fprintf(stderr, "assertion '%s' failed: ", cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

char *fz_cstring(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *s = malloc(n + 1);

	FZ_OOM(s);
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

bool fz_has_nul(const uint8_t *data, size_t size)
{
	return memchr(data, '\0', size) != NULL;
}

char **fz_lines(const char *text)
{
	char **v = calloc(1, sizeof(char *));

	FZ_OOM(v);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		FZ_OOM(strv_consume(&v, strndup(p, n)) == 0);
		p += n + (p[n] == '\n');
	}
	return v;
}

size_t fz_split_files(const char *data, size_t size, struct fz_file *files, size_t max)
{
	static const char mark[] = "#@file ";
	size_t n = 0, start = 0;

	if (max == 0)
		return 0;
	files[0] = (struct fz_file){.name = "", .text = data};
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) + 1 : size;
		if (end - i >= sizeof(mark) - 1 && memcmp(data + i, mark, sizeof(mark) - 1) == 0 &&
		    n + 1 < max) {
			size_t nl_len = end - i - (sizeof(mark) - 1) - (nl ? 1 : 0);
			files[n].len = i - start;
			n++;
			files[n] = (struct fz_file){.text = data + end};
			snprintf(files[n].name, sizeof(files[n].name), "%.*s", (int)nl_len,
				 data + i + sizeof(mark) - 1);
			start = end;
		}
		i = end;
	}
	files[n].len = size - start;
	return n + 1;
}

bool fz_strv_eq(char *const *a, char *const *b)
{
	size_t n = strv_length(a);

	if (n != strv_length(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!streq(a[i], b[i]))
			return false;
	return true;
}

static void strv_print(const char *label, char *const *v)
{
	fprintf(stderr, "  %s (%zu):", label, strv_length(v));
	for (size_t i = 0; v && v[i]; i++)
		fprintf(stderr, " [%s]", v[i]);
	fputc('\n', stderr);
}

void fz_strv_assert_eq(const char *what, char *const *got, char *const *want, const char *input)
{
	if (fz_strv_eq(got, want))
		return;
	fprintf(stderr, "%s: token lists differ\n", what);
	strv_print("got ", got);
	strv_print("want", want);
	if (input)
		fprintf(stderr, "  input: \"%s\"\n", input);
	abort();
}

/* ---- want sets ---- */

static const char *own(struct fz_wants *s, char *p)
{
	FZ_OOM(p);
	if (s->n_owned >= ELEMENTSOF(s->owned))
		abort();
	s->owned[s->n_owned++] = p;
	return p;
}

/* What igpuctl itself would write into any container (GRUB's syntax is the
 * strictest). */
static bool kparam_ok(const char *token)
{
	size_t at;
	return igp_kparam_check(token, IGP_KSYNTAX_GRUB, &at) == 0;
}

static bool key_taken(const struct fz_wants *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (igp_kparam_key_eq(s->w[i].key, key))
			return true;
	return false;
}

/* Add a want if igpuctl could ask for it: a valid key (and token) not yet
 * wanted in this set. */
static void want(struct fz_wants *s, enum igp_kwant_kind kind, const char *key, const char *value)
{
	_cleanup_free_ char *tok = NULL;

	if (s->n >= FZ_MAX_WANTS || !key || !kparam_ok(key) || strchr(key, '=') || key_taken(s, key))
		return;
	if (value) {
		if (!*value && kind != IGP_KWANT_SET && kind != IGP_KWANT_ABSENT)
			return;
		if ((kind == IGP_KWANT_LIST || kind == IGP_KWANT_LIST_ABSENT) && strchr(value, ','))
			return;
		tok = strdupf("%s=%s", key, value);
		FZ_OOM(tok);
		if (!kparam_ok(tok))
			return;
	} else if (kind == IGP_KWANT_LIST || kind == IGP_KWANT_LIST_ABSENT)
		return;
	s->w[s->n++] = (struct igp_kwant){kind, key, value};
}

static const char *key_of(struct fz_wants *s, const char *token)
{
	return own(s, igp_kparam_key(token));
}

static const char *value_of(const char *token)
{
	const char *eq = strchr(token, '=');
	return eq ? eq + 1 : NULL;
}

size_t fz_want_sets(char *const *toks, size_t n, bool modules, struct fz_wants *sets)
{
	struct fz_wants *s;
	size_t k = 0;

	memset(sets, 0, FZ_MAX_SETS * sizeof(*sets));
#define SET(nm) (s = &sets[k++], s->name = (nm))
/* The sets of setup's steps (setup/steps_boot.c, steps_sriov.c), written out as they are. */
#define ADD(kind, key, value) (s->w[s->n++] = (struct igp_kwant){kind, key, value})
	if (modules) {
		/* modconf.c: setup adds module names (flags) to MODULES. */
		SET("modules-full");
		ADD(IGP_KWANT_SET, "vfio_pci", NULL);
		ADD(IGP_KWANT_SET, "vfio", NULL);
		ADD(IGP_KWANT_SET, "vfio_iommu_type1", NULL);
		SET("modules-gvtg");
		ADD(IGP_KWANT_SET, "kvmgt", NULL);
		ADD(IGP_KWANT_SET, "mdev", NULL);
	} else {
		/* setup/steps_*.c, one set per mode. */
		SET("full-intel");
		ADD(IGP_KWANT_LIST_ABSENT, "intel_iommu", "off");
		ADD(IGP_KWANT_LIST_ABSENT, "intel_iommu", "igfx_off");
		ADD(IGP_KWANT_LIST, "intel_iommu", "on");
		ADD(IGP_KWANT_SET, "iommu", "pt");
		ADD(IGP_KWANT_LIST, "initcall_blacklist", "sysfb_init");
		ADD(IGP_KWANT_LIST, "modprobe.blacklist", "nouveau");
		ADD(IGP_KWANT_SET, "kvm.ignore_msrs", "1");
		SET("full-amd");
		ADD(IGP_KWANT_ABSENT, "amd_iommu", "off");
		ADD(IGP_KWANT_SET, "iommu", "pt");
		ADD(IGP_KWANT_LIST, "video", "efifb:off");
		ADD(IGP_KWANT_SET, "pcie_acs_override", "downstream,multifunction");
		SET("gvtg");
		ADD(IGP_KWANT_SET, "i915.enable_gvt", "1");
		ADD(IGP_KWANT_ABSENT, "i915.enable_guc", "2");
		ADD(IGP_KWANT_ABSENT, "i915.enable_guc", "3");
		SET("sriov-i915");
		ADD(IGP_KWANT_LIST_ABSENT, "intel_iommu", "off");
		ADD(IGP_KWANT_LIST_ABSENT, "intel_iommu", "igfx_off");
		ADD(IGP_KWANT_LIST, "intel_iommu", "on");
		ADD(IGP_KWANT_ABSENT, "i915.enable_gvt", NULL);
		ADD(IGP_KWANT_SET, "i915.enable_guc", "3");
		ADD(IGP_KWANT_SET, "i915.max_vfs", "7");
		ADD(IGP_KWANT_LIST, "module_blacklist", "xe");
		SET("sriov-xe");
		ADD(IGP_KWANT_ABSENT, "i915.enable_gvt", NULL);
		ADD(IGP_KWANT_SET, "xe.max_vfs", "7");
		ADD(IGP_KWANT_SET, "xe.force_probe", "7d55");
		ADD(IGP_KWANT_LIST, "module_blacklist", "i915");
	}
	if (n == 0)
		return k;

	/* --param KEY=VALUE on the list's own keys: first, middle, last. */
	SET("param-set");
	want(s, IGP_KWANT_SET, key_of(s, toks[0]), "fz");
	want(s, IGP_KWANT_SET, key_of(s, toks[n / 2]), NULL);
	want(s, IGP_KWANT_SET, key_of(s, toks[n - 1]), value_of(toks[n - 1]));
	want(s, IGP_KWANT_SET, "fz.new", "1");

	/* Removals: the first two (neighbours at the start), the last, and one
	 * exact key=value. */
	SET("param-remove");
	want(s, IGP_KWANT_ABSENT, key_of(s, toks[0]), NULL);
	if (n > 1)
		want(s, IGP_KWANT_ABSENT, key_of(s, toks[1]), NULL);
	want(s, IGP_KWANT_ABSENT, key_of(s, toks[n - 1]), NULL);
	if (n > 3)
		want(s, IGP_KWANT_ABSENT, key_of(s, toks[n / 2]), value_of(toks[n / 2]));

	/* Everything goes (a revert of a line that igpuctl wrote whole). */
	SET("param-remove-all");
	for (size_t i = 0; i < n && s->n < FZ_MAX_WANTS && s->n_owned < 3 * FZ_MAX_WANTS; i++)
		want(s, IGP_KWANT_ABSENT, key_of(s, toks[i]), NULL);

	/* Comma lists: grow the first token's list, shrink the first list
	 * with an item, keep an item that is there already. */
	SET("param-list");
	want(s, IGP_KWANT_LIST, key_of(s, toks[0]), "fz");
	for (size_t i = 0; i < n && s->n < FZ_MAX_WANTS && s->n_owned < 3 * FZ_MAX_WANTS; i++) {
		const char *v = value_of(toks[i]);
		if (v && *v) {
			const char *item = own(s, strndup(v, strcspn(v, ",")));
			want(s, i % 2 ? IGP_KWANT_LIST : IGP_KWANT_LIST_ABSENT, key_of(s, toks[i]), item);
		}
	}
#undef SET
#undef ADD
	return k;
}

void fz_want_sets_done(struct fz_wants *sets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sets[i].n_owned; k++)
			free(sets[i].owned[k]);
}

static void check_op(char *const *toks, size_t n, const struct igp_kop *o)
{
	if (o->kind == IGP_KOP_ADD) {
		FZ_ASSERT(o->token, "ADD without a token");
		return;
	}
	FZ_ASSERT(o->index >= 0 && (size_t)o->index < n, "op index %ld of %zu tokens", o->index, n);
	FZ_ASSERT(streq(toks[o->index], o->old), "op names [%s], token %ld is [%s]", o->old, o->index,
		  toks[o->index]);
	FZ_ASSERT(o->kind == IGP_KOP_REMOVE || o->token, "SET without a token");
}

char **fz_expected_after(char *const *toks, size_t n, const struct igp_kop *ops, size_t n_ops)
{
	_cleanup_free_ bool *gone = calloc(n + 1, sizeof(bool));
	char **e = NULL;

	FZ_OOM(gone);
	FZ_OOM(e = calloc(1, sizeof(char *)));
	for (size_t k = 0; k < n_ops; k++) {
		check_op(toks, n, &ops[k]);
		if (ops[k].kind == IGP_KOP_REMOVE)
			gone[ops[k].index] = true;
	}
	for (size_t i = 0; i < n; i++) {
		const char *t = toks[i];
		if (gone[i])
			continue;
		for (size_t k = 0; k < n_ops; k++)
			if (ops[k].kind == IGP_KOP_SET && (size_t)ops[k].index == i)
				t = ops[k].token;
		FZ_OOM(strv_push(&e, t) == 0);
	}
	for (size_t k = 0; k < n_ops; k++)
		if (ops[k].kind == IGP_KOP_ADD)
			FZ_OOM(strv_push(&e, ops[k].token) == 0);
	return e;
}

char **fz_expected_undo(char *const *toks, size_t n, const struct igp_kop *ops, size_t n_ops)
{
	_cleanup_free_ bool *gone = calloc(n + 1, sizeof(bool)), *set = calloc(n + 1, sizeof(bool));
	char **e = NULL;

	FZ_OOM(gone && set);
	FZ_OOM(e = calloc(1, sizeof(char *)));
	for (size_t k = 0; k < n_ops; k++)
		if (ops[k].kind != IGP_KOP_ADD)
			(ops[k].kind == IGP_KOP_REMOVE ? gone : set)[ops[k].index] = true;
	for (size_t i = 0; i < n; i++)
		if (!gone[i])
			FZ_OOM(strv_push(&e, toks[i]) == 0);
	/* igp_kparams_unplan() cannot tell a token the user gave since from
	 * one that stayed: a token igpuctl did not touch keeps the removed
	 * ones of its key away. */
	for (size_t i = 0; i < n; i++) {
		bool kept = false;
		if (!gone[i])
			continue;
		for (size_t j = 0; j < n; j++)
			if (!gone[j] && !set[j] && igp_kparam_key_eq(toks[j], toks[i]))
				kept = true;
		if (!kept)
			FZ_OOM(strv_push(&e, toks[i]) == 0);
	}
	return e;
}

bool fz_ops_remove(const struct igp_kop *ops, size_t n_ops)
{
	for (size_t k = 0; k < n_ops; k++)
		if (ops[k].kind == IGP_KOP_REMOVE)
			return true;
	return false;
}

static bool list_has(const char *value, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = value; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, item, n) == 0)
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

void fz_assert_wants(char *const *toks, const struct fz_wants *s, const char *input)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct igp_kwant *w = &s->w[i];
		const char *last = NULL;
		bool ok = true;

		for (size_t k = 0; toks[k]; k++) {
			const char *v = value_of(toks[k]);
			if (!igp_kparam_key_eq(toks[k], w->key))
				continue;
			last = toks[k];
			if (w->kind == IGP_KWANT_ABSENT && (!w->value || streq_ptr(v, w->value)))
				ok = false;
			if (w->kind == IGP_KWANT_LIST_ABSENT && list_has(v, w->value))
				ok = false;
		}
		if (w->kind == IGP_KWANT_SET)
			ok = last && streq_ptr(value_of(last), w->value);
		if (w->kind == IGP_KWANT_LIST)
			ok = last && list_has(value_of(last), w->value);
		if (!ok) {
			fprintf(stderr, "want set %s: want %zu (kind %d, %s, %s) not satisfied\n", s->name, i,
				w->kind, w->key, w->value ? w->value : "(null)");
			strv_print("tokens", toks);
			if (input)
				fprintf(stderr, "  input: \"%s\"\n", input);
			abort();
		}
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The bytes igp_splice_remove_token() deletes for a token. */
static void removal(const char *text, const struct fz_span *s, size_t *ret_from, size_t *ret_to)
{
	if (s->start > s->lo && is_blank(text[s->start - 1])) {
		*ret_from = s->start - 1;
		*ret_to = s->end;
	} else if (s->end < s->hi && is_blank(text[s->end])) {
		*ret_from = s->start;
		*ret_to = s->end + 1;
	} else {
		*ret_from = s->start;
		*ret_to = s->end;
	}
}

bool fz_known_overlap(char *const *texts, const struct fz_span *spans, size_t n, const struct igp_kop *ops,
		      size_t n_ops)
{
	for (size_t a = 0; a < n_ops; a++)
		for (size_t b = 0; b < n_ops; b++) {
			const struct fz_span *x, *y;
			size_t xf, xt, yf, yt;
			if (a == b || ops[a].kind != IGP_KOP_REMOVE || ops[b].kind != IGP_KOP_REMOVE ||
			    ops[a].index < 0 || ops[b].index < 0 || (size_t)ops[a].index >= n ||
			    (size_t)ops[b].index >= n)
				continue;
			x = &spans[ops[a].index];
			y = &spans[ops[b].index];
			if (x->file != y->file || x->file < 0 || x->start >= y->start)
				continue;
			removal(texts[x->file], x, &xf, &xt);
			removal(texts[y->file], y, &yf, &yt);
			if (xt > yf)
				return true;
		}
	return false;
}

/* ---- the container round trip ---- */

struct parsed {
	char **texts;
	struct fz_span *spans;
	size_t n;
};

static void parsed_done(struct parsed *p)
{
	strv_free(p->texts);
	free(p->spans);
	*p = (struct parsed){0};
}

static int parse(const struct fz_container *c, const char *text, struct parsed *ret)
{
	*ret = (struct parsed){0};
	return c->parse(text, &ret->texts, &ret->spans, &ret->n);
}

static void one_set(const struct fz_container *c, const char *text, const struct parsed *p0,
		    const struct fz_wants *s)
{
	struct igp_kop *ops = NULL, *again = NULL, *uops = NULL;
	size_t n_ops = 0, n_again = 0, n_uops = 0;
	_cleanup_free_ char *after = NULL, *back = NULL, *back2 = NULL;
	_cleanup_strv_free_ char **want_after = NULL, **want_back = NULL;
	_cleanup_free_ char *what_after = strdupf("%s: apply %s", c->name, s->name),
			    *what_undo = strdupf("%s: undo %s", c->name, s->name);
	struct parsed p1 = {0}, p2 = {0};
	struct igp_undo u;
	bool del = false;
	int r;

	r = igp_kparams_plan(p0->texts, p0->n, s->w, s->n, &ops, &n_ops);
	FZ_ASSERT(r == 0, "plan %s: %d", s->name, r);
	if (n_ops == 0) {
		fz_assert_wants(p0->texts, s, text);
		goto out;
	}
	r = c->apply(text, ops, n_ops, &after);
	if (r == -EINVAL && p0->spans &&
	    fz_known_overlap((char *[]){(char *)text}, p0->spans, p0->n, ops, n_ops))
		/* known: two neighbouring tokens removed at the start of a line
		 * take the same blank (cmdline.c igp_splice_remove_token()). */
		goto out;
	FZ_ASSERT(r == 0, "%s: apply %s: %d", c->name, s->name, r);
	r = parse(c, after, &p1);
	FZ_ASSERT(r == 0, "%s: the edited text does not parse (%d): \"%s\"", c->name, r, after);
	if (c->check)
		c->check(text, after);

	/* Exactly the planned tokens, and every other one as it was. */
	want_after = fz_expected_after(p0->texts, p0->n, ops, n_ops);
	fz_strv_assert_eq(what_after, p1.texts, want_after, text);
	fz_assert_wants(p1.texts, s, text);
	/* A second setup changes nothing. */
	r = igp_kparams_plan(p1.texts, p1.n, s->w, s->n, &again, &n_again);
	FZ_ASSERT(r == 0 && n_again == 0, "%s: plan %s again: %d, %zu ops", c->name, s->name, r, n_again);

	/* revert: igp_undo_unapply() as the journal replays it. */
	r = igp_kparams_unplan(p1.texts, p1.n, ops, n_ops, &uops, &n_uops);
	FZ_ASSERT(r == 0, "unplan: %d", r);
	u = (struct igp_undo){.kind = c->undo, .ops = ops, .n_ops = n_ops};
	r = igp_undo_unapply(&u, "/fuzz", after, &back, &del);
	if (r == -EINVAL && p1.spans && fz_known_overlap((char *[]){after}, p1.spans, p1.n, uops, n_uops))
		/* known: as above, for the tokens the revert removes. */
		goto out;
	FZ_ASSERT(r == 0 && back && !del, "%s: undo %s: %d", c->name, s->name, r);
	/* The same as unplan + apply by hand. */
	r = c->apply(after, uops, n_uops, &back2);
	FZ_ASSERT(r == 0 && streq(back, back2), "%s: undo differs from unplan+apply", c->name);
	r = parse(c, back, &p2);
	FZ_ASSERT(r == 0, "%s: the reverted text does not parse (%d)", c->name, r);
	if (c->check)
		c->check(text, back); /* the revert of a valid text is valid */
	want_back = fz_expected_undo(p0->texts, p0->n, ops, n_ops);
	fz_strv_assert_eq(what_undo, p2.texts, want_back, text);
	/* Nothing removed, and the additions went after a token: the bytes
	 * come back. */
	if (!fz_ops_remove(ops, n_ops) && p0->n > 0 && (!c->adds_after_token || c->adds_after_token(text)))
		FZ_ASSERT(streq(back, text), "%s: undo of %s leaves \"%s\" for \"%s\"", c->name, s->name,
			  back, text);
out:
	parsed_done(&p1);
	parsed_done(&p2);
	igp_kops_free(ops, n_ops);
	igp_kops_free(again, n_again);
	igp_kops_free(uops, n_uops);
}

void fz_kparams_roundtrip(const struct fz_container *c, const char *text)
{
	struct fz_wants sets[FZ_MAX_SETS];
	struct parsed p0;
	size_t n_sets;

	if (parse(c, text, &p0) < 0)
		return;
	n_sets = fz_want_sets(p0.texts, p0.n, false, sets);
	for (size_t i = 0; i < n_sets; i++)
		one_set(c, text, &p0, &sets[i]);
	fz_want_sets_done(sets, n_sets);
	parsed_done(&p0);
}

/* ---- sourced shell files ---- */

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * Is the file's quoting broken: a quote, `...`, $(...), ${...} or array
 * left open at its end, or a ')' / '}' that closes nothing?  Or does it
 * nest quotes in a command substitution (`echo "x"`, "$(echo 'x')") or a
 * `...` in double quotes, which shellvar.c does not model (it only makes
 * such values opaque)?  A small lexer of sh's nesting, comments skipped;
 * case patterns count as broken too.  It stands in for `sh -n` in process
 * (check-shell.sh runs the real one).
 */
static bool unmodelled(const char *t, size_t len)
{
	/* '"' double quotes, '`' and '$' command substitutions, '(' arrays
	 * and subshells, '{' ${...} */
	char stack[64] = {0};
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = t[i], top = depth ? stack[depth - 1] : 0;
		bool subst = memchr(stack, '`', depth) || memchr(stack, '$', depth);
		if (c == '\\') {
			i++;
		} else if (top == '`') {
			if (c == '"' || c == '\'')
				return true;
			depth -= c == '`';
		} else if (top == '"' && c == '"') {
			depth--;
		} else if ((top == '"' && c == '`') || ((c == '"' || c == '\'') && subst)) {
			return true;
		} else if (c == '`' || (c == '$' && i + 1 < len && (t[i + 1] == '(' || t[i + 1] == '{'))) {
			if (depth == sizeof(stack))
				return true;
			stack[depth++] = c == '`' ? '`' : t[++i] == '(' ? '$' : '{';
		} else if (top == '"') {
			continue;
		} else if (c == '\'') {
			const char *q = memchr(t + i + 1, '\'', len - i - 1);
			if (!q)
				return true;
			i = (size_t)(q - t);
		} else if (c == '#' && (i == 0 || strchr(" \t\n;&|()", t[i - 1]))) {
			while (i + 1 < len && t[i + 1] != '\n')
				i++;
		} else if (c == '"' || c == '(') {
			/* A '(' glued to a word (VAR=a(b) is a syntax error, but
			 * for NAME=(, NAME+=( and NAME(). */
			if (c == '(' && i > 0 && !strchr(" \t\n;&|(", t[i - 1]) &&
			    !(i + 1 < len && t[i + 1] == ')')) {
				size_t b = i - 1, e;
				if (t[b] != '=')
					return true;
				b -= b > 0 && t[b - 1] == '+';
				e = b;
				while (b > 0 && name_char(t[b - 1]))
					b--;
				if (b == e || isdigit((unsigned char)t[b]) ||
				    (b > 0 && !strchr(" \t\n;&|(", t[b - 1])))
					return true;
			}
			if (depth == sizeof(stack))
				return true;
			stack[depth++] = c;
		} else if (c == ')' || (c == '}' && top == '{')) {
			if (c == ')' && top != '(' && top != '$')
				return true;
			depth--;
		}
	}
	return depth > 0;
}

/* The names of the "$NAME" references in TEXT (single quotes not told apart:
 * only compared between two versions of a file). */
static char **var_refs(const char *text)
{
	char **v = calloc(1, sizeof(char *));

	FZ_OOM(v);
	for (const char *p = strchr(text, '$'); p; p = strchr(p + 1, '$')) {
		size_t n = 0;
		while (name_char(p[1 + n]))
			n++;
		if (n && !isdigit((unsigned char)p[1]))
			FZ_OOM(strv_consume(&v, strndup(p + 1, n)) == 0);
	}
	return v;
}

/*
 * Does an edit from BEFORE to AFTER glue text onto a "$NAME", so that sh
 * reads another variable ($NAMEtoken)?  Then AFTER refers to a name that
 * BEFORE does not.
 */
static bool known_glue(char *const *before, char *const *after)
{
	bool glue = false;

	for (size_t f = 0; after[f] && !glue; f++) {
		_cleanup_strv_free_ char **a = var_refs(before[f]), **b = var_refs(after[f]);
		for (size_t i = 0; b[i] && !glue; i++)
			glue = !strv_contains(a, b[i]);
	}
	return glue;
}

static int doc_parse(const struct igp_shdoc *d, char *const *vars, struct parsed *ret)
{
	struct igp_shtok *t;
	size_t n;
	int r;

	*ret = (struct parsed){0};
	r = igp_shdoc_tokens(d, vars, &t, &n);
	if (r < 0)
		return r;
	FZ_OOM(ret->texts = calloc(n + 1, sizeof(char *)));
	FZ_OOM(ret->spans = calloc(n + 1, sizeof(struct fz_span)));
	for (size_t i = 0; i < n; i++) {
		ret->texts[i] = TAKE_PTR(t[i].text);
		ret->spans[i] = (struct fz_span){t[i].start, t[i].end, t[i].lo, t[i].hi, t[i].file};
	}
	ret->n = n;
	igp_shtoks_free(t, n);
	return 0;
}

/* A document with the files of LIKE and the texts TEXTS. */
static void doc_with(struct igp_shdoc *d, const struct igp_shdoc *like, char *const *texts)
{
	*d = (struct igp_shdoc){0};
	for (size_t f = 0; f < like->n_files; f++)
		FZ_OOM(igp_shdoc_add(d, like->files[f].path, texts[f], strlen(texts[f])) == 0);
}

/* The files' texts, NUL bytes and all (spans index them). */
static char **doc_texts(const struct igp_shdoc *d)
{
	char **v = calloc(d->n_files + 1, sizeof(char *));

	FZ_OOM(v);
	for (size_t f = 0; f < d->n_files; f++) {
		FZ_OOM(v[f] = malloc(d->files[f].len + 1));
		memcpy(v[f], d->files[f].text, d->files[f].len + 1);
	}
	return v;
}

struct shell_run {
	const struct fz_shell *sh;
	const struct igp_grub *grub; /* GRUB: igp_grub_edit() must agree */
	const struct igp_shdoc *doc;
	const char *add_var;
	const uint8_t *data; /* the input, for names of written files */
	size_t size;
	bool check; /* false: known-bad input, only look for crashes */
};

static void write_texts(const struct shell_run *run, const char *set, const char *what, char *const *texts)
{
	for (size_t f = 0; fz_out_dir() && f < run->doc->n_files; f++) {
		_cleanup_free_ char *name = strdupf("%s-%zu.%s.%s", set, f, what, run->sh->shell);
		FZ_OOM(name);
		fz_write_out(run->data, run->size, name, texts[f]);
	}
}

/* The revert as the journal replays it: igp_undo_unapply() on each file
 * with the ops that edited it (boot/loader_grub.c, grub_plan()). */
static char **revert_files(const struct shell_run *run, char *const *texts, const struct igp_kop *ops,
			   size_t n_ops, const int *op_files)
{
	char **back = calloc(run->doc->n_files + 1, sizeof(char *));

	FZ_OOM(back);
	for (size_t f = 0; f < run->doc->n_files; f++) {
		struct igp_undo u = {.kind = IGP_UNDO_SHELL, .array = run->sh->array};
		bool del = false;
		int r;

		if (streq(texts[f], run->doc->files[f].text)) {
			FZ_OOM(back[f] = strdup(texts[f]));
			continue;
		}
		FZ_OOM(u.add_var = strdup(run->add_var));
		for (size_t v = 0; run->sh->vars[v]; v++)
			FZ_OOM(strv_push(&u.vars, run->sh->vars[v]) == 0);
		for (size_t k = 0; k < n_ops; k++)
			if (op_files[k] == (int)f)
				FZ_OOM(igp_undo_merge(&u, &(struct igp_undo){.ops = (struct igp_kop *)&ops[k],
									     .n_ops = 1}) == 0);
		r = igp_undo_unapply(&u, run->doc->files[f].path, texts[f], &back[f], &del);
		if (r == -EINVAL) {
			/* known: the overlap of fz_known_overlap(), in this file
			 * read alone, as igp_undo_unapply() reads it. */
			struct igp_shdoc one = {0};
			struct parsed p = {0};
			struct igp_kop *uops = NULL;
			size_t n_uops = 0;
			bool known;
			FZ_OOM(igp_shdoc_add(&one, "/fuzz", texts[f], strlen(texts[f])) == 0);
			FZ_ASSERT(doc_parse(&one, run->sh->vars, &p) == 0, "tokens of one file");
			FZ_ASSERT(igp_kparams_unplan(p.texts, p.n, u.ops, u.n_ops, &uops, &n_uops) == 0,
				  "unplan");
			known = fz_known_overlap((char *[]){texts[f], NULL}, p.spans, p.n, uops, n_uops);
			igp_kops_free(uops, n_uops);
			parsed_done(&p);
			igp_shdoc_done(&one);
			FZ_ASSERT(known, "%s: revert of %s: -EINVAL", run->sh->name, run->doc->files[f].path);
		}
		igp_undo_done(&u);
		if (r == -EINVAL || (r == -EBADMSG && known_glue((char *[]){run->doc->files[f].text, NULL},
								 (char *[]){texts[f], NULL}))) {
			/* known: the overlap above, or the glue of shell_set() */
			strv_free(back);
			return NULL;
		}
		FZ_ASSERT(r == 0, "%s: revert of %s: %d", run->sh->name, run->doc->files[f].path, r);
		FZ_ASSERT(!del && back[f], "%s: revert deletes %s", run->sh->name, run->doc->files[f].path);
	}
	return back;
}

static void shell_set(const struct shell_run *run, const struct parsed *p0, const struct fz_wants *s)
{
	const struct fz_shell *sh = run->sh;
	struct igp_kop *ops = NULL, *again = NULL, *uops = NULL;
	size_t n_ops = 0, n_again = 0, n_uops = 0;
	_cleanup_free_ int *op_files = NULL;
	_cleanup_free_ char *bad = NULL, *what_after = strdupf("%s: apply %s", sh->name, s->name),
			    *what_undo = strdupf("%s: undo %s", sh->name, s->name);
	_cleanup_strv_free_ char **texts = NULL, **texts2 = NULL, **back = NULL,
				 **before = doc_texts(run->doc), **want_after = NULL, **want_back = NULL;
	struct igp_shdoc d1 = {0}, d2 = {0}, d3 = {0};
	struct parsed p1 = {0}, p2 = {0}, p3 = {0};
	int r;

	r = igp_kparams_plan(p0->texts, p0->n, s->w, s->n, &ops, &n_ops);
	FZ_ASSERT(r == 0, "plan %s: %d", s->name, r);
	if (n_ops == 0) {
		if (run->check)
			fz_assert_wants(p0->texts, s, NULL);
		goto out;
	}
	FZ_OOM(op_files = calloc(n_ops + 1, sizeof(int)));
	r = igp_shdoc_apply(run->doc, sh->vars, run->add_var, sh->array, ops, n_ops, op_files, &texts, &bad);
	if (!run->check)
		goto out;
	if (r == -EBADMSG) {
		/* Refused: a token to change is not plain text in a file, or
		 * the edit read back would give other words (a "$VAR" that
		 * glues onto what comes after it): the word is named. */
		FZ_ASSERT(bad && *bad, "%s: -EBADMSG naming no word", sh->name);
		goto out;
	}
	if (r == -EINVAL && fz_known_overlap(before, p0->spans, p0->n, ops, n_ops))
		/* known: two neighbouring tokens removed at the start of a line
		 * take the same blank (igp_splice_remove_token()). */
		goto out;
	FZ_ASSERT(r == 0, "%s: apply %s: %d", sh->name, s->name, r);
	if (run->grub) {
		/* igp_grub_edit() is the same plan and apply. */
		struct igp_kop *gops = NULL;
		size_t n_gops = 0;
		_cleanup_free_ int *gfiles = NULL;
		_cleanup_strv_free_ char **gtexts = NULL;
		_cleanup_free_ char *gbad = NULL;
		r = igp_grub_edit(run->grub, s->w, s->n, &gops, &n_gops, &gfiles, &gtexts, &gbad);
		FZ_ASSERT(r == 0 && n_gops == n_ops && fz_strv_eq(gtexts, texts), "igp_grub_edit differs: %d",
			  r);
		igp_kops_free(gops, n_gops);
	}
	write_texts(run, s->name, "before", before);
	write_texts(run, s->name, "after", texts);

	doc_with(&d1, run->doc, texts);
	r = doc_parse(&d1, sh->vars, &p1);
	FZ_ASSERT(r == 0, "tokens of the edit: %d", r);
	want_after = fz_expected_after(p0->texts, p0->n, ops, n_ops);
	fz_strv_assert_eq(what_after, p1.texts, want_after, NULL);
	fz_assert_wants(p1.texts, s, NULL);
	r = igp_kparams_plan(p1.texts, p1.n, s->w, s->n, &again, &n_again);
	FZ_ASSERT(r == 0 && n_again == 0, "%s: plan %s again: %d, %zu ops", sh->name, s->name, r, n_again);

	/* The revert, on the whole document: unplan + apply. */
	r = igp_kparams_unplan(p1.texts, p1.n, ops, n_ops, &uops, &n_uops);
	FZ_ASSERT(r == 0, "unplan: %d", r);
	r = igp_shdoc_apply(&d1, sh->vars, run->add_var, sh->array, uops, n_uops, NULL, &texts2, NULL);
	if (r == -EINVAL && fz_known_overlap(texts, p1.spans, p1.n, uops, n_uops))
		goto out; /* known: as above */
	if (r == -EBADMSG && known_glue(before, texts))
		/* known: a token that comes to stand right after a "$VAR" (a
		 * new one, or the next one when the one between goes) would
		 * become part of the name ($VARtoken): the revert refuses. */
		goto out;
	FZ_ASSERT(r == 0, "%s: undo %s: %d", sh->name, s->name, r);
	write_texts(run, s->name, "undo", texts2);
	doc_with(&d2, run->doc, texts2);
	r = doc_parse(&d2, sh->vars, &p2);
	FZ_ASSERT(r == 0, "tokens of the undo: %d", r);
	want_back = fz_expected_undo(p0->texts, p0->n, ops, n_ops);
	fz_strv_assert_eq(what_undo, p2.texts, want_back, NULL);

	/* The revert as the journal does it, file by file. */
	back = revert_files(run, texts, ops, n_ops, op_files);
	if (!back)
		goto out; /* known: the overlap above, in one file */
	write_texts(run, s->name, "revert", back);
	if (run->doc->n_files == 1) {
		/* One file read alone is the whole document: the same bytes. */
		FZ_ASSERT(streq(back[0], texts2[0]), "%s: revert of %s differs from the undo: \"%s\", \"%s\"",
			  sh->name, s->name, back[0], texts2[0]);
		goto out;
	}
	/*
	 * not fixed: igp_undo_unapply() reads each file alone, so a token
	 * removed from a file comes back in that file's own assignment of
	 * add_var (which a later grub.d file may override), or, when the
	 * file has none, as a new assignment that overrides what the files
	 * before it set.  Only a revert that sees the whole document can put
	 * it where it is live.  What holds anyway: igpuctl's own tokens are
	 * gone and nothing is refused.
	 */
	doc_with(&d3, run->doc, back);
	r = doc_parse(&d3, sh->vars, &p3);
	FZ_ASSERT(r == 0, "tokens of the revert: %d", r);
	for (size_t k = 0; k < n_ops; k++)
		if (ops[k].kind != IGP_KOP_REMOVE && !strv_contains(p0->texts, ops[k].token))
			FZ_ASSERT(!strv_contains(p3.texts, ops[k].token), "%s: revert of %s leaves [%s]",
				  sh->name, s->name, ops[k].token);
out:
	parsed_done(&p1);
	parsed_done(&p2);
	parsed_done(&p3);
	igp_shdoc_done(&d1);
	igp_shdoc_done(&d2);
	igp_shdoc_done(&d3);
	igp_kops_free(ops, n_ops);
	igp_kops_free(again, n_again);
	igp_kops_free(uops, n_uops);
}

/* Does a line of TEXT that is not an assignment of VAR expand $VAR? */
static bool copies(const char *text, const char *var)
{
	size_t n = strlen(var);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n'), *p = l + strspn(l, " \t"), *q;
		bool own;
		if (startswith(p, "export "))
			p += strspn(p + 6, " \t") + 6;
		own = !strncmp(p, var, n) && (p[n] == '=' || (p[n] == '+' && p[n + 1] == '='));
		for (q = strchr(l, '$'); q && (!nl || q < nl) && !own; q = strchr(q + 1, '$')) {
			const char *v = q + 1 + (q[1] == '{');
			if (!strncmp(v, var, n) && !name_char(v[n]))
				return true;
		}
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

void fz_shell_roundtrip(const struct fz_shell *sh, const uint8_t *data, size_t size)
{
	struct fz_file files[8];
	size_t n_files = fz_split_files((const char *)data, size, files, ELEMENTSOF(files));
	struct shell_run run = {.sh = sh, .data = data, .size = size, .add_var = sh->add_var};
	struct igp_shdoc doc = {0};
	struct igp_grub g = {0};
	struct fz_wants sets[FZ_MAX_SETS];
	struct parsed p0;
	size_t n_sets;
	bool open = false;

	for (size_t f = 0; f < n_files; f++) {
		_cleanup_free_ char *path =
		    f == 0 ? strdup(sh->path0) : strdupf("%s/%s", sh->dir, files[f].name);
		FZ_OOM(path);
		FZ_OOM(igp_shdoc_add(&doc, path, files[f].text, files[f].len) == 0);
		open |= unmodelled(files[f].text, files[f].len);
	}
	/* known: files with NUL bytes or an unterminated quote are to be
	 * refused (shellvar.c); until then only crashes count for them.  An
	 * array without its ')' is the same case: whatever is added after it
	 * lands inside. */
	run.check = !open && !fz_has_nul(data, size);
	if (!run.add_var) {
		igp_grub_init(&g, doc);
		run.grub = &g;
		run.add_var = g.add_var;
		run.doc = &g.doc;
	} else {
		run.doc = &doc;
	}
	/* What setup refuses to edit (igp_shdoc_check(): a NUL byte, a
	 * quote left open, a last line continuing into nothing) it never
	 * edits nor reverts: only crashes count for it. */
	run.check &= igp_shdoc_check(run.doc, NULL) == 0;
	if (doc_parse(run.doc, sh->vars, &p0) < 0)
		goto out;
	/* The input itself, to name it when check-shell.sh finds an edit
	 * sh does not take. */
	fz_write_bytes(data, size, "input", data, size);
	/* A value that copies another (GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX_DEFAULT")
	 * holds the same written tokens twice, and gets the new tokens twice
	 * too, as sh would: harmless on a kernel line, but not the list the
	 * round trip expects. */
	for (size_t i = 0; i < p0.n; i++)
		for (size_t j = i + 1; j < p0.n && run.check; j++)
			if (p0.spans[i].file >= 0 && p0.spans[i].file == p0.spans[j].file &&
			    p0.spans[i].start == p0.spans[j].start)
				run.check = false;
	for (size_t f = 0; f < run.doc->n_files && run.check; f++)
		run.check = !copies(run.doc->files[f].text, run.add_var);
	n_sets = fz_want_sets(p0.texts, p0.n, sh->modules, sets);
	for (size_t i = 0; i < n_sets; i++)
		shell_set(&run, &p0, &sets[i]);
	fz_want_sets_done(sets, n_sets);
	parsed_done(&p0);
out:
	igp_shdoc_done((struct igp_shdoc *)run.doc);
}

/* ---- companion output ---- */

const char *fz_out_dir(void)
{
	const char *d = getenv("IGP_FUZZ_OUT");
	return d && *d ? d : NULL;
}

void fz_write_out(const uint8_t *data, size_t size, const char *what, const char *text)
{
	fz_write_bytes(data, size, what, text, strlen(text));
}

void fz_write_bytes(const uint8_t *data, size_t size, const char *what, const void *bytes, size_t n)
{
	const char *dir = fz_out_dir();
	_cleanup_free_ char *path = NULL;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	FILE *f;

	if (!dir)
		return;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	path = strdupf("%s/%016llx-%s", dir, (unsigned long long)h, what);
	FZ_OOM(path);
	f = fopen(path, "we");
	FZ_ASSERT(f, "cannot write %s", path);
	fwrite(bytes, 1, n, f);
	FZ_ASSERT(fclose(f) == 0, "cannot write %s", path);
}
