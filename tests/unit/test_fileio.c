/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fileio: atomic writes stay inside the root and keep mode and content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "base/paths.h"
#include "base/util.h"

#include "tmproot.h"

static char root[] = "/tmp/igp-fileio-XXXXXX";

static void put(const char *rel, const char *content, mode_t mode)
{
	char *p = strdupf("%s%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	chmod(p, mode);
	free(p);
}

static char *get(const char *rel)
{
	char *p = strdupf("%s%s", root, rel), *buf = calloc(1, 65536);
	FILE *f = fopen(p, "r");
	free(p);
	if (!f) {
		free(buf);
		return NULL;
	}
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	tmproot_setup(root, "etc/default", "tmp", NULL);
	return 0;
}

static int teardown(void **state)
{
	tmproot_teardown(root);
	return 0;
}

static void test_replace_keeps_mode(void **state)
{
	struct stat st;
	char *p, *s;

	put("/etc/default/grub", "old\n", 0640);
	assert_int_equal(igp_write_file_atomic("/etc/default/grub", "new\n", 4, 0644), 0);
	s = get("/etc/default/grub");
	assert_string_equal(s, "new\n");
	free(s);
	p = strdupf("%s/etc/default/grub", root);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	free(p);
}

static void test_create_with_mode(void **state)
{
	struct stat st;
	char *p, *s;

	assert_int_equal(igp_write_file_atomic("/etc/new.conf", "x", 1, 0600), 0);
	s = get("/etc/new.conf");
	assert_string_equal(s, "x");
	free(s);
	p = strdupf("%s/etc/new.conf", root);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(p);
}

/* An absolute symlink is followed inside the root, never to the host. */
static void test_symlink_stays_in_root(void **state)
{
	char *link = strdupf("%s/etc/default/grub", root), *s;

	unlink(link);
	put("/etc/passwd", "root-inside\n", 0644);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(igp_write_file_atomic("/etc/default/grub", "changed\n", 8, 0644), 0);
	s = get("/etc/passwd");
	assert_string_equal(s, "changed\n");
	free(s);
	/* the link itself is kept */
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(link);

	/* ".." cannot climb out either */
	link = strdupf("%s/etc/escape", root);
	assert_int_equal(symlink("../../../../../../../tmp/igp-should-not-exist", link), 0);
	assert_int_equal(igp_write_file_atomic("/etc/escape", "x", 1, 0644), 0);
	assert_int_equal(access("/tmp/igp-should-not-exist", F_OK), -1);
	s = get("/tmp/igp-should-not-exist");
	assert_string_equal(s, "x");
	free(s);
	free(link);
}

static void test_unlink_and_temps(void **state)
{
	put("/etc/default/.grub" IGP_TMP_MARKER "abc", "partial", 0600);
	put("/etc/default/keep", "k", 0644);
	assert_int_equal(igp_remove_stale_temps("/etc/default"), 1);
	assert_null(get("/etc/default/.grub" IGP_TMP_MARKER "abc"));
	assert_int_equal(igp_unlink_durable("/etc/default/keep"), 0);
	assert_null(get("/etc/default/keep"));
	assert_int_equal(igp_unlink_durable("/etc/default/keep"), -ENOENT);
}

static void test_mkdir_parents(void **state)
{
	char *s;
	assert_int_equal(igp_mkdir_parents("/var/lib/igpuctl/backup/1", 0755), 0);
	assert_int_equal(igp_write_file_atomic("/var/lib/igpuctl/backup/1", "b", 1, 0600), 0);
	s = get("/var/lib/igpuctl/backup/1");
	assert_string_equal(s, "b");
	free(s);
	assert_int_equal(igp_write_file_atomic("/nonexistent/dir/file", "b", 1, 0600), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_replace_keeps_mode),	  cmocka_unit_test(test_create_with_mode),
	    cmocka_unit_test(test_symlink_stays_in_root), cmocka_unit_test(test_unlink_and_temps),
	    cmocka_unit_test(test_mkdir_parents),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
