/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SR-IOV: the driver that creates the VFs (i915 from i915-sriov-dkms, or
 * upstream xe), its parameters on the command line and in modprobe.d, the
 * other driver kept off the iGPU, and the VF count after a reboot.
 */
#include "base/paths.h"
#include "base/util.h"
#include "setup/setup_int.h"
#include "model/modules.h"
#include "model/sriov_route.h"
#include "vgpu/sriov.h"
#include "vgpu/sriov_persist.h"

/* --sriov-driver, else the route in use where it works on the kernel that
 * boots next, else the one the model recommends for it (model/sriov_route.h:
 * xe where it has SR-IOV for the platform, else i915-sriov-dkms), noted
 * with the kernel it rests on. */
static const char *sriov_driver(struct setup_ctx *c)
{
	enum igp_sriov_route_kind k = IGP_SRIOV_ROUTE_NONE;
	_cleanup_free_ char *why = NULL;

	if (c->o->sriov_driver)
		return c->o->sriov_driver;
	if (igp_host_sriov_choose(c->h, c->dev, &k, &why) < 0)
		return NULL;
	if (k != IGP_SRIOV_ROUTE_NONE)
		igp_plan_add_note(&c->p, "%s", why);
	return k == IGP_SRIOV_ROUTE_XE ? "xe" : "i915";
}

/* max_vfs for N VFs: never lower than the one in force, as max_vfs only
 * caps the VFs; fewer are a matter of sriov_numvfs. */
static const char *max_vfs_value(struct setup_ctx *c, const char *drv, int n)
{
	long cur = igp_host_max_vfs(c->h, c->dev, drv, NULL);

	if (cur <= n)
		return setup_keep(c, strdupf("%d", n));
	igp_plan_add_note(
	    &c->p,
	    "Keeping %s.max_vfs=%ld rather than lowering it to %d: max_vfs only caps the virtual "
	    "functions, and fewer are a matter of sriov_numvfs (`igpuctl vfs %s --count %d`).",
	    drv, cur, n, c->dev->address, n);
	return setup_keep(c, strdupf("%ld", cur));
}

static int want_i915(struct setup_ctx *c, int n)
{
	const char *vfs = max_vfs_value(c, "i915", n);
	int r;

	if (!vfs)
		return -ENOMEM;
	r = setup_want(c, IGP_KWANT_SET, "i915.enable_guc", "3");
	if (r >= 0)
		r = setup_want(c, IGP_KWANT_SET, "i915.max_vfs", vfs);
	if (r >= 0)
		r = setup_modprobe_line(c, "# Written by igpuctl setup --mode sriov for %s.",
					c->dev->address);
	return r < 0 ? r : setup_modprobe_line(c, "options i915 enable_guc=3 max_vfs=%s", vfs);
}

static int want_xe(struct setup_ctx *c, int n)
{
	bool want_vfs = !igp_host_xe_max_vfs_default_ok(c->h, c->dev);
	/* Only where xe binds the platform with force_probe alone (TGL, ADL,
	 * RPL; never Panther Lake): the platform table. */
	bool want_fp = c->dev->platform && c->dev->platform->xe_force_probe;
	const char *vfs = want_vfs ? max_vfs_value(c, "xe", n) : NULL;
	const char *fp = want_fp ? setup_keep(c, strdupf("%04x", c->dev->device)) : NULL;
	int r = 0;

	if ((want_vfs && !vfs) || (want_fp && !fp))
		return -ENOMEM;
	if (vfs)
		r = setup_want(c, IGP_KWANT_SET, "xe.max_vfs", vfs);
	if (r >= 0 && fp)
		r = setup_want(c, IGP_KWANT_SET, "xe.force_probe", fp);
	if (r < 0 || (!vfs && !fp))
		return r;
	r = setup_modprobe_line(c, "# Written by igpuctl setup --mode sriov for %s.", c->dev->address);
	return r < 0 ? r
		     : setup_modprobe_line(c, "options xe%s%s%s%s", vfs ? " max_vfs=" : "", vfs ? vfs : "",
					   fp ? " force_probe=" : "", fp ? fp : "");
}

static int want_driver(struct setup_ctx *c, const char *drv, int n)
{
	int r = setup_want(c, IGP_KWANT_ABSENT, "i915.enable_gvt", NULL);

	if (r < 0)
		return r;
	return streq(drv, "i915") ? want_i915(c, n) : want_xe(c, n);
}

/* What i915-sriov-dkms still needs on the kernel that boots next. */
static void note_dkms(struct setup_ctx *c)
{
	const struct igp_sriov_routes *r = NULL;
	enum igp_sriov_route_kind k;
	_cleanup_free_ char *why = NULL;

	if (igp_host_sriov_recommend(c->h, c->dev, &k, &why, &r) < 0 || r->dkms_built)
		return;
	if (r->dkms_module && !r->dkms_vermagic)
		igp_plan_add_note(&c->p,
				  "libkmod cannot read the vermagic of %s, so whether it was built for %s, "
				  "the kernel that boots next, is not known: `igpuctl check` "
				  "(sriov.next_kernel) shows how to read it.",
				  r->dkms_module, r->kernel);
	else if (r->dkms_module)
		igp_plan_add_note(&c->p,
				  "%s was built for another kernel (vermagic \"%s\"), not for %s, the "
				  "kernel that boots next: rebuild it (`dkms autoinstall -k %s`), or the "
				  "VFs will not appear.",
				  r->dkms_module, r->dkms_vermagic, r->kernel, r->kernel);
	else if (r->dkms_version)
		igp_plan_add_note(
		    &c->p,
		    "i915-sriov-dkms %s has no module for %s, the kernel that boots next: build it "
		    "(`dkms autoinstall -k %s`), or the VFs will not appear.",
		    r->dkms_version, r->kernel, r->kernel);
	else
		igp_plan_add_note(
		    &c->p,
		    "i915-sriov-dkms is not installed: install it for %s, the kernel that boots "
		    "next, or the VFs will not appear.",
		    r->kernel);
}

/* The route's driver loads (a module_blacklist= or modprobe.blacklist= of
 * an earlier route, say i915-sriov-dkms's "module_blacklist=xe", goes), and
 * the other driver is kept off the iGPU unless a GPU that stays on the host
 * needs it. */
static int keep_other_driver_off(struct setup_ctx *c, const char *drv)
{
	const char *other = streq(drv, "xe") ? "i915" : "xe";
	const struct igp_pci_dev *user = setup_gpu_using(c, other);
	int r = setup_want(c, IGP_KWANT_LIST_ABSENT, "module_blacklist", drv);

	if (r >= 0)
		r = setup_want(c, IGP_KWANT_LIST_ABSENT, "modprobe.blacklist", drv);
	if (r < 0)
		return r;
	if (!user)
		return setup_want(c, IGP_KWANT_LIST, "module_blacklist", other);
	igp_plan_add_note(&c->p, "Not blacklisting %s: %s uses it.", other, user->address);
	return 0;
}

/* The VF count after a reboot: where `igpuctl vfs --persist` puts it too
 * (sriov_persist.h decides, and reconciles with what is there). */
static int persist_vf_count(struct setup_ctx *c, int n)
{
	const struct igp_sriov_persist_req req = {.count = n, .by = "igpuctl setup --mode sriov"};

	return igp_sriov_plan_persist(&c->p, c->h, c->dev, &req, NULL);
}

int setup_step_sriov(struct setup_ctx *c)
{
	const struct igp_pci_dev *dev = c->dev;
	const char *drv;
	int n, r;

	if (c->o->mode != IGP_METHOD_SRIOV)
		return 0;
	drv = sriov_driver(c);
	n = c->o->vfs > 0 ? c->o->vfs : dev->sriov_totalvfs > 0 ? dev->sriov_totalvfs : 7;
	if (!drv)
		return -ENOMEM;
	if (!streq(drv, "xe") && !streq(drv, "i915"))
		return igp_refuse(c->ret_error, -EINVAL, "--sriov-driver must be i915 or xe");
	c->info.sriov_route = streq(drv, "xe") ? IGP_SRIOV_ROUTE_XE : IGP_SRIOV_ROUTE_DKMS;
	if (dev->sriov_totalvfs > 0 && n > dev->sriov_totalvfs)
		return igp_refuse(c->ret_error, -ERANGE, "--vfs %d is more than sriov_totalvfs (%d)", n,
				  dev->sriov_totalvfs);
	r = want_driver(c, drv, n);
	if (r >= 0)
		r = keep_other_driver_off(c, drv);
	if (r < 0)
		return r;
	if (streq(drv, "i915"))
		note_dkms(c);
	return persist_vf_count(c, n);
}
