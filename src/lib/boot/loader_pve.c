/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox VE's systemd-boot (ZFS on EFI): proxmox-boot-tool takes
 * /etc/kernel/cmdline as the whole command line and writes the loader
 * entries onto every ESP listed in /etc/kernel/proxmox-boot-uuids with
 * `proxmox-boot-tool refresh`, which also copies the kernels and their
 * initramfs images there (Proxmox VE admin guide, "Host Bootloader" and
 * "Editing the Kernel Commandline").  /etc/default/grub may exist and is
 * not read.
 */
#include "boot/loader_int.h"
#include "base/paths.h"
#include "base/util.h"

static int pve_plan(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w, size_t nw,
		    char ****revert_argvs, char **ret_error)
{
	(void)b;
	(void)revert_argvs;
	return igp_plan_line_file(p, IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE, w, nw, NULL, NULL, ret_error);
}

static char *pve_remedy(const struct igp_boot_edit *e)
{
	return strdupf("Edit %s (one line; not %s: this host boots systemd-boot through "
		       "proxmox-boot-tool): %s; then run `proxmox-boot-tool refresh` and reboot.",
		       IGP_ETC_KERNEL_CMDLINE, IGP_ETC_DEFAULT_GRUB, e->what);
}

const struct igp_boot_ops igp_pve_sdboot_ops = {
    .id = "proxmox-systemd-boot",
    .name = "Proxmox VE systemd-boot (proxmox-boot-tool)",
    .syntax = IGP_KSYNTAX_PLAIN,
    .refresh = (const char *const[]){"proxmox-boot-tool", "refresh", NULL},
    .refresh_on = IGP_REFRESH_BOOT | IGP_REFRESH_INITRAMFS,
    .pending_remedy = "Run `proxmox-boot-tool refresh` if it has not run since the edit, then reboot.",
    .grub_unused_by = "systemd-boot through proxmox-boot-tool",
    .grub_unused_for = IGP_ETC_KERNEL_CMDLINE,
    .plan_cmdline = pve_plan,
    .config = igp_sdboot_config,
    .remedy = pve_remedy,
};
