/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pci/pci.h>

#include "base/paths.h"
#include "model/pci.h"
#include "base/util.h"

static int parse_hex_field(const char *s, size_t len, unsigned max, unsigned *ret)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i])
					    ? s[i] - '0'
					    : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	if (v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/*
 * Grammar: [[DOMAIN:]BUS:]SLOT.FUNC, hex fields; domain 4-5 digits (VMD
 * domains are 10000+), bus 2 digits, slot < 0x20, func < 8.
 */
int igp_pci_addr_parse_loose(const char *s, struct igp_pci_addr *ret, bool *ret_full)
{
	const char *fields[3] = {NULL};
	size_t lens[3] = {0};
	const char *dot, *p;
	unsigned dom = 0, bus = 0, slot, func;
	int n = 0;

	if (!s || !*s)
		return -EINVAL;
	dot = strrchr(s, '.');
	if (!dot || dot[1] == '\0' || dot[2] != '\0')
		return -EINVAL;
	if (parse_hex_field(dot + 1, 1, 7, &func) < 0)
		return -EINVAL;
	/* Split the part before the dot on ':' into at most three fields. */
	p = s;
	for (;;) {
		const char *c = memchr(p, ':', (size_t)(dot - p));
		if (n == 3)
			return -EINVAL;
		fields[n] = p;
		lens[n] = c ? (size_t)(c - p) : (size_t)(dot - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	if (parse_hex_field(fields[n - 1], lens[n - 1], 0x1f, &slot) < 0 || lens[n - 1] > 2)
		return -EINVAL;
	if (n >= 2 && (lens[n - 2] != 2 || parse_hex_field(fields[n - 2], 2, 0xff, &bus) < 0))
		return -EINVAL;
	if (n == 3 && (lens[0] < 4 || parse_hex_field(fields[0], lens[0], 0xfffff, &dom) < 0))
		return -EINVAL;
	ret->domain = dom;
	ret->bus = (uint8_t)bus;
	ret->slot = (uint8_t)slot;
	ret->func = (uint8_t)func;
	if (ret_full)
		*ret_full = n == 3;
	return n;
}

int igp_pci_addr_parse(const char *s, struct igp_pci_addr *ret)
{
	struct igp_pci_addr a;
	bool full;
	int r;

	r = igp_pci_addr_parse_loose(s, &a, &full);
	if (r < 0)
		return r;
	if (!full || strlen(s) < 12)
		return -EINVAL;
	*ret = a;
	return 0;
}

char *igp_pci_addr_format(const struct igp_pci_addr *a, char buf[static IGP_PCI_ADDR_MAX])
{
	snprintf(buf, IGP_PCI_ADDR_MAX, "%04x:%02x:%02x.%x", a->domain, a->bus, a->slot, a->func);
	return buf;
}

int igp_pci_addr_cmp(const struct igp_pci_addr *a, const struct igp_pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

bool igp_pci_addr_same_slot(const struct igp_pci_addr *a, const struct igp_pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

/* ---- names (libpci + pci.ids) ---- */

static struct pci_access *pacc;

static void pci_quiet(char *msg _unused_, ...) {}

/* Where distributions put pci.ids: Debian's pci.ids package, then hwdata
 * (Fedora, RHEL, Arch, and Debian 13's symlink target). */
static const char *const ids_paths[] = {IGP_USR_SHARE_MISC_PCI_IDS, IGP_USR_SHARE_HWDATA_PCI_IDS};

/* The pci.ids to read inside the root, or NULL for libpci's own default.
 * A captured tree may carry the pci.ids of the host it came from: prefer
 * it so names match what the user saw there.  On the host, libpci's
 * default when it is there (it was built for this distribution). */
static char *ids_path(const struct pci_access *a)
{
	if (igp_root_is_host() && a->id_file_name && access(a->id_file_name, R_OK) == 0)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(ids_paths); i++) {
		if (igp_access(ids_paths[i]) < 0)
			continue;
		return igp_root_is_host() ? strdup(ids_paths[i]) : strdupf("%s%s", igp_root(), ids_paths[i]);
	}
	return NULL;
}

static struct pci_access *names_access(void)
{
	char *ids;

	if (pacc)
		return pacc;
	pacc = pci_alloc();
	if (!pacc)
		return NULL;
	/* error() stays libpci's own: it is only called when malloc fails. */
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	ids = ids_path(pacc);
	if (ids)
		pci_set_name_list_path(pacc, ids, 1); /* libpci frees it */
	return pacc;
}

static char *lookup(int flags, ...)
{
	struct pci_access *a = names_access();
	char buf[256];
	const char *s;
	int id[4];
	va_list ap;

	if (!a)
		return NULL;
	va_start(ap, flags);
	for (int i = 0; i < 4; i++)
		id[i] = va_arg(ap, int);
	va_end(ap);
	/* NO_NUMBERS: return NULL rather than "Device 3e92" for unknown ids;
	 * NO_HWDB: pci.ids only, so output does not depend on udev's hwdb. */
	s = pci_lookup_name(a, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, id[0],
			    id[1], id[2], id[3]);
	return s ? strdup(s) : NULL;
}

void igp_pci_names_fill(struct igp_pci_dev *d)
{
	free(d->vendor_name);
	free(d->device_name);
	free(d->subsys_name);
	d->vendor_name = lookup(PCI_LOOKUP_VENDOR, d->vendor, 0, 0, 0);
	d->device_name = lookup(PCI_LOOKUP_DEVICE, d->vendor, d->device, 0, 0);
	d->subsys_name = (d->subsys_vendor || d->subsys_device)
			     ? lookup(PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, d->vendor, d->device,
				      d->subsys_vendor, d->subsys_device)
			     : NULL;
}

void igp_pci_names_cleanup(void)
{
	if (pacc)
		pci_cleanup(pacc);
	pacc = NULL;
}

const char *igp_pci_class_name(uint32_t class)
{
	static char buf[128];
	struct pci_access *a = names_access();
	const char *s = NULL;

	if (a)
		s = pci_lookup_name(a, buf, sizeof(buf),
				    PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
				    (int)(class >> 8));
	return s ? s : "Unknown class";
}

/* ---- reading one device ---- */

void igp_pci_dev_free(struct igp_pci_dev *d)
{
	if (!d)
		return;
	free(d->vendor_name);
	free(d->device_name);
	free(d->subsys_name);
	free(d->driver);
	free(d->driver_override);
	free(d->render_node);
	free(d->card_node);
	free(d->sysfs_path);
	free(d->physfn);
	free(d->role_detail);
	free(d);
}

static char *link_basename_at(int dfd, const char *name)
{
	_cleanup_free_ char *t = NULL;
	const char *b;

	if (igp_readlink_at(dfd, name, &t) < 0)
		return NULL;
	b = strrchr(t, '/');
	return strdup(b ? b + 1 : t);
}

/* BAR sizes from the `resource` file: "start end flags" per line. */
static void read_bars(int dfd, struct igp_pci_dev *d)
{
	_cleanup_free_ char *s = NULL;
	char *line, *save = NULL;

	if (igp_file_at(dfd, "resource", &s) < 0)
		return;
	line = strtok_r(s, "\n", &save);
	for (int i = 0; i < 6 && line; i++, line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end, flags;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 && end > start)
			d->bar_size[i] = end - start + 1;
	}
}

/* DRM nodes live under <dev>/drm/{cardN,renderDN}. */
static void read_drm(int dfd, struct igp_pci_dev *d)
{
	_cleanup_strv_free_ char **names = NULL;

	if (igp_list_dir_at(dfd, "drm", &names) < 0)
		return;
	for (char **n = names; *n; n++) {
		if (startswith(*n, "renderD") && !d->render_node)
			d->render_node = strdupf("%s/%s", IGP_DEV_DRI, *n);
		else if (startswith(*n, "card") && !strchr(*n, '-') && !d->card_node)
			d->card_node = strdupf("%s/%s", IGP_DEV_DRI, *n);
	}
}

/*
 * The standard header of config space (the first 64 bytes are readable by
 * everyone): IDs, revision, class and, for type-0 headers, the subsystem.
 * One read instead of six attribute files, as lspci does.
 */
static bool read_config(int dfd, struct igp_pci_dev *d)
{
	_cleanup_close_ int fd = -1;
	unsigned char c[64];
	ssize_t n;

	fd = openat(dfd, "config", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	do
		n = read(fd, c, sizeof(c));
	while (n < 0 && errno == EINTR);
	if (n < 0x30)
		return false;
	d->vendor = (uint16_t)(c[0] | c[1] << 8);
	d->device = (uint16_t)(c[2] | c[3] << 8);
	d->revision = c[8];
	d->class = (uint32_t)(c[9] | c[10] << 8 | c[11] << 16);
	if ((c[0x0e] & 0x7f) == 0) {
		d->subsys_vendor = (uint16_t)(c[0x2c] | c[0x2d] << 8);
		d->subsys_device = (uint16_t)(c[0x2e] | c[0x2f] << 8);
	}
	return d->vendor != 0xffff;
}

/* The same facts from the attribute files (captured trees carry no config). */
static int read_id_attrs(int dfd, struct igp_pci_dev *d)
{
	uint32_t v;
	int r;

	if ((r = igp_u32_hex_at(dfd, "vendor", &v)) < 0)
		return r;
	d->vendor = (uint16_t)v;
	if ((r = igp_u32_hex_at(dfd, "device", &v)) < 0)
		return r;
	d->device = (uint16_t)v;
	if ((r = igp_u32_hex_at(dfd, "class", &v)) < 0)
		return r;
	d->class = v & 0xffffff;
	if (igp_u32_hex_at(dfd, "subsystem_vendor", &v) >= 0)
		d->subsys_vendor = (uint16_t)v;
	if (igp_u32_hex_at(dfd, "subsystem_device", &v) >= 0)
		d->subsys_device = (uint16_t)v;
	d->revision = igp_u32_hex_at(dfd, "revision", &v) >= 0 ? (int)v : -1;
	return 0;
}

/*
 * A VF's number and its PF's device ID, read in the PF's directory: the PF
 * links each VF as virtfn<N-1> (drivers/pci/iov.c, pci_iov_sysfs_link():
 * "virtfn%u" of the VF's id, counted from 0), and VF N is what the drivers
 * and sriov_numvfs count from 1.
 */
static void read_vf(struct igp_pci_dev *d)
{
	_cleanup_free_ char *pf = NULL;
	_cleanup_close_ int pfd = -1;
	uint32_t v;
	long total;

	d->vf_index = 0;
	d->pf_device = 0;
	if (!d->physfn || !(pf = strdupf("%s/%s", IGP_SYS_PCI_DEVICES, d->physfn)))
		return;
	pfd = igp_dir_fd(pf);
	if (pfd < 0)
		return;
	if (igp_u32_hex_at(pfd, "device", &v) >= 0)
		d->pf_device = (uint16_t)v;
	if (igp_long_at(pfd, "sriov_totalvfs", &total) < 0 || total > 256)
		total = 256;
	for (long i = 0; i < total && !d->vf_index; i++) {
		char name[32];
		_cleanup_free_ char *vf = NULL;
		snprintf(name, sizeof(name), "virtfn%ld", i);
		vf = link_basename_at(pfd, name);
		if (vf && streq(vf, d->address))
			d->vf_index = (int)i + 1;
	}
}

/* What only some devices have; read for GPUs during a scan and for any
 * device on request (igp_pci_dev_read_details). */
static void read_details(int dfd, struct igp_pci_dev *d)
{
	_cleanup_free_ char *o = NULL;
	long l;

	d->boot_vga = igp_long_at(dfd, "boot_vga", &l) >= 0 ? (int)l : -1;
	free(d->physfn);
	d->physfn = link_basename_at(dfd, "physfn");
	read_vf(d);
	free(d->driver_override);
	d->driver_override = NULL;
	if (igp_attr_at(dfd, "driver_override", &o) >= 0 && *o && !streq(o, "(null)"))
		d->driver_override = TAKE_PTR(o);
	d->sriov_totalvfs = igp_long_at(dfd, "sriov_totalvfs", &l) >= 0 ? (int)l : -1;
	d->sriov_numvfs = igp_long_at(dfd, "sriov_numvfs", &l) >= 0 ? (int)l : -1;
	d->mdev_parent = igp_is_dir_at(dfd, "mdev_supported_types");
	read_bars(dfd, d);
	if (igp_pci_dev_is_gpu(d) && !d->render_node && !d->card_node)
		read_drm(dfd, d);
	d->details = true;
}

int igp_pci_dev_read_at(int devices_dfd, const char *address, struct igp_pci_dev **ret)
{
	_cleanup_(igp_pci_dev_freep) struct igp_pci_dev *d = NULL;
	_cleanup_free_ char *target = NULL, *joined = NULL, *g = NULL;
	_cleanup_close_ int dfd = -1;
	long l;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->boot_vga = d->sriov_totalvfs = d->sriov_numvfs = -1;
	r = igp_pci_addr_parse(address, &d->addr);
	if (r < 0)
		return r;
	igp_pci_addr_format(&d->addr, d->address);
	/* /sys/bus/pci/devices/X links straight to the device directory: its
	 * target, taken lexically, is the canonical path, which is then
	 * opened inside the root (a hostile link cannot leave it). */
	r = igp_readlink_at(devices_dfd, address, &target);
	if (r == -EINVAL)
		joined = strdupf("%s/%s", IGP_SYS_PCI_DEVICES, address); /* a plain directory */
	else if (r < 0)
		return r;
	else
		joined = target[0] == '/' ? strdup(target) : strdupf("%s/%s", IGP_SYS_PCI_DEVICES, target);
	if (!joined || !(d->sysfs_path = igp_path_normalize(joined)))
		return -ENOMEM;
	dfd = igp_dir_fd(d->sysfs_path);
	if (dfd < 0)
		return dfd;
	if (!read_config(dfd, d) && (r = read_id_attrs(dfd, d)) < 0)
		return r;
	d->driver = link_basename_at(dfd, "driver");
	g = link_basename_at(dfd, "iommu_group");
	d->iommu_group = g && parse_long(g, 0, INT32_MAX, &l) >= 0 ? (int)l : -1;
	if (igp_pci_dev_is_gpu(d))
		read_details(dfd, d);
	if (d->vendor == 0x8086 && igp_pci_dev_is_gpu(d))
		d->platform = igp_platform_lookup(d->device);
	/* A VF is of its PF's platform, whatever ID it reports itself. */
	if (d->vendor == 0x8086 && !d->platform && d->pf_device)
		d->platform = igp_platform_lookup(d->pf_device);
	*ret = TAKE_PTR(d);
	return 0;
}

int igp_pci_dev_read_details(struct igp_pci_dev *d)
{
	_cleanup_close_ int dfd = -1;

	if (d->details)
		return 0;
	if (!d->sysfs_path)
		return -ENOENT;
	dfd = igp_dir_fd(d->sysfs_path);
	if (dfd < 0)
		return dfd;
	read_details(dfd, d);
	return 0;
}

int igp_pci_dev_read(const char *address, struct igp_pci_dev **ret)
{
	_cleanup_close_ int dfd = igp_dir_fd(IGP_SYS_PCI_DEVICES);
	if (dfd < 0)
		return dfd;
	return igp_pci_dev_read_at(dfd, address, ret);
}
