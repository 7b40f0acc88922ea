/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dracut (Fedora, RHEL): `dracut --regenerate-all` builds
 * /boot/initramfs-RELEASE.img; force_drivers+=" ... " in
 * /etc/dracut.conf.d/NAME.conf (dracut reads only files ending in .conf,
 * dracut.conf(5)) loads modules early, and modprobe.d goes into the image.
 */
#include "base/paths.h"
#include "base/util.h"
#include "modules/initramfs.h"
#include "modules/modconf.h"
#include "modules/modload.h"
#include "modules/shellconf.h"

static int detect(char **ret_reason)
{
	const char *path = igp_is_dir(IGP_ETC_DRACUT_CONF_D) ? IGP_ETC_DRACUT_CONF_D
			   : igp_exists(IGP_ETC_DRACUT_CONF) ? IGP_ETC_DRACUT_CONF
							     : NULL;
	if (!path)
		return 0;
	*ret_reason = strdupf("%s exists", path);
	return *ret_reason ? 1 : -ENOMEM;
}

/* The drop-in loading MODULES early. */
static char *drop_in(char *const *modules)
{
	_cleanup_free_ char *list = strdup("");

	for (char *const *m = modules; list && *m; m++)
		if (strextendf(&list, "%s ", *m) < 0)
			return NULL;
	if (!list)
		return NULL;
	/* dracut's own syntax: values with leading and trailing blanks so
	 * several += lines concatenate cleanly. */
	return strdupf("# Written by igpuctl setup; `igpuctl revert` removes it.\n"
		       "# Load vfio-pci in the initramfs, before the GPU driver.\n"
		       "force_drivers+=\" %s\"\n"
		       "install_items+=\" %s \"\n",
		       list, IGP_ETC_MODPROBE_D_IGPUCTL);
}

static void place(bool early, struct igp_modules_place *ret)
{
	*ret = early ? (struct igp_modules_place){.image = IGP_ETC_DRACUT_CONF_D_IGPUCTL,
						  .image_var = "force_drivers"}
		     : (struct igp_modules_place){.load = IGP_ETC_MODULES_LOAD_D_IGPUCTL};
}

static int plan_modules(struct igp_plan *p, char *const *modules, bool early, const char *why,
			char **ret_error)
{
	_cleanup_free_ char *content = NULL;
	struct igp_modules_place pl;
	int r;

	place(early, &pl);
	if (!pl.image)
		return igp_modconf_plan_modules_load_d(p, modules, early, why, ret_error);
	content = drop_in(modules);
	if (!content)
		return -ENOMEM;
	r = igp_text_check(IGP_ETC_DRACUT_CONF_D_IGPUCTL, ret_error);
	return r < 0 ? r
		     : igp_modconf_plan_owned(p, IGP_ETC_DRACUT_CONF_D_IGPUCTL, content,
					      IGP_REFRESH_INITRAMFS, why);
}

/* The lists dracut loads or installs modules by (dracut.conf(5)). */
static const struct igp_shellconf dracut_lists = {
    .first = IGP_ETC_DRACUT_CONF,
    .dir = IGP_ETC_DRACUT_CONF_D,
    .vars = (char *const[]){"force_drivers", "add_drivers", NULL},
    .add_var = "add_drivers",
    .label = "dracut's driver lists",
    .consequence = "dracut complains of a module the kernel does not have",
};

/* igpuctl's own drop-in gets MODULES; the admin's lists lose STALE where
 * they name them (check flags them there). */
static int plan_modules_stale(struct igp_plan *p, char *const *modules, char *const *stale, bool early,
			      const char *why, char **ret_error)
{
	int r = modules && *modules ? plan_modules(p, modules, early, why, ret_error) : 0;

	if (r >= 0 && stale && *stale)
		r = igp_shellconf_plan(p, &dracut_lists, NULL, stale,
				       "modules merged into others by the running or the next kernel",
				       ret_error);
	return r;
}

static int list_modules(struct igp_modload *l)
{
	return igp_modload_scan_shell(l, dracut_lists.first, dracut_lists.dir, dracut_lists.vars);
}

static int config_files(char ***files)
{
	if (strv_push(files, IGP_ETC_DRACUT_CONF) < 0)
		return -ENOMEM;
	return igp_initramfs_conf_dir(IGP_ETC_DRACUT_CONF_D, files);
}

static int image(const char *release, char **ret)
{
	*ret = strdupf("%s/initramfs-%s.img", IGP_BOOT, release);
	return *ret ? 0 : -ENOMEM;
}

const struct igp_initramfs_ops igp_dracut_ops = {
    .name = "dracut",
    .os_ids = (const char *const[]){"fedora", "rhel", NULL},
    .os_family = "a Fedora-family system",
    .rebuild = (const char *const[]){"dracut", "--regenerate-all", "--force", NULL},
    .detect = detect,
    .plan_modules = plan_modules,
    .plan_modules_stale = plan_modules_stale,
    .place = place,
    .list_modules = list_modules,
    .config_files = config_files,
    .image = image,
};
