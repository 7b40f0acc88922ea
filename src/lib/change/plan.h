/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A plan: everything a command is about to change on the host, computed
 * before anything is touched.  File edits are whole before/after texts
 * (rendered with diff.h for --dry-run), commands are argv vectors with the
 * kind of change that makes them necessary.
 *
 * Each file edit carries its *undo* description: which tokens or lines are
 * igpuctl's own.  The journal (journal.h) keeps it, so `revert` can take
 * out exactly those when the user edited the file after igpuctl did.
 */
#ifndef IGP_PLAN_H
#define IGP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "boot/cmdline.h"

enum igp_undo_kind {
	IGP_UNDO_OWNED,	     /* a file igpuctl created: remove its lines, delete when only comments remain */
	IGP_UNDO_LINES,	     /* lines added to a list file (/etc/modules, sysfs.conf) */
	IGP_UNDO_SHELL,	     /* tokens in sourced shell variables (GRUB, mkinitcpio MODULES) */
	IGP_UNDO_KLINE,	     /* tokens in a one-line command line (/etc/kernel/cmdline) */
	IGP_UNDO_BLS,	     /* tokens in a loader entry's options */
	IGP_UNDO_KERNELSTUB, /* strings in kernelstub's user kernel_options */
	IGP_UNDO_NONE,	     /* no partial undo: only a byte-exact restore (a libvirt domain) */
};

struct igp_undo {
	enum igp_undo_kind kind;
	char **vars;	     /* SHELL: the variables whose tokens count */
	char *add_var;	     /* SHELL: where a token comes back */
	bool array;	     /* SHELL: add_var is an array */
	struct igp_kop *ops; /* SHELL, KLINE, BLS */
	size_t n_ops;
	char **lines;	/* LINES, OWNED: igpuctl's lines, without newline */
	char **removed; /* LINES: lines igpuctl took out (revert appends them again) */
};

void igp_undo_done(struct igp_undo *u);
int igp_undo_copy(const struct igp_undo *u, struct igp_undo *ret);
/* Add the ops and lines of SRC to DST (same kind). */
int igp_undo_merge(struct igp_undo *dst, const struct igp_undo *src);
/* Undo U on the text CURRENT of PATH: the new text, or NULL (*ret_delete). */
int igp_undo_unapply(const struct igp_undo *u, const char *path, const char *current, char **ret,
		     bool *ret_delete);

enum {
	IGP_REFRESH_BOOT = 1 << 0,	/* the boot loader must be refreshed */
	IGP_REFRESH_INITRAMFS = 1 << 1, /* the initramfs must be rebuilt */
	IGP_REFRESH_NEXT_BOOT = 1 << 2, /* read at boot only: takes effect after a reboot */
};
/* The refresh bits of a file whose change takes effect only at the next boot. */
#define IGP_REFRESH_REBOOT_MASK (IGP_REFRESH_BOOT | IGP_REFRESH_INITRAMFS | IGP_REFRESH_NEXT_BOOT)

struct igp_file_change {
	char *kind;   /* NULL: a file; else a target of change.h's ops ("libvirt") */
	char *path;   /* host path, or the target's key */
	char *before; /* NULL: absent */
	char *after;  /* NULL: remove */
	mode_t mode;  /* for a new file */
	struct igp_undo undo;
	unsigned refresh;
	char *why;  /* one line for the plan's summary */
	char *note; /* revert: what was done to a file changed since, or NULL */
};

struct igp_plan_cmd {
	char **argv;
	unsigned trigger; /* run when a changed file has one of these bits; 0: always */
	char *why;
};

/* A write to a kernel attribute (sysfs), made after the files, in order. */
struct igp_plan_attr {
	char *path;
	char *value;
	char *why;
};

struct igp_plan {
	struct igp_file_change *files;
	size_t n_files;
	struct igp_plan_attr *attrs;
	size_t n_attrs;
	struct igp_plan_cmd *cmds;
	size_t n_cmds;
	char **notes; /* consequences and warnings, one sentence each */
};

void igp_file_change_done(struct igp_file_change *f);
void igp_plan_done(struct igp_plan *p);
/* Takes ownership of BEFORE, AFTER and UNDO's contents (also on failure).
 * An edit that changes nothing is dropped. */
int igp_plan_add_file(struct igp_plan *p, const char *path, char *before, char *after, mode_t mode,
		      struct igp_undo *undo, unsigned refresh, const char *why);
/* A target other than a file (KIND names change.h's ops); as above. */
int igp_plan_add_target(struct igp_plan *p, const char *kind, const char *key, char *before, char *after,
			const char *why);
/* Write VALUE to the kernel attribute PATH (after the files). */
int igp_plan_add_attr(struct igp_plan *p, const char *path, const char *value, const char *why);
/* Takes ownership of ARGV. */
int igp_plan_add_cmd(struct igp_plan *p, char **argv, unsigned trigger, const char *why);
int igp_plan_add_note(struct igp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The file edit for PATH, or NULL. */
struct igp_file_change *igp_plan_find(struct igp_plan *p, const char *path);
/* Refresh bits of the file edits. */
unsigned igp_plan_triggers(const struct igp_plan *p);
/* Commands that will run: those whose trigger matches (in plan order). */
bool igp_plan_cmd_needed(const struct igp_plan *p, const struct igp_plan_cmd *c, unsigned extra);
/*
 * Whether the change F makes (or undoes) takes effect only after a reboot:
 * the kernel command line, the initramfs, module options, blacklists and the
 * modules loaded at boot (refresh bits of IGP_REFRESH_REBOOT_MASK).  A VM or
 * container configuration, a vGPU definition, a driver override or a VF count
 * that igpuctl also applies at once has none of them.
 */
bool igp_file_change_needs_reboot(const struct igp_file_change *f);
/*
 * Whether applying PLAN and running CMDS (argv vectors, may be NULL) needs a
 * reboot: a file of igp_file_change_needs_reboot(), or any command at all:
 * every command a change runs (an initramfs rebuild, a boot loader refresh,
 * kernelstub) acts on what the next boot reads.
 */
bool igp_plan_needs_reboot(const struct igp_plan *p, char ***cmds);
/* The unified diff of every file edit, in plan order. */
int igp_plan_diff(const struct igp_plan *p, char **ret);

/* Read a file through the path context; *ret NULL when it does not exist,
 * -EBADMSG when it holds a NUL byte (igp_read_text()). */
int igp_read_optional(const char *path, char **ret);

/*
 * Whether commands run: on the real host, or under --root only for the
 * crash tests (IGPUCTL_TEST_RUN_COMMANDS=1 with stand-ins first on PATH,
 * so that the "command" fault point is reached).
 */
bool igp_root_runs_commands(void);
/*
 * Run ARGV (PATH lookup) on the real host and wait.  Its standard output
 * goes to standard error (it is a message: a command's standard output may
 * be JSON), its standard input stays.  Returns the exit status (0 success),
 * 128 + N when signal N ended it, or a negative errno when it could not be
 * started.  Never call under --root.
 */
int igp_run_argv(char *const *argv);
/*
 * Who hears about the commands igp_run_argv() runs (the library never
 * prints; src/cmd shows progress): BEGIN before one starts, TICK about ten
 * times a second while it runs, END with what igp_run_argv() returns.  Any
 * of them may be NULL.
 */
struct igp_run_hook {
	void (*begin)(char *const *argv);
	void (*tick)(void);
	void (*end)(int r);
};
/* HOOK (NULL: none) for the rest of the run; it must outlive it. */
void igp_run_set_hook(const struct igp_run_hook *hook);
/* "update-initramfs -u -k all" (caller frees). */
char *igp_argv_join(char *const *argv);

#endif
