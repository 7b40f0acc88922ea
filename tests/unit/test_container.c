/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container detection (model/container.h) on roots that hold what each
 * container manager leaves, and systemd's order between them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tmproot.h"
#include "model/container.h"

static char root[] = "/tmp/igp-container-XXXXXX";

static int setup(void **state)
{
	(void)state;
	memcpy(root + strlen(root) - 6, "XXXXXX", 6);
	tmproot_setup(root, "proc/1", "run", "sys/fs/cgroup", "sys/kernel/cgroup", NULL);
	tmproot_put(root, "/proc/sys/kernel/osrelease", "6.8.12-4-pve\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmproot_teardown(root);
	return 0;
}

static void expect(const char *kind, const char *source)
{
	struct igp_container c;

	igp_container_detect(&c);
	if (!kind) {
		assert_null(c.kind);
		assert_null(c.source);
		return;
	}
	assert_non_null(c.kind);
	assert_string_equal(c.kind, kind);
	assert_string_equal(c.source, source);
}

static void test_none(void **state)
{
	(void)state;
	expect(NULL, NULL);
	/* The root cgroup of a host has no cgroup.events; a kernel with
	 * cgroup features but no cgroup.type in the root is a host too. */
	tmproot_put(root, "/sys/kernel/cgroup/features", "nsdelegate\n");
	tmproot_put(root, "/sys/fs/cgroup/cgroup.events", "populated 1\nfrozen 0\n");
	expect(NULL, NULL);
	/* PID 1 says container= is empty: none either. */
	tmproot_put(root, "/proc/1/environ", "container=");
	expect(NULL, NULL);
}

static void test_pid1_environ(void **state)
{
	static const char env[] = "HOME=/\0container=lxc\0TERM=linux";
	char *p = strdupf("%s/proc/1/environ", root);
	FILE *f = fopen(p, "w");

	(void)state;
	assert_non_null(f);
	assert_int_equal(fwrite(env, 1, sizeof(env), f), sizeof(env));
	assert_int_equal(fclose(f), 0);
	free(p);
	expect("lxc", "/proc/1/environ");
	/* systemd as PID 1 writes the name where it needs no ptrace right. */
	tmproot_put(root, "/run/systemd/container", "systemd-nspawn\n");
	expect("systemd-nspawn", "/run/systemd/container");
	tmproot_put(root, "/run/host/container-manager", "lxc-libvirt\n");
	expect("lxc-libvirt", "/run/host/container-manager");
}

/* The files come after the managers' names: /.dockerenv in an image run by
 * LXC says nothing. */
static void test_files(void **state)
{
	(void)state;
	tmproot_put(root, "/.dockerenv", "");
	expect("docker", "/.dockerenv");
	tmproot_put(root, "/run/.containerenv", "engine=\"podman-4.3.1\"\n");
	expect("podman", "/run/.containerenv");
	tmproot_put(root, "/run/systemd/container", "lxc\n");
	expect("lxc", "/run/systemd/container");
}

static void test_names(void **state)
{
	(void)state;
	tmproot_put(root, "/run/systemd/container", "incus-or-something\n");
	expect("container-other", "/run/systemd/container");
	/* "oci" names no manager: the files tell, else "some container". */
	tmproot_put(root, "/run/systemd/container", "oci\n");
	expect("container-other", "/run/systemd/container");
	tmproot_put(root, "/run/.containerenv", "");
	expect("podman", "/run/.containerenv");
	assert_string_equal(igp_container_kind("docker"), "docker");
	assert_null(igp_container_kind("Docker"));
}

static void test_before_managers(void **state)
{
	(void)state;
	tmproot_put(root, "/run/systemd/container", "docker\n");
	tmproot_put(root, "/proc/sys/kernel/osrelease", "5.15.153.1-microsoft-standard-WSL2\n");
	expect("wsl", "/proc/sys/kernel/osrelease");
	/* OpenVZ: /proc/vz inside and outside, /proc/bc only outside. */
	tmproot_put(root, "/proc/vz/veinfo", "");
	expect("openvz", "/proc/vz");
	tmproot_put(root, "/proc/bc/0", "");
	expect("wsl", "/proc/sys/kernel/osrelease");
}

/* A cgroup namespace: the root we see is a nested cgroup. */
static void test_cgroupns(void **state)
{
	(void)state;
	tmproot_put(root, "/sys/fs/cgroup/cgroup.events", "populated 1\nfrozen 0\n");
	tmproot_put(root, "/sys/fs/cgroup/cgroup.type", "domain\n");
	expect("container-other", "/sys/fs/cgroup/cgroup.events");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pid1_environ, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_before_managers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cgroupns, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
