/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model's VMs and containers and the host devices they use:
 * Proxmox VE VMs (/etc/pve/qemu-server, and /etc/pve/nodes/NODE/qemu-server
 * for the other nodes of a cluster), Proxmox VE CTs (/etc/pve/lxc), LXC
 * containers (LXCPATH/NAME/config, LXCPATH /var/lib/lxc unless lxc.conf
 * sets lxc.lxcpath) and libvirt domains (/etc/libvirt/qemu), each read once
 * through its format's reader (vm/pveconf.h, ct/lxcconf.h, the libvirt
 * module) on first use.
 */
#ifndef IGP_WORKLOADS_H
#define IGP_WORKLOADS_H

#include "ct/lxcconf.h"
#include "model/host.h"
#include "vm/libvirt_xml.h"
#include "vm/pveconf.h"

enum igp_workload_kind {
	IGP_WORKLOAD_PVE_VM,
	IGP_WORKLOAD_PVE_CT,
	/* An LXC container of the lxcpath.  On Proxmox VE, pve-container
	 * writes LXCPATH/CTID/config for each CT it starts: those are its CTs,
	 * not LXC containers of their own. */
	IGP_WORKLOAD_LXC,
	IGP_WORKLOAD_LIBVIRT,
};

/* Sets of kinds, for igp_device_users_of(). */
#define IGP_WORKLOAD_BIT(kind) (1u << (kind))
#define IGP_WORKLOADS_VMS (IGP_WORKLOAD_BIT(IGP_WORKLOAD_PVE_VM) | IGP_WORKLOAD_BIT(IGP_WORKLOAD_LIBVIRT))
#define IGP_WORKLOADS_CTS (IGP_WORKLOAD_BIT(IGP_WORKLOAD_PVE_CT) | IGP_WORKLOAD_BIT(IGP_WORKLOAD_LXC))
#define IGP_WORKLOADS_ALL (IGP_WORKLOADS_VMS | IGP_WORKLOADS_CTS)

enum igp_use_kind {
	IGP_USE_PCI,  /* a PCI function (or, with slot, every function of a device) */
	IGP_USE_MDEV, /* a vGPU by UUID (libvirt) */
	IGP_USE_DRI,  /* a container's DRM node ("/dev/dri/renderD128", or all of "/dev/dri") */
};

struct igp_device_use {
	enum igp_use_kind kind;
	const char *key;	  /* where: "hostpci0", "dev0", "lxc.mount.entry", "hostdev" (borrowed) */
	struct igp_pci_addr addr; /* PCI */
	bool slot;		  /* PCI: the whole device (qemu-server's "All Functions") */
	char *mdev_type;	  /* PCI on Proxmox VE: a vGPU of this type, made when the VM starts */
	bool one_of;		  /* PCI: one of several devices this node's mapping offers (Proxmox VE
				   * takes the first that is free at VM start) */
	char *uuid;		  /* MDEV */
	char *node;		  /* DRI */
};

struct igp_workload {
	enum igp_workload_kind kind;
	char *id;   /* VMID, CTID, LXC container name, domain name */
	char *path; /* the configuration file */
	bool local; /* on this node (a Proxmox VE VM of another node is not) */
	struct igp_device_use *uses;
	size_t n_uses;
	struct igp_pve_conf conf;	   /* Proxmox VE: the configuration */
	struct igp_lxc_conf lxc;	   /* LXC: the configuration */
	struct igp_libvirt_domain *domain; /* libvirt: the domain's facts */
};

struct igp_workloads {
	struct igp_workload *v;
	size_t n;
	bool pve;	       /* /etc/pve/qemu-server exists */
	bool libvirt;	       /* /etc/libvirt/qemu exists */
	char *lxcpath;	       /* where the LXC containers are (their directories) */
	char *libvirt_skipped; /* why libvirt domains were not read (the module is missing), or NULL */
	char *node;	       /* this Proxmox VE node, NULL when unknown */
	struct igp_pve_mappings mappings; /* /etc/pve/mapping/pci.cfg */
};

/* The host's workloads, read on first use (borrowed from the host).  0 or a
 * negative errno; -ENODATA for a host not made by igp_host_load(). */
int igp_host_workloads(const struct igp_host *h, const struct igp_workloads **ret);
/* Read them without a host (the caller frees with igp_workloads_free()). */
int igp_workloads_load(struct igp_workloads **ret);
void igp_workloads_free(struct igp_workloads *w);
/* Does the use name the PCI device at ADDR? */
bool igp_device_use_names(const struct igp_device_use *u, const struct igp_pci_dev *d);

/* A guest's stable name: "proxmox-vm:201", "proxmox-ct:300", "lxc:frigate",
 * "libvirt:win11" (caller frees; NULL on ENOMEM). */
char *igp_workload_name(const struct igp_workload *w);
/* The name and, when it says more, the name the guest gives itself:
 * "proxmox-ct:300 (jellyfin)" (a CT's hostname, a VM's name, an LXC
 * container's lxc.uts.name when it is not NAME), "lxc:frigate" (caller
 * frees; NULL on ENOMEM). */
char *igp_workload_label(const struct igp_workload *w);

/*
 * Who uses the PCI device D: the one answer every command gives.  A guest
 * uses D when a use of it names D (igp_device_use_names()): a Proxmox VE VM
 * by hostpciN (the address, this node's entries of a mapping, "All
 * Functions" of the slot), a Proxmox VE CT or an LXC container by a DRM
 * node of D (its sysfs drm/ entries or /dev/dri/by-path/pci-ADDR-*), a
 * libvirt domain by a PCI hostdev.  Only this node's Proxmox VE guests use
 * its devices.
 *
 * *ret: the guests' names, in the order of ws (Proxmox VE VMs, CTs, LXC
 * containers, libvirt domains), each once, NULL-terminated and never NULL
 * (caller frees with strv_free()).  *ret_conflict (optional): the users
 * exclude each other, that is D goes whole to a VM (a PCI function is
 * vfio-pci's, one VM at a time) and another guest uses it too.  A vGPU of D
 * (mdev=), one of several devices of a mapping and a render node shared by
 * containers exclude nobody.
 * 0 or -ENOMEM.
 */
int igp_device_users(const struct igp_workloads *ws, const struct igp_pci_dev *d, char ***ret,
		     bool *ret_conflict);
/* The same for the guests of KINDS only (IGP_WORKLOADS_VMS, _CTS, or
 * IGP_WORKLOAD_BIT()s); the conflict is among those. */
int igp_device_users_of(const struct igp_workloads *ws, const struct igp_pci_dev *d, unsigned kinds,
			char ***ret, bool *ret_conflict);

/*
 * The containers that lose a DRM node when D leaves its driver (for
 * vfio-pci: setup --mode full, bind, a VM that gets D): those that use D
 * (igp_device_users_of(IGP_WORKLOADS_CTS)) and, when D is an SR-IOV PF,
 * those that use one of its VFs, which go away with the PF's driver.  When
 * there are any, *ret is the sentence that names them by
 * igp_workload_label(), "0000:00:02.0 gives its render node to
 * proxmox-ct:300 (jellyfin), lxc:frigate" (for a PF: "... and the render
 * node of its VF 0000:00:02.2 to ..."), and *ret_n their count; else *ret
 * is NULL and *ret_n 0.  0 or a negative errno (the workloads' error).
 */
int igp_host_ct_takers(const struct igp_host *h, const struct igp_pci_dev *d, char **ret, size_t *ret_n);
/*
 * What setup, bind and vm say about taking D from its driver to DRIVER
 * when containers use it (igp_host_ct_takers()): without FORCE the refusal
 * "... ; pass --force to take it from them" and -EUSERS; with FORCE the
 * note, naming them and what to do, and 0; nothing to say: 0, *ret NULL.
 * Else a negative errno.  Caller frees *ret.
 */
int igp_host_ct_guard(const struct igp_host *h, const struct igp_pci_dev *d, const char *driver, bool force,
		      char **ret);

/* A VF of an SR-IOV PF and the guests that use it (igp_device_users()). */
struct igp_vf_users {
	const struct igp_pci_dev *vf; /* borrowed from the host */
	char **users;		      /* never NULL */
	bool conflict;
};

/* The VFs of PF in the host model (its devices whose physfn is PF), by
 * address, each with its users; *n = 0 without VFs.  0 or a negative errno
 * (the workloads' error).  Free with igp_vf_users_free(). */
int igp_host_vf_users(const struct igp_host *h, const struct igp_pci_dev *pf, struct igp_vf_users **ret,
		      size_t *n);
void igp_vf_users_free(struct igp_vf_users *v, size_t n);

#endif
