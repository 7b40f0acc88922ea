/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SR-IOV virtual functions of a physical function (PF): how many the driver
 * offers (sriov_totalvfs), how many are enabled (sriov_numvfs), the VFs
 * themselves (virtfnN links), setting the count and making it survive a
 * reboot.  Binding VFs to vfio-pci is bind.h's job.
 *
 * Kernel behaviour this follows (drivers/pci/iov.c, sriov_numvfs_store()):
 *   - ENOENT: no driver is bound, or the bound driver has no
 *     sriov_configure (stock i915 on Gen12; the i915-sriov-dkms module is
 *     missing for this kernel);
 *   - ERANGE: more than sriov_totalvfs;
 *   - EBUSY:  VFs are enabled already and a different non-zero count was
 *     asked for: the count must go through 0 first.
 */
#ifndef IGP_SRIOV_H
#define IGP_SRIOV_H

#include <stdbool.h>
#include <stddef.h>

#include "model/pci.h"
#include "base/util.h"
#include "change/plan.h"

struct igp_sriov_vf {
	int index;			/* N of the PF's virtfnN link */
	char address[IGP_PCI_ADDR_MAX]; /* "0000:00:02.1" */
	char *driver;			/* bound driver, NULL if none */
	int iommu_group;		/* -1 without an IOMMU */
};

struct igp_sriov {
	char pf[IGP_PCI_ADDR_MAX];
	char *pf_driver;	  /* NULL if unbound */
	long totalvfs;		  /* sriov_totalvfs */
	long numvfs;		  /* sriov_numvfs */
	struct igp_sriov_vf *vfs; /* by index */
	size_t n_vfs;
};

/*
 * Read the SR-IOV state of PF (a full address).  -ENODEV when there is no
 * such device, -EOPNOTSUPP when it has no SR-IOV capability (no
 * sriov_totalvfs attribute).  Free with igp_sriov_free().
 */
int igp_sriov_load(const char *pf, struct igp_sriov **ret);
void igp_sriov_free(struct igp_sriov *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct igp_sriov *, igp_sriov_free);
#define _cleanup_sriov_ _cleanup_(igp_sriov_freep)

/*
 * Plan N enabled VFs (0 disables them) as kernel attribute writes in P
 * (plan.h; written under the lock, not journaled: the count is runtime
 * state).  Refuses N > totalvfs (-ERANGE).  Going from one non-zero count
 * to another writes 0 first (the kernel answers EBUSY otherwise) unless a
 * VF is bound to vfio-pci: it may be in a running VM, so that is -EBUSY,
 * and *ret_busy_vf (optional, caller frees) names it.  The kernel's errors
 * come when the plan is applied.
 */
int igp_sriov_plan_numvfs(const struct igp_sriov *s, long n, struct igp_plan *p, char **ret_busy_vf);

/*
 * Plan where the count is made persistent (file edits in P):
 *  - an existing sysfsutils line for this PF's sriov_numvfs in
 *    /etc/sysfs.conf or /etc/sysfs.d/NAME.conf is updated in place (the
 *    admin chose sysfsutils: keep it);
 *  - otherwise a udev rule, /etc/udev/rules.d/70-igpuctl-sriov-<pf>.rules,
 *    written when the PF is bound ("bind") or replayed at boot ("add" with
 *    the driver already bound), and only while sriov_numvfs is 0.  udev
 *    needs no extra package and runs whenever the driver (possibly a
 *    late-loading DKMS module) binds, which a one-shot sysfs.conf at boot
 *    cannot guarantee.
 * n == 0 removes igpuctl's rule (and sets a sysfsutils line to 0).
 * *ret_path (caller frees) names the file planned (the plan has no edit
 * when it already holds the count).
 */
int igp_sriov_plan_persist(struct igp_plan *p, const struct igp_pci_dev *pf, long n, char **ret_path);

/* The udev rule igpuctl writes for PF with N VFs (caller frees). */
char *igp_sriov_udev_rule(const char *pf, long n);
/* Where that rule lives (one file per PF, shared by `vfs --persist` and
 * `setup --mode sriov`); caller frees. */
char *igp_sriov_udev_rule_path(const char *pf);
/* The edit that writes that rule (a file of igpuctl's own), for both. */
int igp_sriov_plan_udev_rule(struct igp_plan *p, const char *pf, long n, const char *why);

#endif
