/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <libkmod.h>

#include "base/paths.h"
#include "base/util.h"
#include "model/host_cache.h"
#include "model/modules.h"
#include "modules/modprobe.h"

static void module_free(struct igp_module *m)
{
	if (!m)
		return;
	free(m->name);
	for (size_t i = 0; i < m->n_params; i++) {
		free(m->params[i].name);
		free(m->params[i].value);
	}
	free(m->params);
	free(m);
}

void igp_modules_cache_done(struct igp_host_cache *c)
{
	for (size_t i = 0; i < c->n_modules; i++)
		module_free(c->modules[i]);
	free(c->modules);
	strv_free(c->proc_modules);
	strv_free(c->builtin);
	if (c->kmod)
		kmod_unref(c->kmod);
	if (c->moddir_fd >= 0)
		close(c->moddir_fd);
}

char *igp_module_name_normalize(const char *name)
{
	char *n = strdup(name);

	/* A name with an unbalanced '[' is no module of the kernel's: its
	 * dashes are left, and it matches nothing. */
	if (n)
		(void)igp_module_underscores(n);
	return n;
}

/* ---- /proc/modules and modules.builtin, once ---- */

static int load_proc_modules(struct igp_host_cache *c)
{
	_cleanup_free_ char *text = NULL;

	c->proc_modules = calloc(1, sizeof(char *));
	if (!c->proc_modules)
		return -ENOMEM;
	if (igp_read_file(IGP_PROC_MODULES, &text, NULL) < 0)
		return 0;
	/* "kvm_intel 401408 0 - Live 0x0000000000000000" */
	for (const char *l = text; l && *l;) {
		size_t n = strcspn(l, " \n");
		_cleanup_free_ char *m = strndup(l, n), *norm = NULL;
		if (!m || !(norm = igp_module_name_normalize(m)))
			return -ENOMEM;
		if (n > 0 && strv_consume(&c->proc_modules, TAKE_PTR(norm)) < 0)
			return -ENOMEM;
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return 0;
}

/* The running kernel's module directory and its libkmod context.  libkmod
 * opens files by path; handing it the directory fd opened inside the root
 * (as /proc/self/fd/N) keeps --root reads inside the root.  No modprobe.d:
 * only the kernel's own indexes matter here, and its MODULE_SOFTDEP lines
 * (depmod's modules.softdep), which modprobe reads as configuration. */
static int load_moddir(const struct igp_host *h, struct igp_host_cache *c)
{
	static const char *const no_config[] = {NULL};
	_cleanup_free_ char *dir = NULL, *fdpath = NULL, *softdep = NULL, *builtin = NULL, *text = NULL;
	_cleanup_strv_free_ char **lines = NULL;

	c->builtin = calloc(1, sizeof(char *));
	if (!c->builtin)
		return -ENOMEM;
	if (!h->kernel_release)
		return 0;
	dir = strdupf("%s/%s", IGP_LIB_MODULES, h->kernel_release);
	if (!dir)
		return -ENOMEM;
	c->moddir_fd = igp_open(dir, O_PATH | O_DIRECTORY, 0);
	if (c->moddir_fd < 0) {
		c->moddir_fd = -1;
		return 0;
	}
	fdpath = strdupf("%s/%d", IGP_PROC_SELF_FD, c->moddir_fd);
	softdep = fdpath ? strdupf("%s/modules.softdep", fdpath) : NULL;
	builtin = strdupf("%s/modules.builtin", dir);
	if (!softdep || !builtin)
		return -ENOMEM;
	{
		const char *const config[] = {softdep, NULL};
		c->kmod = kmod_new(fdpath, igp_access(softdep) == 0 ? config : no_config);
	}
	if (igp_read_file(builtin, &text, NULL) < 0)
		return 0;
	if (strv_split(text, "\n", &lines) < 0)
		return -ENOMEM;
	for (char **l = lines; *l; l++) {
		/* "kernel/drivers/vfio/vfio.ko" */
		const char *b = strrchr(*l, '/');
		_cleanup_free_ char *name = igp_module_name_normalize(b ? b + 1 : *l);
		char *dot;
		if (!name)
			return -ENOMEM;
		dot = strstr(name, ".ko");
		if (dot)
			*dot = '\0';
		if (strv_consume(&c->builtin, TAKE_PTR(name)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int modules_load(const struct igp_host *h, struct igp_host_cache *c)
{
	int r;

	if (c->modules_done)
		return 0;
	c->modules_done = true;
	r = load_proc_modules(c);
	if (r >= 0)
		r = load_moddir(h, c);
	return r;
}

struct kmod_ctx *igp_host_kmod(const struct igp_host *h)
{
	struct igp_host_cache *c = h->cache;

	if (!c || modules_load(h, c) < 0)
		return NULL;
	return c->kmod;
}

/* ---- one module ---- */

static int read_params(const char *name, struct igp_module *m)
{
	_cleanup_free_ char *dir = strdupf("%s/%s/parameters", IGP_SYS_MODULE, name);
	_cleanup_strv_free_ char **names = NULL;

	if (!dir)
		return -ENOMEM;
	if (igp_list_dir(dir, &names) < 0)
		return 0;
	m->params = calloc(strv_length(names) + 1, sizeof(*m->params));
	if (!m->params)
		return -ENOMEM;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *p = igp_path_join(dir, *n);
		struct igp_module_param *pm = &m->params[m->n_params];
		if (!p)
			return -ENOMEM;
		pm->name = strdup(*n);
		if (!pm->name)
			return -ENOMEM;
		m->n_params++;
		if (igp_read_attr(p, &pm->value) < 0)
			pm->value = NULL;
	}
	return 0;
}

/* sysfs names a module's directory as the kernel does: with '_'
 * (module_name is normalized at load time). */
static int module_new(struct igp_host_cache *c, const char *norm, struct igp_module **ret)
{
	struct igp_module *m = calloc(1, sizeof(*m));
	int r;

	if (!m || !(m->name = strdup(norm))) {
		module_free(m);
		return -ENOMEM;
	}
	m->loaded = strv_contains(c->proc_modules, norm);
	m->builtin = strv_contains(c->builtin, norm);
	r = read_params(norm, m);
	if (r < 0) {
		module_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

int igp_host_module(const struct igp_host *h, const char *name, const struct igp_module **ret)
{
	static const struct igp_module unknown;
	struct igp_host_cache *c = h->cache;
	_cleanup_free_ char *norm = igp_module_name_normalize(name);
	struct igp_module *m, **v;
	int r;

	if (!norm)
		return -ENOMEM;
	if (!c) {
		*ret = &unknown;
		return 0;
	}
	r = modules_load(h, c);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c->n_modules; i++)
		if (streq(c->modules[i]->name, norm)) {
			*ret = c->modules[i];
			return 0;
		}
	v = realloc(c->modules, (c->n_modules + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->modules = v;
	r = module_new(c, norm, &m);
	if (r < 0)
		return r;
	c->modules[c->n_modules++] = m;
	*ret = m;
	return 0;
}

const char *igp_module_param(const struct igp_module *m, const char *param)
{
	for (size_t i = 0; i < m->n_params; i++)
		if (igp_module_name_eq(m->params[i].name, param))
			return m->params[i].value;
	return NULL;
}

bool igp_host_module_loaded(const struct igp_host *h, const char *name)
{
	const struct igp_module *m;
	return igp_host_module(h, name, &m) >= 0 && m->loaded;
}

bool igp_host_module_builtin(const struct igp_host *h, const char *name)
{
	const struct igp_module *m;
	return igp_host_module(h, name, &m) >= 0 && m->builtin;
}

const char *igp_host_module_param(const struct igp_host *h, const char *module, const char *param)
{
	const struct igp_module *m;
	return igp_host_module(h, module, &m) >= 0 ? igp_module_param(m, param) : NULL;
}

int igp_host_module_available(const struct igp_host *h, const char *name)
{
	struct kmod_ctx *kmod = igp_host_kmod(h);
	struct kmod_list *list = NULL;
	int r;

	if (igp_host_module_builtin(h, name))
		return 1;
	/* Without depmod's index libkmod finds nothing, which tells nothing:
	 * a directory DKMS left behind (updates/dkms of a removed kernel), or
	 * a tree captured without it. */
	if (!kmod || !h->kernel_release ||
	    !igp_existsf(IGP_LIB_MODULES "/%s/modules.dep.bin", h->kernel_release))
		return -ENOENT;
	r = kmod_module_new_from_lookup(kmod, name, &list);
	if (r < 0)
		return r == -ENOSYS ? -ENOENT : r; /* ENOSYS: no modules.dep.bin */
	r = list != NULL;
	kmod_module_unref_list(list);
	return r;
}
