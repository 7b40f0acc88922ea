/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The path context: reads resolve inside the root, even through symlinks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "base/paths.h"
#include "base/util.h"

static char root[] = "/tmp/igp-paths-XXXXXX";

static void put(const char *rel, const char *content)
{
	char p[512];
	int fd;
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static void mkd(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void lnk(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(root));
	mkd("sys");
	mkd("sys/devices");
	mkd("sys/devices/pci0000:00");
	mkd("sys/devices/pci0000:00/0000:00:02.0");
	put("sys/devices/pci0000:00/0000:00:02.0/vendor", "0x8086\n");
	put("sys/devices/pci0000:00/0000:00:02.0/class", "0x030000\n");
	mkd("sys/bus");
	mkd("sys/bus/pci");
	mkd("sys/bus/pci/devices");
	lnk("../../../devices/pci0000:00/0000:00:02.0", "sys/bus/pci/devices/0000:00:02.0");
	mkd("etc");
	put("etc/hosts-inside", "inside\n");
	/* An absolute link must resolve inside the root, never to the host. */
	lnk("/etc/hosts-inside", "etc/abs-link");
	lnk("../../../../../../../../etc/hosts-inside", "etc/dotdot-link");
	lnk("/etc/passwd", "etc/escape");
	assert_int_equal(igp_root_set(root), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	igp_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_read_through_links(void **state)
{
	uint32_t v;
	_cleanup_free_ char *s = NULL, *real = NULL;

	assert_int_equal(igp_read_u32_hex("/sys/bus/pci/devices/0000:00:02.0/vendor", &v), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(igp_read_attr("/sys/bus/pci/devices/0000:00:02.0/class", &s), 0);
	assert_string_equal(s, "0x030000");
	assert_int_equal(igp_realpath("/sys/bus/pci/devices/0000:00:02.0", &real), 0);
	assert_string_equal(real, "/sys/devices/pci0000:00/0000:00:02.0");
}

static void test_links_stay_inside(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

	assert_int_equal(igp_read_attr("/etc/abs-link", &a), 0);
	assert_string_equal(a, "inside");
	assert_int_equal(igp_read_attr("/etc/dotdot-link", &b), 0);
	assert_string_equal(b, "inside");
	/* /etc/passwd exists on the host but not in the root. */
	assert_int_equal(igp_read_attr("/etc/escape", &c), -ENOENT);
	assert_int_equal(igp_access("/../../etc/passwd"), -ENOENT);
}

static void test_readlink_and_list(void **state)
{
	_cleanup_free_ char *t = NULL, *b = NULL;
	_cleanup_strv_free_ char **names = NULL;

	assert_int_equal(igp_readlink("/sys/bus/pci/devices/0000:00:02.0", &t), 0);
	assert_string_equal(t, "../../../devices/pci0000:00/0000:00:02.0");
	assert_int_equal(igp_readlink_basename("/sys/bus/pci/devices/0000:00:02.0", &b), 0);
	assert_string_equal(b, "0000:00:02.0");
	assert_int_equal(igp_readlink("/etc/hosts-inside", &t), -EINVAL);
	assert_int_equal(igp_list_dir("/etc", &names), 0);
	assert_int_equal(strv_length(names), 4);
	assert_int_equal(igp_list_dir("/nope", &names), -ENOENT);
}

/* A file to edit with a NUL byte is refused with its line, never cut. */
static void test_read_text(void **state)
{
	_cleanup_free_ char *s = NULL, *err = NULL;
	char p[512];
	unsigned line = 0;
	size_t n = 0;
	int fd;

	mkd("text");
	put("text/ok", "a\nb\n");
	snprintf(p, sizeof(p), "%s/text/nul", root);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a\nb\nc\0d\n", 8), 8);
	close(fd);
	assert_int_equal(igp_read_text("/text/ok", &s, &n, &line), 0);
	assert_string_equal(s, "a\nb\n");
	assert_int_equal(n, 4);
	assert_int_equal(igp_read_text("/text/nul", &s, &n, &line), -EBADMSG);
	assert_int_equal(line, 3);
	assert_int_equal(igp_text_check("/text/ok", &err), 0);
	assert_int_equal(igp_text_check("/text/absent", &err), 0);
	assert_null(err);
	assert_int_equal(igp_text_check("/text/nul", &err), -EBADMSG);
	assert_string_equal(err, "/text/nul:3: a NUL byte; fix the file, then run igpuctl again");
}

/* The printf-style forms read what the plain ones read, inside the root. */
static void test_printf_readers(void **state)
{
	const char *addr = "0000:00:02.0";
	_cleanup_free_ char *s = NULL, *t = NULL, *b = NULL, *real = NULL, *f = NULL, *esc = NULL;
	_cleanup_strv_free_ char **names = NULL;
	uint32_t v = 0;
	long l = 0;
	size_t n = 0;
	int fd;

	put("sys/devices/pci0000:00/0000:00:02.0/sriov_totalvfs", "7\n");
	assert_int_equal(igp_read_attrf(&s, IGP_SYS_PCI_DEVICES "/%s/%s", addr, "class"), 0);
	assert_string_equal(s, "0x030000");
	assert_int_equal(igp_read_u32_hexf(&v, "%s/%s/vendor", IGP_SYS_PCI_DEVICES, addr), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(igp_read_longf(&l, IGP_SYS_PCI_DEVICES "/%s/sriov_totalvfs", addr), 0);
	assert_int_equal(l, 7);
	assert_int_equal(igp_read_filef(&f, &n, IGP_SYS_PCI_DEVICES "/%s/vendor", addr), 0);
	assert_string_equal(f, "0x8086\n");
	assert_int_equal(n, 7);
	assert_int_equal(igp_readlinkf(&t, IGP_SYS_PCI_DEVICES "/%s", addr), 0);
	assert_string_equal(t, "../../../devices/pci0000:00/0000:00:02.0");
	assert_int_equal(igp_readlink_basenamef(&b, IGP_SYS_PCI_DEVICES "/%s", addr), 0);
	assert_string_equal(b, addr);
	assert_int_equal(igp_realpathf(&real, IGP_SYS_PCI_DEVICES "/%s", addr), 0);
	assert_string_equal(real, "/sys/devices/pci0000:00/0000:00:02.0");
	assert_int_equal(igp_list_dirf(&names, "/sys/devices/pci%04x:%02x", 0, 0), 0);
	assert_int_equal(strv_length(names), 1);
	assert_string_equal(names[0], addr);
	assert_int_equal(igp_accessf("/sys/bus/pci/devices/%s/vendor", addr), 0);
	assert_true(igp_existsf("/sys/bus/pci/devices/%s", addr));
	assert_false(igp_existsf("/sys/bus/pci/devices/%s", "0000:00:03.0"));
	assert_true(igp_is_dirf("/sys/bus/pci/devices/%s", addr));
	assert_false(igp_is_dirf("/sys/bus/pci/devices/%s/vendor", addr));
	fd = igp_openf(O_RDONLY, 0, "/sys/bus/pci/devices/%s/vendor", addr);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(igp_write_attrf("0x10de", "/sys/bus/pci/devices/%s/vendor", addr), 0);
	assert_int_equal(igp_read_u32_hexf(&v, "/sys/bus/pci/devices/%s/vendor", addr), 0);
	assert_int_equal(v, 0x10de);
	put("sys/devices/pci0000:00/0000:00:02.0/vendor", "0x8086\n");
	/* A name from the host is an argument: "../" in it stays inside the root. */
	assert_int_equal(igp_read_attrf(&esc, "/etc/%s", "../../../etc/passwd"), -ENOENT);
	assert_int_equal(igp_readlinkf(&t, "/sys/bus/pci/devices/%s", "absent"), -ENOENT);
}

static void test_root_errors(void **state)
{
	assert_int_equal(igp_root_set("/nonexistent-igpuctl-root"), -ENOENT);
	assert_true(igp_root_is_host());
	assert_int_equal(igp_root_set(root), 0);
	assert_false(igp_root_is_host());
	assert_string_equal(igp_root(), root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_through_links), cmocka_unit_test(test_links_stay_inside),
	    cmocka_unit_test(test_readlink_and_list),  cmocka_unit_test(test_read_text),
	    cmocka_unit_test(test_printf_readers),     cmocka_unit_test(test_root_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
