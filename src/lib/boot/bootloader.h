/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which boot loader reads the kernel command line on this host, where that
 * command line lives, how it is applied, and why igpuctl thinks so.
 *
 * Order of evidence (the Proxmox VE admin guide's "Host Bootloader",
 * kernelstub(1), kernel-install(8), the Boot Loader Specification):
 *  1. /etc/kernel/proxmox-boot-uuids: proxmox-boot-tool manages the ESPs.
 *     With /etc/kernel/cmdline it is systemd-boot (ZFS on EFI), otherwise
 *     GRUB on the ESPs; both are applied with `proxmox-boot-tool refresh`,
 *     and editing the other loader's file would do nothing.
 *  2. /etc/kernelstub/configuration: Pop!_OS, `kernelstub -a/-d`.
 *  3. /etc/default/grub, unless systemd-boot's loader.conf exists without
 *     any grub.cfg: GRUB, applied with update-grub (Debian family),
 *     grub2-mkconfig (Fedora family, /boot/grub2) or grub-mkconfig.  With
 *     BLS (GRUB_ENABLE_BLSCFG=true, or Linux entries in /boot/loader/entries
 *     beside a GRUB other than Debian's) GRUB boots those entries' options:
 *     they are edited too (Fedora 39, RHEL 9.3: grub2-mkconfig leaves them).
 *  4. systemd-boot loader entries or /etc/kernel/cmdline (kernel-install).
 */
#ifndef IGP_BOOTLOADER_H
#define IGP_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/cmdline.h"
#include "boot/loader.h"
#include "change/plan.h"

struct igp_bootloader {
	const struct igp_boot_ops *ops; /* NULL: none found */
	char *name;			/* ops->name, or "unknown" */
	char *reason;			/* the evidence, one sentence */
	char **refresh;			/* argv applying the change, NULL if nothing to run */
	char **entries;			/* loader entry files (host paths) to edit: systemd-boot,
					 * GRUB with BLS (NULL without) */
	/* systemd-boot, GRUB with BLS: the entry the next boot starts
	 * (sdboot.h, grub.h), NULL when none; why it is the one; is it a
	 * Linux type #1 entry. */
	char *default_entry, *default_why;
	bool default_linux;
	bool kernel_cmdline; /* /etc/kernel/cmdline exists (PVE, kernel-install) */
};

/* The syntax a kernel parameter passes through on its way from this
 * loader's configuration to the kernel. */
enum igp_ksyntax igp_bootloader_syntax(const struct igp_bootloader *b);

/* A NULL-terminated argv from the arguments (NULL on ENOMEM). */
char **igp_argv_new(const char *a, ...) __attribute__((sentinel));

/* os-release ID and ID_LIKE, space separated ("ubuntu debian"); "" if unknown. */
int igp_os_ids(char **ret);
bool igp_os_is(const char *ids, const char *id);
/* The value of KEY in os-release, unquoted, or NULL. */
char *igp_os_release_value(const char *key);

/*
 * Detect the boot loader.  FORCE (NULL: detect) names one by the id of
 * its ops (boot/loader.h): "grub", "proxmox-systemd-boot", "systemd-boot", "mkinitcpio-uki",
 * "kernelstub" (-EINVAL otherwise).
 * Always returns a filled struct (ops NULL when nothing matched).
 */
int igp_bootloader_detect(const char *force, struct igp_bootloader *ret);

/*
 * Plan the command line tokens WANTS in B's files (shared by setup's
 * modes).  For kernelstub the changes are also commands (added to the plan)
 * with their inverses in *REVERT_ARGVS.  Refusals as igp_setup_plan()'s:
 * -EBADMSG with *RET_ERROR for a file igpuctl cannot edit safely.
 */
int igp_bootloader_plan_cmdline(const struct igp_bootloader *b, struct igp_plan *p,
				const struct igp_kwant *wants, size_t n_wants, char ****revert_argvs,
				char **ret_error);
void igp_bootloader_done(struct igp_bootloader *b);

#endif
