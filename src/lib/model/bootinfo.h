/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot loader and the initramfs tool of the host, as detected
 * (boot/bootloader.h, modules/initramfs.h): part of the host model (host.h),
 * detected on first use.
 */
#ifndef IGP_BOOTINFO_H
#define IGP_BOOTINFO_H

#include "boot/bootloader.h"
#include "model/host.h"
#include "modules/initramfs.h"

/* The boot loader (ops NULL when nothing matched), or NULL
 * when it cannot be detected (ENOMEM, a host not made by igp_host_load()). */
const struct igp_bootloader *igp_host_bootloader(const struct igp_host *h);
/* The initramfs tool (ops NULL when there is none), or NULL as above. */
const struct igp_initramfs *igp_host_initramfs(const struct igp_host *h);
/*
 * The command that rebuilds the initramfs, as one line for a message:
 * the detected tool's (its files, else the distribution's own, os-release;
 * modules/initramfs.h), never NULL.
 */
const char *igp_host_initramfs_command(const struct igp_host *h);

#endif
