/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "base/paths.h"
#include "model/qemucaps.h"
#include "vm/igd.h"
#include "vm/qemu_args.h"
#include "base/util.h"

/* Our own names, so that nothing in the user's command line collides. */
#define DEV_ID "igpuctl0"
#define PORT_ID "igpuctl-port0"
/* (chassis, slot) must be unique among root ports; hand-written command
 * lines and libvirt count chassis up from 1, so take one far above. */
#define PORT_CHASSIS 160

char *igp_qemu_escape(const char *s)
{
	size_t n = 0;
	char *out, *p;

	for (const char *c = s; *c; c++)
		n += *c == ',' ? 2 : 1;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	p = out;
	for (const char *c = s; *c; c++) {
		*p++ = *c;
		if (*c == ',')
			*p++ = ',';
	}
	*p = '\0';
	return out;
}

static int push_pair(char ***args, const char *opt, char *value)
{
	int r;

	if (!value)
		return -ENOMEM;
	r = strv_push(args, opt);
	if (r < 0) {
		free(value);
		return r;
	}
	return strv_consume(args, value);
}

static int append_rom(char **s, const struct igp_vm_options *o, bool mdev)
{
	int r = 0;

	if (o->romfile) {
		_cleanup_free_ char *e = igp_qemu_escape(o->romfile);
		if (!e)
			return -ENOMEM;
		if (o->rombar == 1)
			r = strextendf(s, ",rombar=1");
		return r < 0 ? r : strextendf(s, ",romfile=%s", e);
	}
	if (o->rombar >= 0)
		return strextendf(s, ",rombar=%d", o->rombar);
	/* The GVT-g guide passes vGPUs with rombar=0: an mdev has no ROM, and
	 * without it QEMU would look for one. */
	if (mdev)
		return strextendf(s, ",rombar=0");
	return 0;
}

/* The x-igd-* properties this QEMU needs (vm/igd.h; refusals were made
 * before rendering). */
static int append_igd(char **s, const struct igp_vm_device *d, const struct igp_vm_options *o)
{
	_cleanup_free_ char *why = NULL;
	struct igp_igd_plan plan;
	int r;

	r = igp_igd_plan(d, o, &plan, NULL, &why);
	if (r == -ENOTSUP)
		return 0;
	for (size_t i = 0; r >= 0 && i < plan.n_props; i++)
		r = strextendf(s, ",%s=%s", plan.props[i].name, plan.props[i].value);
	return r;
}

static int pci_args(const struct igp_vm_device *d, const struct igp_vm_options *o, bool q35, char ***args,
		    char ***notes)
{
	bool legacy = o->igd_mode == IGP_IGD_LEGACY;
	/* A discrete device on q35 sits behind its own PCIe root port (what
	 * Proxmox VE's pcie=1 does); an iGPU or a VF is an integrated endpoint on
	 * the host too, so it stays on the root bus. */
	bool port = q35 && !d->igd && !d->vf;
	int r;

	if (port) {
		r = push_pair(
		    args, "-device",
		    strdupf("pcie-root-port,id=%s,bus=pcie.0,chassis=%d,slot=0", PORT_ID, PORT_CHASSIS));
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < d->n_funcs; i++) {
		const struct igp_vm_func *f = &d->funcs[i];
		_cleanup_free_ char *s = NULL;

		if (i == 0)
			r = strextendf(&s, "vfio-pci,host=%s,id=%s", f->address, DEV_ID);
		else
			r = strextendf(&s, "vfio-pci,host=%s,id=%s.%u", f->address, DEV_ID, f->addr.func);
		if (r < 0)
			return r;
		if (port) {
			r = strextendf(&s, ",bus=%s,addr=00.%u", PORT_ID, f->addr.func);
			if (r >= 0 && i == 0 && d->n_funcs > 1)
				r = strextendf(&s, ",multifunction=on");
		} else if (legacy) {
			/* docs/igd-assign.txt: legacy mode needs guest address 00:02.0. */
			r = strextendf(&s, ",bus=pci.0,addr=02.0");
		}
		if (r < 0)
			return r;
		if (i == 0) {
			if (o->x_vga == 1 && (r = strextendf(&s, ",x-vga=on")) < 0)
				return r;
			if ((r = append_rom(&s, o, false)) < 0)
				return r;
			if ((r = append_igd(&s, d, o)) < 0)
				return r;
		}
		r = push_pair(args, "-device", TAKE_PTR(s));
		if (r < 0)
			return r;
	}
	if (legacy || o->x_vga == 1 || o->display == IGP_DISPLAY_NONE) {
		r = push_pair(args, "-vga", strdup("none"));
		if (r < 0)
			return r;
	}
	if (legacy || o->display == IGP_DISPLAY_NONE) {
		r = push_pair(args, "-display", strdup("none"));
		if (r < 0)
			return r;
	}

	for (size_t i = 0; i < d->n_funcs; i++) {
		const struct igp_vm_func *f = &d->funcs[i];
		if (f->driver && streq(f->driver, "vfio-pci"))
			continue;
		r = strv_consume(notes,
				 strdupf("%s is bound to %s: QEMU needs it on vfio-pci before it starts "
					 "(igpuctl bind %s).",
					 f->address, f->driver ? f->driver : "no driver", f->address));
		if (r < 0)
			return r;
	}
	if (!q35 && d->n_funcs > 1) {
		r = strv_push(notes, "On the pc machine each function gets a guest slot of its own; on q35 "
				     "they stay together behind one PCIe root port.");
		if (r < 0)
			return r;
	}
	if (o->x_vga == 1 && o->uefi) {
		r = strv_push(notes, "x-vga only matters to a BIOS (SeaBIOS) guest; an OVMF guest does not "
				     "need it.");
		if (r < 0)
			return r;
	}
	return 0;
}

static int mdev_args(const struct igp_vm_device *d, const struct igp_vm_options *o, char ***args,
		     char ***notes)
{
	bool ramfb = o->display == IGP_DISPLAY_RAMFB;
	_cleanup_free_ char *s = NULL, *rn = NULL;
	int r;

	/* ramfb=on exists only on the non-hotpluggable variant of the device. */
	r = strextendf(&s, "%s,sysfsdev=%s/%s,id=%s", ramfb ? "vfio-pci-nohotplug" : "vfio-pci",
		       IGP_SYS_MDEV_DEVICES, d->uuid, DEV_ID);
	if (r < 0)
		return r;
	if (igp_vm_display_on(o->display)) {
		r = strextendf(&s, ",display=on");
		if (r >= 0)
			r = append_igd(&s, d, o);
		if (r >= 0 && ramfb)
			r = strextendf(&s, ",ramfb=on");
		if (r < 0)
			return r;
	}
	if ((r = append_rom(&s, o, true)) < 0)
		return r;
	r = push_pair(args, "-device", TAKE_PTR(s));
	if (r < 0)
		return r;

	if (igp_vm_display_on(o->display)) {
		/* display=on shows the guest's frames through an OpenGL console. */
		r = push_pair(args, "-display", strdup("gtk,gl=on"));
		if (r < 0)
			return r;
		rn = igp_vm_rendernode(d);
		if (!rn)
			return -ENOMEM;
		r = strv_consume(notes,
				 strdupf("-display gtk,gl=on needs a desktop session; on a headless host use "
					 "-display egl-headless,rendernode=%s with -vnc :0 instead.",
					 rn));
		if (r < 0)
			return r;
	} else if (o->display == IGP_DISPLAY_NONE) {
		r = push_pair(args, "-vga", strdup("none"));
		if (r >= 0)
			r = push_pair(args, "-display", strdup("none"));
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * A CPU with more physical address bits than the IOMMU maps: the guest gets
 * the IOMMU's.  host-phys-bits-limit caps what -cpu host passes through
 * (target/i386/cpu.c, "host-phys-bits-limit"; host-phys-bits is on for the
 * host CPU model under KVM, target/i386/kvm/kvm-cpu.c).
 */
static int phys_bits_args(const struct igp_vm_options *o, char ***args, char ***notes)
{
	_cleanup_free_ char *cpu = NULL;
	int r;

	if (!o->phys_bits_limit)
		return 0;
	cpu = strdupf("host,host-phys-bits-limit=%u", o->phys_bits_limit);
	if (!cpu)
		return -ENOMEM;
	r = strv_consume(notes, igp_vm_phys_bits_note(o, "-cpu host,host-phys-bits-limit"));
	if (r < 0)
		return r;
	return push_pair(args, "-cpu", TAKE_PTR(cpu));
}

/* The variable store's copy: next to where QEMU runs, under the template's name. */
static const char *vars_copy(const char *vars)
{
	const char *slash = strrchr(vars, '/');
	return slash ? slash + 1 : vars;
}

int igp_qemu_full_args(const struct igp_qemu_full *f, char ***args, char ***notes)
{
	_cleanup_strv_free_ char **out = NULL;
	char **in = *args;
	int r;

	if (!in || !in[0] || !streq(in[0], "-machine") || !in[1])
		return -EINVAL;
	out = calloc(1, sizeof(char *));
	if (!out)
		return -ENOMEM;
	r = strv_push(&out, f->binary);
	/* VFIO assignment needs KVM (the IOMMU maps guest memory that KVM
	 * backs); -cpu host gives the guest driver the host's CPU features. */
	if (r >= 0)
		r = push_pair(&out, "-machine", strdupf("%s,accel=kvm", in[1]));
	/* The device's arguments may limit the address width already
	 * (-cpu host,host-phys-bits-limit=N). */
	if (r >= 0 && !strv_contains(in, "-cpu"))
		r = push_pair(&out, "-cpu", strdup("host"));
	if (r >= 0)
		r = push_pair(&out, "-m", strdupf("%u", f->memory_mib));
	if (r >= 0)
		r = push_pair(&out, "-smp", strdupf("%u", f->cpus));
	if (r >= 0 && f->ovmf_code) {
		_cleanup_free_ char *code = igp_qemu_escape(f->ovmf_code),
				    *vars = igp_qemu_escape(vars_copy(f->ovmf_vars));
		if (!code || !vars)
			return -ENOMEM;
		/* OVMF as two flash devices (OVMF's README, "-drive
		 * if=pflash"): the code read-only, then the VM's own copy of
		 * the variable store, which the guest writes. */
		r = push_pair(&out, "-drive", strdupf("if=pflash,format=raw,readonly=on,file=%s", code));
		if (r >= 0)
			r = push_pair(&out, "-drive", strdupf("if=pflash,format=raw,file=%s", vars));
		if (r >= 0)
			r = strv_pushf(
			    notes,
			    "OVMF from %s: copy its variable store next to the VM first (cp %s %s); "
			    "the guest keeps its UEFI settings there.",
			    f->ovmf_source, f->ovmf_vars, vars_copy(f->ovmf_vars));
	}
	for (size_t i = 2; r >= 0 && in[i]; i++)
		r = strv_push(&out, in[i]);
	if (r >= 0)
		r = strv_push(notes, "Add the guest's disk and network to these lines (e.g. -drive "
				     "file=DISK.qcow2,if=virtio -nic user,model=virtio-net-pci).");
	if (r < 0)
		return r;
	strv_free(*args);
	*args = TAKE_PTR(out);
	return 0;
}

int igp_qemu_args(const struct igp_vm_device *d, const struct igp_vm_options *o, char ***ret_args,
		  char ***notes)
{
	_cleanup_strv_free_ char **args = NULL;
	bool q35 = igp_vm_machine_effective(o) == IGP_MACHINE_Q35;
	int r;

	args = calloc(1, sizeof(char *));
	if (!args)
		return -ENOMEM;
	r = push_pair(&args, "-machine",
		      strdup(igp_vm_machine_name(q35 ? IGP_MACHINE_Q35 : IGP_MACHINE_I440FX)));
	if (r < 0)
		return r;
	if (d->kind == IGP_VM_PCI)
		r = pci_args(d, o, q35, &args, notes);
	else
		r = mdev_args(d, o, &args, notes);
	if (r >= 0)
		r = phys_bits_args(o, &args, notes);
	if (r < 0)
		return r;
	*ret_args = TAKE_PTR(args);
	return 0;
}

/* Does QEMU C take the option list VALUE of -device (QemuOpts: "," between
 * items, ",," a comma inside one)?  Only vfio-pci's own properties are
 * asked; id= and bus= belong to every device. */
static int check_device(const struct igp_qemu_caps *c, const char *value, char **ret_why)
{
	size_t n = strcspn(value, ",");
	enum igp_qemu_driver d;
	const char *p = value + n;

	if (n == strlen("vfio-pci") && startswith(value, "vfio-pci"))
		d = IGP_QEMU_VFIO_PCI;
	else if (n == strlen("vfio-pci-nohotplug") && startswith(value, "vfio-pci-nohotplug"))
		d = IGP_QEMU_VFIO_PCI_NOHOTPLUG;
	else
		return 0;
	while (*p == ',') {
		const char *key = ++p;
		size_t klen = strcspn(key, "=,");
		char name[64];

		/* Skip the value, ",," included. */
		p = key + klen;
		while (*p) {
			if (*p == ',' && p[1] == ',') {
				p += 2;
				continue;
			}
			if (*p == ',')
				break;
			p++;
		}
		if (klen == 0 || klen >= sizeof(name))
			continue;
		memcpy(name, key, klen);
		name[klen] = '\0';
		if (streq(name, "id") || streq(name, "bus"))
			continue;
		if (igp_qemu_has_prop(c, d, name) == 0)
			return igp_refuse(ret_why, -ENOTSUP, "QEMU %s (%s) has no %s property %s", c->version,
					  c->source, igp_qemu_driver_name(d), name);
	}
	return 0;
}

int igp_qemu_args_check(const struct igp_qemu_caps *c, char *const *args, char **ret_why)
{
	int r;

	if (!c || !c->version)
		return 0;
	for (size_t i = 0; args[i] && args[i + 1]; i += 2) {
		if (streq(args[i], "-machine") && igp_qemu_has_machine(c, args[i + 1]) == 0)
			return igp_refuse(ret_why, -ENOTSUP, "QEMU %s (%s) has no machine type %s",
					  c->version, c->source, args[i + 1]);
		if (streq(args[i], "-device") && (r = check_device(c, args[i + 1], ret_why)) < 0)
			return r;
	}
	return 0;
}
