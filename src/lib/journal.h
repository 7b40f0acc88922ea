/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal of what setup (and bind --persist) changed, under
 * /var/lib/igpuctl/ (inside the root): journal.json plus backup/ with the
 * bytes of each file before igpuctl's first change ("ID-GEN.before") and
 * after its last ("ID-GEN.after").  Backups get a fresh name on every
 * write, so a journal saved earlier never points at a newer backup.
 *
 * Order of every file step (igp_journal_apply()):
 *   1. write the backups, 2. save the journal naming them, 3. write the
 *   file.  A crash between 2 and 3 leaves a journal whose "after" the file
 *   does not have yet; nothing depends on the step having happened:
 *   revert compares the file with the recorded before/after bytes.
 *
 * Revert, per entry (newest first): file == after  -> restore "before"
 * byte for byte (or delete a file igpuctl created); file == before ->
 * nothing; otherwise the user changed it since: undo only igpuctl's tokens
 * or lines (plan.h's undo) and say so.
 *
 * Commands (update-grub, update-initramfs ...) a change needs are saved as
 * "pending" before the first file is written and cleared once they ran,
 * so a re-run after a crash still runs them.
 */
#ifndef IGP_JOURNAL_H
#define IGP_JOURNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"

struct igp_jentry {
	long id;
	char *path;
	char *before_file; /* backup name; NULL: the file did not exist */
	char *after_file;  /* backup name; NULL: igpuctl removed the file */
	mode_t mode;       /* mode for a restored file that is gone meanwhile */
	unsigned refresh;
	struct igp_undo undo;
};

struct igp_journal {
	struct igp_jentry *e;
	size_t n;
	long next_id, gen;
	char ***pending;     /* argv vectors still to run */
	char ***revert_cmds; /* argv vectors revert runs (kernelstub -d ...) */
	bool existed;        /* journal.json was there */
};

/* Load (empty journal when absent); removes stale temp files first. */
int igp_journal_load(struct igp_journal *ret);
void igp_journal_done(struct igp_journal *j);
int igp_journal_save(const struct igp_journal *j);
/* Remove journal.json and the backups (after a complete revert). */
int igp_journal_remove(struct igp_journal *j);

/* Read a backup; *ret NULL when NAME is NULL. */
int igp_journal_backup(const char *name, char **ret);

/* Append ARGV (copied) to a list of argv vectors unless present. */
int igp_argvv_add(char ****v, char *const *argv);
void igp_argvv_free(char ***v);

/*
 * Apply the file edits of PLAN with backups and journal (commands are the
 * caller's, see pending).  On failure the files written so far are put
 * back and the journal as it was is saved again (best effort); *ret_failed
 * names the path that failed (caller frees).
 */
int igp_journal_apply(struct igp_journal *j, const struct igp_plan *plan, char **ret_failed);

/*
 * The revert plan: one file edit per journal entry that still differs from
 * what revert should leave.  Edits of files changed since carry a note.
 */
int igp_journal_revert_plan(const struct igp_journal *j, struct igp_plan *ret);

/*
 * Write the files of a revert plan (atomic, in order), then drop every
 * entry and the revert commands from the journal and save it (pending
 * commands stay, for the caller to run and clear).
 */
int igp_journal_revert_apply(struct igp_journal *j, const struct igp_plan *plan, char **ret_failed);

#endif
