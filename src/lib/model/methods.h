/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each GPU supports (hardware and driver capability, by device ID) and
 * which method to recommend.  What the host still lacks for a method is a
 * finding of the check engine (checks/checks.h, igp_gpu_findings_get()).
 */
#ifndef IGP_METHODS_H
#define IGP_METHODS_H

#include "model/host.h"
#include "model/isolation.h"
#include "model/platform.h"

struct igp_method_verdict {
	enum igp_support support;
	char *reason; /* one sentence */
};

struct igp_gpu_methods {
	struct igp_method_verdict m[_IGP_METHOD_MAX];
	enum igp_method recommended; /* valid when has_recommendation */
	bool has_recommendation;
	int gvtg_max_vgpus; /* smallest type, from the aperture; -1 unknown */
	long aperture_mb;   /* BAR2 size of an Intel iGPU; -1 unknown */
};

/* What GPU supports, by device ID and driver, and the method to recommend. */
int igp_gpu_methods_eval(const struct igp_pci_dev *gpu, struct igp_gpu_methods *ret);
void igp_gpu_methods_done(struct igp_gpu_methods *m);
/*
 * The methods and the IOMMU-group verdict of one GPU, as list and status
 * show them.  Free both on success; on failure nothing is left to free.
 */
int igp_gpu_assess(const struct igp_host *h, const struct igp_pci_dev *gpu, struct igp_gpu_methods *ret_m,
		   struct igp_isolation_report *ret_iso);

/*
 * GVT-g vGPU capacity for an aperture (low graphics memory) in MiB, for
 * the type with the given divisor (1, 2, 4, 8): how many instances fit
 * after the host's reservation (drivers/gpu/drm/i915/gvt/vgpu.c,
 * intel_gvt_init_vgpu_types()).
 */
int igp_gvtg_capacity(long aperture_mb, int divisor);

#endif
