/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preflight checks of `igpuctl check`: every requirement and
 * troubleshooting step of the two guides (full passthrough on Proxmox VE,
 * GVT-g) and the pitfalls users run into, as a model.  A check has a stable
 * id ("iommu.enabled"), a status, one or two sentences about what was found,
 * and for anything not passing the exact remedy for this host (its boot
 * loader, its kernel, its device IDs).  docs/checks.md maps each guide step
 * to its check id.
 *
 * The checks only read (through paths.h); nothing here prints or changes
 * the host.
 */
#ifndef IGP_CHECKS_H
#define IGP_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/enumstr.h"
#include "model/host.h"
#include "model/platform.h"
#include "model/sriov_route.h"

enum igp_check_status {
	IGP_CHECK_PASS,
	IGP_CHECK_SKIP, /* does not apply here, or cannot be determined */
	IGP_CHECK_WARN,
	IGP_CHECK_FAIL,
};

/* "pass", "skip", "warn", "fail" */
IGP_ENUM_DECL(igp_check_status, enum igp_check_status);

struct igp_check {
	const char *id; /* static, stable: "iommu.enabled" */
	char *device;	/* the GPU of a per-device check; NULL for the host */
	enum igp_check_status status;
	char *message; /* what was found */
	char *remedy;  /* what to do; NULL when nothing is to be done */
};

struct igp_check_report {
	struct igp_check *checks; /* in the order they ran */
	size_t n_checks;
};

/* One GPU and the method to check it for. */
struct igp_check_target {
	const struct igp_pci_dev *gpu; /* borrowed from the host */
	enum igp_method mode;
	/* sriov: the route chosen for it (setup's --sriov-driver); NONE: the
	 * checks take the configured one, the one in use, else the route
	 * model's recommendation (model/sriov_route.h). */
	enum igp_sriov_route_kind sriov_route;
};

/*
 * Run the checks: the host-wide ones once, for every mode among the
 * targets (and `extra_modes`, a bit mask of 1 << enum igp_method, for a
 * host without any GPU), then the per-device ones of each target.  With no
 * target, `gpu.present` fails.  Returns 0 and *ret (free it with
 * igp_check_report_done()) or a negative errno.
 */
int igp_checks_run(const struct igp_host *h, const struct igp_check_target *targets, size_t n_targets,
		   unsigned extra_modes, struct igp_check_report *ret);
void igp_check_report_done(struct igp_check_report *r);

/*
 * The findings about one GPU: for each mode asked for (`modes`, a bit mask
 * of 1 << enum igp_method), exactly the warn and fail results of
 * `igpuctl check --mode MODE ADDR` (the host-wide checks of that mode and
 * the GPU's device checks), in check's order.  This is the one answer to
 * "what is wrong or missing for MODE": status, setup, vgpu and vm read it
 * from here.  The host facts the checks load are read once for all modes.
 * Returns 0 and *ret (free it with igp_gpu_findings_done()), or a negative
 * errno; a mode not asked for has an empty report.
 */
#define IGP_MODES_ALL ((1u << _IGP_METHOD_MAX) - 1)
struct igp_gpu_findings {
	struct igp_check_report mode[_IGP_METHOD_MAX];
};
int igp_gpu_findings_get(const struct igp_host *h, const struct igp_pci_dev *gpu, unsigned modes,
			 struct igp_gpu_findings *ret);
/* The same, for the SR-IOV route ROUTE (what setup chose; NONE as above). */
int igp_gpu_findings_get_route(const struct igp_host *h, const struct igp_pci_dev *gpu, unsigned modes,
			       enum igp_sriov_route_kind route, struct igp_gpu_findings *ret);
void igp_gpu_findings_done(struct igp_gpu_findings *f);
/* The finding with that id in a report, or NULL. */
const struct igp_check *igp_check_report_find(const struct igp_check_report *r, const char *id);
/* The worst status of the report (skip counts as pass). */
enum igp_check_status igp_check_report_worst(const struct igp_check_report *r);

/* Every check id with the modes it applies to and a one-line summary, for
 * `igpuctl check --list` and docs/checks.md.  NULL-terminated by id. */
struct igp_check_info {
	const char *id;
	unsigned modes; /* 1 << enum igp_method */
	const char *summary;
};
const struct igp_check_info *igp_check_infos(void);

/* ---- pure helpers (unit-tested; no file access) ---- */

/* "6.8.12-4-pve" -> 6, 8.  -EINVAL when it does not start with N.N. */
int igp_kernel_version_parse(const char *release, int *ret_major, int *ret_minor);
/* Compare a release with major.minor: 0 and *ret_cmp >0 / 0 / <0 as the
 * release is newer / the same / older; -EINVAL if it cannot be parsed. */
int igp_kernel_version_cmp(const char *release, int major, int minor, int *ret_cmp);

/*
 * RLIMIT_MEMLOCK entries of limits.conf(5) text that apply to members of
 * GROUP: lines for "@GROUP" and the "*" wildcard ("@GROUP" wins over "*",
 * and a later line over an earlier one of the same domain, as pam_limits
 * reads them).  *soft and *hard are KiB, -1 for unlimited, and left as they
 * are when the text does not set them (so several files can be fed in
 * order).  *prio tracks which domain set them (0 none, 1 "*", 2 "@GROUP").
 */
struct igp_memlock {
	long long soft, hard; /* KiB; -1 unlimited; -2 not set */
	int soft_prio, hard_prio;
	char *soft_where, *hard_where; /* "FILE:LINE" of the deciding line */
};
#define IGP_MEMLOCK_INIT                                                                                     \
	{                                                                                                    \
		.soft = -2, .hard = -2                                                                       \
	}
int igp_limits_memlock_feed(struct igp_memlock *m, const char *text, const char *file, const char *group);
void igp_memlock_done(struct igp_memlock *m);

/*
 * A firmware framebuffer claim ("efifb", "simplefb", "vesafb", "BOOTFB",
 * "simple-framebuffer", "efi-framebuffer", "vesa-framebuffer") in
 * /proc/iomem text that overlaps [start, end].  0 and its name (caller
 * frees), -ENOENT when none, -EACCES when the file shows only zero
 * addresses (it does for readers without CAP_SYS_ADMIN).
 */
int igp_iomem_framebuffer(const char *iomem, uint64_t start, uint64_t end, char **ret_name);

/* Interrupt remapping supported by a VT-d unit: bit 3 (IR) of its
 * intel-iommu/ecap register, given as hex text.  -EINVAL if unparseable. */
int igp_vtd_ecap_has_ir(const char *ecap_hex);

#endif
