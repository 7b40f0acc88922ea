/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/util.h"
#include "ct/rendernode.h"

/* "226:129" from the node's sysfs dev attribute. */
static int node_devnum(const char *address, const char *name, unsigned *major, unsigned *minor)
{
	_cleanup_free_ char *s = NULL;

	if (igp_read_attrf(&s, "%s/%s/drm/%s/dev", IGP_SYS_PCI_DEVICES, address, name) < 0)
		return -EIO;
	if (sscanf(s, "%u:%u", major, minor) != 2)
		return -EIO;
	return 0;
}

/* The node's owner and mode, when it exists. */
static void node_stat(struct igp_render_node *n)
{
	struct stat st;
	int fd = igp_open(n->node, O_PATH | O_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		n->present = true;
		n->chrdev = S_ISCHR(st.st_mode);
		n->uid = st.st_uid;
		n->gid = st.st_gid;
		n->mode = st.st_mode & 07777;
	}
	close(fd);
}

/* udev's by-path link, when it points at this node. */
static char *node_by_path(const char *address, const char *name)
{
	_cleanup_free_ char *link = strdupf("%s/pci-%s-render", IGP_DEV_DRI_BY_PATH, address), *target = NULL;

	if (!link || igp_readlink_basename(link, &target) < 0 || !streq(target, name))
		return NULL;
	return TAKE_PTR(link);
}

int igp_render_node_get(const struct igp_pci_dev *d, struct igp_render_node *ret)
{
	struct igp_render_node n = {};
	const char *name;
	int r;

	if (!d->render_node)
		return -ENODEV;
	name = strrchr(d->render_node, '/') + 1;
	r = node_devnum(d->address, name, &n.major, &n.minor);
	if (r < 0)
		return r;
	n.node = strdup(d->render_node);
	if (!n.node)
		return -ENOMEM;
	n.by_path = node_by_path(d->address, name);
	node_stat(&n);
	*ret = n;
	return 0;
}

void igp_render_node_done(struct igp_render_node *n)
{
	free(n->node);
	free(n->by_path);
	*n = (struct igp_render_node){};
}

/* The address of a by-path name "pci-0000:00:02.2-render" (or "-card"):
 * 0, -ENOENT for another name, -ENOMEM. */
static int by_path_address(const char *name, char **ret)
{
	struct igp_pci_addr a;
	const char *dash = strrchr(name, '-');
	char *addr;

	if (!startswith(name, "pci-") || !dash || !(streq(dash, "-render") || streq(dash, "-card")))
		return -ENOENT;
	addr = strndup(name + 4, (size_t)(dash - name - 4));
	if (!addr)
		return -ENOMEM;
	if (igp_pci_addr_parse(addr, &a) < 0) {
		free(addr);
		return -ENOENT;
	}
	*ret = addr;
	return 0;
}

/* The PCI device of the DRM minor whose sysfs directory PATH is (resolved):
 * DEVICE/drm/NAME in the device tree.  PATH is cut up. */
static int minor_dir_device(char *path, char **ret)
{
	struct igp_pci_addr a;
	char *drm, *dev;

	drm = strrchr(path, '/');
	if (!drm || drm == path)
		return -ENOENT;
	*drm = '\0';
	drm = strrchr(path, '/');
	if (!drm || !streq(drm, "/drm"))
		return -ENOENT;
	*drm = '\0';
	dev = strrchr(path, '/');
	if (!dev || igp_pci_addr_parse(dev + 1, &a) < 0)
		return -ENOENT;
	*ret = strdup(dev + 1);
	return *ret ? 0 : -ENOMEM;
}

/* The PCI device of the DRM minor NAME: the class link leads to
 * DEVICE/drm/NAME in the device tree. */
static int drm_class_device(const char *name, char **ret)
{
	_cleanup_free_ char *path = NULL;

	if (igp_realpathf(&path, "%s/%s", IGP_SYS_CLASS_DRM, name) < 0)
		return -ENOENT;
	return minor_dir_device(path, ret);
}

/* libdrm finds a node's device by its number the same way
 * (xf86drm.c, drmParsePciBusInfo(): the IGP_SYS_DEV_CHAR/M:m link). */
int igp_drm_devnum_device(unsigned major, unsigned minor, char **ret_address)
{
	_cleanup_free_ char *path = NULL;

	if (igp_realpathf(&path, IGP_SYS_DEV_CHAR "/%u:%u", major, minor) < 0)
		return -ENOENT;
	return minor_dir_device(path, ret_address);
}

/* NODE's name when it lies directly in DIR, else NULL. */
static const char *name_in(const char *node, const char *dir)
{
	size_t n = strlen(dir);

	if (strncmp(node, dir, n) != 0 || node[n] != '/' || !node[n + 1] || strchr(node + n + 1, '/'))
		return NULL;
	return node + n + 1;
}

int igp_drm_node_device(const char *node, char **ret_address)
{
	const char *name;

	if ((name = name_in(node, IGP_DEV_DRI_BY_PATH)))
		return by_path_address(name, ret_address);
	if (!(name = name_in(node, IGP_DEV_DRI)))
		return -ENOENT;
	return drm_class_device(name, ret_address);
}
