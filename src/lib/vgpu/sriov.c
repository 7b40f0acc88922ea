/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <limits.h>

#include "base/fileio.h"
#include "modules/modconf.h"
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
	snprintf(buf, sizeof(buf), "%ld", n);
	return igp_plan_add_attr(p, attr, buf, "the VF count");
}

char *igp_sriov_udev_rule(const char *pf, long n)
{
	/*
	 * "bind": the PF's driver (possibly a DKMS module loaded late) just
	 * bound.  "add" with DRIVER set: udev's coldplug replay at boot for a
	 * PF that was bound in the initramfs, before udevd ran.  Only while
	 * sriov_numvfs is 0, because the kernel refuses (EBUSY) to change a
	 * non-zero count.
	 */
	return strdupf("# Written by igpuctl (igpuctl vfs %s --count %ld --persist):\n"
		       "# enable %ld SR-IOV virtual functions of %s when its driver binds.\n"
		       "ACTION==\"add|bind\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", DRIVER==\"?*\", "
		       "ATTR{sriov_totalvfs}==\"?*\", ATTR{sriov_numvfs}==\"0\", "
		       "ATTR{sriov_numvfs}=\"%ld\"\n",
		       pf, n, n, pf, pf, n);
}

/* sysfsutils keys are paths relative to /sys; both spellings of the PF work. */
static bool sysfs_key_matches(const char *key, size_t len, const struct igp_pci_dev *pf)
{
	_cleanup_free_ char *by_bus = strdupf("bus/pci/devices/%s/sriov_numvfs", pf->address);
	_cleanup_free_ char *by_dev = NULL;

	if (igp_sysfs_relative(pf->sysfs_path))
		by_dev = strdupf("%s/sriov_numvfs", igp_sysfs_relative(pf->sysfs_path));
	if (by_bus && strlen(by_bus) == len && strncmp(key, by_bus, len) == 0)
		return true;
	return by_dev && strlen(by_dev) == len && strncmp(key, by_dev, len) == 0;
}

/*
 * Find this PF's sriov_numvfs line in a sysfsutils file and return the file
 * with the value replaced by n (*ret_new), or -ENOENT when no line matches.
 */
static int sysfs_conf_edit(const char *content, const struct igp_pci_dev *pf, long n, char **ret_new)
{
	_cleanup_strbuf_ struct strbuf out = {};
	const char *line = content;
	bool found = false;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		const char *k = line, *eq;
		size_t kl = 0;

		while (k < line + ll && (*k == ' ' || *k == '\t'))
			k++;
		eq = memchr(k, '=', ll - (size_t)(k - line));
		if (*k != '#' && eq) {
			kl = (size_t)(eq - k);
			while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
				kl--;
		}
		if (kl && sysfs_key_matches(k, kl, pf)) {
			strbuf_printf(&out, "%.*s = %ld", (int)kl, k, n);
			found = true;
		} else
			strbuf_add(&out, line, ll);
		if (!eol)
			break;
		strbuf_putc(&out, '\n');
		line = eol + 1;
	}
	if (!found)
		return -ENOENT;
	*ret_new = strbuf_steal(&out);
	return *ret_new ? 0 : -ENOMEM;
}

/*
 * In igpuctl's own sysfs.d file (setup --mode sriov) every line is
 * igpuctl's.  In the admin's file igpuctl only changed the value of the
 * admin's line: taking igpuctl's lines out (IGP_UNDO_LINES) would take the
 * admin's line with them, so only a byte-exact restore is safe there (a
 * file changed since is left to the admin, with the backup named).
 */
static int sysfs_undo(const char *path, const char *new, struct igp_undo *ret)
{
	*ret = (struct igp_undo){.kind = IGP_UNDO_NONE};
	if (!streq(path, IGP_ETC_SYSFS_D_IGPUCTL))
		return 0;
	ret->kind = IGP_UNDO_OWNED;
	return strv_split(new, "\n", &ret->lines);
}

static int sysfsutils_files(char ***ret)
{
	_cleanup_strv_free_ char **files = NULL, **confd = NULL;

	if (strv_push(&files, IGP_ETC_SYSFS_CONF) < 0)
		return -ENOMEM;
	if (igp_list_dir(IGP_ETC_SYSFS_D, &confd) == 0)
		for (char **c = confd; *c; c++)
			if (endswith(*c, ".conf")) {
				char *p = igp_path_join(IGP_ETC_SYSFS_D, *c);
				if (!p || strv_consume(&files, p) < 0)
					return -ENOMEM;
			}
	*ret = TAKE_PTR(files);
	return 0;
}

static int plan_sysfsutils(struct igp_plan *p, const struct igp_pci_dev *pf, long n, char **ret_path)
{
	_cleanup_strv_free_ char **files = NULL;
	int r;

	r = sysfsutils_files(&files);
	if (r < 0)
		return r;
	for (char **f = files; *f; f++) {
		_cleanup_free_ char *old = NULL, *new = NULL;
		struct igp_undo u;

		if (igp_read_optional(*f, &old) < 0 || !old)
			continue;
		r = sysfs_conf_edit(old, pf, n, &new);
		if (r == -ENOENT)
			continue;
		if (r >= 0)
			r = sysfs_undo(*f, new, &u);
		if (r < 0)
			return r;
		*ret_path = strdup(*f);
		if (!*ret_path) {
			igp_undo_done(&u);
			return -ENOMEM;
		}
		return igp_plan_add_file(p, *f, TAKE_PTR(old), TAKE_PTR(new), 0644, &u, 0,
					 "VF count at boot (sysfsutils)");
	}
	return -ENOENT;
}

char *igp_sriov_udev_rule_path(const char *pf)
{
	return strdupf("%s/70-igpuctl-sriov-%s.rules", IGP_ETC_UDEV_RULES_D, pf);
}

int igp_sriov_plan_udev_rule(struct igp_plan *p, const char *pf, long n, const char *why)
{
	_cleanup_free_ char *path = igp_sriov_udev_rule_path(pf), *rule = igp_sriov_udev_rule(pf, n);

	if (!path || !rule)
		return -ENOMEM;
	return igp_modconf_plan_owned(p, path, rule, 0, why);
}

/* Remove igpuctl's rule, if there is one. */
static int plan_rule_removal(struct igp_plan *p, const char *path)
{
	struct igp_undo u = {.kind = IGP_UNDO_OWNED};
	char *old = NULL;
	int r = igp_read_optional(path, &old);

	if (r < 0 || !old)
		return r;
	return igp_plan_add_file(p, path, old, NULL, 0644, &u, 0, "VF count at boot (udev rule)");
}

int igp_sriov_plan_persist(struct igp_plan *p, const struct igp_pci_dev *pf, long n, char **ret_path)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (n < 0)
		return -EINVAL;
	r = plan_sysfsutils(p, pf, n, ret_path);
	if (r != -ENOENT)
		return r;
	path = igp_sriov_udev_rule_path(pf->address);
	if (!path)
		return -ENOMEM;
	r = n > 0 ? igp_sriov_plan_udev_rule(p, pf->address, n, "VF count at boot (udev rule)")
		  : plan_rule_removal(p, path);
	if (r >= 0)
		*ret_path = TAKE_PTR(path);
	return r;
}
