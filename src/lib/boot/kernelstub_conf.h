/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernelstub's configuration, /etc/kernelstub/configuration (JSON). */
#ifndef IGP_KERNELSTUB_CONF_H
#define IGP_KERNELSTUB_CONF_H

#include <stddef.h>

#include "boot/cmdline.h"

/*
 * kernelstub's JSON configuration: the strings of "user" -> "kernel_options"
 * as tokens (spans include the quotes), edited in place so the rest of the
 * file keeps its bytes.  -ENOENT when the array is missing.
 */
int igp_kernelstub_tokens(const char *text, struct igp_kline *ret);
int igp_kernelstub_apply(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret);
/* Is TEXT (LEN bytes) strict JSON, as kernelstub's json.load() wants?
 * 0, or -EBADMSG with the offset where it stops being so. */
int igp_kernelstub_check(const char *text, size_t len, size_t *ret_off);

#endif
