/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SR-IOV route model (model/sriov_route.h): xe by platform and kernel
 * from the platform table, i915-sriov-dkms's release ranges, its module's
 * vermagic read with libkmod inside the root (uncompressed, zstd, xz,
 * gzip, damaged), the route in use, the recommendation for the kernel that
 * boots next, and Secure Boot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/host.h"
#include "model/sriov_route.h"
#include "tmproot.h"

static char root[64];

static const struct igp_platform *plat(uint16_t id)
{
	const struct igp_platform *p = igp_platform_lookup(id);
	assert_non_null(p);
	return p;
}

static void test_xe_by_platform(void **state)
{
	bool fp = true;

	(void)state;
	/* ADL-N (N100): from 6.18, with force_probe. */
	assert_false(igp_sriov_xe_on(plat(0x46d1), "6.17.2-1-pve", &fp));
	assert_false(fp);
	assert_true(igp_sriov_xe_on(plat(0x46d1), "6.18.0", &fp));
	assert_true(fp);
	assert_true(igp_sriov_xe_on(plat(0x46d1), "7.0.2-1-pve", &fp));
	assert_true(fp);
	/* Tiger Lake and Raptor Lake-S too. */
	assert_true(igp_sriov_xe_on(plat(0x9a49), "6.18.3", &fp));
	assert_true(fp);
	assert_true(igp_sriov_xe_on(plat(0xa780), "6.19.1", &fp));
	/* Panther Lake: never force_probe. */
	assert_true(igp_sriov_xe_on(plat(0xb080), "7.0.2-1-pve", &fp));
	assert_false(fp);
	assert_true(igp_sriov_xe_on(plat(0xb080), "6.17.2", &fp));
	assert_false(fp);
	/* Rocket, Meteor, Arrow, Lunar Lake: never. */
	assert_false(igp_sriov_xe_on(plat(0x4c8a), "7.0", &fp));
	assert_false(igp_sriov_xe_on(plat(0x7d55), "7.0", &fp));
	assert_false(igp_sriov_xe_on(plat(0x7d51), "7.0", &fp));
	assert_false(igp_sriov_xe_on(plat(0x64a0), "7.0", &fp));
	assert_false(igp_sriov_xe_on(NULL, "7.0", &fp));
	assert_false(igp_sriov_xe_on(plat(0x46d1), NULL, &fp));
}

static void test_dkms_range(void **state)
{
	const char *lo, *hi;

	(void)state;
	assert_true(igp_sriov_dkms_range("2026.05.01", &lo, &hi));
	assert_string_equal(lo, "6.17");
	assert_string_equal(hi, "7.0");
	assert_true(igp_sriov_dkms_range("2026.03.12-1", &lo, &hi));
	assert_string_equal(lo, "6.12");
	assert_string_equal(hi, "6.19");
	assert_true(igp_sriov_dkms_range("2025.07.22", &lo, &hi));
	assert_string_equal(hi, "6.12");
	/* Unknown releases have no range, and no prefix of a longer number. */
	assert_false(igp_sriov_dkms_range("2024.12.30", &lo, &hi));
	assert_null(lo);
	assert_false(igp_sriov_dkms_range("2026.051", &lo, &hi));
	assert_false(igp_sriov_dkms_range(NULL, &lo, &hi));
	/* The newest release that supports a kernel. */
	assert_string_equal(igp_sriov_dkms_release_for("7.0.2-1-pve", &lo, &hi), "2026.05");
	assert_string_equal(lo, "6.17");
	assert_string_equal(igp_sriov_dkms_release_for("6.14.11-4-pve", &lo, &hi), "2026.03");
	assert_string_equal(igp_sriov_dkms_release_for("6.8.12-4-pve", &lo, &hi), "2025.07");
	assert_null(igp_sriov_dkms_release_for("7.1.0", &lo, &hi));
	assert_null(hi);
	assert_null(igp_sriov_dkms_release_for("6.1.0-28-amd64", &lo, &hi));
}

static void test_kver_vermagic(void **state)
{
	(void)state;
	assert_int_equal(igp_kver_cmp_minor("6.8.12-4-pve", "6.8"), 0);
	assert_true(igp_kver_cmp_minor("6.8.12-4-pve", "6.12") < 0);
	assert_true(igp_kver_cmp_minor("7.0.2-1-pve", "6.19") > 0);
	assert_true(igp_kver_cmp_minor("6.19", "7.0") < 0);
	assert_true(igp_vermagic_matches("6.8.12-4-pve SMP preempt mod_unload modversions ", "6.8.12-4-pve"));
	assert_true(igp_vermagic_matches("6.8.12-4-pve", "6.8.12-4-pve"));
	assert_false(igp_vermagic_matches("6.8.12-4-pve SMP", "6.8.12-4"));
	assert_false(igp_vermagic_matches("6.8.12-40-pve SMP", "6.8.12-4-pve"));
	assert_false(igp_vermagic_matches(NULL, "6.8.12-4-pve"));
}

/* A relocatable ELF64 whose only section is .modinfo holding MODINFO
 * (NUL-separated "key=value" strings, as modpost writes them). */
static void put_module(const char *path, const char *modinfo, size_t n)
{
	static const char shstr[] = "\0.modinfo\0.shstrtab";
	unsigned char eh[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1}, sh[3][64];
	size_t data = 64, strs = data + n, shoff = (strs + sizeof(shstr) + 7) & ~(size_t)7;
	char *full = strdupf("%s%s", root, path), *cmd = strdupf("mkdir -p \"$(dirname %s)\"", full);
	FILE *f;

#define LE(buf, off, val, len)                                                                               \
	for (size_t i_ = 0; i_ < (len); i_++)                                                                \
	(buf)[(off) + i_] = (unsigned char)((uint64_t)(val) >> (8 * i_))
	LE(eh, 16, 1, 2);    /* ET_REL */
	LE(eh, 18, 0x3e, 2); /* EM_X86_64 */
	LE(eh, 20, 1, 4);
	LE(eh, 40, shoff, 8);
	LE(eh, 52, 64, 2);
	LE(eh, 58, 64, 2);
	LE(eh, 60, 3, 2);
	LE(eh, 62, 2, 2);
	memset(sh, 0, sizeof(sh));
	LE(sh[1], 0, 1, 4); /* ".modinfo" */
	LE(sh[1], 4, 1, 4); /* SHT_PROGBITS */
	LE(sh[1], 8, 2, 8); /* SHF_ALLOC */
	LE(sh[1], 24, data, 8);
	LE(sh[1], 32, n, 8);
	LE(sh[1], 48, 1, 8);
	LE(sh[2], 0, 10, 4); /* ".shstrtab" */
	LE(sh[2], 4, 3, 4);  /* SHT_STRTAB */
	LE(sh[2], 24, strs, 8);
	LE(sh[2], 32, sizeof(shstr), 8);
	LE(sh[2], 48, 1, 8);
#undef LE
	assert_int_equal(system(cmd), 0);
	f = fopen(full, "w");
	assert_non_null(f);
	fwrite(eh, 1, sizeof(eh), f);
	fwrite(modinfo, 1, n, f);
	fwrite(shstr, 1, sizeof(shstr), f);
	for (size_t i = strs + sizeof(shstr); i < shoff; i++)
		fputc(0, f);
	fwrite(sh, 1, sizeof(sh), f);
	assert_int_equal(fclose(f), 0);
	free(cmd);
	free(full);
}

#define MODINFO(vermagic) "license=GPL and additional rights\0name=i915\0vermagic=" vermagic "\0"

static int each_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/igp-sriovroute-XXXXXX");
	tmproot_setup(root, "sys/bus/pci/devices", "boot", "var/lib/dkms/i915-sriov-dkms/2026.03.12/source",
		      NULL);
	tmproot_put(root, "/proc/sys/kernel/osrelease", "6.17.2-1-pve\n");
	tmproot_put(root, "/boot/vmlinuz-6.17.2-1-pve", "");
	tmproot_put(root, "/boot/vmlinuz-7.0.2-1-pve", "");
	put_module("/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko",
		   MODINFO("6.17.2-1-pve SMP preempt mod_unload "),
		   sizeof(MODINFO("6.17.2-1-pve SMP preempt mod_unload ")) - 1);
	return 0;
}

static int each_teardown(void **state)
{
	(void)state;
	tmproot_teardown(root);
	return 0;
}

static void test_routes_dkms(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev gpu = {.device = 0x46d1, .platform = plat(0x46d1)};
	const struct igp_sriov_routes *r, *again;

	(void)state;
	assert_int_equal(igp_host_load(&h), 0);
	/* The running kernel: built, vermagic read through libkmod. */
	assert_int_equal(igp_host_sriov_routes(h, &gpu, NULL, &r), 0);
	assert_string_equal(r->kernel, "6.17.2-1-pve");
	assert_false(r->xe);
	assert_true(r->dkms_platform);
	assert_string_equal(r->dkms_version, "2026.03.12");
	assert_string_equal(r->dkms_source, "/var/lib/dkms/i915-sriov-dkms/2026.03.12");
	assert_string_equal(r->dkms_module, "/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko");
	assert_string_equal(r->dkms_vermagic, "6.17.2-1-pve SMP preempt mod_unload ");
	assert_true(r->dkms_built);
	assert_int_equal(r->dkms_in_range, 1);
	assert_string_equal(r->dkms_max, "6.19");
	/* Cached per kernel. */
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "6.17.2-1-pve", &again), 0);
	assert_ptr_equal(r, again);
	/* The newer kernel: no module, outside 2026.03's range, xe with force_probe. */
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "7.0.2-1-pve", &r), 0);
	assert_null(r->dkms_module);
	assert_false(r->dkms_built);
	assert_int_equal(r->dkms_in_range, 0);
	assert_true(r->xe);
	assert_true(r->force_probe);
	/* An answer handed out stays valid while later kernels are added. */
	for (int i = 0; i < 16; i++) {
		char kver[32];
		snprintf(kver, sizeof(kver), "6.%d.0-1-pve", i);
		assert_int_equal(igp_host_sriov_routes(h, &gpu, kver, &r), 0);
	}
	assert_string_equal(again->kernel, "6.17.2-1-pve");
	assert_true(again->dkms_built);
}

static void test_vermagic_mismatch(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev gpu = {.device = 0x46d1, .platform = plat(0x46d1)};
	const struct igp_sriov_routes *r;

	(void)state;
	/* A module left from another build of the same directory name. */
	put_module("/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko", MODINFO("7.0.1-1-pve SMP "),
		   sizeof(MODINFO("7.0.1-1-pve SMP ")) - 1);
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "7.0.2-1-pve", &r), 0);
	assert_non_null(r->dkms_module);
	assert_string_equal(r->dkms_vermagic, "7.0.1-1-pve SMP ");
	assert_false(r->dkms_built);
}

/* Compress the module at PATH (inside the root) with COMMAND ("zstd -q
 * --rm", "xz", "gzip"), which replaces it with PATH.zst, .xz or .gz, as
 * DKMS does under the kernel's CONFIG_MODULE_COMPRESS_*. */
static void compress_module(const char *path, const char *command)
{
	char *cmd = strdupf("%s %s%s", command, root, path);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_compressed_modules(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev gpu = {.device = 0x7d55, .platform = plat(0x7d55)};
	const struct igp_sriov_routes *r;

	(void)state;
	/* Ubuntu 24.04 and newer (CONFIG_MODULE_COMPRESS_ZSTD), Debian's and
	 * Proxmox VE's kernels with CONFIG_MODULE_COMPRESS_XZ. */
	compress_module("/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko", "zstd -q --rm");
	put_module("/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko", MODINFO("7.0.2-1-pve SMP "),
		   sizeof(MODINFO("7.0.2-1-pve SMP ")) - 1);
	compress_module("/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko", "xz");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "6.17.2-1-pve", &r), 0);
	assert_non_null(r->dkms_module);
	assert_string_equal(r->dkms_module, "/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko.zst");
	assert_string_equal(r->dkms_vermagic, "6.17.2-1-pve SMP preempt mod_unload ");
	assert_true(r->dkms_built);
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "7.0.2-1-pve", &r), 0);
	assert_non_null(r->dkms_module);
	assert_string_equal(r->dkms_module, "/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko.xz");
	assert_string_equal(r->dkms_vermagic, "7.0.2-1-pve SMP ");
	assert_true(r->dkms_built);
}

static void test_vermagic_unreadable(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev gpu = {.device = 0x7d55, .platform = plat(0x7d55)};
	const struct igp_sriov_routes *r;
	enum igp_sriov_route_kind k;
	_cleanup_free_ char *why = NULL;

	(void)state;
	/* zstd's magic number, then no frame: found, but libkmod reads no
	 * vermagic from it, with zstd support or without. */
	tmproot_put(root, "/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko.zst", "\x28\xb5\x2f\xfd damaged");
	/* gzip: read where libkmod has zlib (kmod --version: +ZLIB), else
	 * unreadable like the damaged one, never "built" unread. */
	put_module("/lib/modules/6.18.1-1-pve/updates/dkms/i915.ko", MODINFO("6.18.1-1-pve SMP "),
		   sizeof(MODINFO("6.18.1-1-pve SMP ")) - 1);
	compress_module("/lib/modules/6.18.1-1-pve/updates/dkms/i915.ko", "gzip");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "7.0.2-1-pve", &r), 0);
	assert_non_null(r->dkms_module);
	assert_string_equal(r->dkms_module, "/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko.zst");
	assert_null(r->dkms_vermagic);
	assert_false(r->dkms_built);
	/* The recommendation does not call it built. */
	assert_int_equal(igp_host_sriov_recommend(h, &gpu, &k, &why, NULL), 0);
	assert_int_equal(k, IGP_SRIOV_ROUTE_DKMS);
	assert_non_null(strstr(why, "7.0.2-1-pve"));
	assert_null(strstr(why, "is built for"));
	assert_int_equal(igp_host_sriov_routes(h, &gpu, "6.18.1-1-pve", &r), 0);
	assert_non_null(r->dkms_module);
	assert_string_equal(r->dkms_module, "/lib/modules/6.18.1-1-pve/updates/dkms/i915.ko.gz");
	if (r->dkms_vermagic)
		assert_string_equal(r->dkms_vermagic, "6.18.1-1-pve SMP ");
	assert_int_equal(r->dkms_built, r->dkms_vermagic != NULL);
}

static void test_recommend(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev n100 = {.device = 0x46d1, .platform = plat(0x46d1)};
	struct igp_pci_dev mtl = {.device = 0x7d55, .platform = plat(0x7d55)};
	struct igp_pci_dev rkl = {.device = 0x4c8a, .platform = plat(0x4c8a)};
	enum igp_sriov_route_kind k;
	_cleanup_free_ char *why = NULL, *why2 = NULL, *why3 = NULL, *why4 = NULL;

	(void)state;
	assert_int_equal(igp_host_load(&h), 0);
	/* 7.0 boots next (the newest): xe with force_probe. */
	assert_int_equal(igp_host_sriov_recommend(h, &n100, &k, &why, NULL), 0);
	assert_int_equal(k, IGP_SRIOV_ROUTE_XE);
	assert_non_null(strstr(why, "7.0.2-1-pve"));
	assert_non_null(strstr(why, "xe.force_probe"));
	/* Meteor Lake: only the DKMS module, to install for 7.0. */
	assert_int_equal(igp_host_sriov_recommend(h, &mtl, &k, &why2, NULL), 0);
	assert_int_equal(k, IGP_SRIOV_ROUTE_DKMS);
	assert_non_null(strstr(why2, "7.0.2-1-pve"));
	/* Rocket Lake: none. */
	assert_int_equal(igp_host_sriov_recommend(h, &rkl, &k, &why3, NULL), 0);
	assert_int_equal(k, IGP_SRIOV_ROUTE_NONE);
	/* Pinned to 6.17, the N100 keeps the DKMS module built for it. */
	igp_host_free(TAKE_PTR(h));
	tmproot_put(root, "/etc/kernel/proxmox-boot-pin", "6.17.2-1-pve\n");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_recommend(h, &n100, &k, &why4, NULL), 0);
	assert_int_equal(k, IGP_SRIOV_ROUTE_DKMS);
	assert_non_null(strstr(why4, "6.17.2-1-pve"));
	assert_non_null(strstr(why4, "2026.03.12"));
}

static void test_in_use_and_secure_boot(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_pci_dev gpu = {.device = 0x46d1, .platform = plat(0x46d1), .driver = (char *)"i915"};

	(void)state;
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_in_use(h, &gpu), IGP_SRIOV_ROUTE_NONE);
	assert_int_equal(igp_host_secure_boot(h), -ENOENT);
	igp_host_free(TAKE_PTR(h));

	tmproot_put(root, "/proc/modules", "i915 4194304 0 - Live 0x0000000000000000\n");
	tmproot_put(root, "/sys/module/i915/parameters/max_vfs", "7\n");
	tmproot_put(root, "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0ca4d5d3f4c",
		    "\x06");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_in_use(h, &gpu), IGP_SRIOV_ROUTE_DKMS);
	/* Four attribute bytes, no value: unknown. */
	assert_int_equal(igp_host_secure_boot(h), -ENOENT);
	igp_host_free(TAKE_PTR(h));

	gpu.driver = (char *)"xe";
	tmproot_put(root, "/proc/modules", "xe 4194304 0 - Live 0x0000000000000000\n");
	tmproot_put(root, "/sys/module/xe/parameters/max_vfs", "4294967295\n");
	{
		char *p = strdupf("printf '\\006\\000\\000\\000\\001' >%s/sys/firmware/efi/efivars/"
				  "SecureBoot-8be4df61-93ca-11d2-aa0d-e0ca4d5d3f4c",
				  root);
		assert_int_equal(system(p), 0);
		free(p);
	}
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_sriov_in_use(h, &gpu), IGP_SRIOV_ROUTE_XE);
	assert_int_equal(igp_host_secure_boot(h), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xe_by_platform),
	    cmocka_unit_test(test_dkms_range),
	    cmocka_unit_test(test_kver_vermagic),
	    cmocka_unit_test_setup_teardown(test_routes_dkms, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_vermagic_mismatch, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_compressed_modules, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_vermagic_unreadable, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_recommend, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_in_use_and_secure_boot, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
