/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GRUB's environment block (boot/grubenv.h), and what GRUB with BLS boots
 * by default from it: the loader entry that saved_entry (or next_entry,
 * GRUB_DEFAULT) names, else the newest (loader_grub.c's config).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/bootloader.h"
#include "boot/grubenv.h"
#include "tmproot.h"

/* KEY's value in TEXT (LEN bytes), or "(unset)". */
static char *get(const char *text, size_t len, const char *key)
{
	char *v = NULL;
	int r = igp_grubenv_get(text, len, key, &v);

	assert_true(r == 0 || r == 1);
	return r ? v : strdup("(unset)");
}

static void expect(const char *text, const char *key, const char *value)
{
	char *v = get(text, strlen(text), key);

	assert_string_equal(v, value);
	free(v);
}

/* A block as grub2-editenv writes it: 1024 bytes, '#' padding. */
static char *block(const char *lines)
{
	char *b = strdupf("# GRUB Environment Block\n%s", lines);
	size_t n = strlen(b);

	assert_true(n <= 1024);
	b = realloc(b, 1025);
	memset(b + n, '#', 1024 - n);
	b[1024] = '\0';
	return b;
}

static void test_read(void **state)
{
	char *b = block("saved_entry=0f6e2cb1-6.11.4-301.fc41.x86_64\nmenu_auto_hide=1\nboot_success=0\n");
	char *v;

	(void)state;
	expect(b, "saved_entry", "0f6e2cb1-6.11.4-301.fc41.x86_64");
	expect(b, "menu_auto_hide", "1");
	expect(b, "boot_success", "0");
	/* A name is whole: no prefix, no longer name. */
	expect(b, "saved", "(unset)");
	expect(b, "saved_entry_x", "(unset)");
	expect(b, "next_entry", "(unset)");
	free(b);

	/* The value runs to the newline; '#' inside it is no comment. */
	expect("a=1#2\nb=\n", "a", "1#2");
	expect("a=1#2\nb=\n", "b", "");
	/* The last line may lack its newline; the first '=' ends the name. */
	expect("x=y\nsaved_entry=a=b", "saved_entry", "a=b");
	/* Without the signature GRUB's tools would refuse the block; the
	 * variables are read all the same (the model reads them so). */
	expect("saved_entry=1\n", "saved_entry", "1");
	/* A backslash escapes the next byte: '\\' and a newline, as
	 * grub2-editenv writes them. */
	expect("t=a\\\\b\\\nc\nu=2\n", "t", "a\\b\nc");
	expect("t=a\\\\b\\\nc\nu=2\n", "u", "2");
	expect("t=end\\", "t", "end\\");
	/* A line without '=' ends the block, as in GRUB. */
	expect("junk\nsaved_entry=1\n", "saved_entry", "(unset)");
	/* A '#' line is skipped, wherever it is. */
	expect("#x=1\ny=2\n", "x", "(unset)");
	expect("#x=1\ny=2\n", "y", "2");
	expect("", "x", "(unset)");

	/* NUL bytes: the length counts, not the C string. */
	v = get("a=1\0b\nb=2\n", 10, "b");
	assert_string_equal(v, "2");
	free(v);
	v = get("a=1\nb=2\n", 5, "b");
	assert_string_equal(v, "(unset)");
	free(v);
}

static char root[64];
#define MID "0f6e2cb1d7a84f3e9c5b2a18d4e7f6a3"

static int bls_setup(void **state)
{
	static const char *const kvers[] = {"6.11.3-300.fc41.x86_64", "6.11.4-301.fc41.x86_64",
					    "6.9.12-200.fc41.x86_64", "0-rescue-" MID};
	(void)state;
	strcpy(root, "/tmp/igp-grubenv-XXXXXX");
	tmproot_setup(root, "boot/grub2", "boot/loader/entries", NULL);
	tmproot_put(root, "/etc/os-release", "ID=fedora\n");
	tmproot_put(root, "/etc/default/grub",
		    "GRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX=\"rhgb quiet\"\nGRUB_ENABLE_BLSCFG=true\n");
	tmproot_put(root, "/boot/grub2/grub.cfg", "blscfg\n");
	for (size_t i = 0; i < ELEMENTSOF(kvers); i++) {
		/* The rescue entry is MACHINEID-0-rescue.conf (51-dracut-rescue.install). */
		const char *name = strncmp(kvers[i], "0-rescue", 8) ? kvers[i] : "0-rescue";
		char *path = strdupf("/boot/loader/entries/%s-%s.conf", MID, name);
		char *text = strdupf("title Fedora Linux (%s) 41\nversion %s\nlinux /vmlinuz-%s\n"
				     "options root=/dev/x ro k=%s\ngrub_users $grub_users\n",
				     kvers[i], kvers[i], kvers[i], name);
		tmproot_put(root, path, text);
		free(path);
		free(text);
	}
	return 0;
}

static int bls_teardown(void **state)
{
	(void)state;
	tmproot_teardown(root);
	return 0;
}

/* The default entry's "k=" option, as the checks read the configuration. */
static void expect_default(const char *kver)
{
	struct igp_bootloader b;
	struct igp_boot_config c = {0};
	char *k = strdupf("k=%s", kver), *entry = strdupf("/boot/loader/entries/" MID "-%s.conf", kver);

	assert_int_equal(igp_bootloader_detect(NULL, &b), 0);
	assert_ptr_equal(b.ops, &igp_grub_fedora_ops);
	assert_int_equal(strv_length(b.entries), 4);
	assert_int_equal(b.ops->config(&b, NULL, &c), 0);
	assert_non_null(c.configured);
	assert_true(strv_contains(c.configured, k));
	assert_string_equal(c.entry, entry);
	assert_null(c.places);
	igp_boot_config_done(&c);
	igp_bootloader_done(&b);
	free(k);
	free(entry);
}

static void test_bls_default(void **state)
{
	char *b;

	(void)state;
	/* No grubenv: the first of the menu, the newest by version (6.11.4
	 * after 6.9.12, the rescue entry last). */
	expect_default("6.11.4-301.fc41.x86_64");
	b = block("saved_entry=" MID "-6.11.3-300.fc41.x86_64\nboot_success=0\n");
	tmproot_put(root, "/boot/grub2/grubenv", b);
	free(b);
	expect_default("6.11.3-300.fc41.x86_64");
	/* grub2-reboot's next_entry comes first. */
	b = block("saved_entry=" MID "-6.11.3-300.fc41.x86_64\nnext_entry=" MID "-0-rescue\n");
	tmproot_put(root, "/boot/grub2/grubenv", b);
	free(b);
	expect_default("0-rescue");
	/* A number counts in the menu, newest first. */
	b = block("saved_entry=1\n");
	tmproot_put(root, "/boot/grub2/grubenv", b);
	free(b);
	expect_default("6.11.3-300.fc41.x86_64");
	/* An entry that is gone: GRUB falls back to the first. */
	b = block("saved_entry=" MID "-6.5.6-300.fc39.x86_64\n");
	tmproot_put(root, "/boot/grub2/grubenv", b);
	free(b);
	expect_default("6.11.4-301.fc41.x86_64");
	/* GRUB_DEFAULT naming an entry: grubenv is not read. */
	tmproot_put(root, "/etc/default/grub",
		    "GRUB_DEFAULT=" MID "-6.9.12-200.fc41.x86_64\nGRUB_CMDLINE_LINUX=\"rhgb quiet\"\n"
		    "GRUB_ENABLE_BLSCFG=true\n");
	expect_default("6.9.12-200.fc41.x86_64");
	/* ... but grub2-reboot's next_entry is, whatever GRUB_DEFAULT says. */
	b = block("next_entry=" MID "-6.11.3-300.fc41.x86_64\n");
	tmproot_put(root, "/boot/grub2/grubenv", b);
	free(b);
	expect_default("6.11.3-300.fc41.x86_64");
	/* GRUB_DEFAULT unset is 0: saved_entry is not read. */
	tmproot_put(root, "/etc/default/grub",
		    "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\nGRUB_ENABLE_BLSCFG=true\n");
	b = block("saved_entry=" MID "-6.11.3-300.fc41.x86_64\n");
	tmproot_put(root, "/boot/grub2/grubenv", b);
	free(b);
	expect_default("6.11.4-301.fc41.x86_64");
}

/* Without GRUB_ENABLE_BLSCFG=true and without entries: no BLS, the
 * configuration is GRUB_CMDLINE_LINUX's. */
static void test_no_bls(void **state)
{
	struct igp_bootloader b;
	struct igp_boot_config c = {0};

	(void)state;
	assert_int_equal(system("rm -rf /tmp/igp-grubenv-*/boot/loader"), 0);
	tmproot_put(root, "/etc/default/grub", "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\n");
	assert_int_equal(igp_bootloader_detect(NULL, &b), 0);
	assert_null(b.entries);
	assert_int_equal(b.ops->config(&b, NULL, &c), 0);
	assert_null(c.entry);
	assert_string_equal(c.where, "GRUB_CMDLINE_LINUX in /etc/default/grub");
	igp_boot_config_done(&c);
	igp_bootloader_done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read),
	    cmocka_unit_test_setup_teardown(test_bls_default, bls_setup, bls_teardown),
	    cmocka_unit_test_setup_teardown(test_no_bls, bls_setup, bls_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
