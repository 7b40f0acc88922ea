/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check table and the runner: host-wide checks once, then each target's device checks. */
#include <stdarg.h>

#include "base/strbuf.h"
#include "checks/checks_int.h"
#include "base/paths.h"

#define ALL MODES_ALL
#define FULL MODE_BIT(IGP_METHOD_FULL)
#define GVTG MODE_BIT(IGP_METHOD_GVTG)
#define SRIOV MODE_BIT(IGP_METHOD_SRIOV)

struct check_def {
	const char *id;
	unsigned modes;
	host_check_fn host; /* exactly one of host / dev */
	dev_check_fn dev;
	const char *summary;
};

/* The order is the order of the output: what a user fixes first comes first. */
static const struct check_def defs[] = {
    {"cpu.virtualization", ALL, check_cpu_virtualization, NULL,
     "the CPU has hardware virtualization (vmx/svm flags)"},
    {"kvm.device", ALL, check_kvm_device, NULL, "KVM is available (" IGP_DEV_KVM ")"},
    {"kernel.version", GVTG, check_kernel_version, NULL, "Linux 4.16 or newer (GVT-g)"},
    {"qemu.version", ALL, check_qemu_version, NULL,
     "QEMU is installed, 2.12 or newer for GVT-g (Proxmox's pve-qemu-kvm counts)"},
    {"iommu.enabled", FULL | SRIOV, check_iommu_enabled, NULL,
     "an IOMMU is active and has created IOMMU groups"},
    {"iommu.interrupt_remapping", FULL | SRIOV, check_iommu_interrupt_remapping, NULL,
     "interrupt remapping is on (else VFIO needs allow_unsafe_interrupts)"},
    {"cmdline.intel_iommu", FULL | SRIOV, check_cmdline_intel_iommu, NULL,
     "the running kernel has the Intel IOMMU on (intel_iommu=on or the kernel's default)"},
    {"cmdline.configured", ALL, check_cmdline_configured, NULL,
     "the boot configuration has the parameters the mode needs, and the running kernel booted with them"},
    {"cmdline.blacklist", ALL, check_cmdline_blacklist, NULL,
     "no driver the host or the mode needs is blacklisted"},
    {"modules.available", ALL, check_modules_available, NULL,
     "the modules the mode needs exist for the running kernel"},
    {"modules.loaded", ALL, check_modules_loaded, NULL, "the modules the mode needs are loaded"},
    {"modules.configured", ALL, check_modules_configured, NULL,
     "the modules the mode needs are configured to load at boot"},
    {"modules.vfio_virqfd", ALL, check_modules_vfio_virqfd, NULL,
     "vfio_virqfd is not listed on kernels >= 6.2 (merged into vfio)"},
    {"modules.vfio_mdev", ALL, check_modules_vfio_mdev, NULL,
     "vfio_mdev is not listed on kernels >= 5.14 (merged into mdev)"},
    {"initramfs.current", ALL, check_initramfs_current, NULL,
     "the initramfs was rebuilt after the module configuration changed"},
    {"kvm.ignore_msrs", ALL, check_kvm_ignore_msrs, NULL,
     "guests do not trip over unhandled MSRs (kvm.ignore_msrs)"},
    {"memlock", ALL, check_memlock, NULL,
     "QEMU may lock (pin) guest memory for VFIO: memlock limits of the kvm group"},

    {"full.driver", FULL, NULL, check_full_driver, "the GPU is bound to vfio-pci, not i915/xe"},
    {"full.vfio_ids", FULL, NULL, check_full_vfio_ids,
     "vfio-pci ids= in modprobe.d match only the devices meant for VMs"},
    {"full.framebuffer", FULL, NULL, check_full_framebuffer,
     "no firmware framebuffer (efifb/simplefb/vesafb) holds the GPU's memory"},
    {"full.vfs", FULL, NULL, check_full_vfs, "no SR-IOV virtual functions are enabled on the device"},
    {"full.qemu", FULL, NULL, check_full_qemu,
     "the installed QEMU can assign this iGPU's generation (hw/vfio/igd.c)"},
    {"full.boot_vga", FULL, NULL, check_full_boot_vga,
     "the GPU is not the boot display (else the host console goes dark)"},
    {"full.isolation", FULL, NULL, check_full_isolation,
     "the GPU's IOMMU group holds nothing the host needs"},
    {"full.acs_override", FULL, NULL, check_full_acs_override,
     "pcie_acs_override is not in use (it weakens isolation)"},

    {"gvt.platform", GVTG, NULL, check_gvt_platform, "the GPU's platform supports GVT-g (by device ID)"},
    {"gvt.enable_gvt", GVTG, NULL, check_gvt_enable_gvt, "i915.enable_gvt=1"},
    {"gvt.guc_conflict", GVTG, NULL, check_gvt_guc_conflict,
     "GuC submission (i915.enable_guc bit 1) is off: it excludes GVT-g"},
    {"gvt.kvmgt", GVTG, NULL, check_gvt_kvmgt, "the kvmgt module is loaded"},
    {"gvt.dmesg_unsupported", GVTG, NULL, check_gvt_dmesg_unsupported,
     "the kernel log has no \"Unsupported device. GVT-g is disabled\""},
    {"gvt.types_present", GVTG, NULL, check_gvt_types_present,
     "the GPU offers vGPU types (mdev_supported_types)"},
    {"gvt.instances", GVTG, NULL, check_gvt_instances,
     "vGPUs can still be created (available_instances; ENOSPC otherwise)"},
    {"gvt.persist", GVTG, NULL, check_gvt_persist, "vGPUs come back after a reboot"},

    {"sriov.platform", SRIOV, NULL, check_sriov_platform,
     "the GPU's platform supports SR-IOV (by device ID)"},
    {"sriov.driver", SRIOV, NULL, check_sriov_driver, "the bound driver offers SR-IOV (sriov_totalvfs > 0)"},
    {"sriov.params", SRIOV, NULL, check_sriov_params,
     "the driver parameters: i915.enable_guc=3 and i915.max_vfs (or xe.max_vfs)"},
    {"sriov.vfs_enabled", SRIOV, NULL, check_sriov_vfs_enabled, "virtual functions are enabled"},
    {"sriov.persist", SRIOV, NULL, check_sriov_persist,
     "the VFs come back after a reboot (sysfsutils or a udev rule)"},
    {"sriov.pf_not_vfio", SRIOV, NULL, check_sriov_pf_not_vfio,
     "the PF itself stays with its driver (only VFs go to VMs)"},
    {"sriov.vf_users", SRIOV, NULL, check_sriov_vf_users,
     "each VF is given to one guest at most (a VF used by a VM is vfio-pci's, one VM at a time)"},
    {"sriov.next_kernel", SRIOV, NULL, check_sriov_next_kernel,
     "i915-sriov-dkms is built, with a matching vermagic, for the kernel that boots next"},
    {"sriov.secure_boot", SRIOV, NULL, check_sriov_secure_boot,
     "Secure Boot does not keep i915-sriov-dkms's module from loading (its MOK key is enrolled)"},

    {"vm.proxmox", ALL, NULL, check_vm_proxmox,
     "Proxmox VE VMs that use the GPU: pcie=1 on q35, legacy-igd's needs, vGPU types offered"},
    {"vm.proxmox_mapping", ALL, NULL, check_vm_proxmox_mapping,
     "this node's entries of the cluster PCI mapping that name the GPU match it (id, subsystem-id, IOMMU "
     "group, mdev)"},
    {"vm.libvirt", ALL, NULL, check_vm_libvirt,
     "libvirt domains that use the GPU: vGPU display, OVMF option ROM, ramfb, render node, managed"},

    {"ct.render_nodes", ALL, check_ct_render_nodes, NULL,
     "each DRM node a container is given exists and belongs to an Intel GPU or VF on its GPU driver"},
    {"ct.gid", ALL, check_ct_gid, NULL,
     "the group a Proxmox VE CT's devN gives a DRM node is the CT's own render group"},
};

static struct igp_check_info *infos;

const struct igp_check_info *igp_check_infos(void)
{
	static struct igp_check_info table[ELEMENTSOF(defs) + 2];

	if (!infos) {
		size_t n = 0;
		table[n++] = (struct igp_check_info){"gpu.present", ALL,
						     "a GPU to check (the one given, or the host's GPUs)"};
		for (size_t i = 0; i < ELEMENTSOF(defs); i++)
			table[n++] = (struct igp_check_info){defs[i].id, defs[i].modes, defs[i].summary};
		table[n] = (struct igp_check_info){NULL, 0, NULL};
		infos = table;
	}
	return infos;
}

int check_add(struct check_ctx *c, const char *id, const struct igp_pci_dev *dev, enum igp_check_status st,
	      char *remedy, const char *fmt, ...)
{
	struct igp_check_report *rep = c->rep;
	struct igp_check *k;
	char *msg = NULL, *devname = NULL;
	va_list ap;

	if ((st == IGP_CHECK_WARN || st == IGP_CHECK_FAIL) && !remedy)
		return -ENOMEM;
	va_start(ap, fmt);
	msg = strdupvf(fmt, ap);
	va_end(ap);
	if (!msg) {
		free(remedy);
		return -ENOMEM;
	}
	if (dev && !(devname = strdup(dev->address)))
		goto oom;
	if (rep->n_checks == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct igp_check *v = realloc(rep->checks, cap * sizeof(*v));
		if (!v)
			goto oom;
		rep->checks = v;
		c->cap = cap;
	}
	k = &rep->checks[rep->n_checks++];
	*k = (struct igp_check){.id = id, .device = devname, .status = st, .message = msg, .remedy = remedy};
	return 0;
oom:
	free(msg);
	free(devname);
	free(remedy);
	return -ENOMEM;
}

char *check_failed_before(struct check_ctx *c, const struct igp_pci_dev *gpu, const char *prefix)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (size_t i = 0; i < c->rep->n_checks; i++) {
		const struct igp_check *k = &c->rep->checks[i];
		if (k->status == IGP_CHECK_FAIL && k->device && streq(k->device, gpu->address) &&
		    startswith(k->id, prefix))
			strbuf_word(&b, ", ", k->id);
	}
	return strbuf_steal(&b);
}

static void ctx_done(struct check_ctx *c)
{
	for (size_t i = 0; i < c->n_modconf; i++) {
		free(c->modconf[i].name);
		free(c->modconf[i].where);
	}
	free(c->modconf);
	igp_modprobe_done(&c->modprobe);
	free(c->boot.name);
	free(c->boot.refresh);
	strv_free(c->boot.configured);
	free(c->boot.where);
	strv_free(c->boot.grub_tokens);
	strv_free(c->boot.grub_places);
	strv_free(c->boot.grub_unused_places);
	strv_free(c->boot.generated);
	free(c->boot.entry);
}

static int run_gpu_present(struct check_ctx *c, const struct igp_check_target *t, size_t n)
{
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *list = NULL;

	if (n == 0) {
		unsigned gpus = 0;
		for (size_t i = 0; i < c->h->n_devs; i++)
			gpus += igp_pci_dev_is_gpu(c->h->devs[i]);
		return check_add(
		    c, "gpu.present", NULL, IGP_CHECK_FAIL,
		    strdup(gpus ? "Name the GPU: `igpuctl list` shows them; then `igpuctl check ADDR`."
				: "Check that the GPU is enabled in the firmware setup (integrated "
				  "graphics on, or \"iGPU multi-monitor\" when a discrete card is the "
				  "primary display) and that `lspci -nn` shows it."),
		    "%s",
		    gpus ? "No GPU matches what was asked for." : "No GPU (PCI display controller) found.");
	}
	for (size_t i = 0; i < n; i++) {
		const struct igp_pci_dev *d = t[i].gpu;
		strbuf_wordf(&b, "; ", "%s [%04x:%04x]", d->address, d->vendor, d->device);
		if (d->platform)
			strbuf_printf(&b, " %s", d->platform->name);
		else if (d->device_name)
			strbuf_printf(&b, " %s", d->device_name);
		strbuf_printf(&b, ", checked for %s",
			      t[i].mode == IGP_METHOD_GVTG    ? "GVT-g"
			      : t[i].mode == IGP_METHOD_SRIOV ? "SR-IOV"
							      : "full passthrough");
	}
	list = strbuf_steal(&b);
	if (!list)
		return -ENOMEM;
	return check_add(c, "gpu.present", NULL, IGP_CHECK_PASS, NULL, "%s.", list);
}

/* One run of the table on the context's facts: gpu.present, the host-wide
 * checks of every mode among the targets, then each target's device checks. */
static int run_table(struct check_ctx *c, const struct igp_check_target *targets, size_t n_targets,
		     unsigned extra_modes, struct igp_check_report *rep)
{
	int r;

	c->targets = targets;
	c->n_targets = n_targets;
	c->rep = rep;
	c->cap = 0;
	c->modes = extra_modes & MODES_ALL;
	for (size_t i = 0; i < n_targets; i++)
		c->modes |= MODE_BIT(targets[i].mode);

	r = run_gpu_present(c, targets, n_targets);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(defs); i++)
		if (defs[i].host && (defs[i].modes & c->modes))
			r = defs[i].host(c);
	for (size_t t = 0; r >= 0 && t < n_targets; t++)
		for (size_t i = 0; r >= 0 && i < ELEMENTSOF(defs); i++)
			if (defs[i].dev && (defs[i].modes & MODE_BIT(targets[t].mode)))
				r = defs[i].dev(c, targets[t].gpu);
	return r;
}

int igp_checks_run(const struct igp_host *h, const struct igp_check_target *targets, size_t n_targets,
		   unsigned extra_modes, struct igp_check_report *ret)
{
	struct igp_check_report rep = {};
	struct check_ctx c = {.h = h};
	int r;

	r = run_table(&c, targets, n_targets, extra_modes, &rep);
	ctx_done(&c);
	if (r < 0) {
		igp_check_report_done(&rep);
		return r;
	}
	*ret = rep;
	return 0;
}

/* Keep only the warn and fail results, in their order. */
static void report_keep_findings(struct igp_check_report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n_checks; i++) {
		struct igp_check *k = &rep->checks[i];
		if (k->status == IGP_CHECK_WARN || k->status == IGP_CHECK_FAIL) {
			rep->checks[n++] = *k;
			continue;
		}
		free(k->device);
		free(k->message);
		free(k->remedy);
	}
	rep->n_checks = n;
}

int igp_gpu_findings_get(const struct igp_host *h, const struct igp_pci_dev *gpu, unsigned modes,
			 struct igp_gpu_findings *ret)
{
	return igp_gpu_findings_get_route(h, gpu, modes, IGP_SRIOV_ROUTE_NONE, ret);
}

int igp_gpu_findings_get_route(const struct igp_host *h, const struct igp_pci_dev *gpu, unsigned modes,
			       enum igp_sriov_route_kind route, struct igp_gpu_findings *ret)
{
	struct igp_gpu_findings f = {};
	struct check_ctx c = {.h = h};
	int r = 0;

	/* Each mode is its own run, as `check --mode M ADDR` is: host checks
	 * word their results for the modes of the run. */
	for (int m = 0; r >= 0 && m < _IGP_METHOD_MAX; m++) {
		struct igp_check_target t = {.gpu = gpu, .mode = (enum igp_method)m, .sriov_route = route};
		if (!(modes & MODE_BIT(m)))
			continue;
		r = run_table(&c, &t, 1, 0, &f.mode[m]);
		if (r >= 0)
			report_keep_findings(&f.mode[m]);
	}
	ctx_done(&c);
	if (r < 0) {
		igp_gpu_findings_done(&f);
		return r;
	}
	*ret = f;
	return 0;
}

void igp_gpu_findings_done(struct igp_gpu_findings *f)
{
	for (int m = 0; m < _IGP_METHOD_MAX; m++)
		igp_check_report_done(&f->mode[m]);
}

const struct igp_check *igp_check_report_find(const struct igp_check_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_checks; i++)
		if (streq(r->checks[i].id, id))
			return &r->checks[i];
	return NULL;
}

void igp_check_report_done(struct igp_check_report *r)
{
	for (size_t i = 0; i < r->n_checks; i++) {
		free(r->checks[i].device);
		free(r->checks[i].message);
		free(r->checks[i].remedy);
	}
	free(r->checks);
	r->checks = NULL;
	r->n_checks = 0;
}

enum igp_check_status igp_check_report_worst(const struct igp_check_report *r)
{
	enum igp_check_status w = IGP_CHECK_PASS;

	for (size_t i = 0; i < r->n_checks; i++)
		if (r->checks[i].status != IGP_CHECK_SKIP && r->checks[i].status > w)
			w = r->checks[i].status;
	return w;
}
