/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff: unified output in GNU format, and `patch` turns old into new. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/diff.h"
#include "base/util.h"

static void check(const char *old, const char *new_, const char *expected)
{
	char *d = NULL;
	assert_int_equal(igp_diff_unified("/etc/default/grub", old, new_, &d), 0);
	assert_string_equal(d, expected);
	free(d);
}

static void test_equal(void **state)
{
	check("a\n", "a\n", "");
	check(NULL, NULL, "");
}

static void test_change_with_context(void **state)
{
	check("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
	      "--- a/etc/default/grub\n+++ b/etc/default/grub\n"
	      "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

static void test_create_and_remove(void **state)
{
	check(NULL, "x\ny\n", "--- /dev/null\n+++ b/etc/default/grub\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	check("x\n", NULL, "--- a/etc/default/grub\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
}

static void test_no_newline(void **state)
{
	check("a\nb", "a\nb\n",
	      "--- a/etc/default/grub\n+++ b/etc/default/grub\n"
	      "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

static void test_two_hunks(void **state)
{
	check("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
	      "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n",
	      "--- a/etc/default/grub\n+++ b/etc/default/grub\n"
	      "@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -13,3 +14,4 @@\n 13\n 14\n 15\n+16\n");
}

/* Property: for random texts, patch(1) applied to old yields new. */
static void test_patch_roundtrip(void **state)
{
	char dir[] = "/tmp/igp-diff-XXXXXX";
	unsigned seed = 7;

	if (system("command -v patch >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	for (int it = 0; it < 300; it++) {
		char a[256] = "", b[256] = "", *d = NULL, *cmd, *p, got[256] = "";
		FILE *f;
		int na = rand_r(&seed) % 10, nb = rand_r(&seed) % 10;
		for (int i = 0; i < na; i++)
			snprintf(a + strlen(a), 4, "%c\n", 'a' + rand_r(&seed) % 4);
		for (int i = 0; i < nb; i++)
			snprintf(b + strlen(b), 4, "%c\n", 'a' + rand_r(&seed) % 4);
		if (nb && rand_r(&seed) % 3 == 0)
			b[strlen(b) - 1] = '\0';
		assert_int_equal(igp_diff_unified("/f", a, b, &d), 0);
		p = strdupf("%s/f", dir);
		f = fopen(p, "w");
		fputs(a, f);
		fclose(f);
		if (*d) {
			char *pp = strdupf("%s/p", dir);
			f = fopen(pp, "w");
			fputs(d, f);
			fclose(f);
			cmd = strdupf("patch -s -p1 -d %s < %s", dir, pp);
			assert_int_equal(system(cmd), 0);
			free(cmd);
			free(pp);
		}
		f = fopen(p, "r");
		if (f) {
			size_t n = fread(got, 1, sizeof(got) - 1, f);
			got[n] = '\0';
			fclose(f);
		}
		assert_string_equal(got, b);
		free(p);
		free(d);
	}
	{
		char *cmd = strdupf("rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_change_with_context),
	    cmocka_unit_test(test_create_and_remove),
	    cmocka_unit_test(test_no_newline),
	    cmocka_unit_test(test_two_hunks),
	    cmocka_unit_test(test_patch_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
