/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/util.h"
#include "boot/cmdline.h"
#include "modules/modconf.h"
#include "modules/modload.h"

/* The module the list line L (LEN bytes) names, as systemd-modules-load
 * reads words: blanks and a CR end them, "vfio=1" names no module; or NULL. */
static char *line_module(const char *l, size_t len)
{
	size_t b = strspn(l, " \t\r"), k = b;

	while (k < len && !strchr(" \t\r#", l[k]))
		k++;
	if (k == b || memchr(l + b, '=', k - b))
		return NULL;
	return strndup(l + b, k - b);
}

static bool text_lists_module(const char *text, const char *mod)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		_cleanup_free_ char *w = line_module(p, e ? (size_t)(e - p) : strlen(p));
		if (w && igp_kparam_key_eq(w, mod))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* Names of modules-load.d files packages ship that igpuctl must never
 * mask, whether or not the captured tree has the package's file. */
static const char *const never_mask[] = {
    "qemu-server.conf", /* Proxmox VE's qemu-server: vfio, vfio_iommu_type1, vfio_pci */
};

int igp_modconf_path_allowed(const char *path, char **ret_error)
{
	const char *name;

	if (!startswith(path, IGP_ETC_MODULES_LOAD_D "/"))
		return 0;
	name = path + strlen(IGP_ETC_MODULES_LOAD_D "/");
	for (size_t i = 0; i < ELEMENTSOF(never_mask); i++)
		if (streq(name, never_mask[i]))
			goto refuse;
	/* Every later directory of systemd's: the name in /etc masks them. */
	for (const char *const *d = igp_modules_load_dirs + 1; *d; d++) {
		_cleanup_free_ char *v = igp_path_join(*d, name);
		if (!v)
			return -ENOMEM;
		if (igp_exists(v))
			goto refuse;
	}
	return 0;
refuse:
	if (ret_error)
		*ret_error = strdupf("%s would mask the file of that name a package ships in %s; igpuctl "
				     "writes only %s",
				     path, IGP_USR_LIB_MODULES_LOAD_D, IGP_ETC_MODULES_LOAD_D_IGPUCTL);
	return -EPERM;
}

int igp_modconf_plan_owned(struct igp_plan *p, const char *path, const char *content, unsigned refresh,
			   const char *why)
{
	_cleanup_free_ char *cur = NULL;
	struct igp_undo u = {.kind = IGP_UNDO_OWNED};
	char *after;
	int r;

	r = igp_modconf_path_allowed(path, NULL);
	if (r < 0)
		return r;
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

	r = igp_modconf_path_allowed(path, NULL);
	if (r < 0)
		return r;
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

/* A modules-load.d file listing MODULES. */
static char *modules_load_conf(char *const *modules)
{
	_cleanup_free_ char *content = strdup("# Written by igpuctl setup; `igpuctl revert` removes it.\n");

	for (char *const *m = modules; content && *m; m++)
		if (strextendf(&content, "%s\n", *m) < 0)
			return NULL;
	return TAKE_PTR(content);
}

int igp_modconf_plan_modules_load_d(struct igp_plan *p, char *const *modules, bool early, const char *why,
				    char **ret_error)
{
	_cleanup_free_ char *content = modules_load_conf(modules);
	int r;

	if (!content)
		return -ENOMEM;
	r = igp_text_check(IGP_ETC_MODULES_LOAD_D_IGPUCTL, ret_error);
	return r < 0 ? r
		     : igp_modconf_plan_owned(p, IGP_ETC_MODULES_LOAD_D_IGPUCTL, content,
					      early ? IGP_REFRESH_INITRAMFS : 0, why);
}

int igp_modconf_plan_list(struct igp_plan *p, const char *path, char *const *modules, unsigned refresh,
			  const char *why, char **ret_error)
{
	_cleanup_strv_free_ char **lines = NULL;
	int r = igp_text_check(path, ret_error);

	if (r < 0)
		return r;
	if (strv_push(&lines, "# igpuctl setup: modules for GPU passthrough") < 0)
		return -ENOMEM;
	for (char *const *m = modules; *m; m++)
		if (strv_push(&lines, *m) < 0)
			return -ENOMEM;
	return igp_modconf_plan_lines(p, path, lines, refresh, why);
}

bool igp_etc_modules_obsolete(void)
{
	_cleanup_free_ char *text = NULL;

	if (igp_read_file(IGP_ETC_MODULES, &text, NULL) < 0)
		return false;
	/* kmod's postinst (30+20230601) writes this header. */
	return strstr(text, IGP_ETC_MODULES " is obsolete and has been replaced by " IGP_ETC_MODULES_LOAD_D
					    "/") != NULL;
}

void igp_modules_place(const struct igp_initramfs *ir, bool early, struct igp_modules_place *ret)
{
	*ret = (struct igp_modules_place){.load = IGP_ETC_MODULES_LOAD_D_IGPUCTL};
	if (ir && ir->ops && ir->ops->place)
		ir->ops->place(early, ret);
}

int igp_modconf_plan_modules_stale(struct igp_plan *p, const struct igp_initramfs *ir, char *const *modules,
				   char *const *stale, bool early, const char *why, char **ret_error)
{
	if (ir->ops && ir->ops->plan_modules_stale)
		return ir->ops->plan_modules_stale(p, modules, stale, early, why, ret_error);
	return igp_modconf_plan_modules(p, ir, modules, early, why, ret_error);
}

int igp_modconf_plan_modules(struct igp_plan *p, const struct igp_initramfs *ir, char *const *modules,
			     bool early, const char *why, char **ret_error)
{
	struct igp_modules_place pl;
	int r;

	/* The guard before any tool plans: never a file that masks a
	 * package's (Proxmox VE's qemu-server.conf). */
	igp_modules_place(ir, early, &pl);
	if ((pl.load && (r = igp_modconf_path_allowed(pl.load, ret_error)) < 0) ||
	    (pl.image && (r = igp_modconf_path_allowed(pl.image, ret_error)) < 0))
		return r;
	if (ir->ops && ir->ops->plan_modules)
		return ir->ops->plan_modules(p, modules, early, why, ret_error);
	return igp_modconf_plan_modules_load_d(p, modules, early, why, ret_error);
}

/* TEXT without the lines naming one of STALE into *RET (the lines taken
 * out appended to *REMOVED); 0 when none does. */
static int drop_lines(const char *text, char *const *stale, char **ret, char ***removed)
{
	_cleanup_free_ char *out = strdup("");
	bool any = false;

	if (!out)
		return -ENOMEM;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		_cleanup_free_ char *mod = line_module(p, len);
		bool drop = false;
		for (char *const *s = stale; mod && *s && !drop; s++)
			drop = igp_kparam_key_eq(mod, *s);
		if (drop) {
			any = true;
			if (strv_consume(removed, strndup(p, len)) < 0)
				return -ENOMEM;
		} else if (strextendf(&out, "%.*s%s", (int)len, p, e ? "\n" : "") < 0) {
			return -ENOMEM;
		}
		p = e ? e + 1 : p + len;
	}
	if (!any)
		return 0;
	*ret = TAKE_PTR(out);
	return 1;
}

/* Say why the lines REMOVED[FROM...] left PATH. */
static int note_removed(struct igp_plan *p, const char *path, char *const *removed, size_t from)
{
	for (size_t i = from; removed && removed[i]; i++) {
		_cleanup_free_ char *mod = line_module(removed[i], strlen(removed[i]));
		const struct igp_merged_module *m = mod ? igp_merged_module_find(mod) : NULL;
		if (m && igp_plan_add_note(p, "%s leaves %s: Linux %s merged it into %s.", mod, path,
					   m->since, m->into) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Take the STALE lines out of the list file PATH: in the plan's edit of it
 * when there is one, else in an edit of its own. */
static int remove_from_list(struct igp_plan *p, const char *path, char *const *stale, const char *why)
{
	_cleanup_free_ char *cur = NULL, *link = NULL;
	struct igp_undo u = {.kind = IGP_UNDO_LINES};
	char *after = NULL;
	size_t size;
	int r;

	for (size_t i = 0; i < p->n_files; i++) {
		struct igp_file_change *f = &p->files[i];
		if (f->kind || !streq(f->path, path))
			continue;
		if (f->undo.kind != IGP_UNDO_LINES || !f->after)
			return 0;
		size_t from = strv_length(f->undo.removed);
		r = drop_lines(f->after, stale, &after, &f->undo.removed);
		if (r > 0) {
			free(f->after);
			f->after = after;
			r = note_removed(p, path, f->undo.removed, from);
		}
		return r < 0 ? r : 0;
	}
	/* /etc/modules-load.d/modules.conf links to /etc/modules (Debian):
	 * the file is edited under its own name only. */
	if (igp_readlink(path, &link) >= 0)
		return 0;
	/* Unreadable, or with a NUL byte that would cut the text: left alone. */
	if (igp_read_file(path, &cur, &size) < 0 || memchr(cur, '\0', size))
		return 0;
	r = drop_lines(cur, stale, &after, &u.removed);
	if (r > 0 && (r = note_removed(p, path, u.removed, 0)) >= 0)
		return igp_plan_add_file(p, path, TAKE_PTR(cur), after, 0644, &u, IGP_REFRESH_INITRAMFS, why);
	free(after);
	igp_undo_done(&u);
	return r;
}

int igp_modconf_plan_remove_stale(struct igp_plan *p, char *const *stale, const char *why)
{
	_cleanup_strv_free_ char **files = NULL;
	int r;

	if (!stale || !*stale)
		return 0;
	if (strv_push(&files, IGP_ETC_MODULES) < 0 || strv_push(&files, IGP_ETC_INITRAMFS_TOOLS_MODULES) < 0)
		return -ENOMEM;
	r = igp_initramfs_conf_dir(IGP_ETC_MODULES_LOAD_D, &files);
	for (char **f = files; r >= 0 && *f; f++)
		r = remove_from_list(p, *f, stale, why);
	return r;
}
