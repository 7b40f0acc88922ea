/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "model/isolation.h"
#include "model/methods.h"
#include "base/paths.h"
#include "base/util.h"

/*
 * GVT-g resources (facts.md section 2, i915 gvt/vgpu.c): low graphics
 * memory is the BIOS aperture, the whole GGTT is 4 GiB, the host keeps
 * 128 MiB low, 384 MiB high and 4 of 32 fences; each vGPU takes 4 fences.
 */
#define GGTT_MB 4096
#define HOST_LOW_MB 128
#define HOST_HIGH_MB 384
#define FENCES 32
#define HOST_FENCES 4
#define VGPU_FENCES 4

int igp_gvtg_capacity(long aperture_mb, int divisor)
{
	long low, high, n;

	if (aperture_mb <= HOST_LOW_MB || (divisor != 1 && divisor != 2 && divisor != 4 && divisor != 8))
		return 0;
	low = 512 / divisor;
	high = divisor == 8 ? 384 : 2048 / divisor;
	n = (aperture_mb - HOST_LOW_MB) / low;
	if ((GGTT_MB - aperture_mb - HOST_HIGH_MB) / high < n)
		n = (GGTT_MB - aperture_mb - HOST_HIGH_MB) / high;
	if ((FENCES - HOST_FENCES) / VGPU_FENCES < n)
		n = (FENCES - HOST_FENCES) / VGPU_FENCES;
	return n < 0 ? 0 : (int)n;
}

static bool cmdline_is(const struct igp_host *h, const char *key, const char *val)
{
	char buf[256];
	const char *v = igp_host_cmdline_get(h, key, buf, sizeof(buf));
	return v && streq(v, val);
}

static int missing_full(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *m)
{
	struct igp_isolation_report iso;
	int r;

	if (!h->iommu_active)
		r = strv_pushf(&m->missing,
			       "No IOMMU is active: enable VT-d (AMD-Vi) in the firmware and add "
			       "intel_iommu=on to the kernel command line.");
	else
		r = 0;
	if (r < 0)
		return r;
	r = igp_isolation_judge(h, gpu, &iso);
	if (r < 0)
		return r;
	if (iso.verdict == IGP_ISO_UNSAFE)
		r = strv_pushf(&m->missing,
			       "Its IOMMU group %d also holds a device the host needs; it cannot be "
			       "passed through safely.",
			       iso.group);
	else if (iso.verdict == IGP_ISO_SHARED)
		r = strv_pushf(&m->missing, "Its IOMMU group %d holds other devices; they go to the VM too.",
			       iso.group);
	igp_isolation_report_done(&iso);
	if (r < 0)
		return r;
	if (!streq_ptr(gpu->driver, "vfio-pci")) {
		r = strv_pushf(&m->missing, "Bind it to vfio-pci (now %s).",
			       gpu->driver ? gpu->driver : "unbound");
		if (r < 0)
			return r;
	}
	if (gpu->boot_vga == 1) {
		r = strv_pushf(&m->missing,
			       "It is the boot GPU: the host console goes dark once it is passed through.");
		if (r < 0)
			return r;
	}
	return 0;
}

static int missing_gvtg(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *m)
{
	int r = 0;

	if (!cmdline_is(h, "i915.enable_gvt", "1") && !cmdline_is(h, "i915.enable_gvt", "Y"))
		r = strv_pushf(&m->missing, "Add i915.enable_gvt=1 to the kernel command line.");
	if (r >= 0 && !igp_exists(IGP_SYS_MODULE_KVMGT))
		r = strv_pushf(&m->missing, "Load the kvmgt module (and list it for boot).");
	if (r >= 0 && !gpu->mdev_parent)
		r = strv_pushf(&m->missing, "No mdev_supported_types yet: GVT-g is not active on this GPU.");
	return r;
}

static int missing_sriov(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *m)
{
	int r = 0;

	if (!h->iommu_active)
		r = strv_pushf(&m->missing,
			       "No IOMMU is active: add intel_iommu=on to the kernel command line.");
	if (r >= 0 && gpu->sriov_totalvfs <= 0)
		r = strv_pushf(&m->missing,
			       "The bound driver (%s) offers no SR-IOV: install i915-sriov-dkms "
			       "(or use xe with xe.max_vfs) and set i915.enable_guc=3 i915.max_vfs=7.",
			       gpu->driver ? gpu->driver : "none");
	else if (r >= 0 && gpu->sriov_numvfs == 0)
		r = strv_pushf(&m->missing,
			       "No virtual functions yet: create them with `igpuctl vfs %s --count %d`.",
			       gpu->address, gpu->sriov_totalvfs);
	return r;
}

int igp_gpu_methods_eval(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *ret)
{
	struct igp_gpu_methods m = {.gvtg_max_vgpus = -1, .aperture_mb = -1};
	const struct igp_platform *p = gpu->platform;
	bool intel_igpu = igp_pci_dev_is_intel_igpu(gpu) && !gpu->physfn;
	int r;

	for (int i = 0; i < _IGP_METHOD_MAX; i++) {
		/* An Intel iGPU with an unknown ID: say so, never guess. */
		if (intel_igpu && !p) {
			m.m[i].support = i == IGP_METHOD_FULL ? IGP_SUPPORT_YES : IGP_SUPPORT_NO;
			m.m[i].reason =
			    strdupf(i == IGP_METHOD_FULL ? "Unknown Intel GPU %04x:%04x: full passthrough "
							   "works with any working IOMMU."
							 : "Unknown Intel GPU %04x:%04x: not in igpuctl's "
							   "platform table, so support is unknown.",
				    gpu->vendor, gpu->device);
		} else {
			m.m[i].support =
			    igp_platform_supports(intel_igpu ? p : NULL, (enum igp_method)i, &m.m[i].reason);
		}
		if (!m.m[i].reason) {
			igp_gpu_methods_done(&m);
			return -ENOMEM;
		}
	}
	if (intel_igpu && gpu->bar_size[2]) {
		m.aperture_mb = (long)(gpu->bar_size[2] >> 20);
		if (m.m[IGP_METHOD_GVTG].support != IGP_SUPPORT_NO)
			m.gvtg_max_vgpus = igp_gvtg_capacity(m.aperture_mb, 8);
	}

	/* Sharing (GVT-g, SR-IOV) keeps the host's own display and serves
	 * several VMs; full passthrough is the fallback that always works. */
	m.has_recommendation = true;
	if (gpu->physfn)
		m.recommended = IGP_METHOD_FULL; /* a VF is passed like any device */
	else if (m.m[IGP_METHOD_GVTG].support == IGP_SUPPORT_YES)
		m.recommended = IGP_METHOD_GVTG;
	else if (m.m[IGP_METHOD_SRIOV].support != IGP_SUPPORT_NO)
		m.recommended = IGP_METHOD_SRIOV;
	else
		m.recommended = IGP_METHOD_FULL;

	m.missing = calloc(1, sizeof(char *));
	if (!m.missing) {
		igp_gpu_methods_done(&m);
		return -ENOMEM;
	}
	switch (m.recommended) {
	case IGP_METHOD_GVTG:
		r = missing_gvtg(h, gpu, &m);
		break;
	case IGP_METHOD_SRIOV:
		r = missing_sriov(h, gpu, &m);
		break;
	default:
		r = missing_full(h, gpu, &m);
		break;
	}
	if (r < 0) {
		igp_gpu_methods_done(&m);
		return r;
	}
	*ret = m;
	return 0;
}

void igp_gpu_methods_done(struct igp_gpu_methods *m)
{
	for (int i = 0; i < _IGP_METHOD_MAX; i++) {
		free(m->m[i].reason);
		m->m[i].reason = NULL;
	}
	strv_free(m->missing);
	m->missing = NULL;
}

int igp_gpu_assess(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *ret_m,
		   struct igp_isolation_report *ret_iso)
{
	struct igp_gpu_methods m;
	int r;

	r = igp_gpu_methods_eval(h, gpu, &m);
	if (r < 0)
		return r;
	r = igp_isolation_judge(h, gpu, ret_iso);
	if (r < 0) {
		igp_gpu_methods_done(&m);
		return r;
	}
	*ret_m = m;
	return 0;
}
