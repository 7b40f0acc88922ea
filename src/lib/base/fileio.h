/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Durable, atomic configuration writes through the root-aware path context.
 *
 * igp_write_file_atomic() never leaves a half-written file behind: the new
 * content goes to a temporary file in the same directory (created with
 * O_CREAT|O_EXCL), is fsync'ed, renamed over the target with renameat(),
 * and the directory is fsync'ed so the rename itself survives a power cut.
 * A reader (or a crash) sees either the old or the new bytes.
 *
 * Paths are host paths ("/etc/default/grub").  The target is resolved inside
 * the root: a symlink (even an absolute one, "/etc/passwd") is followed as
 * if the root were "/", and the parent directory is opened with
 * igp_open(O_PATH|O_DIRECTORY), which cannot leave the root either.  The
 * write then replaces the symlink's *target*, so a distribution that keeps
 * /etc/default/grub as a link keeps it.
 *
 * Temporary files are named ".NAME.igpuctl-tmp-XXXXXX": they never end in
 * ".conf", ".cfg" or ".rules", so no configuration reader picks up a
 * leftover from a crash, and igp_remove_stale_temps() recognises them.
 *
 * Every step passes a fault-injection point (fault.h).
 */
#ifndef IGP_FILEIO_H
#define IGP_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IGP_TMP_MARKER ".igpuctl-tmp-"

/*
 * Replace (or create) PATH with SIZE bytes of DATA.  An existing file keeps
 * its mode and owner; a new one gets CREATE_MODE (before umask is *not*
 * applied: the mode is set explicitly).  Missing parent directories are not
 * created: see igp_mkdir_parents().  Returns 0 or a negative errno; on
 * failure the target is untouched and the temporary file removed.
 */
int igp_write_file_atomic(const char *path, const void *data, size_t size, mode_t create_mode);

/* Remove PATH (durably: the directory is fsync'ed).  -ENOENT if absent. */
int igp_unlink_durable(const char *path);

/*
 * Create the missing directories leading to PATH (not PATH itself), each
 * with MODE, inside the root.  Returns 0 or a negative errno.
 */
int igp_mkdir_parents(const char *path, mode_t mode);

/*
 * The mode of PATH (following symlinks inside the root): 0 and *ret_mode,
 * -ENOENT when absent.
 */
int igp_file_mode(const char *path, mode_t *ret_mode);

/*
 * Remove leftover temporary files of an interrupted igp_write_file_atomic()
 * in directory DIR (only names containing IGP_TMP_MARKER).  Returns the
 * number removed or a negative errno; a missing DIR is 0.
 */
int igp_remove_stale_temps(const char *dir);

/*
 * Canonical host path of PATH inside the root, with the last component
 * followed too when it is a symlink (it need not exist).  Caller frees.
 */
int igp_resolve_target(const char *path, char **ret);

#endif
