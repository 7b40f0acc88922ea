/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GRUB's environment block (grubenv, written by grub2-editenv,
 * grub-set-default, grub-reboot; GRUB manual, "Environment block"): a file
 * of 1024 bytes that starts "# GRUB Environment Block", then one "NAME=VALUE"
 * line per variable, padded with '#' to its size.  A backslash escapes the
 * byte after it in a value (GRUB's envblk.c writes '\\' and a newline so).
 */
#ifndef IGP_GRUBENV_H
#define IGP_GRUBENV_H

#include <stddef.h>

/* KEY's value in the block TEXT of LEN bytes (it may hold NUL bytes): 1
 * with *RET (caller frees), 0 when KEY is not set, -ENOMEM. */
int igp_grubenv_get(const char *text, size_t len, const char *key, char **ret);

#endif
