/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI option ROM images (vm/optionrom.h), built byte by byte here: the image
 * chain, the PCIR fields, the EFI header, every refusal of the parser and of
 * the check igpuctl vm runs on --romfile, and the per-generation ROM names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tmproot.h"
#include "base/util.h"
#include "vm/optionrom.h"

#define IMG 512

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/*
 * One image of `units` 512-byte units at p: the header, for EFI (machine
 * != 0) the EFI header fields, and the PCIR structure at 0x1c.
 */
static void image(uint8_t *p, unsigned units, uint16_t vendor, uint16_t device, uint16_t machine, bool last)
{
	memset(p, 0, units * IMG);
	p[0] = 0x55;
	p[1] = 0xaa;
	if (machine) {
		put16(p + 2, (uint16_t)units);
		put16(p + 4, 0x0ef1);
		put16(p + 8, 11); /* boot service driver */
		put16(p + 0x0a, machine);
		put16(p + 0x0c, 1); /* compressed */
	} else
		p[2] = (uint8_t)units;
	put16(p + 0x18, 0x1c);
	memcpy(p + 0x1c, "PCIR", 4);
	put16(p + 0x1c + 4, vendor);
	put16(p + 0x1c + 6, device);
	put16(p + 0x1c + 0x0a, 0x18);
	p[0x1c + 0x0d + 2] = 0x03; /* class 030000 */
	put16(p + 0x1c + 0x10, (uint16_t)units);
	p[0x1c + 0x14] = machine ? IGP_ROM_CODE_EFI : IGP_ROM_CODE_X86;
	p[0x1c + 0x15] = last ? 0x80 : 0;
}

static int parse(const uint8_t *b, size_t n, struct igp_optionrom *rom, char **why)
{
	*why = NULL;
	return igp_optionrom_parse(b, n, rom, why);
}

static void test_chain(void **state)
{
	uint8_t b[3 * IMG + 100];
	struct igp_optionrom rom;
	_cleanup_free_ char *why = NULL;

	(void)state;
	image(b, 2, 0x8086, 0x3e92, 0, false);
	image(b + 2 * IMG, 1, 0x8086, 0x3e92, IGP_ROM_EFI_MACHINE_X64, true);
	memset(b + 3 * IMG, 0xff, 100); /* padding after the last image */
	assert_int_equal(parse(b, sizeof(b), &rom, &why), 0);
	assert_int_equal(rom.n_images, 2);
	assert_int_equal(rom.images[0].offset, 0);
	assert_int_equal(rom.images[0].length, 2 * IMG);
	assert_int_equal(rom.images[0].vendor, 0x8086);
	assert_int_equal(rom.images[0].device, 0x3e92);
	assert_int_equal(rom.images[0].class, 0x030000);
	assert_int_equal(rom.images[0].code_type, IGP_ROM_CODE_X86);
	assert_false(rom.images[0].efi);
	assert_false(rom.images[0].last);
	assert_int_equal(rom.images[1].offset, 2 * IMG);
	assert_int_equal(rom.images[1].code_type, IGP_ROM_CODE_EFI);
	assert_true(rom.images[1].efi);
	assert_true(rom.images[1].last);
	assert_int_equal(rom.images[1].efi_machine, IGP_ROM_EFI_MACHINE_X64);
	assert_int_equal(rom.images[1].efi_subsystem, 11);
	assert_true(rom.images[1].efi_compressed);
	assert_true(igp_optionrom_has_x64_efi(&rom));
}

/* The chain also ends where the file does, without the last-image bit. */
static void test_end_of_file(void **state)
{
	uint8_t b[IMG];
	struct igp_optionrom rom;
	_cleanup_free_ char *why = NULL;

	(void)state;
	image(b, 1, 0x10de, 0x2484, 0, false);
	assert_int_equal(parse(b, sizeof(b), &rom, &why), 0);
	assert_int_equal(rom.n_images, 1);
	assert_false(igp_optionrom_has_x64_efi(&rom));
}

static void expect_bad(const uint8_t *b, size_t n, const char *what)
{
	struct igp_optionrom rom;
	_cleanup_free_ char *why = NULL;

	assert_int_equal(parse(b, n, &rom, &why), -EBADMSG);
	assert_non_null(why);
	if (!strstr(why, what))
		fail_msg("'%s' does not say '%s'", why, what);
}

static void test_refusals(void **state)
{
	uint8_t b[2 * IMG];

	(void)state;
	expect_bad((const uint8_t *)"", 0, "0x55 0xAA");
	image(b, 1, 0x8086, 0x3e92, 0, true);
	b[1] = 0xab;
	expect_bad(b, IMG, "does not start with the option ROM signature");
	expect_bad(b, 0x19, "signature");

	image(b, 1, 0x8086, 0x3e92, 0, true);
	put16(b + 0x18, 0x1f0); /* the structure would end past the image */
	expect_bad(b, 0x200, "points outside");
	put16(b + 0x18, 0x04); /* inside the header */
	expect_bad(b, IMG, "points outside");

	image(b, 1, 0x8086, 0x3e92, 0, true);
	memcpy(b + 0x1c, "PCIX", 4);
	expect_bad(b, IMG, "no PCI data structure");

	image(b, 1, 0x8086, 0x3e92, 0, true);
	put16(b + 0x1c + 0x10, 0);
	expect_bad(b, IMG, "length 0");

	image(b, 2, 0x8086, 0x3e92, 0, true);
	expect_bad(b, IMG + 10, "cut short");

	/* A second image without its signature. */
	image(b, 1, 0x8086, 0x3e92, 0, false);
	memset(b + IMG, 0, IMG);
	expect_bad(b, 2 * IMG, "image at offset 0x200 has no 0x55 0xAA");
}

static void test_too_many(void **state)
{
	uint8_t b[(IGP_ROM_MAX_IMAGES + 1) * IMG];

	(void)state;
	for (size_t i = 0; i <= IGP_ROM_MAX_IMAGES; i++)
		image(b + i * IMG, 1, 0x8086, 0x3e92, 0, i == IGP_ROM_MAX_IMAGES);
	expect_bad(b, sizeof(b), "more than 16 images");
	/* Exactly the maximum parses. */
	{
		struct igp_optionrom rom;
		_cleanup_free_ char *why = NULL;
		image(b + (IGP_ROM_MAX_IMAGES - 1) * IMG, 1, 0x8086, 0x3e92, 0, true);
		assert_int_equal(parse(b, IGP_ROM_MAX_IMAGES * IMG, &rom, &why), 0);
		assert_int_equal(rom.n_images, IGP_ROM_MAX_IMAGES);
	}
}

/* A code-type-3 image without 0x0EF1 is no EFI image (EDK2 skips it). */
static void test_efi_signature(void **state)
{
	uint8_t b[IMG];
	struct igp_optionrom rom;
	_cleanup_free_ char *why = NULL;

	(void)state;
	image(b, 1, 0x8086, 0x3e92, IGP_ROM_EFI_MACHINE_X64, true);
	put16(b + 4, 0x0ef0);
	assert_int_equal(parse(b, sizeof(b), &rom, &why), 0);
	assert_int_equal(rom.images[0].code_type, IGP_ROM_CODE_EFI);
	assert_false(rom.images[0].efi);
	assert_false(igp_optionrom_has_x64_efi(&rom));

	image(b, 1, 0x8086, 0x3e92, IGP_ROM_EFI_MACHINE_EBC, true);
	assert_int_equal(parse(b, sizeof(b), &rom, &why), 0);
	assert_true(igp_optionrom_has_x64_efi(&rom));
	image(b, 1, 0x8086, 0x3e92, IGP_ROM_EFI_MACHINE_IA32, true);
	assert_int_equal(parse(b, sizeof(b), &rom, &why), 0);
	assert_false(igp_optionrom_has_x64_efi(&rom));
}

static void test_names(void **state)
{
	char b[20];

	(void)state;
	assert_string_equal(igp_rom_code_type_name(0, b), "x86 BIOS");
	assert_string_equal(igp_rom_code_type_name(3, b), "EFI");
	assert_string_equal(igp_rom_code_type_name(0x42, b), "type 0x42");
	assert_string_equal(igp_rom_efi_machine_name(0x8664, b), "x64");
	assert_string_equal(igp_rom_efi_machine_name(0x1234, b), "machine 0x1234");
}

static void write_file(const char *root, const char *name, const void *data, size_t n)
{
	_cleanup_free_ char *p = strdupf("%s/%s", root, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void rom_check_is(const char *path, uint16_t vendor, bool uefi, int want, const char *what)
{
	_cleanup_free_ char *why = NULL;
	int r = igp_optionrom_check(path, "igd.rom", vendor, uefi, &why);

	assert_int_equal(r, want);
	if (want == 0)
		return;
	assert_non_null(why);
	if (!strstr(why, what))
		fail_msg("'%s' does not say '%s'", why, what);
}

/* The check reads under the root, as every host path. */
static void test_check(void **state)
{
	char root[] = "/tmp/igp-rom-XXXXXX";
	uint8_t b[2 * IMG];

	(void)state;
	tmproot_setup(root, "usr/share/kvm", NULL);
	image(b, 1, 0x8086, 0x3e92, 0, false);
	image(b + IMG, 1, 0x8086, 0x3e92, IGP_ROM_EFI_MACHINE_X64, true);
	write_file(root, "usr/share/kvm/igd.rom", b, sizeof(b));
	image(b, 1, 0x8086, 0x3e92, 0, true);
	write_file(root, "usr/share/kvm/bios.rom", b, IMG);
	image(b, 1, 0x8086, 0x3e92, IGP_ROM_EFI_MACHINE_IA32, true);
	write_file(root, "usr/share/kvm/ia32.rom", b, IMG);
	write_file(root, "usr/share/kvm/text.rom", "hello\n", 6);

	rom_check_is("/usr/share/kvm/igd.rom", 0x8086, true, 0, NULL);
	rom_check_is("/usr/share/kvm/igd.rom", 0, false, 0, NULL);
	rom_check_is("/usr/share/kvm/bios.rom", 0x8086, false, 0, NULL);
	rom_check_is("/usr/share/kvm/bios.rom", 0x8086, true, -EINVAL,
		     "igd.rom has no EFI image: an OVMF guest needs one (IgdAssignmentDxe, VfioIgdPkg)");
	rom_check_is("/usr/share/kvm/ia32.rom", 0x8086, true, -EINVAL, "EFI image for IA32 only");
	rom_check_is("/usr/share/kvm/igd.rom", 0x10de, false, -EINVAL, "a ROM for vendor 8086");
	rom_check_is("/usr/share/kvm/bios.rom", 0x8086, true, -EINVAL, "no EFI image");
	rom_check_is("/usr/share/kvm/text.rom", 0x8086, false, -EBADMSG, "igd.rom is no PCI option ROM");
	rom_check_is("/usr/share/kvm/none.rom", 0x8086, false, -ENOENT, "does not exist");
	rom_check_is("/usr/share/kvm", 0x8086, false, -EBADMSG, "is a directory");
	tmproot_teardown(root);
}

static void test_suggest(void **state)
{
	(void)state;
	assert_string_equal(igp_optionrom_suggest(0x3e92), "CFL_CML_GOPv9.1_igd.rom");	/* Coffee Lake */
	assert_string_equal(igp_optionrom_suggest(0x46d1), "ADL-N_TWL_GOPv21_igd.rom"); /* Alder Lake-N */
	assert_string_equal(igp_optionrom_suggest(0x8a52), "ICL_GOPv14_igd.rom");	/* Ice Lake */
	assert_null(igp_optionrom_suggest(0x1234));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chain),	  cmocka_unit_test(test_end_of_file),
	    cmocka_unit_test(test_refusals),	  cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_efi_signature), cmocka_unit_test(test_names),
	    cmocka_unit_test(test_check),	  cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
