/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Showing findings in check's form (checks.h: id, status, message, remedy)
 * and the exit status they give: `igpuctl check` and `igpuctl vm lint`.
 * Exit status: 0 all pass (or skipped), 1 warnings only, 2 a failure
 * (also when the host cannot be read); usage errors are EXIT_USAGE.
 */
#ifndef IGP_CHECKVIEW_H
#define IGP_CHECKVIEW_H

#include <stdbool.h>

#include "checks/checks.h"
#include "cmd.h"

enum {
	CHECK_EXIT_PASS = 0,
	CHECK_EXIT_WARN = 1,
	CHECK_EXIT_FAIL = 2,
};

/* The default columns, comma-separated, for --help (caller frees; NULL on -ENOMEM). */
char *checkview_default_columns(void);
/* "  NAME  what it shows" for every column, for --help. */
void checkview_columns_help(void);
/* Refuse unknown -o columns: 0, or the exit status after the error is printed. */
int checkview_opts_check(const struct table_opts *t);
/* The report as JSON ({"checks":[...]}) with -J, else a table (with the
 * DEVICE column when MULTI) and its counts.  0 or a negative errno. */
int checkview_print(const struct igp_check_report *rep, const struct table_opts *t, bool multi);
/* CHECK_EXIT_* for the worst finding. */
int checkview_exit_status(const struct igp_check_report *rep);

#endif
