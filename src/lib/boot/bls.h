/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loader entries of the Boot Loader Specification (type #1). */
#ifndef IGP_BLS_H
#define IGP_BLS_H

#include <stdbool.h>

#include "boot/cmdline.h"

/*
 * A loader entry (Boot Loader Specification type #1): the tokens of its
 * "options" lines, with spans in the file.  Apply ADD to the last options
 * line (or a new "options" line), SET/REMOVE in place.
 */
int igp_bls_tokens(const char *text, struct igp_kline *ret);
int igp_bls_apply(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret);
/* Does the entry boot Linux (has a "linux" line)? */
bool igp_bls_is_linux(const char *text);

#endif
