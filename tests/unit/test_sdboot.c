/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sdboot: systemd-boot's version order, glob, menu order and default entry,
 * and the readers of loader.conf, loader entries and efivarfs strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/sdboot.h"
#include "base/util.h"

#define SIGN(x) (((x) > 0) - ((x) < 0))

static void test_verscmp(void **state)
{
	/* systemd's own examples, oldest first (string-util-fundamental.c). */
	static const char *const order[] = {"122.1",   "123~rc1-1", "123",     "123-a",	  "123-a.1", "123-1",
					    "123-1.1", "123^post1", "123.a-1", "123.1-1", "123a-1",  "124-1"};

	for (size_t i = 0; i < ELEMENTSOF(order); i++)
		for (size_t k = 0; k < ELEMENTSOF(order); k++)
			assert_int_equal(SIGN(igp_bootspec_verscmp(order[i], order[k])),
					 SIGN((int)i - (int)k));
	assert_int_equal(igp_bootspec_verscmp("00123", "123"), 0);
	assert_int_equal(igp_bootspec_verscmp(NULL, ""), 0);
	assert_true(igp_bootspec_verscmp("6.12.10-arch1-1", "6.6.72-1-lts") > 0);
	/* The fallback entry of a kernel is older than the kernel's own. */
	assert_true(igp_bootspec_verscmp("arch-fallback.conf", "arch.conf") < 0);
	assert_true(igp_bootspec_verscmp("arch-fallback.conf", "arch-lts.conf") < 0);
}

static void test_fnmatch(void **state)
{
	assert_true(igp_sdboot_fnmatch("arch.conf", "arch.conf"));
	assert_false(igp_sdboot_fnmatch("arch", "arch.conf"));
	assert_true(igp_sdboot_fnmatch("arch*", "arch-fallback.conf"));
	assert_true(igp_sdboot_fnmatch("*", ""));
	assert_true(igp_sdboot_fnmatch("a?ch*.conf", "arch-lts.conf"));
	assert_false(igp_sdboot_fnmatch("a?ch", "ach"));
	assert_true(igp_sdboot_fnmatch("[a-c]rch.conf", "arch.conf"));
	assert_false(igp_sdboot_fnmatch("[b-c]rch.conf", "arch.conf"));
	assert_true(igp_sdboot_fnmatch("[]]", "]"));
	assert_true(igp_sdboot_fnmatch("[a-]", "-"));
	assert_false(igp_sdboot_fnmatch("[a", "a"));
	assert_true(igp_sdboot_fnmatch("\\*", "*"));
	assert_false(igp_sdboot_fnmatch("\\*", "x"));
	assert_false(igp_sdboot_fnmatch("x\\", "x"));
	assert_false(igp_sdboot_fnmatch(NULL, "x"));
	assert_true(igp_sdboot_fnmatch("*a*b", "xxaxxbxb"));
	assert_false(igp_sdboot_fnmatch("*a*b", "xxaxxbxc"));
	assert_true(igp_sdboot_fnmatch("a**", "a"));
}

/* systemd-boot recurses for each run of '*', 32 deep at most. */
static void test_fnmatch_depth(void **state)
{
	char p[200] = "", h[100] = "";

	for (int i = 0; i < 31; i++)
		strcat(p, "*a");
	memset(h, 'a', 40);
	assert_true(igp_sdboot_fnmatch(p, h));
	/* A 32nd run at the end still matches, one with more after it not. */
	strcat(p, "*");
	assert_true(igp_sdboot_fnmatch(p, h));
	strcat(p, "a");
	assert_false(igp_sdboot_fnmatch(p, h));
	/* Fast where a recursion would take ages. */
	memset(h, 'a', 99);
	h[98] = 'b';
	p[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(p, "*a");
	strcat(p, "c");
	assert_false(igp_sdboot_fnmatch(p, h));
}

static struct igp_sdboot_entry entry(const char *id)
{
	struct igp_sdboot_entry e;

	assert_int_equal(igp_sdboot_entry_parse(id, "linux /vmlinuz\n", &e), 1);
	return e;
}

/* The ids of V (N) in order, space separated. */
static char *ids(const struct igp_sdboot_entry *v, size_t n)
{
	char *s = strdup("");

	for (size_t i = 0; s && i < n; i++)
		assert_int_equal(strextendf(&s, "%s%s", i ? " " : "", v[i].id), 0);
	return s;
}

static void test_sort(void **state)
{
	struct igp_sdboot_entry v[6];
	char *s;

	v[0] = entry("arch-fallback.conf");
	v[1] = entry("arch.conf");
	v[2] = entry("Linux-Zen.conf");
	v[3] = entry("arch-lts.conf");
	/* No tries left: last, whatever its name. */
	v[4] = entry("zz+0-3.conf");
	/* A sort-key puts it before the entries without. */
	v[5] = entry("0-fedora.conf");
	v[5].sort_key = strdup("fedora");
	igp_sdboot_entries_sort(v, 6);
	s = ids(v, 6);
	assert_string_equal(
	    s, "0-fedora.conf linux-zen.conf arch.conf arch-lts.conf arch-fallback.conf zz+0-3.conf");
	free(s);
	assert_int_equal(v[5].tries_left, 0);
	assert_int_equal(v[5].tries_done, 3);
	for (size_t i = 0; i < 6; i++)
		igp_sdboot_entry_done(&v[i]);

	/* Same sort-key: newest version first; boot counting last of all. */
	v[0] = entry("a+1.conf");
	v[1] = entry("a+3-1.conf");
	v[2] = entry("b.conf");
	v[0].sort_key = strdup("arch"), v[0].version = strdup("6.6");
	v[1].sort_key = strdup("arch"), v[1].version = strdup("6.6");
	v[2].sort_key = strdup("arch"), v[2].version = strdup("6.12");
	/* The ids compare first: "+3-1" reads as a newer version than "+1". */
	igp_sdboot_entries_sort(v, 3);
	s = ids(v, 3);
	assert_string_equal(s, "b.conf a+3-1.conf a+1.conf");
	free(s);
	for (size_t i = 0; i < 3; i++)
		igp_sdboot_entry_done(&v[i]);
}

static void test_pick(void **state)
{
	struct igp_sdboot_entry v[3] = {entry("linux-zen.conf"), entry("arch.conf"),
					entry("arch-fallback.conf")};
	enum igp_sdboot_source src;

	assert_int_equal(igp_sdboot_pick(v, 3, &(struct igp_sdboot_vars){0}, &src), 0);
	assert_int_equal(src, IGP_SDBOOT_FIRST);
	/* The first match in menu order: arch.conf, not the fallback. */
	assert_int_equal(igp_sdboot_pick(v, 3, &(struct igp_sdboot_vars){.conf_default = "arch*"}, &src), 1);
	assert_int_equal(src, IGP_SDBOOT_CONF);
	assert_int_equal(igp_sdboot_pick(v, 3, &(struct igp_sdboot_vars){.conf_default = "nomatch"}, &src),
			 0);
	assert_int_equal(src, IGP_SDBOOT_FIRST);
	/* bootctl set-default overrides loader.conf; set-oneshot both. */
	assert_int_equal(igp_sdboot_pick(v, 3,
					 &(struct igp_sdboot_vars){.efivar_default = "arch-fallback.conf",
								   .conf_default = "arch.conf"},
					 &src),
			 2);
	assert_int_equal(src, IGP_SDBOOT_EFIVAR);
	assert_int_equal(igp_sdboot_pick(v, 3,
					 &(struct igp_sdboot_vars){.oneshot = "arch.conf",
								   .efivar_default = "linux-zen.conf"},
					 &src),
			 1);
	assert_int_equal(src, IGP_SDBOOT_ONESHOT);
	/* @saved: the last booted entry. */
	assert_int_equal(
	    igp_sdboot_pick(v, 3, &(struct igp_sdboot_vars){.conf_default = "@saved", .saved = "arch.conf"},
			    &src),
	    1);
	assert_int_equal(src, IGP_SDBOOT_CONF_SAVED);
	assert_int_equal(
	    igp_sdboot_pick(
		v, 3, &(struct igp_sdboot_vars){.efivar_default = "@saved", .conf_default = "@saved"}, &src),
	    0);
	assert_int_equal(src, IGP_SDBOOT_FIRST);
	for (size_t i = 0; i < 3; i++)
		igp_sdboot_entry_done(&v[i]);
}

static void expect_default(const char *text, const char *expected)
{
	char *d = NULL;
	int r = igp_loader_conf_default(text, &d);

	assert_int_equal(r, expected ? 1 : 0);
	if (expected)
		assert_string_equal(d, expected);
	free(d);
}

static void test_loader_conf(void **state)
{
	expect_default("timeout 4\ndefault arch.conf\n", "arch.conf");
	expect_default("  default\t\tArch*  \r\n", "arch*");
	expect_default("# default x\ntimeout 3\n", NULL);
	expect_default("default a\ndefault b\n", "b");
	expect_default("default \"quoted.conf\"\n", "quoted.conf");
	/* An unknown special id is ignored; @saved is not. */
	expect_default("default a\ndefault @other\n", "a");
	expect_default("default @SAVED\n", "@saved");
	expect_default("defaultx y\ndefault\n", NULL);
	expect_default("", NULL);
}

static void test_entry_parse(void **state)
{
	struct igp_sdboot_entry e;

	assert_int_equal(igp_sdboot_entry_parse("Arch.conf",
						"title Arch\nsort-key arch\nversion 6.12\n"
						"machine-id 0123\nlinux /vmlinuz-linux\n",
						&e),
			 1);
	assert_string_equal(e.id, "arch.conf");
	assert_string_equal(e.sort_key, "arch");
	assert_string_equal(e.version, "6.12");
	assert_string_equal(e.machine_id, "0123");
	assert_true(e.is_linux);
	assert_int_equal(e.tries_left, -1);
	igp_sdboot_entry_done(&e);
	/* memtest: listed, but no Linux. */
	assert_int_equal(igp_sdboot_entry_parse("memtest.conf", "efi /memtest.efi\n", &e), 1);
	assert_false(e.is_linux);
	igp_sdboot_entry_done(&e);
	/* Neither linux nor efi, both, or another architecture: not listed. */
	assert_int_equal(igp_sdboot_entry_parse("x.conf", "title x\n", &e), 0);
	igp_sdboot_entry_done(&e);
	assert_int_equal(igp_sdboot_entry_parse("x.conf", "linux /a\nefi /b\n", &e), 0);
	igp_sdboot_entry_done(&e);
	assert_int_equal(igp_sdboot_entry_parse("x.conf", "linux /a\narchitecture aa64\n", &e), 0);
	igp_sdboot_entry_done(&e);
	/* A counter in the middle of the name is none. */
	assert_int_equal(igp_sdboot_entry_parse("a+3x.conf", "linux /a\n", &e), 1);
	assert_int_equal(e.tries_left, -1);
	igp_sdboot_entry_done(&e);
}

static void expect_efivar(const void *data, size_t size, int r, const char *expected)
{
	char *s = NULL;

	assert_int_equal(igp_efivar_string(data, size, &s), r);
	if (r == 0)
		assert_string_equal(s, expected);
	free(s);
}

static void test_efivar(void **state)
{
	static const unsigned char arch[] = {7, 0, 0, 0, 'a', 0, '.', 0, 'c', 0, 0, 0};
	static const unsigned char no_nul[] = {7, 0, 0, 0, 'a', 0, 'b', 0};
	static const unsigned char umlaut[] = {7, 0, 0, 0, 0xe4, 0, 0xac, 0x20};
	static const unsigned char pair[] = {7, 0, 0, 0, 0x3d, 0xd8, 0x00, 0xde};
	static const unsigned char lone[] = {7, 0, 0, 0, 0x3d, 0xd8, 'a', 0};
	static const unsigned char odd[] = {7, 0, 0, 0, 'a'};

	expect_efivar(arch, sizeof(arch), 0, "a.c");
	expect_efivar(no_nul, sizeof(no_nul), 0, "ab");
	expect_efivar(umlaut, sizeof(umlaut), 0, "\xc3\xa4\xe2\x82\xac");
	expect_efivar(pair, sizeof(pair), 0, "\xf0\x9f\x98\x80");
	expect_efivar(lone, sizeof(lone), -EBADMSG, NULL);
	expect_efivar(odd, sizeof(odd), -EBADMSG, NULL);
	expect_efivar(arch, 3, -EBADMSG, NULL);
	expect_efivar(arch, 4, 0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verscmp),	cmocka_unit_test(test_fnmatch),
	    cmocka_unit_test(test_sort),	cmocka_unit_test(test_pick),
	    cmocka_unit_test(test_loader_conf), cmocka_unit_test(test_entry_parse),
	    cmocka_unit_test(test_efivar),	cmocka_unit_test(test_fnmatch_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
