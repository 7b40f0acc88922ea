/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs of two texts, as `diff -u` / `git diff` print them, for
 * every --dry-run (setup, revert, VM configuration edits).
 *
 * Lines are compared with Myers' O(ND) algorithm (minimal edit script),
 * hunks carry 3 lines of context, headers are "--- a/PATH" / "+++ b/PATH"
 * so that `patch -p1 -d ROOT` applies the output, and "/dev/null" stands for
 * an absent file.  A last line without a newline is followed by
 * "\ No newline at end of file", as in GNU diff.
 */
#ifndef IGP_DIFF_H
#define IGP_DIFF_H

#define IGP_DIFF_CONTEXT 3

/*
 * Diff OLD against NEW for host path PATH ("/etc/default/grub").  NULL
 * stands for an absent file (creation / removal).  *ret is the diff text
 * (caller frees); "" when both are equal.  Returns 0 or -ENOMEM.
 */
int igp_diff_unified(const char *path, const char *old, const char *new_, char **ret);

#endif
