/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the boot loaders' files (loader_*.c) share: cmdline_plan.c. */
#ifndef IGP_LOADER_INT_H
#define IGP_LOADER_INT_H

#include <stddef.h>

#include "boot/bootloader.h"
#include "boot/cmdline_file.h"

/* An undo of KIND of the OPS (N_OPS) that FILES (NULL: all) put in FILE. */
int igp_undo_for(struct igp_undo *u, enum igp_undo_kind kind, const struct igp_kop *ops, size_t n_ops,
		 const int *files, int file);
/* Refuse a command line (in WHERE) of AFTER bytes, BEFORE before the edit,
 * when igpuctl's edit makes it longer than the kernel would keep. */
int igp_cmdline_check_length(const char *where, size_t before, size_t after, char **ret_error);
/*
 * Plan W (NW) in the command line file PATH of KIND; the edit's ops in
 * *RET_OPS (N in *RET_N_OPS) when RET_OPS is not NULL.  Refused (-EBADMSG
 * with *RET_ERROR) when igpuctl cannot edit the file safely.
 */
int igp_plan_line_file(struct igp_plan *p, const char *path, enum igp_cmdline_file kind,
		       const struct igp_kwant *w, size_t nw, struct igp_kop **ret_ops, size_t *ret_n_ops,
		       char **ret_error);

/* systemd-boot's configured command line: /etc/kernel/cmdline, else the
 * options of the default entry (sdboot.h); loader_sdboot.c. */
int igp_sdboot_config(const struct igp_bootloader *b, const char *release, struct igp_boot_config *ret);

#endif
