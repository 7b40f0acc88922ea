/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "model/pci.h"
#include "base/util.h"
#include "tmproot.h"

static void test_parse_full(void **state)
{
	struct igp_pci_addr a;
	char buf[IGP_PCI_ADDR_MAX];

	assert_int_equal(igp_pci_addr_parse("0000:00:02.0", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.slot, 2);
	assert_string_equal(igp_pci_addr_format(&a, buf), "0000:00:02.0");
	assert_int_equal(igp_pci_addr_parse("0000:01:00.1", &a), 0);
	assert_int_equal(a.bus, 1);
	assert_int_equal(a.func, 1);
	/* Intel VMD domains have five digits. */
	assert_int_equal(igp_pci_addr_parse("10000:e1:00.0", &a), 0);
	assert_int_equal(a.domain, 0x10000);
	assert_string_equal(igp_pci_addr_format(&a, buf), "10000:e1:00.0");
	assert_int_equal(igp_pci_addr_parse("0000:AB:1f.7", &a), 0);
	assert_int_equal(a.bus, 0xab);
	assert_int_equal(a.slot, 0x1f);
}

static void test_parse_bad(void **state)
{
	struct igp_pci_addr a;
	const char *bad[] = {"",
			     "0000:00:02",
			     "0000:00:02.8",
			     "0000:00:20.0",
			     "0000:000:02.0",
			     "000:00:02.0",
			     "0000:00:02.0x",
			     "zz:02.0",
			     "0000:00:02.0.1",
			     "0:0:0:2.0",
			     "00:02.0",
			     "2.0",
			     ":02.0",
			     "0000:0g:02.0"};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(igp_pci_addr_parse(bad[i], &a), -EINVAL);
}

static void test_parse_loose(void **state)
{
	struct igp_pci_addr a;
	bool full;

	assert_true(igp_pci_addr_parse_loose("00:02.0", &a, &full) > 0);
	assert_false(full);
	assert_int_equal(a.bus, 0);
	assert_int_equal(a.slot, 2);
	assert_true(igp_pci_addr_parse_loose("2.0", &a, &full) > 0);
	assert_int_equal(a.slot, 2);
	assert_true(igp_pci_addr_parse_loose("1f.3", &a, &full) > 0);
	assert_int_equal(a.slot, 0x1f);
	assert_int_equal(a.func, 3);
	assert_true(igp_pci_addr_parse_loose("0000:01:00.0", &a, &full) > 0);
	assert_true(full);
	assert_int_equal(igp_pci_addr_parse_loose("1:02.0", &a, &full), -EINVAL);
	assert_int_equal(igp_pci_addr_parse_loose("123.0", &a, &full), -EINVAL);
	assert_int_equal(igp_pci_addr_parse_loose("02", &a, &full), -EINVAL);
}

static void test_cmp(void **state)
{
	struct igp_pci_addr a, b;
	igp_pci_addr_parse("0000:00:02.0", &a);
	igp_pci_addr_parse("0000:00:02.1", &b);
	assert_true(igp_pci_addr_cmp(&a, &b) < 0);
	assert_true(igp_pci_addr_same_slot(&a, &b));
	igp_pci_addr_parse("10000:00:02.0", &b);
	assert_true(igp_pci_addr_cmp(&a, &b) < 0);
	assert_false(igp_pci_addr_same_slot(&a, &b));
}

/* The names of DEV from a root (ROOT, made by the caller) whose only
 * pci.ids is at PATH. */
static void assert_names_from(const char *root, const char *path)
{
	struct igp_pci_dev d = {.vendor = 0x8086, .device = 0x3e92};

	tmproot_put(root, path,
		    "# fixture\n8086  Fixture Vendor\n\t3e92  Fixture GPU from the root\n"
		    "C 03  Display controller\n\t00  VGA compatible controller\n");
	igp_pci_names_cleanup();
	igp_pci_names_fill(&d);
	assert_string_equal(d.vendor_name, "Fixture Vendor");
	assert_string_equal(d.device_name, "Fixture GPU from the root");
	free(d.vendor_name);
	free(d.device_name);
	free(d.subsys_name);
	igp_pci_names_cleanup();
}

/* pci.ids is read inside the root, at Debian's /usr/share/misc and at
 * hwdata's /usr/share/hwdata (Fedora, Arch), before libpci's default. */
static void test_names_in_root(void **state)
{
	char misc[] = "/tmp/igp-pciids-XXXXXX", hwdata[] = "/tmp/igp-pciids-XXXXXX";

	tmproot_setup(misc, NULL);
	assert_names_from(misc, "/usr/share/misc/pci.ids");
	tmproot_teardown(misc);
	tmproot_setup(hwdata, NULL);
	assert_names_from(hwdata, "/usr/share/hwdata/pci.ids");
	tmproot_teardown(hwdata);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_full),	  cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_loose),	  cmocka_unit_test(test_cmp),
	    cmocka_unit_test(test_names_in_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
