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
	long drivers_autoprobe;	  /* sriov_drivers_autoprobe, -1 when absent */
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
 * state).  Only sriov_numvfs changes, never the driver's max_vfs.  Before
 * VFs appear, sriov_drivers_autoprobe is set to 0 (drivers/pci/iov.c:
 * pci_iov_add_virtfn() then makes no driver probe them), so no host driver
 * takes a VF meant for a VM: vfio-pci gets them with `vfs --bind`, the host
 * GPU driver with `bind VF --driver`.  Refuses N > totalvfs (-ERANGE).  Going from one non-zero count
 * to another writes 0 first (the kernel answers EBUSY otherwise) unless a
 * VF is bound to vfio-pci: it may be in a running VM, so that is -EBUSY,
 * and *ret_busy_vf (optional, caller frees) names it.  The kernel's errors
 * come when the plan is applied.
 */
int igp_sriov_plan_numvfs(const struct igp_sriov *s, long n, struct igp_plan *p, char **ret_busy_vf);

#endif
