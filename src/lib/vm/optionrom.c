/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <string.h>

#include "base/paths.h"
#include "base/util.h"
#include "model/platform.h"
#include "vm/optionrom.h"
#include "vm/vmconf.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Offsets in the ROM header and the PCI Data Structure (PCI Firmware Spec
 * 3.0, 5.1.1 and 5.1.2; EDK2 Pci22.h, Pci30.h). */
#define ROM_PCIR_PTR 0x18
#define ROM_HEADER_MIN 0x1a
#define PCIR_VENDOR 0x04
#define PCIR_DEVICE 0x06
#define PCIR_CLASS 0x0d
#define PCIR_IMAGE_LENGTH 0x10
#define PCIR_CODE_TYPE 0x14
#define PCIR_INDICATOR 0x15
#define PCIR_MIN 0x16 /* through the indicator */
#define PCIR_LAST_IMAGE 0x80
/* EFI_PCI_EXPANSION_ROM_HEADER (UEFI Spec "PCI Option ROMs", EDK2 Pci22.h). */
#define EFI_SIGNATURE_OFF 0x04
#define EFI_SIGNATURE 0x0ef1
#define EFI_SUBSYSTEM 0x08
#define EFI_MACHINE 0x0a
#define EFI_COMPRESSION 0x0c

int igp_optionrom_parse(const void *data, size_t size, struct igp_optionrom *ret, char **ret_why)
{
	const uint8_t *b = data;
	struct igp_optionrom rom = {0};
	size_t off = 0;

	for (;;) {
		struct igp_rom_image *im;
		const uint8_t *h = b + off, *p;
		size_t left = size - off, pcir, len;

		if (left < ROM_HEADER_MIN || h[0] != 0x55 || h[1] != 0xaa) {
			if (off == 0)
				return igp_refuse(
				    ret_why, -EBADMSG,
				    "it does not start with the option ROM signature 0x55 0xAA");
			return igp_refuse(ret_why, -EBADMSG,
					  "the image at offset 0x%zx has no 0x55 0xAA signature", off);
		}
		if (rom.n_images == IGP_ROM_MAX_IMAGES)
			return igp_refuse(ret_why, -EBADMSG, "it chains more than %d images",
					  IGP_ROM_MAX_IMAGES);
		pcir = le16(h + ROM_PCIR_PTR);
		if (pcir < ROM_HEADER_MIN || pcir > left || left - pcir < PCIR_MIN)
			return igp_refuse(ret_why, -EBADMSG,
					  "the PCI data structure pointer 0x%zx of the image at offset 0x%zx "
					  "points outside it",
					  pcir, off);
		p = h + pcir;
		if (memcmp(p, "PCIR", 4) != 0)
			return igp_refuse(ret_why, -EBADMSG,
					  "the image at offset 0x%zx has no PCI data structure (\"PCIR\") at "
					  "0x%zx",
					  off, off + pcir);
		len = (size_t)le16(p + PCIR_IMAGE_LENGTH) * 512;
		if (len == 0)
			return igp_refuse(ret_why, -EBADMSG, "the image at offset 0x%zx has length 0", off);
		if (len > left)
			return igp_refuse(ret_why, -EBADMSG,
					  "it is cut short: the image at offset 0x%zx is %zu bytes long, the "
					  "file has %zu from there",
					  off, len, left);
		if (len < pcir + PCIR_MIN)
			return igp_refuse(
			    ret_why, -EBADMSG,
			    "the PCI data structure of the image at offset 0x%zx lies beyond its "
			    "length of %zu bytes",
			    off, len);
		im = &rom.images[rom.n_images++];
		*im = (struct igp_rom_image){
		    .offset = off,
		    .length = len,
		    .vendor = le16(p + PCIR_VENDOR),
		    .device = le16(p + PCIR_DEVICE),
		    .class = (uint32_t)p[PCIR_CLASS] | (uint32_t)p[PCIR_CLASS + 1] << 8 |
			     (uint32_t)p[PCIR_CLASS + 2] << 16,
		    .code_type = p[PCIR_CODE_TYPE],
		    .last = p[PCIR_INDICATOR] & PCIR_LAST_IMAGE,
		};
		/* EDK2 (PciOptionRomSupport.c) takes an EFI image only with its
		 * signature; the header is 0x1a bytes, inside the image. */
		if (im->code_type == IGP_ROM_CODE_EFI && le32(h + EFI_SIGNATURE_OFF) == EFI_SIGNATURE) {
			im->efi = true;
			im->efi_subsystem = le16(h + EFI_SUBSYSTEM);
			im->efi_machine = le16(h + EFI_MACHINE);
			im->efi_compressed = le16(h + EFI_COMPRESSION) != 0;
		}
		off += len;
		if (im->last || off == size)
			break;
	}
	*ret = rom;
	return 0;
}

const char *igp_rom_code_type_name(uint8_t t, char buf[16])
{
	switch (t) {
	case IGP_ROM_CODE_X86:
		return "x86 BIOS";
	case 0x01:
		return "Open Firmware";
	case 0x02:
		return "HP PA RISC";
	case IGP_ROM_CODE_EFI:
		return "EFI";
	}
	snprintf(buf, 16, "type 0x%02x", t);
	return buf;
}

const char *igp_rom_efi_machine_name(uint16_t m, char buf[20])
{
	switch (m) {
	case IGP_ROM_EFI_MACHINE_X64:
		return "x64";
	case IGP_ROM_EFI_MACHINE_IA32:
		return "IA32";
	case IGP_ROM_EFI_MACHINE_EBC:
		return "EBC";
	case IGP_ROM_EFI_MACHINE_AARCH64:
		return "AArch64";
	}
	snprintf(buf, 20, "machine 0x%04x", m);
	return buf;
}

bool igp_optionrom_has_x64_efi(const struct igp_optionrom *rom)
{
	/* OVMF X64 builds carry EbcDxe (OvmfPkg/OvmfPkgX64.dsc), so an EBC
	 * image runs too; an IA32 image does not run on an x64 firmware. */
	for (size_t i = 0; i < rom->n_images; i++)
		if (rom->images[i].efi && (rom->images[i].efi_machine == IGP_ROM_EFI_MACHINE_X64 ||
					   rom->images[i].efi_machine == IGP_ROM_EFI_MACHINE_EBC))
			return true;
	return false;
}

/* The file's bytes: a host path under the root, or a relative user's file. */
static int read_rom(const char *path, char **ret, size_t *ret_size)
{
	_cleanup_close_ int fd = -1;

	if (path[0] == '/')
		fd = igp_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return path[0] == '/' ? fd : -errno;
	return igp_read_fd(fd, ret, ret_size);
}

int igp_optionrom_check(const char *path, const char *shown, uint16_t vendor, bool uefi, char **ret_why)
{
	_cleanup_free_ char *data = NULL, *why = NULL;
	struct igp_optionrom rom;
	size_t size = 0;
	int r;

	r = read_rom(path, &data, &size);
	if (r == -ENOENT)
		return igp_refuse(ret_why, r, "the ROM file %s does not exist", shown);
	if (r == -EISDIR)
		return igp_refuse(ret_why, -EBADMSG, "%s is a directory, not a ROM file", shown);
	if (r == -EFBIG)
		return igp_refuse(ret_why, -EBADMSG, "%s is larger than a ROM BAR (16 MiB): no option ROM",
				  shown);
	if (r < 0)
		return igp_refuse(ret_why, r, "cannot read the ROM file %s: %s", shown, strerror(-r));
	r = igp_optionrom_parse(data, size, &rom, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return igp_refuse(ret_why, r, "%s is no PCI option ROM: %s", shown, why ? why : "unreadable");
	/* The PCI Firmware Spec has the firmware run an image only when its
	 * PCIR vendor and device ID match the device (QEMU patches the device
	 * ID of a ROM whose vendor matches: hw/pci/pci.c, pci_patch_ids()). */
	if (vendor && rom.images[0].vendor != vendor)
		return igp_refuse(ret_why, -EINVAL,
				  "%s is a ROM for vendor %04x, not for this %s device (%04x): give the "
				  "ROM made for it",
				  shown, rom.images[0].vendor, vendor == 0x8086 ? "Intel" : "PCI", vendor);
	if (uefi && !igp_optionrom_has_x64_efi(&rom)) {
		char b[20];
		bool efi = false;
		for (size_t i = 0; i < rom.n_images; i++)
			efi = efi || rom.images[i].efi;
		if (efi) {
			uint16_t m = 0;
			for (size_t i = 0; i < rom.n_images; i++)
				if (rom.images[i].efi)
					m = rom.images[i].efi_machine;
			return igp_refuse(ret_why, -EINVAL,
					  "%s has an EFI image for %s only: an x86-64 OVMF guest needs an "
					  "x64 one",
					  shown, igp_rom_efi_machine_name(m, b));
		}
		return igp_refuse(ret_why, -EINVAL,
				  "%s has no EFI image: an OVMF guest needs one (IgdAssignmentDxe, "
				  "VfioIgdPkg)",
				  shown);
	}
	return 0;
}

int igp_vm_romfile_check(const struct igp_vm_device *d, const char *path, const char *shown, bool uefi,
			 char **ret_why)
{
	return igp_optionrom_check(path, shown, d->n_funcs ? d->funcs[0].vendor : 0, uefi, ret_why);
}

/*
 * The per-generation ROMs of github.com/LongQT-sea/intel-igpu-passthru
 * (README.md, "ROM File Selection"; each is IgdAssignmentDxe from
 * tomitamoeko/VfioIgdPkg with that generation's Intel GOP), by the keys of
 * platform.c.
 */
static const struct {
	const char *keys;
	const char *rom;
} rom_by_platform[] = {
    {" snb ", "SNB_GOPv2_igd.rom"},
    {" ivb ", "IVB_GOPv3_igd.rom"},
    {" hsw bdw ", "HSW_BDW_GOPv5_igd.rom"},
    {" skl kbl ", "SKL_CML_GOPv9_igd.rom"},
    {" cfl whl cml ", "CFL_CML_GOPv9.1_igd.rom"},
    {" glk ", "GLK_GOPv13_igd.rom"},
    {" icl ", "ICL_GOPv14_igd.rom"},
    {" rkl tgl adls adlp rpls rplp rplu ", "RKL_TGL_ADL_RPL_GOPv17_igd.rom"},
    {" jsl ", "JSL_GOPv18_igd.rom"},
    {" adln ", "ADL-N_TWL_GOPv21_igd.rom"},
    {" mtl arl ", "ARL_MTL_GOPv22_igd.rom"},
};

const char *igp_optionrom_suggest(uint16_t device_id)
{
	const struct igp_platform *p = igp_platform_lookup(device_id);
	char key[32];

	if (!p || strlen(p->key) + 3 > sizeof(key))
		return NULL;
	snprintf(key, sizeof(key), " %s ", p->key);
	for (size_t i = 0; i < ELEMENTSOF(rom_by_platform); i++)
		if (strstr(rom_by_platform[i].keys, key))
			return rom_by_platform[i].rom;
	return NULL;
}
