/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/util.h"
#include "boot/cmdline.h"
#include "modules/modconf.h"

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

/* Names of modules-load.d files packages ship that igpuctl must never
 * mask, whether or not the captured tree has the package's file. */
static const char *const never_mask[] = {
    "qemu-server.conf", /* Proxmox VE's qemu-server: vfio, vfio_iommu_type1, vfio_pci */
};

int igp_modconf_path_allowed(const char *path, char **ret_error)
{
	static const char *const vendor_dirs[] = {IGP_USR_LIB_MODULES_LOAD_D,
						  IGP_USR_LOCAL_LIB_MODULES_LOAD_D, "/lib/modules-load.d"};
	const char *name;

	if (!startswith(path, IGP_ETC_MODULES_LOAD_D "/"))
		return 0;
	name = path + strlen(IGP_ETC_MODULES_LOAD_D "/");
	for (size_t i = 0; i < ELEMENTSOF(never_mask); i++)
		if (streq(name, never_mask[i]))
			goto refuse;
	for (size_t i = 0; i < ELEMENTSOF(vendor_dirs); i++) {
		_cleanup_free_ char *v = igp_path_join(vendor_dirs[i], name);
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
	return strstr(text, "/etc/modules is obsolete and has been replaced by /etc/modules-load.d/") != NULL;
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
