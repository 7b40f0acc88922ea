/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SR-IOV: the guests that use each VF of a PF (model/workloads.h), and a VF given to two of them. */
#include "base/strbuf.h"
#include "checks/checks_int.h"
#include "model/workloads.h"

int check_vf_users_text(struct check_ctx *c, const struct igp_pci_dev *gpu, const char *prefix, char **ret)
{
	_cleanup_strbuf_ struct strbuf b = {};
	struct igp_vf_users *v;
	size_t n;
	int r;

	*ret = NULL;
	if (gpu->sriov_numvfs <= 0)
		return 0;
	r = igp_host_vf_users(c->h, gpu, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_strbuf_ struct strbuf who = {};
		for (char **u = v[i].users; *u; u++)
			if (!prefix || startswith(*u, prefix))
				strbuf_word(&who, ", ", *u);
		if (!strbuf_empty(&who))
			strbuf_wordf(&b, ", ", "%s (%s)", v[i].vf->address, who.s);
		b.oom |= who.oom;
	}
	igp_vf_users_free(v, n);
	if (strbuf_empty(&b))
		return b.oom ? -ENOMEM : 0;
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

/* The VFs that guests use (USED) and those given to several guests that
 * exclude each other (BAD); the count of VFs no guest uses. */
static size_t vf_users_judge(const struct igp_vf_users *v, size_t n, struct strbuf *used, struct strbuf *bad)
{
	size_t free_vfs = 0;

	for (size_t i = 0; i < n; i++) {
		_cleanup_strbuf_ struct strbuf who = {};
		if (!v[i].users[0]) {
			free_vfs++;
			continue;
		}
		for (char **u = v[i].users; *u; u++)
			strbuf_word(&who, u[1] ? ", " : (u == v[i].users ? "" : " and "), *u);
		used->oom |= who.oom;
		if (who.oom)
			continue;
		strbuf_wordf(used, ", ", "%s (%s)", v[i].vf->address, who.s);
		if (v[i].conflict)
			strbuf_wordf(bad, " ", "VF %s is given to %s.", v[i].vf->address, who.s);
	}
	return free_vfs;
}

int check_sriov_vf_users(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.vf_users";
	_cleanup_strbuf_ struct strbuf used = {}, bad = {};
	struct igp_vf_users *v = NULL;
	size_t n = 0, free_vfs;
	int r;

	if (gpu->sriov_totalvfs < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "%s has no SR-IOV capability.",
				 gpu->address);
	if (gpu->sriov_numvfs <= 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "No virtual functions are enabled on %s.",
				 gpu->address);
	r = igp_host_vf_users(c->h, gpu, &v, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "sriov_numvfs of %s is %d, but no PCI device has a physfn link to it.",
				 gpu->address, gpu->sriov_numvfs);
	free_vfs = vf_users_judge(v, n, &used, &bad);
	igp_vf_users_free(v, n);
	if (used.oom || bad.oom)
		return -ENOMEM;
	/* vfio-pci hands a device to one user at a time (the group's
	 * container, drivers/vfio/group.c): the second VM to start fails to
	 * open the VF, and a CT loses the render node of a VF that a VM takes. */
	if (!strbuf_empty(&bad))
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Give each guest its own VF: `igpuctl vfs %s` shows who uses which, "
			    "`igpuctl vm proxmox VMID %s --vf next` picks a free one.",
			    gpu->address, gpu->address),
		    "%s Only one of them can have it: the second VM to start fails, its VF busy in "
		    "vfio-pci.",
		    bad.s);
	if (!strbuf_empty(&used))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "VFs of %s in use: %s; %zu free.",
				 gpu->address, used.s, free_vfs);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			 "No guest uses a VF of %s yet; %zu free (`igpuctl vm proxmox VMID %s --vf next`).",
			 gpu->address, free_vfs, gpu->address);
}
