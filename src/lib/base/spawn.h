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
#include <sys/types.h>

/*
 * Run ARGV (ARGV[0] an absolute path of the real host) with stdin and stderr
 * on /dev/null, and return its standard output, at most MAX bytes
 * (NUL-terminated; the caller frees).  -ENOENT when it cannot be started,
 * -EIO when it exits with a status other than 0.
 */
int igp_spawn_output(char *const argv[], size_t max, char **ret);

/*
 * Run ARGV (an absolute path) with stdin on /dev/null, stdout on OUT_FD and
 * stderr on ERR_FD (-1: this process's own), and wait for it, calling TICK
 * (may be NULL) about every 100 ms meanwhile.  0 and its exit status in
 * *ret_status (128 + N when signal N ended it), -ENOENT when it cannot be
 * started.
 */
int igp_spawn_wait(char *const argv[], int out_fd, int err_fd, void (*tick)(void), int *ret_status);
/* Wait for the child PID, calling TICK (may be NULL) about every 100 ms
 * meanwhile; 0 and its wait status in *status, or a negative errno. */
int igp_wait_child(pid_t pid, void (*tick)(void), int *status);

#endif
