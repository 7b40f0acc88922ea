/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container as the host sees it: where its root file system lies, the
 * group that owns render nodes inside it (read from its own group file, not
 * the host's: the ids differ), and whether it runs.
 */
#ifndef IGP_CT_CTROOT_H
#define IGP_CT_CTROOT_H

#include <stdbool.h>

#include "vm/pveconf.h"

struct igp_ct_group {
	unsigned long gid;
	const char *name; /* "render", else "video" (static) */
};

/*
 * The group inside the container with root ROOTDIR (a host path) that
 * render nodes belong to: "render" (systemd's udev rules give it
 * renderD*), else "video" (distributions without a render group).
 * 0, -ENOENT (neither group), -ENODATA (no group file there: the root file
 * system is not readable from the host), -ENOMEM.
 */
int igp_ct_render_group(const char *rootdir, struct igp_ct_group *ret);
/* The same, with *ret_why (caller frees) saying why when it fails other
 * than -ENOMEM. */
int igp_ct_render_group_why(const char *rootdir, struct igp_ct_group *ret, char **ret_why);

/*
 * Where the root file system of Proxmox VE CT CTID (configuration C) can
 * be read on this host: the directory of its rootfs volume (storage.cfg,
 * igp_pve_volume_dir()), a plain directory rootfs, else, while the CT runs,
 * where pve-container mounts it (LXCPATH/CTID/rootfs).  0 and *ret (caller
 * frees); -ENOENT with *ret_why (caller frees) saying why not; -ENOMEM.
 */
int igp_pve_ct_rootdir(unsigned long ctid, const struct igp_pve_conf *c, char **ret, char **ret_why);
/* The render group of Proxmox VE CT CTID: igp_pve_ct_rootdir(), then
 * igp_ct_render_group_why().  0, a negative errno with *ret_why, -ENOMEM. */
int igp_pve_ct_render_group(unsigned long ctid, const struct igp_pve_conf *c, struct igp_ct_group *ret,
			    char **ret_why);

/*
 * Does the container NAME of LXCPATH run?  liblxc's command socket
 * "@LXCPATH/NAME/command" is in the kernel's list of Unix sockets, as
 * pve-container's list_active_containers() and liblxc's own
 * list_active_containers() read it.  1, 0, or a negative errno.
 */
int igp_lxc_running(const char *lxcpath, const char *name);

#endif
