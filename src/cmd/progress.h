/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress of a long step on stderr: what runs and, when it ends, how long
 * it took.
 *
 *	Running update-initramfs -u -k all ...
 *	... done (12.4 s)
 *
 * On a terminal the first line stays open and shows the seconds elapsed
 * while the step runs, then becomes "Running ... done (12.4 s)"; elsewhere
 * (a log, a pipe) no escape codes are written: one line when the step
 * starts, one when it ends.  One step at a time.
 */
#ifndef IGP_PROGRESS_H
#define IGP_PROGRESS_H

/* Start the step WHAT ("Running update-initramfs -u -k all"). */
void progress_begin(const char *what);
/* While it runs (as often as convenient): on a terminal, show the seconds
 * elapsed when they changed; nothing elsewhere. */
void progress_tick(void);
/* It ended: STATUS 0 done, > 0 failed with that exit status, < 0 failed
 * with that negative errno. */
void progress_end(int status);
/* Show every command the library runs (igp_run_argv()) as a step. */
void progress_watch_commands(void);

#endif
