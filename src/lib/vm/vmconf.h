/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What to attach to a VM and how: the model that the three VM renderers
 * (qemu_args.h, libvirt_xml.h, proxmox.h) read.
 *
 * A device is either host PCI function(s) passed through vfio-pci (every
 * function of a multi-function GPU, or one SR-IOV VF), or an active mediated
 * device (a GVT-g vGPU) named by its UUID.  Options are what the guides ask
 * for: a display variant, x-vga, the ROM BAR and a ROM file, IGD legacy
 * versus UPT mode, the machine type and OVMF.
 */
#ifndef IGP_VMCONF_H
#define IGP_VMCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "base/util.h"
#include "base/enumstr.h"
#include "model/host.h"
#include "model/pci.h"

struct igp_qemu_caps;

#define IGP_UUID_STR_MAX 37

enum igp_vm_kind {
	IGP_VM_PCI,  /* host PCI function(s) through vfio-pci */
	IGP_VM_MDEV, /* a mediated device (vGPU) by UUID */
};

enum igp_vm_target {
	IGP_VM_QEMU,
	IGP_VM_LIBVIRT,
	IGP_VM_PROXMOX,
};

/*
 * Display variants (the GVT-g guide's "Getting vGPU display contents" and
 * "Display vGPU output" sections).  DEFAULT leaves the VM's own display as it
 * is and keeps a vGPU's display off, as the guide's first <hostdev> does.
 */
enum igp_vm_display {
	IGP_DISPLAY_DEFAULT,
	IGP_DISPLAY_DMABUF,	  /* vGPU display=on, x-igd-opregion=on */
	IGP_DISPLAY_RAMFB,	  /* DMABUF plus ramfb (vfio-pci-nohotplug) */
	IGP_DISPLAY_SPICE_EGL,	  /* SPICE with Mesa EGL, no emulated video */
	IGP_DISPLAY_EGL_HEADLESS, /* SPICE plus egl-headless, no emulated video */
	IGP_DISPLAY_VNC,	  /* VNC plus egl-headless, no emulated video */
	IGP_DISPLAY_NONE,	  /* no emulated display at all */
	_IGP_DISPLAY_MAX,
};

enum igp_vm_machine {
	IGP_MACHINE_UNSET,
	IGP_MACHINE_Q35,
	IGP_MACHINE_I440FX, /* QEMU's "pc" */
	_IGP_MACHINE_MAX,
};

enum igp_igd_mode {
	IGP_IGD_UPT,	/* secondary device next to emulated graphics (default) */
	IGP_IGD_LEGACY, /* primary and only VGA: i440fx, guest 00:02.0, a ROM */
};

struct igp_vm_func {
	char address[IGP_PCI_ADDR_MAX];
	struct igp_pci_addr addr;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class;
	int iommu_group;  /* -1 without an IOMMU */
	bool mdev_parent; /* offers vGPUs now (mdev_supported_types) */
	char *driver;	  /* bound host driver, NULL if none */
	char *name;	  /* "Intel Corporation CometLake-S GT2 ...", NULL if unknown */
	int stolen_mib;	  /* an iGPU's stolen memory (model/igd.h), <= 0 if unknown */
};

struct igp_vm_device {
	enum igp_vm_kind kind;
	/* PCI: the functions to attach, in address order (function 0 first).
	 * MDEV: one entry, the parent device. */
	struct igp_vm_func *funcs;
	size_t n_funcs;
	bool all_functions;	   /* the whole slot is passed ("All Functions") */
	bool igd;		   /* the Intel iGPU at 0000:00:02.0 (or a vGPU of it) */
	bool vf;		   /* an SR-IOV virtual function */
	int vf_index;		   /* VF only: its number N of the PF, 0 unknown */
	char pf[IGP_PCI_ADDR_MAX]; /* VF only: the PF's address */
	/* An Intel iGPU's platform (a VF's: its PF's), NULL for others. */
	const struct igp_platform *platform;
	char uuid[IGP_UUID_STR_MAX]; /* MDEV only */
	char *mdev_type;	     /* MDEV only: type directory name, "i915-GVTg_V5_4" */
};

struct igp_vm_options {
	enum igp_vm_display display;
	enum igp_vm_machine machine; /* UNSET: the target's default */
	enum igp_igd_mode igd_mode;
	int x_vga;	     /* -1 unset, 0, 1 */
	int rombar;	     /* -1 unset (target default), 0, 1 */
	const char *romfile; /* NULL: none */
	bool uefi;	     /* the guest boots OVMF */
	/* The host's physical address widths when the CPU's exceeds the
	 * IOMMU's (igp_vm_phys_bits()); 0: no limit needed. */
	unsigned phys_bits_cpu, phys_bits_limit;
	/* libvirt older than 9.3 has no maxphysaddr limit=: a note only. */
	bool phys_bits_old_libvirt;
	/* libvirt: the guide's <qemu:commandline> "-set" form instead of
	 * <qemu:override> (for libvirt < 8.2, which still passes -device as
	 * "key=value" lists that -set can reach). */
	bool qemu_commandline;
	/* The QEMU that will run the VM (model/qemucaps.h), NULL when unknown:
	 * vm/igd.h decides the IGD properties from it. */
	const struct igp_qemu_caps *qemu;
	const char *qemu_path; /* --qemu PATH: the binary to ask (NULL: the host's default) */
	/* libvirt: the form above was chosen from the libvirt version rather
	 * than by --qemu-commandline, and what that version rests on ("libvirt
	 * 9.0.0, package libvirt-daemon 9.0.0-4"; NULL when it was not found),
	 * for the note that says so. */
	bool qemu_form_auto;
	const char *libvirt_basis;
};

#define IGP_VM_OPTIONS_INIT                                                                                  \
	{                                                                                                    \
		.display = IGP_DISPLAY_DEFAULT, .machine = IGP_MACHINE_UNSET, .igd_mode = IGP_IGD_UPT,       \
		.x_vga = -1, .rombar = -1                                                                    \
	}

/* "default", "dmabuf", "ramfb", "spice-egl", "egl-headless", "vnc", "none" */
IGP_ENUM_DECL(igp_vm_display, enum igp_vm_display);
/* Does the variant turn on the vGPU's display (display=on)? */
bool igp_vm_display_on(enum igp_vm_display d);
/* "q35", "pc"; NULL for UNSET */
IGP_ENUM_DECL(igp_vm_machine, enum igp_vm_machine);
/* "q35" / "pc" (also "i440fx", "pc-i440fx-*", "pc-q35-*") */
int igp_vm_machine_parse(const char *s, enum igp_vm_machine *ret);
/* Accepts "on"/"off"/"1"/"0"/"yes"/"no"; returns 0 or 1, or -EINVAL. */
int igp_parse_onoff(const char *s);

/* A canonical lowercase UUID (36 characters)?  Accepts upper case. */
bool igp_uuid_valid(const char *s);

/*
 * Resolve DEVICE, a PCI address in any accepted form or the UUID of an
 * active vGPU, into what gets attached.  Refusals (-EINVAL malformed,
 * -ENODEV absent, -EADDRNOTAVAIL ambiguous, -EBUSY a PF with VFs enabled,
 * -ENOTSUP a bridge) come with a one-sentence reason in *ret_why (caller
 * frees; may be NULL on -ENOMEM).  Free the result with igp_vm_device_free().
 */
int igp_vm_device_resolve(const struct igp_host *h, const char *spec, struct igp_vm_device **ret,
			  char **ret_why);
/*
 * Refuse passing d through whole when its IOMMU group also holds a device
 * the host needs (its disk controller, its NIC): -EPERM with the reason in
 * *ret_why.  A vGPU (IGP_VM_MDEV) has its own group and passes; so does a
 * device of which the VM gets a vGPU (Proxmox VE's mdev=): the caller does
 * not ask then.
 */
int igp_vm_device_isolation(const struct igp_host *h, const struct igp_vm_device *d, char **ret_why);
void igp_vm_device_free(struct igp_vm_device *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct igp_vm_device *, igp_vm_device_free);
#define _cleanup_vm_device_ _cleanup_(igp_vm_device_freep)

/*
 * The machine a target uses when none was asked for: q35 (the guide's
 * recommendation), except IGD legacy mode, which only works on i440fx.
 */
enum igp_vm_machine igp_vm_machine_effective(const struct igp_vm_options *o);

/*
 * Refuse option combinations that cannot work for this device and target,
 * with the reason in *ret_why (caller frees).  Returns 0 or -EINVAL.
 */
int igp_vm_check(const struct igp_vm_device *d, const struct igp_vm_options *o, enum igp_vm_target t,
		 char **ret_why);

/*
 * Advice that applies to every target: first host_notes (what is wrong on
 * the host for this device: the findings of `igpuctl check`, which decides
 * that; NULL for none), then what follows from the options (OVMF without an
 * option ROM, IGD legacy or UPT mode, no emulated display).  Appends
 * sentences to *notes.
 */
int igp_vm_common_notes(const struct igp_vm_device *d, const struct igp_vm_options *o, enum igp_vm_target t,
			char *const *host_notes, char ***notes);

/*
 * Fill o->phys_bits_cpu and o->phys_bits_limit from the host when the guest
 * must see fewer physical address bits than the CPU has: a passed-through
 * PCI device, and a CPU wider than the IOMMU (model/sysinfo.h).
 */
void igp_vm_phys_bits(const struct igp_host *h, const struct igp_vm_device *d, enum igp_vm_target t,
		      struct igp_vm_options *o);
/* The note on that limit, or NULL when there is none (caller frees); how
 * names what the target writes ("-cpu host,host-phys-bits-limit=39"). */
char *igp_vm_phys_bits_note(const struct igp_vm_options *o, const char *how);

/* The host render node path SPICE/egl-headless should use for a vGPU:
 * "/dev/dri/by-path/pci-0000:00:02.0-render" (caller frees). */
char *igp_vm_rendernode(const struct igp_vm_device *d);

#endif
