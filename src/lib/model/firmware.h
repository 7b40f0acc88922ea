/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UEFI firmware a QEMU guest boots: OVMF, edk2's build for QEMU, as two
 * flash images, the code (read-only) and the template of the variable store
 * (each VM writes its own copy).  Part of the host model (host.h).
 */
#ifndef IGP_FIRMWARE_H
#define IGP_FIRMWARE_H

#include "model/host.h"

struct igp_ovmf {
	char *code;   /* "/usr/share/OVMF/OVMF_CODE_4M.fd" */
	char *vars;   /* "/usr/share/OVMF/OVMF_VARS_4M.fd" */
	char *source; /* the evidence: "package ovmf 2022.11-6+deb12u2", or "the files" */
};

/*
 * The installed OVMF without Secure Boot (its images need SMM and a secure
 * flash, which a plain command line lacks): the first pair of images
 * present of the distributions' layouts, newest first (Debian and Ubuntu,
 * Fedora, Arch, Proxmox VE).  0, or -ENOENT when none is installed; free
 * with igp_ovmf_done().
 */
int igp_host_ovmf(const struct igp_host *h, struct igp_ovmf *ret);
void igp_ovmf_done(struct igp_ovmf *o);
/* Where igp_host_ovmf() looks, for a message: "/usr/share/OVMF/OVMF_CODE_4M.fd, ..." (caller frees). */
char *igp_ovmf_searched(void);

#endif
