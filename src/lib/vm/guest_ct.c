/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `igpuctl guest` inside a container: the GPU is the render node the host
 * gave it in IGP_DEV_DRI (Proxmox's devN, lxc.mount.entry, Incus' gpu device,
 * docker --device), and whether it works is a question of the node itself
 * (a DRM character device, not an empty file a failed bind mount left), of
 * its owner and mode against the container's render group, and of the
 * device cgroup, which answers an open with EPERM.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/groupfile.h"
#include "base/paths.h"
#include "ct/rendernode.h"
#include "vm/guest_int.h"

/* The DRI character devices (the kernel's Documentation/admin-guide/devices.txt). */
#define DRM_MAJOR 226
/* What an unprivileged container sees for an id its user namespace does not
 * map (the kernel's overflowgid sysctl, kernel/sys.c). */
#define OVERFLOW_GID 65534

void guest_nodes_done(struct igp_guest_report *r)
{
	for (size_t i = 0; i < r->n_nodes; i++) {
		free(r->nodes[i].path);
		free(r->nodes[i].pci_address);
		free(r->nodes[i].group_name);
		igp_va_info_done(&r->nodes[i].va);
	}
	free(r->nodes);
	r->nodes = NULL;
	r->n_nodes = 0;
}

/* Type, device number, owner and mode (following a link inside the root). */
static void node_stat(struct igp_guest_node *n)
{
	_cleanup_close_ int fd = igp_open(n->path, O_PATH, 0);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return; /* a dangling link: mode 0, no device */
	n->char_dev = S_ISCHR(st.st_mode);
	n->major = n->char_dev ? major(st.st_rdev) : 0;
	n->minor = n->char_dev ? minor(st.st_rdev) : 0;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	n->mode = st.st_mode;
	n->size = st.st_size;
}

/* The PCI device behind the device number: the container usually sees the
 * host's sysfs, read-only. */
static int node_pci(const struct igp_host *h, struct igp_guest_node *n)
{
	struct igp_pci_dev *d;
	int r;

	if (!n->char_dev)
		return 0;
	r = igp_drm_devnum_device(n->major, n->minor, &n->pci_address);
	if (r == -ENOMEM)
		return r;
	if (r >= 0 && igp_host_find(h, n->pci_address, &d) >= 0)
		n->dev = d;
	return 0;
}

static bool mode_has(mode_t mode, mode_t bits)
{
	return (mode & bits) == bits;
}

/* GROUPS: the container's group file (NULL: none). */
static int node_group(const char *groups, long render_gid, struct igp_guest_node *n)
{
	if (groups && igp_group_name(groups, n->gid, &n->group_name) == -ENOMEM)
		return -ENOMEM;
	n->render_group_can_open =
	    mode_has(n->mode, S_IROTH | S_IWOTH) ||
	    (render_gid >= 0 && n->gid == (gid_t)render_gid && mode_has(n->mode, S_IRGRP | S_IWGRP));
	return 0;
}

/* Open a DRM node as this process does (never under --root, where it would
 * be a device of the machine igpuctl runs on), and ask libva. */
static int node_open(struct igp_guest_node *n, bool probe_va)
{
	int fd, e = 0;

	n->open = 1;
	n->va.status = IGP_VA_NOT_PROBED;
	if (!n->char_dev || n->major != DRM_MAJOR || !igp_root_is_host())
		return 0;
	fd = igp_open(n->path, O_RDWR, 0);
	n->open = fd < 0 ? fd : 0;
	if (fd >= 0 && probe_va)
		e = igp_va_probe(fd, &n->va);
	if (fd >= 0)
		close(fd);
	return e;
}

static int node_inspect(const struct igp_host *h, const char *groups, long render_gid, bool probe_va,
			struct igp_guest_node *n)
{
	int e;

	node_stat(n);
	if ((e = node_pci(h, n)) < 0 || (e = node_group(groups, render_gid, n)) < 0)
		return e;
	return node_open(n, probe_va);
}

/* Every renderD* of IGP_DEV_DRI, in number order. */
static int list_nodes(const struct igp_host *h, const char *groups, bool probe_va, struct igp_guest_report *r)
{
	_cleanup_strv_free_ char **names = NULL;
	int e;

	if (igp_list_dir(IGP_DEV_DRI, &names) == -ENOMEM)
		return -ENOMEM;
	r->nodes = calloc(strv_length(names) + 1, sizeof(*r->nodes));
	if (!r->nodes)
		return -ENOMEM;
	for (char **p = names; p && *p; p++) {
		struct igp_guest_node *n;
		if (!startswith(*p, "renderD"))
			continue;
		n = &r->nodes[r->n_nodes++];
		if (!(n->path = igp_path_join(IGP_DEV_DRI, *p)))
			return -ENOMEM;
		if ((e = node_inspect(h, groups, r->render_gid, probe_va, n)) < 0)
			return e;
	}
	return 0;
}

/* The node to judge: WANT's, else the first DRM device, else the first. */
static ssize_t pick_node(const struct igp_guest_report *r, const struct igp_pci_dev *want)
{
	for (size_t i = 0; i < r->n_nodes; i++) {
		const struct igp_guest_node *n = &r->nodes[i];
		if (want ? streq_ptr(n->pci_address, want->address) : n->char_dev && n->major == DRM_MAJOR)
			return (ssize_t)i;
	}
	return want || r->n_nodes == 0 ? -1 : 0;
}

/* ---- the verdict ---- */

/* "0000:00:02.0" or "device 226:128" (sysfs does not tell), for messages. */
static const char *node_device(const struct igp_guest_node *n, char *buf, size_t size)
{
	if (n->pci_address)
		return n->pci_address;
	snprintf(buf, size, "device %u:%u", n->major, n->minor);
	return buf;
}

/* What the node is instead of a character device. */
static const char *node_kind(const struct igp_guest_node *n)
{
	if (!n->mode)
		return "a link to nothing";
	if (S_ISREG(n->mode))
		return n->size == 0 ? "an empty file" : "a regular file";
	if (S_ISDIR(n->mode))
		return "a directory";
	if (S_ISBLK(n->mode))
		return "a block device";
	return "no device";
}

static int judge_not_device(struct igp_guest_report *r, const struct igp_guest_node *n)
{
	int e;

	r->verdict = IGP_GUEST_NOT_A_DEVICE;
	if (n->char_dev)
		e = guest_setf(&r->message, "%s is character device %u:%u, not a DRM render node (major %d).",
			       n->path, n->major, n->minor, DRM_MAJOR);
	else
		e = guest_setf(&r->message,
			       "%s is %s, not a character device: the container's configuration names a "
			       "node that did not exist on the host when the container started (a bind mount "
			       "with create=file leaves an empty file).",
			       n->path, node_kind(n));
	if (e < 0)
		return e;
	return guest_setf(
	    &r->next_step,
	    "on the host, find the GPU's render node (ls -l %s), give it to the container again "
	    "(igpuctl ct ...) and restart the container.",
	    IGP_DEV_DRI_BY_PATH);
}

static int judge_group(struct igp_guest_report *r, const struct igp_guest_node *n)
{
	long rg = r->render_gid;
	int e;

	r->verdict = IGP_GUEST_RENDER_GROUP;
	if (n->gid != (gid_t)rg)
		e = guest_setf(
		    &r->message,
		    "The node's group %u%s%s%s is not the container's render group %ld, and others "
		    "may not open %s (mode %04o).",
		    n->gid, n->group_name ? " (" : "", n->group_name ? n->group_name : "",
		    n->group_name ? ")" : "", rg, n->path, n->mode & 07777);
	else
		e = guest_setf(&r->message,
			       "%s belongs to the render group %ld, but its mode %04o does not let the group "
			       "read and write it.",
			       n->path, rg, n->mode & 07777);
	if (e < 0)
		return e;
	return guest_setf(&r->next_step,
			  "on the host, pass the node with the container's render group (Proxmox: devN: "
			  "%s,gid=%ld,mode=0660, as igpuctl ct proxmox writes it) and restart the container; "
			  "or in the container: chgrp %ld %s && chmod 0660 %s (lost at its next start).",
			  n->path, rg, rg, n->path, n->path);
}

/* What to do about an open that failed with E. */
static int open_advice(struct igp_guest_report *r, const struct igp_guest_node *n, int e)
{
	if (e == EPERM)
		return guest_setf(&r->next_step,
				  "the container's device cgroup does not allow c %u:%u: on the host, give "
				  "the node as a device (Proxmox: devN: %s; plain LXC: "
				  "lxc.cgroup2.devices.allow: c %u:%u rwm), then restart the container.",
				  n->major, n->minor, n->path, n->major, n->minor);
	if (e == ENXIO || e == ENODEV)
		return guest_setf(&r->next_step,
				  "no device is behind %u:%u on the host: its render nodes were renumbered "
				  "since the container started (renderD numbers are not stable); give the "
				  "node by its PCI path (%s/pci-ADDR-render) and restart the container.",
				  n->major, n->minor, IGP_DEV_DRI_BY_PATH);
	if (e == EACCES && n->gid == OVERFLOW_GID)
		return guest_setf(&r->next_step,
				  "the node's group is not mapped into this unprivileged container (it shows "
				  "as %d): on the host, pass it with a gid the container has (Proxmox: "
				  "devN: %s,gid=GID) and restart the container.",
				  OVERFLOW_GID, n->path);
	if (e == EACCES)
		return guest_setf(&r->next_step,
				  "run the service as a member of group %u (usermod -aG %s USER; Docker: "
				  "--group-add %u).",
				  n->gid, n->group_name ? n->group_name : "GROUP", n->gid);
	return guest_setf(&r->next_step, "check the host's kernel log for the GPU driver's messages.");
}

static int judge_open(struct igp_guest_report *r, const struct igp_guest_node *n)
{
	char buf[32];

	r->verdict = IGP_GUEST_RENDER_UNUSABLE;
	if (guest_setf(&r->message, "%s (%s) does not open: %s.", n->path, node_device(n, buf, sizeof(buf)),
		       strerror(-n->open)) < 0)
		return -ENOMEM;
	return open_advice(r, n, -n->open);
}

static int judge_ok(struct igp_guest_report *r, const struct igp_guest_node *n)
{
	const char *who = mode_has(n->mode, S_IROTH | S_IWOTH) ? "everyone" : "the render group";
	_cleanup_free_ char *what = NULL;
	char buf[32];

	r->verdict = IGP_GUEST_OK;
	if (n->open == 0)
		what = strdupf("%s (%s) works: it opens", n->path, node_device(n, buf, sizeof(buf)));
	else
		what = strdupf("%s (%s) is a DRM render node (not opened under --root)", n->path,
			       node_device(n, buf, sizeof(buf)));
	if (!what)
		return -ENOMEM;
	if (r->render_gid >= 0 || n->render_group_can_open)
		return guest_setf(&r->message, "%s, and %s may open it.", what, who);
	return guest_setf(&r->message,
			  "%s; the container has no render group, so a service that is not root needs "
			  "group %u (Docker: --group-add %u).",
			  what, n->gid, n->gid);
}

static int judge_node(struct igp_guest_report *r, const struct igp_pci_dev *want)
{
	const struct igp_guest_node *n;

	r->judged_node = pick_node(r, want);
	if (r->judged_node < 0) {
		r->verdict = IGP_GUEST_NO_RENDER_NODE;
		if ((want ? guest_setf(&r->message, "%s holds no render node of %s.", IGP_DEV_DRI,
				       want->address)
			  : guest_setf(&r->message,
				       "There is no render node in %s: the container was not given one.",
				       IGP_DEV_DRI)) < 0)
			return -ENOMEM;
		return guest_setf(&r->next_step,
				  "on the host, give the container the GPU's render node (igpuctl ct "
				  "proxmox|lxc|incus|docker ...) and restart it.");
	}
	n = &r->nodes[r->judged_node];
	if (!n->char_dev || n->major != DRM_MAJOR)
		return judge_not_device(r, n);
	if (r->render_gid >= 0 && !n->render_group_can_open)
		return judge_group(r, n);
	if (n->open < 0)
		return judge_open(r, n);
	return judge_ok(r, n);
}

int guest_inspect_container(const struct igp_host *h, const struct igp_pci_dev *only, bool probe_va,
			    struct igp_guest_report *r)
{
	_cleanup_free_ char *groups = NULL;
	struct igp_group render;
	int e;

	if (igp_read_file(IGP_ETC_GROUP, &groups, NULL) == -ENOMEM)
		return -ENOMEM;
	e = igp_group_find(groups, "render", &render);
	if (e == -ENOMEM)
		return e;
	r->render_gid = e < 0 ? -1 : (long)render.gid;
	if (e >= 0)
		igp_group_done(&render);
	e = list_nodes(h, groups, probe_va, r);
	return e < 0 ? e : judge_node(r, only);
}
