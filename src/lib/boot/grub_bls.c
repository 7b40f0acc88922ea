/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loader entry GRUB with BLS boots by default, as the grub.cfg that
 * grub2-mkconfig generates picks it (00_header and blscfg): grubenv's
 * next_entry (grub2-reboot) once, else GRUB_DEFAULT, "saved" meaning
 * grubenv's saved_entry, naming an entry by its id or its menu number;
 * else the first of the menu, which blscfg sorts by version, newest first.
 */
#include "boot/grub.h"
#include "boot/sdboot.h"
#include "base/paths.h"
#include "base/util.h"

static const char *file_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* blscfg's menu order: by the entry's name (MACHINEID-KVER.conf) as a
 * version, newest first, compared as the Boot Loader Specification
 * compares versions (sdboot.h; systemd-boot's order uses it too). */
static int bls_cmp(const void *a, const void *b)
{
	return igp_bootspec_verscmp(file_name(*(char *const *)b), file_name(*(char *const *)a));
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

/* Why D's name is the default (D->name set). */
static char *default_why(const struct igp_grub_default *d)
{
	if (d->key && streq(d->key, "next_entry"))
		return strdupf("next_entry=%s in grubenv (grub2-reboot)", d->name);
	if (d->key)
		return strdupf("GRUB_DEFAULT=saved and %s=%s in grubenv", d->key, d->name);
	return strdupf("GRUB_DEFAULT=%s", d->def);
}

int igp_grub_bls_default(const struct igp_grub *g, char *const *entries, char **ret_path, char **ret_why)
{
	_cleanup_free_ char *why = NULL;
	_cleanup_free_ char **menu = NULL;
	struct igp_grub_default d = {0};
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
	r = igp_grub_default_name(g, &d);
	if (r < 0)
		return r;
	if (d.name && !(why = default_why(&d))) {
		igp_grub_default_done(&d);
		return -ENOMEM;
	}
	pick = d.name ? bls_named(menu, n, d.name) : NULL;
	igp_grub_default_done(&d);
	if (pick)
		*ret_why = TAKE_PTR(why);
	else if (why)
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
