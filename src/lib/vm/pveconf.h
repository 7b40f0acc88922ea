/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader of Proxmox VE's guest configuration formats: VM configs
 * (/etc/pve/qemu-server/VMID.conf, PVE::QemuServer::parse_vm_config), CT
 * configs (/etc/pve/lxc/CTID.conf, PVE::LXC::Config::parse_pct_config),
 * the property strings of their values (PVE::JSONSchema::
 * parse_property_string), and the cluster PCI mapping
 * /etc/pve/mapping/pci.cfg (PVE::Mapping::PCI on PVE::SectionConfig).
 *
 * The line grammar is exported too, so that the editor (proxmox.c), which
 * must keep every byte it does not change, reads lines exactly as this
 * reader does.
 */
#ifndef IGP_PVECONF_H
#define IGP_PVECONF_H

#include <stdbool.h>
#include <stddef.h>

#include "model/pci.h"

/* ---- lines ---- */

/*
 * A "key: value" line of the configuration: the key is [a-z][a-z_]*\d*
 * (qemu-server and pve-container alike); for a CT also a raw LXC key
 * ("lxc.mount.entry", "lxc.cgroup2.devices.allow", followed by ':' or '=').
 * The key is copied into buf (NUL-terminated); returns the value (leading
 * blanks skipped, trailing ones kept: callers that edit keep them), or NULL
 * for comments, blank lines, section headers and lines Proxmox refuses.
 */
const char *igp_pve_line_kv(const char *line, bool ct, char *buf, size_t size);
/*
 * Does the line start a section: "[PENDING]", "[special:cloudinit]"
 * (VMs), "[pve:pending]" (CTs) or a snapshot "[name]"?  The name is copied
 * into buf when buf is not NULL.
 */
bool igp_pve_line_section(const char *line, char *buf, size_t size);

/* ---- guest configurations ---- */

struct igp_pve_kv {
	char *key;
	char *value; /* trailing blanks stripped, as Proxmox reads it */
};

struct igp_pve_section {
	char *name; /* NULL for the current configuration; "PENDING", "pve:pending", a snapshot */
	struct igp_pve_kv *kv;
	size_t n_kv;
};

struct igp_pve_conf {
	bool ct;
	/* sections[0] is the current configuration (it may be empty); only its
	 * lines are what the guest uses now. */
	struct igp_pve_section *sections;
	size_t n_sections;
};

/* Parse a VM (ct false) or CT (ct true) configuration.  0 or -ENOMEM. */
int igp_pve_conf_parse(const char *text, bool ct, struct igp_pve_conf *ret);
void igp_pve_conf_done(struct igp_pve_conf *c);
/* KEY of the current configuration (the last line wins, as in Proxmox's
 * hash), or NULL.  Borrowed. */
const char *igp_pve_conf_get(const struct igp_pve_conf *c, const char *key);

/* ---- property strings ---- */

/*
 * The value of KEY in a property string "k=v,k=v" (a part without '=' is
 * the value of DEFAULT_KEY when that is not NULL), copied (caller frees);
 * -ENOENT when absent, -ENOMEM.
 */
int igp_pve_prop_get(const char *value, const char *key, const char *default_key, char **ret);
/* A boolean property (PVE::JSONSchema: 1/on/yes/true, 0/off/no/false): 1, 0, or -1 when absent or
 * unparsable. */
int igp_pve_prop_bool(const char *value, const char *key);
/* A boolean as PVE::JSONSchema::parse_boolean reads it (any case): 1, 0, or -1. */
int igp_pve_boolean(const char *s);

/* One hostpciN value (PVE::QemuServer::PCI's hostpci format). */
struct igp_pve_hostpci {
	char **hosts;  /* the host= ids as written ("0000:00:02.0", "01:00"), NULL-terminated; none with
			  mapping= */
	char *mapping; /* mapping=NAME, or NULL */
	char *mdev;    /* mdev=TYPE: a vGPU of the device, created when the VM starts */
	int pcie, legacy_igd, x_vga, rombar; /* 1, 0, -1 when not given */
	/* driver=vfio|keep (qemu-server 9.0.25): with keep, Proxmox VE neither
	 * resets the device nor binds it to vfio-pci at VM start; false when
	 * not given (the default, vfio). */
	bool driver_keep;
};
int igp_pve_hostpci_parse(const char *value, struct igp_pve_hostpci *ret);
void igp_pve_hostpci_done(struct igp_pve_hostpci *h);
/*
 * A host PCI id as qemu-server takes it: "0000:01:00.0", "01:00.0" (domain
 * 0), and without ".F" the whole device ("All Functions"), then
 * *ret_slot is true and the function is 0.  0 or -EINVAL.
 */
int igp_pve_pci_id_parse(const char *id, struct igp_pci_addr *ret, bool *ret_slot);

/* ---- /etc/pve/mapping/pci.cfg ---- */

struct igp_pve_map {
	char *value;	  /* the whole property string, as written */
	char *node;	  /* node=NAME: the entry applies on that node only */
	char *path;	  /* path=ADDR (a function, or a whole device without ".F"; ';' separates several) */
	char *id;	  /* id=VEN:DEV, or NULL */
	char *iommugroup; /* iommugroup=N as written, or NULL */
	char *subsystem_id; /* subsystem-id=VEN:DEV, or NULL */
};

struct igp_pve_mapping {
	char *name;
	struct igp_pve_map *maps;
	size_t n_maps;
	/* "mdev 1": the devices offer vGPUs (mdev_supported_types); absent or
	 * unparsable is 0, as PVE::Mapping::PCI::assert_valid() reads it. */
	bool mdev;
};

struct igp_pve_mappings {
	struct igp_pve_mapping *v;
	size_t n;
};

/*
 * The lines of pci.cfg (PVE::SectionConfig): a section starts with its ID
 * alone on a line (igp_pve_cfg_header() returns the line, else NULL), its
 * properties follow as indented "key value" lines (igp_pve_cfg_prop()
 * returns the value of KEY, else NULL), comment lines are skipped and a
 * blank line ends the section.
 */
const char *igp_pve_cfg_header(const char *line);
const char *igp_pve_cfg_prop(const char *line, const char *key);
/* Parse pci.cfg (the first definition of a name counts).  0 or -ENOMEM. */
int igp_pve_mappings_parse(const char *text, struct igp_pve_mappings *ret);
void igp_pve_mappings_done(struct igp_pve_mappings *m);
const struct igp_pve_mapping *igp_pve_mapping_find(const struct igp_pve_mappings *m, const char *name);

/* ---- container devices ---- */

/*
 * The host device node a CT line passes in: "devN: [path=]NODE,..."
 * (pve-container's dev option), "lxc.mount.entry: SRC DST ..." (the source
 * when it lies under /dev), and "lxc.cgroup2.devices.allow: c MAJOR:MINOR
 * rwm" (or cgroup v1's lxc.cgroup.devices.allow) for DRM (major 226: cardN
 * below minor 128, renderDN from 128, the whole /dev/dri for "*").  KEY and
 * VALUE as either reader gives them: a Proxmox VE CT's (vm/pveconf.h) or an
 * LXC container's "lxc.KEY = VALUE" (ct/lxcconf.h).  1 and *ret (caller
 * frees), 0 when the line passes no device, or -ENOMEM.
 */
int igp_pve_ct_device(const char *key, const char *value, char **ret);

/*
 * CT_GID of a CT (ct true) on the host, as pve-container maps it
 * (PVE::LXC::parse_id_maps()): through its raw "lxc.idmap: u|g CT HOST
 * COUNT" lines (ct/lxcconf.h igp_lxc_idmap_parse()), or, for "unprivileged:
 * 1" without them, the default map of 65536 ids from 100000.  1 and
 * *host_gid; 0 when the CT maps gids and none holds CT_GID; a privileged
 * CT has the host's gids (1, *host_gid = CT_GID).  -EINVAL for an
 * lxc.idmap line Proxmox VE refuses (the CT does not start).
 */
int igp_pve_ct_idmap_gid(const struct igp_pve_conf *c, unsigned long ct_gid, unsigned long *host_gid);
/* The other way: the CT's gid that shows the host's HOST_GID (1), 0 when
 * no map holds it, -EINVAL as above. */
int igp_pve_ct_idmap_gid_inside(const struct igp_pve_conf *c, unsigned long host_gid, unsigned long *ct_gid);
/* Is the CT unprivileged: "unprivileged: 1" or an lxc.idmap line (PVE::LXC::update_lxc_config())? */
bool igp_pve_ct_unprivileged(const struct igp_pve_conf *c);

/* ---- /etc/pve/storage.cfg ---- */

/* A storage of storage.cfg (PVE::Storage::Plugin on PVE::SectionConfig):
 * what locates a container's root file system on it. */
struct igp_pve_storage {
	char *type;	  /* "dir", "zfspool", "btrfs", "lvmthin", ... */
	char *path;	  /* dir, btrfs: path */
	char *pool;	  /* zfspool: pool */
	char *mountpoint; /* zfspool: mountpoint, NULL for the default "/POOL" */
};

/*
 * The storage ID of storage.cfg: sections start with "TYPE: ID" (PVE::
 * SectionConfig::parse_section_header), indented "key value" lines follow,
 * a blank line ends a section; the first definition of an ID counts.
 * 0 and *ret (free with igp_pve_storage_done()), -ENOENT, -ENOMEM.
 */
int igp_pve_storage_find(const char *text, const char *id, struct igp_pve_storage *ret);
void igp_pve_storage_done(struct igp_pve_storage *s);
/*
 * The host directory of a CT volume "STORAGE:VOLNAME" on storage S, where
 * one exists: a ZFS subvol-* dataset at MOUNTPOINT/NAME (ZFSPoolPlugin::
 * path), a subvol-*.subvol directory of a dir or btrfs storage at
 * PATH/images/VMID/NAME (Plugin::filesystem_path); raw images and volumes
 * of other storage types have no directory: -ENOENT.  Caller frees.
 */
int igp_pve_volume_dir(const struct igp_pve_storage *s, const char *volname, char **ret);

#endif
