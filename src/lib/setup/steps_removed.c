/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel parameters the admin removed after igpuctl added them
 * (change/removed.h): setup does not put them back silently.  A wanted
 * parameter whose edit would bring one back into its file is left out of
 * the plan, with a note; with --force it stays in, and the note says that
 * it comes back.
 */
#include "base/strbuf.h"
#include "base/util.h"
#include "change/removed.h"
#include "setup/setup_int.h"

/* Does W put R's parameter on a command line? */
static bool want_adds(const struct igp_kwant *w, const struct igp_kremoved *r)
{
	_cleanup_free_ char *token = NULL;

	if (!igp_kparam_key_eq(w->key, r->key))
		return false;
	if (w->kind == IGP_KWANT_LIST)
		return w->value && strv_contains(r->items, w->value);
	if (w->kind != IGP_KWANT_SET)
		return false;
	token = w->value ? strdupf("%s=%s", w->key, w->value) : strdup(w->key);
	return token && igp_kremoved_in_token(r, token);
}

/* Does plan P add R's parameter to its file again? */
static bool plan_adds(const struct igp_plan *p, const struct igp_kremoved *r)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct igp_file_change *f = &p->files[i];
		if (f->kind || !streq(f->path, r->path))
			continue;
		for (size_t k = 0; k < f->undo.n_ops; k++)
			if (f->undo.ops[k].kind != IGP_KOP_REMOVE && f->undo.ops[k].token &&
			    igp_kremoved_in_token(r, f->undo.ops[k].token))
				return true;
	}
	return false;
}

/* The note on PARAM, which the admin removed from FILES. */
static int note(struct setup_ctx *c, const char *param, const char *files)
{
	if (c->o->force)
		return igp_plan_add_note(&c->p,
					 "%s was removed from %s after igpuctl added it; --force adds it "
					 "again.",
					 param, files);
	return igp_plan_add_note(&c->p,
				 "%s was removed from %s after igpuctl added it: setup leaves it out "
				 "(`igpuctl setup --force` adds it again).",
				 param, files);
}

/* "a, b and c" of V. */
static char *and_list(char *const *v)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (size_t k = 0; v[k]; k++)
		strbuf_word(&b, k == 0 ? "" : v[k + 1] ? ", " : " and ", v[k]);
	return strbuf_steal(&b);
}

/* Leave out (or, with --force, only name) the wants of C that the plan
 * SCRATCH, made with all of them, adds again where R (N) were removed. */
static int leave_out(struct setup_ctx *c, const struct igp_plan *scratch, const struct igp_kremoved *r,
		     size_t n)
{
	int ret = 0;

	for (size_t i = 0; ret >= 0 && i < c->nw;) {
		_cleanup_free_ char *files = NULL;
		_cleanup_strv_free_ char **paths = NULL;
		const char *param = NULL;
		for (size_t k = 0; ret >= 0 && k < n; k++) {
			if (!want_adds(&c->w[i], &r[k]) || strv_contains(paths, r[k].path) ||
			    !plan_adds(scratch, &r[k]))
				continue;
			param = param ? param : r[k].param;
			ret = strv_push(&paths, r[k].path);
		}
		if (ret >= 0 && paths && !(files = and_list(paths)))
			ret = -ENOMEM;
		if (ret >= 0 && files)
			ret = note(c, param, files);
		if (ret < 0 || !files || c->o->force) {
			i++;
			continue;
		}
		memmove(&c->w[i], &c->w[i + 1], (c->nw - i - 1) * sizeof(*c->w));
		c->nw--;
		c->info.left_out++;
	}
	return ret;
}

int setup_leave_out_removed(struct setup_ctx *c)
{
	struct igp_kremoved *r = NULL;
	struct igp_plan scratch = {0};
	char ***argvs = NULL;
	_cleanup_free_ char *err = NULL;
	size_t n = 0;
	int ret;

	if (!c->o->journal)
		return 0;
	ret = igp_journal_removed_kparams(c->o->journal, &r, &n);
	if (ret < 0 || n == 0)
		return ret;
	/* A plan the loader refuses is refused again, with its reason, by
	 * the plan setup keeps. */
	if (igp_bootloader_plan_cmdline(&c->info.boot, &scratch, c->w, c->nw, &argvs, &err) >= 0)
		ret = leave_out(c, &scratch, r, n);
	igp_argvv_free(argvs);
	igp_plan_done(&scratch);
	igp_kremoved_free(r, n);
	return ret;
}
