/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>

#include "model/host.h"
#include "model/host_cache.h"
#include "base/paths.h"
#include "base/util.h"

static int cmp_devp(const void *a, const void *b)
{
	const struct igp_pci_dev *x = *(struct igp_pci_dev *const *)a, *y = *(struct igp_pci_dev *const *)b;
	return igp_pci_addr_cmp(&x->addr, &y->addr);
}

static struct igp_pci_dev *find_exact(const struct igp_host *h, const struct igp_pci_addr *a)
{
	/* devs is sorted: binary search keeps 2,000-function hosts fast. */
	size_t lo = 0, hi = h->n_devs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = igp_pci_addr_cmp(&h->devs[mid]->addr, a);
		if (c == 0)
			return h->devs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct igp_pci_dev *find_by_name(const struct igp_host *h, const char *name)
{
	struct igp_pci_addr a;
	if (igp_pci_addr_parse(name, &a) < 0)
		return NULL;
	return find_exact(h, &a);
}

/* The deepest PCI function named in a canonical sysfs path. */
static struct igp_pci_dev *pci_dev_of_path(const struct igp_host *h, const char *path)
{
	_cleanup_strv_free_ char **parts = NULL;
	struct igp_pci_dev *found = NULL;

	if (strv_split(path, "/", &parts) < 0)
		return NULL;
	for (char **p = parts; *p; p++) {
		struct igp_pci_dev *d = find_by_name(h, *p);
		if (d)
			found = d;
	}
	return found;
}

static void add_role(struct igp_pci_dev *d, enum igp_role role, const char *detail)
{
	d->roles |= role;
	if (!detail)
		return;
	if (!d->role_detail) {
		d->role_detail = strdup(detail);
	} else if (!strstr(d->role_detail, detail)) {
		char *n = strdupf("%s, %s", d->role_detail, detail);
		if (n) {
			free(d->role_detail);
			d->role_detail = n;
		}
	}
}

/* ---- storage behind mounted filesystems ---- */

static void mark_block(struct igp_host *h, const char *name, const char *what, unsigned depth)
{
	_cleanup_free_ char *real = NULL;
	_cleanup_strv_free_ char **sl = NULL;
	struct igp_pci_dev *d;

	if (depth > 8)
		return;
	if (igp_realpathf(&real, "%s/%s", IGP_SYS_CLASS_BLOCK, name) < 0)
		return;
	d = pci_dev_of_path(h, real);
	if (d) {
		add_role(d, IGP_ROLE_MOUNTED_STORAGE, what);
		return;
	}
	/* device-mapper (LVM, LUKS) and md RAID: follow the lower devices. */
	if (igp_list_dirf(&sl, "%s/%s/slaves", IGP_SYS_CLASS_BLOCK, name) >= 0)
		for (char **s = sl; *s; s++)
			mark_block(h, *s, what, depth + 1);
}

/* Name of the block device under /sys/class/block for a mount source. */
static char *block_name_of_source(const char *src)
{
	_cleanup_strv_free_ char **dms = NULL;

	if (startswith(src, IGP_DEV_MAPPER_PREFIX)) {
		const char *want = src + strlen(IGP_DEV_MAPPER_PREFIX);
		if (igp_list_dir(IGP_SYS_CLASS_BLOCK, &dms) < 0)
			return NULL;
		for (char **b = dms; *b; b++) {
			_cleanup_free_ char *n = NULL;
			if (!startswith(*b, "dm-"))
				continue;
			if (igp_read_attrf(&n, "%s/%s/dm/name", IGP_SYS_CLASS_BLOCK, *b) >= 0 &&
			    streq(n, want))
				return strdup(*b);
		}
		return NULL;
	}
	if (startswith(src, IGP_DEV_PREFIX)) {
		/* On the real host the node's major:minor is authoritative
		 * (/dev/disk/by-uuid/... links, /dev/root); in a captured tree
		 * the name is all there is. */
		struct stat st;
		if (igp_root_is_host() && stat(src, &st) == 0 && S_ISBLK(st.st_mode)) {
			char *real = NULL;
			if (igp_realpathf(&real, "%s/%u:%u", IGP_SYS_DEV_BLOCK, major(st.st_rdev),
					  minor(st.st_rdev)) >= 0) {
				char *b = strrchr(real, '/');
				char *n = strdup(b ? b + 1 : real);
				free(real);
				return n;
			}
		}
		return strdup(strrchr(src, '/') + 1);
	}
	return NULL;
}

/* ZFS datasets name a pool, not a device: udev records the pool's member
 * partitions as ID_FS_TYPE=zfs_member with ID_FS_LABEL=<pool>. */
static void mark_zfs_pool(struct igp_host *h, const char *dataset, const char *what)
{
	_cleanup_strv_free_ char **blocks = NULL;
	_cleanup_free_ char *pool = strndup(dataset, strcspn(dataset, "/"));

	if (!pool || igp_list_dir(IGP_SYS_CLASS_BLOCK, &blocks) < 0)
		return;
	for (char **b = blocks; *b; b++) {
		_cleanup_free_ char *mm = NULL, *data = NULL, *lbl = NULL;
		if (igp_read_attrf(&mm, "%s/%s/dev", IGP_SYS_CLASS_BLOCK, *b) < 0 ||
		    igp_read_filef(&data, NULL, "%s/b%s", IGP_RUN_UDEV_DATA, mm) < 0)
			continue;
		lbl = strdupf("E:ID_FS_LABEL=%s\n", pool);
		if (strstr(data, "E:ID_FS_TYPE=zfs_member\n") && lbl && strstr(data, lbl))
			mark_block(h, *b, what, 0);
	}
}

/* Octal escapes in /proc/self/mounts ("\040" for a space). */
static void unescape_mount(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 3;
		} else
			*w++ = *r;
	}
	*w = '\0';
}

static void load_mounts(struct igp_host *h)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_strv_free_ char **pools = NULL;
	char *line, *save = NULL;

	if (igp_read_file(IGP_PROC_MOUNTS, &text, NULL) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char src[4096], mnt[4096], type[64];
		_cleanup_free_ char *what = NULL, *name = NULL;

		if (sscanf(line, "%4095s %4095s %63s", src, mnt, type) != 3)
			continue;
		unescape_mount(src);
		unescape_mount(mnt);
		if (streq(type, "zfs")) {
			/* One note per pool: its first mount (usually /). */
			_cleanup_free_ char *pool = strndup(src, strcspn(src, "/"));
			if (!pool || strv_contains(pools, pool) || strv_push(&pools, pool) < 0)
				continue;
			what = strdupf("ZFS pool %s (%s on %s)", pool, src, mnt);
			if (what)
				mark_zfs_pool(h, src, what);
			continue;
		}
		name = block_name_of_source(src);
		if (!name || startswith(name, "loop"))
			continue;
		what = strdupf("%s on %s", name, mnt);
		if (what)
			mark_block(h, name, what, 0);
	}
}

/* ---- the NIC that carries the default route ---- */

static void mark_iface(struct igp_host *h, const char *iface, const char *what, unsigned depth)
{
	_cleanup_free_ char *real = NULL, *sl = NULL;
	_cleanup_strv_free_ char **entries = NULL, **ports = NULL, **bond = NULL;
	struct igp_pci_dev *d;

	if (depth > 6)
		return;
	if (igp_realpathf(&real, "%s/%s/device", IGP_SYS_CLASS_NET, iface) >= 0 &&
	    (d = pci_dev_of_path(h, real))) {
		add_role(d, IGP_ROLE_DEFAULT_NIC, what);
		return;
	}
	/* Bridges (Proxmox vmbr0), VLANs and macvlans: the lower devices. */
	if (igp_list_dirf(&ports, "%s/%s/brif", IGP_SYS_CLASS_NET, iface) >= 0)
		for (char **p = ports; *p; p++)
			mark_iface(h, *p, what, depth + 1);
	if (igp_list_dirf(&entries, "%s/%s", IGP_SYS_CLASS_NET, iface) >= 0)
		for (char **e = entries; *e; e++)
			if (startswith(*e, "lower_"))
				mark_iface(h, *e + strlen("lower_"), what, depth + 1);
	if (igp_read_attrf(&sl, "%s/%s/bonding/slaves", IGP_SYS_CLASS_NET, iface) >= 0 &&
	    strv_split(sl, " ", &bond) >= 0)
		for (char **b = bond; *b; b++)
			mark_iface(h, *b, what, depth + 1);
}

static char *default_route_iface(void)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;

	if (igp_read_file(IGP_PROC_NET_ROUTE, &text, NULL) >= 0) {
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char iface[64], dest[16], gw[16], mask[16];
			unsigned flags;
			int n =
			    sscanf(line, "%63s %15s %15s %x %*s %*s %*s %15s", iface, dest, gw, &flags, mask);
			/* RTF_UP (0x1) default route: destination and mask 0. */
			if (n == 5 && streq(dest, "00000000") && streq(mask, "00000000") && (flags & 1))
				return strdup(iface);
		}
	}
	free(text);
	text = NULL;
	/* IPv6-only hosts: ::/0 in ipv6_route (dest, plen, ..., iface last). */
	if (igp_read_file(IGP_PROC_NET_IPV6_ROUTE, &text, NULL) >= 0) {
		save = NULL;
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char dest[40], plen[4], iface[64];
			if (sscanf(line, "%39s %3s %*s %*s %*s %*s %*s %*s %*s %63s", dest, plen, iface) ==
				3 &&
			    streq(plen, "00") && strspn(dest, "0") == 32 && !streq(iface, "lo"))
				return strdup(iface);
		}
	}
	return NULL;
}

/* ---- groups ---- */

static int load_groups(struct igp_host *h)
{
	_cleanup_strv_free_ char **ids = NULL;
	size_t n;
	int r;

	r = igp_list_dir(IGP_SYS_IOMMU_GROUPS, &ids);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	n = strv_length(ids);
	h->groups = calloc(n ? n : 1, sizeof(*h->groups));
	if (!h->groups)
		return -ENOMEM;
	for (char **id = ids; *id; id++) {
		_cleanup_strv_free_ char **members = NULL;
		struct igp_iommu_group *g;
		long gid;

		if (parse_long(*id, 0, INT32_MAX, &gid) < 0)
			continue;
		r = igp_list_dirf(&members, "%s/%s/devices", IGP_SYS_IOMMU_GROUPS, *id);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		g = &h->groups[h->n_groups++];
		g->id = (int)gid;
		g->devs = calloc(strv_length(members) + 1, sizeof(*g->devs));
		if (!g->devs)
			return -ENOMEM;
		for (char **m = members; *m; m++) {
			struct igp_pci_dev *d = find_by_name(h, *m);
			/* Non-PCI members (platform devices) have no model entry. */
			if (!d)
				continue;
			d->iommu_group = g->id;
			g->devs[g->n_devs++] = d;
		}
		if (g->n_devs > 0)
			qsort(g->devs, g->n_devs, sizeof(*g->devs), cmp_devp);
	}
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct igp_iommu_group *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

void igp_host_free(struct igp_host *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n_groups; i++)
		free(h->groups[i].devs);
	free(h->groups);
	for (size_t i = 0; i < h->n_devs; i++)
		igp_pci_dev_free(h->devs[i]);
	free(h->devs);
	strv_free(h->iommu_units);
	free(h->cmdline);
	igp_kcmdline_done(&h->kparams);
	free(h->kernel_release);
	free(h->default_route_iface);
	if (h->cache) {
		igp_versions_cache_done(h->cache);
		igp_qemucaps_cache_done(h->cache);
		igp_kernels_cache_done(h->cache);
		igp_sysinfo_cache_done(h->cache);
		igp_modules_cache_done(h->cache);
		igp_bootinfo_cache_done(h->cache);
		igp_sriov_routes_cache_done(h->cache);
		if (h->cache->workloads_free)
			h->cache->workloads_free(h->cache->workloads);
		free(h->cache);
	}
	free(h);
}

int igp_host_load(struct igp_host **ret)
{
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_strv_free_ char **addrs = NULL;
	_cleanup_close_ int devices_dfd = -1;
	int r;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->cache = calloc(1, sizeof(*h->cache));
	if (!h->cache)
		return -ENOMEM;
	h->cache->proxmox = -1;
	h->cache->moddir_fd = -1;
	h->cache->secure_boot = -2;
	r = igp_list_dir(IGP_SYS_PCI_DEVICES, &addrs);
	if (r < 0)
		return r;
	h->devs = calloc(strv_length(addrs) + 1, sizeof(*h->devs));
	if (!h->devs)
		return -ENOMEM;
	devices_dfd = igp_dir_fd(IGP_SYS_PCI_DEVICES);
	if (devices_dfd < 0)
		return devices_dfd;
	for (char **a = addrs; *a; a++) {
		struct igp_pci_dev *d;
		r = igp_pci_dev_read_at(devices_dfd, *a, &d);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue; /* vanished (hot unplug) or not a PCI address */
		igp_pci_names_fill(d);
		if (d->boot_vga == 1)
			add_role(d, IGP_ROLE_BOOT_VGA, "boot VGA");
		h->devs[h->n_devs++] = d;
	}
	if (h->n_devs > 0)
		qsort(h->devs, h->n_devs, sizeof(*h->devs), cmp_devp);

	r = load_groups(h);
	if (r < 0)
		return r;
	if (h->n_groups > 0)
		qsort(h->groups, h->n_groups, sizeof(*h->groups), cmp_group);

	if (igp_list_dir(IGP_SYS_CLASS_IOMMU, &h->iommu_units) < 0)
		h->iommu_units = NULL;
	h->iommu_active = h->iommu_units && h->iommu_units[0];

	if (igp_read_attr(IGP_PROC_CMDLINE, &h->cmdline) < 0)
		h->cmdline = NULL;
	r = igp_kcmdline_parse(h->cmdline ? h->cmdline : "", &h->kparams);
	if (r < 0)
		return r;
	if (igp_read_attr(IGP_PROC_OSRELEASE, &h->kernel_release) < 0)
		h->kernel_release = NULL;

	load_mounts(h);
	h->default_route_iface = default_route_iface();
	if (h->default_route_iface) {
		_cleanup_free_ char *what = strdupf("%s (default route)", h->default_route_iface);
		if (what)
			mark_iface(h, h->default_route_iface, what, 0);
	}
	*ret = TAKE_PTR(h);
	return 0;
}

int igp_host_find(const struct igp_host *h, const char *spec, struct igp_pci_dev **ret)
{
	struct igp_pci_addr a;
	struct igp_pci_dev *match = NULL;
	bool full;
	int r;

	r = igp_pci_addr_parse_loose(spec, &a, &full);
	if (r < 0)
		return r;
	if (full) {
		match = find_exact(h, &a);
		if (!match)
			return -ENODEV;
		*ret = match;
		return 0;
	}
	/* Short forms name domain-less addresses; refuse when several
	 * domains (e.g. Intel VMD's 10000) have that bus:slot.func. */
	for (size_t i = 0; i < h->n_devs; i++) {
		const struct igp_pci_addr *x = &h->devs[i]->addr;
		if (x->bus == a.bus && x->slot == a.slot && x->func == a.func) {
			if (match)
				return -EADDRNOTAVAIL;
			match = h->devs[i];
		}
	}
	if (!match)
		return -ENODEV;
	*ret = match;
	return 0;
}

const struct igp_iommu_group *igp_host_group(const struct igp_host *h, int id)
{
	for (size_t i = 0; i < h->n_groups; i++)
		if (h->groups[i].id == id)
			return &h->groups[i];
	return NULL;
}

size_t igp_host_gpus(const struct igp_host *h, struct igp_pci_dev ***ret)
{
	struct igp_pci_dev **v = calloc(h->n_devs + 1, sizeof(*v));
	size_t n = 0;

	if (!v) {
		*ret = NULL;
		return 0;
	}
	for (size_t i = 0; i < h->n_devs; i++)
		if (igp_pci_dev_is_gpu(h->devs[i]))
			v[n++] = h->devs[i];
	*ret = v;
	return n;
}

struct igp_pci_dev *igp_host_default_igpu(const struct igp_host *h)
{
	struct igp_pci_dev *found = NULL;

	for (size_t i = 0; i < h->n_devs; i++) {
		struct igp_pci_dev *d = h->devs[i];
		/* SR-IOV VFs sit at 00:02.1-7 too; only the PF counts. */
		if (!igp_pci_dev_is_intel_igpu(d) || d->physfn)
			continue;
		if (found)
			return NULL;
		found = d;
	}
	return found;
}

const char *igp_host_cmdline_get(const struct igp_host *h, const char *key, char *buf, size_t size)
{
	const char *v = igp_kcmdline_get(&h->kparams, key);

	if (!v || size == 0)
		return NULL;
	snprintf(buf, size, "%s", v);
	return buf;
}
