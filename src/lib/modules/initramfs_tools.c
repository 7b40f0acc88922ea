/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * initramfs-tools (Debian, Ubuntu, Proxmox VE): update-initramfs builds
 * /boot/initrd.img-RELEASE with the modules of /etc/initramfs-tools/modules
 * and a copy of modprobe.d (initramfs-tools(7)); /etc/modules is not in
 * the image.  Modules go to /etc/modules, the file the guides use
 * (systemd-modules-load reads it through /etc/modules-load.d/modules.conf),
 * where it is there and does not call itself obsolete (Debian 12, Proxmox
 * VE 8).  Where it does (kmod 30+20230601: Debian 13, Proxmox VE 9, Ubuntu
 * 24.04) or is gone, they go to igpuctl's modules-load.d file, and early
 * ones to /etc/initramfs-tools/modules too.
 */
#include "base/paths.h"
#include "base/util.h"
#include "modules/initramfs.h"
#include "modules/modconf.h"
#include "modules/modload.h"

static int detect(char **ret_reason)
{
	if (!igp_is_dir(IGP_ETC_INITRAMFS_TOOLS))
		return 0;
	*ret_reason = strdupf("%s exists", IGP_ETC_INITRAMFS_TOOLS);
	return *ret_reason ? 1 : -ENOMEM;
}

static void place(bool early, struct igp_modules_place *ret)
{
	if (igp_exists(IGP_ETC_MODULES) && !igp_etc_modules_obsolete()) {
		*ret = (struct igp_modules_place){.load = IGP_ETC_MODULES};
		return;
	}
	*ret = (struct igp_modules_place){
	    .load = IGP_ETC_MODULES_LOAD_D_IGPUCTL,
	    .image = early ? IGP_ETC_INITRAMFS_TOOLS_MODULES : NULL,
	};
}

static int plan_modules(struct igp_plan *p, char *const *modules, bool early, const char *why,
			char **ret_error)
{
	struct igp_modules_place pl;
	int r;

	place(early, &pl);
	if (streq(pl.load, IGP_ETC_MODULES))
		return igp_modconf_plan_list(p, IGP_ETC_MODULES, modules, early ? IGP_REFRESH_INITRAMFS : 0,
					     why, ret_error);
	r = igp_modconf_plan_modules_load_d(p, modules, early, why, ret_error);
	if (r >= 0 && pl.image)
		r = igp_modconf_plan_list(p, pl.image, modules, IGP_REFRESH_INITRAMFS, why, ret_error);
	return r;
}

static int list_modules(struct igp_modload *l)
{
	return igp_modload_scan_list(l, IGP_ETC_INITRAMFS_TOOLS_MODULES, "#");
}

static int config_files(char ***files)
{
	return strv_push(files, IGP_ETC_INITRAMFS_TOOLS_MODULES);
}

static int image(const char *release, char **ret)
{
	*ret = strdupf("%s/initrd.img-%s", IGP_BOOT, release);
	return *ret ? 0 : -ENOMEM;
}

const struct igp_initramfs_ops igp_initramfs_tools_ops = {
    .name = "initramfs-tools",
    .os_ids = (const char *const[]){"debian", "ubuntu", NULL},
    .os_family = "a Debian-family system",
    .rebuild = (const char *const[]){"update-initramfs", "-u", "-k", "all", NULL},
    .detect = detect,
    .plan_modules = plan_modules,
    .place = place,
    .list_modules = list_modules,
    .config_files = config_files,
    .image = image,
};
