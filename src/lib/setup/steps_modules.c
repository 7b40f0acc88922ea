/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GVT-g's modules, and igpuctl's modprobe.d file with the lines the modes
 * collected. */
#include "base/paths.h"
#include "base/util.h"
#include "modules/modload.h"
#include "setup/setup_int.h"

int setup_step_gvtg_modules(struct setup_ctx *c)
{
	_cleanup_strv_free_ char **mods = NULL, **stale = NULL;
	int r;

	if (c->o->mode != IGP_METHOD_GVTG)
		return 0;
	/* vfio_mdev was merged into mdev in 5.14; listing it after that
	 * fails (and goes where the guides put it). */
	if (setup_merged_modules(c, &stale) < 0 || strv_push(&mods, "kvmgt") < 0 ||
	    (c->kver && !strv_contains(stale, "vfio_mdev") && strv_push(&mods, "vfio_mdev") < 0))
		return -ENOMEM;
	r = igp_modconf_plan_modules_stale(&c->p, &c->info.initramfs, mods, stale, false,
					   "kvmgt for GVT-g vGPUs", c->ret_error);
	if (r >= 0)
		r = setup_modprobe_line(c, "# Written by igpuctl setup --mode gvt-g for %s.",
					c->dev->address);
	if (r >= 0)
		r = setup_modprobe_line(c, "options i915 enable_gvt=1");
	return r;
}

/* The modules the running or the next kernel merged into others (modload.h) leave
 * the module lists, as check flags them there: after the modes' own edits
 * of the same files. */
int setup_step_stale_modules(struct setup_ctx *c)
{
	_cleanup_strv_free_ char **stale = NULL;
	const struct igp_initramfs *ir = &c->info.initramfs;
	int r = setup_merged_modules(c, &stale);

	if (r < 0 || !stale)
		return r;
	/* full and gvt-g took them out of the tool's own lists already. */
	if (c->o->mode != IGP_METHOD_FULL && c->o->mode != IGP_METHOD_GVTG && ir->ops &&
	    ir->ops->plan_modules_stale)
		r = ir->ops->plan_modules_stale(
		    &c->p, (char *[]){NULL}, stale, true,
		    "modules merged into others by the running or the next kernel", c->ret_error);
	if (r >= 0)
		r = igp_modconf_plan_remove_stale(
		    &c->p, stale, "modules merged into others by the running or the next kernel");
	return r;
}

int setup_step_modprobe_file(struct setup_ctx *c)
{
	_cleanup_free_ char *content = NULL;

	if (!c->modprobe)
		return 0;
	content = strdupf("%s# `igpuctl revert` removes this file.\n", c->modprobe);
	return content ? setup_plan_owned(c, IGP_ETC_MODPROBE_D_IGPUCTL, content, IGP_REFRESH_INITRAMFS,
					  "driver configuration")
		       : -ENOMEM;
}
