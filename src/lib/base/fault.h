/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection for the crash-safety tests.
 *
 * IGPUCTL_FAULT=NAME:N[:ACTION] makes the Nth pass (counting from 1) through
 * the named point fail: ACTION "error" (the default) makes igp_fault()
 * return -EIO, "enoent" and "ebusy" -ENOENT and -EBUSY (what the kernel
 * answers a sysfs write it refuses), "kill" raises SIGKILL right there, as a
 * power cut or an OOM kill would.  A comma-separated list names several
 * passes (of one point or of several: each point counts its own passes), so
 * that a rollback can be made to fail too.  Without the variable every point is a no-op.
 *
 * The points (fileio.c, journal.c, plan.c) are:
 *   tmp-create   before the temporary file is created
 *   tmp-write    after half of the new content was written to the temp file
 *   tmp-fsync    before the temporary file is fsync'ed
 *   rename       before the temp file is renamed over the target
 *   renamed      after the rename, before the directory is fsync'ed
 *   unlink       before a file is removed
 *   unlinked     after the removal, before the directory is fsync'ed
 *   journal      before the journal is saved (entry recorded / updated)
 *   command      before an external command is run
 *   attr         before a kernel setting (a sysfs attribute) is written
 * tests/setup/crash.sh walks every point with every N that is reached.
 */
#ifndef IGP_FAULT_H
#define IGP_FAULT_H

/* 0, or the negative errno of the action when this pass is the configured
 * one (or never returns). */
int igp_fault(const char *point);

#endif
