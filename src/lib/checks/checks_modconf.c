/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which modules are configured to load at boot, and where: what
 * modules/modload.h reads (the module lists, the initramfs tool's, the
 * softdeps of modprobe.d), and the hard and soft dependencies of all of
 * these (libkmod: modules.dep, modules.softdep), since modprobe loads them
 * too.
 */
#include <libkmod.h>

#include "checks/checks_int.h"
#include "model/bootinfo.h"
#include "modules/modload.h"

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

/* What modules/modload.h reads: the lists, the initramfs tool's, softdeps. */
static int add_listed(struct check_ctx *c)
{
	struct igp_modload l = {0};
	int r = igp_modload_read(igp_host_initramfs(c->h), ctx_modprobe(c), &l);

	for (size_t i = 0; r >= 0 && i < l.n; i++)
		r = push(c, l.entries[i].name, strlen(l.entries[i].name), false,
			 TAKE_PTR(l.entries[i].where));
	igp_modload_done(&l);
	return r;
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
	int r;

	if (!c->modconf_done) {
		c->modconf_done = true;
		if ((r = add_listed(c)) < 0 || (r = add_dependencies(c)) < 0)
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
