/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one change path.  Every command that writes to the host (setup,
 * revert, bind --persist, vfs, vgpu define, vm ... --apply) goes through
 * it, in this order:
 *
 *   1. igp_change_begin(): take the lock for the root (a POSIX record lock
 *      on /var/lib/igpuctl/lock; a second igpuctl waits a few seconds, then
 *      is refused with the holder's pid), then load and validate the
 *      journal.  The caller computes its plan only after this, so the plan
 *      rests on what no other igpuctl can change meanwhile.
 *   2. The caller shows the plan (a diff) and asks.
 *   3. igp_change_apply(): right before writing, every target is read again
 *      and compared with the plan's "before": an edit made meanwhile (by an
 *      editor, or while the prompt waited) stops everything with -ESTALE
 *      before anything is written.  Then the backups, the journal naming
 *      them and the plan's commands as pending, then the targets
 *      (atomically, fileio.h), then the kernel attributes.
 *   4. On a failure the targets written so far are put back; what cannot
 *      be put back is named, with the manual step, in the report, and stays
 *      in the journal for `revert`.
 *
 * Revert (igp_change_revert_plan / _apply) undoes all changes, newest
 * first, or one change by id.  It never gives up as a whole: a target that
 * cannot be undone keeps its journal record and gets a manual step; the
 * others are undone.  A target changed since igpuctl wrote it keeps those
 * changes and loses only igpuctl's part (plan.h's undo).
 */
#ifndef IGP_CHANGE_H
#define IGP_CHANGE_H

#include <stdbool.h>
#include <sys/types.h>

#include "change/journal.h"
#include "change/plan.h"

/* How long a second igpuctl waits for the lock (IGPUCTL_LOCK_TIMEOUT overrides). */
#define IGP_LOCK_WAIT_MS 5000

/*
 * A target that is not a file (a libvirt domain definition): registered by
 * the command that can reach it.  Bytes are compared like a file's.
 */
struct igp_target_ops {
	const char *kind;
	/* The current bytes (*ret NULL: absent). */
	int (*read)(const char *key, char **ret);
	/* Make it TEXT (NULL: remove it). */
	int (*write)(const char *key, const char *text);
	/* "libvirt domain win11" (caller frees). */
	char *(*describe)(const char *key);
};
/* Register OPS for the rest of the run (one per kind; the last wins). */
void igp_change_register(const struct igp_target_ops *ops);

struct igp_change {
	struct igp_journal j;
	int lock_fd;
};

/*
 * Take the lock and load the journal.  -EBUSY: another igpuctl holds the
 * lock (*ret_holder its pid, 0 when unknown); -EBADMSG/-EPROTONOSUPPORT: the
 * journal is damaged or newer (*ret_why says how; caller frees).
 */
int igp_change_begin(struct igp_change *c, pid_t *ret_holder, char **ret_why);
/* Release the lock and the journal. */
void igp_change_end(struct igp_change *c);

/* What a write or a revert could not do, for the user to do by hand. */
struct igp_change_report {
	char *failed;  /* the target whose write failed or that changed meanwhile */
	char **manual; /* one sentence per step left to the user */
};
void igp_change_report_done(struct igp_change_report *r);

/*
 * Apply PLAN as a new change recorded as COMMAND; CMDS (argv vectors) become
 * pending before the first write, REVERT_ARGVS are what revert runs.
 * Returns 0, or a negative errno with REP filled: -ESTALE when a target no
 * longer matches the plan (nothing written), any other error after the
 * targets written were put back (REP->manual lists what could not be).
 */
int igp_change_apply(struct igp_change *c, const struct igp_plan *plan, const char *command, char ***cmds,
		     char ***revert_argvs, struct igp_change_report *rep);

/* Save the journal (after the caller ran or cleared pending commands). */
int igp_change_save(struct igp_change *c);
/* Save it, or remove it and every backup when no change and no pending
 * command is left; backups no change names any more are removed. */
int igp_change_finish(struct igp_change *c);

/* A revert: the plan, and per journal target what became of it. */
struct igp_revert_target {
	long change_id;
	size_t target; /* index in that change */
	long file;     /* index of the plan's file edit, or -1: nothing to write */
	char *manual;  /* cannot be undone: the step left to the user */
};
struct igp_revert {
	struct igp_plan plan;
	struct igp_revert_target *t;
	size_t n;
	long id;      /* 0: every change */
	char ***cmds; /* revert commands of the changes undone (kernelstub -d ...) */
};
void igp_revert_done(struct igp_revert *r);

/*
 * Plan the revert of change ID (0: all, newest first).  -ENOENT: no such
 * change.  Targets that cannot be undone get a manual step, not an error.
 */
int igp_change_revert_plan(struct igp_change *c, long id, struct igp_revert *ret);
/*
 * Write the revert plan (each target checked against the plan first), drop
 * the journal records of what was undone and save it (or remove it when
 * nothing is left).  Returns the number of targets left to the user (their
 * steps in REP->manual), or a negative errno when the journal itself could
 * not be written.
 */
int igp_change_revert_apply(struct igp_change *c, struct igp_revert *rv, struct igp_change_report *rep);

/* Read a target's bytes (files: -EBADMSG when it holds a NUL byte). */
int igp_change_read_target(const char *kind, const char *path, char **ret);
/* Write a target atomically (NULL: remove it); stale temp files of a killed
 * igpuctl next to it go first (only ever called under the lock). */
int igp_change_write_target(const char *kind, const char *path, const char *text, mode_t mode);
/* Remove the temp files a killed igpuctl left next to a file target that
 * needs no write (under the lock, as above). */
void igp_change_clean_temps(const char *kind, const char *path);
/* "libvirt domain win11" or the path itself (caller frees). */
char *igp_change_describe(const char *kind, const char *path);

#endif
