/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "model/isolation.h"
#include "model/methods.h"
#include "base/util.h"

/*
 * GVT-g resources (drivers/gpu/drm/i915/gvt/vgpu.c, and gvt.h's
 * HOST_LOW_GM_SIZE, HOST_HIGH_GM_SIZE, HOST_FENCE): low graphics
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

/*
 * A virtual function is one slice of its PF's GPU: it goes to a VM whole,
 * with vfio-pci, and GVT-g or SR-IOV are set up on the PF (the kernel's
 * Documentation/PCI/pci-iov-howto.rst: a VF is a PCI function of its own).
 * Its platform is its PF's, so the reasons name it.
 */
static char *vf_reason(const struct igp_pci_dev *vf, enum igp_method m)
{
	const char *plat = vf->platform ? vf->platform->name : "its GPU";

	switch (m) {
	case IGP_METHOD_FULL:
		return strdupf("An SR-IOV virtual function of %s (%s): it goes to one VM with full "
			       "passthrough (vfio-pci), like any PCI device.",
			       vf->physfn, plat);
	case IGP_METHOD_GVTG:
		return strdupf("A virtual function has no GVT-g: GVT-g and SR-IOV are set up on the "
			       "physical GPU, its PF %s (%s).",
			       vf->physfn, plat);
	default:
		return strdupf("A virtual function offers no virtual functions itself: its PF %s (%s) "
			       "creates them.",
			       vf->physfn, plat);
	}
}

/* What one method needs of this GPU's hardware and driver, with the reason. */
static enum igp_support method_support(const struct igp_pci_dev *gpu, enum igp_method m, char **ret_reason)
{
	const struct igp_platform *p = gpu->platform;

	if (gpu->physfn) {
		*ret_reason = vf_reason(gpu, m);
		return m == IGP_METHOD_FULL ? IGP_SUPPORT_YES : IGP_SUPPORT_NO;
	}
	if (!igp_pci_dev_is_intel_igpu(gpu))
		return igp_platform_supports(NULL, m, ret_reason);
	if (p)
		return igp_platform_supports(p, m, ret_reason);
	/* An Intel iGPU with an unknown ID: say so, never guess. */
	*ret_reason = strdupf(m == IGP_METHOD_FULL ? "Unknown Intel GPU %04x:%04x: full passthrough works "
						     "with any working IOMMU."
						   : "Unknown Intel GPU %04x:%04x: not in igpuctl's platform "
						     "table, so support is unknown.",
			      gpu->vendor, gpu->device);
	return m == IGP_METHOD_FULL ? IGP_SUPPORT_YES : IGP_SUPPORT_NO;
}

int igp_gpu_methods_eval(const struct igp_pci_dev *gpu, struct igp_gpu_methods *ret)
{
	struct igp_gpu_methods m = {.gvtg_max_vgpus = -1, .aperture_mb = -1};
	bool intel_igpu = igp_pci_dev_is_intel_igpu(gpu) && !gpu->physfn;

	for (int i = 0; i < _IGP_METHOD_MAX; i++) {
		m.m[i].support = method_support(gpu, (enum igp_method)i, &m.m[i].reason);
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

	*ret = m;
	return 0;
}

void igp_gpu_methods_done(struct igp_gpu_methods *m)
{
	for (int i = 0; i < _IGP_METHOD_MAX; i++) {
		free(m->m[i].reason);
		m->m[i].reason = NULL;
	}
}

int igp_gpu_assess(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *ret_m,
		   struct igp_isolation_report *ret_iso)
{
	struct igp_gpu_methods m;
	int r;

	r = igp_gpu_methods_eval(gpu, &m);
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
