/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The package databases (model/pkgdb.h) and the versions the host model
 * takes from them (model/versions.h): dpkg's status file, pacman's local
 * database, rpm's list, DKMS trees; a package that is not installed and a
 * database that is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/host.h"
#include "model/pkgdb.h"
#include "model/versions.h"
#include "tmproot.h"

static char root[64];

static const char dpkg_status[] = "Package: libc6\n"
				  "Status: install ok installed\n"
				  "Version: 2.36-9+deb12u7\n"
				  "\n"
				  "Package: qemu-system-x86\n"
				  "Status: deinstall ok config-files\n"
				  "Priority: optional\n"
				  "Version: 1:7.2+dfsg-7+deb12u6\n"
				  "\n"
				  "Package: pve-qemu-kvm\n"
				  "Status: install ok installed\n"
				  "Priority: optional\n"
				  "Section: admin\n"
				  "Installed-Size: 39521\n"
				  "Maintainer: Proxmox Support Team <support@proxmox.com>\n"
				  "Architecture: amd64\n"
				  "Version: 8.1.5-6\n"
				  "Description: Full virtualization on x86 hardware\n"
				  " Using KVM, QEMU can run virtual machines.\n"
				  " Version: 0.1 is no field of this stanza\n"
				  "\n"
				  "Package: proxmox-kernel-6.8.12-4-pve-signed\n"
				  "Status: hold ok installed\n"
				  "Version: 6.8.12-4\n"
				  "\n"
				  "Package: pve-manager\n"
				  "Status: deinstall ok installed\n"
				  "Version: 8.2.7\n"
				  "\n"
				  "Package: libvirt-daemon\n"
				  "Status: install ok half-configured\n"
				  "Version: 9.0.0-4\n"
				  "\n"
				  "Package: pve-qemu-kvm-dbgsym\n"
				  "status: install ok installed\n"
				  "version: 9.9.9-1\n";

static void test_dpkg(void **state)
{
	struct igp_pkgdb db = {0};
	const struct igp_pkg *p;
	(void)state;

	assert_int_equal(igp_pkgdb_parse_dpkg(&db, dpkg_status), 0);
	igp_pkgdb_sort(&db);
	p = igp_pkgdb_find(&db, "pve-qemu-kvm");
	assert_non_null(p);
	/* The description's continuation line is no Version field. */
	assert_string_equal(p->version, "8.1.5-6");
	assert_int_equal(p->db, IGP_PKGDB_DPKG);
	assert_string_equal(igp_pkgdb_find(&db, "libc6")->version, "2.36-9+deb12u7");
	/* Held, and wanted gone but still there: both installed. */
	assert_string_equal(igp_pkgdb_find(&db, "proxmox-kernel-6.8.12-4-pve-signed")->version, "6.8.12-4");
	assert_string_equal(igp_pkgdb_find(&db, "pve-manager")->version, "8.2.7");
	/* Removed but not purged, and half-configured: not installed. */
	assert_null(igp_pkgdb_find(&db, "qemu-system-x86"));
	assert_null(igp_pkgdb_find(&db, "libvirt-daemon"));
	/* No prefix matches; field names are case-insensitive (deb822). */
	assert_null(igp_pkgdb_find(&db, "pve-qemu"));
	assert_string_equal(igp_pkgdb_find(&db, "pve-qemu-kvm-dbgsym")->version, "9.9.9-1");
	assert_int_equal(db.n, 5);
	igp_pkgdb_done(&db);

	assert_int_equal(igp_pkgdb_parse_dpkg(&db, ""), 0);
	assert_int_equal(db.n, 0);
	assert_null(igp_pkgdb_find(&db, "pve-qemu-kvm"));
}

static void test_pacman_rpm_text(void **state)
{
	struct igp_pkgdb db = {0};
	(void)state;

	assert_int_equal(igp_pkgdb_parse_pacman_desc(
			     &db, "%NAME%\nqemu-system-x86\n\n%VERSION%\n9.0.2-1\n\n%BASE%\nqemu\n"),
			 0);
	assert_int_equal(igp_pkgdb_parse_pacman_desc(&db, "%NAME%\nlinux\n\n%BASE%\nlinux\n"), -EINVAL);
	/* Blanks around a value are no part of it; a blank value is none. */
	assert_int_equal(igp_pkgdb_parse_pacman_desc(&db, "%NAME%\n mesa \n%VERSION%\n1:25.2.1-1 \r\n"), 0);
	assert_int_equal(igp_pkgdb_parse_pacman_desc(&db, "%NAME%\nlinux\n%VERSION%\n \t\n"), -EINVAL);
	assert_int_equal(igp_pkgdb_parse_rpm_list(&db, "qemu-kvm\t2:9.0.0-1.fc40\nbroken line\n"
						       "kernel-core\t6.9.7-200.fc40\n"),
			 0);
	igp_pkgdb_sort(&db);
	assert_int_equal(db.n, 4);
	assert_string_equal(igp_pkgdb_find(&db, "qemu-system-x86")->version, "9.0.2-1");
	assert_string_equal(igp_pkgdb_find(&db, "mesa")->version, "1:25.2.1-1");
	assert_int_equal(igp_pkgdb_find(&db, "qemu-system-x86")->db, IGP_PKGDB_PACMAN);
	assert_string_equal(igp_pkgdb_find(&db, "qemu-kvm")->version, "2:9.0.0-1.fc40");
	assert_int_equal(igp_pkgdb_find(&db, "kernel-core")->db, IGP_PKGDB_RPM);
	assert_null(igp_pkgdb_find(&db, "linux"));
	igp_pkgdb_done(&db);
}

static void test_upstream_version(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"1:7.2+dfsg-7+deb12u6", "7.2"},
	    {"8.1.5-6", "8.1.5"},
	    {"1:2.11+dfsg-1ubuntu7.41", "2.11"},
	    {"9.0.2", "9.0.2"},
	    {"2:9.0.0-1.fc40", "9.0.0"},
	    {"2:6.2~rc1-1", "6.2"},
	    {"1:8.2.2+ds-0ubuntu1~cloud0", "8.2.2"},
	};
	char *v = NULL;
	(void)state;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		assert_int_equal(igp_pkg_upstream_version(cases[i].in, &v), 0);
		assert_string_equal(v, cases[i].out);
		free(v);
	}
	assert_int_equal(igp_pkg_upstream_version("1:", &v), -EINVAL);
	assert_int_equal(igp_pkg_upstream_version("abc-1", &v), -EINVAL);
}

/* ---- through the host model, on a scratch root ---- */

static int each_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/igp-pkgdb-XXXXXX");
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

static void test_host_dpkg(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_version *q;
	_cleanup_free_ char *headers = NULL;
	(void)state;

	put("/var/lib/dpkg/status", dpkg_status);
	put("/proc/sys/kernel/osrelease", "6.8.12-4-pve\n");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_qemu(h, &q), 0);
	assert_string_equal(q->version, "8.1.5");
	/* What the version rests on. */
	assert_string_equal(q->source, "package pve-qemu-kvm 8.1.5-6");
	/* libvirt-daemon is only half-configured. */
	assert_int_equal(igp_host_libvirt(h, &q), -ENOENT);
	assert_true(igp_host_is_proxmox(h));
	assert_string_equal(igp_host_kernel_package(h, "6.8.12-4-pve")->name,
			    "proxmox-kernel-6.8.12-4-pve-signed");
	assert_int_equal(igp_host_kernel_headers_package(h, "6.8.12-4-pve", &headers), 0);
	assert_string_equal(headers, "proxmox-headers-6.8.12-4-pve");
}

static void test_host_pacman(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_version *q;
	(void)state;

	put("/var/lib/pacman/local/ALPM_DB_VERSION", "9\n");
	put("/var/lib/pacman/local/qemu-system-x86-9.0.2-1/desc",
	    "%NAME%\nqemu-system-x86\n\n%VERSION%\n9.0.2-1\n");
	put("/var/lib/pacman/local/libvirt-1:10.5.0-1/desc", "%NAME%\nlibvirt\n\n%VERSION%\n1:10.5.0-1\n");
	put("/proc/sys/kernel/osrelease", "6.9.7-arch1-1\n");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_packages(h)->n, 2);
	assert_int_equal(igp_host_qemu(h, &q), 0);
	assert_string_equal(q->version, "9.0.2");
	assert_string_equal(q->source, "package qemu-system-x86 9.0.2-1");
	assert_int_equal(igp_host_libvirt(h, &q), 0);
	assert_string_equal(q->version, "10.5.0");
	assert_false(igp_host_is_proxmox(h));
}

static void test_host_rpm_captured(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ char *headers = NULL;
	const struct igp_version *q;
	(void)state;

	put(IGP_CAPTURED_RPM_PACKAGES,
	    "qemu-system-x86-core\t2:9.0.0-1.fc40\nlibvirt-daemon\t10.1.0-1.fc40\n");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_qemu(h, &q), 0);
	assert_string_equal(q->version, "9.0.0");
	assert_int_equal(igp_host_package(h, "libvirt-daemon")->db, IGP_PKGDB_RPM);
	/* Unknown kernel package, no Proxmox VE: the distribution's name. */
	assert_int_equal(igp_host_kernel_headers_package(h, "6.9.7-200.fc40.x86_64", &headers), 0);
	assert_string_equal(headers, "linux-headers-6.9.7-200.fc40.x86_64");
}

static void test_host_missing(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_version *q;
	const struct igp_dkms_module *m;
	size_t n;
	(void)state;

	/* No database at all: nothing installed, nothing guessed. */
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_packages(h)->n, 0);
	assert_int_equal(igp_host_qemu(h, &q), -ENOENT);
	assert_int_equal(igp_host_libvirt(h, &q), -ENOENT);
	assert_null(igp_host_package(h, "pve-manager"));
	assert_false(igp_host_is_proxmox(h));
	assert_int_equal(igp_host_dkms(h, &m, &n), 0);
	assert_int_equal(n, 0);
	assert_null(igp_host_dkms_find(h, "i915-sriov-dkms"));
}

static void test_host_qemu_binary(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_version *q;
	(void)state;

	/* Built from source: the binary of a --root tree is never run. */
	put(IGP_USR_BIN_QEMU, "#!/bin/sh\necho 'QEMU emulator version 1.0'\n");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_qemu(h, &q), 0);
	assert_null(q->version);
	assert_string_equal(q->source, IGP_USR_BIN_QEMU);
}

static void test_host_dkms(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_dkms_module *m;
	size_t n;
	(void)state;

	assert_int_equal(setenv("R", root, 1), 0);
	assert_int_equal(
	    system("cd $R && mkdir -p var/lib/dkms/i915-sriov-dkms/2024.12.30/6.8.12-4-pve/x86_64/module "
		   "var/lib/dkms/i915-sriov-dkms/2024.5.1/source "
		   "var/lib/dkms/i915-sriov-dkms/2024.12.30/6.8.8-2-pve/x86_64 "
		   "var/lib/dkms/i915-sriov-dkms/2024.12.30/source "
		   "var/lib/dkms/zfs/2.2.6/build && "
		   "ln -s 2024.12.30/6.8.12-4-pve/x86_64 "
		   "var/lib/dkms/i915-sriov-dkms/kernel-6.8.12-4-pve-x86_64"),
	    0);
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_dkms(h, &m, &n), 0);
	assert_int_equal(n, 3);
	/* By name, then version ("2024.5.1" < "2024.12.30"). */
	assert_string_equal(m[0].name, "i915-sriov-dkms");
	assert_string_equal(m[0].version, "2024.5.1");
	assert_null(m[0].kernels[0]);
	assert_string_equal(m[1].version, "2024.12.30");
	assert_string_equal(m[1].kernels[0], "6.8.8-2-pve");
	assert_string_equal(m[1].kernels[1], "6.8.12-4-pve");
	assert_null(m[1].kernels[2]);
	assert_string_equal(m[2].name, "zfs");
	assert_string_equal(igp_host_dkms_find(h, "i915-sriov-dkms")->version, "2024.12.30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dpkg),
	    cmocka_unit_test(test_pacman_rpm_text),
	    cmocka_unit_test(test_upstream_version),
	    cmocka_unit_test_setup_teardown(test_host_dpkg, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_host_pacman, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_host_rpm_captured, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_host_missing, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_host_qemu_binary, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_host_dkms, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
