/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "boot/bootloader.h"
#include "boot/cmdline.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "boot/shellvar.h"
#include "base/util.h"

static bool os_debian(void)
{
	_cleanup_free_ char *ids = NULL;
	if (igp_os_ids(&ids) < 0)
		return false;
	return igp_os_is(ids, "debian") || igp_os_is(ids, "ubuntu");
}

int igp_initramfs_detect(struct igp_initramfs *ret)
{
	struct igp_initramfs ir = {.kind = IGP_INITRAMFS_NONE};

	if (igp_exists(IGP_ETC_MKINITCPIO_CONF)) {
		ir.kind = IGP_INITRAMFS_MKINITCPIO;
		ir.name = strdup("mkinitcpio");
		ir.reason = strdupf("%s exists", IGP_ETC_MKINITCPIO_CONF);
		ir.argv = igp_argv_new("mkinitcpio", "-P", NULL);
	} else if (igp_is_dir(IGP_ETC_INITRAMFS_TOOLS)) {
		ir.kind = IGP_INITRAMFS_TOOLS;
		ir.name = strdup("initramfs-tools");
		ir.reason = strdupf("%s exists", IGP_ETC_INITRAMFS_TOOLS);
		ir.argv = igp_argv_new("update-initramfs", "-u", "-k", "all", NULL);
	} else if (igp_is_dir(IGP_ETC_DRACUT_CONF_D) || igp_exists(IGP_ETC_DRACUT_CONF)) {
		ir.kind = IGP_INITRAMFS_DRACUT;
		ir.name = strdup("dracut");
		ir.reason = strdupf("%s exists", igp_is_dir(IGP_ETC_DRACUT_CONF_D) ? IGP_ETC_DRACUT_CONF_D
										   : IGP_ETC_DRACUT_CONF);
		ir.argv = igp_argv_new("dracut", "--regenerate-all", "--force", NULL);
	} else if (os_debian()) {
		/* Debian, Ubuntu and Proxmox VE always have initramfs-tools;
		 * a captured tree may simply lack its directory. */
		ir.kind = IGP_INITRAMFS_TOOLS;
		ir.name = strdup("initramfs-tools");
		ir.reason = strdupf("%s names a Debian-family system", IGP_ETC_OS_RELEASE);
		ir.argv = igp_argv_new("update-initramfs", "-u", "-k", "all", NULL);
	} else {
		ir.name = strdup("none");
		ir.reason = strdupf("none of %s, %s, %s exists", IGP_ETC_INITRAMFS_TOOLS,
				    IGP_ETC_DRACUT_CONF_D, IGP_ETC_MKINITCPIO_CONF);
		if (ir.name && ir.reason) {
			*ret = ir;
			return 0;
		}
	}
	if (!ir.name || !ir.reason || !ir.argv) {
		igp_initramfs_done(&ir);
		return -ENOMEM;
	}
	*ret = ir;
	return 0;
}

void igp_initramfs_done(struct igp_initramfs *ir)
{
	free(ir->name);
	free(ir->reason);
	strv_free(ir->argv);
	*ir = (struct igp_initramfs){0};
}

static bool text_lists_module(const char *text, const char *mod)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		_cleanup_free_ char *w = NULL;
		size_t b = strspn(p, " \t\r"), k;
		k = b;
		/* Words as systemd-modules-load reads them: blanks and a CR
		 * end them; "vfio=1" is no name of vfio. */
		while (k < len && !strchr(" \t\r#", p[k]))
			k++;
		w = strndup(p + b, k - b);
		if (w && *w && !strchr(w, '=') && igp_kparam_key_eq(w, mod))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

int igp_modconf_plan_owned(struct igp_plan *p, const char *path, const char *content, unsigned refresh,
			   const char *why)
{
	_cleanup_free_ char *cur = NULL;
	struct igp_undo u = {.kind = IGP_UNDO_OWNED};
	char *after;
	int r;

	r = igp_read_optional(path, &cur);
	if (r < 0)
		return r;
	r = strv_split(content, "\n", &u.lines);
	if (r < 0)
		return r;
	after = strdup(content);
	if (!after) {
		igp_undo_done(&u);
		return -ENOMEM;
	}
	return igp_plan_add_file(p, path, TAKE_PTR(cur), after, 0644, &u, refresh, why);
}

int igp_modconf_plan_lines(struct igp_plan *p, const char *path, char *const *lines, unsigned refresh,
			   const char *why)
{
	_cleanup_free_ char *cur = NULL, *add = NULL;
	struct igp_undo u = {.kind = IGP_UNDO_LINES};
	char *after;
	int r;

	r = igp_read_optional(path, &cur);
	if (r < 0)
		return r;
	add = strdup("");
	if (!add)
		return -ENOMEM;
	for (char *const *l = lines; *l; l++) {
		bool have = false;
		/* A module already listed (maybe as vfio-pci) counts. */
		if (cur && **l != '#') {
			_cleanup_free_ char *first = strndup(*l, strcspn(*l, " \t"));
			have = first && strchr(*l, ' ') == NULL ? text_lists_module(cur, first) : false;
			if (!have) {
				const char *q = strstr(cur, *l);
				size_t n = strlen(*l);
				while (q && !have) {
					if ((q == cur || q[-1] == '\n') && (q[n] == '\n' || !q[n]))
						have = true;
					q = strstr(q + 1, *l);
				}
			}
		}
		if (have)
			continue;
		if (strextendf(&add, "%s\n", *l) < 0) {
			igp_undo_done(&u);
			return -ENOMEM;
		}
		if (strv_push(&u.lines, *l) < 0) {
			igp_undo_done(&u);
			return -ENOMEM;
		}
	}
	/* Nothing but a comment to add: nothing to do. */
	{
		bool real = false;
		for (char **l = u.lines; l && *l; l++)
			if (**l != '#')
				real = true;
		if (!real) {
			igp_undo_done(&u);
			return 0;
		}
	}
	after =
	    strdupf("%s%s%s", cur ? cur : "", cur && *cur && cur[strlen(cur) - 1] != '\n' ? "\n" : "", add);
	if (!after) {
		igp_undo_done(&u);
		return -ENOMEM;
	}
	return igp_plan_add_file(p, path, TAKE_PTR(cur), after, 0644, &u, refresh, why);
}

/* mkinitcpio.conf, then its drop-ins (mkinitcpio >= 36 sources them after
 * the main file), as one shell document. */
static int mkinitcpio_doc(struct igp_shdoc *d)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = igp_read_file(IGP_ETC_MKINITCPIO_CONF, &text, &len);
	if (r >= 0)
		r = igp_shdoc_add(d, IGP_ETC_MKINITCPIO_CONF, text, len);
	if (r < 0 || igp_list_dir(IGP_ETC_MKINITCPIO_CONF_D, &names) < 0)
		return r;
	strv_sort(names);
	for (char **s = names; *s; s++) {
		_cleanup_free_ char *path = NULL, *t = NULL;
		if (!endswith(*s, ".conf"))
			continue;
		path = igp_path_join(IGP_ETC_MKINITCPIO_CONF_D, *s);
		if (!path)
			return -ENOMEM;
		if (igp_read_file(path, &t, &len) < 0)
			continue;
		r = igp_shdoc_add(d, path, t, len);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The edit of file F of D (new text TEXT) with the undo of its OPS. */
static int add_mkinitcpio_file(struct igp_plan *p, const struct igp_shdoc *d, size_t f, char *text,
			       const struct igp_kop *ops, size_t n_ops, const int *files, const char *why)
{
	struct igp_undo u = {.kind = IGP_UNDO_SHELL, .array = true};
	char *before;

	if (strv_push(&u.vars, "MODULES") < 0 || !(u.add_var = strdup("MODULES")))
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

/* The MODULES=(...) ops on the document D. */
static int mkinitcpio_ops(const struct igp_shdoc *d, char *const *vars, char *const *modules,
			  struct igp_kop **ret, size_t *ret_n)
{
	struct igp_shtok *t = NULL;
	size_t n = 0, nw = strv_length(modules);
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
	for (size_t i = 0; i < nw; i++)
		w[i] = (struct igp_kwant){IGP_KWANT_SET, modules[i], NULL};
	r = tt ? igp_kparams_plan(tt, n, w, nw, ret, ret_n) : -ENOMEM;
	igp_shtoks_free(t, n);
	return r;
}

static int plan_mkinitcpio(struct igp_plan *p, char *const *modules, const char *why, char **ret_error)
{
	static char *const vars[] = {"MODULES", NULL};
	struct igp_shdoc d = {0};
	_cleanup_strv_free_ char **texts = NULL;
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	_cleanup_free_ int *files = NULL;
	int r;

	r = mkinitcpio_doc(&d);
	if (r >= 0)
		r = igp_shdoc_check(&d, ret_error);
	if (r >= 0)
		r = mkinitcpio_ops(&d, vars, modules, &ops, &n_ops);
	if (r < 0 || n_ops == 0)
		goto out;
	files = calloc(n_ops, sizeof(int));
	r = files ? igp_shdoc_apply(&d, vars, "MODULES", true, ops, n_ops, files, &texts, NULL) : -ENOMEM;
	for (size_t f = 0; r >= 0 && f < d.n_files; f++) {
		if (streq(texts[f], d.files[f].text))
			continue;
		/* The plan takes the text; texts stays a vector for strv_free. */
		r = add_mkinitcpio_file(p, &d, f, texts[f], ops, n_ops, files, why);
		texts[f] = strdup("");
		if (r >= 0 && !texts[f])
			r = -ENOMEM;
	}
out:
	igp_kops_free(ops, n_ops);
	igp_shdoc_done(&d);
	return r;
}

/* The dracut drop-in loading MODULES early. */
static char *dracut_conf(char *const *modules)
{
	_cleanup_free_ char *list = strdup("");

	for (char *const *m = modules; list && *m; m++)
		if (strextendf(&list, "%s ", *m) < 0)
			return NULL;
	if (!list)
		return NULL;
	/* dracut's own syntax: values with leading and trailing blanks so
	 * several += lines concatenate cleanly. */
	return strdupf("# Written by igpuctl setup; `igpuctl revert` removes it.\n"
		       "# Load vfio-pci in the initramfs, before the GPU driver.\n"
		       "force_drivers+=\" %s\"\n"
		       "install_items+=\" %s \"\n",
		       list, IGP_ETC_MODPROBE_D_IGPUCTL);
}

/* A modules-load.d file listing MODULES. */
static char *modules_load_conf(char *const *modules)
{
	_cleanup_free_ char *content = strdup("# Written by igpuctl setup; `igpuctl revert` removes it.\n");

	for (char *const *m = modules; content && *m; m++)
		if (strextendf(&content, "%s\n", *m) < 0)
			return NULL;
	return TAKE_PTR(content);
}

int igp_modconf_plan_modules(struct igp_plan *p, const struct igp_initramfs *ir, char *const *modules,
			     bool early, const char *why, char **ret_error)
{
	unsigned refresh = early ? IGP_REFRESH_INITRAMFS : 0;
	_cleanup_strv_free_ char **lines = NULL;
	_cleanup_free_ char *content = NULL;
	const char *path;
	int r;

	if (ir->kind == IGP_INITRAMFS_TOOLS && igp_exists(IGP_ETC_MODULES)) {
		r = igp_text_check(IGP_ETC_MODULES, ret_error);
		if (r < 0)
			return r;
		if (strv_push(&lines, "# igpuctl setup: modules for GPU passthrough") < 0)
			return -ENOMEM;
		for (char *const *m = modules; *m; m++)
			if (strv_push(&lines, *m) < 0)
				return -ENOMEM;
		return igp_modconf_plan_lines(p, IGP_ETC_MODULES, lines, refresh, why);
	}
	if (early && ir->kind == IGP_INITRAMFS_MKINITCPIO)
		return plan_mkinitcpio(p, modules, why, ret_error);
	if (early && ir->kind == IGP_INITRAMFS_DRACUT) {
		path = IGP_ETC_DRACUT_CONF_D_IGPUCTL;
		content = dracut_conf(modules);
		refresh = IGP_REFRESH_INITRAMFS;
	} else {
		path = IGP_ETC_MODULES_LOAD_D_IGPUCTL;
		content = modules_load_conf(modules);
	}
	if (!content)
		return -ENOMEM;
	r = igp_text_check(path, ret_error);
	return r < 0 ? r : igp_modconf_plan_owned(p, path, content, refresh, why);
}
