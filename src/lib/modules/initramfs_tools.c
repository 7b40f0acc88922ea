/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * initramfs-tools (Debian, Ubuntu, Proxmox VE): update-initramfs builds
 * /boot/initrd.img-RELEASE with the modules of /etc/initramfs-tools/modules
 * and a copy of modprobe.d (initramfs-tools(7)).  Modules go to
 * /etc/modules, the file the guides use (systemd-modules-load reads it
 * through /etc/modules-load.d/modules.conf).
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

static int plan_modules(struct igp_plan *p, char *const *modules, bool early, const char *why,
			char **ret_error)
{
	_cleanup_strv_free_ char **lines = NULL;
	int r;

	if (!igp_exists(IGP_ETC_MODULES))
		return igp_modconf_plan_modules_load_d(p, modules, early, why, ret_error);
	r = igp_text_check(IGP_ETC_MODULES, ret_error);
	if (r < 0)
		return r;
	if (strv_push(&lines, "# igpuctl setup: modules for GPU passthrough") < 0)
		return -ENOMEM;
	for (char *const *m = modules; *m; m++)
		if (strv_push(&lines, *m) < 0)
			return -ENOMEM;
	return igp_modconf_plan_lines(p, IGP_ETC_MODULES, lines, early ? IGP_REFRESH_INITRAMFS : 0, why);
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
    .list_modules = list_modules,
    .config_files = config_files,
    .image = image,
};
