/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pci/pci.h>

#include "paths.h"
#include "pci.h"
#include "util.h"

static int parse_hex_field(const char *s, size_t len, unsigned max, unsigned *ret)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
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
	const char *fields[3] = { NULL };
	size_t lens[3] = { 0 };
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

static struct pci_access *names_access(void)
{
	_cleanup_free_ char *ids = NULL;

	if (pacc)
		return pacc;
	pacc = pci_alloc();
	if (!pacc)
		return NULL;
	/* error() stays libpci's own: it is only called when malloc fails. */
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	/* A captured tree may carry the pci.ids of the host it came from;
	 * prefer it so names match what the user saw there. */
	if (!igp_root_is_host()) {
		ids = strdupf("%s/usr/share/misc/pci.ids", igp_root());
		if (ids && access(ids, R_OK) == 0)
			pci_set_name_list_path(pacc, ids, 1), ids = NULL;
	}
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
	s = pci_lookup_name(a, buf, sizeof(buf),
			    flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
			    id[0], id[1], id[2], id[3]);
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
				 ? lookup(PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, d->vendor,
					  d->device, d->subsys_vendor, d->subsys_device)
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

int igp_pci_dev_read(const char *address, struct igp_pci_dev **ret)
{
	_cleanup_free_ char *link = NULL, *o = NULL, *g = NULL;
	_cleanup_close_ int dfd = -1;
	struct igp_pci_dev *d;
	uint32_t v;
	long l;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	r = igp_pci_addr_parse(address, &d->addr);
	if (r < 0)
		goto fail;
	igp_pci_addr_format(&d->addr, d->address);
	link = igp_path_join(IGP_SYS_PCI_DEVICES, address);
	if (!link) {
		r = -ENOMEM;
		goto fail;
	}
	/* Resolve the device directory once, inside the root; every attribute
	 * below is one syscall relative to it. */
	dfd = igp_dir_fd(link);
	if (dfd < 0) {
		r = dfd;
		goto fail;
	}
	if ((r = igp_u32_hex_at(dfd, "vendor", &v)) < 0)
		goto fail;
	d->vendor = (uint16_t)v;
	if ((r = igp_u32_hex_at(dfd, "device", &v)) < 0)
		goto fail;
	d->device = (uint16_t)v;
	if ((r = igp_u32_hex_at(dfd, "class", &v)) < 0)
		goto fail;
	d->class = v & 0xffffff;
	if (igp_u32_hex_at(dfd, "subsystem_vendor", &v) >= 0)
		d->subsys_vendor = (uint16_t)v;
	if (igp_u32_hex_at(dfd, "subsystem_device", &v) >= 0)
		d->subsys_device = (uint16_t)v;
	d->revision = igp_u32_hex_at(dfd, "revision", &v) >= 0 ? (int)v : -1;
	d->boot_vga = igp_long_at(dfd, "boot_vga", &l) >= 0 ? (int)l : -1;
	d->driver = link_basename_at(dfd, "driver");
	d->physfn = link_basename_at(dfd, "physfn");
	g = link_basename_at(dfd, "iommu_group");
	d->iommu_group = g && parse_long(g, 0, INT32_MAX, &l) >= 0 ? (int)l : -1;
	if (igp_attr_at(dfd, "driver_override", &o) >= 0 && *o && !streq(o, "(null)"))
		d->driver_override = TAKE_PTR(o);
	d->sriov_totalvfs = igp_long_at(dfd, "sriov_totalvfs", &l) >= 0 ? (int)l : -1;
	d->sriov_numvfs = igp_long_at(dfd, "sriov_numvfs", &l) >= 0 ? (int)l : -1;
	d->mdev_parent = igp_is_dir_at(dfd, "mdev_supported_types");
	/* /sys/bus/pci/devices/X links straight to the device directory, so
	 * its target, taken lexically, is the canonical sysfs path. */
	{
		_cleanup_free_ char *t = NULL, *joined = NULL;
		if (igp_readlink(link, &t) >= 0 &&
		    (joined = t[0] == '/' ? strdup(t) : strdupf("%s/%s", IGP_SYS_PCI_DEVICES, t)))
			d->sysfs_path = igp_path_normalize(joined);
	}
	read_bars(dfd, d);
	if (igp_pci_dev_is_gpu(d))
		read_drm(dfd, d);
	if (d->vendor == 0x8086 && igp_pci_dev_is_gpu(d))
		d->platform = igp_platform_lookup(d->device);
	*ret = d;
	return 0;
fail:
	igp_pci_dev_free(d);
	return r;
}
