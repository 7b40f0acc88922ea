/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run-time driver binding, the sequence libvirt (src/util/virpci.c,
 * virPCIDeviceBindToStub()) and driverctl use, with driver_override as
 * Documentation/ABI/testing/sysfs-bus-pci describes it: write the driver
 * name to <dev>/driver_override, write the address to <dev>/driver/unbind,
 * then to /sys/bus/pci/drivers_probe, and check where the `driver` link
 * points.
 * driver_override makes the probe pick only that driver, so the old driver
 * cannot take the device back in between.
 */
#ifndef IGP_BIND_H
#define IGP_BIND_H

/* The bound driver of ADDRESS (full form), *ret NULL when unbound. */
int igp_bind_current(const char *address, char **ret);

/*
 * Bind ADDRESS to DRIVER.  -ENOENT: no such device; -ENODEV: DRIVER is not
 * loaded (no /sys/bus/pci/drivers/DRIVER); -ENXIO: the probe did not bind
 * it (the override is then cleared and the old driver probed again).
 * *ret_before: the driver before (NULL if none; caller frees).
 */
int igp_bind(const char *address, const char *driver, char **ret_before);

/*
 * Clear the override and let the kernel pick the default driver again.
 * *ret_after: the driver now bound (NULL if none).
 */
int igp_unbind(const char *address, char **ret_before, char **ret_after);

/* The driverctl persistence file of ADDRESS: "/etc/driverctl.d/pci-ADDR". */
char *igp_driverctl_path(const char *address);

#endif
