/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model's VMs and containers and the host devices they use:
 * Proxmox VE VMs (/etc/pve/qemu-server, and /etc/pve/nodes/NODE/qemu-server
 * for the other nodes of a cluster), Proxmox VE CTs (/etc/pve/lxc) and
 * libvirt domains (/etc/libvirt/qemu), each read once through its format's
 * reader (vm/pveconf.h, the libvirt module) on first use.
 */
#ifndef IGP_WORKLOADS_H
#define IGP_WORKLOADS_H

#include "model/host.h"
#include "vm/libvirt_xml.h"
#include "vm/pveconf.h"

enum igp_workload_kind {
	IGP_WORKLOAD_PVE_VM,
	IGP_WORKLOAD_PVE_CT,
	IGP_WORKLOAD_LIBVIRT,
};

enum igp_use_kind {
	IGP_USE_PCI,  /* a PCI function (or, with slot, every function of a device) */
	IGP_USE_MDEV, /* a vGPU by UUID (libvirt) */
	IGP_USE_DRI,  /* a CT's DRM node ("/dev/dri/renderD128", or all of "/dev/dri") */
};

struct igp_device_use {
	enum igp_use_kind kind;
	const char *key;	  /* where: "hostpci0", "dev0", "lxc.mount.entry", "hostdev" (borrowed) */
	struct igp_pci_addr addr; /* PCI */
	bool slot;		  /* PCI: the whole device (qemu-server's "All Functions") */
	char *mdev_type;	  /* PCI on Proxmox VE: a vGPU of this type, made when the VM starts */
	char *uuid;		  /* MDEV */
	char *node;		  /* DRI */
};

struct igp_workload {
	enum igp_workload_kind kind;
	char *id;   /* VMID, CTID, domain name */
	char *path; /* the configuration file */
	bool local; /* on this node (a Proxmox VE VM of another node is not) */
	struct igp_device_use *uses;
	size_t n_uses;
	struct igp_pve_conf conf;	   /* Proxmox VE: the configuration */
	struct igp_libvirt_domain *domain; /* libvirt: the domain's facts */
};

struct igp_workloads {
	struct igp_workload *v;
	size_t n;
	bool pve;	       /* /etc/pve/qemu-server exists */
	bool libvirt;	       /* /etc/libvirt/qemu exists */
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

#endif
