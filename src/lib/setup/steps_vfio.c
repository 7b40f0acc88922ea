/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Full passthrough: the vfio modules in the initramfs, and vfio-pci
 * claiming the passed devices before their own drivers do, by ID where
 * no other device shares it, else by address (driverctl or a udev rule).
 */
#include "base/paths.h"
#include "base/util.h"
#include "modules/modload.h"
#include "setup/setup_int.h"

/* The kernel module of a driver (the driver "vfio-pci" is module vfio_pci,
 * softdep accepts either). */
static const char *driver_module(const struct igp_pci_dev *d)
{
	if (d->driver && !streq(d->driver, "vfio-pci"))
		return d->driver;
	if (d->vendor == 0x8086 && igp_pci_dev_is_gpu(d))
		return "i915";
	return NULL;
}

static int plan_vfio_modules(struct setup_ctx *c)
{
	_cleanup_strv_free_ char **mods = NULL;
	_cleanup_strv_free_ char **stale = NULL;
	bool virqfd;

	if (setup_merged_modules(c, &stale) < 0)
		return -ENOMEM;
	/* vfio_virqfd was folded into vfio in 6.2: listed only where neither
	 * the running kernel nor the next one has done so. */
	virqfd = c->kver && !strv_contains(stale, "vfio_virqfd");
	if (strv_push(&mods, "vfio") < 0 || strv_push(&mods, "vfio_iommu_type1") < 0 ||
	    strv_push(&mods, "vfio_pci") < 0 || (virqfd && strv_push(&mods, "vfio_virqfd") < 0))
		return -ENOMEM;
	return igp_modconf_plan_modules_stale(&c->p, &c->info.initramfs, mods, stale, true,
					      "vfio modules for PCI passthrough", c->ret_error);
}

/* Does a device other than the passed ones have D's vendor and device ID?
 * vfio-pci's ids= would bind it too. */
static bool id_shared(const struct setup_ctx *c, const struct igp_pci_dev *d)
{
	for (size_t i = 0; i < c->h->n_devs; i++) {
		const struct igp_pci_dev *o = c->h->devs[i];
		if (!setup_is_passed(c, o) && o->vendor == d->vendor && o->device == d->device)
			return true;
	}
	return false;
}

/* The passed devices sorted into IDS (for ids=), SHARED (by address) and
 * the modules SOFT that must wait for vfio-pci. */
static int sort_passed(const struct setup_ctx *c, char ***ids, char ***shared, char ***soft)
{
	for (size_t k = 0; k < c->n_passed; k++) {
		const struct igp_pci_dev *d = c->passed[k];
		const char *mod = driver_module(d);
		_cleanup_free_ char *id = strdupf("%04x:%04x", d->vendor, d->device);
		bool shared_id = id_shared(c, d);

		if (!id)
			return -ENOMEM;
		if (!shared_id && !strv_contains(*ids, id) && strv_push(ids, id) < 0)
			return -ENOMEM;
		if (shared_id && strv_push(shared, d->address) < 0)
			return -ENOMEM;
		if (mod && !strv_contains(*soft, mod) && strv_push(soft, mod) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int modprobe_lines(struct setup_ctx *c, char **ids, char **soft)
{
	int r = setup_modprobe_line(c, "# Written by igpuctl setup --mode full for %s.", c->dev->address);

	if (r >= 0 && strv_length(ids)) {
		_cleanup_free_ char *list = NULL;
		for (char **s = ids; r >= 0 && *s; s++)
			r = strextendf(&list, "%s%s", list ? "," : "", *s);
		if (r >= 0)
			r = setup_modprobe_line(c, "options vfio-pci ids=%s", list);
	}
	/* vfio-pci must be loaded before the GPU driver claims the device. */
	for (char **s = soft; r >= 0 && s && *s; s++)
		r = setup_modprobe_line(c, "softdep %s pre: vfio-pci", *s);
	return r;
}

/* Devices whose ID others share go to vfio-pci by address: driverctl's
 * override where driverctl is installed, else a udev rule setting
 * driver_override (Documentation/ABI/testing/sysfs-bus-pci). */
static int claim_by_address(struct setup_ctx *c, char **shared)
{
	bool driverctl =
	    igp_exists(IGP_USR_LIB_UDEV_DRIVERCTL_RULES) || igp_exists(IGP_LIB_UDEV_DRIVERCTL_RULES);
	_cleanup_free_ char *rules = strdup("# Written by igpuctl setup --mode full: other devices share "
					    "these IDs, so only these addresses go to vfio-pci.\n");
	int r = rules ? 0 : -ENOMEM;

	for (char **a = shared; r >= 0 && *a; a++) {
		_cleanup_free_ char *path = NULL;
		if (!driverctl) {
			r = strextendf(&rules,
				       "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", "
				       "ATTR{driver_override}=\"vfio-pci\"\n",
				       *a);
			continue;
		}
		path = strdupf("%s/pci-%s", IGP_ETC_DRIVERCTL_D, *a);
		r = path ? setup_plan_owned(c, path, "vfio-pci\n", 0,
					    "driverctl override (another device shares the ID)")
			 : -ENOMEM;
	}
	if (r >= 0 && !driverctl)
		r = setup_plan_owned(c, IGP_ETC_UDEV_RULES_VFIO, rules, IGP_REFRESH_INITRAMFS,
				     "per-device driver_override (another device shares the ID)");
	if (r < 0)
		return r;
	igp_plan_add_note(&c->p,
			  "Other devices have the same PCI ID as %s, so vfio-pci \"ids=\" is not used; the "
			  "device is claimed by address.",
			  shared[0]);
	return 0;
}

int setup_step_vfio(struct setup_ctx *c)
{
	_cleanup_strv_free_ char **ids = NULL, **soft = NULL, **shared = NULL;
	int r;

	if (c->o->mode != IGP_METHOD_FULL)
		return 0;
	r = plan_vfio_modules(c);
	if (r >= 0)
		r = sort_passed(c, &ids, &shared, &soft);
	if (r >= 0)
		r = modprobe_lines(c, ids, soft);
	if (r >= 0 && strv_length(shared))
		r = claim_by_address(c, shared);
	return r;
}
