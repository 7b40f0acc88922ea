/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GVT-g: platform, i915.enable_gvt, GuC, kvmgt, the kernel log, vGPU types, instances, persistence. */
#include "checks/checks_int.h"
#include "vgpu/mdev.h"
#include "base/paths.h"
#include "base/strbuf.h"
#include "model/bootinfo.h"
#include "modules/modconf.h"

int check_platform_support(struct check_ctx *c, const struct igp_pci_dev *gpu, enum igp_method m,
			   const char *id)
{
	_cleanup_free_ char *reason = NULL;
	enum igp_support s;
	const char *other = m == IGP_METHOD_GVTG ? "sriov" : "gvt-g";
	enum igp_method om = m == IGP_METHOD_GVTG ? IGP_METHOD_SRIOV : IGP_METHOD_GVTG;

	if (gpu->physfn)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Pass the VF with full passthrough: `igpuctl check --mode full %s`.",
			    gpu->address),
		    "%s is an SR-IOV virtual function of %s%s%s%s: a VF goes to a VM whole; %s is set up "
		    "on the PF.",
		    gpu->address, gpu->physfn, gpu->platform ? " (" : "",
		    gpu->platform ? gpu->platform->name : "", gpu->platform ? ")" : "",
		    m == IGP_METHOD_GVTG ? "GVT-g" : "SR-IOV");
	if (!igp_pci_dev_is_intel_igpu(gpu))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Use full passthrough: `igpuctl check --mode full %s`.", gpu->address),
		    "%s [%04x:%04x] is not an Intel integrated GPU; only those have %s.", gpu->address,
		    gpu->vendor, gpu->device, m == IGP_METHOD_GVTG ? "GVT-g" : "SR-IOV here");
	if (!gpu->platform)
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdupf("Look the ID up in the kernel's include/drm/intel/pciids.h; full passthrough "
			    "works on any Intel GPU (`igpuctl check --mode full %s`).",
			    gpu->address),
		    "Intel GPU %04x:%04x is not in igpuctl's platform table, so whether it has %s is "
		    "unknown.",
		    gpu->vendor, gpu->device, m == IGP_METHOD_GVTG ? "GVT-g" : "SR-IOV");
	s = igp_platform_supports(gpu->platform, m, &reason);
	if (!reason)
		return -ENOMEM;
	/* The notes are about GVT-g caveats (Apollo Lake) or repeat the
	 * out-of-tree SR-IOV driver that the reason already names. */
	if (s != IGP_SUPPORT_NO)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s%s%s", reason,
				 m == IGP_METHOD_GVTG && gpu->platform->note ? " Note: " : "",
				 m == IGP_METHOD_GVTG && gpu->platform->note ? gpu->platform->note : "");
	return check_add(
	    c, id, gpu, IGP_CHECK_FAIL,
	    igp_platform_supports(gpu->platform, om, NULL) != IGP_SUPPORT_NO
		? strdupf("Use %s (`igpuctl check --mode %s %s`) or full passthrough (`--mode full`).",
			  om == IGP_METHOD_SRIOV ? "SR-IOV" : "GVT-g", other, gpu->address)
		: strdupf("Use full passthrough: `igpuctl check --mode full %s`.", gpu->address),
	    "%s", reason);
}

int check_gvt_platform(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	return check_platform_support(c, gpu, IGP_METHOD_GVTG, "gvt.platform");
}

static bool truthy(const char *v)
{
	return v && (streq(v, "1") || streq(v, "Y") || streq(v, "y") || streq(v, "on"));
}

int check_gvt_enable_gvt(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.enable_gvt", *run;
	_cleanup_free_ char *sys = ctx_module_param(c, "i915", "enable_gvt");
	char buf[32];

	run = ctx_running_param(c, "i915.enable_gvt", buf, sizeof(buf));
	if (truthy(sys))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "i915.enable_gvt is on (%s/i915/parameters/enable_gvt is Y).",
				 IGP_SYS_MODULE);
	if (!sys && truthy(run))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "The kernel booted with i915.enable_gvt=%s (i915 is not loaded yet).", run);
	return check_add(c, id, gpu, IGP_CHECK_FAIL,
			 remedy_cmdline(c, "i915.enable_gvt=1", NULL, IGP_METHOD_GVTG),
			 "i915.enable_gvt is off%s: i915 does not set up GVT-g.",
			 sys ? "" : " (i915 is not loaded, and the command line does not set it)");
}

int check_gvt_guc_conflict(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.guc_conflict", *where = NULL;
	const struct igp_modprobe_entry *e = NULL;
	_cleanup_free_ char *sys = ctx_module_param(c, "i915", "enable_guc"),
			    *opt = ctx_modprobe_option(c, "i915", "enable_guc", 0, &e);
	const char *v;
	long n;

	/* What the loaded i915 uses wins; else what modprobe will give it
	 * (modprobe.d, then the kernel command line). */
	v = sys ? sys : opt;
	where = sys ? "the loaded i915" : e ? e->where : NULL;
	if (!v)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "i915.enable_guc is not set: the default never uses GuC submission on the "
				 "platforms that have GVT-g.");
	if (parse_long(v, -1, 255, &n) < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "i915.enable_guc=%s (%s) is not a number.",
				 v, where);
	/* Bit 1 is GuC submission (i915_params.h); -1 is per platform, and
	 * GVT-g's platforms (Gen 8/9) get no submission by default. */
	if (n >= 0 && (n & 2))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    !sys && !e->cmdline
			? strdupf("Remove enable_guc=%s from the i915 options in %s (or set it to 0), "
				  "run `%s` and reboot.",
				  opt, where, initramfs_command(c))
			: remedy_cmdline(c, "i915.enable_guc=0", NULL, IGP_METHOD_GVTG),
		    "i915.enable_guc=%ld (%s) turns on GuC submission, which excludes GVT-g.", n, where);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "i915.enable_guc=%ld (%s): no GuC submission.", n,
			 where);
}

int check_gvt_kvmgt(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.kvmgt";
	struct igp_modules_place pl;
	int r;

	if (ctx_module_loaded(c, "kvmgt") || igp_exists(IGP_SYS_MODULE_KVMGT) ||
	    ctx_module_builtin(c, "kvmgt"))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "kvmgt is loaded.");
	r = ctx_module_available(c, "kvmgt");
	if (r == 0)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdup("Boot a kernel built with KVMGT (CONFIG_DRM_I915_GVT_KVMGT): Debian's, "
			   "Ubuntu's, Proxmox VE's and Arch's kernels have it."),
		    "kvmgt is not loaded, and %s has no such module.", ctx_kernel(c));
	/* The file setup writes kvmgt to (igp_modules_place()). */
	igp_modules_place(igp_host_initramfs(c->h), false, &pl);
	return check_add(
	    c, id, gpu, IGP_CHECK_FAIL,
	    strdupf("`modprobe kvmgt` now, and add kvmgt to %s so that it loads at boot.", pl.load),
	    "kvmgt is not loaded: without it i915 offers no vGPU types.");
}

int check_gvt_dmesg_unsupported(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.dmesg_unsupported", *why;
	const char *log = ctx_dmesg(c, &why);

	if (!log)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "Cannot look: %s.", why);
	if (strstr(log, "Unsupported device. GVT-g is disabled"))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("GVT-g covers Broadwell to Comet Lake only: use full passthrough "
			    "(`igpuctl check --mode full %s`)%s.",
			    gpu->address,
			    gpu->platform && gpu->platform->sriov != IGP_SUPPORT_NO
				? " or SR-IOV (`--mode sriov`)"
				: ""),
		    "%s has \"Unsupported device. GVT-g is disabled\": i915 refuses GVT-g on this GPU%s%s%s.",
		    why, gpu->platform ? " (" : "", gpu->platform ? gpu->platform->name : "",
		    gpu->platform ? ")" : "");
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			 "%s has no \"Unsupported device. GVT-g is disabled\".", why);
}

static struct igp_mdev_parent *load_parent(const struct igp_pci_dev *gpu, struct igp_mdev_parent **all,
					   size_t *n)
{
	if (igp_mdev_parents_load(all, n) < 0) {
		*all = NULL;
		*n = 0;
		return NULL;
	}
	return igp_mdev_parent_find(*all, *n, gpu->address);
}

int check_gvt_types_present(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.types_present";
	_cleanup_free_ char *failed = NULL, *types = NULL;
	_cleanup_strbuf_ struct strbuf b = {};
	struct igp_mdev_parent *all = NULL, *p;
	size_t n = 0;

	if (!gpu->mdev_parent) {
		failed = check_failed_before(c, gpu, "gvt.");
		if (!failed)
			return -ENOMEM;
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    *failed ? strdupf("Fix %s first; the types appear once i915 sets up GVT-g.", failed)
			    : strdup("Reboot after enabling GVT-g, then look at `dmesg | grep -i gvt` for "
				     "why i915 did not set it up."),
		    "%s has no mdev_supported_types: GVT-g is not active on it.", gpu->address);
	}
	p = load_parent(gpu, &all, &n);
	for (size_t i = 0; p && i < p->n_types; i++)
		strbuf_word(&b, ", ", p->types[i].id);
	igp_mdev_parents_free(all, n);
	types = strbuf_steal(&b);
	if (!types)
		return -ENOMEM;
	if (!*types)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdup("The BIOS aperture is too small for any vGPU type: raise \"Aperture Size\" "
			   "(or \"DVMT Pre-Allocated\") in the firmware setup."),
		    "%s has mdev_supported_types, but no type in it.", gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "vGPU types of %s: %s.", gpu->address, types);
}

int check_gvt_instances(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.instances";
	_cleanup_free_ char *avail = NULL;
	_cleanup_strbuf_ struct strbuf b = {};
	struct igp_mdev_parent *all = NULL, *p;
	size_t n = 0;
	long total = 0;

	if (!gpu->mdev_parent)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "No vGPU types (see gvt.types_present).");
	p = load_parent(gpu, &all, &n);
	if (!p || p->n_types == 0) {
		igp_mdev_parents_free(all, n);
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "No vGPU types (see gvt.types_present).");
	}
	for (size_t i = 0; i < p->n_types; i++) {
		strbuf_wordf(&b, ", ", "%s %ld", p->types[i].name ? p->types[i].name : p->types[i].id,
			     p->types[i].available);
		if (p->types[i].available > 0)
			total += p->types[i].available;
	}
	igp_mdev_parents_free(all, n);
	avail = strbuf_steal(&b);
	if (!avail)
		return -ENOMEM;
	if (total > 0)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "vGPUs that can still be created, by type: %s.", avail);
	return check_add(
	    c, id, gpu, IGP_CHECK_FAIL,
	    gpu->bar_size[2] ? strdupf("Remove vGPUs no VM uses (`igpuctl vgpu list`, `igpuctl vgpu remove "
				       "UUID`), or raise the aperture (\"Aperture Size\", now %llu MiB) in "
				       "the firmware setup.",
				       (unsigned long long)(gpu->bar_size[2] >> 20))
			     : strdup("Remove vGPUs no VM uses (`igpuctl vgpu list`, `igpuctl vgpu remove "
				      "UUID`), or raise the aperture in the firmware setup."),
	    "No vGPU can be created now (available instances: %s): creating one fails with ENOSPC "
	    "(\"No space left on device\").",
	    avail);
}

int check_gvt_persist(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "gvt.persist";
	struct igp_mdev *v = NULL;
	struct igp_mdev_parent *all = NULL, *p;
	size_t n = 0, np = 0;
	_cleanup_strbuf_ struct strbuf loose = {}, stale = {}, good = {};
	int r;

	r = igp_mdev_list(IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED, &v, &n);
	if (r < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "Cannot read the vGPUs: %s.",
				 strerror(-r));
	p = gpu->mdev_parent ? load_parent(gpu, &all, &np) : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct igp_mdev *m = &v[i];
		bool type_ok = true;
		if (!streq_ptr(m->parent, gpu->address))
			continue;
		if (p && m->defined && m->config.type) {
			type_ok = false;
			for (size_t t = 0; t < p->n_types; t++)
				type_ok |= streq(p->types[t].id, m->config.type);
		}
		if (m->defined && !type_ok)
			strbuf_wordf(&stale, ", ", "%s (%s)", m->uuid, m->config.type);
		else if (m->active && !m->defined)
			strbuf_word(&loose, ", ", m->uuid);
		else if (m->defined)
			strbuf_wordf(&good, ", ", "%s (%s%s)", m->uuid, m->config.type ? m->config.type : "?",
				     m->autostart ? ", auto" : ", manual");
	}
	igp_mdevs_free(v, n);
	igp_mdev_parents_free(all, np);
	if (loose.oom || stale.oom || good.oom)
		return -ENOMEM;
	if (!strbuf_empty(&stale))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdup("Redefine them with a type `igpuctl vgpu types` lists (`igpuctl vgpu remove "
			   "UUID --undefine`, then `igpuctl vgpu create --type TYPE --auto`)."),
		    "Defined vGPUs use types %s does not offer, so they cannot start: %s.", gpu->address,
		    strbuf_str(&stale));
	if (!strbuf_empty(&loose) && !ctx_is_proxmox(c))
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdup("Define them so they come back: `igpuctl vgpu define --uuid UUID` for each "
			   "(mdevctl's format; `mdevctl define --auto --uuid UUID` does the same)."),
		    "Active vGPUs of %s that nothing re-creates after a reboot: %s.", gpu->address,
		    strbuf_str(&loose));
	if (ctx_is_proxmox(c))
		return check_add(
		    c, id, gpu, IGP_CHECK_PASS, NULL,
		    "Proxmox VE creates each vGPU when its VM starts (hostpciN: %s,mdev=TYPE)%s%s.",
		    gpu->address, strbuf_empty(&good) ? "" : "; defined: ", strbuf_str(&good));
	if (!strbuf_empty(&good))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "Defined vGPUs (mdevctl): %s.",
				 strbuf_str(&good));
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			 "No vGPUs of %s yet; nothing to bring back after a reboot.", gpu->address);
}
