/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host facts of model/sysinfo.h: the CPU's physical address bits from
 * /proc/cpuinfo and the IOMMU's from the VT-d cap register, and the host's
 * pair read from a root (the narrowest DMAR unit wins).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tmproot.h"
#include "model/host.h"
#include "model/sysinfo.h"

static void test_cpuinfo(void **state)
{
	(void)state;
	assert_int_equal(
	    igp_cpuinfo_phys_bits("processor\t: 0\nvendor_id\t: GenuineIntel\n"
				  "address sizes\t: 39 bits physical, 48 bits virtual\n"
				  "processor\t: 1\naddress sizes\t: 46 bits physical, 48 bits virtual\n"),
	    39);
	assert_int_equal(igp_cpuinfo_phys_bits("address sizes : 46 bits physical, 57 bits virtual"), 46);
	assert_int_equal(igp_cpuinfo_phys_bits("processor\t: 0\n"), -ENOENT);
	assert_int_equal(igp_cpuinfo_phys_bits(NULL), -ENOENT);
	assert_int_equal(igp_cpuinfo_phys_bits("address sizes\t: bits physical\n"), -EINVAL);
	assert_int_equal(igp_cpuinfo_phys_bits("address sizes\t: 39 bits virtual\n"), -EINVAL);
	assert_int_equal(igp_cpuinfo_phys_bits("address sizes\t: 0 bits physical\n"), -EINVAL);
	assert_int_equal(igp_cpuinfo_phys_bits("address sizes\t: 99 bits physical\n"), -EINVAL);
	assert_int_equal(igp_cpuinfo_phys_bits("address sizes\t: -5 bits physical\n"), -EINVAL);
}

static void test_cap(void **state)
{
	(void)state;
	/* MGAW 0x26: 39 bits (Coffee Lake); 0x2f: 48 bits (Ice Lake and later). */
	assert_int_equal(igp_dmar_cap_mgaw("d2008c40660462\n"), 39);
	assert_int_equal(igp_dmar_cap_mgaw("d2008c40660462"), 39);
	assert_int_equal(igp_dmar_cap_mgaw("d2008c406f0462"), 48);
	assert_int_equal(igp_dmar_cap_mgaw("0"), 1);
	assert_int_equal(igp_dmar_cap_mgaw(""), -EINVAL);
	assert_int_equal(igp_dmar_cap_mgaw("zz"), -EINVAL);
	assert_int_equal(igp_dmar_cap_mgaw("12 34"), -EINVAL);
	assert_int_equal(igp_dmar_cap_mgaw(NULL), -EINVAL);
	assert_int_equal(igp_dmar_cap_mgaw("ffffffffffffffffff"), -EINVAL);
}

static void test_host(void **state)
{
	char root[] = "/tmp/igp-sysinfo-XXXXXX";
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_phys_bits *b;
	_cleanup_free_ char *l0 = NULL, *l1 = NULL;

	(void)state;
	tmproot_setup(root, "proc", "sys/class/iommu", "sys/devices/virtual/iommu/dmar0/intel-iommu",
		      "sys/devices/virtual/iommu/dmar1/intel-iommu", "sys/bus/pci/devices", NULL);
	tmproot_put(root, "/proc/cpuinfo",
		    "processor\t: 0\naddress sizes\t: 46 bits physical, 48 bits virtual\n");
	tmproot_put(root, "/sys/devices/virtual/iommu/dmar0/intel-iommu/cap", "d2008c40680462\n"); /* 41 */
	tmproot_put(root, "/sys/devices/virtual/iommu/dmar1/intel-iommu/cap", "d2008c40660462\n"); /* 39 */
	l0 = strdupf("ln -s ../../devices/virtual/iommu/dmar0 %s/sys/class/iommu/dmar0", root);
	l1 = strdupf("ln -s ../../devices/virtual/iommu/dmar1 %s/sys/class/iommu/dmar1", root);
	assert_int_equal(system(l0), 0);
	assert_int_equal(system(l1), 0);
	assert_int_equal(igp_host_load(&h), 0);
	b = igp_host_phys_bits(h);
	assert_int_equal(b->cpu, 46);
	assert_int_equal(b->iommu, 39);
	tmproot_teardown(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpuinfo),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
