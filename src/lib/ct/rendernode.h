/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The render node of a GPU or SR-IOV VF, as a container gets it.  The node
 * is found through the device's own sysfs directory (drm/renderDN) and
 * udev's /dev/dri/by-path/pci-ADDR-render link, never by the order of the
 * nodes: renderD128 is whichever GPU probed first, and a VF has a node of
 * its own.  The major:minor come from sysfs (drm/renderDN/dev), as the
 * device cgroup needs them; the owner and mode from the node in /dev.
 */
#ifndef IGP_CT_RENDERNODE_H
#define IGP_CT_RENDERNODE_H

#include <stdbool.h>
#include <sys/types.h>

#include "model/pci.h"

struct igp_render_node {
	char *node;    /* renderD129 in IGP_DEV_DRI */
	char *by_path; /* pci-0000:00:02.2-render in IGP_DEV_DRI_BY_PATH when udev made it, else NULL */
	unsigned major, minor;
	bool present; /* the node exists in /dev */
	bool chrdev;  /* and is a character device (not in a captured tree) */
	unsigned long uid, gid;
	unsigned mode; /* permission bits */
};

/*
 * D's render node.  -ENODEV when D has none (no DRM driver bound: vfio-pci,
 * none; or not a GPU), -EIO when sysfs does not give its major:minor,
 * -ENOMEM.  Free with igp_render_node_done().
 */
int igp_render_node_get(const struct igp_pci_dev *d, struct igp_render_node *ret);
void igp_render_node_done(struct igp_render_node *n);

/*
 * The PCI device a DRM node path names (renderD129 in IGP_DEV_DRI, or a
 * by-path link pci-0000:00:02.2-render in IGP_DEV_DRI_BY_PATH): its address (caller
 * frees) from sysfs (class/drm/NAME/device), else from the by-path name.
 * -ENOENT when nothing is known of it, -ENOMEM.
 */
int igp_drm_node_device(const char *node, char **ret_address);
/*
 * The PCI device of the DRM character device MAJOR:MINOR, whatever its node
 * is called where it is seen (a container may name the host's renderD129
 * renderD128): its address (caller frees) from the device tree
 * (IGP_SYS_DEV_CHAR).  -ENOENT when sysfs does not show it, -ENOMEM.
 */
int igp_drm_devnum_device(unsigned major, unsigned minor, char **ret_address);

#endif
