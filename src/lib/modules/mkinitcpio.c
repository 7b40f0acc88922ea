/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkinitcpio (Arch): `mkinitcpio -P` builds the image of every preset
 * (/etc/mkinitcpio.d/PKGBASE.preset: default_image=, by default
 * /boot/initramfs-PKGBASE.img, or a unified kernel image, default_uki=),
 * with the MODULES=(...) of
 * /etc/mkinitcpio.conf and its drop-ins (mkinitcpio.conf(5)), and with
 * modprobe.d only when HOOKS has "modconf".
 */
#include "base/paths.h"
#include "base/util.h"
#include "boot/cmdline.h"
#include "boot/shellvar.h"
#include "modules/initramfs.h"
#include "modules/modconf.h"
#include "modules/modload.h"
#include "modules/shellconf.h"

static int detect(char **ret_reason)
{
	if (!igp_exists(IGP_ETC_MKINITCPIO_CONF))
		return 0;
	*ret_reason = strdupf("%s exists", IGP_ETC_MKINITCPIO_CONF);
	return *ret_reason ? 1 : -ENOMEM;
}

static const struct igp_shellconf mkinitcpio_lists = {
    .first = IGP_ETC_MKINITCPIO_CONF,
    .dir = IGP_ETC_MKINITCPIO_CONF_D,
    .need_first = true,
    .vars = (char *const[]){"MODULES", NULL},
    .add_var = "MODULES",
    .array = true,
    .label = "MODULES",
    .consequence = "mkinitcpio fails on a module the kernel does not have",
};

static int plan_early(struct igp_plan *p, char *const *modules, char *const *stale, const char *why,
		      char **ret_error)
{
	return igp_shellconf_plan(p, &mkinitcpio_lists, modules, stale, why, ret_error);
}

static void place(bool early, struct igp_modules_place *ret)
{
	*ret = early ? (struct igp_modules_place){.image = IGP_ETC_MKINITCPIO_CONF, .image_var = "MODULES"}
		     : (struct igp_modules_place){.load = IGP_ETC_MODULES_LOAD_D_IGPUCTL};
}

/* Modules needed at run time only go to a modules-load.d file; MODULES
 * loses the STALE ones either way (mkinitcpio fails on a missing module). */
static int plan_modules_stale(struct igp_plan *p, char *const *modules, char *const *stale, bool early,
			      const char *why, char **ret_error)
{
	struct igp_modules_place pl;
	int r;

	place(early, &pl);
	if (pl.image)
		return plan_early(p, modules, stale, why, ret_error);
	r = igp_modconf_plan_modules_load_d(p, modules, early, why, ret_error);
	if (r >= 0 && stale && *stale)
		r = plan_early(p, NULL, stale, "modules merged into others by the running or the next kernel",
			       ret_error);
	return r;
}

static int plan_modules(struct igp_plan *p, char *const *modules, bool early, const char *why,
			char **ret_error)
{
	return plan_modules_stale(p, modules, NULL, early, why, ret_error);
}

static int list_modules(struct igp_modload *l)
{
	static char *const vars[] = {(char *)"MODULES", NULL};
	return igp_modload_scan_shell(l, IGP_ETC_MKINITCPIO_CONF, IGP_ETC_MKINITCPIO_CONF_D, vars);
}

static int config_files(char ***files)
{
	if (strv_push(files, IGP_ETC_MKINITCPIO_CONF) < 0)
		return -ENOMEM;
	return igp_initramfs_conf_dir(IGP_ETC_MKINITCPIO_CONF_D, files);
}

/* KEY's value in the preset TEXT (default_image="IMAGE"), unquoted,
 * or NULL: unset, commented out, or not a plain path. */
static char *preset_value(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n'), *v;
		size_t n = e ? (size_t)(e - p) : strlen(p), i = strspn(p, " \t"), vl;
		if (n > i + kl && strncmp(p + i, key, kl) == 0 && p[i + kl] == '=') {
			v = p + i + kl + 1;
			vl = n - i - kl - 1;
			while (vl && strchr(" \t\r", v[vl - 1]))
				vl--;
			if (vl >= 2 && (*v == '"' || *v == '\'') && v[vl - 1] == *v)
				v++, vl -= 2;
			if (vl && *v == '/' && !memchr(v, '$', vl) && !memchr(v, '`', vl) &&
			    !memchr(v, '"', vl))
				return strndup(v, vl);
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

/* The text of PKGBASE's preset, or NULL. */
static char *preset_text(const char *pkgbase)
{
	_cleanup_free_ char *path = strdupf("%s/%s.preset", IGP_ETC_MKINITCPIO_D, pkgbase);
	char *text = NULL;

	if (!path || igp_read_file(path, &text, NULL) < 0)
		return NULL;
	return text;
}

/* The kernel package of RELEASE: the "pkgbase" its module directory
 * records (Arch's kernel PKGBUILDs; mkinitcpio's pacman hook reads it),
 * else the one preset there is, else "linux", the default kernel. */
static char *pkgbase_of(const char *release)
{
	_cleanup_free_ char *path = strdupf("%s/%s/pkgbase", IGP_LIB_MODULES, release);
	_cleanup_strv_free_ char **names = NULL;
	char *base = NULL;
	size_t n = 0;

	if (path && igp_read_attr(path, &base) >= 0 && *base && !strchr(base, '/'))
		return base;
	free(base);
	base = NULL;
	if (igp_list_dir(IGP_ETC_MKINITCPIO_D, &names) >= 0)
		for (char **p = names; *p; p++)
			if (endswith(*p, ".preset") && n++ == 0)
				base = strndup(*p, strlen(*p) - strlen(".preset"));
	if (n == 1 && base)
		return base;
	free(base);
	return strdup("linux");
}

/* The image of RELEASE as its preset names it: the unified kernel image
 * (default_uki, which holds the initramfs), else default_image, else
 * mkinitcpio's default /boot/initramfs-PKGBASE.img. */
static int image(const char *release, char **ret)
{
	_cleanup_free_ char *base = pkgbase_of(release), *text = NULL;

	if (!base)
		return -ENOMEM;
	text = preset_text(base);
	*ret = text ? preset_value(text, "default_uki") : NULL;
	if (!*ret && text)
		*ret = preset_value(text, "default_image");
	if (!*ret)
		*ret = strdupf("%s/initramfs-%s.img", IGP_BOOT, base);
	return *ret ? 0 : -ENOMEM;
}

bool igp_mkinitcpio_builds_ukis(void)
{
	_cleanup_strv_free_ char **names = NULL;

	if (igp_list_dir(IGP_ETC_MKINITCPIO_D, &names) < 0)
		return false;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *base = NULL, *text = NULL, *uki = NULL;
		if (!endswith(*n, ".preset") || !(base = strndup(*n, strlen(*n) - strlen(".preset"))))
			continue;
		text = preset_text(base);
		if (text && (uki = preset_value(text, "default_uki")))
			return true;
	}
	return false;
}

static char *modprobe_d_missing(void)
{
	_cleanup_free_ char *conf = NULL;

	if (igp_read_file(IGP_ETC_MKINITCPIO_CONF, &conf, NULL) < 0 || strstr(conf, "modconf"))
		return NULL;
	return strdupf("HOOKS in %s has no \"modconf\"", IGP_ETC_MKINITCPIO_CONF);
}

const struct igp_initramfs_ops igp_mkinitcpio_ops = {
    .name = "mkinitcpio",
    .os_ids = (const char *const[]){"arch", NULL},
    .os_family = "an Arch-family system",
    .rebuild = (const char *const[]){"mkinitcpio", "-P", NULL},
    .detect = detect,
    .plan_modules = plan_modules,
    .place = place,
    .plan_modules_stale = plan_modules_stale,
    .list_modules = list_modules,
    .config_files = config_files,
    .image = image,
    .modprobe_d_missing = modprobe_d_missing,
};
