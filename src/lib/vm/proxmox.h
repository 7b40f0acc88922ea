/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox VE VM configuration: /etc/pve/qemu-server/VMID.conf edited the way
 * the web GUI's "Add: PCI Device" would (qm.conf(5); qemu-server's
 * PVE/QemuServer/PCI.pm), and the cluster-wide PCI mapping in
 * /etc/pve/mapping/pci.cfg (pve-guest-common's PVE/Mapping/PCI.pm).
 *
 * Edits are text edits: only the lines that change are touched, so snapshot
 * sections ("[name]"), the "[PENDING]" section, comments (the description)
 * and every other line stay byte for byte.  Planning never writes; the
 * caller shows the diff or writes the new text.
 */
#ifndef IGP_PROXMOX_H
#define IGP_PROXMOX_H

#include <stdbool.h>

#include "model/host.h"
#include "vm/vmconf.h"

/* qemu-server's limit (PVE::QemuServer::PCI, $MAX_HOSTPCI_DEVICES). */
#define IGP_PVE_MAX_HOSTPCI 16

/* A VMID: 100 ... 999999999, digits only.  0 or -EINVAL. */
int igp_pve_vmid_parse(const char *s, unsigned long *ret);
/* "/etc/pve/qemu-server/100.conf" (caller frees). */
char *igp_pve_conf_path(unsigned long vmid);
/*
 * Is the VM running on this node?  qemu-server's own test: the pid file
 * /var/run/qemu-server/VMID.pid names a live process.  Returns 1 (and the
 * pid in *ret_pid when not NULL), 0, or a negative errno.
 */
int igp_pve_vm_running(unsigned long vmid, long *ret_pid);
/* This node's name: the target of /etc/pve/local ("nodes/pve1"), else the
 * short /etc/hostname.  Caller frees. */
int igp_pve_node_name(char **ret);
/* A mapping ID / mdev type as Proxmox accepts them (pve-configid; no '/', '.', ':'). */
bool igp_pve_id_valid(const char *s);
bool igp_pve_mdev_type_valid(const char *s);

struct igp_pve_request {
	const struct igp_vm_device *dev;
	/* x_vga, rombar, romfile (a file name in /usr/share/kvm), igd_mode,
	 * display (NONE sets "vga: none"), machine (Q35/I440FX sets "machine:";
	 * UNSET keeps the VM's). */
	const struct igp_vm_options *opts;
	const char *mapping;	 /* reference "mapping=NAME" instead of the address */
	const char *mdev_type;	 /* create a vGPU of this type at VM start */
	int pcie;		 /* -1: on when the machine is q35; 0; 1 */
	char *const *host_notes; /* what is wrong on the host for the device (NULL: nothing) */
	/* The host, for what is checked against it: the ROM file in
	 * /usr/share/kvm, qemu-server's version; NULL: none of that. */
	const struct igp_host *host;
	unsigned long vmid;
};

struct igp_pve_plan {
	char *key;	/* "hostpci1" */
	char *value;	/* "0000:00:02,pcie=1" */
	char *new_text; /* the whole new VMID.conf */
	char **notes;	/* advice, NULL-terminated */
};
void igp_pve_plan_done(struct igp_pve_plan *p);

/*
 * Plan the edit of VMID.conf (old_text) for the request.  Refusals: -EEXIST
 * (already attached), -ENOSPC (every hostpciN is taken), -EBUSY (locked),
 * -EINVAL (a combination Proxmox rejects), each with a sentence in *ret_why
 * (caller frees).
 */
int igp_pve_conf_plan(const char *old_text, const struct igp_pve_request *rq, struct igp_pve_plan *ret,
		      char **ret_why);

/*
 * Plan /etc/pve/mapping/pci.cfg (old_text NULL when the file does not
 * exist): create mapping `name` or extend it with this node's map entry
 * (node=,path=,id=,iommugroup=,subsystem-id=) and "mdev 1" for vGPUs.
 * *ret_new_text is the whole new file, or NULL when nothing changes.
 * -EEXIST with *ret_why when the mapping already maps this node elsewhere.
 */
int igp_pve_mapping_plan(const char *old_text, const char *name, const char *node,
			 const struct igp_vm_device *d, bool mdev, char **ret_new_text, char **ret_why);

#endif
