/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <limits.h>

#include "base/fileio.h"
#include "base/paths.h"
#include "base/strbuf.h"
#include "vgpu/sriov.h"
#include "base/util.h"

void igp_sriov_free(struct igp_sriov *s)
{
	if (!s)
		return;
	free(s->pf_driver);
	for (size_t i = 0; i < s->n_vfs; i++)
		free(s->vfs[i].driver);
	free(s->vfs);
	free(s);
}

static char *driver_of(const char *address)
{
	char *d = NULL;

	(void)igp_readlink_basenamef(&d, IGP_SYS_PCI_DEVICES "/%s/driver", address);
	return d;
}

static int vf_cmp(const void *a, const void *b)
{
	const struct igp_sriov_vf *x = a, *y = b;
	return x->index - y->index;
}

/* The VF behind PF's link NAME ("virtfn3"), appended to S; 0 when NAME is
 * no VF link. */
static int vf_add(struct igp_sriov *s, const char *name)
{
	_cleanup_free_ char *addr = NULL, *grp = NULL;
	struct igp_sriov_vf *nv, *vf;
	long idx, g;

	if (!startswith(name, "virtfn") || parse_long(name + strlen("virtfn"), 0, INT_MAX, &idx) < 0)
		return 0;
	if (igp_readlink_basenamef(&addr, IGP_SYS_PCI_DEVICES "/%s/%s", s->pf, name) < 0 ||
	    strlen(addr) >= IGP_PCI_ADDR_MAX)
		return 0;
	nv = realloc(s->vfs, (s->n_vfs + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	s->vfs = nv;
	vf = &s->vfs[s->n_vfs++];
	*vf = (struct igp_sriov_vf){.index = (int)idx, .iommu_group = -1};
	snprintf(vf->address, sizeof(vf->address), "%s", addr);
	vf->driver = driver_of(addr);
	if (igp_readlink_basenamef(&grp, IGP_SYS_PCI_DEVICES "/%s/iommu_group", addr) == 0 &&
	    parse_long(grp, 0, INT_MAX, &g) == 0)
		vf->iommu_group = (int)g;
	return 0;
}

int igp_sriov_load(const char *pf, struct igp_sriov **ret)
{
	_cleanup_sriov_ struct igp_sriov *s = NULL;
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (!igp_existsf(IGP_SYS_PCI_DEVICES "/%s", pf))
		return -ENODEV;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(s->pf, sizeof(s->pf), "%s", pf);
	r = igp_read_longf(&s->totalvfs, IGP_SYS_PCI_DEVICES "/%s/sriov_totalvfs", pf);
	if (r == -ENOENT)
		r = -EOPNOTSUPP;
	if (r >= 0)
		r = igp_read_longf(&s->numvfs, IGP_SYS_PCI_DEVICES "/%s/sriov_numvfs", pf);
	if (r >= 0 &&
	    igp_read_longf(&s->drivers_autoprobe, IGP_SYS_PCI_DEVICES "/%s/sriov_drivers_autoprobe", pf) < 0)
		s->drivers_autoprobe = -1;
	if (r >= 0)
		r = igp_list_dirf(&names, IGP_SYS_PCI_DEVICES "/%s", pf);
	if (r < 0)
		return r;
	s->pf_driver = driver_of(pf);
	for (char **n = names; *n; n++) {
		r = vf_add(s, *n);
		if (r < 0)
			return r;
	}
	if (s->n_vfs)
		qsort(s->vfs, s->n_vfs, sizeof(*s->vfs), vf_cmp);
	*ret = TAKE_PTR(s);
	return 0;
}

int igp_sriov_plan_numvfs(const struct igp_sriov *s, long n, struct igp_plan *p, char **ret_busy_vf)
{
	_cleanup_free_ char *attr = NULL;
	char buf[32];
	int r;

	if (n < 0)
		return -EINVAL;
	if (n > s->totalvfs)
		return -ERANGE;
	if (n == s->numvfs)
		return 0;
	attr = strdupf("%s/%s/sriov_numvfs", IGP_SYS_PCI_DEVICES, s->pf);
	if (!attr)
		return -ENOMEM;
	if (s->numvfs > 0) {
		/* Any change from a non-zero count removes every VF. */
		for (size_t i = 0; i < s->n_vfs; i++)
			if (streq_ptr(s->vfs[i].driver, "vfio-pci")) {
				if (ret_busy_vf) {
					*ret_busy_vf = strdup(s->vfs[i].address);
					if (!*ret_busy_vf)
						return -ENOMEM;
				}
				return -EBUSY;
			}
		if (n > 0) {
			r = igp_plan_add_attr(p, attr, "0",
					      "remove the VFs first (the kernel wants 0 between counts)");
			if (r < 0)
				return r;
		}
	}
	if (n > 0 && s->drivers_autoprobe > 0) {
		_cleanup_free_ char *ap =
		    strdupf("%s/%s/sriov_drivers_autoprobe", IGP_SYS_PCI_DEVICES, s->pf);
		r = ap ? igp_plan_add_attr(p, ap, "0", "no host driver probes the new VFs") : -ENOMEM;
		if (r < 0)
			return r;
	}
	snprintf(buf, sizeof(buf), "%ld", n);
	return igp_plan_add_attr(p, attr, buf, "the VF count");
}
