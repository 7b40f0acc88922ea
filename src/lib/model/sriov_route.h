/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which SR-IOV route applies to an Intel iGPU on a kernel release, which one
 * is in use now, and which to take on the kernel that boots next: part of
 * the host model (host.h), read on first use and kept per kernel release.
 *
 *  - upstream xe: the platform table (platform.h) gives the first kernel
 *    whose xe runs the platform as a PF and whether it needs
 *    xe.force_probe=<device id> (TGL, ADL-S/P/N, RPL from 6.18; Panther
 *    and Wildcat Lake without; none for Rocket, Meteor, Arrow, Lunar Lake);
 *  - i915-sriov-dkms (github.com/strongtz/i915-sriov-dkms): its module file
 *    under /lib/modules/KVER/updates/dkms/, that file's vermagic (libkmod),
 *    the installed release (the DKMS tree, else the package) and the
 *    kernels that release supports (the project's README and release
 *    notes: 2026.05 6.17-7.0, 2026.03 6.12-6.19, 2025.07 6.8-6.12).
 */
#ifndef IGP_SRIOV_ROUTE_H
#define IGP_SRIOV_ROUTE_H

#include <stdbool.h>

#include "model/host.h"
#include "model/platform.h"

enum igp_sriov_route_kind {
	IGP_SRIOV_ROUTE_NONE,
	IGP_SRIOV_ROUTE_XE,   /* upstream xe, xe.max_vfs */
	IGP_SRIOV_ROUTE_DKMS, /* i915 of i915-sriov-dkms, i915.max_vfs */
};

/* "none", "xe", "i915-sriov-dkms" */
const char *igp_sriov_route_name(enum igp_sriov_route_kind k);
/* The driver a route binds to the PF: "xe", "i915", NULL for none. */
const char *igp_sriov_route_driver(enum igp_sriov_route_kind k);

/* xe's max_vfs default from Linux 6.17 on: "unlimited", U32_MAX
 * (xe_modparam.max_vfs, drivers/gpu/drm/xe/xe_module.c); the PF caps it at
 * sriov_totalvfs. */
#define XE_MAX_VFS_UNLIMITED 4294967295L
#define XE_MAX_VFS_UNLIMITED_SINCE "6.17"

/* The routes of one platform on one kernel release. */
struct igp_sriov_routes {
	const struct igp_platform *platform; /* NULL: not a known Intel iGPU */
	char *kernel;			     /* "7.0.2-1-pve" */

	/* upstream xe */
	bool xe;	  /* xe has SR-IOV for the platform on this kernel */
	bool force_probe; /* ... and needs xe.force_probe=<device id> */
	/* xe's max_vfs defaults to XE_MAX_VFS_UNLIMITED on this kernel: the
	 * parameter is needed only to lower it */
	bool xe_max_vfs_unlimited;
	char *xe_why; /* one sentence naming the platform and kernel */

	/* i915-sriov-dkms */
	char *dkms_version;  /* installed release ("2026.05.01"), NULL if none */
	char *dkms_source;   /* where the release was read: "/var/lib/dkms/i915-sriov-dkms/2026.05.01" */
	char *dkms_module;   /* the module file for this kernel, NULL if none */
	char *dkms_vermagic; /* its vermagic, NULL when libkmod cannot read it (fit unknown) */
	bool dkms_built;     /* the module exists and its vermagic names this kernel */
	const char *dkms_min, *dkms_max; /* the release's supported kernels, NULL when unknown */
	int dkms_in_range;		 /* 1 in the range, 0 outside, -1 unknown release */
	bool dkms_platform;		 /* i915-sriov-dkms drives the platform at all */
};

/*
 * The routes for GPU (its platform) on kernel release KVER (NULL: the
 * running kernel); borrowed, kept until the host is freed.  -EINVAL when
 * there is no release, -ENOMEM.
 */
int igp_host_sriov_routes(const struct igp_host *h, const struct igp_pci_dev *gpu, const char *kver,
			  const struct igp_sriov_routes **ret);

/*
 * The route in use now: xe bound with a max_vfs parameter, i915 bound with
 * /sys/module/i915/parameters/max_vfs (which only the DKMS module has),
 * else none.
 */
enum igp_sriov_route_kind igp_host_sriov_in_use(const struct igp_host *h, const struct igp_pci_dev *gpu);

/*
 * The route that works on the kernel that boots next (the running one when
 * that cannot be told), preferring one without out-of-tree code: xe, else
 * i915-sriov-dkms (built for that kernel, or to install), else none; with a
 * one-sentence reason naming the kernel it rests on (caller frees) and that
 * kernel's routes.
 */
int igp_host_sriov_recommend(const struct igp_host *h, const struct igp_pci_dev *gpu,
			     enum igp_sriov_route_kind *ret, char **ret_why,
			     const struct igp_sriov_routes **ret_routes);

/*
 * The route setup takes without --sriov-driver: the one in use when it
 * works on the kernel that boots next (a working host is not switched),
 * else igp_host_sriov_recommend()'s; with its one-sentence reason.
 */
int igp_host_sriov_choose(const struct igp_host *h, const struct igp_pci_dev *gpu,
			  enum igp_sriov_route_kind *ret, char **ret_why);

/*
 * Secure Boot as the firmware reports it: the UEFI variable SecureBoot
 * (/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0ca4d5d3f4c:
 * 4 attribute bytes, then the value, 1 = on); 1 on, 0 off, -ENOENT when the
 * host did not boot through UEFI or the variable is missing.
 */
int igp_host_secure_boot(const struct igp_host *h);

/*
 * The max_vfs in force for GPU under driver DRV ("xe" or "i915"): for xe
 * the device's own configfs value (IGP_SYS_KERNEL_CONFIG_XE/ADDR/sriov/
 * max_vfs, "unlimited" is XE_MAX_VFS_UNLIMITED; it overrides the module
 * parameter for that device), else the loaded module's parameter, else the
 * running command line's DRV.max_vfs.  -1 when none is set; *ret_where
 * (may be NULL) names the place: "configfs", "module", "cmdline".
 */
long igp_host_max_vfs(const struct igp_host *h, const struct igp_pci_dev *gpu, const char *drv,
		      const char **ret_where);

/* Does xe on GPU need no max_vfs from igpuctl?  Its default on the kernel
 * that boots next is unlimited (XE_MAX_VFS_UNLIMITED_SINCE) and nothing in
 * force sets it lower.  setup writes none then, and check wants none. */
bool igp_host_xe_max_vfs_default_ok(const struct igp_host *h, const struct igp_pci_dev *gpu);

/* ---- pure helpers, for the model and its tests ---- */

/* xe's SR-IOV for platform P on KVER: true and *force_probe, else false. */
bool igp_sriov_xe_on(const struct igp_platform *p, const char *kver, bool *force_probe);
/* The kernels (MAJOR.MINOR) an i915-sriov-dkms release supports; false
 * when the release is not one whose range is known. */
bool igp_sriov_dkms_range(const char *version, const char **ret_min, const char **ret_max);
/* The newest i915-sriov-dkms release line (e.g. "2026.05") that supports
 * KVER, with its range; NULL when none known does. */
const char *igp_sriov_dkms_release_for(const char *kver, const char **ret_min, const char **ret_max);
/* Compare the MAJOR.MINOR of two kernel releases ("6.8.12-4-pve" and
 * "6.8" are equal); <0, 0, >0. */
int igp_kver_cmp_minor(const char *a, const char *b);
/* VERMAGIC names KVER: its first word is exactly the release. */
bool igp_vermagic_matches(const char *vermagic, const char *kver);

#endif
