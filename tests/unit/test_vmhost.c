/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the VM targets take from the host and its software: the OVMF images
 * (model/firmware.h) of every distribution's layout, the libvirt version
 * that decides <qemu:override> (libvirt_xml.h), and the whole QEMU command
 * line of vm qemu --full (qemu_args.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/firmware.h"
#include "model/host.h"
#include "vm/libvirt_xml.h"
#include "vm/qemu_args.h"
#include "tmproot.h"

static char root[64];

static int each_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/igp-vmhost-XXXXXX");
	tmproot_setup(root, "sys/bus/pci/devices", "proc/sys/kernel", NULL);
	return 0;
}

static int each_teardown(void **state)
{
	(void)state;
	tmproot_teardown(root);
	return 0;
}

static void put(const char *path, const char *text)
{
	tmproot_put(root, path, text);
}

static void test_has_override(void **state)
{
	(void)state;
	/* libvirt NEWS.rst: <qemu:override> came in v8.2.0. */
	assert_false(igp_libvirt_has_override("7.0.0"));
	assert_false(igp_libvirt_has_override("8.1.0"));
	assert_false(igp_libvirt_has_override("8.1.99"));
	assert_true(igp_libvirt_has_override("8.2.0"));
	assert_true(igp_libvirt_has_override("8.2"));
	assert_true(igp_libvirt_has_override("9.0.0"));
	assert_true(igp_libvirt_has_override("10.0.0"));
}

static void test_ovmf_debian(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_ovmf o = {0};
	(void)state;

	put("/var/lib/dpkg/status", "Package: ovmf\nStatus: install ok installed\nVersion: 2022.11-6\n");
	put("/usr/share/OVMF/OVMF_CODE.fd", "c");
	put("/usr/share/OVMF/OVMF_VARS.fd", "v");
	put("/usr/share/OVMF/OVMF_CODE_4M.fd", "c");
	put("/usr/share/OVMF/OVMF_VARS_4M.fd", "v");
	/* A Secure Boot build beside them is never taken. */
	put("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "c");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_ovmf(h, &o), 0);
	/* The 4 MiB layout first. */
	assert_string_equal(o.code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_string_equal(o.vars, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	assert_string_equal(o.source, "package ovmf 2022.11-6");
	igp_ovmf_done(&o);
}

static void test_ovmf_fallbacks(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_ovmf o = {0};
	(void)state;

	/* A code image without its variable store is no pair; Fedora's is. */
	put("/usr/share/OVMF/OVMF_CODE_4M.fd", "c");
	put("/usr/share/edk2/ovmf/OVMF_CODE.fd", "c");
	put("/usr/share/edk2/ovmf/OVMF_VARS.fd", "v");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_ovmf(h, &o), 0);
	assert_string_equal(o.code, "/usr/share/edk2/ovmf/OVMF_CODE.fd");
	assert_string_equal(o.vars, "/usr/share/edk2/ovmf/OVMF_VARS.fd");
	/* No package database knows them. */
	assert_string_equal(o.source, "the files");
	igp_ovmf_done(&o);
}

static void test_ovmf_none(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ char *where = igp_ovmf_searched();
	struct igp_ovmf o = {0};
	(void)state;

	put("/usr/share/edk2/x64/OVMF_VARS.4m.fd", "v");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_ovmf(h, &o), -ENOENT);
	assert_null(o.code);
	assert_non_null(where);
	assert_non_null(strstr(where, "/usr/share/OVMF/OVMF_CODE_4M.fd, "));
	assert_non_null(strstr(where, "/usr/share/edk2/x64/OVMF_CODE.4m.fd"));
}

static char **strv_of(const char *const *v)
{
	char **r = calloc(1, sizeof(char *));
	assert_non_null(r);
	for (; *v; v++)
		assert_int_equal(strv_push(&r, *v), 0);
	return r;
}

static void assert_strv(char **got, const char *const *want)
{
	size_t i;
	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

static void test_full_args(void **state)
{
	static const char *const in[] = {"-machine", "q35", "-device",
					 "vfio-pci,host=0000:00:02.0,id=igpuctl0", NULL};
	static const char *const want[] = {"qemu-system-x86_64",
					   "-machine",
					   "q35,accel=kvm",
					   "-cpu",
					   "host",
					   "-m",
					   "8192",
					   "-smp",
					   "2",
					   "-drive",
					   "if=pflash,format=raw,readonly=on,file=/opt/a,,b/OVMF_CODE.fd",
					   "-drive",
					   "if=pflash,format=raw,file=OVMF_VARS.fd",
					   "-device",
					   "vfio-pci,host=0000:00:02.0,id=igpuctl0",
					   NULL};
	struct igp_qemu_full f = {.binary = "qemu-system-x86_64",
				  .memory_mib = 8192,
				  .cpus = 2,
				  .ovmf_code = "/opt/a,b/OVMF_CODE.fd",
				  .ovmf_vars = "/opt/a,b/OVMF_VARS.fd",
				  .ovmf_source = "package ovmf 1"};
	_cleanup_strv_free_ char **args = strv_of(in), **notes = calloc(1, sizeof(char *));
	(void)state;

	assert_int_equal(igp_qemu_full_args(&f, &args, &notes), 0);
	/* A comma in the path is doubled (QemuOpts); the store's copy is local. */
	assert_strv(args, want);
	assert_non_null(strstr(notes[0], "cp /opt/a,b/OVMF_VARS.fd OVMF_VARS.fd"));
	assert_non_null(notes[1]);
}

static void test_full_args_bios(void **state)
{
	static const char *const in[] = {"-machine", "pc", "-vga", "none", NULL};
	static const char *const want[] = {"qemu", "-machine", "pc,accel=kvm", "-cpu", "host", "-m", "4096",
					   "-smp", "4",	       "-vga",	       "none", NULL};
	struct igp_qemu_full f = {.binary = "qemu", .memory_mib = 4096, .cpus = 4};
	_cleanup_strv_free_ char **args = strv_of(in), **notes = calloc(1, sizeof(char *)),
				 **bad = strv_of((const char *const[]){"-device", "x", NULL});
	(void)state;

	assert_int_equal(igp_qemu_full_args(&f, &args, &notes), 0);
	assert_strv(args, want);
	/* Not igp_qemu_args()' output: refused, left as it was. */
	assert_int_equal(igp_qemu_full_args(&f, &bad, &notes), -EINVAL);
	assert_string_equal(bad[0], "-device");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_has_override),
	    cmocka_unit_test_setup_teardown(test_ovmf_debian, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_ovmf_fallbacks, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_ovmf_none, each_setup, each_teardown),
	    cmocka_unit_test(test_full_args),
	    cmocka_unit_test(test_full_args_bios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
