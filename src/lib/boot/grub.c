/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boot/grub.h"
#include "boot/grubenv.h"
#include "base/paths.h"
#include "base/util.h"

char *const igp_grub_vars[] = {"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", NULL};

void igp_grub_init(struct igp_grub *g, struct igp_shdoc doc)
{
	g->doc = doc;
	if (igp_shdoc_assigns(&g->doc, "GRUB_CMDLINE_LINUX_DEFAULT"))
		g->add_var = "GRUB_CMDLINE_LINUX_DEFAULT";
	else if (igp_shdoc_assigns(&g->doc, "GRUB_CMDLINE_LINUX"))
		g->add_var = "GRUB_CMDLINE_LINUX";
	else
		g->add_var = "GRUB_CMDLINE_LINUX_DEFAULT";
}

int igp_grub_load(struct igp_grub *ret)
{
	struct igp_shdoc doc = {0};
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = igp_read_file(IGP_ETC_DEFAULT_GRUB, &text, &len);
	if (r < 0)
		return r;
	r = igp_shdoc_add(&doc, IGP_ETC_DEFAULT_GRUB, text, len);
	if (r < 0)
		goto fail;
	r = igp_list_dir(IGP_ETC_DEFAULT_GRUB_D, &names);
	if (r < 0 && r != -ENOENT)
		goto fail;
	/* The shell's glob order (C locale), not version order. */
	if (names)
		strv_sort(names);
	for (char **n = names; n && *n; n++) {
		_cleanup_free_ char *p = NULL, *t = NULL;
		if (!endswith(*n, ".cfg"))
			continue;
		p = igp_path_join(IGP_ETC_DEFAULT_GRUB_D, *n);
		if (!p) {
			r = -ENOMEM;
			goto fail;
		}
		r = igp_read_file(p, &t, &len);
		if (r == -EISDIR || r == -ENOENT)
			continue;
		if (r < 0)
			goto fail;
		r = igp_shdoc_add(&doc, p, t, len);
		if (r < 0)
			goto fail;
	}
	igp_grub_init(ret, doc);
	return 0;
fail:
	igp_shdoc_done(&doc);
	return r;
}

void igp_grub_done(struct igp_grub *g)
{
	igp_shdoc_done(&g->doc);
}

int igp_grub_tokens(const struct igp_grub *g, char ***ret)
{
	struct igp_shtok *t = NULL;
	size_t n = 0;
	char **v;
	int r = igp_shdoc_tokens(&g->doc, igp_grub_vars, &t, &n);

	if (r < 0)
		return r;
	v = calloc(n + 1, sizeof(char *));
	if (!v) {
		igp_shtoks_free(t, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = TAKE_PTR(t[i].text);
	igp_shtoks_free(t, n);
	*ret = v;
	return 0;
}

/* Append "VAR in FILE" for each token of VAR's final value to *V, FILE
 * being the file of the assignment that holds it ("VAR" alone for a token
 * that comes from an expansion). */
static int push_places(const struct igp_grub *g, char *const var, char ***v)
{
	char *const vars[] = {var, NULL};
	struct igp_shtok *t = NULL;
	size_t n = 0;
	int r = igp_shdoc_tokens(&g->doc, vars, &t, &n);

	for (size_t i = 0; r >= 0 && i < n; i++)
		r = t[i].file >= 0 ? strv_pushf(v, "%s in %s", var, g->doc.files[t[i].file].path)
				   : strv_push(v, var);
	igp_shtoks_free(t, n);
	return r;
}

int igp_grub_places(const struct igp_grub *g, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	int r = v ? 0 : -ENOMEM;

	for (char *const *var = igp_grub_vars; r >= 0 && *var; var++)
		r = push_places(g, *var, &v);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

int igp_grub_edit(const struct igp_grub *g, const struct igp_kwant *wants, size_t n_wants,
		  struct igp_kop **ret_ops, size_t *ret_n_ops, int **ret_op_files, char ***ret_texts,
		  char **ret_bad)
{
	_cleanup_strv_free_ char **toks = NULL;
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	_cleanup_free_ int *files = NULL;
	char **texts = NULL;
	int r;

	r = igp_grub_tokens(g, &toks);
	if (r < 0)
		return r;
	r = igp_kparams_plan(toks, strv_length(toks), wants, n_wants, &ops, &n_ops);
	if (r < 0)
		return r;
	files = calloc(n_ops + 1, sizeof(int));
	if (!files) {
		igp_kops_free(ops, n_ops);
		return -ENOMEM;
	}
	r = igp_shdoc_apply(&g->doc, igp_grub_vars, g->add_var, false, ops, n_ops, files, &texts, ret_bad);
	if (r < 0) {
		igp_kops_free(ops, n_ops);
		return r;
	}
	*ret_ops = ops;
	*ret_n_ops = n_ops;
	*ret_op_files = TAKE_PTR(files);
	*ret_texts = texts;
	return 0;
}

int igp_grub_value(const struct igp_grub *g, const char *var, char **ret, char **ret_where)
{
	char *const vars[] = {(char *)var, NULL};
	struct igp_shtok *t = NULL;
	size_t n = 0;
	char *v;
	int r;

	if (!igp_shdoc_assigns(&g->doc, var))
		return 0;
	r = igp_shdoc_tokens(&g->doc, vars, &t, &n);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	v = strdup("");
	for (size_t i = 0; v && i < n; i++)
		if (strextendf(&v, "%s%s", i ? " " : "", t[i].text) < 0) {
			free(v);
			v = NULL;
		}
	igp_shtoks_free(t, n);
	if (v && ret_where &&
	    !(*ret_where = strdup(g->doc.files[igp_shdoc_last_assignment(&g->doc, var)].path))) {
		free(v);
		v = NULL;
	}
	if (!v)
		return -ENOMEM;
	*ret = v;
	return 1;
}

const char *igp_grub_add_file(const struct igp_grub *g)
{
	int f = igp_shdoc_last_assignment(&g->doc, g->add_var);

	return f >= 0 && (size_t)f < g->doc.n_files ? g->doc.files[f].path : IGP_ETC_DEFAULT_GRUB;
}

void igp_grub_default_done(struct igp_grub_default *d)
{
	free(d->name);
	free(d->def);
	free(d->def_where);
	*d = (struct igp_grub_default){0};
}

/* KEY of the first grubenv that exists (/boot/grub2, /boot/grub) into D,
 * unless it is unset or empty. */
static int grubenv_name(const char *key, struct igp_grub_default *d)
{
	static const char *const envs[] = {IGP_BOOT_GRUB2_GRUBENV, IGP_BOOT_GRUB_GRUBENV};

	for (size_t i = 0; i < ELEMENTSOF(envs); i++) {
		_cleanup_free_ char *env = NULL, *v = NULL;
		size_t len;
		int r;
		if (igp_read_file(envs[i], &env, &len) < 0)
			continue;
		r = igp_grubenv_get(env, len, key, &v);
		if (r > 0 && *v) {
			d->name = TAKE_PTR(v);
			d->key = key;
			d->env = envs[i];
		}
		return r < 0 ? r : 0;
	}
	return 0;
}

int igp_grub_default_name(const struct igp_grub *g, struct igp_grub_default *ret)
{
	struct igp_grub_default d = {0};
	int r = grubenv_name("next_entry", &d);

	if (r >= 0)
		r = igp_grub_value(g, "GRUB_DEFAULT", &d.def, &d.def_where);
	if (r >= 0 && !d.name && d.def && streq(d.def, "saved"))
		r = grubenv_name("saved_entry", &d);
	else if (r >= 0 && !d.name && d.def && !(d.name = strdup(d.def)))
		r = -ENOMEM;
	if (r < 0) {
		igp_grub_default_done(&d);
		return r;
	}
	*ret = d;
	return 0;
}
