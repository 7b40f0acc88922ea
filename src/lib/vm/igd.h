/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the Intel iGPU is assigned on the QEMU that will run the VM: legacy
 * mode or UPT, and the x-igd-* properties that make it work there.  QEMU's
 * IGD support changed with nearly every release (hw/vfio/igd.c,
 * docs/igd-assign.txt):
 *
 *   7.2 - 9.1  x-igd-opregion (off by default), x-igd-gms; legacy mode starts
 *              by itself at guest 00:02.0 on i440fx and zeroes the stolen
 *              memory unless x-igd-gms is set; IDs it does not know are
 *              taken for Gen 8, so Gen 11 and newer break.
 *   9.2        Gen 11+ (64-bit BDSM at 0xC0, mirrored in BAR0); the host's
 *              stolen memory is kept and x-igd-gms is ignored.
 *   10.0       x-igd-legacy-mode=on|off|auto and x-igd-lpc (i440fx only).
 *   10.1       x-igd-opregion on by default; legacy mode only for Gen 6-9
 *              (Intel ships no legacy VBIOS after Gen 9); no generation
 *              limit for UPT (Meteor Lake and newer with the OpRegion only).
 *
 * One place decides, for every target: the qemu renderer appends the
 * properties to -device, libvirt puts them in <qemu:override>, Proxmox VE
 * in "args: -set device.hostpciN.PROP=VALUE".
 */
#ifndef IGP_VM_IGD_H
#define IGP_VM_IGD_H

#include "vm/vmconf.h"

#define IGP_IGD_MAX_PROPS 4

struct igp_igd_prop {
	const char *name;  /* "x-igd-opregion" */
	const char *type;  /* libvirt's <qemu:property type>: "bool", "string", "unsigned" */
	const char *value; /* QEMU's spelling: "on", "off" */
};

struct igp_igd_plan {
	struct igp_igd_prop props[IGP_IGD_MAX_PROPS];
	size_t n_props;
	char gms[12]; /* the value of x-igd-gms, when one is set */
};

/*
 * Decide for device D with options O (O->qemu the QEMU's capabilities, NULL
 * when unknown: today's defaults).  Fills *ret, appends the decisions that
 * rest on the QEMU version to *notes (each naming it).  A combination that
 * cannot work on this QEMU is refused with -ENOTSUP and a sentence naming
 * the version that would work in *ret_why (caller frees).
 */
int igp_igd_plan(const struct igp_vm_device *d, const struct igp_vm_options *o, struct igp_igd_plan *ret,
		 char ***notes, char **ret_why);

/*
 * Can QEMU Q assign an iGPU of platform P at all (the generation limits of
 * its IGD support, whatever the mode)?  0, or -ENOTSUP with the reason
 * naming the version that can in *ret_why.  0 when either is unknown.
 */
struct igp_platform;
int igp_igd_qemu_supports(const struct igp_qemu_caps *q, const struct igp_platform *p, char **ret_why);

/*
 * The graphics generation of the iGPU (or the vGPU's parent) as a number:
 * 9, 12, 12.7, 20; 0 when the device is no Intel iGPU or unknown.
 */
double igp_igd_gen(const struct igp_vm_device *d);

#endif
