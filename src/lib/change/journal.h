/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal of what igpuctl changed on this host, under /var/lib/igpuctl/
 * (inside the root): journal.json plus backup/ with the bytes of every
 * target before ("ID-GEN.before") and after ("ID-GEN.after") each change.
 * Backups get a fresh name on every write, so a journal saved earlier never
 * points at a newer backup.
 *
 * The journal is a list of *changes*, one per igpuctl run that wrote
 * something (setup, bind --persist, vfs --persist, vgpu define,
 * vm ... --apply), each with an id, the time, the command and the targets
 * it wrote.  `revert --list` shows them, `revert ID` undoes one, `revert`
 * all of them, newest first.
 *
 * A target is a file (its host path) or, through change.h's target ops,
 * something reached through an API (a libvirt domain's definition): the
 * journal only keeps its before/after bytes and how to take out igpuctl's
 * part (plan.h's undo).
 *
 * Format: JSON, {"version": 2, ...}; igp_journal_parse() validates every
 * field (types, backup names, absolute paths, undo records) and refuses
 * anything else with a reason, so a damaged journal is an error message,
 * never a crash.  Version 1 (igpuctl 0.1: one entry per file, no changes)
 * is read as one change.
 */
#ifndef IGP_JOURNAL_H
#define IGP_JOURNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/enumstr.h"
#include "base/util.h"
#include "change/plan.h"

/* The names of undo records and their operations in the journal: "owned",
 * "lines", ..., and "add", "set", "remove". */
IGP_ENUM_DECL(igp_undo_kind, enum igp_undo_kind);
IGP_ENUM_DECL(igp_kop_kind, enum igp_kop_kind);

#define IGP_JOURNAL_VERSION 2

struct igp_jtarget {
	char *kind;	   /* NULL: a file; else change.h's target ops name ("libvirt") */
	char *path;	   /* host path, or the target's key */
	char *before_file; /* backup name; NULL: the target did not exist */
	char *after_file;  /* backup name; NULL: igpuctl removed it */
	mode_t mode;	   /* mode for a restored file that is gone meanwhile */
	unsigned refresh;
	struct igp_undo undo;
};

struct igp_jchange {
	long id;
	long long time; /* seconds since the epoch */
	char *command;	/* "setup --mode full 0000:00:02.0" */
	struct igp_jtarget *t;
	size_t n;
	char ***revert_cmds; /* argv vectors revert runs (kernelstub -d ...) */
	/* Saved ahead of its targets and not yet known to be written: a
	 * crash came in between, so each target is as before or as after. */
	bool pending;
};

struct igp_journal {
	struct igp_jchange *c; /* oldest first */
	size_t n;
	long next_id, gen;
	char ***pending; /* argv vectors still to run */
	bool existed;	 /* journal.json was there */
};

void igp_jtarget_done(struct igp_jtarget *t);
void igp_jchange_done(struct igp_jchange *c);
void igp_journal_done(struct igp_journal *j);

/*
 * Parse journal text (LEN bytes, NUL bytes refused).  -EBADMSG for a
 * damaged journal, -EPROTONOSUPPORT for a newer version; *ret_why (may be
 * NULL) then says what is wrong (caller frees).
 */
int igp_journal_parse(const char *text, size_t len, struct igp_journal *ret, char **ret_why);
/* The JSON text of J (caller frees), or NULL. */
char *igp_journal_format(const struct igp_journal *j);

/* Load (empty journal when absent).  Errors as igp_journal_parse(). */
int igp_journal_load(struct igp_journal *ret, char **ret_why);
int igp_journal_save(const struct igp_journal *j);
/* Remove journal.json, then every backup. */
int igp_journal_remove(void);
/* Remove backups no change of J names (after entries were dropped). */
void igp_journal_prune_backups(const struct igp_journal *j);

/* Read a backup; *ret NULL when NAME is NULL. */
int igp_journal_backup(const char *name, char **ret);
/* Write TEXT (NULL: nothing, *ret_name NULL) as a new backup of change ID. */
int igp_journal_write_backup(struct igp_journal *j, long id, const char *kind, const char *text,
			     char **ret_name);
/* The host path of backup NAME (caller frees). */
char *igp_journal_backup_path(const char *name);

/* The change with id ID, or NULL. */
struct igp_jchange *igp_journal_find(struct igp_journal *j, long id);
/* Append an empty change (id, time, command); returns it or NULL. */
struct igp_jchange *igp_journal_add_change(struct igp_journal *j, const char *command);
/* Drop change at index I (its backups stay until pruned). */
void igp_journal_drop(struct igp_journal *j, size_t i);

/* Append ARGV (copied) to a list of argv vectors unless present. */
int igp_argvv_add(char ****v, char *const *argv);
void igp_argvv_free(char ***v);
DEFINE_TRIVIAL_CLEANUP_FUNC(char ***, igp_argvv_free);
size_t igp_argvv_length(char ***v);

#endif
