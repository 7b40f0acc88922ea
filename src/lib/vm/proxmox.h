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
	const char *qemu_server; /* the installed qemu-server's version, NULL when unknown */
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
 * What a map entry of pci.cfg must say about the device at its path now, as
 * PVE::Mapping::PCI::assert_valid() compares them at VM start: id= and
 * subsystem-id= of the (first) device, and iommugroup= exactly when it has
 * an IOMMU group, in lowercase hex.
 */
struct igp_pve_map_want {
	const char *node, *path;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	int iommu_group; /* -1: none, and the entry must not name one */
};
/*
 * The map entry (the value after "map ") for w: value NULL gives a new one,
 * "node=,path=,id=,iommugroup=,subsystem-id="; else value with its id=,
 * iommugroup= and subsystem-id= corrected in place (the missing ones
 * appended, iommugroup= dropped without a group) and every other property
 * (node=, path=, description=) kept as written.  Caller frees; NULL on
 * -ENOMEM.
 */
char *igp_pve_map_value(const char *value, const struct igp_pve_map_want *w);

/*
 * Plan /etc/pve/mapping/pci.cfg (old_text NULL when the file does not
 * exist): create mapping `name` or extend it with this node's map entry
 * (igp_pve_map_value()), or correct this node's entry for the device when
 * the host changed; "mdev 1" when the device offers vGPUs now
 * (offers_mdev: it has mdev_supported_types), "mdev 0" replacing a "mdev
 * 1" when it does not: the flag must match at VM start.  Only this node's
 * entries are touched.  *ret_new_text is the whole new file, or NULL when
 * nothing changes.  -EEXIST with *ret_why when the mapping already maps
 * this node to another device.
 */
int igp_pve_mapping_plan(const char *old_text, const char *name, const char *node,
			 const struct igp_vm_device *d, bool offers_mdev, char **ret_new_text,
			 char **ret_why);

/*
 * Add the edit of a Proxmox VE guest file (a VM or CT configuration,
 * pci.cfg) to plan P: undone by a byte-exact restore only, the lines it
 * adds named for revert's message when the file changed since (a snapshot
 * copies them into its section, where taking "the" line out would take the
 * wrong one).  New files get pmxcfs's mode, 0640.  0 or -ENOMEM.
 */
struct igp_plan;
int igp_pve_plan_file(struct igp_plan *p, const char *path, const char *old, const char *new,
		      const char *why);

#endif
