/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installed kernels and the one the next boot starts: part of the host
 * model (host.h), read on first use.
 *
 * A kernel release REL is installed when /boot/vmlinuz-REL exists (Debian,
 * Ubuntu, Proxmox VE, Fedora) or /lib/modules/REL holds its image (vmlinuz:
 * Arch, Fedora's kernel-core) or its module index (modules.dep); a module
 * directory without either is what a removed kernel left behind.
 *
 * The next boot, in the order the boot tools decide it:
 *  1. /etc/kernel/next-boot-pin, then /etc/kernel/proxmox-boot-pin: the
 *     kernel `proxmox-boot-tool kernel pin [--next-boot]` chose; its refresh
 *     writes it into loader.conf or GRUB_DEFAULT (proxmox-kernel-helper,
 *     src/proxmox-boot/functions);
 *  2. GRUB_DEFAULT of /etc/default/grub (+ grub.d/ *.cfg) when it names an
 *     entry of an installed kernel ("...with Linux REL",
 *     "gnulinux-REL-advanced-UUID"), or with GRUB_DEFAULT=saved the
 *     next_entry (grub-reboot) or saved_entry (grub-set-default) of grubenv;
 *  3. else the newest installed kernel: the first entry grub-mkconfig's
 *     10_linux writes, and the default of systemd-boot, which sorts entries
 *     by version.
 */
#ifndef IGP_KERNELS_H
#define IGP_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/host.h"

struct igp_kernel {
	char *release; /* "6.8.12-4-pve" */
	char *image;   /* host path of its image, NULL when only modules.dep says it is there */
	bool modules;  /* /lib/modules/REL/modules.dep exists */
};

enum igp_next_boot_source {
	IGP_NEXT_BOOT_NEWEST,
	IGP_NEXT_BOOT_PVE_NEXT_BOOT_PIN,
	IGP_NEXT_BOOT_PVE_PIN,
	IGP_NEXT_BOOT_GRUB_DEFAULT,
	IGP_NEXT_BOOT_GRUBENV,
	IGP_NEXT_BOOT_LOADER_ENTRY, /* systemd-boot's or GRUB with BLS's default entry */
};

struct igp_next_boot {
	const struct igp_kernel *kernel; /* borrowed from the host */
	enum igp_next_boot_source source;
	char *why; /* what it rests on: "pinned in /etc/kernel/proxmox-boot-pin" */
};

/* The installed kernels, oldest first (version order); *ret_n may be 0. */
int igp_host_kernels(const struct igp_host *h, const struct igp_kernel **ret, size_t *ret_n);
/* The installed kernel RELEASE, or NULL. */
const struct igp_kernel *igp_host_kernel_find(const struct igp_host *h, const char *release);
/* The kernel the next boot starts, with why; -ENOENT when none is installed. */
int igp_host_next_kernel(const struct igp_host *h, const struct igp_next_boot **ret);

/*
 * The installed release that a GRUB menu entry title or id names, or -1:
 * the longest release found in TEXT as a whole word ("Linux 5.15.0-107-generic"
 * names 5.15.0-107-generic, never 5.15.0-10).
 */
int igp_kernels_match_entry(const struct igp_kernel *k, size_t n, const char *text);

#endif
