/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Intel iGPU's stolen memory (Data Stolen Memory, DSM): the memory the
 * firmware sets aside for the graphics device ("DVMT Pre-Allocated"), told
 * by the GMS field of the GMCH Graphics Control register (GGC) at offset
 * 0x50 of its config space.  Guests get the same amount (QEMU hw/vfio/igd.c
 * passes the host's on, x-igd-gms overrides it where QEMU honours it); a
 * small one leaves part of a high-resolution screen black in the guest.
 */
#ifndef IGP_MODEL_IGD_H
#define IGP_MODEL_IGD_H

#include <stdint.h>

#include "model/pci.h"
#include "model/platform.h"

/* Config space offset of the GGC register (SNB_GMCH_CTRL in the kernel). */
#define IGP_IGD_GGC 0x50
/* Below this the guides see the guest's screen partly black. */
#define IGP_IGD_STOLEN_LOW_MIB 64

/*
 * The stolen memory size, in MiB, that GGC value ggc gives on platform p:
 * the tables of the kernel's arch/x86/kernel/early-quirks.c
 * (gen6_stolen_size, gen8_stolen_size, chv_stolen_size, gen9_stolen_size,
 * and gen11_early_ops, which uses gen9's) and QEMU's hw/vfio/igd.c
 * (igd_stolen_memory_size).  -EOPNOTSUPP for a platform those tables do
 * not cover (Ironlake and older, Meteor Lake and newer), -EINVAL for a GMS
 * value the table leaves undefined.
 */
int igp_ggc_stolen_mib(const struct igp_platform *p, uint16_t ggc);

/*
 * The stolen memory of the Intel iGPU d, from its config space in sysfs:
 * MiB, or -EOPNOTSUPP (not an iGPU platform the decode knows), -ENODATA
 * (the register is not readable: sysfs shows unprivileged readers only the
 * first 64 bytes of config space), another negative errno.
 */
int igp_igd_stolen_mib(const struct igp_pci_dev *d);

#endif
