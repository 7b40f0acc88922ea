/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a program of the real host and keeping what it prints: the only
 * way to ask rpm for its (sqlite) database or QEMU for its version when no
 * package database says.  Never used on a --root tree's binaries: they may
 * belong to another system.
 */
#ifndef IGP_SPAWN_H
#define IGP_SPAWN_H

#include <stddef.h>

/*
 * Run ARGV (ARGV[0] an absolute path of the real host) with stdin and stderr
 * on /dev/null, and return its standard output, at most MAX bytes
 * (NUL-terminated; the caller frees).  -ENOENT when it cannot be started,
 * -EIO when it exits with a status other than 0.
 */
int igp_spawn_output(char *const argv[], size_t max, char **ret);

#endif
