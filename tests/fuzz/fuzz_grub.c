/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/default/grub and /etc/default/grub.d/NAME.cfg, sourced as one shell
 * script (grub.h, shellvar.h): the kernel-parameter round trip on
 * GRUB_CMDLINE_LINUX + GRUB_CMDLINE_LINUX_DEFAULT (fuzz.h).  The files are
 * given to igp_shdoc_add() with their length, as igp_grub_load() reads
 * them, NUL bytes and all.
 *
 * Shell syntax: calling sh from inside the fuzzer would cost a fork and an
 * exec per input.  Instead the target writes the files before and after
 * each edit when IGP_FUZZ_OUT is set, and check-shell.sh runs `sh -n` on
 * them (grub-mkconfig sources the files with /bin/sh): a file sh accepted
 * must still be accepted.  In process, the re-read through the project's
 * own evaluator checks the values.
 */
#include "fuzz.h"
#include "boot/grub.h"

static const struct fz_shell grub = {
    .name = "grub",
    .shell = "sh",
    .vars = igp_grub_vars,
    .path0 = "/etc/default/grub",
    .dir = "/etc/default/grub.d",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_shell_roundtrip(&grub, data, size);
	return 0;
}
