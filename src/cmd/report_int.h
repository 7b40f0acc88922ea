/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the parts of `igpuctl report` share (report.c, report_collect.c). */
#ifndef IGP_REPORT_INT_H
#define IGP_REPORT_INT_H

#include <stdbool.h>

#include "report/redact.h"

struct igp_host;

struct report_ctx {
	const char *output; /* -o, or default_output; "-" for stdout */
	char *default_output;
	bool keep_hostname, to_stdout;
	char **names; /* the host's names */
	struct igp_redactor red;
	char *name;  /* "igpuctl-report-HOST-DATE": the top directory */
	char *stage; /* the temporary directory beside the output */
	char *top;   /* stage/name */
	struct igp_host *host;
};

/* What runs now, on stderr (one line per step). */
void report_step(const char *fmt, ...) _printf_(1, 2);
/* Fill c->top; CMD_GO_ON or the exit status. */
int report_collect(struct report_ctx *c);
/* Redact c->top, pack it into c->output; the exit status. */
int report_pack(struct report_ctx *c);
/* summary.md from the model and the files already in c->top. */
int report_summary(struct report_ctx *c);

#endif
