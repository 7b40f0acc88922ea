/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-VF scheduling of an SR-IOV PF, as the PF's driver offers it:
 *   - xe (Linux 6.19+, drivers/gpu/drm/xe/xe_sriov_pf_sysfs.c):
 *     PF/sriov_admin/vfN/profile/{exec_quantum_ms,preempt_timeout_us,
 *     sched_priority}; sched_priority is one of low, normal, high, shown as
 *     "[low] normal", and read-only for VFs while the GuC firmware lets only
 *     the PF change it (sched_priority_change_allowed());
 *   - i915-sriov-dkms (strongtz/i915-sriov-dkms,
 *     drivers/gpu/drm/i915/i915_sriov_sysfs.c: SRIOV_KOBJ_HOME_NAME
 *     "prelim_iov" under the DRM card; gt/iov/intel_iov_sysfs.c: "gt%u" with
 *     exec_quantum_ms and preempt_timeout_us): PF/drm/cardN/prelim_iov/vfN/gt0/.
 *     It has no per-VF priority.
 * N counts from 1: vf1 is the first VF (virtfn0, the PF's function + 1).
 * Paths here are relative to the PF's directory, so that the same attribute
 * can be written now and persisted (sriov_persist.h).
 */
#ifndef IGP_SRIOV_SCHED_H
#define IGP_SRIOV_SCHED_H

#include "vgpu/sriov.h"

extern const char *const igp_sriov_sched_keys[]; /* NULL-terminated */

/* The directory of VF's scheduling attributes, relative to the PF
 * (caller frees): -EOPNOTSUPP when the PF's driver has none. */
int igp_sriov_sched_dir(const struct igp_sriov *s, int vf, char **ret);

/*
 * Check "KEY=VALUE" for VF: *ret_attr "DIR/KEY=VALUE" relative to the PF
 * (caller frees).  On bad input a negative errno and the one-line reason in
 * *ret_error (caller frees): unknown key (-EINVAL), VF out of range
 * (-ERANGE), no such attribute with this driver or read-only (-EOPNOTSUPP),
 * a bad value (-EINVAL).
 */
int igp_sriov_sched_parse(const struct igp_sriov *s, int vf, const char *kv, char **ret_attr,
			  char **ret_error);

/* The current value of KEY for VF (caller frees; the chosen one for a
 * choice), NULL when the driver has none. */
char *igp_sriov_sched_read(const struct igp_sriov *s, int vf, const char *key);

#endif
