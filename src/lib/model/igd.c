/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/util.h"
#include "model/igd.h"

enum ggc_table {
	GGC_NONE,
	GGC_GEN6, /* GMS bits 7:3, 32 MiB units (SNB, IVB, HSW, VLV) */
	GGC_GEN8, /* GMS bits 15:8, 32 MiB units (BDW) */
	GGC_CHV,  /* GMS bits 7:3, 32 MiB units, then 4 MiB steps (CHV) */
	GGC_GEN9, /* GMS bits 15:8, 32 MiB units, 0xf0+ 4 MiB steps (SKL ... RPL) */
};

/* Which table each platform of platform.c uses: intel_early_ids[] in
 * arch/x86/kernel/early-quirks.c. */
static enum ggc_table table_of(const struct igp_platform *p)
{
	static const struct {
		const char *keys;
		enum ggc_table t;
	} by_key[] = {
	    {" snb ivb hsw vlv ", GGC_GEN6},
	    {" bdw ", GGC_GEN8},
	    {" chv ", GGC_CHV},
	    /* gen9_early_ops, and gen11_early_ops with the same size table */
	    {" skl bxt kbl cfl whl cml glk cnl icl ehl jsl tgl rkl adls adlp adln rpls rplp rplu ", GGC_GEN9},
	};
	char key[32];

	if (!p || strlen(p->key) + 3 > sizeof(key))
		return GGC_NONE;
	snprintf(key, sizeof(key), " %s ", p->key);
	for (size_t i = 0; i < ELEMENTSOF(by_key); i++)
		if (strstr(by_key[i].keys, key))
			return by_key[i].t;
	return GGC_NONE;
}

int igp_ggc_stolen_mib(const struct igp_platform *p, uint16_t ggc)
{
	unsigned gms;

	switch (table_of(p)) {
	case GGC_GEN6:
		/* SNB_GMCH_GMS_SHIFT 3, SNB_GMCH_GMS_MASK 0x1f */
		return (int)((ggc >> 3) & 0x1f) * 32;
	case GGC_GEN8:
		/* BDW_GMCH_GMS_SHIFT 8, BDW_GMCH_GMS_MASK 0xff */
		return (int)((ggc >> 8) & 0xff) * 32;
	case GGC_CHV:
		/* 0x0-0x10: 32 MiB steps from 0; 0x11-0x16: 4 MiB steps from
		 * 8 MiB; 0x17-0x1d: 4 MiB steps from 36 MiB. */
		gms = (ggc >> 3) & 0x1f;
		if (gms < 0x11)
			return (int)gms * 32;
		if (gms < 0x17)
			return (int)(gms - 0x11) * 4 + 8;
		if (gms <= 0x1d)
			return (int)(gms - 0x17) * 4 + 36;
		return -EINVAL;
	case GGC_GEN9:
		/* 0x0-0xef: 32 MiB steps from 0; 0xf0-0xfe: 4 MiB steps from 4 MiB. */
		gms = (ggc >> 8) & 0xff;
		if (gms < 0xf0)
			return (int)gms * 32;
		if (gms <= 0xfe)
			return (int)(gms - 0xf0) * 4 + 4;
		return -EINVAL;
	case GGC_NONE:
		break;
	}
	return -EOPNOTSUPP;
}

int igp_igd_stolen_mib(const struct igp_pci_dev *d)
{
	const struct igp_platform *p = d->vendor == 0x8086 ? igp_platform_lookup(d->device) : NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	uint8_t b[2];
	ssize_t n;

	if (table_of(p) == GGC_NONE || d->physfn)
		return -EOPNOTSUPP;
	path = strdupf("%s/%s/config", IGP_SYS_PCI_DEVICES, d->address);
	if (!path)
		return -ENOMEM;
	fd = igp_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd == -ENOENT ? -ENODATA : fd;
	do
		n = pread(fd, b, sizeof(b), IGP_IGD_GGC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(b))
		return -ENODATA;
	return igp_ggc_stolen_mib(p, (uint16_t)(b[0] | b[1] << 8));
}
