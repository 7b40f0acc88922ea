/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl bind ADDR [--driver vfio-pci] [--persist] / unbind ADDR */
#include <getopt.h>

#include "setup/bind.h"
#include "cmd.h"
#include "boot/cmdline.h"
#include "model/host.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "planview.h"

static int help(bool unbind)
{
	if (unbind)
		printf("Usage: igpuctl unbind ADDR [--dry-run]\n\n"
		       "Clear the driver override of ADDR and let the kernel bind its default\n"
		       "driver again; also removes a driverctl override igpuctl saved.\n");
	else
		printf(
		    "Usage: igpuctl bind ADDR [--driver DRIVER] [--persist] [--dry-run]\n\n"
		    "Move ADDR to DRIVER (default vfio-pci) now: driver_override, unbind,\n"
		    "drivers_probe, then check the driver link.\n\n"
		    "  -d, --driver DRIVER  the driver to bind (default vfio-pci)\n"
		    "  -p, --persist        keep it after reboots (driverctl's /etc/driverctl.d/pci-ADDR)\n"
		    "  -n, --dry-run        print what would be written\n"
		    "      --force          also a device the host needs (mounted disk, default-route NIC)\n"
		    "                       or whose render node containers use (they lose it)\n"
		    "      --allow-boot-vga also the boot VGA device (the host console goes away)\n");
	return EXIT_OK;
}

/* Save or remove the driverctl file through the change path (revert undoes it). */
static int persist(const char *address, const char *driver, bool dry_run, char *const *argv)
{
	_cleanup_free_ char *path = igp_driverctl_path(address), *content = NULL;
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	_cleanup_(igp_plan_done) struct igp_plan p = {};
	int r, ret;

	if (!path)
		return log_error_errno(-ENOMEM, "Out of memory");
	if (planview_begin(&ch, dry_run) != 0)
		return EXIT_FAIL;
	if (driver) {
		/* driverctl's format: the driver name and a newline. */
		content = strdupf("%s\n", driver);
		r = content ? igp_modconf_plan_owned(&p, path, content, 0, "driverctl override") : -ENOMEM;
	} else {
		_cleanup_free_ char *cur = NULL;
		struct igp_undo u = {.kind = IGP_UNDO_OWNED};
		r = igp_change_read_target(NULL, path, &cur);
		if (r >= 0 && cur)
			r = igp_plan_add_file(&p, path, TAKE_PTR(cur), NULL, 0644, &u, 0,
					      "driverctl override");
	}
	if (r < 0)
		return log_error_errno(r, "Cannot plan %s", path);
	if (p.n_files == 0)
		return EXIT_OK;
	planview_print(&p, NULL);
	if (dry_run)
		return EXIT_OK;
	ret = planview_apply(&ch, &p, argv, NULL, NULL);
	if (ret == EXIT_OK && (r = igp_change_finish(&ch)) < 0)
		ret = log_error_errno(r, "Cannot update the journal");
	if (ret == EXIT_OK)
		printf("%s %s\n", driver ? "Saved" : "Removed", path);
	return ret;
}

/* The command line of `igpuctl bind` and `unbind`. */
struct bind_args {
	bool unbind;
	const char *name; /* "bind" or "unbind", for messages */
	const char *driver;
	bool persist, dry_run, force, boot_vga;
};

const struct option cmd_opts_bind[] = {{"help", no_argument, NULL, 'h'},
				       {"driver", required_argument, NULL, 'd'},
				       {"persist", no_argument, NULL, 'p'},
				       {"dry-run", no_argument, NULL, 'n'},
				       {"force", no_argument, NULL, 0x100},
				       {"allow-boot-vga", no_argument, NULL, 0x101},
				       {}};
/* unbind takes none of bind's choices. */
const struct option cmd_opts_unbind[] = {
    {"help", no_argument, NULL, 'h'}, {"dry-run", no_argument, NULL, 'n'}, {}};

/* CMD_GO_ON with the address at argv[optind], or the exit status. */
static int parse_args(int argc, char *argv[], struct bind_args *a)
{
	const struct option *longopts = a->unbind ? cmd_opts_unbind : cmd_opts_bind;
	size_t at;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, a->unbind ? ":hn" : ":hd:pn", longopts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return help(a->unbind);
		case 'd':
			/* It goes to driver_override, modprobe and driverctl's file. */
			if (igp_module_name_check(optarg, &at) < 0)
				return log_usage(
				    a->name, "--driver '%s' is not a driver name (letters, digits, _ and -)",
				    optarg);
			a->driver = optarg;
			break;
		case 'p':
			a->persist = true;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 0x100:
			a->force = true;
			break;
		case 0x101:
			a->boot_vga = true;
			break;
		default:
			return log_usage_option(a->name, c, argc, argv, longopts);
		}
	}
	if (optind + 1 != argc)
		return log_usage(a->name, "expected one device address");
	if (!*a->driver || strchr(a->driver, '/') || strchr(a->driver, '\n'))
		return log_usage(a->name, "\"%s\" is not a driver name", a->driver);
	return CMD_GO_ON;
}

/* bind refuses to take what the host needs, its console, or the render
 * node containers use, unasked. */
static int refuse_taking(const struct igp_host *h, const struct igp_pci_dev *dev, const struct bind_args *a)
{
	if ((dev->roles & (IGP_ROLE_MOUNTED_STORAGE | IGP_ROLE_DEFAULT_NIC)) && !a->force)
		return log_error("refusing to take %s from the host: %s (pass --force if you really mean it)",
				 dev->address, dev->role_detail ? dev->role_detail : "the host needs it");
	if (dev->boot_vga == 1 && !a->boot_vga && streq(a->driver, "vfio-pci"))
		return log_error("%s is the boot VGA device: the host console goes away. Pass "
				 "--allow-boot-vga to accept that",
				 dev->address);
	/* Its DRM nodes go with the driver it leaves. */
	if (!streq_ptr(dev->driver, a->driver))
		return refuse_ct_takers(h, dev, a->driver, a->force);
	return CMD_GO_ON;
}

/* --dry-run, or under --root: the writes to sysfs, not made. */
static int show_writes(const struct igp_pci_dev *dev, const struct bind_args *a, char *argv[])
{
	_cleanup_free_ char *ovr = strdupf("%s/%s/driver_override", IGP_SYS_PCI_DEVICES, dev->address);

	if (!ovr)
		return log_error_errno(-ENOMEM, "Out of memory");
	printf("%s%s:\n",
	       a->dry_run ? "Would write"
			  : "Under --root the running kernel is not "
			    "touched; on the host igpuctl would write",
	       "");
	printf("  %s  >  %s\n", a->unbind ? "(empty)" : a->driver, ovr);
	if (dev->driver)
		printf("  %s  >  %s/%s/driver/unbind\n", dev->address, IGP_SYS_PCI_DEVICES, dev->address);
	printf("  %s  >  %s\n", dev->address, IGP_SYS_PCI_DRIVERS_PROBE);
	if (a->persist || a->unbind)
		return persist(dev->address, a->unbind ? NULL : a->driver, a->dry_run, argv);
	return EXIT_OK;
}

static int do_unbind(const struct igp_pci_dev *dev, char *argv[])
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	int r = igp_unbind(dev->address, &before, &after);

	if (r < 0)
		return log_error_errno(r, "Cannot give %s back to its driver", dev->address);
	printf("%s: %s -> %s\n", dev->address, before ? before : "(none)", after ? after : "(none)");
	return persist(dev->address, NULL, false, argv);
}

static int do_bind(const struct igp_pci_dev *dev, const struct bind_args *a, char *argv[])
{
	const char *driver = a->driver;
	_cleanup_free_ char *before = NULL;
	int r = igp_bind(dev->address, driver, &before);

	if (r == -ENODEV) {
		/* The driver is a module not loaded yet. */
		char *const mp[] = {"modprobe", (char *)driver, NULL};
		if (igp_run_argv(mp) == 0)
			r = igp_bind(dev->address, driver, &before);
	}
	if (r == -ENODEV)
		return log_error("driver %s is not loaded and `modprobe %s` failed", driver, driver);
	if (r == -ENXIO)
		return log_error("%s did not bind %s (see dmesg); the device was given back to the "
				 "kernel's choice",
				 driver, dev->address);
	if (r < 0)
		return log_error_errno(r, "Cannot bind %s to %s", dev->address, driver);
	printf("%s: %s -> %s\n", dev->address, before ? before : "(none)", driver);
	if (streq(driver, "vfio-pci") && dev->iommu_group >= 0) {
		_cleanup_free_ char *node = strdupf("%s/%d", IGP_DEV_VFIO, dev->iommu_group);
		if (node && igp_exists(node))
			printf("VFIO group node: %s\n", node);
	}
	return a->persist ? persist(dev->address, driver, false, argv) : EXIT_OK;
}

static int run(int argc, char *argv[], bool unbind)
{
	struct bind_args a = {.unbind = unbind, .name = unbind ? "unbind" : "bind", .driver = "vfio-pci"};
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev *dev;
	int r = parse_args(argc, argv, &a);

	if (r != CMD_GO_ON)
		return r;
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	r = igp_host_find(h, argv[optind], &dev);
	if (r == -EINVAL)
		return log_usage(a.name, "\"%s\" is not a PCI address", argv[optind]);
	if (r < 0)
		return log_error_errno(r, "No device %s", argv[optind]);
	if (!unbind && (r = refuse_taking(h, dev, &a)) != CMD_GO_ON)
		return r;
	if (a.dry_run || !igp_root_is_host())
		return show_writes(dev, &a, argv);
	return unbind ? do_unbind(dev, argv) : do_bind(dev, &a, argv);
}

int cmd_bind(int argc, char *argv[])
{
	return run(argc, argv, false);
}

int cmd_unbind(int argc, char *argv[])
{
	return run(argc, argv, true);
}
