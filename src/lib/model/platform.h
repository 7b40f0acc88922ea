/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel graphics platforms, decided by PCI device ID (never by the CPU's
 * marketing generation): which methods each supports and why.
 * The ID lists follow the INTEL_*_IDS macros of the kernel's
 * include/drm/intel/pciids.h (older: include/drm/i915_pciids.h).
 */
#ifndef IGP_PLATFORM_H
#define IGP_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/enumstr.h"

enum igp_method {
	IGP_METHOD_FULL,  /* vfio-pci, "GVT-d" */
	IGP_METHOD_GVTG,  /* mediated vGPUs */
	IGP_METHOD_SRIOV, /* virtual functions */
	_IGP_METHOD_MAX,
};

/* "full", "gvt-g", "sriov" */
IGP_ENUM_DECL(igp_method, enum igp_method);
/* Parses "full", "gvt-g" (also "gvtg", "gvt-d" means full), "sriov"; -EINVAL. */
int igp_method_parse(const char *s, enum igp_method *ret);

enum igp_support {
	IGP_SUPPORT_NO,
	IGP_SUPPORT_YES,
	/* Works only with an out-of-tree driver (i915-sriov-dkms) or
	 * xe.force_probe: supported, but with a caveat in the note. */
	IGP_SUPPORT_DKMS,
};

struct igp_platform {
	const char *key;   /* stable short key: "cfl", "adln", ... */
	const char *name;  /* "Coffee Lake" */
	const char *macro; /* "INTEL_CFL_IDS" */
	const char *gen;   /* "9", "9 LP", "12", "12.70", "20", "30" */
	enum igp_support gvtg;
	enum igp_support sriov;
	const char *gvtg_types; /* "GVTg_V4" (BDW) or "GVTg_V5", NULL if no GVT-g */
	const char *note;	/* caveat shown with the verdict, or NULL */
	bool i915_binds;	/* false for Cannon Lake (i915 never bound it) and
				 * the xe-only platforms (Lunar Lake and newer) */
	/* SR-IOV through upstream xe: the first kernel (MAJOR.MINOR) whose xe
	 * runs this platform as a PF, NULL where xe never does; and whether xe
	 * binds it only with xe.force_probe=<device id> (the platform is marked
	 * .require_force_probe in drivers/gpu/drm/xe/xe_pci.c). */
	const char *xe_sriov_since;
	bool xe_force_probe;
};

/* The platform of an Intel (0x8086) display device ID, or NULL if unknown. */
const struct igp_platform *igp_platform_lookup(uint16_t device_id);

/* Every platform, in table order, NULL-terminated (for docs and tests). */
const struct igp_platform *const *igp_platforms(void);

/*
 * Every device ID of a platform; returns the count and sets *ret to a static
 * array.  Used by tests to prove every listed ID resolves to its platform.
 */
size_t igp_platform_ids(const struct igp_platform *p, const uint16_t **ret);

/*
 * Support of one method by a platform (NULL = not an Intel iGPU: discrete
 * GPUs support full passthrough only), with a one-sentence reason naming the
 * platform.  The reason is a static or caller-freed string: *ret_reason must
 * be freed by the caller.
 */
enum igp_support igp_platform_supports(const struct igp_platform *p, enum igp_method m, char **ret_reason);

#endif
