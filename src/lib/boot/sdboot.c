/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-boot's default entry on this host (sdboot.h): its entries,
 * loader.conf and EFI variables as the root holds them.  The ESP is the
 * first of /efi, /boot, /boot/efi with loader.conf (bootctl's order);
 * entries and unified kernel images are read from all three, as
 * systemd-boot reads the ESP and the XBOOTLDR partition.
 */
#include <ctype.h>

#include "boot/bootloader.h"
#include "boot/sdboot.h"
#include "base/paths.h"
#include "base/util.h"

static const char *const entry_dirs[] = {IGP_EFI_LOADER_ENTRIES, IGP_BOOT_LOADER_ENTRIES,
					 IGP_BOOT_EFI_LOADER_ENTRIES};
static const char *const uki_dirs[] = {IGP_EFI_EFI_LINUX, IGP_BOOT_EFI_LINUX, IGP_BOOT_EFI_EFI_LINUX};
static const char *const loader_confs[] = {IGP_EFI_LOADER_CONF, IGP_BOOT_LOADER_CONF,
					   IGP_BOOT_EFI_LOADER_CONF};

struct entries {
	struct igp_sdboot_entry *v;
	size_t n;
};

static void entries_done(struct entries *l)
{
	for (size_t i = 0; i < l->n; i++)
		igp_sdboot_entry_done(&l->v[i]);
	free(l->v);
	*l = (struct entries){0};
}

/* Take E (with PATH) into L. */
static int entries_add(struct entries *l, struct igp_sdboot_entry *e, const char *path)
{
	struct igp_sdboot_entry *v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v || !(e->path = strdup(path))) {
		if (v)
			l->v = v;
		igp_sdboot_entry_done(e);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = *e;
	*e = (struct igp_sdboot_entry){0};
	return 0;
}

/* The file names systemd-boot takes in a directory: SUFFIX (any case), no
 * dot file, no "auto-" (its own entries). */
static bool entry_name(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return name[0] != '.' && strncasecmp(name, "auto-", 5) != 0 && n > k &&
	       strcasecmp(name + n - k, suffix) == 0;
}

static int load_type1(struct entries *l, const char *dir)
{
	_cleanup_strv_free_ char **names = NULL;

	if (igp_list_dir(dir, &names) < 0)
		return 0;
	strv_sort(names);
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *p = NULL, *text = NULL;
		struct igp_sdboot_entry e;
		int r;
		if (!entry_name(*n, ".conf"))
			continue;
		if (!(p = igp_path_join(dir, *n)))
			return -ENOMEM;
		if (igp_read_file(p, &text, NULL) < 0)
			continue;
		r = igp_sdboot_entry_parse(*n, text, &e);
		if (r < 0)
			return r;
		if (r == 0)
			igp_sdboot_entry_done(&e);
		else if (entries_add(l, &e, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* A unified kernel image's sort-key and version: those of the os-release
 * it embeds, taken as the host's (bootspec's choice of keys). */
static int uki_osrel(struct igp_sdboot_entry *e)
{
	static const char *const versions[] = {"IMAGE_VERSION", "VERSION", "VERSION_ID", "BUILD_ID"};

	e->sort_key = igp_os_release_value("IMAGE_ID");
	if (!e->sort_key)
		e->sort_key = igp_os_release_value("ID");
	for (size_t i = 0; i < ELEMENTSOF(versions) && !e->version; i++)
		e->version = igp_os_release_value(versions[i]);
	return 0;
}

static int load_type2(struct entries *l, const char *dir)
{
	_cleanup_strv_free_ char **names = NULL;

	if (igp_list_dir(dir, &names) < 0)
		return 0;
	strv_sort(names);
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *p = NULL;
		struct igp_sdboot_entry e = {.tries_left = -1, .tries_done = -1, .uki = true};
		if (!entry_name(*n, ".efi"))
			continue;
		if (!(p = igp_path_join(dir, *n)) || !(e.id = strdup(*n)))
			return -ENOMEM;
		for (char *c = e.id; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		uki_osrel(&e);
		if (entries_add(l, &e, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

bool igp_sdboot_has_ukis(void)
{
	for (size_t d = 0; d < ELEMENTSOF(uki_dirs); d++) {
		_cleanup_strv_free_ char **names = NULL;
		if (igp_list_dir(uki_dirs[d], &names) < 0)
			continue;
		for (char **n = names; *n; n++)
			if (entry_name(*n, ".efi"))
				return true;
	}
	return false;
}

/* The string of systemd-boot's EFI variable at PATH, lower case, or NULL. */
static char *efivar(const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t size;
	char *s = NULL;

	if (igp_read_file(path, &data, &size) < 0 || igp_efivar_string(data, size, &s) < 0)
		return NULL;
	for (char *c = s; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

struct vars {
	char *oneshot, *efivar_default, *saved, *conf_default;
	const char *conf; /* the loader.conf read, or NULL */
};

static void vars_done(struct vars *v)
{
	free(v->oneshot);
	free(v->efivar_default);
	free(v->saved);
	free(v->conf_default);
}

static int load_vars(struct vars *v)
{
	for (size_t i = 0; i < ELEMENTSOF(loader_confs) && !v->conf; i++) {
		_cleanup_free_ char *text = NULL;
		if (igp_read_file(loader_confs[i], &text, NULL) < 0)
			continue;
		v->conf = loader_confs[i];
		if (igp_loader_conf_default(text, &v->conf_default) < 0)
			return -ENOMEM;
	}
	v->oneshot = efivar(IGP_SYS_EFIVAR_LOADER("LoaderEntryOneShot"));
	v->efivar_default = efivar(IGP_SYS_EFIVAR_LOADER("LoaderEntryDefault"));
	v->saved = efivar(IGP_SYS_EFIVAR_LOADER("LoaderEntryLastBooted"));
	return 0;
}

static char *why(enum igp_sdboot_source s, const struct vars *v)
{
	switch (s) {
	case IGP_SDBOOT_ONESHOT:
		return strdup("the EFI variable LoaderEntryOneShot names it, set by `bootctl set-oneshot`");
	case IGP_SDBOOT_EFIVAR:
		return strdup("the EFI variable LoaderEntryDefault names it, set by `bootctl set-default`");
	case IGP_SDBOOT_EFIVAR_SAVED:
		return strdup("LoaderEntryDefault is @saved and LoaderEntryLastBooted names it");
	case IGP_SDBOOT_CONF:
		return strdupf("`default %s` in %s", v->conf_default, v->conf);
	case IGP_SDBOOT_CONF_SAVED:
		return strdupf("`default @saved` in %s and LoaderEntryLastBooted names it", v->conf);
	case IGP_SDBOOT_FIRST:
		break;
	}
	if (v->efivar_default)
		return strdupf(
		    "the first in systemd-boot's order, as LoaderEntryDefault `%s` matches no entry",
		    v->efivar_default);
	if (v->conf_default)
		return strdupf("the first in systemd-boot's order, as `default %s` in %s matches no entry",
			       v->conf_default, v->conf);
	return strdup("the first in systemd-boot's order, no default being set");
}

int igp_sdboot_default_entry(struct igp_sdboot_default *ret)
{
	struct entries l = {0};
	struct vars v = {0};
	enum igp_sdboot_source src;
	size_t i;
	int r = 0;

	*ret = (struct igp_sdboot_default){0};
	for (size_t d = 0; r >= 0 && d < ELEMENTSOF(uki_dirs); d++)
		r = load_type2(&l, uki_dirs[d]);
	for (size_t d = 0; r >= 0 && d < ELEMENTSOF(entry_dirs); d++)
		r = load_type1(&l, entry_dirs[d]);
	if (r >= 0)
		r = load_vars(&v);
	if (r >= 0 && l.n == 0)
		r = -ENOENT;
	if (r < 0)
		goto out;
	igp_sdboot_entries_sort(l.v, l.n);
	i = igp_sdboot_pick(
	    l.v, l.n, &(struct igp_sdboot_vars){v.oneshot, v.efivar_default, v.saved, v.conf_default}, &src);
	ret->path = TAKE_PTR(l.v[i].path);
	ret->id = TAKE_PTR(l.v[i].id);
	ret->is_linux = l.v[i].is_linux;
	ret->uki = l.v[i].uki;
	ret->why = why(src, &v);
	ret->selected = efivar(IGP_SYS_EFIVAR_LOADER("LoaderEntrySelected"));
	/* What runs now may not be what boots next (the menu, a one-shot). */
	if (ret->why && ret->selected && !streq(ret->selected, ret->id) &&
	    strextendf(&ret->why, "; this boot started %s", ret->selected) < 0) {
		free(ret->why);
		ret->why = NULL;
	}
	if (!ret->why) {
		igp_sdboot_default_done(ret);
		r = -ENOMEM;
	}
out:
	entries_done(&l);
	vars_done(&v);
	return r;
}

void igp_sdboot_default_done(struct igp_sdboot_default *d)
{
	free(d->path);
	free(d->id);
	free(d->why);
	free(d->selected);
	*d = (struct igp_sdboot_default){0};
}
