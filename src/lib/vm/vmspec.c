/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <strings.h>

#include "base/paths.h"
#include "vm/qemu_opts.h"
#include "vm/vmspec.h"

static void dev_done(struct igp_vmspec_dev *d)
{
	free(d->where);
	free(d->id);
	free(d->hosts);
	free(d->slot);
	free(d->uuid);
	free(d->mdev_type);
	free(d->mapping);
	free(d->romfile);
	strv_free(d->props);
}

void igp_vmspec_free(struct igp_vmspec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_devs; i++)
		dev_done(&s->devs[i]);
	free(s->devs);
	free(s->name);
	free(s->id);
	free(s->machine_str);
	free(s->vga);
	free(s->cpu);
	free(s);
}

static struct igp_vmspec *spec_new(enum igp_vmspec_kind kind, const char *id, const char *fmt, ...)
    _printf_(3, 4);
static struct igp_vmspec *spec_new(enum igp_vmspec_kind kind, const char *id, const char *fmt, ...)
{
	struct igp_vmspec *s = calloc(1, sizeof(*s));
	va_list ap;

	if (!s)
		return NULL;
	s->kind = kind;
	s->machine = IGP_MACHINE_I440FX;
	va_start(ap, fmt);
	s->name = strdupvf(fmt, ap);
	va_end(ap);
	if (!s->name || (id && !(s->id = strdup(id)))) {
		igp_vmspec_free(s);
		return NULL;
	}
	return s;
}

static struct igp_vmspec_dev *dev_add(struct igp_vmspec *s, char *where)
{
	struct igp_vmspec_dev *v;

	if (!where)
		return NULL;
	v = realloc(s->devs, (s->n_devs + 1) * sizeof(*v));
	if (!v) {
		free(where);
		return NULL;
	}
	s->devs = v;
	v[s->n_devs] = (struct igp_vmspec_dev){.where = where,
					       .legacy = -1,
					       .x_vga = -1,
					       .rombar = -1,
					       .igd_lpc = -1,
					       .igd_opregion = -1,
					       .display = -1};
	return &v[s->n_devs++];
}

static int dev_host_add(struct igp_vmspec_dev *d, const struct igp_pci_addr *a, bool slot)
{
	struct igp_pci_addr *h = realloc(d->hosts, (d->n_hosts + 1) * sizeof(*h));
	bool *sl;

	if (!h)
		return -ENOMEM;
	d->hosts = h;
	sl = realloc(d->slot, (d->n_hosts + 1) * sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	d->slot = sl;
	h[d->n_hosts] = *a;
	sl[d->n_hosts++] = slot;
	return 0;
}

static int set_str(char **p, const char *v)
{
	char *c = strdup(v);

	if (!c)
		return -ENOMEM;
	free(*p);
	*p = c;
	return 0;
}

/* A boolean as QEMU (qapi: on/off, yes/no, true/false), libvirt and
 * qemu-server (1/0) write it: 1, 0, or -1. */
static int tri(const char *v)
{
	if (!v)
		return -1;
	if (streq(v, "on") || streq(v, "yes") || streq(v, "true") || streq(v, "1"))
		return 1;
	if (streq(v, "off") || streq(v, "no") || streq(v, "false") || streq(v, "0"))
		return 0;
	return -1;
}

/* A property of a passed-through device, by its QEMU name. */
static int dev_set_prop(struct igp_vmspec_dev *d, const char *name, const char *value)
{
	/* -device's first item, or -set device.ID.driver=... */
	if (streq(name, "driver")) {
		d->nohotplug = streq_ptr(value, "vfio-pci-nohotplug");
		return 0;
	}
	if (!strv_contains(d->props, name) && strv_push(&d->props, name) < 0)
		return -ENOMEM;
	if (streq(name, "x-vga"))
		d->x_vga = tri(value);
	else if (streq(name, "rombar"))
		d->rombar = tri(value);
	else if (streq(name, "x-igd-lpc"))
		d->igd_lpc = tri(value);
	else if (streq(name, "x-igd-opregion"))
		d->igd_opregion = tri(value);
	else if (streq(name, "x-igd-legacy-mode"))
		/* OnOffAuto: auto leaves it to QEMU's conditions. */
		d->legacy = tri(value);
	else if (streq(name, "display"))
		d->display = tri(value);
	else if (streq(name, "romfile"))
		return set_str(&d->romfile, value);
	return 0;
}

static void machine_set(struct igp_vmspec *s, const char *m)
{
	enum igp_vm_machine e;

	s->machine = igp_vm_machine_parse(m, &e) == 0 ? e : IGP_MACHINE_UNSET;
}

/* Firmware images of OVMF, the EDK II build for QEMU ("OVMF_CODE.fd",
 * "/usr/share/edk2/x64/OVMF_CODE.4m.fd", "edk2-x86_64-code.fd"). */
static bool ovmf_path(const char *p)
{
	return p && (strcasestr(p, "ovmf") || strcasestr(p, "edk2"));
}

/* ---- the QEMU command line ---- */

/* Options of qemu-system-x86_64 that take no argument (qemu-options.hx);
 * any other option passed over takes the next word unless it starts with '-'. */
static const char *const qemu_flags[] = {
    "enable-kvm",  "nographic",	      "nodefaults", "snapshot", "S",
    "no-reboot",   "no-shutdown",     "daemonize",  "no-hpet",	"usb",
    "full-screen", "no-user-config",  "no-acpi",    "s",	"version",
    "preconfig",   "only-migratable", NULL};

/* "02.0", "0x2", "2": slot[.function] in hex (QEMU's pci_parse_devaddr for addr=). */
static int guest_addr_parse(const char *s, struct igp_pci_addr *ret)
{
	unsigned long slot, fn = 0;
	char *end;

	errno = 0;
	slot = strtoul(s, &end, 16);
	if (errno || end == s || slot > 0x1f)
		return -EINVAL;
	if (*end == '.') {
		const char *f = end + 1;
		fn = strtoul(f, &end, 16);
		if (end == f || fn > 7)
			return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	*ret = (struct igp_pci_addr){0, 0, (uint8_t)slot, (uint8_t)fn};
	return 0;
}

/* QEMU's default VGA and the devices that replace it (vl.c's default_list). */
static bool vga_driver(const char *drv)
{
	static const char *const v[] = {"VGA",		 "isa-vga",	   "cirrus-vga", "isa-cirrus-vga",
					"vmware-svga",	 "qxl-vga",	   "virtio-vga", "ati-vga",
					"virtio-vga-gl", "vhost-user-vga", NULL};
	return strv_contains((char *const *)v, drv);
}

struct qemu_parse {
	struct igp_vmspec *s;
	char **sets; /* -set values, applied when every device is known */
	bool nodefaults, vga_given, display_none, display_other;
};

static int qemu_vfio_device(struct qemu_parse *q, const struct igp_qemu_opts *o, size_t nth, char **why)
{
	const char *host = igp_qemu_opts_get(o, "host"), *sysfs = igp_qemu_opts_get(o, "sysfsdev"),
		   *addr = igp_qemu_opts_get(o, "addr"), *bus = igp_qemu_opts_get(o, "bus"),
		   *id = igp_qemu_opts_get(o, "id");
	struct igp_vmspec_dev *d = dev_add(q->s, strdupf("-device #%zu", nth));
	struct igp_pci_addr a;
	int r;

	if (!d || (id && !(d->id = strdup(id))))
		return -ENOMEM;
	if (host) {
		/* vfio-pci's host= (hw/vfio/pci.c): [[domain:]bus:]slot.function. */
		if (igp_pci_addr_parse_loose(host, &a, &(bool){false}) < 0) {
			*why = strdupf("-device #%zu: host=%s is not a PCI address", nth, host);
			return -EINVAL;
		}
		if ((r = dev_host_add(d, &a, false)) < 0)
			return r;
	} else if (sysfs) {
		/* sysfsdev=/sys/bus/pci/devices/ADDR, or a vGPU:
		 * /sys/bus/mdev/devices/UUID or .../ADDR/UUID. */
		const char *base = strrchr(sysfs, '/') ? strrchr(sysfs, '/') + 1 : sysfs;
		if (igp_uuid_valid(base)) {
			if (!(d->uuid = strdup(base)))
				return -ENOMEM;
		} else if (igp_pci_addr_parse(base, &a) == 0) {
			if ((r = dev_host_add(d, &a, false)) < 0)
				return r;
		}
	}
	if (addr) {
		if (guest_addr_parse(addr, &d->guest) < 0) {
			*why =
			    strdupf("-device #%zu: addr=%s is not a PCI slot (SLOT[.FUNCTION])", nth, addr);
			return -EINVAL;
		}
		/* Without bus= (or on the root bus of either machine) the
		 * address is one of the root bus. */
		d->has_guest = !bus || streq(bus, "pci.0") || streq(bus, "pcie.0");
	}
	for (size_t i = 0; i < o->n; i++)
		if ((r = dev_set_prop(d, o->v[i].key, o->v[i].value)) < 0)
			return r;
	return 0;
}

static int qemu_device(struct qemu_parse *q, const char *value, size_t nth, char **why)
{
	_cleanup_(igp_qemu_opts_done) struct igp_qemu_opts o = {0};
	const char *drv;
	int r;

	r = igp_qemu_opts_parse(value, "driver", &o);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !(drv = igp_qemu_opts_get(&o, "driver"))) {
		*why = strdupf("-device #%zu is not DRIVER followed by key=value pairs", nth);
		return -EINVAL;
	}
	if (streq(drv, "vfio-pci") || streq(drv, "vfio-pci-nohotplug"))
		return qemu_vfio_device(q, &o, nth, why);
	if (vga_driver(drv)) {
		const char *addr = igp_qemu_opts_get(&o, "addr");
		struct igp_pci_addr a;
		q->vga_given = true;
		if ((r = set_str(&q->s->vga, drv)) < 0)
			return r;
		/* Without addr= it takes the first free slot; only an explicit
		 * 02.0 is known to be there. */
		q->s->vga_at_02 = addr && guest_addr_parse(addr, &a) == 0 && a.slot == 2 && a.func == 0;
	}
	return 0;
}

/* -set device.ID.PROP=VALUE on the devices known by then. */
static int qemu_apply_sets(struct qemu_parse *q)
{
	for (size_t i = 0; q->sets && q->sets[i]; i++) {
		const char *v = q->sets[i], *dot, *eq;
		if (!startswith(v, "device."))
			continue;
		v += 7;
		dot = strchr(v, '.');
		eq = dot ? strchr(dot, '=') : NULL;
		if (!eq)
			continue;
		for (size_t k = 0; k < q->s->n_devs; k++) {
			struct igp_vmspec_dev *d = &q->s->devs[k];
			_cleanup_free_ char *name = NULL;
			int r;
			if (!d->id || strlen(d->id) != (size_t)(dot - v) || strncmp(d->id, v, dot - v) != 0)
				continue;
			if (!(name = strndup(dot + 1, eq - dot - 1)))
				return -ENOMEM;
			if ((r = dev_set_prop(d, name, eq + 1)) < 0)
				return r;
		}
	}
	return 0;
}

static int qemu_option(struct qemu_parse *q, const char *opt, const char *arg, size_t *n_devices, char **why)
{
	_cleanup_(igp_qemu_opts_done) struct igp_qemu_opts o = {0};
	struct igp_vmspec *s = q->s;
	const char *v;
	int r;

	if (streq(opt, "device"))
		return qemu_device(q, arg, ++*n_devices, why);
	if (streq(opt, "set"))
		return strv_push(&q->sets, arg);
	if (streq(opt, "vga")) {
		q->vga_given = true;
		if (streq(arg, "none")) {
			free(s->vga);
			s->vga = NULL;
			s->vga_at_02 = false;
			return 0;
		}
		s->vga_at_02 = s->machine == IGP_MACHINE_I440FX;
		return set_str(&s->vga, arg);
	}
	if (streq(opt, "cpu"))
		return set_str(&s->cpu, arg);
	if (streq(opt, "bios")) {
		s->uefi |= ovmf_path(arg);
		return 0;
	}
	if (streq(opt, "vnc") || streq(opt, "spice")) {
		q->display_other = true;
		return 0;
	}
	if (!streq(opt, "machine") && !streq(opt, "M") && !streq(opt, "display") && !streq(opt, "drive"))
		return 0;
	r = igp_qemu_opts_parse(arg, streq(opt, "drive") ? NULL : "type", &o);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*why = strdupf("-%s '%s' is not a list of key=value pairs", opt, arg);
		return -EINVAL;
	}
	if (streq(opt, "drive")) {
		/* -drive if=pflash,format=raw,file=OVMF_CODE.fd */
		if (streq_ptr(igp_qemu_opts_get(&o, "if"), "pflash"))
			s->uefi |= ovmf_path(igp_qemu_opts_get(&o, "file"));
		return 0;
	}
	if (streq(opt, "display")) {
		v = igp_qemu_opts_get(&o, "type");
		/* One -display: the last counts. */
		q->display_none = streq_ptr(v, "none");
		return 0;
	}
	if ((v = igp_qemu_opts_get(&o, "type"))) {
		if ((r = set_str(&s->machine_str, v)) < 0)
			return r;
		machine_set(s, v);
	}
	/* -machine pflash0=NODE: firmware from a -blockdev (libvirt's way). */
	s->uefi |= igp_qemu_opts_get(&o, "pflash0") != NULL;
	return 0;
}

static int qemu_words(struct qemu_parse *q, char *const *argv, char **why)
{
	size_t n_devices = 0;
	int r;

	for (size_t i = 0; argv[i]; i++) {
		const char *opt = argv[i];
		/* The binary first, else a disk image (hda). */
		if (opt[0] != '-')
			continue;
		opt += opt[1] == '-' ? 2 : 1;
		if (!*opt)
			continue;
		if (streq(opt, "nodefaults")) {
			q->nodefaults = true;
			continue;
		}
		if (streq(opt, "nographic")) {
			q->display_none = true;
			continue;
		}
		if (strv_contains((char *const *)qemu_flags, opt))
			continue;
		if (streq(opt, "device") || streq(opt, "machine") || streq(opt, "M") || streq(opt, "vga") ||
		    streq(opt, "display") || streq(opt, "drive") || streq(opt, "bios") || streq(opt, "cpu") ||
		    streq(opt, "set") || streq(opt, "vnc") || streq(opt, "spice")) {
			if (!argv[i + 1]) {
				*why = strdupf("%s needs an argument", argv[i]);
				return -EINVAL;
			}
			if ((r = qemu_option(q, opt, argv[++i], &n_devices, why)) < 0)
				return r;
			continue;
		}
		/* Another option: its argument, if it has one, goes with it. */
		if (argv[i + 1] && argv[i + 1][0] != '-')
			i++;
	}
	return 0;
}

int igp_vmspec_from_qemu(char *const *argv, struct igp_vmspec **ret, char **ret_why)
{
	_cleanup_vmspec_ struct igp_vmspec *s = spec_new(IGP_VMSPEC_QEMU, NULL, "the QEMU command line");
	struct qemu_parse q = {.s = s};
	int r;

	if (!s)
		return -ENOMEM;
	/* The machine decides where the default VGA goes, so it comes first. */
	for (size_t i = 0; argv[i] && argv[i + 1]; i++)
		if (streq(argv[i], "-machine") || streq(argv[i], "-M") || streq(argv[i], "--machine")) {
			_cleanup_(igp_qemu_opts_done) struct igp_qemu_opts o = {0};
			if (igp_qemu_opts_parse(argv[i + 1], "type", &o) == 0 &&
			    igp_qemu_opts_get(&o, "type"))
				machine_set(s, igp_qemu_opts_get(&o, "type"));
		}
	r = qemu_words(&q, argv, ret_why);
	if (r >= 0)
		r = qemu_apply_sets(&q);
	strv_free(q.sets);
	if (r < 0)
		return r;
	/* QEMU adds the standard VGA unless told otherwise (vl.c): on pc it
	 * is the first device of the root bus, 00:02.0; q35 puts it at 00:01.0. */
	if (!q.vga_given && !q.nodefaults) {
		if ((r = set_str(&s->vga, "std")) < 0)
			return r;
		s->vga_at_02 = s->machine == IGP_MACHINE_I440FX;
	}
	s->display = !q.display_none || q.display_other;
	*ret = TAKE_PTR(s);
	return 0;
}

/* ---- Proxmox VE ---- */

static int pve_hostpci(struct igp_vmspec *s, const char *key, const char *value)
{
	struct igp_pve_hostpci h;
	struct igp_vmspec_dev *d;
	_cleanup_free_ char *rom = NULL;
	int r;

	if (igp_pve_hostpci_parse(value, &h) < 0)
		return 0; /* qemu-server refuses it too; nothing to judge */
	r = -ENOMEM;
	if (!(d = dev_add(s, strdup(key))) || !(d->id = strdup(key)))
		goto out;
	for (size_t i = 0; h.hosts && h.hosts[i]; i++) {
		struct igp_pci_addr a;
		bool slot;
		if (igp_pve_pci_id_parse(h.hosts[i], &a, &slot) == 0 && (r = dev_host_add(d, &a, slot)) < 0)
			goto out;
	}
	d->mapping = TAKE_PTR(h.mapping);
	d->mdev_type = TAKE_PTR(h.mdev);
	/* qemu-server (PVE/QemuServer/PCI.pm): legacy-igd puts the device
	 * at 00:02.0 of the root bus. */
	d->legacy = h.legacy_igd;
	if (h.legacy_igd == 1) {
		d->has_guest = true;
		d->guest = (struct igp_pci_addr){0, 0, 2, 0};
	}
	d->x_vga = h.x_vga;
	d->rombar = h.rombar;
	r = igp_pve_prop_get(value, "romfile", NULL, &rom);
	if (r == -ENOMEM)
		goto out;
	/* qemu-server takes romfile from /usr/share/kvm. */
	if (rom && !(d->romfile = strchr(rom, '/') ? strdup(rom) : strdupf("/usr/share/kvm/%s", rom)))
		goto out;
	r = 0;
out:
	igp_pve_hostpci_done(&h);
	return r;
}

int igp_vmspec_from_pve(const char *vmid, const struct igp_pve_conf *conf, struct igp_vmspec **ret,
			char **ret_why)
{
	_cleanup_vmspec_ struct igp_vmspec *s = spec_new(IGP_VMSPEC_PROXMOX, vmid, "VM %s", vmid);
	const struct igp_pve_section *cur = conf->n_sections ? &conf->sections[0] : NULL;
	const char *machine = igp_pve_conf_get(conf, "machine"), *vga = igp_pve_conf_get(conf, "vga"),
		   *args = igp_pve_conf_get(conf, "args"), *cpu = igp_pve_conf_get(conf, "cpu");
	_cleanup_free_ char *vgatype = NULL;
	int r;

	if (!s)
		return -ENOMEM;
	if (machine) {
		if (!(s->machine_str = strdup(machine)))
			return -ENOMEM;
		machine_set(s, machine);
	}
	s->uefi = streq_ptr(igp_pve_conf_get(conf, "bios"), "ovmf");
	if (cpu && !(s->cpu = strdup(cpu)))
		return -ENOMEM;
	/* vga: [type=]TYPE,memory=...; the default is std, serialN and none
	 * have no VGA.  qemu-server puts the VGA at 00:02.0 of pci.0 on i440fx
	 * and at 00:01.0 of pcie.0 on q35 (PCI.pm's address maps). */
	r = vga ? igp_pve_prop_get(vga, "type", "type", &vgatype) : -ENOENT;
	if (r == -ENOMEM)
		return r;
	if (!vgatype && !(vgatype = strdup("std")))
		return -ENOMEM;
	if (!streq(vgatype, "none") && !startswith(vgatype, "serial")) {
		s->vga = TAKE_PTR(vgatype);
		s->vga_at_02 = s->machine == IGP_MACHINE_I440FX;
	}
	/* qemu-server always gives the VM a VNC server (the web console). */
	s->display = true;
	for (size_t i = 0; cur && i < cur->n_kv; i++) {
		unsigned n;
		char tail;
		if (sscanf(cur->kv[i].key, "hostpci%u%c", &n, &tail) != 1)
			continue;
		if ((r = pve_hostpci(s, cur->kv[i].key, cur->kv[i].value)) < 0)
			return r;
	}
	if (args) {
		_cleanup_strv_free_ char **words = NULL;
		struct qemu_parse q = {.s = s};
		r = igp_qemu_split_words(args, &words);
		if (r == -EINVAL)
			*ret_why = strdup("its args: line has an unterminated quote");
		if (r < 0)
			return r;
		r = qemu_words(&q, words, ret_why);
		if (r >= 0)
			r = qemu_apply_sets(&q);
		strv_free(q.sets);
		if (r < 0)
			return r;
		s->display = s->display && (!q.display_none || q.display_other);
	}
	*ret = TAKE_PTR(s);
	return 0;
}

/* ---- libvirt ---- */

int igp_vmspec_from_libvirt(const char *id, const struct igp_libvirt_domain *dom, struct igp_vmspec **ret)
{
	const char *name = dom->name ? dom->name : id;
	_cleanup_vmspec_ struct igp_vmspec *s = spec_new(IGP_VMSPEC_LIBVIRT, name, "domain %s", name);
	static const char *const props[] = {
	    "x-vga",   "rombar",  "x-igd-lpc", "x-igd-opregion", "x-igd-legacy-mode",
	    "display", "romfile", NULL};
	int r;

	if (!s)
		return -ENOMEM;
	if (dom->machine) {
		if (!(s->machine_str = strdup(dom->machine)))
			return -ENOMEM;
		machine_set(s, dom->machine);
	}
	s->uefi = dom->efi;
	/* The primary <video> is the VGA; without any, libvirt adds one when
	 * the domain has <graphics> (qemuDomainDefAddDefaultDevices).  libvirt
	 * reserves 00:02.0 for it on i440fx, 00:01.0 on q35
	 * (qemuDomainValidateDevicePCISlotsPIIX3 / ...Q35). */
	if (dom->videos ? !streq(dom->videos[0], "none") : dom->graphics != NULL) {
		if (!(s->vga = strdup(dom->videos ? dom->videos[0] : "vga")))
			return -ENOMEM;
		s->vga_at_02 = s->machine == IGP_MACHINE_I440FX;
	}
	for (size_t i = 0; dom->graphics && dom->graphics[i]; i++)
		s->display |= streq(dom->graphics[i], "spice") || streq(dom->graphics[i], "vnc") ||
			      streq(dom->graphics[i], "egl-headless");
	for (size_t i = 0; i < dom->n_hostdevs; i++) {
		const struct igp_libvirt_hostdev *h = &dom->hostdevs[i];
		struct igp_vmspec_dev *d;
		if (!streq_ptr(h->type, "pci") && !streq_ptr(h->type, "mdev"))
			continue;
		if (!(d = dev_add(s, strdupf("<hostdev> #%zu", i + 1))) || !(d->id = strdup(h->eff_alias)))
			return -ENOMEM;
		if (h->has_addr && (r = dev_host_add(d, &h->addr, false)) < 0)
			return r;
		if (h->uuid && !(d->uuid = strdup(h->uuid)))
			return -ENOMEM;
		if (h->has_guest_addr && h->guest_addr.domain == 0 && h->guest_addr.bus == 0) {
			d->has_guest = true;
			d->guest = h->guest_addr;
		}
		d->rombar = tri(h->rom_bar);
		d->display = tri(h->display);
		if (h->rom_file && !(d->romfile = strdup(h->rom_file)))
			return -ENOMEM;
		/* What <qemu:override> or <qemu:commandline> -set adds. */
		for (const char *const *p = props; *p; p++) {
			bool cmdline;
			const char *v = igp_libvirt_domain_prop(dom, h->eff_alias, *p, &cmdline);
			if (v && (r = dev_set_prop(d, *p, v)) < 0)
				return r;
		}
	}
	*ret = TAKE_PTR(s);
	return 0;
}
