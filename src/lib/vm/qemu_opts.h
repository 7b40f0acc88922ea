/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a QEMU command line: the values of options such as -device and
 * -machine in QEMU's own option syntax (QemuOpts, util/qemu-option.c), and
 * the command line split into options and their arguments.  What the
 * options mean for a VM is vmspec.h's job.
 */
#ifndef IGP_QEMU_OPTS_H
#define IGP_QEMU_OPTS_H

#include <stdbool.h>
#include <stddef.h>

struct igp_qemu_opt {
	char *key;
	char *value;
};

struct igp_qemu_opts {
	struct igp_qemu_opt *v;
	size_t n;
};

/*
 * Parse a QemuOpts value "DRIVER,key=value,flag" as opts_do_parse() does:
 * items are separated by single commas, ",," is a comma inside a value; the
 * first item without '=' is the value of IMPLIED_KEY ("driver" for
 * -device, "type" for -machine and -display) when that is not NULL; any
 * other item without '=' is a flag set to "on".  -EINVAL for an empty key
 * ("=x", ",,"-only names) or IMPLIED_KEY NULL with an item without '=' as
 * first; -ENOMEM.  Keys keep their order and repeats (the last one counts).
 */
int igp_qemu_opts_parse(const char *s, const char *implied_key, struct igp_qemu_opts *ret);
void igp_qemu_opts_done(struct igp_qemu_opts *o);
/* The value of KEY (the last one given, as in QEMU), or NULL.  Borrowed. */
const char *igp_qemu_opts_get(const struct igp_qemu_opts *o, const char *key);
/* A QEMU boolean (qapi's on/off, yes/no, true/false): 1, 0, or -1 when
 * absent or anything else. */
int igp_qemu_opts_bool(const struct igp_qemu_opts *o, const char *key);

/*
 * Split the text of Proxmox VE's `args:` line into words as qemu-server
 * does (PVE::Tools::split_args, shellwords): blanks separate, '...' and
 * "..." quote, a backslash escapes the next character.  -EINVAL for an
 * unterminated quote; -ENOMEM.
 */
int igp_qemu_split_words(const char *s, char ***ret);

#endif
