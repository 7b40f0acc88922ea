/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure pieces of the checks: kernel release and QEMU version parsing,
 * limits.conf memlock lines, firmware framebuffers in /proc/iomem and the VT-d IR capability bit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "model/versions.h"
#include "base/util.h"

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(igp_check_status_name(IGP_CHECK_PASS), "pass");
	assert_string_equal(igp_check_status_name(IGP_CHECK_WARN), "warn");
	assert_string_equal(igp_check_status_name(IGP_CHECK_FAIL), "fail");
	assert_string_equal(igp_check_status_name(IGP_CHECK_SKIP), "skip");
	assert_int_equal(igp_check_status_from_name("warn"), IGP_CHECK_WARN);
	assert_int_equal(igp_check_status_from_name("skipped"), -EINVAL);
}

static void test_kernel_version(void **state)
{
	int maj = 0, min = 0, cmp = 99;
	(void)state;

	assert_int_equal(igp_kernel_version_parse("6.8.12-4-pve", &maj, &min), 0);
	assert_int_equal(maj, 6);
	assert_int_equal(min, 8);
	assert_int_equal(igp_kernel_version_parse("5.15.0-107-generic", &maj, &min), 0);
	assert_int_equal(min, 15);
	assert_int_equal(igp_kernel_version_parse("4.16", &maj, &min), 0);
	assert_int_equal(igp_kernel_version_parse("garbage", &maj, &min), -EINVAL);
	assert_int_equal(igp_kernel_version_parse("6", &maj, &min), -EINVAL);
	assert_int_equal(igp_kernel_version_parse(NULL, &maj, &min), -EINVAL);

	/* The thresholds of the checks: 4.16 (GVT-g), 5.14 (vfio_mdev), 6.2 (vfio_virqfd). */
	assert_int_equal(igp_kernel_version_cmp("4.15.0-20-generic", 4, 16, &cmp), 0);
	assert_true(cmp < 0);
	assert_int_equal(igp_kernel_version_cmp("4.16.0", 4, 16, &cmp), 0);
	assert_int_equal(cmp, 0);
	assert_int_equal(igp_kernel_version_cmp("6.1.0-26-amd64", 6, 2, &cmp), 0);
	assert_true(cmp < 0);
	assert_int_equal(igp_kernel_version_cmp("6.10.3", 6, 2, &cmp), 0);
	assert_true(cmp > 0); /* numeric, not textual: 10 > 2 */
	assert_int_equal(igp_kernel_version_cmp("5.13.19", 5, 14, &cmp), 0);
	assert_true(cmp < 0);
	assert_int_equal(igp_kernel_version_cmp("10.0", 6, 2, &cmp), 0);
	assert_true(cmp > 0);
	assert_int_equal(igp_kernel_version_cmp("x", 6, 2, &cmp), -EINVAL);
}

static void test_qemu_version(void **state)
{
	char *v = NULL;
	(void)state;

	assert_int_equal(igp_qemu_version_from_output(
			     "QEMU emulator version 8.1.5 (pve-qemu-kvm_8.1.5-6)\n"
			     "Copyright (c) 2003-2023 Fabrice Bellard and the QEMU Project developers\n",
			     &v),
			 0);
	assert_string_equal(v, "8.1.5");
	free(v);
	assert_int_equal(
	    igp_qemu_version_from_output(
		"QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright\n", &v),
	    0);
	assert_string_equal(v, "7.2.22");
	free(v);
	assert_int_equal(igp_qemu_version_from_output(
			     "QEMU emulator version 2.11.1(Debian 1:2.11+dfsg-1ubuntu7.41)\n", &v),
			 0);
	assert_string_equal(v, "2.11.1");
	free(v);
	assert_int_equal(igp_qemu_version_from_output("QEMU emulator version 9.0.0\n", &v), 0);
	assert_string_equal(v, "9.0.0");
	free(v);
	assert_int_equal(igp_qemu_version_from_output("qemu-system-x86_64: command not found\n", &v),
			 -EINVAL);
	assert_int_equal(igp_qemu_version_from_output("QEMU emulator version (unknown)\n", &v), -EINVAL);
	assert_int_equal(igp_qemu_version_from_output(NULL, &v), -EINVAL);
	/* The comparison the check makes with what it parsed. */
	assert_true(version_compare("2.11.1", "2.12") < 0);
	assert_true(version_compare("2.12.0", "2.12") >= 0);
	assert_true(version_compare("10.0.0", "2.12") > 0);
}

static void test_limits_memlock(void **state)
{
	struct igp_memlock m = IGP_MEMLOCK_INIT;
	(void)state;

	/* The GVT-g guide's lines, with its indentation and comment. */
	assert_int_equal(
	    igp_limits_memlock_feed(&m,
				    "# /etc/security/limits.conf\n"
				    "   # qemu kvm, need high memlock to allocate mem for vga-passthrough\n"
				    "   @kvm\thard\tmemlock\t8388608\n"
				    "   @kvm\tsoft\tmemlock\t8388608\n",
				    "/etc/security/limits.conf", "kvm"),
	    0);
	assert_int_equal(m.soft, 8388608);
	assert_int_equal(m.hard, 8388608);
	assert_string_equal(m.hard_where, "/etc/security/limits.conf:3");
	assert_string_equal(m.soft_where, "/etc/security/limits.conf:4");

	/* A later file lowers the soft limit for the group: it wins. */
	assert_int_equal(
	    igp_limits_memlock_feed(&m, "@kvm soft memlock 65536\n", "/etc/security/limits.d/a.conf", "kvm"),
	    0);
	assert_int_equal(m.soft, 65536);
	assert_int_equal(m.hard, 8388608);
	/* A wildcard never overrides the group's own line. */
	assert_int_equal(
	    igp_limits_memlock_feed(&m, "* - memlock unlimited\n", "/etc/security/limits.d/b.conf", "kvm"),
	    0);
	assert_int_equal(m.soft, 65536);
	assert_string_equal(m.soft_where, "/etc/security/limits.d/a.conf:1");
	igp_memlock_done(&m);

	/* Only a wildcard: it applies; "-" sets both; other items and groups are ignored. */
	m = (struct igp_memlock)IGP_MEMLOCK_INIT;
	assert_int_equal(igp_limits_memlock_feed(&m,
						 "@audio - rtprio 95\n"
						 "@libvirt - memlock 1024\n"
						 "alice hard memlock 2048\n"
						 "*\t-\tmemlock\tinfinity # everyone\n"
						 "@kvm soft memlock bogus\n",
						 "limits.conf", "kvm"),
			 0);
	assert_int_equal(m.soft, -1);
	assert_int_equal(m.hard, -1);
	assert_int_equal(m.soft_prio, 1);
	igp_memlock_done(&m);

	/* Nothing about memlock: both stay unset. */
	m = (struct igp_memlock)IGP_MEMLOCK_INIT;
	assert_int_equal(igp_limits_memlock_feed(&m, "* soft core 0\n", "limits.conf", "kvm"), 0);
	assert_int_equal(m.soft, -2);
	assert_int_equal(m.hard, -2);
	igp_memlock_done(&m);
}

static const char iomem_efifb[] = "00000000-00000fff : Reserved\n"
				  "00001000-0009ffff : System RAM\n"
				  "a0000000-bfffffff : PCI Bus 0000:00\n"
				  "  a0000000-a0ffffff : 0000:00:02.0\n"
				  "4000000000-7fffffffff : PCI Bus 0000:00\n"
				  "  6000000000-600fffffff : 0000:00:02.0\n"
				  "    6000000000-60002fffff : efifb\n";

static void test_iomem_framebuffer(void **state)
{
	char *name = NULL;
	(void)state;

	/* BAR2 of the iGPU holds efifb; BAR0 does not. */
	assert_int_equal(igp_iomem_framebuffer(iomem_efifb, 0x6000000000ULL, 0x600fffffffULL, &name), 0);
	assert_string_equal(name, "efifb");
	free(name);
	assert_int_equal(igp_iomem_framebuffer(iomem_efifb, 0xa0000000ULL, 0xa0ffffffULL, &name), -ENOENT);

	/* simpledrm's platform device and the BOOTFB resource of newer kernels. */
	assert_int_equal(igp_iomem_framebuffer("  c0000000-c07e8fff : simple-framebuffer.0\n", 0xc0000000ULL,
					       0xcfffffffULL, &name),
			 0);
	assert_string_equal(name, "simple-framebuffer.0");
	free(name);
	assert_int_equal(igp_iomem_framebuffer("4000000000-40002fffff : BOOTFB\n", 0x4000000000ULL,
					       0x400fffffffULL, &name),
			 0);
	assert_string_equal(name, "BOOTFB");
	free(name);
	/* "efifb-like" names are no framebuffer. */
	assert_int_equal(igp_iomem_framebuffer("6000000000-60002fffff : efifbx\n", 0x6000000000ULL,
					       0x600fffffffULL, &name),
			 -ENOENT);
	/* Unprivileged readers see zero addresses only. */
	assert_int_equal(igp_iomem_framebuffer("00000000-00000000 : Reserved\n"
					       "  00000000-00000000 : efifb\n",
					       0x6000000000ULL, 0x600fffffffULL, &name),
			 -EACCES);
}

static void test_vtd_ecap(void **state)
{
	(void)state;
	/* mkhost's (and a real Coffee Lake's) ecap: f050da, IR set. */
	assert_int_equal(igp_vtd_ecap_has_ir("f050da"), 1);
	assert_int_equal(igp_vtd_ecap_has_ir("f050d2\n"), 0);
	assert_int_equal(igp_vtd_ecap_has_ir("8"), 1);
	assert_int_equal(igp_vtd_ecap_has_ir(""), -EINVAL);
	assert_int_equal(igp_vtd_ecap_has_ir("zz"), -EINVAL);
	assert_int_equal(igp_vtd_ecap_has_ir("12 34"), -EINVAL);
}

static void test_check_infos(void **state)
{
	size_t n = 0;
	(void)state;

	/* Ids are unique, lowercase dotted words, and each names its modes. */
	for (const struct igp_check_info *i = igp_check_infos(); i->id; i++, n++) {
		assert_non_null(i->summary);
		assert_true(i->modes != 0);
		for (const char *p = i->id; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '.' || *p == '_');
		for (const struct igp_check_info *j = i + 1; j->id; j++)
			assert_false(streq(i->id, j->id));
	}
	/* Every check the issue asks for by name exists. */
	static const char *const required[] = {
	    "cpu.virtualization",
	    "kvm.device",
	    "iommu.enabled",
	    "iommu.interrupt_remapping",
	    "cmdline.intel_iommu",
	    "cmdline.configured",
	    "kernel.version",
	    "qemu.version",
	    "modules.loaded",
	    "modules.available",
	    "modules.configured",
	    "modules.vfio_virqfd",
	    "modules.vfio_mdev",
	    "full.driver",
	    "full.framebuffer",
	    "full.boot_vga",
	    "full.isolation",
	    "full.acs_override",
	    "gvt.platform",
	    "gvt.enable_gvt",
	    "gvt.kvmgt",
	    "gvt.types_present",
	    "gvt.dmesg_unsupported",
	    "gvt.guc_conflict",
	    "gvt.instances",
	    "sriov.platform",
	    "sriov.driver",
	    "sriov.params",
	    "sriov.vfs_enabled",
	    "sriov.pf_not_vfio",
	    "memlock",
	};
	for (size_t k = 0; k < ELEMENTSOF(required); k++) {
		bool found = false;
		for (const struct igp_check_info *i = igp_check_infos(); i->id; i++)
			found |= streq(i->id, required[k]);
		if (!found)
			fail_msg("no check %s", required[k]);
	}
	assert_true(n > ELEMENTSOF(required));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_names),      cmocka_unit_test(test_kernel_version),
	    cmocka_unit_test(test_qemu_version),      cmocka_unit_test(test_limits_memlock),
	    cmocka_unit_test(test_iomem_framebuffer), cmocka_unit_test(test_vtd_ecap),
	    cmocka_unit_test(test_check_infos),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
