/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <time.h>

#include "base/util.h"
#include "change/plan.h"
#include "progress.h"

static struct {
	char *what;
	struct timespec start;
	long shown; /* whole seconds on the terminal line, -1 none yet */
	bool tty, open;
} step;

static double elapsed(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - step.start.tv_sec) + (double)(now.tv_nsec - step.start.tv_nsec) / 1e9;
}

void progress_begin(const char *what)
{
	free(step.what);
	step.what = strdup(what ? what : "?");
	step.tty = isatty(STDERR_FILENO);
	step.shown = -1;
	step.open = true;
	clock_gettime(CLOCK_MONOTONIC, &step.start);
	fflush(stdout);
	fprintf(stderr, "%s ...%s", step.what ? step.what : "?", step.tty ? "" : "\n");
	fflush(stderr);
}

void progress_tick(void)
{
	long s;

	if (!step.open || !step.tty)
		return;
	s = (long)elapsed();
	if (s == step.shown || s < 1)
		return;
	step.shown = s;
	/* Carriage return and "erase to the end of the line" (ECMA-48 EL). */
	fprintf(stderr, "\r\033[K%s ... %ld s", step.what ? step.what : "?", s);
	fflush(stderr);
}

void progress_end(int status)
{
	char how[96];
	double t;

	if (!step.open)
		return;
	t = elapsed();
	if (status == 0)
		snprintf(how, sizeof(how), "done");
	else if (status > 0)
		snprintf(how, sizeof(how), "failed, exit status %d", status);
	else
		snprintf(how, sizeof(how), "failed: %s", strerror(-status));
	if (step.tty)
		fprintf(stderr, "\r\033[K%s ... %s (%.1f s)\n", step.what ? step.what : "?", how, t);
	else
		fprintf(stderr, "... %s (%.1f s)\n", how, t);
	fflush(stderr);
	step.open = false;
	free(step.what);
	step.what = NULL;
}

static void command_begin(char *const *argv)
{
	_cleanup_free_ char *s = igp_argv_join(argv);
	_cleanup_free_ char *what = strdupf("Running %s", s ? s : "?");
	progress_begin(what);
}

void progress_watch_commands(void)
{
	static const struct igp_run_hook hook = {
	    .begin = command_begin,
	    .tick = progress_tick,
	    .end = progress_end,
	};
	igp_run_set_hook(&hook);
}
