/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm ... --vf next|N [--force]: which SR-IOV VF of a PF goes to the
 * VM, and the refusal to give a VF that another guest uses.  Who uses a VF
 * is the host model's answer (model/workloads.h), the same that `vfs`,
 * `status` and `check` show.
 */
#include <limits.h>

#include "base/strbuf.h"
#include "cmd.h"
#include "model/workloads.h"
#include "vgpu/sriov.h"
#include "vm_int.h"

/* The VMs other than SELF that use d, ", " between them ("" when none;
 * NULL on ENOMEM or when the guests cannot be read: *ret_r says).  The
 * containers that use d are refuse_ct_takers()'s. */
static char *other_users(const struct igp_host *h, const struct igp_pci_dev *d, const char *self, int *ret_r)
{
	_cleanup_strv_free_ char **users = NULL;
	_cleanup_strbuf_ struct strbuf b = {};
	const struct igp_workloads *ws;
	char *s;

	*ret_r = igp_host_workloads(h, &ws);
	if (*ret_r >= 0)
		*ret_r = igp_device_users_of(ws, d, IGP_WORKLOADS_VMS, &users, NULL);
	if (*ret_r < 0)
		return NULL;
	for (char **u = users; *u; u++)
		if (!streq_ptr(*u, self))
			strbuf_word(&b, ", ", *u);
	s = b.oom ? NULL : strdup(b.s ? b.s : "");
	if (!s)
		*ret_r = -ENOMEM;
	return s;
}

int vm_vf_refuse_used(const struct igp_host *h, const char *address, const char *self, bool force)
{
	_cleanup_free_ char *others = NULL;
	struct igp_pci_dev *d;
	int r;

	if (igp_host_find(h, address, &d) < 0 || !d->physfn)
		return EXIT_OK;
	others = other_users(h, d, self, &r);
	if (!others)
		return log_error_errno(r, "Failed to read the guests that use %s", address);
	if (!*others)
		return EXIT_OK;
	if (force) {
		fprintf(stderr, "Note: %s is used by %s too (--force): only one of them can run at a time.\n",
			address, others);
		return EXIT_OK;
	}
	return log_error("VF %s is used by %s already: a VF goes to one VM at a time (pick a free one with "
			 "--vf next, see `igpuctl vfs %s`, or --force)",
			 address, others, d->physfn);
}

/* Rank of a VF for --vf next, lower is better: the VF SELF already uses (run
 * again, the same answer), then free VFs on vfio-pci or no driver, then free
 * VFs a host driver holds (i915, xe: maybe in use on the host); -1 used. */
static int vf_rank(const struct igp_vf_users *v, const char *self)
{
	bool mine = false;

	for (char **u = v->users; *u; u++) {
		if (!streq_ptr(*u, self))
			return -1;
		mine = true;
	}
	if (mine)
		return 0;
	if (!v->vf->driver || streq(v->vf->driver, "vfio-pci"))
		return 1;
	return 2;
}

static int pick_next(const struct igp_host *h, const struct igp_pci_dev *pf, const char *self, char **ret)
{
	struct igp_vf_users *v;
	size_t n, best = SIZE_MAX;
	int best_rank = INT_MAX, r;

	r = igp_host_vf_users(h, pf, &v, &n);
	if (r < 0)
		return log_error_errno(r, "Failed to read the guests that use the VFs of %s", pf->address);
	for (size_t i = 0; i < n; i++) {
		int k = vf_rank(&v[i], self);
		if (k >= 0 && k < best_rank) {
			best_rank = k;
			best = i;
		}
	}
	if (best == SIZE_MAX) {
		igp_vf_users_free(v, n);
		return log_error(
		    "Every VF of %s is used by a guest (`igpuctl vfs %s` shows which): enable more "
		    "(igpuctl vfs %s --count N --persist) or give one with --vf N --force",
		    pf->address, pf->address, pf->address);
	}
	fprintf(stderr, "Picked VF %s of %s (%s%s): %s.\n", v[best].vf->address, pf->address,
		v[best].vf->driver ? "on " : "", v[best].vf->driver ? v[best].vf->driver : "no driver",
		best_rank == 0 ? "this guest uses it already" : "no guest uses it");
	if (best_rank == 2)
		fprintf(stderr,
			"Note: no free VF is on vfio-pci; %s is bound to %s, which may use it on the host.\n",
			v[best].vf->address, v[best].vf->driver);
	*ret = strdup(v[best].vf->address);
	igp_vf_users_free(v, n);
	return *ret ? EXIT_OK : log_error_errno(-ENOMEM, "Failed to pick a VF");
}

/* --vf N: VF number N of the PF, as `igpuctl vfs` and the drivers number them
 * (from 1: VF N is the PF's virtfn<N-1> link). */
static int pick_index(const struct igp_pci_dev *pf, long index, char **ret)
{
	_cleanup_sriov_ struct igp_sriov *s = NULL;
	int r = igp_sriov_load(pf->address, &s);

	if (r < 0)
		return log_error_errno(r, "Failed to read the VFs of %s", pf->address);
	for (size_t i = 0; i < s->n_vfs; i++)
		if (s->vfs[i].index + 1 == index) {
			*ret = strdup(s->vfs[i].address);
			return *ret ? EXIT_OK : log_error_errno(-ENOMEM, "Failed to pick a VF");
		}
	return log_error("%s has no VF %ld: its VFs are 1 to %zu (`igpuctl vfs %s`)", pf->address, index,
			 s->n_vfs, pf->address);
}

int vm_vf_pick(const struct igp_host *h, const char *spec, const char *vf, const char *self, char **ret)
{
	struct igp_pci_dev *pf;
	long index = -1;
	int r;

	if (!streq(vf, "next") && parse_count(vf, 1, 65535, &index) < 0)
		return log_usage("vm", "--vf takes next or a VF number (as `igpuctl vfs` shows), not '%s'",
				 vf);
	r = igp_host_find(h, spec, &pf);
	if (r == -EINVAL)
		return log_usage("vm", "--vf needs the PF's PCI address as DEVICE, not '%s'", spec);
	if (r < 0)
		return log_error("No PCI device %s on this host", spec);
	if (pf->physfn)
		return log_usage("vm", "%s is a VF already: give it without --vf, or its PF %s with --vf",
				 pf->address, pf->physfn);
	if (pf->sriov_totalvfs < 0)
		return log_error("%s has no SR-IOV capability: --vf is for a PF's virtual functions",
				 pf->address);
	if (pf->sriov_numvfs <= 0)
		return log_error("%s has no VFs enabled: igpuctl vfs %s --count N --persist", pf->address,
				 pf->address);
	return index >= 0 ? pick_index(pf, index, ret) : pick_next(h, pf, self, ret);
}
