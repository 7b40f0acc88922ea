/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installed kernels and the one that boots next (model/kernels.h): the
 * newest by version, proxmox-boot-tool's pins, GRUB_DEFAULT naming an entry,
 * GRUB_DEFAULT=saved with grubenv, and what a pin or default that names no
 * installed kernel leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/host.h"
#include "model/kernels.h"
#include "tmproot.h"

static char root[64];

static void sh(const char *cmd)
{
	assert_int_equal(setenv("R", root, 1), 0);
	assert_int_equal(system(cmd), 0);
}

static int each_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/igp-kernels-XXXXXX");
	tmproot_setup(root, "sys/bus/pci/devices", "boot", "lib/modules", "etc/kernel", "etc/default", NULL);
	/* Debian-style images, one Arch/Fedora-style module directory with its
	 * own image, one with only modules.dep, and what a removed kernel left. */
	sh("cd $R && touch boot/vmlinuz-6.8.4-2-pve boot/vmlinuz-6.8.12-4-pve boot/vmlinuz-linux "
	   "boot/vmlinuz-6.5.13-5-pve boot/vmlinuz-0-rescue-5f1d27b0 && mkdir -p lib/modules/6.8.12-4-pve "
	   "lib/modules/6.10.3-arch1-1 "
	   "lib/modules/6.2.16-20-pve/updates lib/modules/6.11.0-1-pve && "
	   "touch lib/modules/6.8.12-4-pve/modules.dep lib/modules/6.10.3-arch1-1/vmlinuz "
	   "lib/modules/6.11.0-1-pve/modules.dep");
	return 0;
}

static int each_teardown(void **state)
{
	(void)state;
	tmproot_teardown(root);
	return 0;
}

static const struct igp_next_boot *next(struct igp_host **h)
{
	const struct igp_next_boot *nb = NULL;

	assert_int_equal(igp_host_load(h), 0);
	assert_int_equal(igp_host_next_kernel(*h, &nb), 0);
	assert_non_null(nb->kernel);
	return nb;
}

static void test_installed(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_kernel *k;
	size_t n;
	(void)state;

	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_kernels(h, &k, &n), 0);
	/* Version order; vmlinuz-linux, Fedora's rescue copy and the
	 * leftover 6.2.16 are none. */
	assert_int_equal(n, 5);
	assert_string_equal(k[0].release, "6.5.13-5-pve");
	assert_string_equal(k[1].release, "6.8.4-2-pve");
	assert_string_equal(k[2].release, "6.8.12-4-pve");
	assert_string_equal(k[3].release, "6.10.3-arch1-1");
	assert_string_equal(k[4].release, "6.11.0-1-pve");
	assert_string_equal(k[2].image, "/boot/vmlinuz-6.8.12-4-pve");
	assert_true(k[2].modules);
	assert_false(k[0].modules);
	assert_string_equal(k[3].image, "/lib/modules/6.10.3-arch1-1/vmlinuz");
	assert_null(k[4].image);
	assert_non_null(igp_host_kernel_find(h, "6.8.4-2-pve"));
	assert_null(igp_host_kernel_find(h, "6.2.16-20-pve"));
}

static void test_newest(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_next_boot *nb;
	(void)state;

	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.11.0-1-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_NEWEST);
	assert_string_equal(nb->why, "the newest installed kernel");
}

static void test_proxmox_pin(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_next_boot *nb;
	(void)state;

	/* The pin beats GRUB_DEFAULT (proxmox-boot-tool writes it there too). */
	sh("printf '6.8.4-2-pve\\n' > $R/etc/kernel/proxmox-boot-pin && "
	   "echo 'GRUB_DEFAULT=\"Advanced options>Proxmox VE GNU/Linux, with Linux 6.5.13-5-pve\"' "
	   "> $R/etc/default/grub");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.8.4-2-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_PVE_PIN);
	assert_string_equal(nb->why, "pinned in /etc/kernel/proxmox-boot-pin (proxmox-boot-tool kernel pin)");
	igp_host_free(h);
	h = NULL;

	/* --next-boot wins over the pin, once. */
	sh("printf '6.8.12-4-pve' > $R/etc/kernel/next-boot-pin");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.8.12-4-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_PVE_NEXT_BOOT_PIN);
	igp_host_free(h);
	h = NULL;

	/* A pin of a kernel removed since: GRUB_DEFAULT decides. */
	sh("rm $R/etc/kernel/next-boot-pin && echo 6.2.16-20-pve > $R/etc/kernel/proxmox-boot-pin");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.5.13-5-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_GRUB_DEFAULT);
}

static void test_grub_default(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_next_boot *nb;
	(void)state;

	/* What proxmox-boot-tool's GRUB pin snippet writes, in grub.d. */
	sh("mkdir -p $R/etc/default/grub.d && echo GRUB_DEFAULT=0 > $R/etc/default/grub && "
	   "echo 'GRUB_DEFAULT=\"gnulinux-advanced-abc>gnulinux-6.8.4-2-pve-advanced-abc\"' "
	   "> $R/etc/default/grub.d/proxmox-kernel-pin.cfg");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.8.4-2-pve");
	assert_string_equal(nb->why,
			    "GRUB_DEFAULT=\"gnulinux-advanced-abc>gnulinux-6.8.4-2-pve-advanced-abc\" in "
			    "/etc/default/grub.d/proxmox-kernel-pin.cfg");
	igp_host_free(h);
	h = NULL;

	/* An entry index: GRUB's first entry, the newest kernel. */
	sh("rm $R/etc/default/grub.d/proxmox-kernel-pin.cfg");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.11.0-1-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_NEWEST);
}

static void test_grubenv(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_next_boot *nb;
	(void)state;

	sh("mkdir -p $R/boot/grub && echo GRUB_DEFAULT=saved > $R/etc/default/grub && "
	   "printf '# GRUB Environment Block\\nsaved_entry=Advanced options for Debian GNU/Linux>Debian "
	   "GNU/Linux, with Linux 6.8.12-4-pve\\n#########\\n' > $R/boot/grub/grubenv");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.8.12-4-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_GRUBENV);
	igp_host_free(h);
	h = NULL;

	/* grub-reboot's next_entry comes first. */
	sh("printf "
	   "'next_entry=gnulinux-6.5.13-5-pve-advanced-x\\nsaved_entry=gnulinux-6.8.12-4-pve-advanced-x\\n' "
	   "> $R/boot/grub/grubenv");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.5.13-5-pve");
	assert_string_equal(
	    nb->why,
	    "GRUB_DEFAULT=saved and next_entry=gnulinux-6.5.13-5-pve-advanced-x in /boot/grub/grubenv");
	igp_host_free(h);
	h = NULL;

	/* grub.cfg's 00_header takes next_entry whatever GRUB_DEFAULT says. */
	sh("echo GRUB_DEFAULT=0 > $R/etc/default/grub");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.5.13-5-pve");
	assert_string_equal(
	    nb->why, "next_entry=gnulinux-6.5.13-5-pve-advanced-x in /boot/grub/grubenv (grub-reboot)");
}

/* systemd-boot and GRUB with BLS: the default loader entry's kernel, the
 * one check reads the options of (bootloader.h), not the newest. */
static void test_loader_entry(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_next_boot *nb;
	(void)state;

	/* Arch: loader.conf's default names the entry of /vmlinuz-linux,
	 * the package "linux" of 6.10.3-arch1-1; the fallback sorts first. */
	sh("mkdir -p $R/boot/loader/entries && printf 'default arch.conf\n' > $R/boot/loader/loader.conf && "
	   "printf 'title Arch\nlinux /vmlinuz-linux\noptions root=/dev/sda2\n' > "
	   "$R/boot/loader/entries/arch.conf && "
	   "printf 'title Arch LTS\nlinux /vmlinuz-linux-lts\noptions root=/dev/sda2\n' > "
	   "$R/boot/loader/entries/arch-lts.conf && "
	   "printf 'linux\n' > $R/lib/modules/6.10.3-arch1-1/pkgbase && "
	   "printf 'linux-lts\n' > $R/lib/modules/6.8.12-4-pve/pkgbase");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.10.3-arch1-1");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_LOADER_ENTRY);
	assert_string_equal(nb->why, "the default loader entry /boot/loader/entries/arch.conf (`default "
				     "arch.conf` in /boot/loader/loader.conf)");
	igp_host_free(h);
	h = NULL;

	/* Fedora: GRUB with BLS, saved_entry names the older kernel's entry. */
	sh("rm -r $R/boot/loader/loader.conf $R/boot/loader/entries/* && mkdir -p $R/boot/grub2 && "
	   "printf 'GRUB_DEFAULT=saved\nGRUB_ENABLE_BLSCFG=true\n' > $R/etc/default/grub && "
	   "printf 'ID=fedora\n' > $R/etc/os-release && "
	   "printf 'saved_entry=ab12-6.8.4-2-pve\n' > $R/boot/grub2/grubenv && "
	   "for v in 6.8.4-2-pve 6.11.0-1-pve; do printf 'title F\nversion %s\nlinux /vmlinuz-%s\n"
	   "options root=/dev/sda2\n' $v $v > $R/boot/loader/entries/ab12-$v.conf; done");
	nb = next(&h);
	assert_string_equal(nb->kernel->release, "6.8.4-2-pve");
	assert_int_equal(nb->source, IGP_NEXT_BOOT_LOADER_ENTRY);
	assert_string_equal(nb->why, "the default loader entry /boot/loader/entries/ab12-6.8.4-2-pve.conf "
				     "(GRUB_DEFAULT=saved and saved_entry=ab12-6.8.4-2-pve in grubenv)");
}

static void test_match_entry(void **state)
{
	struct igp_kernel k[] = {{.release = (char *)"5.15.0-10"},
				 {.release = (char *)"5.15.0-107-generic"},
				 {.release = (char *)"6.8.12-4-pve"}};
	(void)state;

	assert_int_equal(igp_kernels_match_entry(k, 3, "Ubuntu, with Linux 5.15.0-107-generic"), 1);
	assert_int_equal(igp_kernels_match_entry(k, 3, "Ubuntu, with Linux 5.15.0-10"), 0);
	/* Part of a longer release is no match. */
	assert_int_equal(igp_kernels_match_entry(k, 2, "Ubuntu, with Linux 5.15.0-105-generic"), -1);
	assert_int_equal(igp_kernels_match_entry(k, 3, "gnulinux-6.8.12-4-pve-advanced-0a1b"), 2);
	assert_int_equal(igp_kernels_match_entry(k, 3, "16.8.12-4-pve"), -1);
	assert_int_equal(igp_kernels_match_entry(k, 3, NULL), -1);
}

static void test_none(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_next_boot *nb;
	const struct igp_kernel *k;
	size_t n;
	(void)state;

	sh("rm -rf $R/boot $R/lib/modules");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_kernels(h, &k, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(igp_host_next_kernel(h, &nb), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_installed, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_newest, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_proxmox_pin, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_grub_default, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_grubenv, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_loader_entry, each_setup, each_teardown),
	    cmocka_unit_test(test_match_entry),
	    cmocka_unit_test_setup_teardown(test_none, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
