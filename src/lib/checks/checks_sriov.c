/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SR-IOV: platform, a driver with SR-IOV, its parameters, VFs enabled and persistent, the PF kept. */
#include "base/strbuf.h"
#include "checks/checks_int.h"
#include "model/workloads.h"
#include "model/versions.h"
#include "vgpu/sriov_persist.h"
#include "model/sriov_route.h"
#include "base/paths.h"

int check_sriov_platform(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	return check_platform_support(c, gpu, IGP_METHOD_SRIOV, "sriov.platform");
}

/* xe.force_probe (modprobe.d or the command line) names GPU's id, or "*". */
static bool xe_force_probe_set(struct check_ctx *c, const struct igp_pci_dev *gpu, char **ret_value)
{
	_cleanup_free_ char *fp = ctx_modprobe_option(c, "xe", "force_probe", 0, NULL);
	char id[8];
	bool set;

	snprintf(id, sizeof(id), "%04x", gpu->device);
	set = fp && (strstr(fp, id) || streq(fp, "*"));
	if (ret_value)
		*ret_value = TAKE_PTR(fp);
	return set;
}

/* The next boot keeps i915 off the iGPU: blacklisted on the configured
 * command line or in modprobe.d, as setup --sriov-driver xe does. */
static bool i915_kept_off(struct check_ctx *c)
{
	const struct boot_info *b = ctx_boot(c);

	return (b->configured && (tokens_have(b->configured, "module_blacklist", "i915") ||
				  tokens_have(b->configured, "modprobe.blacklist", "i915"))) ||
	       igp_modprobe_blacklisted(ctx_modprobe(c), "i915", IGP_MODPROBE_FILES_ONLY);
}

/* The next boot is set up for xe on GPU: force_probe where the platform
 * needs it, and i915 kept off. */
static bool xe_configured(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	if (gpu->platform && gpu->platform->xe_force_probe && !xe_force_probe_set(c, gpu, NULL))
		return false;
	return i915_kept_off(c);
}

enum igp_sriov_route_kind ctx_sriov_route(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	_cleanup_free_ char *xe = NULL, *i915 = NULL, *why = NULL;
	enum igp_sriov_route_kind k;
	bool want_xe;

	for (size_t i = 0; i < c->n_targets; i++)
		if (c->targets[i].gpu == gpu && c->targets[i].sriov_route != IGP_SRIOV_ROUTE_NONE)
			return c->targets[i].sriov_route;
	/* Configured in modprobe.d or on the running command line: xe's
	 * max_vfs, or its force_probe for GPU (setup writes no max_vfs where
	 * xe's default is unlimited). */
	xe = ctx_modprobe_option(c, "xe", "max_vfs", 0, NULL);
	i915 = ctx_modprobe_option(c, "i915", "max_vfs", 0, NULL);
	want_xe = xe || xe_force_probe_set(c, gpu, NULL);
	if (want_xe != !!i915)
		return want_xe ? IGP_SRIOV_ROUTE_XE : IGP_SRIOV_ROUTE_DKMS;
	/* Both: i915's settings stay behind when xe takes over with i915
	 * kept off the device. */
	if (want_xe && i915_kept_off(c))
		return IGP_SRIOV_ROUTE_XE;
	k = igp_host_sriov_in_use(c->h, gpu);
	if (k == IGP_SRIOV_ROUTE_NONE && igp_host_sriov_recommend(c->h, gpu, &k, &why, NULL) < 0)
		k = IGP_SRIOV_ROUTE_NONE;
	return k;
}

/* The driver the PF uses or will use for SR-IOV: "xe" or "i915". */
static const char *sriov_driver(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	return ctx_sriov_route(c, gpu) == IGP_SRIOV_ROUTE_XE ? "xe" : "i915";
}

/* The loaded i915 is the stock one: it has no max_vfs parameter, or the
 * kernel log says it ignored one ("unknown parameter 'max_vfs' ignored",
 * unknown_module_param_cb() in kernel/module/main.c). */
bool sriov_stock_i915(struct check_ctx *c)
{
	_cleanup_free_ char *mv = ctx_module_param(c, "i915", "max_vfs");
	const char *log = ctx_dmesg(c, NULL);

	if (log && strstr(log, "unknown parameter 'max_vfs' ignored"))
		return true;
	return !mv && ctx_module_loaded(c, "i915");
}

/* The routes on the kernel that boots next (the running one when unknown). */
static const struct igp_sriov_routes *next_routes(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const struct igp_sriov_routes *r = NULL;
	enum igp_sriov_route_kind k;
	_cleanup_free_ char *why = NULL;

	return igp_host_sriov_recommend(c->h, gpu, &k, &why, &r) < 0 ? NULL : r;
}

/* Switching to upstream xe, which needs no out-of-tree module. */
static char *xe_remedy(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const struct igp_sriov_routes *r = next_routes(c, gpu);
	const struct igp_platform *p = gpu->platform;
	char id[8];

	if (!r)
		return NULL;
	snprintf(id, sizeof(id), "%04x", gpu->device);
	if (!r->xe && p && p->xe_sriov_since)
		return strdupf("Boot Linux %s or newer, whose xe has SR-IOV for %s (that of %s has none)%s.",
			       p->xe_sriov_since, p->name, r->kernel,
			       r->dkms_platform ? ", or use i915-sriov-dkms" : "");
	if (!r->xe)
		return strdupf(
		    "Use i915-sriov-dkms: the upstream xe driver has no SR-IOV for %s on any kernel.",
		    p ? p->name : gpu->address);
	if (xe_configured(c, gpu))
		return strdupf("Reboot into %s: the configuration for xe is in place (i915 kept off %s%s%s), "
			       "and its xe has SR-IOV for %s.",
			       r->kernel, gpu->address, r->force_probe ? ", xe.force_probe=" : "",
			       r->force_probe ? id : "", p ? p->name : gpu->address);
	return strdupf("`igpuctl setup --mode sriov --sriov-driver xe` (%s%s%s%si915 kept off %s; no DKMS "
		       "needed) and reboot into %s, whose xe has SR-IOV for %s.",
		       r->xe_max_vfs_unlimited ? "" : "xe.max_vfs, ", r->force_probe ? "xe.force_probe=" : "",
		       r->force_probe ? id : "", r->force_probe ? ", " : "", gpu->address, r->kernel,
		       p ? p->name : gpu->address);
}

static char *dkms_remedy_only(struct check_ctx *c)
{
	const struct igp_pkg *p = igp_host_package(c->h, "i915-sriov-dkms");
	/* Its dkms.conf names it PACKAGE_NAME="i915-sriov-dkms"; installed
	 * from a git checkout it has a DKMS tree but no package. */
	const struct igp_dkms_module *m = igp_host_dkms_find(c->h, "i915-sriov-dkms");
	_cleanup_free_ char *headers = NULL;

	if (p || m) {
		if (!c->h->kernel_release)
			headers = strdup("the running kernel's headers");
		else if (igp_host_kernel_headers_package(c->h, c->h->kernel_release, &headers) < 0)
			return NULL;
		if (!headers)
			return NULL;
		return strdupf(
		    "i915-sriov-dkms %s is installed but its module is not in use: build it for %s "
		    "(`dkms autoinstall -k %s`, with %s installed) and reboot",
		    p ? p->version : m->version, ctx_kernel(c), ctx_kernel(c), headers);
	}
	return strdupf("Install i915-sriov-dkms (github.com/strongtz/i915-sriov-dkms) for %s and reboot",
		       ctx_kernel(c));
}

/* i915-sriov-dkms, and xe where the next kernel's has SR-IOV for GPU. */
static char *dkms_remedy(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const struct igp_sriov_routes *r = next_routes(c, gpu);
	_cleanup_free_ char *d = dkms_remedy_only(c), *xe = NULL;

	if (!d)
		return NULL;
	if (r && !r->xe && gpu->platform && gpu->platform->xe_sriov_since)
		return strdupf("%s (or, without DKMS, boot Linux %s or newer, whose xe has SR-IOV for %s).",
			       d, gpu->platform->xe_sriov_since, gpu->platform->name);
	if (!r || !r->xe)
		return strdupf("%s.", d);
	xe = xe_remedy(c, gpu);
	return xe ? strdupf("%s; or, without DKMS, %s", d, xe) : NULL;
}

/* The remedy of a PF without SR-IOV, for the route of this run. */
static char *route_remedy(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	switch (ctx_sriov_route(c, gpu)) {
	case IGP_SRIOV_ROUTE_XE:
		return xe_remedy(c, gpu);
	case IGP_SRIOV_ROUTE_DKMS:
		return dkms_remedy(c, gpu);
	case IGP_SRIOV_ROUTE_NONE:
	default: {
		_cleanup_free_ char *why = NULL;
		enum igp_sriov_route_kind k;
		if (igp_host_sriov_recommend(c->h, gpu, &k, &why, NULL) < 0)
			return NULL;
		return strdupf("%s Use full passthrough instead (`igpuctl check --mode full %s`).", why,
			       gpu->address);
	}
	}
}

int check_sriov_driver(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.driver";
	bool want_xe = ctx_sriov_route(c, gpu) == IGP_SRIOV_ROUTE_XE;
	_cleanup_free_ char *xe = NULL;

	if (gpu->sriov_totalvfs < 0)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    gpu->platform && gpu->platform->sriov != IGP_SUPPORT_NO
			? strdup("Look for an SR-IOV option in the firmware setup and update the "
				 "firmware; then check again.")
			: strdupf("Use full passthrough: `igpuctl check --mode full %s`.", gpu->address),
		    "%s has no SR-IOV capability (no sriov_totalvfs).", gpu->address);
	if (!gpu->driver)
		return check_add(c, id, gpu, IGP_CHECK_FAIL, route_remedy(c, gpu),
				 "No driver is bound to %s: writing sriov_numvfs fails with ENOENT.",
				 gpu->address);
	if (streq(gpu->driver, "i915") && sriov_stock_i915(c))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL, route_remedy(c, gpu),
		    "The loaded i915 is the stock driver, which has no SR-IOV for %s (no max_vfs "
		    "parameter): writing sriov_numvfs fails with ENOENT.",
		    gpu->address);
	if (streq(gpu->driver, "xe") && !(xe = ctx_module_param(c, "xe", "max_vfs")))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Boot a kernel whose xe driver has SR-IOV (the max_vfs parameter), or use "
			    "i915-sriov-dkms for %s.",
			    ctx_kernel(c)),
		    "The loaded xe has no max_vfs parameter: no SR-IOV for %s.", gpu->address);
	if (want_xe && !streq(gpu->driver, "xe"))
		return check_add(c, id, gpu, IGP_CHECK_FAIL, xe_remedy(c, gpu),
				 "%s is bound to %s, not to xe, the SR-IOV route chosen for it.",
				 gpu->address, gpu->driver);
	if (gpu->sriov_totalvfs == 0)
		return check_add(c, id, gpu, IGP_CHECK_FAIL, route_remedy(c, gpu),
				 "%s offers no virtual functions on %s (sriov_totalvfs is 0).", gpu->driver,
				 gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s offers up to %d virtual functions on %s.",
			 gpu->driver, gpu->sriov_totalvfs, gpu->address);
}

/* xe.force_probe names GPU (its id, or "*"), where the platform needs it:
 * 0 when it does, 1 when a finding was added. */
static int check_xe_force_probe(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	_cleanup_free_ char *fp = NULL, *add = NULL;
	char id[8];
	int r;

	if (xe_force_probe_set(c, gpu, &fp))
		return 0;
	snprintf(id, sizeof(id), "%04x", gpu->device);
	add = strdupf("xe.force_probe=%s", id);
	if (!add)
		return -ENOMEM;
	r = check_add(c, "sriov.params", gpu, IGP_CHECK_FAIL, remedy_cmdline(c, add, NULL, IGP_METHOD_SRIOV),
		      "xe binds %s (%s) only with xe.force_probe=%s (the platform table, xe_pci.c's "
		      "require_force_probe); it has %s.",
		      gpu->address, gpu->platform->name, id, fp ? fp : "none");
	return r < 0 ? r : 1;
}

static int check_xe_params(struct check_ctx *c, const struct igp_pci_dev *gpu, const char *max, bool cfs)
{
	const char *id = "sriov.params";
	/* configfs: the device's own value, over the module parameter */
	const char *name = cfs ? "max_vfs in xe's configfs" : "xe.max_vfs";
	const struct igp_sriov_routes *r;
	_cleanup_free_ char *add = NULL;
	long n = -1;
	int k;

	/* Bound to xe, force_probe did its work (or was not needed). */
	if (gpu->platform && gpu->platform->xe_force_probe && !streq_ptr(gpu->driver, "xe")) {
		k = check_xe_force_probe(c, gpu);
		if (k != 0)
			return k < 0 ? k : 0;
	}
	if (max)
		parse_long(max, 0, XE_MAX_VFS_UNLIMITED, &n);
	/* Unset: xe's default decides, on the running kernel where xe is
	 * loaded, else on the kernel that boots next. */
	r = NULL;
	if (!max && !ctx_module_loaded(c, "xe"))
		r = next_routes(c, gpu);
	else if (!max && igp_host_sriov_routes(c->h, gpu, NULL, &r) < 0)
		r = NULL;
	if (r && r->xe_max_vfs_unlimited)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "xe.max_vfs is unset: its default on %s (Linux " XE_MAX_VFS_UNLIMITED_SINCE
				 " and newer) is unlimited.",
				 r->kernel);
	if (n <= 0) {
		add = strdupf("xe.max_vfs=%d", gpu->sriov_totalvfs > 0 ? gpu->sriov_totalvfs : 7);
		if (!add)
			return -ENOMEM;
		return check_add(c, id, gpu, IGP_CHECK_FAIL, remedy_cmdline(c, add, NULL, IGP_METHOD_SRIOV),
				 "xe needs max_vfs > 0 for SR-IOV; it has max_vfs=%s on %s.",
				 max ? max : "unset", ctx_kernel(c));
	}
	if (n == XE_MAX_VFS_UNLIMITED)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "%s=%ld: unlimited (xe's default since Linux " XE_MAX_VFS_UNLIMITED_SINCE
				 "), capped at sriov_totalvfs.",
				 name, n);
	if (gpu->sriov_totalvfs > 0 && n > gpu->sriov_totalvfs)
		return check_add(c, id, gpu, IGP_CHECK_WARN,
				 strdupf("Set xe.max_vfs=%d (sriov_totalvfs).", gpu->sriov_totalvfs),
				 "%s=%ld is more than the %d virtual functions %s offers.", name, n,
				 gpu->sriov_totalvfs, gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s=%ld.", name, n);
}

int check_sriov_params(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.params", *drv = sriov_driver(c, gpu), *log = ctx_dmesg(c, NULL);
	_cleanup_free_ char *guc = NULL, *add = NULL;
	char b1[32], b2[32];
	const char *where = NULL;
	/* The one reading of max_vfs in force (model/sriov_route.h). */
	long n_max = igp_host_max_vfs(c->h, gpu, drv, &where), n_guc = -2;
	const char *run_guc = ctx_running_param(c, "i915.enable_guc", b2, sizeof(b2));
	const char *max = n_max >= 0 && snprintf(b1, sizeof(b1), "%ld", n_max) > 0 ? b1 : NULL;
	int total = gpu->sriov_totalvfs > 0 ? gpu->sriov_totalvfs : 7;

	if (streq(drv, "xe"))
		return check_xe_params(c, gpu, max, streq_ptr(where, "configfs"));
	guc = ctx_module_param(c, "i915", "enable_guc");
	if (guc || run_guc)
		parse_long(guc ? guc : run_guc, -1, 255, &n_guc);
	if (log && strstr(log, "unknown parameter 'max_vfs' ignored"))
		return check_add(c, id, gpu, IGP_CHECK_FAIL, dkms_remedy(c, gpu),
				 "The kernel log has \"unknown parameter 'max_vfs' ignored\": the stock i915 "
				 "was loaded, not i915-sriov-dkms.");
	if (n_guc != 3 || n_max <= 0) {
		add = strdupf("%s%si915.max_vfs=%d", n_guc != 3 ? "i915.enable_guc=3" : "",
			      n_guc != 3 ? " " : "", n_max > 0 ? (int)n_max : total);
		if (!add)
			return -ENOMEM;
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL, remedy_cmdline(c, add, NULL, IGP_METHOD_SRIOV),
		    "i915 needs enable_guc=3 and max_vfs > 0 for SR-IOV; it has enable_guc=%s and "
		    "max_vfs=%s.",
		    guc	      ? guc
		    : run_guc ? run_guc
			      : "default",
		    max ? max : "unset");
	}
	if (gpu->sriov_totalvfs > 0 && n_max > gpu->sriov_totalvfs)
		return check_add(c, id, gpu, IGP_CHECK_WARN,
				 strdupf("Set i915.max_vfs=%d (sriov_totalvfs).", gpu->sriov_totalvfs),
				 "i915.max_vfs=%ld is more than the %d virtual functions %s offers.", n_max,
				 gpu->sriov_totalvfs, gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "i915.enable_guc=3 and i915.max_vfs=%ld.", n_max);
}

/*
 * `igpuctl vfs ADDR --count N --persist`, the remedy of sriov.vfs_enabled
 * and sriov.persist; while sriov.platform, sriov.driver or sriov.params
 * fail, writing sriov_numvfs fails too (ENOENT from a driver without
 * SR-IOV), so those come first.
 */
static char *vfs_remedy(struct check_ctx *c, const struct igp_pci_dev *gpu, int count, const char *tail)
{
	static const char *const first[] = {"sriov.platform", "sriov.driver", "sriov.params"};
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *failed = NULL;

	for (size_t i = 0; i < ELEMENTSOF(first); i++) {
		_cleanup_free_ char *f = check_failed_before(c, gpu, first[i]);
		if (!f)
			return NULL;
		if (*f)
			strbuf_word(&b, ", ", f);
	}
	failed = strbuf_steal(&b);
	if (!failed)
		return NULL;
	if (*failed)
		return strdupf("Fix %s first; then `igpuctl vfs %s --count %d --persist`%s.", failed,
			       gpu->address, count, tail);
	return strdupf("`igpuctl vfs %s --count %d --persist`%s.", gpu->address, count, tail);
}

int check_sriov_vfs_enabled(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.vfs_enabled";

	if (gpu->sriov_totalvfs < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "%s has no SR-IOV capability.",
				 gpu->address);
	if (gpu->sriov_numvfs > 0)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "%d of %d virtual functions are enabled on %s.", gpu->sriov_numvfs,
				 gpu->sriov_totalvfs, gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_FAIL,
			 vfs_remedy(c, gpu, gpu->sriov_totalvfs > 0 ? gpu->sriov_totalvfs : 7, ""),
			 "No virtual functions are enabled on %s (sriov_numvfs is 0), so there is nothing to "
			 "pass to a VM.",
			 gpu->address);
}

/* Every active setting of the count after W, as "FILE:LINE (N)" (caller
 * frees; "" when W is the only one). */
static char *other_counts(const struct igp_sriov_persisted *ps, const struct igp_sriov_setting *w)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (const struct igp_sriov_setting *s = igp_sriov_persisted_find(ps, "sriov_numvfs", w); s;
	     s = igp_sriov_persisted_find(ps, "sriov_numvfs", s))
		strbuf_wordf(&b, ", ", "%s:%u (%s)", s->path, s->line, s->value);
	if (strbuf_empty(&b) && !b.oom)
		return strdup("");
	return strbuf_steal(&b);
}

int check_sriov_persist(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.persist";
	_cleanup_(igp_sriov_persisted_done) struct igp_sriov_persisted ps = {0};
	_cleanup_free_ char *where = NULL, *others = NULL;
	const struct igp_sriov_setting *w;
	long n = -1;
	int r;

	if (gpu->sriov_totalvfs < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "%s has no SR-IOV capability.",
				 gpu->address);
	r = igp_sriov_persisted_load(gpu, &ps);
	if (r < 0)
		return r;
	w = igp_sriov_persisted_find(&ps, "sriov_numvfs", NULL);
	if (!w)
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    vfs_remedy(c, gpu,
			       gpu->sriov_numvfs > 0	 ? gpu->sriov_numvfs
			       : gpu->sriov_totalvfs > 0 ? gpu->sriov_totalvfs
							 : 7,
			       " (sysfsutils where it is installed, else a udev rule)"),
		    "Nothing enables the virtual functions of %s at boot (no sysfsutils line, no udev "
		    "rule)%s.",
		    gpu->address,
		    gpu->sriov_numvfs > 0 ? ": the ones enabled now are gone after a reboot" : "");
	where = igp_sriov_setting_where(w);
	others = other_counts(&ps, w);
	if (!where || !others)
		return -ENOMEM;
	if (*others)
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdupf("Keep one: `igpuctl vfs %s --persist` updates the first and removes igpuctl's "
			    "other settings; remove the admin's lines it names.",
			    gpu->address),
		    "Two places set the VF count of %s at boot: %s (%s) and %s. The first write wins; a "
		    "different count after it fails with EBUSY.",
		    gpu->address, where, w->value, others);
	if (parse_long(w->value, 0, 65535, &n) < 0)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Set a number there (or `igpuctl vfs %s --count N --persist`).", gpu->address),
		    "%s sets sriov_numvfs to \"%s\", which is no number.", where, w->value);
	if (gpu->sriov_totalvfs > 0 && n > gpu->sriov_totalvfs)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Set it to at most %d in %s (or `igpuctl vfs %s --count %d --persist`).",
			    gpu->sriov_totalvfs, where, gpu->address, gpu->sriov_totalvfs),
		    "%s sets %ld virtual functions, more than the %d %s offers: the write fails with "
		    "ERANGE at boot.",
		    where, n, gpu->sriov_totalvfs, gpu->address);
	if (n == 0)
		return check_add(c, id, gpu, IGP_CHECK_WARN,
				 strdupf("`igpuctl vfs %s --count %d --persist`.", gpu->address,
					 gpu->sriov_totalvfs > 0 ? gpu->sriov_totalvfs : 7),
				 "%s sets 0 virtual functions at boot.", where);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s enables %ld virtual functions at boot.", where,
			 n);
}

/* Proxmox VE VMs of this node whose hostpciN passes the PF itself (or all
 * functions of its slot), as the host model resolved them: only the current
 * configuration, a mapping by this node's entry, and not as a vGPU (mdev=). */
static int pve_vms_passing_pf(struct check_ctx *c, const struct igp_pci_dev *gpu, char **ret)
{
	_cleanup_strbuf_ struct strbuf b = {};
	const struct igp_workloads *ws;
	int r;

	*ret = NULL;
	r = igp_host_workloads(c->h, &ws);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ws->n; i++) {
		const struct igp_workload *w = &ws->v[i];
		const char *last = NULL;
		if (w->kind != IGP_WORKLOAD_PVE_VM || !w->local)
			continue;
		for (size_t k = 0; k < w->n_uses; k++) {
			const struct igp_device_use *u = &w->uses[k];
			if (u->kind != IGP_USE_PCI || u->mdev_type || !igp_device_use_names(u, gpu) ||
			    streq_ptr(last, u->key))
				continue;
			last = u->key;
			strbuf_wordf(&b, ", ", "VM %s (%s)", w->id, u->key);
		}
	}
	if (strbuf_empty(&b))
		return b.oom ? -ENOMEM : 0;
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

int check_sriov_pf_not_vfio(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.pf_not_vfio";
	_cleanup_free_ char *vms = NULL;
	int r;

	if (streq_ptr(gpu->driver, "vfio-pci"))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Give the PF back to its driver (`igpuctl bind %s --driver %s`) and pass "
			    "the VFs (%.*s.1 ... .7) to VMs instead.",
			    gpu->address, sriov_driver(c, gpu), (int)(strlen(gpu->address) - 2),
			    gpu->address),
		    "The PF %s is bound to vfio-pci: its virtual functions cannot exist, and the host "
		    "loses the GPU.",
		    gpu->address);
	r = pve_vms_passing_pf(c, gpu, &vms);
	if (r < 0)
		return r;
	if (vms)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Pass a VF instead of the PF: e.g. `qm set VMID -hostpci0 %.*s.1` "
			    "(never the PF or \"All Functions\").",
			    (int)(strlen(gpu->address) - 2), gpu->address),
		    "Proxmox VE passes the PF %s itself (or all functions of its slot) to %s: starting "
		    "such a VM takes the GPU and its VFs from the host.",
		    gpu->address, vms);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "The PF %s stays with %s on the host.",
			 gpu->address, gpu->driver ? gpu->driver : "the host");
}
