/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device setup prepares, its mode on this platform and its IOMMU group. */
#include "base/paths.h"
#include "base/util.h"
#include "model/platform.h"
#include "model/workloads.h"
#include "setup/setup_int.h"

/* The device named by --address, else the host's single Intel iGPU. */
static int find_device(struct setup_ctx *c)
{
	const char *a = c->o->address;
	int r;

	if (!a) {
		c->dev = igp_host_default_igpu(c->h);
		return c->dev ? 0
			      : igp_refuse(c->ret_error, -ENODEV,
					   "this host has no single Intel iGPU; name the device (ADDR)");
	}
	r = igp_host_find(c->h, a, &c->dev);
	if (r == -EINVAL)
		return igp_refuse(c->ret_error, r, "\"%s\" is not a PCI address", a);
	if (r == -EADDRNOTAVAIL)
		return igp_refuse(c->ret_error, r,
				  "\"%s\" matches devices in several PCI domains; give the full address", a);
	if (r < 0)
		return igp_refuse(c->ret_error, -ENODEV, "no PCI device %s on this host", a);
	return 0;
}

int setup_step_device(struct setup_ctx *c)
{
	const struct igp_pci_dev *dev;
	int r = find_device(c);

	if (r < 0)
		return r;
	dev = c->dev;
	memcpy(c->info.device, dev->address, sizeof(c->info.device));
	c->info.device_desc = strdupf("%s%s%s (%04x:%04x)", dev->platform ? "Intel " : "",
				      dev->platform	 ? dev->platform->name
				      : dev->device_name ? dev->device_name
							 : "PCI device",
				      dev->platform ? " iGPU" : "", dev->vendor, dev->device);
	if (!c->info.device_desc)
		return -ENOMEM;
	if (c->o->mode != IGP_METHOD_FULL && !igp_pci_dev_is_intel_igpu(dev))
		return igp_refuse(c->ret_error, -EOPNOTSUPP,
				  "%s is not an Intel iGPU: only --mode full applies", dev->address);
	c->passed[c->n_passed++] = c->dev;
	return 0;
}

/* The mode on this platform (model/platform.h), refused unless --force-mode. */
int setup_step_support(struct setup_ctx *c)
{
	_cleanup_free_ char *reason = NULL;
	enum igp_method mode = c->o->mode;
	enum igp_support sup = igp_platform_supports(c->dev->platform, mode, &reason);

	if (sup == IGP_SUPPORT_NO && !c->o->force_mode)
		return igp_refuse(c->ret_error, -EOPNOTSUPP,
				  "%s: %s (--force-mode proceeds anyway, e.g. for a device ID igpuctl "
				  "does not know yet)",
				  igp_method_name(mode), reason ? reason : "not supported");
	if (sup == IGP_SUPPORT_NO)
		igp_plan_add_note(&c->p, "%s is not supported here (%s); proceeding because of --force-mode.",
				  igp_method_name(mode), reason ? reason : "");
	else if (sup == IGP_SUPPORT_DKMS)
		igp_plan_add_note(&c->p, "%s", reason ? reason : "needs an out-of-tree driver");
	return 0;
}

/* The refusal of a group that holds a device the host needs, naming them. */
static int refuse_group(struct setup_ctx *c)
{
	const struct igp_isolation_report *iso = &c->iso;
	_cleanup_free_ char *who = strdup("");

	for (size_t i = 0; who && i < iso->n_peers; i++)
		if (iso->peers[i].kind == IGP_PEER_CRITICAL &&
		    strextendf(&who, "%s%s (%s)", *who ? ", " : "", iso->peers[i].dev->address,
			       iso->peers[i].dev->role_detail ? iso->peers[i].dev->role_detail
							      : "needed by the host") < 0)
			return -ENOMEM;
	if (!who)
		return -ENOMEM;
	return igp_refuse(c->ret_error, -EBUSY,
			  "IOMMU group %d of %s also holds %s: a VM start would take it from "
			  "the host. Move that device to another slot, or, on a kernel with the ACS "
			  "override patch, pass --acs-override --allow-unsafe-group (weakens "
			  "isolation)",
			  iso->group, c->dev->address, who);
}

/* Full passthrough: the IOMMU group goes to the VM as a whole, the device's
 * own functions with it; the boot VGA device leaves the host without a
 * console. */
int setup_step_isolation(struct setup_ctx *c)
{
	const struct igp_isolation_report *iso = &c->iso;
	int r;

	if (c->o->mode != IGP_METHOD_FULL)
		return 0;
	r = igp_isolation_judge(c->h, c->dev, &c->iso);
	if (r < 0)
		return r;
	c->have_iso = true;
	if (iso->verdict == IGP_ISO_UNSAFE && !c->o->allow_unsafe_group)
		return refuse_group(c);
	if (iso->verdict == IGP_ISO_UNSAFE)
		igp_plan_add_note(&c->p,
				  "IOMMU group %d holds a device the host needs; proceeding because of "
				  "--allow-unsafe-group.",
				  iso->group);
	else if (iso->verdict == IGP_ISO_NO_IOMMU)
		igp_plan_add_note(&c->p,
				  "The IOMMU is not active yet, so the group of %s is unknown: run "
				  "`igpuctl check` after the reboot.",
				  c->dev->address);
	for (size_t i = 0; i < iso->n_peers; i++) {
		if (iso->peers[i].kind == IGP_PEER_FUNCTION && c->n_passed < SETUP_PASSED_MAX)
			c->passed[c->n_passed++] = iso->peers[i].dev;
		else if (iso->peers[i].kind == IGP_PEER_ENDPOINT)
			igp_plan_add_note(&c->p, "%s shares IOMMU group %d and must go to the same VM.",
					  iso->peers[i].dev->address, iso->group);
	}
	if (c->dev->boot_vga == 1 && !c->o->allow_boot_vga)
		return igp_refuse(c->ret_error, -EPERM,
				  "%s is the boot VGA device: once vfio-pci takes it the host has no "
				  "local console (screen) any more. Pass --allow-boot-vga to accept that",
				  c->dev->address);
	return 0;
}

/* Full passthrough: vfio-pci takes what goes to the VM, and the containers
 * that use its render node (or a VF's, the PF's VFs going with its driver)
 * lose it; refused unless --force (model/workloads.h igp_host_ct_guard()). */
int setup_step_containers(struct setup_ctx *c)
{
	if (c->o->mode != IGP_METHOD_FULL)
		return 0;
	for (size_t i = 0; i < c->n_passed; i++) {
		_cleanup_free_ char *msg = NULL;
		int r = igp_host_ct_guard(c->h, c->passed[i], "vfio-pci", c->o->force, &msg);
		if (r == -EUSERS)
			return igp_refuse(c->ret_error, r, "%s", msg);
		if (r < 0)
			return r;
		if (msg && (r = igp_plan_add_note(&c->p, "%s", msg)) < 0)
			return r;
	}
	return 0;
}
