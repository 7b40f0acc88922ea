/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/mkinitcpio.conf and mkinitcpio.conf.d/NAME.conf (Arch): the
 * MODULES=(...) array, edited as modconf.c's plan_mkinitcpio() does
 * (igp_shdoc_apply() with an array) and reverted per file.  mkinitcpio
 * sources the files with bash: check-shell.sh runs `bash -n` on the texts
 * this target writes with IGP_FUZZ_OUT set (see fuzz_grub.c).
 */
#include "fuzz.h"

static char *const vars[] = {"MODULES", NULL};

static const struct fz_shell mkinitcpio = {
    .name = "mkinitcpio",
    .shell = "bash",
    .vars = vars,
    .add_var = "MODULES",
    .array = true,
    .modules = true,
    .path0 = "/etc/mkinitcpio.conf",
    .dir = "/etc/mkinitcpio.conf.d",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_shell_roundtrip(&mkinitcpio, data, size);
	return 0;
}
