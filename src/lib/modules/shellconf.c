/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/util.h"
#include "boot/cmdline.h"
#include "boot/shellvar.h"
#include "modules/modload.h"
#include "modules/shellconf.h"

/* The edit of file F of D (new text TEXT) with the undo of its OPS. */
static int add_file(struct igp_plan *p, const struct igp_shellconf *sc, const struct igp_shdoc *d, size_t f,
		    char *text, const struct igp_kop *ops, size_t n_ops, const int *files, const char *why)
{
	struct igp_undo u = {.kind = IGP_UNDO_SHELL, .array = sc->array};
	char *before;

	for (char *const *v = sc->vars; *v; v++)
		if (strv_push(&u.vars, *v) < 0)
			goto oom;
	if (!(u.add_var = strdup(sc->add_var)))
		goto oom;
	for (size_t k = 0; k < n_ops; k++) {
		struct igp_undo one = {.ops = (struct igp_kop *)&ops[k], .n_ops = 1};
		if (files[k] == (int)f && igp_undo_merge(&u, &one) < 0)
			goto oom;
	}
	before = strdup(d->files[f].text);
	if (!before)
		goto oom;
	return igp_plan_add_file(p, d->files[f].path, before, text, 0644, &u, IGP_REFRESH_INITRAMFS, why);
oom:
	free(text);
	igp_undo_done(&u);
	return -ENOMEM;
}

/* The ops on the lists of D: MODULES in, STALE out. */
static int list_ops(const struct igp_shdoc *d, char *const *vars, char *const *modules, char *const *stale,
		    struct igp_kop **ret, size_t *ret_n)
{
	struct igp_shtok *t = NULL;
	size_t n = 0, nm = strv_length((char **)modules), nw = nm + strv_length((char **)stale);
	_cleanup_free_ struct igp_kwant *w = calloc(nw + 1, sizeof(*w));
	_cleanup_free_ char **tt = NULL;
	int r;

	if (!w)
		return -ENOMEM;
	r = igp_shdoc_tokens(d, vars, &t, &n);
	if (r < 0)
		return r;
	tt = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; tt && i < n; i++)
		tt[i] = t[i].text;
	for (size_t i = 0; i < nm; i++)
		w[i] = (struct igp_kwant){IGP_KWANT_SET, modules[i], NULL};
	for (size_t i = nm; i < nw; i++)
		w[i] = (struct igp_kwant){IGP_KWANT_ABSENT, stale[i - nm], NULL};
	r = tt ? igp_kparams_plan(tt, n, w, nw, ret, ret_n) : -ENOMEM;
	igp_shtoks_free(t, n);
	return r;
}

/* Say which merged modules the ops OPS (N_OPS) take out of SC's lists. */
static int note_removed(struct igp_plan *p, const struct igp_shellconf *sc, const struct igp_kop *ops,
			size_t n_ops)
{
	for (size_t k = 0; k < n_ops; k++) {
		const struct igp_merged_module *m;
		if (ops[k].kind != IGP_KOP_REMOVE || !(m = igp_merged_module_find(ops[k].old)))
			continue;
		if (igp_plan_add_note(p, "%s leaves %s: Linux %s merged it into %s, and %s.", ops[k].old,
				      sc->label, m->since, m->into, sc->consequence) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Plan the edits OPS (N_OPS) make to the files of D. */
static int plan_files(struct igp_plan *p, const struct igp_shellconf *sc, const struct igp_shdoc *d,
		      const struct igp_kop *ops, size_t n_ops, const char *why)
{
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ int *files = calloc(n_ops, sizeof(int));
	int r = files ? igp_shdoc_apply(d, sc->vars, sc->add_var, sc->array, ops, n_ops, files, &texts, NULL)
		      : -ENOMEM;

	for (size_t f = 0; r >= 0 && f < d->n_files; f++) {
		if (streq(texts[f], d->files[f].text))
			continue;
		/* The plan takes the text; texts stays a vector for strv_free. */
		r = add_file(p, sc, d, f, texts[f], ops, n_ops, files, why);
		texts[f] = strdup("");
		if (r >= 0 && !texts[f])
			r = -ENOMEM;
	}
	return r;
}

int igp_shellconf_plan(struct igp_plan *p, const struct igp_shellconf *sc, char *const *modules,
		       char *const *stale, const char *why, char **ret_error)
{
	struct igp_shdoc d = {0};
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	int r = igp_modload_shell_doc(&d, sc->first, sc->dir, sc->need_first);

	/* Only taking merged modules out: a file that lists none of them is
	 * left alone, whatever else it holds. */
	if (r >= 0 && !(modules && *modules)) {
		if (list_ops(&d, sc->vars, NULL, stale, &ops, &n_ops) < 0 || n_ops == 0) {
			r = 0;
			goto out;
		}
		igp_kops_free(ops, n_ops);
		ops = NULL;
		n_ops = 0;
	}
	if (r >= 0)
		r = igp_shdoc_check(&d, ret_error);
	if (r >= 0)
		r = list_ops(&d, sc->vars, modules, stale, &ops, &n_ops);
	if (r >= 0 && n_ops > 0)
		r = note_removed(p, sc, ops, n_ops);
	if (r >= 0 && n_ops > 0)
		r = plan_files(p, sc, &d, ops, n_ops, why);
out:
	igp_kops_free(ops, n_ops);
	igp_shdoc_done(&d);
	return r;
}
