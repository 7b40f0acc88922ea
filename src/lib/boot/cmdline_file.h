/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files holding a kernel command line of their own, by kind. */
#ifndef IGP_CMDLINE_FILE_H
#define IGP_CMDLINE_FILE_H

#include <stddef.h>

#include "boot/cmdline.h"

/* The files holding a command line of their own. */
enum igp_cmdline_file {
	IGP_CMDLINE_KLINE,	/* /etc/kernel/cmdline */
	IGP_CMDLINE_BLS,	/* a loader entry's "options" */
	IGP_CMDLINE_KERNELSTUB, /* kernelstub's JSON configuration */
};

/*
 * Can igpuctl edit TEXT (LEN bytes), a file of KIND?  0, or -EBADMSG with
 * the offset of the problem and what it is: a NUL byte, a double quote
 * that never closes (the kernel's next_arg() would take everything after
 * it, igpuctl's parameters too, into one value), JSON that does not parse.
 */
int igp_cmdline_file_check(enum igp_cmdline_file kind, const char *text, size_t len, size_t *ret_off,
			   const char **ret_what);
/* The tokens of a file of KIND. */
int igp_cmdline_file_tokens(enum igp_cmdline_file kind, const char *text, struct igp_kline *ret);
/* The tokens of the command line file PATH of KIND as a vector, or NULL
 * when it cannot be read. */
char **igp_cmdline_file_read_tokens(const char *path, enum igp_cmdline_file kind);
/* Apply OPS to a file of KIND. */
int igp_cmdline_file_apply(enum igp_cmdline_file kind, const char *text, const struct igp_kop *ops,
			   size_t n_ops, char **ret);

#endif
