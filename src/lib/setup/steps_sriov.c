/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SR-IOV: the driver that creates the VFs (i915 from i915-sriov-dkms, or
 * upstream xe), its parameters on the command line and in modprobe.d, the
 * other driver kept off the iGPU, and the VF count after a reboot.
 */
#include "base/paths.h"
#include "base/util.h"
#include "setup/setup_int.h"
#include "vgpu/sriov.h"

/* Upstream xe where it is the supported way (Panther Lake on); elsewhere
 * i915-sriov-dkms, the common choice (xe there needs force_probe:
 * --sriov-driver xe). */
static const char *sriov_driver(const struct setup_ctx *c)
{
	const struct igp_platform *pl = c->dev->platform;

	if (c->o->sriov_driver)
		return c->o->sriov_driver;
	return pl && pl->xe_sriov_since && (pl->sriov == IGP_SUPPORT_YES || !pl->i915_binds) ? "xe" : "i915";
}

static int want_driver(struct setup_ctx *c, const char *drv, int n)
{
	const char *vfs = setup_keep(c, strdupf("%d", n));
	const char *force_probe = setup_keep(c, strdupf("%04x", c->dev->device));
	int r;

	if (!vfs || !force_probe)
		return -ENOMEM;
	r = setup_want(c, IGP_KWANT_ABSENT, "i915.enable_gvt", NULL);
	if (r >= 0 && streq(drv, "i915")) {
		r = setup_want(c, IGP_KWANT_SET, "i915.enable_guc", "3");
		if (r >= 0)
			r = setup_want(c, IGP_KWANT_SET, "i915.max_vfs", vfs);
	} else if (r >= 0) {
		r = setup_want(c, IGP_KWANT_SET, "xe.max_vfs", vfs);
		if (r >= 0)
			r = setup_want(c, IGP_KWANT_SET, "xe.force_probe", force_probe);
	}
	if (r < 0)
		return r;
	r = setup_modprobe_line(c, "# Written by igpuctl setup --mode sriov for %s.", c->dev->address);
	if (r < 0)
		return r;
	return streq(drv, "i915")
		   ? setup_modprobe_line(c, "options i915 enable_guc=3 max_vfs=%d", n)
		   : setup_modprobe_line(c, "options xe max_vfs=%d force_probe=%04x", n, c->dev->device);
}

/* Keep the other driver off the iGPU, unless a GPU that stays on the host
 * needs it. */
static int keep_other_driver_off(struct setup_ctx *c, const char *drv)
{
	const char *other = streq(drv, "xe") ? "i915" : "xe";
	const struct igp_pci_dev *user = setup_gpu_using(c, other);

	if (!user)
		return setup_want(c, IGP_KWANT_LIST, "module_blacklist", other);
	igp_plan_add_note(&c->p, "Not blacklisting %s: %s uses it.", other, user->address);
	return 0;
}

/* The VF count after a reboot: sysfsutils' drop-in directory, else its
 * /etc/sysfs.conf, else the udev rule `igpuctl vfs --persist` writes. */
static int persist_vf_count(struct setup_ctx *c, int n)
{
	const char *rel = igp_sysfs_relative(c->dev->sysfs_path);
	_cleanup_free_ char *line = NULL, *rule_path = NULL;
	int r;

	if (rel && igp_is_dir(IGP_ETC_SYSFS_D)) {
		line = strdupf("# Written by igpuctl setup --mode sriov.\n%s/sriov_numvfs = %d\n", rel, n);
		return line ? setup_plan_owned(c, IGP_ETC_SYSFS_D_IGPUCTL, line, 0,
					       "VF count at boot (sysfsutils)")
			    : -ENOMEM;
	}
	if (rel && igp_exists(IGP_ETC_SYSFS_CONF)) {
		char *lines[2] = {NULL, NULL};
		line = strdupf("%s/sriov_numvfs = %d", rel, n);
		lines[0] = line;
		return line ? setup_plan_lines(c, IGP_ETC_SYSFS_CONF, lines, 0,
					       "VF count at boot (sysfsutils)")
			    : -ENOMEM;
	}
	rule_path = igp_sriov_udev_rule_path(c->dev->address);
	r = rule_path ? igp_text_check(rule_path, c->ret_error) : -ENOMEM;
	return r < 0 ? r
		     : igp_sriov_plan_udev_rule(&c->p, c->dev->address, n, "VF count at boot (udev rule)");
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
	if (!streq(drv, "xe") && !streq(drv, "i915"))
		return igp_refuse(c->ret_error, -EINVAL, "--sriov-driver must be i915 or xe");
	if (dev->sriov_totalvfs > 0 && n > dev->sriov_totalvfs)
		return igp_refuse(c->ret_error, -ERANGE, "--vfs %d is more than sriov_totalvfs (%d)", n,
				  dev->sriov_totalvfs);
	r = want_driver(c, drv, n);
	if (r >= 0)
		r = keep_other_driver_off(c, drv);
	if (r < 0)
		return r;
	if (streq(drv, "i915") && !igp_exists(IGP_SYS_MODULE "/i915/parameters/max_vfs"))
		igp_plan_add_note(&c->p, "The running i915 has no max_vfs parameter: install "
					 "i915-sriov-dkms for this kernel, or the VFs will not appear.");
	return persist_vf_count(c, n);
}
