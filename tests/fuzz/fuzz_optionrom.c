/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option ROM reader (src/lib/vm/optionrom.c) on a ROM file:
 *   - an accepted chain is 1 to IGP_ROM_MAX_IMAGES images laid end to end
 *     from offset 0, each a non-zero multiple of 512 bytes inside the data,
 *     starting 0x55 0xAA, its PCIR pointer inside it;
 *   - only the last image may carry the last-image bit, and a chain without
 *     it ends exactly at the end of the data;
 *   - the PCIR fields are the bytes they were read from; an EFI image is of
 *     code type 3 with the 0x0EF1 signature, and its machine type is the
 *     header's;
 *   - a refusal always says why.
 */
#include <string.h>

#include "base/util.h"
#include "fuzz.h"
#include "vm/optionrom.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igp_optionrom rom;
	_cleanup_free_ char *why = NULL;
	size_t off = 0;
	int r;

	r = igp_optionrom_parse(data, size, &rom, &why);
	if (r == -ENOMEM)
		return 0;
	if (r < 0) {
		FZ_ASSERT(r == -EBADMSG && why && *why, "refusal %d without a reason", r);
		return 0;
	}
	FZ_ASSERT(rom.n_images >= 1 && rom.n_images <= IGP_ROM_MAX_IMAGES, "%zu images", rom.n_images);
	for (size_t i = 0; i < rom.n_images; i++) {
		const struct igp_rom_image *im = &rom.images[i];
		const uint8_t *h = data + im->offset, *p;
		size_t pcir;

		FZ_ASSERT(im->offset == off, "image %zu at 0x%zx, expected 0x%zx", i, im->offset, off);
		FZ_ASSERT(im->length && im->length % 512 == 0 && im->length <= size - off,
			  "image %zu: length %zu", i, im->length);
		FZ_ASSERT(h[0] == 0x55 && h[1] == 0xaa, "image %zu: no signature", i);
		pcir = le16(h + 0x18);
		FZ_ASSERT(pcir + 0x16 <= im->length, "image %zu: PCIR at 0x%zx", i, pcir);
		p = h + pcir;
		FZ_ASSERT(memcmp(p, "PCIR", 4) == 0, "image %zu: no PCIR", i);
		FZ_ASSERT(im->vendor == le16(p + 4) && im->device == le16(p + 6), "image %zu: ids", i);
		FZ_ASSERT(im->length == (size_t)le16(p + 0x10) * 512, "image %zu: length field", i);
		FZ_ASSERT(im->code_type == p[0x14] && im->last == !!(p[0x15] & 0x80), "image %zu: type", i);
		FZ_ASSERT(!im->last || i + 1 == rom.n_images, "image %zu is last but not the end", i);
		if (im->efi)
			FZ_ASSERT(im->code_type == IGP_ROM_CODE_EFI && le16(h + 4) == 0x0ef1 &&
				      le16(h + 6) == 0 && im->efi_machine == le16(h + 0x0a),
				  "image %zu: EFI header", i);
		else
			FZ_ASSERT(im->code_type != IGP_ROM_CODE_EFI || le16(h + 4) != 0x0ef1 ||
				      le16(h + 6) != 0,
				  "image %zu: EFI image missed", i);
		off += im->length;
	}
	FZ_ASSERT(rom.images[rom.n_images - 1].last || off == size, "the chain stops at 0x%zx of 0x%zx", off,
		  size);
	return 0;
}
