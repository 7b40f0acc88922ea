/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "setup/bind.h"
#include "base/paths.h"
#include "base/util.h"

static char *dev_attr(const char *address, const char *attr)
{
	return strdupf("%s/%s/%s", IGP_SYS_PCI_DEVICES, address, attr);
}

int igp_bind_current(const char *address, char **ret)
{
	_cleanup_free_ char *link = dev_attr(address, "driver");
	char *d = NULL;
	int r;

	if (!link)
		return -ENOMEM;
	r = igp_readlink_basename(link, &d);
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	*ret = d;
	return 0;
}

static int probe(const char *address)
{
	return igp_write_attr(IGP_SYS_PCI_DRIVERS_PROBE, address);
}

static int unbind_current(const char *address)
{
	_cleanup_free_ char *p = dev_attr(address, "driver/unbind");
	int r;
	if (!p)
		return -ENOMEM;
	r = igp_write_attr(p, address);
	/* Already unbound (raced with something else): fine. */
	return r == -ENOENT || r == -ENODEV ? 0 : r;
}

int igp_bind(const char *address, const char *driver, char **ret_before)
{
	_cleanup_free_ char *dev = NULL, *ovr = NULL, *drvdir = NULL, *before = NULL, *after = NULL;
	int r;

	dev = strdupf("%s/%s", IGP_SYS_PCI_DEVICES, address);
	ovr = dev_attr(address, "driver_override");
	drvdir = strdupf("%s/%s", IGP_SYS_PCI_DRIVERS, driver);
	if (!dev || !ovr || !drvdir)
		return -ENOMEM;
	if (!igp_exists(dev))
		return -ENOENT;
	if (!igp_is_dir(drvdir))
		return -ENODEV;
	r = igp_bind_current(address, &before);
	if (r < 0)
		return r;
	r = igp_write_attr(ovr, driver);
	if (r < 0)
		return r;
	if (!before || !streq(before, driver)) {
		if (before) {
			r = unbind_current(address);
			if (r < 0)
				goto restore;
		}
		r = probe(address);
		if (r < 0 && r != -ENODEV)
			goto restore;
	}
	r = igp_bind_current(address, &after);
	if (r < 0)
		return r;
	if (!after || !streq(after, driver)) {
		r = -ENXIO;
		goto restore;
	}
	*ret_before = TAKE_PTR(before);
	return 0;
restore:
	/* Give the device back to whatever the kernel would choose. */
	(void)igp_write_attr(ovr, "\n");
	(void)probe(address);
	return r;
}

int igp_unbind(const char *address, char **ret_before, char **ret_after)
{
	_cleanup_free_ char *dev = NULL, *ovr = NULL, *before = NULL, *after = NULL;
	int r;

	dev = strdupf("%s/%s", IGP_SYS_PCI_DEVICES, address);
	ovr = dev_attr(address, "driver_override");
	if (!dev || !ovr)
		return -ENOMEM;
	if (!igp_exists(dev))
		return -ENOENT;
	r = igp_bind_current(address, &before);
	if (r < 0)
		return r;
	/* An empty override ("\n") clears it (drivers/pci/pci-sysfs.c). */
	r = igp_write_attr(ovr, "\n");
	if (r < 0)
		return r;
	if (before) {
		r = unbind_current(address);
		if (r < 0)
			return r;
	}
	r = probe(address);
	if (r < 0 && r != -ENODEV)
		return r;
	r = igp_bind_current(address, &after);
	if (r < 0)
		return r;
	*ret_before = TAKE_PTR(before);
	*ret_after = TAKE_PTR(after);
	return 0;
}

char *igp_driverctl_path(const char *address)
{
	return strdupf("%s/pci-%s", IGP_ETC_DRIVERCTL_D, address);
}
