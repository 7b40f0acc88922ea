/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-boot's rules (boot/sdboot.h) on arbitrary input: the input read
 * as loader.conf, as a loader entry and as an efivarfs file, and split at
 * its newlines into entry ids and patterns.  Asserts what each promises:
 * loader.conf's default is in lower case and no "@" other than "@saved";
 * an entry's id is its name in lower case; an efivarfs string is UTF-8
 * without NUL; the menu order is a total order (antisymmetric, sorted
 * output); the chosen entry matches the pattern it rests on, and no
 * earlier entry in the order does.
 */
#include <ctype.h>

#include "boot/sdboot.h"
#include "fuzz.h"
#include "base/util.h"

static void check_conf(const char *text)
{
	char *d = NULL;
	int r = igp_loader_conf_default(text, &d);

	FZ_ASSERT(r >= 0, "loader.conf: %d", r);
	FZ_ASSERT((r == 1) == (d != NULL), "default and its result disagree");
	for (const char *c = d; c && *c; c++)
		FZ_ASSERT(!isupper((unsigned char)*c), "default not in lower case: %s", d);
	FZ_ASSERT(!d || d[0] != '@' || streq(d, "@saved"), "special id kept: %s", d);
	free(d);
}

static void check_efivar(const uint8_t *data, size_t size)
{
	char *s = NULL;

	if (igp_efivar_string(data, size, &s) < 0)
		return;
	FZ_ASSERT(strlen(s) <= 3 * (size - 4) / 2, "longer than the input allows");
	free(s);
}

/* Entries from the lines of TEXT (at most 16), sorted and picked from. */
static void check_order(const char *text)
{
	struct igp_sdboot_entry v[16];
	_cleanup_strv_free_ char **lines = NULL;
	size_t n = 0, i;
	enum igp_sdboot_source src;
	struct igp_sdboot_vars vars = {0};

	FZ_OOM(strv_split(text, "\n", &lines) >= 0);
	for (char **l = lines; *l && n < ELEMENTSOF(v); l++) {
		if (igp_sdboot_entry_parse(*l, "linux /vmlinuz\n", &v[n]) != 1)
			FZ_ASSERT(false, "an entry with a linux line was not listed");
		for (const char *c = v[n].id; *c; c++)
			FZ_ASSERT(!isupper((unsigned char)*c), "id not in lower case: %s", v[n].id);
		/* Every third one gets a sort-key and version from its id. */
		if (n % 3 == 2) {
			FZ_OOM(v[n].sort_key = strndup(v[n].id, 2));
			FZ_OOM(v[n].version = strdup(v[n].id));
		}
		n++;
	}
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		for (size_t k = 0; k < n; k++) {
			int a = igp_sdboot_entry_compare(&v[i], &v[k]),
			    b = igp_sdboot_entry_compare(&v[k], &v[i]);
			FZ_ASSERT((a > 0) - (a < 0) == -((b > 0) - (b < 0)), "order not antisymmetric: %s %s",
				  v[i].id, v[k].id);
		}
	igp_sdboot_entries_sort(v, n);
	for (i = 1; i < n; i++)
		FZ_ASSERT(igp_sdboot_entry_compare(&v[i - 1], &v[i]) <= 0, "not sorted at %zu", i);
	/* The first line doubles as loader.conf's pattern. */
	vars.conf_default = lines[0];
	i = igp_sdboot_pick(v, n, &vars, &src);
	FZ_ASSERT(i < n, "pick out of range");
	if (src == IGP_SDBOOT_CONF)
		FZ_ASSERT(igp_sdboot_fnmatch(lines[0], v[i].id), "chosen entry does not match");
	for (size_t k = 0; !streq(lines[0], "@saved") && k < (src == IGP_SDBOOT_CONF ? i : n); k++)
		FZ_ASSERT(!igp_sdboot_fnmatch(lines[0], v[k].id), "an earlier entry matches");
	for (i = 0; i < n; i++)
		igp_sdboot_entry_done(&v[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	struct igp_sdboot_entry e;

	check_conf(text);
	check_efivar(data, size);
	if (igp_sdboot_entry_parse("x.conf", text, &e) >= 0)
		igp_sdboot_entry_done(&e);
	check_order(text);
	return 0;
}
