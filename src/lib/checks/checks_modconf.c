/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which modules are configured to load at boot, and where: the reading
 * side of modconf.h (which only plans edits).  Sources:
 *   /etc/modules and /etc/initramfs-tools/modules (Debian: one name a line),
 *   modules-load.d(5) in /etc, /run and /usr/lib (*.conf; a file name in an
 *     earlier directory masks the same name in a later one),
 *   dracut's force_drivers/add_drivers (/etc/dracut.conf, dracut.conf.d/NAME.conf),
 *   mkinitcpio's MODULES=(...) (/etc/mkinitcpio.conf, mkinitcpio.conf.d/NAME.conf),
 *   "softdep X pre:/post:" lines of modprobe.d (loaded along with X),
 * and the hard dependencies of all of these (libkmod, modules.dep), since
 * modprobe loads them too.
 */
#include <libkmod.h>

#include "checks/checks_int.h"
#include "base/paths.h"
#include "boot/shellvar.h"

static int push(struct check_ctx *c, const char *name, size_t len, bool dep, char *where)
{
	struct modconf_entry *v;
	char *n;

	if (!where)
		return -ENOMEM;
	n = strndup(name, len);
	if (!n) {
		free(where);
		return -ENOMEM;
	}
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	v = realloc(c->modconf, (c->n_modconf + 1) * sizeof(*v));
	if (!v) {
		free(n);
		free(where);
		return -ENOMEM;
	}
	c->modconf = v;
	v[c->n_modconf++] = (struct modconf_entry){.name = n, .where = where, .dependency = dep};
	return 0;
}

/* One module name per line; COMMENTS are the comment characters. */
static int scan_list(struct check_ctx *c, const char *path, const char *comments)
{
	_cleanup_free_ char *text = NULL;
	unsigned lineno = 0;
	int r;

	if (igp_read_file(path, &text, NULL) < 0)
		return 0;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		size_t b = strspn(l, " \t\r"), k = b;

		lineno++;
		/* A CR (a file from Windows) ends the name, as systemd strips it. */
		while (k < len && l[k] != ' ' && l[k] != '\t' && l[k] != '\r' && !strchr(comments, l[k]))
			k++;
		if (k > b && !strchr(comments, l[b])) {
			r = push(c, l + b, k - b, false, strdupf("%s:%u", path, lineno));
			if (r < 0)
				return r;
		}
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int scan_modules_load_d(struct check_ctx *c)
{
	static const char *const dirs[] = {IGP_ETC_MODULES_LOAD_D, IGP_RUN_MODULES_LOAD_D,
					   IGP_USR_LIB_MODULES_LOAD_D};
	_cleanup_strv_free_ char **seen = NULL;
	int r;

	for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
		_cleanup_strv_free_ char **names = NULL;
		if (igp_list_dir(dirs[d], &names) < 0)
			continue;
		strv_sort(names);
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = NULL;
			if (!endswith(*n, ".conf") || strv_contains(seen, *n))
				continue;
			if (strv_push(&seen, *n) < 0)
				return -ENOMEM;
			p = igp_path_join(dirs[d], *n);
			if (!p)
				return -ENOMEM;
			/* A link to /dev/null masks the name and reads empty. */
			r = scan_list(c, p, "#;");
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static unsigned line_of(const char *text, size_t off)
{
	unsigned n = 1;
	for (size_t i = 0; i < off && text[i]; i++)
		n += text[i] == '\n';
	return n;
}

/* Shell-sourced configuration: FIRST, then DIR/NAME.conf in glob order. */
static int scan_shell(struct check_ctx *c, const char *first, const char *dir, char *const *vars)
{
	struct igp_shdoc doc = {};
	_cleanup_strv_free_ char **names = NULL;
	struct igp_shtok *t = NULL;
	size_t n = 0;
	int r = 0;

	{
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (igp_read_file(first, &text, &len) >= 0 && (r = igp_shdoc_add(&doc, first, text, len)) < 0)
			goto out;
	}
	if (igp_list_dir(dir, &names) >= 0) {
		strv_sort(names);
		for (char **nm = names; *nm; nm++) {
			_cleanup_free_ char *p = NULL, *text = NULL;
			size_t len;
			if (!endswith(*nm, ".conf"))
				continue;
			p = igp_path_join(dir, *nm);
			if (!p) {
				r = -ENOMEM;
				goto out;
			}
			if (igp_read_file(p, &text, &len) < 0)
				continue;
			r = igp_shdoc_add(&doc, p, text, len);
			if (r < 0)
				goto out;
		}
	}
	if (doc.n_files == 0)
		goto out;
	r = igp_shdoc_tokens(&doc, vars, &t, &n);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct igp_shfile *f = t[i].file >= 0 ? &doc.files[t[i].file] : NULL;
		r = push(c, t[i].text, strlen(t[i].text), false,
			 f ? strdupf("%s:%u", f->path, line_of(f->text, t[i].start))
			   : strdupf("%s (%s)", first, vars[0]));
		if (r < 0)
			goto out;
	}
out:
	igp_shtoks_free(t, n);
	igp_shdoc_done(&doc);
	return r;
}

/* "softdep X pre: a b post: c" of modprobe.d loads a, b and c along with X. */
static int scan_softdeps(struct check_ctx *c)
{
	const struct igp_modprobe *m = ctx_modprobe(c);

	for (size_t i = 0; i < m->n; i++) {
		const struct igp_modprobe_entry *e = &m->entries[i];
		_cleanup_strv_free_ char **mods = NULL;

		if (e->cmd != IGP_MODPROBE_SOFTDEP)
			continue;
		if (igp_modprobe_softdep_modules(e, &mods) < 0)
			return -ENOMEM;
		for (char **d = mods; *d; d++) {
			int r =
			    push(c, *d, strlen(*d), false, strdupf("%s, softdep of %s", e->where, e->module));
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Hard dependencies of the listed modules (modules.dep of the running kernel). */
static int add_dependencies(struct check_ctx *c)
{
	struct kmod_ctx *kmod = ctx_kmod(c);
	int r;

	if (!kmod)
		return 0;
	/* Entries pushed here are walked too (dependencies of dependencies);
	 * a module already present is not expanded twice. */
	for (size_t i = 0; i < c->n_modconf; i++) {
		struct kmod_list *l = NULL, *it;
		_cleanup_free_ char *name = strdup(c->modconf[i].name), *where = strdup(c->modconf[i].where);
		bool seen = false;

		if (!name || !where)
			return -ENOMEM;
		for (size_t j = 0; j < i; j++)
			seen |= streq(c->modconf[j].name, name);
		if (seen)
			continue;
		if (kmod_module_new_from_lookup(kmod, name, &l) < 0)
			continue;
		kmod_list_foreach(it, l)
		{
			struct kmod_module *mod = kmod_module_get_module(it);
			struct kmod_list *lists[3] = {kmod_module_get_dependencies(mod), NULL, NULL}, *d;
			/* The kernel's own soft dependencies (MODULE_SOFTDEP, in
			 * modules.softdep): vfio pulls in vfio_iommu_type1. */
			if (kmod_module_get_softdeps(mod, &lists[1], &lists[2]) < 0)
				lists[1] = lists[2] = NULL;
			r = 0;
			for (size_t k = 0; k < ELEMENTSOF(lists); k++) {
				kmod_list_foreach(d, lists[k])
				{
					struct kmod_module *dm = kmod_module_get_module(d);
					const char *dn = kmod_module_get_name(dm);
					if (r >= 0)
						r = push(c, dn, strlen(dn), true,
							 strdupf("%s %s, %s",
								 k == 0 ? "needed by" : "soft dependency of",
								 name, where));
					kmod_module_unref(dm);
				}
				kmod_module_unref_list(lists[k]);
			}
			kmod_module_unref(mod);
			if (r < 0) {
				kmod_module_unref_list(l);
				return r;
			}
		}
		kmod_module_unref_list(l);
	}
	return 0;
}

int ctx_modconf(struct check_ctx *c, const struct modconf_entry **ret, size_t *ret_n)
{
	static char *const dracut_vars[] = {(char *)"force_drivers", (char *)"add_drivers", NULL};
	static char *const mkinitcpio_vars[] = {(char *)"MODULES", NULL};
	int r;

	if (!c->modconf_done) {
		c->modconf_done = true;
		if ((r = scan_list(c, IGP_ETC_MODULES, "#")) < 0 ||
		    (r = scan_list(c, IGP_ETC_INITRAMFS_TOOLS_MODULES, "#")) < 0 ||
		    (r = scan_modules_load_d(c)) < 0 ||
		    (r = scan_shell(c, IGP_ETC_DRACUT_CONF, IGP_ETC_DRACUT_CONF_D, dracut_vars)) < 0 ||
		    (r = scan_shell(c, IGP_ETC_MKINITCPIO_CONF, IGP_ETC_MKINITCPIO_CONF_D, mkinitcpio_vars)) <
			0 ||
		    (r = scan_softdeps(c)) < 0 || (r = add_dependencies(c)) < 0)
			return r;
	}
	*ret = c->modconf;
	*ret_n = c->n_modconf;
	return 0;
}

const char *ctx_module_configured(struct check_ctx *c, const char *name)
{
	const struct modconf_entry *e;
	_cleanup_free_ char *n = strdup(name);
	size_t count;

	if (!n || ctx_modconf(c, &e, &count) < 0)
		return NULL;
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	/* Listed beats pulled in as a dependency. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < count; i++)
			if (e[i].dependency == (pass == 1) && streq(e[i].name, n))
				return e[i].where;
	return NULL;
}
