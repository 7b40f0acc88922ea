/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What gives a container a render node, for each container runtime: the
 * lines `igpuctl ct` prints, and the edit of a Proxmox VE CT or LXC
 * configuration that keeps every byte it does not change.
 *
 * Proxmox VE (pve-container >= 5.0.7): "devN: NODE,gid=G", with N the
 * first number free in the current configuration and its pending changes
 * (PVE::LXC::Config: dev0 ... dev255); pve-container creates the node
 * inside with the container's gid G, mapped for unprivileged CTs
 * (PVE::LXC::create_passthrough_device_node).  Older versions and plain
 * LXC: the device cgroup rule and a bind mount of the host's node, which
 * keeps the host node's owner.  The cgroup key follows the host's
 * hierarchy: lxc.cgroup2.devices.allow on cgroup v2, lxc.cgroup.devices.allow
 * on v1 (liblxc's confile.c).
 */
#ifndef IGP_CT_CTPLAN_H
#define IGP_CT_CTPLAN_H

#include <stdbool.h>

#include "base/enumstr.h"
#include "ct/rendernode.h"

enum igp_ct_target {
	IGP_CT_PROXMOX,
	IGP_CT_LXC,
	IGP_CT_INCUS,
	IGP_CT_DOCKER,
	_IGP_CT_TARGET_MAX,
};
/* "proxmox", "lxc", "incus", "docker" */
IGP_ENUM_DECL(igp_ct_target, enum igp_ct_target);

struct igp_ct_request {
	enum igp_ct_target target;
	const char *address;		  /* the GPU or VF ("0000:00:02.2") */
	const struct igp_render_node *rn; /* its render node */
	long gid;			  /* the group inside the container (devN, Incus, Docker); -1 none */
	bool pve_dev;			  /* Proxmox VE: devN (else the LXC pair) */
	bool cgroup_v1;			  /* the host's device cgroup is v1 */
	const char *name;		  /* the container (Incus, LXC), NULL for Docker */
};

/* The lines that give the container the node, as the runtime takes them
 * (configuration lines, or commands for Incus and Docker), NULL-terminated
 * (caller frees with strv_free()).  0 or -ENOMEM. */
int igp_ct_lines(const struct igp_ct_request *rq, char ***ret);

struct igp_ct_edit {
	char *new_text; /* the whole new configuration; equal to the old one when nothing changes */
	char *key;	/* the devN igpuctl added or changed (Proxmox VE devN), else NULL */
	char *present;	/* an existing line's key that gives the node already, or NULL */
	bool changed;
};

/*
 * Edit the configuration OLD (Proxmox VE CT when rq->target is
 * IGP_CT_PROXMOX, else LXC) to give the node.  Lines of the current
 * configuration that give it already (the node, its by-path link, or a
 * node of the same device) are kept, a devN of it with another gid is
 * changed to rq->gid; the snapshot and pending sections are never touched.
 * 0, -ENOSPC with *ret_why (every devN taken), -ENOMEM.  Free with
 * igp_ct_edit_done().
 */
int igp_ct_edit_conf(const char *old, const struct igp_ct_request *rq, struct igp_ct_edit *ret,
		     char **ret_why);
void igp_ct_edit_done(struct igp_ct_edit *e);

#endif
