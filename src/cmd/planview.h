/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Showing a plan, asking before applying it, and running its commands
 * (setup, revert and every other command that writes). */
#ifndef IGP_PLANVIEW_H
#define IGP_PLANVIEW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "change/change.h"
#include "change/journal.h"
#include "change/plan.h"

/*
 * Where the plan, the prompt and what was done are printed: stdout, or
 * stderr once planview_text_to_stderr() was called by a command whose
 * stdout is a JSON result (setup -J, revert -J).
 */
FILE *planview_out(void);
void planview_text_to_stderr(void);

/* The commands the plan needs, plus PENDING ones from an interrupted run
 * (a NULL-terminated list of argv vectors; free with igp_argvv_free). */
char ***planview_commands(const struct igp_plan *p, char ***pending, char ***extra);
/* Print the diff, the kernel settings, the commands and the notes. */
void planview_print(const struct igp_plan *p, char ***cmds);
/*
 * Ask "Apply? [y/N]" unless YES.  0: go ahead; -ECANCELED: the user said
 * no; -ENOTTY: stdin is no terminal and YES is not set (already printed).
 */
int planview_confirm(bool yes, const char *what);
/*
 * The step after planview_print(): under DRY_RUN say so and stop, else
 * planview_confirm().  1: go ahead; 0: stop, successfully (dry run);
 * <0: stop, failed (the user said no, or no terminal; already printed).
 */
int planview_dry_run_or_confirm(bool dry_run, bool yes, const char *what);
/*
 * Run the journal's pending commands (or, under --root or with
 * NO_RUN, print them for the user) and clear the ones done.  Each one is
 * added to RESULT (changeresult.h; may be NULL).  Returns the number of
 * failed commands.
 */
int planview_run_pending(struct igp_journal *j, bool no_run, struct json_object *result);

/*
 * Start a change: take the lock and load the journal (printing why not:
 * another igpuctl, a damaged journal).  With PEEK (a dry run) only the
 * journal is read, without the lock and without creating anything.
 * 0, or EXIT_FAIL already reported.
 */
int planview_begin(struct igp_change *c, bool peek);
/*
 * Apply PLAN through the change path as a change named by ARGV (the
 * command's own argv, --yes dropped), print what could not be undone.
 * 0, or EXIT_FAIL already reported.
 */
int planview_apply(struct igp_change *c, const struct igp_plan *plan, char *const *argv, char ***cmds,
		   char ***revert_argvs);
/*
 * A --dry-run of a command whose plan is all it prints (vgpu, vfs): the
 * plan and "Dry run: nothing was changed."; with -J those go to stderr and
 * stdout holds the change result (changeresult.h, "applied": false), as
 * setup -J --dry-run gives it.  EXIT_OK.
 */
int planview_dry_run(const struct igp_plan *p);
/* Print why igp_change_apply() failed with R, and the steps left by hand. */
void planview_report(int r, const struct igp_change_report *rep);
/* Print manual steps ("Left to do by hand:"). */
void planview_print_manual(char *const *manual);
/* "setup --mode full" from a command's argv (--yes/-y left out); caller frees. */
char *planview_command_name(char *const *argv);

#endif
