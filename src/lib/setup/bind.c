/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "setup/bind.h"
#include "base/paths.h"
#include "base/util.h"

/* 0 when the device is there, -ENOENT when not (or -ENOMEM). */
static int dev_present(const char *address)
{
	int r = igp_accessf(IGP_SYS_PCI_DEVICES "/%s", address);
	return r < 0 && r != -ENOMEM ? -ENOENT : r;
}

int igp_bind_current(const char *address, char **ret)
{
	char *d = NULL;
	int r;

	r = igp_readlink_basenamef(&d, IGP_SYS_PCI_DEVICES "/%s/driver", address);
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
	int r = igp_write_attrf(address, IGP_SYS_PCI_DEVICES "/%s/driver/unbind", address);

	/* Already unbound (raced with something else): fine. */
	return r == -ENOENT || r == -ENODEV ? 0 : r;
}

int igp_bind(const char *address, const char *driver, char **ret_before)
{
	_cleanup_free_ char *ovr = NULL, *before = NULL, *after = NULL;
	int r;

	ovr = strdupf("%s/%s/driver_override", IGP_SYS_PCI_DEVICES, address);
	if (!ovr)
		return -ENOMEM;
	r = dev_present(address);
	if (r < 0)
		return r;
	if (!igp_is_dirf(IGP_SYS_PCI_DRIVERS "/%s", driver))
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
	_cleanup_free_ char *before = NULL, *after = NULL;
	int r;

	r = dev_present(address);
	if (r < 0)
		return r;
	r = igp_bind_current(address, &before);
	if (r < 0)
		return r;
	/* An empty override ("\n") clears it (drivers/pci/pci-sysfs.c). */
	r = igp_write_attrf("\n", IGP_SYS_PCI_DEVICES "/%s/driver_override", address);
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
