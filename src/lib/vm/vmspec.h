/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An existing VM's configuration, whatever wrote it: a Proxmox VE VM
 * config, a libvirt domain, or a QEMU command line, normalised to what
 * decides whether GPU passthrough can work (the machine type, the
 * firmware, the emulated graphics and every passed-through device with its
 * QEMU properties).  `igpuctl vm lint` judges it (checks/lint.h).  Each
 * format is read by its one reader (pveconf.h, libvirt_xml.h,
 * qemu_opts.h); this only maps what they found.
 */
#ifndef IGP_VMSPEC_H
#define IGP_VMSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/pci.h"
#include "vm/libvirt_xml.h"
#include "vm/pveconf.h"
#include "vm/vmconf.h"

enum igp_vmspec_kind {
	IGP_VMSPEC_PROXMOX,
	IGP_VMSPEC_LIBVIRT,
	IGP_VMSPEC_QEMU,
};

/* One passed-through device.  Tri-state ints are 1, 0, or -1 when the
 * configuration does not say. */
struct igp_vmspec_dev {
	char *where; /* how the configuration names it: "hostpci0", "<hostdev> 1", "-device #2" */
	char *id;    /* QEMU's device id ("hostpci0", the libvirt alias), NULL when unknown */
	struct igp_pci_addr *hosts; /* host PCI functions (or whole devices, see slot) */
	bool *slot;		    /* per host: every function of the device ("All Functions") */
	size_t n_hosts;
	char *uuid;		   /* a vGPU (mdev) by UUID */
	char *mdev_type;	   /* Proxmox VE: a vGPU of this type of hosts[0], made at VM start */
	char *mapping;		   /* Proxmox VE: mapping=NAME (hosts then come from this node's entry) */
	bool has_guest;		   /* the guest address is known */
	struct igp_pci_addr guest; /* on the root bus (domain 0, bus 0) */
	int legacy;		   /* legacy-igd=1 / x-igd-legacy-mode=on */
	int x_vga, rombar, igd_lpc, igd_opregion, display;
	char *romfile;
	bool nohotplug; /* QEMU device vfio-pci-nohotplug, else vfio-pci */
	char **props;	/* every QEMU property the configuration sets on it, by name */
};

struct igp_vmspec {
	enum igp_vmspec_kind kind;
	char *name;	   /* "VM 100", "domain win11", "the QEMU command line" */
	char *id;	   /* VMID or domain name (to tell this VM apart in the host's workloads), or NULL */
	char *machine_str; /* as written, NULL for the default */
	enum igp_vm_machine machine; /* the effective one: i440fx unless q35 is asked for */
	bool uefi;		     /* boots OVMF */
	char *vga;		     /* the emulated VGA ("std", "qxl", "VGA"), NULL when there is none */
	bool vga_at_02;		     /* the emulated VGA sits at guest 00:02.0 */
	bool display;		     /* a display that can show a vGPU (SPICE, VNC, egl-headless, a UI) */
	char *cpu;		     /* -cpu / cpu: as written, or NULL */
	struct igp_vmspec_dev *devs;
	size_t n_devs;
};

void igp_vmspec_free(struct igp_vmspec *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct igp_vmspec *, igp_vmspec_free);
#define _cleanup_vmspec_ _cleanup_(igp_vmspec_freep)

/*
 * The VM of a Proxmox VE configuration (its current section): hostpciN,
 * machine, bios, vga, cpu and the QEMU arguments of `args:` (-set
 * device.hostpciN.PROP=VALUE, -device, ...).  -EINVAL with a sentence in
 * *ret_why for an `args:` line that does not split into words.
 */
int igp_vmspec_from_pve(const char *vmid, const struct igp_pve_conf *conf, struct igp_vmspec **ret,
			char **ret_why);
/* The VM of a libvirt domain's facts. */
int igp_vmspec_from_libvirt(const char *id, const struct igp_libvirt_domain *d, struct igp_vmspec **ret);
/*
 * The VM of a QEMU command line (the words after the binary, which may be
 * given first): -machine/-M, -device, -vga, -display, -nographic, -vnc,
 * -spice, -drive if=pflash and -bios (OVMF), -cpu, -set, -nodefaults.
 * Other options are passed over (with their argument, unless it starts
 * with '-').  -EINVAL with a sentence in *ret_why for a value QEMU would
 * refuse to parse or an option without its argument.
 */
int igp_vmspec_from_qemu(char *const *argv, struct igp_vmspec **ret, char **ret_why);

#endif
