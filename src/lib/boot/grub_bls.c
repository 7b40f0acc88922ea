/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loader entry GRUB with BLS boots by default, as the grub.cfg that
 * grub2-mkconfig generates picks it (00_header and blscfg): grubenv's
 * next_entry (grub2-reboot) once, else GRUB_DEFAULT, "saved" meaning
 * grubenv's saved_entry, naming an entry by its id or its menu number;
 * else the first of the menu, which blscfg sorts by version, newest first.
 */
#include "boot/grub.h"
#include "boot/grubenv.h"
#include "base/paths.h"
#include "base/util.h"

/* KEY's value in grubenv (the first of /boot/grub2, /boot/grub that
 * exists), NULL when it is not set or empty. */
static int grubenv_value(const char *key, char **ret)
{
	static const char *const envs[] = {IGP_BOOT_GRUB2_GRUBENV, IGP_BOOT_GRUB_GRUBENV};

	*ret = NULL;
	for (size_t i = 0; i < ELEMENTSOF(envs); i++) {
		_cleanup_free_ char *env = NULL;
		size_t len;
		int r;
		if (igp_read_file(envs[i], &env, &len) < 0)
			continue;
		r = igp_grubenv_get(env, len, key, ret);
		if (r > 0 && !**ret) {
			free(*ret);
			*ret = NULL;
		}
		return r < 0 ? r : 0;
	}
	return 0;
}

static const char *file_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* blscfg's menu order: by the entry's name (MACHINEID-KVER.conf) as a
 * version, newest first. */
static int bls_cmp(const void *a, const void *b)
{
	return version_compare(file_name(*(char *const *)b), file_name(*(char *const *)a));
}

/* Is ENTRY (a path) the one NAME names: its id, the file name without
 * ".conf" (what grub2-set-default and 20-grub.install write)? */
static bool bls_is(const char *entry, const char *name)
{
	const char *base = file_name(entry);
	size_t n = strlen(name);

	return strncmp(base, name, n) == 0 && streq(base + n, ".conf");
}

/* The entry NAME names in MENU (N, in menu order): by id, else by number. */
static const char *bls_named(char *const *menu, size_t n, const char *name)
{
	long idx;

	for (size_t i = 0; i < n; i++)
		if (bls_is(menu[i], name))
			return menu[i];
	return parse_long(name, 0, (long)n - 1, &idx) >= 0 ? menu[idx] : NULL;
}

/* What names the default, in *RET_NAME, and why, in *RET_WHY (NULL: nothing). */
static int bls_default_name(const struct igp_grub *g, char **ret_name, char **ret_why)
{
	_cleanup_free_ char *def = NULL, *saved = NULL;
	int r = grubenv_value("next_entry", &saved);

	if (r >= 0 && saved) {
		*ret_why = strdupf("next_entry=%s in grubenv (grub2-reboot)", saved);
		*ret_name = TAKE_PTR(saved);
		return *ret_why ? 0 : -ENOMEM;
	}
	if (r >= 0)
		r = igp_grub_value(g, "GRUB_DEFAULT", &def, NULL);
	if (r < 0 || !def)
		return r < 0 ? r : 0;
	if (!streq(def, "saved")) {
		*ret_why = strdupf("GRUB_DEFAULT=%s", def);
		*ret_name = TAKE_PTR(def);
		return *ret_why ? 0 : -ENOMEM;
	}
	r = grubenv_value("saved_entry", &saved);
	if (r < 0 || !saved)
		return r < 0 ? r : 0;
	*ret_why = strdupf("GRUB_DEFAULT=saved and saved_entry=%s in grubenv", saved);
	*ret_name = TAKE_PTR(saved);
	return *ret_why ? 0 : -ENOMEM;
}

int igp_grub_bls_default(const struct igp_grub *g, char *const *entries, char **ret_path, char **ret_why)
{
	_cleanup_free_ char *name = NULL, *why = NULL;
	_cleanup_free_ char **menu = NULL;
	size_t n = strv_length((char **)entries);
	const char *pick;
	int r;

	if (n == 0)
		return -ENOENT;
	menu = malloc(n * sizeof(char *));
	if (!menu)
		return -ENOMEM;
	memcpy(menu, entries, n * sizeof(char *));
	qsort(menu, n, sizeof(char *), bls_cmp);
	r = bls_default_name(g, &name, &why);
	if (r < 0)
		return r;
	pick = name ? bls_named(menu, n, name) : NULL;
	if (pick)
		*ret_why = TAKE_PTR(why);
	else if (name)
		*ret_why = strdupf("%s names no entry: the first of the menu, the newest", why);
	else
		*ret_why = strdup("the first of the menu, the newest");
	*ret_path = strdup(pick ? pick : menu[0]);
	if (!*ret_why || !*ret_path) {
		free(*ret_why);
		free(*ret_path);
		return -ENOMEM;
	}
	return 0;
}
