/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdarg.h>
#include <uuid/uuid.h>

#include "model/igd.h"
#include "model/isolation.h"
#include "model/platform.h"
#include "model/sysinfo.h"
#include "model/versions.h"
#include "vgpu/mdev.h"
#include "base/paths.h"
#include "base/util.h"
#include "vm/igd.h"
#include "vm/optionrom.h"
#include "vm/vmconf.h"

IGP_ENUM_IMPL(
    igp_vm_display, enum igp_vm_display, _IGP_DISPLAY_MAX, [IGP_DISPLAY_DEFAULT] = "default",
    [IGP_DISPLAY_DMABUF] = "dmabuf", [IGP_DISPLAY_RAMFB] = "ramfb", [IGP_DISPLAY_SPICE_EGL] = "spice-egl",
    [IGP_DISPLAY_EGL_HEADLESS] = "egl-headless", [IGP_DISPLAY_VNC] = "vnc", [IGP_DISPLAY_NONE] = "none");

/* The names igpuctl writes: QEMU's machine types (`qemu-system-x86_64
 * -machine help`), which Proxmox VE's "machine:" takes as they are. */
IGP_ENUM_IMPL(
    igp_vm_machine, enum igp_vm_machine,
    _IGP_MACHINE_MAX, [IGP_MACHINE_UNSET] = NULL, [IGP_MACHINE_Q35] = "q35", [IGP_MACHINE_I440FX] = "pc");

bool igp_vm_display_on(enum igp_vm_display d)
{
	return d == IGP_DISPLAY_DMABUF || d == IGP_DISPLAY_RAMFB || d == IGP_DISPLAY_SPICE_EGL ||
	       d == IGP_DISPLAY_EGL_HEADLESS || d == IGP_DISPLAY_VNC;
}

int igp_vm_machine_parse(const char *s, enum igp_vm_machine *ret)
{
	/* Versioned names as QEMU and Proxmox write them: "pc-q35-8.1",
	 * "pc-i440fx-8.1"; Proxmox also appends "+pve0" and ",viommu=...". */
	int m = igp_vm_machine_from_name(s);

	if (m >= 0) {
		*ret = (enum igp_vm_machine)m;
		return 0;
	}
	if (startswith(s, "q35,") || startswith(s, "pc-q35-")) {
		*ret = IGP_MACHINE_Q35;
		return 0;
	}
	if (streq(s, "i440fx") || startswith(s, "pc,") || startswith(s, "pc-i440fx-")) {
		*ret = IGP_MACHINE_I440FX;
		return 0;
	}
	return -EINVAL;
}

int igp_parse_onoff(const char *s)
{
	if (streq(s, "on") || streq(s, "1") || streq(s, "yes") || streq(s, "true"))
		return 1;
	if (streq(s, "off") || streq(s, "0") || streq(s, "no") || streq(s, "false"))
		return 0;
	return -EINVAL;
}

bool igp_uuid_valid(const char *s)
{
	uuid_t u;
	/* uuid_parse() takes exactly the 36-character 8-4-4-4-12 form. */
	return strlen(s) == 36 && uuid_parse(s, u) == 0;
}

static void func_done(struct igp_vm_func *f)
{
	free(f->driver);
	free(f->name);
}

void igp_vm_device_free(struct igp_vm_device *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_funcs; i++)
		func_done(&d->funcs[i]);
	free(d->funcs);
	free(d->mdev_type);
	free(d);
}

static int func_fill(struct igp_vm_func *f, const struct igp_pci_dev *p)
{
	memcpy(f->address, p->address, sizeof(f->address));
	f->addr = p->addr;
	f->vendor = p->vendor;
	f->device = p->device;
	f->subsys_vendor = p->subsys_vendor;
	f->subsys_device = p->subsys_device;
	f->class = p->class;
	f->iommu_group = p->iommu_group;
	f->mdev_parent = p->mdev_parent;
	f->stolen_mib = igp_pci_dev_is_intel_igpu(p) ? igp_igd_stolen_mib(p) : 0;
	if (p->driver && !(f->driver = strdup(p->driver)))
		return -ENOMEM;
	if (p->vendor_name || p->device_name) {
		f->name = strdupf("%s %s", p->vendor_name ? p->vendor_name : "",
				  p->device_name ? p->device_name : "");
		if (!f->name)
			return -ENOMEM;
	}
	return 0;
}

static bool is_intel_igd(const struct igp_pci_dev *p)
{
	return igp_pci_dev_is_intel_igpu(p) && p->addr.domain == 0 && p->addr.func == 0;
}

/* An active mdev's parent and type, from the vGPU model (mdev.h). */
static int mdev_lookup(const char *uuid, char **ret_parent, char **ret_type)
{
	struct igp_mdev m;
	int r;

	r = igp_mdev_get_active(uuid, &m);
	if (r < 0)
		return r;
	if (!m.parent || !m.type) {
		igp_mdev_done(&m);
		return -ENODEV;
	}
	*ret_parent = TAKE_PTR(m.parent);
	*ret_type = TAKE_PTR(m.type);
	igp_mdev_done(&m);
	return 0;
}

static int resolve_mdev(const struct igp_host *h, const char *spec, struct igp_vm_device *d, char **why)
{
	_cleanup_free_ char *parent = NULL, *type = NULL;
	struct igp_pci_dev *p;
	int r;

	for (size_t i = 0; i < 36; i++)
		d->uuid[i] = (char)tolower((unsigned char)spec[i]);
	d->uuid[36] = '\0';
	r = mdev_lookup(d->uuid, &parent, &type);
	if (r == -ENOENT || r == -ENODEV) {
		*why = strdupf("no active vGPU has the UUID %s (see igpuctl vgpu list)", d->uuid);
		return -ENODEV;
	}
	if (r < 0) {
		*why = strdupf("cannot read vGPU %s", d->uuid);
		return r;
	}
	r = igp_host_find(h, parent, &p);
	if (r < 0) {
		*why = strdupf("the parent device %s of vGPU %s is not on this host", parent, d->uuid);
		return -ENODEV;
	}
	d->kind = IGP_VM_MDEV;
	d->mdev_type = TAKE_PTR(type);
	d->funcs = calloc(1, sizeof(*d->funcs));
	if (!d->funcs)
		return -ENOMEM;
	d->n_funcs = 1;
	d->igd = is_intel_igd(p);
	return func_fill(&d->funcs[0], p);
}

int igp_vm_device_isolation(const struct igp_host *h, const struct igp_vm_device *d, char **why)
{
	struct igp_isolation_report rep;
	struct igp_pci_dev *p;
	int r;

	/* A mediated device has an IOMMU group of its own (KVMGT registers
	 * each vGPU with vfio_register_emulated_iommu_dev(), and
	 * drivers/vfio/group.c allocates a new group for such a device): its
	 * parent's group does not go to the VM. */
	if (d->kind != IGP_VM_PCI || igp_host_find(h, d->funcs[0].address, &p) < 0)
		return 0;
	r = igp_isolation_judge(h, p, &rep);
	if (r < 0)
		return 0; /* no verdict: nothing to refuse on */
	r = 0;
	if (rep.verdict == IGP_ISO_UNSAFE) {
		for (size_t i = 0; i < rep.n_peers; i++)
			/* The device's own functions go along (a boot GPU's audio);
			 * a function the host needs for its disk or network does not. */
			if (rep.peers[i].kind == IGP_PEER_CRITICAL &&
			    (!(rep.peers[i].dev->addr.domain == p->addr.domain &&
			       igp_pci_addr_same_slot(&rep.peers[i].dev->addr, &p->addr)) ||
			     (rep.peers[i].dev->roles & ~(unsigned)IGP_ROLE_BOOT_VGA))) {
				const struct igp_pci_dev *c = rep.peers[i].dev;
				*why = strdupf(
				    "IOMMU group %d of %s also holds %s%s%s%s, which this host needs: "
				    "everything in a group goes to the VM together",
				    rep.group, p->address, c->address, c->role_detail ? " (" : "",
				    c->role_detail ? c->role_detail : "", c->role_detail ? ")" : "");
				r = -EPERM;
				break;
			}
	}
	igp_isolation_report_done(&rep);
	return r;
}

/* A GPU card's functions (GPU, HDMI audio, USB-C) go to a VM together. */
static bool slot_has_gpu(const struct igp_host *h, const struct igp_pci_dev *p)
{
	for (size_t i = 0; i < h->n_devs; i++) {
		const struct igp_pci_dev *q = h->devs[i];
		if (q->addr.domain == p->addr.domain && igp_pci_addr_same_slot(&q->addr, &p->addr) &&
		    igp_pci_dev_is_gpu(q))
			return true;
	}
	return false;
}

static int resolve_pci(const struct igp_host *h, const char *spec, struct igp_vm_device *d, char **why)
{
	struct igp_pci_dev *p;
	size_t n = 0;
	int r;

	r = igp_host_find(h, spec, &p);
	if (r == -EINVAL) {
		*why = strdupf("'%s' is neither a PCI address nor a vGPU UUID", spec);
		return r;
	}
	if (r == -EADDRNOTAVAIL) {
		*why = strdupf("'%s' matches devices in several PCI domains: give the full address", spec);
		return r;
	}
	if (r < 0) {
		*why = strdupf("no PCI device %s on this host", spec);
		return r;
	}
	if (igp_pci_dev_is_bridge(p)) {
		*why = strdupf("%s is a PCI bridge: bridges stay on the host", p->address);
		return -ENOTSUP;
	}
	if (!p->physfn && p->sriov_numvfs > 0) {
		char vf[IGP_PCI_ADDR_MAX];
		struct igp_pci_addr a = p->addr;
		a.func = (uint8_t)(a.func + 1);
		igp_pci_addr_format(&a, vf);
		/* The VFs live only while the PF's driver keeps SR-IOV enabled
		 * (drivers/pci/iov.c): only VFs go to VMs. */
		*why =
		    strdupf("%s has %d SR-IOV virtual functions enabled: pass a VF (e.g. %s) instead of the "
			    "PF, or set the VF count to 0 (igpuctl vfs %s --count 0) for full passthrough",
			    p->address, p->sriov_numvfs, vf, p->address);
		return -EBUSY;
	}
	if (p->roles & (IGP_ROLE_MOUNTED_STORAGE | IGP_ROLE_DEFAULT_NIC)) {
		*why = strdupf("%s is the host's own %s (%s): a VM would take it from the host", p->address,
			       p->roles & IGP_ROLE_MOUNTED_STORAGE ? "disk controller" : "network card",
			       p->role_detail ? p->role_detail : "in use");
		return -EPERM;
	}
	d->kind = IGP_VM_PCI;
	if (p->physfn || !slot_has_gpu(h, p)) {
		/* A VF goes alone: "All Functions" would take the PF with it.
		 * So does a function of a slot without a GPU: the functions of a
		 * chipset slot (00:1f: LPC bridge, SMBus, audio, NIC) are
		 * separate devices. */
		d->vf = p->physfn != NULL;
		if (d->vf) {
			snprintf(d->pf, sizeof(d->pf), "%s", p->physfn);
			d->vf_index = p->vf_index;
			d->platform = p->platform;
		}
		d->funcs = calloc(1, sizeof(*d->funcs));
		if (!d->funcs)
			return -ENOMEM;
		d->n_funcs = 1;
		return func_fill(&d->funcs[0], p);
	}
	/* Every non-VF function in the slot but bridges: a GPU and its HDMI
	 * audio (and USB-C controllers) are one device to the guest driver. */
	d->funcs = calloc(8, sizeof(*d->funcs));
	if (!d->funcs)
		return -ENOMEM;
	for (size_t i = 0; i < h->n_devs && n < 8; i++) {
		const struct igp_pci_dev *q = h->devs[i];
		if (q->addr.domain != p->addr.domain || !igp_pci_addr_same_slot(&q->addr, &p->addr) ||
		    q->physfn || igp_pci_dev_is_bridge(q))
			continue;
		r = func_fill(&d->funcs[n++], q);
		d->n_funcs = n;
		if (r < 0)
			return r;
	}
	if (n == 0)
		return -ENODEV;
	d->all_functions = true;
	d->igd = is_intel_igd(p) && n == 1;
	return 0;
}

int igp_vm_device_resolve(const struct igp_host *h, const char *spec, struct igp_vm_device **ret,
			  char **ret_why)
{
	struct igp_vm_device *d;
	char *why = NULL;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (igp_uuid_valid(spec))
		r = resolve_mdev(h, spec, d, &why);
	else
		r = resolve_pci(h, spec, d, &why);
	if (r < 0) {
		igp_vm_device_free(d);
		if (ret_why)
			*ret_why = why;
		else
			free(why);
		return r;
	}
	free(why);
	*ret = d;
	return 0;
}

enum igp_vm_machine igp_vm_machine_effective(const struct igp_vm_options *o)
{
	if (o->machine != IGP_MACHINE_UNSET)
		return o->machine;
	return o->igd_mode == IGP_IGD_LEGACY ? IGP_MACHINE_I440FX : IGP_MACHINE_Q35;
}

static int refuse(char **ret_why, const char *fmt, ...) _printf_(2, 3);
static int refuse(char **ret_why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*ret_why = strdupvf(fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int igp_vm_check(const struct igp_vm_device *d, const struct igp_vm_options *o, enum igp_vm_target t,
		 char **ret_why)
{
	const char *disp = igp_vm_display_name(o->display);

	if (d->kind == IGP_VM_PCI && o->display != IGP_DISPLAY_DEFAULT && o->display != IGP_DISPLAY_NONE)
		return refuse(ret_why,
			      "--display %s needs a vGPU (give its UUID): a passed-through PCI device drives "
			      "its own outputs; use --display none to drop the emulated display",
			      disp);
	if (t == IGP_VM_QEMU && (o->display == IGP_DISPLAY_SPICE_EGL ||
				 o->display == IGP_DISPLAY_EGL_HEADLESS || o->display == IGP_DISPLAY_VNC))
		return refuse(ret_why,
			      "--display %s is a libvirt variant: use igpuctl vm libvirt, or "
			      "--display dmabuf|ramfb|none here",
			      disp);
	if (t == IGP_VM_PROXMOX && o->display != IGP_DISPLAY_DEFAULT && o->display != IGP_DISPLAY_NONE)
		return refuse(ret_why,
			      "Proxmox VE has no vGPU display setting: use --display none (vga: none) "
			      "or leave the display alone");
	if (o->x_vga == 1 && d->kind == IGP_VM_MDEV)
		return refuse(ret_why, "x-vga is for a passed-through GPU, not a vGPU");
	if (o->x_vga == 1 && d->vf)
		return refuse(ret_why, "x-vga is not for an SR-IOV virtual function: a VF has no VGA ranges");
	/* vfio-pci's x-vga needs the device's VGA region (VFIO_PCI_VGA_REGION_INDEX),
	 * which only a VGA-class device has: QEMU refuses to start otherwise. */
	if (o->x_vga == 1 && d->kind == IGP_VM_PCI && (d->funcs[0].class >> 8) != 0x0300)
		return refuse(ret_why,
			      "x-vga is for a VGA controller: %s is PCI class %06x, which has no VGA ranges",
			      d->funcs[0].address, d->funcs[0].class);
	if (o->igd_mode == IGP_IGD_LEGACY) {
		const struct igp_pci_addr *a = &d->funcs[0].addr;
		/* QEMU docs/igd-assign.txt: legacy mode requirements; qemu-server
		 * refuses the same one condition at a time and names it
		 * (PVE/QemuServer/PCI.pm, parse_hostpci_devices()). */
		if (d->kind != IGP_VM_PCI)
			return refuse(ret_why,
				      "IGD legacy mode is not compatible with a vGPU (mdev): it passes "
				      "the iGPU at 0000:00:02.0 itself");
		if (a->domain != 0 || a->bus != 0 || a->slot != 2 || a->func != 0)
			return refuse(
			    ret_why,
			    "IGD legacy mode only works for the device at host address 0000:00:02.0, "
			    "not %s",
			    d->funcs[0].address);
		if (d->n_funcs > 1)
			return refuse(
			    ret_why,
			    "IGD legacy mode is not compatible with a multifunction device: 0000:00:02 "
			    "has %zu functions",
			    d->n_funcs);
		if (!d->igd)
			return refuse(ret_why, "IGD legacy mode is only for an Intel iGPU, and %s is none",
				      d->funcs[0].address);
		if (igp_vm_machine_effective(o) != IGP_MACHINE_I440FX)
			return refuse(ret_why,
				      "IGD legacy mode needs the i440fx machine (--machine pc): q35 has "
				      "its own ISA bridge at 00:1f.0");
		if (o->rombar == 0)
			return refuse(ret_why, "IGD legacy mode needs the ROM: rombar=0 disables it");
		if (o->x_vga == 1)
			return refuse(ret_why, "IGD legacy mode does not combine with x-vga");
	}
	if (o->rombar == 0 && o->romfile)
		return refuse(ret_why, "--romfile has no effect with the ROM BAR off (--rombar off)");
	return 0;
}

/* The guest's driver for an Intel iGPU VF must be VF-capable: mainline i915
 * has no SR-IOV.  xe drives VFs of the platforms with has_sriov
 * (drivers/gpu/drm/xe/xe_pci.c), the Gen 12 ones only when forced:
 * xe_pci_probe() refuses a require_force_probe device unless
 * id_forced(pdev->device), the device ID the guest sees, the VF's own. */
static int vf_linux_note(const struct igp_vm_device *d, char ***notes)
{
	const struct igp_vm_func *f = &d->funcs[0];
	const struct igp_platform *p = d->platform;
	char n[16] = "";

	if (d->vf_index > 0)
		snprintf(n, sizeof(n), " %d", d->vf_index);
	if (p && p->xe_sriov_since && !p->xe_force_probe)
		return strv_pushf(notes,
				  "%s is virtual function%s of %s (%s): a Linux guest drives it with xe "
				  "(upstream SR-IOV VF support, Linux %s or newer) or with i915-sriov-dkms "
				  "installed in the guest; stock i915 cannot drive a VF.",
				  f->address, n, d->pf, p->name, p->xe_sriov_since);
	if (p && p->xe_sriov_since)
		return strv_pushf(
		    notes,
		    "%s is virtual function%s of %s (%s): a Linux guest needs i915-sriov-dkms "
		    "installed in the guest, or xe (Linux %s or newer) with xe.force_probe=%04x "
		    "on the guest's kernel command line (%04x is the VF's own device ID, read "
		    "from sysfs); stock i915 cannot drive a VF.",
		    f->address, n, d->pf, p->name, p->xe_sriov_since, f->device, f->device);
	return strv_pushf(
	    notes,
	    "%s is virtual function%s of %s%s%s%s: a Linux guest needs i915-sriov-dkms installed "
	    "in the guest (xe has no SR-IOV for this platform); stock i915 cannot drive a VF.",
	    f->address, n, d->pf, p ? " (" : "", p ? p->name : "", p ? ")" : "");
}

/* Windows guests with an iGPU VF stop the driver with Code 43 unless all of
 * these hold, as users of i915-sriov-dkms report: an option ROM, no x-vga
 * (vfio-pci's VGA region needs a VGA-class device with legacy ranges, which a
 * VF lacks), the host CPU model, and no virtualization-based security. */
static int vf_windows_note(const struct igp_vm_options *o, enum igp_vm_target t, char ***notes)
{
	const char *cpu = t == IGP_VM_PROXMOX	? "cpu: host"
			  : t == IGP_VM_LIBVIRT ? "<cpu mode='host-passthrough'/>"
						: "-cpu host";
	const char *rom =
	    o->romfile ? "the VF has its option ROM (romfile, as set here)"
	    : t == IGP_VM_PROXMOX
		? "the VF has an option ROM (--romfile: hostpci's romfile=, a file in " IGP_USR_SHARE_KVM "/)"
		: "the VF has an option ROM (--romfile)";

	return strv_pushf(notes,
			  "A Windows guest shows Code 43 for the VF unless: %s; x-vga stays off (a VF is no "
			  "VGA device); the CPU type is host (%s); and virtualization-based security "
			  "(VBS, Memory Integrity / Hyper-V) is off in the guest.",
			  rom, cpu);
}

int igp_vm_common_notes(const struct igp_vm_device *d, const struct igp_vm_options *o, enum igp_vm_target t,
			char *const *host_notes, char ***notes)
{
	int r;

	for (size_t i = 0; host_notes && host_notes[i]; i++)
		if ((r = strv_push(notes, host_notes[i])) < 0)
			return r;
	if (o->uefi && !o->romfile &&
	    ((d->kind == IGP_VM_PCI && d->igd) ||
	     (d->kind == IGP_VM_MDEV && igp_vm_display_on(o->display)))) {
		/* QEMU docs/igd-assign.txt: OVMF has no IGD support of its own; an
		 * option ROM (IgdAssignmentDxe) sets up the OpRegion.  The GVT-g
		 * guide's "DMA-BUF with UEFI/OVMF" says the same for vGPUs. */
		const char *rom = d->kind == IGP_VM_PCI ? igp_optionrom_suggest(d->funcs[0].device) : NULL;
		const struct igp_platform *p = rom ? igp_platform_lookup(d->funcs[0].device) : NULL;
		r = strv_pushf(
		    notes,
		    "OVMF does not set up the IGD OpRegion by itself: give the device an option ROM "
		    "(--romfile, e.g. one built with IgdAssignmentDxe%s) or the guest shows no "
		    "picture.",
		    d->kind == IGP_VM_MDEV ? ", or vbios_gvt_uefi.rom for a vGPU" : "");
		/* LongQT-sea/intel-igpu-passthru names its ROMs by generation
		 * (README.md, "ROM File Selection"). */
		if (r >= 0 && p)
			r = strv_pushf(notes,
				       "For %s, github.com/LongQT-sea/intel-igpu-passthru has %s "
				       "(IgdAssignmentDxe of VfioIgdPkg with that generation's GOP driver).",
				       p->name, rom);
		if (r < 0)
			return r;
	}
	if (o->igd_mode == IGP_IGD_LEGACY) {
		r = strv_pushf(notes,
			       "IGD legacy mode: the iGPU becomes the VM's only graphics, shown on a monitor "
			       "attached to the host's outputs; there is no emulated console.");
		if (r < 0)
			return r;
	} else if (d->igd && d->kind == IGP_VM_PCI && t != IGP_VM_PROXMOX) {
		r = strv_pushf(notes,
			       "UPT mode: the iGPU is a secondary GPU next to the emulated one "
			       "(x-igd-opregion=on lets it drive the host's outputs); for IGD legacy mode "
			       "use --legacy-igd.");
		if (r < 0)
			return r;
	}
	{
		/* What the QEMU version decides for the iGPU (vm/igd.h); its
		 * refusals were made when the options were checked. */
		_cleanup_free_ char *why = NULL;
		struct igp_igd_plan plan;
		r = igp_igd_plan(d, o, &plan, notes, &why);
		if (r < 0 && r != -ENOTSUP)
			return r;
	}
	if (d->kind == IGP_VM_PCI && d->vf && d->funcs[0].vendor == 0x8086 &&
	    (d->funcs[0].class >> 16) == 0x03) {
		if ((r = vf_linux_note(d, notes)) < 0 || (r = vf_windows_note(o, t, notes)) < 0)
			return r;
	}
	if (o->display == IGP_DISPLAY_NONE) {
		/* The Proxmox guide's tip on disabling the virtual graphics card. */
		r = strv_pushf(notes,
			       "Without emulated graphics there is no console: enable Remote Desktop (RDP) "
			       "or another remote desktop in the guest before you switch it off; to get back "
			       "in, remove the GPU and re-enable the virtual graphics card.");
		if (r < 0)
			return r;
	}
	return 0;
}

char *igp_vm_rendernode(const struct igp_vm_device *d)
{
	/* udev's stable name for the host GPU's render node (the GVT-g guide's
	 * rendernode example): renderD128 numbering depends on probe order. */
	return strdupf("%s/pci-%s-render", IGP_DEV_DRI_BY_PATH, d->funcs[0].address);
}

void igp_vm_phys_bits(const struct igp_host *h, const struct igp_vm_device *d, enum igp_vm_target t,
		      struct igp_vm_options *o)
{
	const struct igp_phys_bits *b = igp_host_phys_bits(h);
	const struct igp_version *v;

	o->phys_bits_cpu = o->phys_bits_limit = 0;
	/* Only what VFIO maps through the IOMMU: a vGPU's memory is pinned by
	 * its parent's driver, not mapped into a VT-d domain of its own. */
	if (d->kind != IGP_VM_PCI || b->cpu <= 0 || b->iommu <= 0 || b->cpu <= b->iommu)
		return;
	o->phys_bits_cpu = (unsigned)b->cpu;
	o->phys_bits_limit = (unsigned)b->iommu;
	/* The limit attribute of <maxphysaddr> came with libvirt 9.3.0
	 * (docs/formatdomain.rst, "limit ... Since 9.3.0"; cputypes.rng); an
	 * unknown version is taken as a current one. */
	o->phys_bits_old_libvirt = t == IGP_VM_LIBVIRT && igp_host_libvirt(h, &v) >= 0 && v->version &&
				   version_compare(v->version, "9.3") < 0;
}

char *igp_vm_phys_bits_note(const struct igp_vm_options *o, const char *how)
{
	if (!o->phys_bits_limit)
		return NULL;
	return strdupf("The CPU has %u physical address bits, the IOMMU maps %u: a guest that uses the "
		       "upper ones (OVMF puts its 64-bit PCI window there) fails with "
		       "vfio_container_dma_map(...) = -22, so %s gives the guest %u.",
		       o->phys_bits_cpu, o->phys_bits_limit, how, o->phys_bits_limit);
}
