/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-boot: the command line is the "options" of each Linux loader
 * entry (the Boot Loader Specification, Type #1), which kernel-install(8)
 * writes from /etc/kernel/cmdline when it installs a kernel.  igpuctl
 * edits both, so the next installed kernel keeps the parameters too.
 */
#include "boot/loader_int.h"
#include "base/paths.h"
#include "base/util.h"

static int sdboot_plan(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w,
		       size_t nw, char ****revert_argvs, char **ret_error)
{
	int r = 0;

	(void)revert_argvs;
	if (b->kernel_cmdline)
		r = igp_plan_line_file(p, IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE, w, nw, NULL, NULL,
				       ret_error);
	for (char **e = b->entries; r >= 0 && e && *e; e++)
		r = igp_plan_line_file(p, *e, IGP_CMDLINE_BLS, w, nw, NULL, NULL, ret_error);
	if (r >= 0 && !b->kernel_cmdline && strv_length(b->entries) == 0)
		r = igp_refuse(ret_error, -ENOMEDIUM,
			       "systemd-boot has neither %s nor a Linux loader entry to edit",
			       IGP_ETC_KERNEL_CMDLINE);
	return r;
}

int igp_sdboot_config(const struct igp_bootloader *b, const char *release, struct igp_boot_config *ret)
{
	(void)release;
	if (b->kernel_cmdline &&
	    (ret->configured = igp_cmdline_file_read_tokens(IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE))) {
		ret->where = strdup(IGP_ETC_KERNEL_CMDLINE);
		return ret->where ? 0 : -ENOMEM;
	}
	/* The entry the next boot starts, not the first or the running one:
	 * a fallback entry sorted first is not booted. */
	if (!b->default_entry || !b->default_linux)
		return 0;
	ret->configured = igp_cmdline_file_read_tokens(b->default_entry, IGP_CMDLINE_BLS);
	if (!ret->configured)
		return 0;
	ret->where = strdupf("the options of %s (the default entry: %s)", b->default_entry, b->default_why);
	ret->entry = strdup(b->default_entry);
	return ret->where && ret->entry ? 0 : -ENOMEM;
}

static char *sdboot_remedy(const struct igp_boot_edit *e)
{
	if (e->entry)
		return strdupf("Edit the options line of %s: %s; then reboot.", e->entry, e->what);
	return strdupf("Edit %s: %s; then reinstall the boot entries (`kernel-install add "
		       "$(uname -r) " IGP_BOOT "/vmlinuz-$(uname -r)`) and reboot.",
		       IGP_ETC_KERNEL_CMDLINE, e->what);
}

const struct igp_boot_ops igp_sdboot_ops = {
    .id = "systemd-boot",
    .name = "systemd-boot",
    .syntax = IGP_KSYNTAX_PLAIN,
    .refresh_on = IGP_REFRESH_BOOT,
    .plan_cmdline = sdboot_plan,
    .config = igp_sdboot_config,
    .remedy = sdboot_remedy,
};
