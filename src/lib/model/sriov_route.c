/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <libkmod.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/util.h"
#include "model/host_cache.h"
#include "model/kernels.h"
#include "model/modules.h"
#include "model/sriov_route.h"
#include "model/versions.h"

#define DKMS_NAME "i915-sriov-dkms"

const char *igp_sriov_route_name(enum igp_sriov_route_kind k)
{
	return k == IGP_SRIOV_ROUTE_XE ? "xe" : k == IGP_SRIOV_ROUTE_DKMS ? DKMS_NAME : "none";
}

const char *igp_sriov_route_driver(enum igp_sriov_route_kind k)
{
	return k == IGP_SRIOV_ROUTE_XE ? "xe" : k == IGP_SRIOV_ROUTE_DKMS ? "i915" : NULL;
}

/* ---- pure helpers ---- */

/* MAJOR.MINOR of a release; false when it does not start with one. */
static bool kver_minor(const char *s, long *maj, long *min)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	*maj = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return false;
	*min = strtol(end + 1, &end, 10);
	return true;
}

int igp_kver_cmp_minor(const char *a, const char *b)
{
	long am = 0, an = 0, bm = 0, bn = 0;
	bool ao = kver_minor(a, &am, &an), bo = kver_minor(b, &bm, &bn);

	if (!ao || !bo)
		return (int)ao - (int)bo;
	if (am != bm)
		return am < bm ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

bool igp_sriov_xe_on(const struct igp_platform *p, const char *kver, bool *force_probe)
{
	bool on = p && p->xe_sriov_since && kver && igp_kver_cmp_minor(kver, p->xe_sriov_since) >= 0;

	if (force_probe)
		*force_probe = on && p->xe_force_probe;
	return on;
}

/* The kernels each release line builds for, from the README and release
 * notes of github.com/strongtz/i915-sriov-dkms; newest first. */
static const struct {
	const char *release, *min, *max;
} dkms_lines[] = {
    {"2026.05", "6.17", "7.0"},
    {"2026.03", "6.12", "6.19"},
    {"2025.07", "6.8", "6.12"},
};

bool igp_sriov_dkms_range(const char *version, const char **ret_min, const char **ret_max)
{
	for (size_t i = 0; version && i < ELEMENTSOF(dkms_lines); i++) {
		size_t n = strlen(dkms_lines[i].release);
		if (strncmp(version, dkms_lines[i].release, n) == 0 && !isdigit((unsigned char)version[n])) {
			*ret_min = dkms_lines[i].min;
			*ret_max = dkms_lines[i].max;
			return true;
		}
	}
	*ret_min = *ret_max = NULL;
	return false;
}

const char *igp_sriov_dkms_release_for(const char *kver, const char **ret_min, const char **ret_max)
{
	for (size_t i = 0; kver && i < ELEMENTSOF(dkms_lines); i++)
		if (igp_kver_cmp_minor(kver, dkms_lines[i].min) >= 0 &&
		    igp_kver_cmp_minor(kver, dkms_lines[i].max) <= 0) {
			*ret_min = dkms_lines[i].min;
			*ret_max = dkms_lines[i].max;
			return dkms_lines[i].release;
		}
	*ret_min = *ret_max = NULL;
	return NULL;
}

bool igp_vermagic_matches(const char *vermagic, const char *kver)
{
	size_t n = kver ? strlen(kver) : 0;

	/* "6.8.12-4-pve SMP preempt mod_unload modversions " (VERMAGIC_STRING,
	 * include/linux/vermagic.h: UTS_RELEASE first). */
	return vermagic && n && strncmp(vermagic, kver, n) == 0 &&
	       (vermagic[n] == ' ' || vermagic[n] == '\0');
}

/* ---- the model ---- */

static void routes_free(struct igp_sriov_routes *r)
{
	if (!r)
		return;
	free(r->kernel);
	free(r->xe_why);
	free(r->dkms_version);
	free(r->dkms_source);
	free(r->dkms_module);
	free(r->dkms_vermagic);
	free(r);
}

void igp_sriov_routes_cache_done(struct igp_host_cache *c)
{
	for (size_t i = 0; i < c->n_sriov_routes; i++)
		routes_free(c->sriov_routes[i]);
	free(c->sriov_routes);
}

/* The vermagic of the module file DIR/NAME (inside the root), through an
 * fd of DIR as libkmod opens files by path (as modules.c does). */
static int module_vermagic(const char *dir, const char *name, char **ret)
{
	static const char *const no_config[] = {NULL};
	_cleanup_free_ char *fdpath = NULL, *file = NULL;
	struct kmod_ctx *ctx = NULL;
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *l;
	int fd = igp_open(dir, O_PATH | O_DIRECTORY, 0), r = 0;

	*ret = NULL;
	if (fd < 0)
		return 0;
	fdpath = strdupf("%s/%d", IGP_PROC_SELF_FD, fd);
	file = fdpath ? strdupf("%s/%s", fdpath, name) : NULL;
	if (!file) {
		close(fd);
		return -ENOMEM;
	}
	ctx = kmod_new(fdpath, no_config);
	if (ctx && kmod_module_new_from_path(ctx, file, &mod) == 0 && kmod_module_get_info(mod, &info) >= 0)
		kmod_list_foreach(l, info)
		{
			if (streq(kmod_module_info_get_key(l), "vermagic")) {
				const char *v = kmod_module_info_get_value(l);
				*ret = strdup(v ? v : "");
				r = *ret ? 0 : -ENOMEM;
				break;
			}
		}
	kmod_module_info_free_list(info);
	if (mod)
		kmod_module_unref(mod);
	if (ctx)
		kmod_unref(ctx);
	close(fd);
	return r;
}

/* The DKMS module file for KVER (DKMS installs into updates/dkms/,
 * dkms(8) "DEST_MODULE_LOCATION", compressed as the kernel's own are). */
static int dkms_module(struct igp_sriov_routes *r)
{
	static const char *const names[] = {"i915.ko", "i915.ko.xz", "i915.ko.zst", "i915.ko.gz"};
	_cleanup_free_ char *dir = strdupf("%s/%s/updates/dkms", IGP_LIB_MODULES, r->kernel);

	if (!dir)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = igp_path_join(dir, names[i]);
		if (!p)
			return -ENOMEM;
		if (!igp_exists(p))
			continue;
		r->dkms_module = TAKE_PTR(p);
		return module_vermagic(dir, names[i], &r->dkms_vermagic);
	}
	return 0;
}

/* The installed release: the DKMS tree (what builds the module), else the
 * package (its Debian revision left on: the range goes by the prefix). */
static int dkms_release(const struct igp_host *h, struct igp_sriov_routes *r)
{
	const struct igp_dkms_module *m = igp_host_dkms_find(h, DKMS_NAME);
	const struct igp_pkg *p = m ? NULL : igp_host_package(h, DKMS_NAME);

	if (m) {
		r->dkms_version = strdup(m->version);
		r->dkms_source = strdupf(IGP_VAR_LIB_DKMS "/%s/%s", DKMS_NAME, m->version);
	} else if (p) {
		r->dkms_version = strdup(p->version);
		r->dkms_source = strdupf("package %s %s", DKMS_NAME, p->version);
	} else
		return 0;
	return r->dkms_version && r->dkms_source ? 0 : -ENOMEM;
}

static int routes_fill(const struct igp_host *h, const struct igp_platform *p, struct igp_sriov_routes *r)
{
	int k;

	r->xe = igp_sriov_xe_on(p, r->kernel, &r->force_probe);
	r->xe_max_vfs_unlimited = igp_kver_cmp_minor(r->kernel, XE_MAX_VFS_UNLIMITED_SINCE) >= 0;
	if (!p || !p->xe_sriov_since)
		r->xe_why = strdupf("The upstream xe driver has no SR-IOV for %s on any kernel.",
				    p ? p->name : "this GPU");
	else if (!r->xe)
		r->xe_why = strdupf("The upstream xe driver has SR-IOV for %s from Linux %s on, not on %s.",
				    p->name, p->xe_sriov_since, r->kernel);
	else
		r->xe_why = strdupf("The upstream xe driver of %s has SR-IOV for %s (Linux %s and newer)%s.",
				    r->kernel, p->name, p->xe_sriov_since,
				    r->force_probe ? " with xe.force_probe" : "");
	if (!r->xe_why)
		return -ENOMEM;
	/* i915-sriov-dkms is i915: it drives what i915 binds and has SR-IOV
	 * for (platform.h: IGP_SUPPORT_DKMS). */
	r->dkms_platform = p && p->i915_binds && p->sriov == IGP_SUPPORT_DKMS;
	k = dkms_release(h, r);
	if (k >= 0)
		k = dkms_module(r);
	if (k < 0)
		return k;
	r->dkms_built = r->dkms_module && igp_vermagic_matches(r->dkms_vermagic, r->kernel);
	r->dkms_in_range = -1;
	if (igp_sriov_dkms_range(r->dkms_version, &r->dkms_min, &r->dkms_max))
		r->dkms_in_range = igp_kver_cmp_minor(r->kernel, r->dkms_min) >= 0 &&
				   igp_kver_cmp_minor(r->kernel, r->dkms_max) <= 0;
	return 0;
}

int igp_host_sriov_routes(const struct igp_host *h, const struct igp_pci_dev *gpu, const char *kver,
			  const struct igp_sriov_routes **ret)
{
	struct igp_host_cache *c = h->cache;
	const struct igp_platform *p = gpu ? gpu->platform : NULL;
	struct igp_sriov_routes **v, *r;
	int k;

	if (!kver)
		kver = h->kernel_release;
	if (!kver || !c)
		return -EINVAL;
	for (size_t i = 0; i < c->n_sriov_routes; i++)
		if (c->sriov_routes[i]->platform == p && streq(c->sriov_routes[i]->kernel, kver)) {
			*ret = c->sriov_routes[i];
			return 0;
		}
	v = realloc(c->sriov_routes, (c->n_sriov_routes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->sriov_routes = v;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct igp_sriov_routes){.platform = p, .kernel = strdup(kver)};
	k = r->kernel ? routes_fill(h, p, r) : -ENOMEM;
	if (k < 0) {
		/* Not cached: the next call tries again rather than finding half an answer. */
		routes_free(r);
		return k;
	}
	v[c->n_sriov_routes++] = r;
	*ret = r;
	return 0;
}

enum igp_sriov_route_kind igp_host_sriov_in_use(const struct igp_host *h, const struct igp_pci_dev *gpu)
{
	if (streq_ptr(gpu->driver, "xe") && igp_host_module_param(h, "xe", "max_vfs"))
		return IGP_SRIOV_ROUTE_XE;
	if (streq_ptr(gpu->driver, "i915") && igp_host_module_param(h, "i915", "max_vfs"))
		return IGP_SRIOV_ROUTE_DKMS;
	return IGP_SRIOV_ROUTE_NONE;
}

/* The recommendation on the routes R of kernel KVER, WHY that kernel. */
static int recommend(const struct igp_sriov_routes *r, const char *why, enum igp_sriov_route_kind *ret,
		     char **ret_why)
{
	if (r->xe) {
		*ret = IGP_SRIOV_ROUTE_XE;
		*ret_why = strdupf("Use xe, since %s boots next (%s). %s", r->kernel, why, r->xe_why);
	} else if (r->dkms_platform && r->dkms_built) {
		*ret = IGP_SRIOV_ROUTE_DKMS;
		*ret_why = strdupf("Use %s: %s %s is built for %s (the kernel that boots next, %s), whose xe "
				   "has no SR-IOV for this GPU.",
				   DKMS_NAME, DKMS_NAME, r->dkms_version, r->kernel, why);
	} else if (r->dkms_platform) {
		*ret = IGP_SRIOV_ROUTE_DKMS;
		*ret_why =
		    strdupf("Use %s: the xe driver of %s (the kernel that boots next, %s) has no SR-IOV "
			    "for this GPU, and mainline i915 has none.",
			    DKMS_NAME, r->kernel, why);
	} else {
		*ret = IGP_SRIOV_ROUTE_NONE;
		*ret_why = strdupf("No SR-IOV route on %s (the kernel that boots next, %s): %s", r->kernel,
				   why, r->xe_why);
	}
	return *ret_why ? 0 : -ENOMEM;
}

int igp_host_sriov_recommend(const struct igp_host *h, const struct igp_pci_dev *gpu,
			     enum igp_sriov_route_kind *ret, char **ret_why,
			     const struct igp_sriov_routes **ret_routes)
{
	const struct igp_next_boot *nb = NULL;
	const struct igp_sriov_routes *r;
	const char *kver, *why;
	int k;

	if (igp_host_next_kernel(h, &nb) >= 0 && nb->kernel) {
		kver = nb->kernel->release;
		why = nb->why;
	} else {
		kver = h->kernel_release;
		why = "the running kernel: no installed kernel was found";
	}
	k = igp_host_sriov_routes(h, gpu, kver, &r);
	if (k < 0)
		return k;
	if (ret_routes)
		*ret_routes = r;
	return recommend(r, why, ret, ret_why);
}

int igp_host_sriov_choose(const struct igp_host *h, const struct igp_pci_dev *gpu,
			  enum igp_sriov_route_kind *ret, char **ret_why)
{
	enum igp_sriov_route_kind use = igp_host_sriov_in_use(h, gpu);
	const struct igp_sriov_routes *r;
	_cleanup_free_ char *rec = NULL;
	enum igp_sriov_route_kind k;
	int e = igp_host_sriov_recommend(h, gpu, &k, &rec, &r);

	if (e < 0)
		return e;
	/* Where xe works it is what recommend() says already; so the only route
	 * in use that differs and still works is i915-sriov-dkms built for the
	 * kernel that boots next, whose xe has SR-IOV too: it stays. */
	if (use != IGP_SRIOV_ROUTE_DKMS || k == use || !r->dkms_built) {
		*ret = k;
		*ret_why = TAKE_PTR(rec);
		return 0;
	}
	*ret = use;
	*ret_why = strdupf("Keeping %s, in use and built for %s, the kernel that boots next "
			   "(--sriov-driver xe would use xe, which needs no DKMS there).",
			   DKMS_NAME, r->kernel);
	return *ret_why ? 0 : -ENOMEM;
}

int igp_host_secure_boot(const struct igp_host *h)
{
	struct igp_host_cache *c = h->cache;
	_cleanup_free_ char *data = NULL;
	size_t n = 0;

	if (!c)
		return -ENOENT;
	if (c->secure_boot == -2) {
		/* efivarfs: a 4-byte attribute word, then the variable's
		 * data, one byte for SecureBoot (UEFI spec 2.10, 3.3
		 * "Globally Defined Variables"). */
		if (igp_read_file(IGP_SYS_EFIVAR_SECURE_BOOT, &data, &n) < 0 || n < 5)
			c->secure_boot = -ENOENT;
		else
			c->secure_boot = data[4] == 1;
	}
	return c->secure_boot;
}

long igp_host_max_vfs(const struct igp_host *h, const struct igp_pci_dev *gpu, const char *drv,
		      const char **ret_where)
{
	_cleanup_free_ char *key = strdupf("%s.max_vfs", drv), *cfs = NULL;
	const char *v = NULL, *where = NULL;
	char buf[32];
	long n = -1;

	/* xe_configfs.c: "unlimited" or a count, per device. */
	if (streq(drv, "xe") && gpu &&
	    igp_read_attrf(&cfs, IGP_SYS_KERNEL_CONFIG_XE "/%s/sriov/max_vfs", gpu->address) >= 0) {
		if (streq(cfs, "unlimited"))
			n = XE_MAX_VFS_UNLIMITED;
		else if (parse_long(cfs, 0, XE_MAX_VFS_UNLIMITED, &n) < 0)
			n = -1;
		if (n >= 0)
			where = "configfs";
	}
	if (!where && (v = igp_host_module_param(h, drv, "max_vfs")))
		where = "module";
	else if (!where && key && (v = igp_host_cmdline_get(h, key, buf, sizeof(buf))))
		where = "cmdline";
	if (v && parse_long(v, 0, XE_MAX_VFS_UNLIMITED, &n) < 0) {
		n = -1;
		where = NULL;
	}
	if (ret_where)
		*ret_where = where;
	return n;
}

bool igp_host_xe_max_vfs_default_ok(const struct igp_host *h, const struct igp_pci_dev *gpu)
{
	const struct igp_sriov_routes *r = NULL;
	enum igp_sriov_route_kind k;
	_cleanup_free_ char *why = NULL;
	long cur = igp_host_max_vfs(h, gpu, "xe", NULL);

	return (cur < 0 || cur == XE_MAX_VFS_UNLIMITED) &&
	       igp_host_sriov_recommend(h, gpu, &k, &why, &r) >= 0 && r && r->xe_max_vfs_unlimited;
}
