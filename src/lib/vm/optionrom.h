/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI option ROM images (the files given to --romfile / --ovmf): the one
 * reader of their format, and the validation igpuctl vm applies before it
 * writes a romfile= anywhere.
 *
 * A ROM is a chain of images.  Each starts with 0x55 0xAA; the 16-bit
 * pointer at offset 0x18 locates its PCI Data Structure ("PCIR": vendor and
 * device ID, class code, image length in 512-byte units, code type,
 * indicator with bit 7 set on the last image), PCI Firmware Specification
 * 3.0 section 5.1, EDK2 MdePkg/Include/IndustryStandard/Pci22.h and
 * Pci30.h (PCI_DATA_STRUCTURE).  An EFI image (code type 3) has its own
 * header, UEFI Specification "PCI Option ROMs" (EFI_PCI_EXPANSION_ROM_HEADER
 * in Pci22.h): EFI signature 0x0EF1 at offset 4, subsystem at 8, machine
 * type at 0x0A, compression type at 0x0C.
 */
#ifndef IGP_OPTIONROM_H
#define IGP_OPTIONROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Code types of the PCIR structure (PCI Firmware Spec 3.0, table 5-2). */
#define IGP_ROM_CODE_X86 0x00
#define IGP_ROM_CODE_EFI 0x03
/* EFI machine types (PE/COFF IMAGE_FILE_MACHINE_*, EDK2 MdePkg/Include/IndustryStandard/PeImage.h). */
#define IGP_ROM_EFI_MACHINE_IA32 0x014c
#define IGP_ROM_EFI_MACHINE_X64 0x8664
#define IGP_ROM_EFI_MACHINE_EBC 0x0ebc
#define IGP_ROM_EFI_MACHINE_AARCH64 0xaa64

/* The images a ROM may chain: more is no real ROM (the ROM BAR is at most 16 MiB). */
#define IGP_ROM_MAX_IMAGES 16
/* The largest ROM file read: a PCI ROM BAR decodes at most 16 MiB. */
#define IGP_ROM_MAX_SIZE (16u << 20)

struct igp_rom_image {
	size_t offset; /* of the image in the file */
	size_t length; /* bytes (PCIR image length * 512) */
	uint16_t vendor, device;
	uint32_t class; /* class code, base class in the top byte */
	uint8_t code_type;
	bool last; /* indicator bit 7 */
	/* Code type EFI with the 0x0EF1 signature: */
	bool efi;
	uint16_t efi_subsystem; /* 10 application, 11 boot service driver, 12 runtime driver */
	uint16_t efi_machine;	/* IGP_ROM_EFI_MACHINE_* */
	bool efi_compressed;
};

struct igp_optionrom {
	struct igp_rom_image images[IGP_ROM_MAX_IMAGES];
	size_t n_images;
};

/*
 * Parse a ROM image chain.  The chain ends at an image with the last-image
 * indicator or at the end of the data (bytes after the last image are
 * padding).  Returns 0, or -EBADMSG with a sentence in *ret_why (caller
 * frees; may stay NULL on -ENOMEM) naming the first thing that is wrong:
 * no 0x55 0xAA signature, a PCIR pointer outside the image, no "PCIR", an
 * image of length 0 or past the end of the data, too many images.
 */
int igp_optionrom_parse(const void *data, size_t size, struct igp_optionrom *ret, char **ret_why);

/* "x86 BIOS", "EFI", "Open Firmware", "HP PA RISC", else "type 0xNN" (buf of 16 bytes). */
const char *igp_rom_code_type_name(uint8_t t, char buf[16]);
/* "x64", "IA32", "EBC", "AArch64", else "machine 0xNNNN" (buf of 20 bytes). */
const char *igp_rom_efi_machine_name(uint16_t m, char buf[20]);

/* Does an x86-64 OVMF run one of the EFI images (x64, or EBC through OVMF's EbcDxe)? */
bool igp_optionrom_has_x64_efi(const struct igp_optionrom *rom);

/*
 * Is the ROM file at PATH fit for a device of VENDOR (0: any) in a guest
 * that boots OVMF (uefi)?  PATH is a host path read through the root-aware
 * path layer (an absolute path) or, relative, a user's file in the current
 * directory.  shown is the name the refusal uses (the argument as given).
 * Returns 0, or a negative errno with a one-sentence refusal in *ret_why:
 * -ENOENT (no such file), -EBADMSG (not a ROM), -EINVAL (another vendor's
 * ROM; no EFI image for an OVMF guest), another errno when unreadable.
 */
int igp_optionrom_check(const char *path, const char *shown, uint16_t vendor, bool uefi, char **ret_why);

struct igp_vm_device;
/*
 * igp_optionrom_check() for the device a VM gets: the ROM must be its
 * vendor's (a vGPU's is its parent's, Intel's).
 */
int igp_vm_romfile_check(const struct igp_vm_device *d, const char *path, const char *shown, bool uefi,
			 char **ret_why);

/*
 * The option ROM with IgdAssignmentDxe and the Intel GOP that the
 * LongQT-sea/intel-igpu-passthru project publishes for the platform of an
 * Intel iGPU device ID ("CFL_CML_GOPv9.1_igd.rom"), or NULL when it has
 * none for that platform.
 */
const char *igp_optionrom_suggest(uint16_t device_id);

#endif
