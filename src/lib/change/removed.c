/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boot/cmdline_file.h"
#include "boot/shellvar.h"
#include "change/removed.h"
#include "base/util.h"

static void kremoved_clear(struct igp_kremoved *r)
{
	free(r->path);
	free(r->param);
	free(r->key);
	strv_free(r->items);
}

void igp_kremoved_free(struct igp_kremoved *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		kremoved_clear(&v[i]);
	free(v);
}

/* The comma list of TOKEN's value; NULL for a flag. */
static int token_items(const char *token, char ***ret)
{
	const char *eq = strchr(token, '=');

	*ret = NULL;
	return eq ? strv_split(eq + 1, ",", ret) : 0;
}

bool igp_kremoved_in_token(const struct igp_kremoved *r, const char *token)
{
	_cleanup_strv_free_ char **items = NULL;

	if (!igp_kparam_key_eq(token, r->key) || token_items(token, &items) < 0)
		return false;
	for (char **s = r->items; s && *s; s++)
		if (!strv_contains(items, *s))
			return false;
	return true;
}

static bool kparam_undo(enum igp_undo_kind k)
{
	return k == IGP_UNDO_SHELL || k == IGP_UNDO_KLINE || k == IGP_UNDO_BLS || k == IGP_UNDO_KERNELSTUB;
}

/* The tokens of the variables U names in the shell file PATH (TEXT). */
static int shell_tokens(const struct igp_undo *u, const char *path, const char *text, char ***ret)
{
	struct igp_shdoc d = {0};
	struct igp_shtok *t = NULL;
	size_t n = 0;
	int r = igp_shdoc_add(&d, path, text, strlen(text));

	if (r >= 0)
		r = igp_shdoc_check(&d, NULL);
	if (r >= 0)
		r = igp_shdoc_tokens(&d, u->vars, &t, &n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = strv_push(ret, t[i].text);
	igp_shtoks_free(t, n);
	igp_shdoc_done(&d);
	return r;
}

/* The tokens of PATH now, read as U's kind: -ENOENT when it is gone, another
 * error when it cannot be read as a command line. */
static int current_tokens(const struct igp_undo *u, const char *path, char ***ret)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_strv_free_ char **v = NULL;
	int r = igp_read_optional(path, &text);

	if (r < 0)
		return r;
	if (!text)
		return -ENOENT;
	if (u->kind == IGP_UNDO_SHELL)
		r = shell_tokens(u, path, text, &v);
	else if (!(v = igp_cmdline_file_read_tokens(path, u->kind == IGP_UNDO_KLINE ? IGP_CMDLINE_KLINE
							  : u->kind == IGP_UNDO_BLS
							      ? IGP_CMDLINE_BLS
							      : IGP_CMDLINE_KERNELSTUB)))
		r = -EBADMSG;
	if (r < 0)
		return r;
	if (!v && !(v = calloc(1, sizeof(char *))))
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

/* The part of OP's token that is igpuctl's: the list items it added to
 * the value it replaced (all of them when it replaced another value). */
static int op_part(const struct igp_kop *op, struct igp_kremoved *ret)
{
	_cleanup_strv_free_ char **items = NULL, **old = NULL;
	_cleanup_free_ char *list = NULL;
	int r = token_items(op->token, &items);

	if (r >= 0 && op->kind == IGP_KOP_SET && op->old && igp_kparam_key_eq(op->old, op->token))
		r = token_items(op->old, &old);
	for (char **s = items; r >= 0 && s && *s; s++)
		if (!strv_contains(old, *s)) {
			r = strv_push(&ret->items, *s);
			if (r >= 0)
				r = strextendf(&list, "%s%s", list ? "," : "", *s);
		}
	if (r < 0 || !(ret->key = igp_kparam_key(op->token)))
		return r < 0 ? r : -ENOMEM;
	if (!ret->items || strv_length(ret->items) == strv_length(items)) {
		strv_free(ret->items);
		ret->items = TAKE_PTR(items);
		ret->param = strdup(op->token);
	} else
		ret->param = strdupf("%s=%s", ret->key, list);
	return ret->param ? 0 : -ENOMEM;
}

/* Did a change of J after the one at CI replace or remove KEY in PATH? */
static bool replaced_later(const struct igp_journal *j, size_t ci, const char *path, const char *key)
{
	for (size_t i = ci + 1; i < j->n; i++)
		for (size_t k = 0; k < j->c[i].n; k++) {
			const struct igp_jtarget *t = &j->c[i].t[k];
			if (t->kind || !streq(t->path, path) || !kparam_undo(t->undo.kind))
				continue;
			for (size_t o = 0; o < t->undo.n_ops; o++)
				if (t->undo.ops[o].old && igp_kparam_key_eq(t->undo.ops[o].old, key))
					return true;
		}
	return false;
}

static bool listed(const struct igp_kremoved *v, size_t n, const char *path, const char *param)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].path, path) && streq(v[i].param, param))
			return true;
	return false;
}

/* Add what of OP (of the target T of change CI) is gone from NOW. */
static int add_if_gone(const struct igp_journal *j, size_t ci, const struct igp_jtarget *t,
		       const struct igp_kop *op, char *const *now, struct igp_kremoved **v, size_t *n)
{
	struct igp_kremoved c = {.change_id = j->c[ci].id}, *nv;
	bool gone = true;
	int r = op_part(op, &c);

	for (char *const *s = now; r >= 0 && gone && *s; s++)
		gone = !igp_kremoved_in_token(&c, *s);
	if (r < 0 || !gone || replaced_later(j, ci, t->path, c.key) || listed(*v, *n, t->path, c.param)) {
		kremoved_clear(&c);
		return r;
	}
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (nv)
		*v = nv;
	if (!nv || !(c.path = strdup(t->path))) {
		kremoved_clear(&c);
		return -ENOMEM;
	}
	nv[(*n)++] = c;
	return 0;
}

int igp_journal_removed_kparams(const struct igp_journal *j, struct igp_kremoved **ret, size_t *ret_n)
{
	struct igp_kremoved *v = NULL;
	size_t n = 0;
	int r = 0;

	/* A pending change (a crash between the journal and its files) may
	 * never have reached a file: nothing of it was removed by anyone. */
	for (size_t ci = 0; r >= 0 && ci < j->n; ci++)
		for (size_t k = 0; r >= 0 && !j->c[ci].pending && k < j->c[ci].n; k++) {
			const struct igp_jtarget *t = &j->c[ci].t[k];
			_cleanup_strv_free_ char **now = NULL;
			if (t->kind || !kparam_undo(t->undo.kind))
				continue;
			r = current_tokens(&t->undo, t->path, &now);
			if (r < 0) {
				r = r == -ENOMEM ? r : 0;
				continue;
			}
			for (size_t o = 0; r >= 0 && o < t->undo.n_ops; o++)
				if (t->undo.ops[o].kind != IGP_KOP_REMOVE && t->undo.ops[o].token)
					r = add_if_gone(j, ci, t, &t->undo.ops[o], now, &v, &n);
		}
	if (r < 0) {
		igp_kremoved_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
