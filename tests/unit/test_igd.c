/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iGPU's stolen memory (model/igd.h): the GGC decode of every table of
 * the kernel's early-quirks.c, by platform, and the register read from a
 * device's sysfs config (256 bytes as root sees it, 64 as anyone else).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tmproot.h"
#include "model/igd.h"

static const struct igp_platform *plat(uint16_t id)
{
	const struct igp_platform *p = igp_platform_lookup(id);
	assert_non_null(p);
	return p;
}

static void test_gen6(void **state)
{
	(void)state;
	/* Sandy Bridge 0102, Haswell 0412: GMS in bits 7:3, 32 MiB units. */
	assert_int_equal(igp_ggc_stolen_mib(plat(0x0102), 0x0000), 0);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x0102), 0x0008), 32);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x0412), 0x0211), 64); /* GMS 2, GGMS bits 9:8 ignored */
	assert_int_equal(igp_ggc_stolen_mib(plat(0x0412), 0x00f8), 31 * 32);
}

static void test_gen8(void **state)
{
	(void)state;
	/* Broadwell 1616: GMS in bits 15:8, 32 MiB units throughout. */
	assert_int_equal(igp_ggc_stolen_mib(plat(0x1616), 0x01c1), 32);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x1616), 0xf000), 0xf0 * 32);
}

static void test_chv(void **state)
{
	(void)state;
	/* Cherry View 22b0: 0x10 is 512 MiB, 0x11 8, 0x16 28, 0x17 36, 0x1d 60. */
	assert_int_equal(igp_ggc_stolen_mib(plat(0x22b0), 0x10 << 3), 512);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x22b0), 0x11 << 3), 8);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x22b0), 0x16 << 3), 28);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x22b0), 0x17 << 3), 36);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x22b0), 0x1d << 3), 60);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x22b0), 0x1e << 3), -EINVAL);
}

static void test_gen9(void **state)
{
	(void)state;
	/* Coffee Lake 3e92, Alder Lake-N 46d1 (gen11_early_ops): 32 MiB
	 * units below 0xf0, then 4 MiB steps from 4 MiB. */
	assert_int_equal(igp_ggc_stolen_mib(plat(0x3e92), 0x01c1), 32);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x3e92), 0x02c1), 64);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x46d1), 0xef00), 0xef * 32);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x46d1), 0xf000), 4);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x46d1), 0xf100), 8);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x46d1), 0xfe00), 60);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x46d1), 0xff00), -EINVAL);
	/* The gen6 field is not the gen9 one. */
	assert_int_equal(igp_ggc_stolen_mib(plat(0x3e92), 0x00f8), 0);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(igp_ggc_stolen_mib(NULL, 0x0200), -EOPNOTSUPP);
	assert_int_equal(igp_ggc_stolen_mib(plat(0x7d55), 0x0200), -EOPNOTSUPP); /* Meteor Lake */
}

static void put_config(const char *root, const char *addr, size_t n, uint16_t ggc)
{
	_cleanup_free_ char *p = strdupf("%s/sys/bus/pci/devices/%s/config", root, addr);
	uint8_t b[256] = {0};
	FILE *f = fopen(p, "w");

	b[0x50] = (uint8_t)ggc;
	b[0x51] = (uint8_t)(ggc >> 8);
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_read(void **state)
{
	char root[] = "/tmp/igp-igd-XXXXXX";
	struct igp_pci_dev d = {.address = "0000:00:02.0", .vendor = 0x8086, .device = 0x3e92};

	(void)state;
	tmproot_setup(root, "sys/bus/pci/devices/0000:00:02.0", NULL);
	assert_int_equal(igp_igd_stolen_mib(&d), -ENODATA); /* no config file */
	put_config(root, d.address, 256, 0x02c1);
	assert_int_equal(igp_igd_stolen_mib(&d), 64);
	put_config(root, d.address, 256, 0x01c1);
	assert_int_equal(igp_igd_stolen_mib(&d), 32);
	put_config(root, d.address, 64, 0x01c1); /* an unprivileged reader's view */
	assert_int_equal(igp_igd_stolen_mib(&d), -ENODATA);
	d.vendor = 0x10de;
	assert_int_equal(igp_igd_stolen_mib(&d), -EOPNOTSUPP);
	tmproot_teardown(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gen6), cmocka_unit_test(test_gen8),	 cmocka_unit_test(test_chv),
	    cmocka_unit_test(test_gen9), cmocka_unit_test(test_unknown), cmocka_unit_test(test_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
