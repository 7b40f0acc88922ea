/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified kernel images built by mkinitcpio (Arch): a preset with
 * default_uki= makes `mkinitcpio -P` write EFI/Linux/NAME.efi, with the
 * kernel, the initramfs and the command line of /etc/kernel/cmdline
 * (else /etc/cmdline.d/ *.conf) inside; systemd-boot starts them without
 * a loader entry (Boot Loader Specification type #2).  Editing an entry
 * or the image does nothing lasting: igpuctl edits /etc/kernel/cmdline and
 * rebuilds the images.
 */
#include "boot/loader_int.h"
#include "base/paths.h"
#include "base/util.h"

static int uki_plan(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w, size_t nw,
		    char ****revert_argvs, char **ret_error)
{
	(void)revert_argvs;
	/* Written with igpuctl's parameters only, it would replace the whole
	 * command line the images have now (root= among it). */
	if (!b->kernel_cmdline)
		return igp_refuse(
		    ret_error, -ENOMEDIUM,
		    "mkinitcpio builds the unified kernel images with the command line of %s, "
		    "which does not exist (it takes %s/*.conf or the running kernel's instead): "
		    "write the whole command line into %s, then run igpuctl again",
		    IGP_ETC_KERNEL_CMDLINE, IGP_ETC_CMDLINE_D, IGP_ETC_KERNEL_CMDLINE);
	return igp_plan_line_file(p, IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE, w, nw, NULL, NULL, ret_error);
}

static int uki_config(const struct igp_bootloader *b, const char *release, struct igp_boot_config *ret)
{
	(void)release;
	if (!b->kernel_cmdline ||
	    !(ret->configured = igp_cmdline_file_read_tokens(IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE)))
		return 0;
	ret->where = strdup(IGP_ETC_KERNEL_CMDLINE);
	return ret->where ? 0 : -ENOMEM;
}

static char *uki_remedy(const struct igp_boot_edit *e)
{
	return strdupf("Edit %s (one line; mkinitcpio builds it into the unified kernel images): %s; then "
		       "run `mkinitcpio -P` and reboot.",
		       IGP_ETC_KERNEL_CMDLINE, e->what);
}

const struct igp_boot_ops igp_uki_mkinitcpio_ops = {
    .id = "mkinitcpio-uki",
    .name = "systemd-boot with unified kernel images (mkinitcpio)",
    .syntax = IGP_KSYNTAX_PLAIN,
    .refresh = (const char *const[]){"mkinitcpio", "-P", NULL},
    .refresh_on = IGP_REFRESH_BOOT | IGP_REFRESH_INITRAMFS,
    .pending_remedy = "Run `mkinitcpio -P` if it has not run since the edit, then reboot.",
    .grub_unused_by = "unified kernel images that mkinitcpio builds",
    .grub_unused_for = IGP_ETC_KERNEL_CMDLINE,
    .plan_cmdline = uki_plan,
    .config = uki_config,
    .remedy = uki_remedy,
};
