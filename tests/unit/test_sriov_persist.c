/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader of the SR-IOV settings at boot (vgpu/sriov_persist.h): udev
 * rules in the three directories (a name in /etc hides the others), rules
 * continued with a backslash, matches that are no assignments, both
 * spellings of the sysfs path in sysfsutils, igpuctl's marks, boot order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgpu/sriov_persist.h"
#include "tmproot.h"

static char root[64];

static int each_setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/igp-sriov-persist.XXXXXX");
	tmproot_setup(root, NULL);
	return 0;
}

static int each_teardown(void **state)
{
	tmproot_teardown(root);
	return 0;
}

static const struct igp_pci_dev pf = {.address = "0000:00:02.0",
				      .sysfs_path = (char *)"/sys/devices/pci0000:00/0000:00:02.0"};

static void test_boot_order(void **state)
{
	struct igp_sriov_persisted ps = {0};
	const struct igp_sriov_setting *s;

	/* Hidden by /etc's file of the same name: read, but not active. */
	tmproot_put(root, "/usr/lib/udev/rules.d/80-sriov.rules",
		    "ACTION==\"add\", KERNEL==\"0000:00:02.0\", ATTR{sriov_numvfs}=\"1\"\n");
	tmproot_put(root, "/etc/udev/rules.d/80-sriov.rules",
		    "# KERNEL==\"0000:00:02.0\", ATTR{sriov_numvfs}=\"9\"\n"
		    "ACTION==\"add\", SUBSYSTEM==\"pci\", \\\n"
		    "  KERNELS==\"0000:00:02.0\", ATTR{sriov_numvfs}==\"0\", SYSATTR{x}=\"1\", \\\n"
		    "  ATTR{sriov_numvfs}=\"4\"\n"
		    "ACTION==\"add\", KERNEL==\"0000:00:02.00\", ATTR{sriov_numvfs}=\"6\"\n");
	tmproot_put(root, "/etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules",
		    "ACTION==\"bind\", KERNEL==\"0000:00:02.0\", ATTR{sriov_drivers_autoprobe}=\"0\", "
		    "ATTR{sriov_numvfs}=\"3\"\n");
	tmproot_put(root, "/etc/sysfs.conf",
		    "mode devices/pci0000:00/0000:00:02.0/sriov_numvfs = 0644\n"
		    "bus/pci/devices/0000:00:02.0/sriov_numvfs = 7 # mine\n"
		    "bus/pci/drivers/xe/0000:00:02.0/sriov_admin/vf1/profile/exec_quantum_ms = 20 # igpuctl\n"
		    "devices/pci0000:00/0000:00:02.1/sriov_numvfs = 5\n");
	tmproot_put(root, "/etc/sysfs.d/igpuctl.conf", "devices/pci0000:00/0000:00:02.0/sriov_numvfs=2\n");

	assert_int_equal(igp_sriov_persisted_load(&pf, &ps), 0);
	assert_int_equal(ps.n, 7);
	/* udev first, by file name: 70-igpuctl-... (own), then 80-sriov.rules. */
	s = igp_sriov_persisted_find(&ps, "sriov_numvfs", NULL);
	assert_non_null(s);
	assert_string_equal(s->path, "/etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules");
	assert_string_equal(s->value, "3");
	assert_true(s->own);
	assert_int_equal(s->via, IGP_SRIOV_VIA_UDEV);
	s = igp_sriov_persisted_find(&ps, "sriov_numvfs", s);
	assert_string_equal(s->path, "/etc/udev/rules.d/80-sriov.rules");
	assert_int_equal(s->line, 2); /* the continued rule's first line */
	assert_string_equal(s->value, "4");
	assert_false(s->own);
	/* /usr/lib's 80-sriov.rules is hidden. */
	s = igp_sriov_persisted_find(&ps, "sriov_numvfs", s);
	assert_string_equal(s->path, "/etc/sysfs.conf");
	assert_int_equal(s->line, 2);
	assert_string_equal(s->value, "7");
	assert_false(s->own);
	s = igp_sriov_persisted_find(&ps, "sriov_numvfs", s);
	assert_string_equal(s->path, "/etc/sysfs.d/igpuctl.conf");
	assert_string_equal(s->value, "2");
	assert_true(s->own);
	assert_null(igp_sriov_persisted_find(&ps, "sriov_numvfs", s));
	s = igp_sriov_persisted_find(&ps, "sriov_admin/vf1/profile/exec_quantum_ms", NULL);
	assert_non_null(s);
	assert_string_equal(s->value, "20");
	assert_true(s->own);
	for (size_t i = 0; i < ps.n; i++)
		if (streq(ps.v[i].path, "/usr/lib/udev/rules.d/80-sriov.rules"))
			assert_false(ps.v[i].active);
	igp_sriov_persisted_done(&ps);
}

static void test_store(void **state)
{
	enum igp_sriov_store st;
	char *why = NULL, *path;

	assert_int_equal(igp_sriov_store(NULL, &st, &why), 0);
	assert_int_equal(st, IGP_SRIOV_STORE_UDEV);
	free(why);
	tmproot_put(root, "/etc/sysfs.conf", "");
	assert_int_equal(igp_sriov_store(NULL, &st, NULL), 0);
	assert_int_equal(st, IGP_SRIOV_STORE_SYSFS_CONF);
	tmproot_put(root, "/etc/sysfs.d/other.conf", "");
	assert_int_equal(igp_sriov_store(NULL, &st, NULL), 0);
	assert_int_equal(st, IGP_SRIOV_STORE_SYSFS_D);
	path = igp_sriov_store_path(st, "0000:00:02.0");
	assert_string_equal(path, "/etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf");
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_boot_order, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_store, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
