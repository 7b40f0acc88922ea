/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI addresses and devices as igpuctl models them (after libvirt's virpci):
 * an address, IDs, names, the bound driver and the IOMMU group.
 */
#ifndef IGP_PCI_H
#define IGP_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "base/util.h"
#include "model/platform.h"

#define IGP_PCI_ADDR_MAX 16 /* "ffff:ff:1f.7" + NUL; domains may be 5 digits */

struct igp_pci_addr {
	uint32_t domain;
	uint8_t bus, slot, func;
};

/*
 * Parse a full address "DDDD:BB:SS.F" (domain of 4 or 5 hex digits).
 * Returns 0 or -EINVAL.
 */
int igp_pci_addr_parse(const char *s, struct igp_pci_addr *ret);
/*
 * Parse any accepted form: "0000:00:02.0", "00:02.0", "2.0" / "02.0"
 * (domain 0, bus 0).  *ret_full tells whether the domain was given.
 */
int igp_pci_addr_parse_loose(const char *s, struct igp_pci_addr *ret, bool *ret_full);
/* Format as "0000:00:02.0"; returns buf. */
char *igp_pci_addr_format(const struct igp_pci_addr *a, char buf[static IGP_PCI_ADDR_MAX]);
int igp_pci_addr_cmp(const struct igp_pci_addr *a, const struct igp_pci_addr *b);
/* Same bus/slot, any function. */
bool igp_pci_addr_same_slot(const struct igp_pci_addr *a, const struct igp_pci_addr *b);

/* Why a device matters to the host (it must not go to a VM). */
enum igp_role {
	IGP_ROLE_MOUNTED_STORAGE = 1 << 0, /* controller of a mounted filesystem */
	IGP_ROLE_DEFAULT_NIC = 1 << 1,	   /* carries the default route */
	IGP_ROLE_BOOT_VGA = 1 << 2,	   /* firmware console GPU */
};

struct igp_pci_dev {
	char address[IGP_PCI_ADDR_MAX];
	struct igp_pci_addr addr;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class;				       /* 24-bit: class, subclass, prog-if */
	int revision;				       /* -1 unknown */
	char *vendor_name, *device_name, *subsys_name; /* pci.ids; NULL if unknown */
	char *driver;				       /* bound driver, NULL if none */
	char *driver_override;			       /* NULL if none */
	int iommu_group;			       /* -1 without an IOMMU */
	int boot_vga;				       /* -1 absent, 0, 1 */
	char *render_node;			       /* "/dev/dri/renderD128" or NULL */
	char *card_node;			       /* "/dev/dri/card0" or NULL */
	char *sysfs_path;			       /* canonical "/sys/devices/pci0000:00/0000:00:02.0" */
	char *physfn;				       /* SR-IOV VF: the PF's address; NULL otherwise */
	int vf_index;	    /* SR-IOV VF: its number N of the PF (virtfn<N-1>, "VF N"); 0 unknown */
	uint16_t pf_device; /* SR-IOV VF: the PF's device ID (a VF's own may differ); 0 unknown */
	int sriov_totalvfs, sriov_numvfs; /* -1 when not SR-IOV capable */
	bool mdev_parent;		  /* has mdev_supported_types */
	uint64_t bar_size[6];
	unsigned roles;			     /* enum igp_role bits */
	char *role_detail;		     /* "nvme0n1p2 on /", "eth0 (default route)" */
	const struct igp_platform *platform; /* Intel iGPU platform or NULL */
	bool details;			     /* boot_vga, physfn, driver_override, SR-IOV, mdev, BARs and
					      * DRM nodes were read (always for GPUs; others on request) */
};

static inline bool igp_pci_dev_is_gpu(const struct igp_pci_dev *d)
{
	return (d->class >> 16) == 0x03;
}
static inline bool igp_pci_dev_is_bridge(const struct igp_pci_dev *d)
{
	return (d->class >> 16) == 0x06;
}
static inline bool igp_pci_dev_is_intel_igpu(const struct igp_pci_dev *d)
{
	/* Intel integrated graphics always sits at 00:02.0 of domain 0; Arc
	 * discrete cards do not.  The platform table decides the rest. */
	return d->vendor == 0x8086 && igp_pci_dev_is_gpu(d) && d->addr.bus == 0 && d->addr.slot == 2;
}
/* "VGA compatible controller", "Display controller", ... (pci.ids) */
const char *igp_pci_class_name(uint32_t class);

/*
 * Read one device from sysfs (IGP_SYS_PCI_DEVICES/ADDR).  Names are filled
 * by igp_pci_names_fill().  Caller frees with igp_pci_dev_free().
 */
int igp_pci_dev_read(const char *address, struct igp_pci_dev **ret);
/* The same, with IGP_SYS_PCI_DEVICES already open (for whole-host scans). */
int igp_pci_dev_read_at(int devices_dfd, const char *address, struct igp_pci_dev **ret);
/*
 * A scan reads the attributes only some devices have (boot_vga, physfn,
 * driver_override, sriov_*, mdev_supported_types, BARs, DRM nodes) for
 * display devices only; this reads them for any device.  Idempotent.
 */
int igp_pci_dev_read_details(struct igp_pci_dev *d);
void igp_pci_dev_free(struct igp_pci_dev *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct igp_pci_dev *, igp_pci_dev_free);

/* Fill vendor/device/subsystem names from pci.ids (libpci). */
void igp_pci_names_fill(struct igp_pci_dev *d);
/* Release libpci's name cache (at exit, for leak checkers). */
void igp_pci_names_cleanup(void);

#endif
