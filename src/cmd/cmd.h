/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command table and what every command shares: the global options and
 * the one place where errors are printed.
 *
 * A command is `int cmd_NAME(int argc, char *argv[])`; argv[0] is the
 * command name, so getopt_long works as usual.  It returns the exit status:
 * EXIT_OK, EXIT_FAIL (1) or EXIT_USAGE (64), or its own documented codes
 * (check: 0/1/2).  Usage errors are sysexits.h's EX_USAGE so that a script
 * can tell a typo from a refusal or from check's warnings and failures.
 */
#ifndef IGP_CMD_H
#define IGP_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <sysexits.h>

#include "base/util.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = EX_USAGE,
	/* What a step of a command returns to let the next one run; any
	 * other value is the exit status (--help stops with EXIT_OK). */
	CMD_GO_ON = -1,
};

struct igp_globals {
	bool json;
	int verbose;
	const char *root;    /* as given, NULL for the host */
	char *command_line;  /* "setup --mode full" as typed (--yes left out), for the journal */
	const char *command; /* "list", "vgpu create": for the --help hint of log_usage(NULL, ...) */
};
extern struct igp_globals arg_g;

struct igp_command {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *summary;
};
/* NULL-terminated by an entry with name == NULL. */
extern const struct igp_command igp_commands[];
/* Commands not in --help: __complete, for the completion scripts. */
extern const struct igp_command igp_hidden_commands[];

/*
 * The messages are one line each: control characters and bytes that are not
 * UTF-8 in them (from what the user typed) are escaped, and an overlong one
 * is shortened in the middle.
 */
/* Print "igpuctl: <message>" to stderr; returns EXIT_FAIL. */
int log_error(const char *fmt, ...) _printf_(1, 2);
/* Print "igpuctl: <message>: <strerror(-r)>" to stderr; returns EXIT_FAIL. */
int log_error_errno(int r, const char *fmt, ...) _printf_(2, 3);
/* A usage error: message plus a hint to --help; returns EXIT_USAGE.
 * cmd NULL: the command that runs (arg_g.command), or none. */
int log_usage(const char *cmd, const char *fmt, ...) _printf_(2, 3);
/*
 * The usage error for an option getopt_long() refused (it returned c, '?'
 * or ':'): unknown, ambiguous, missing its value or given one it does not
 * take.  The option string must start with ':' so that getopt_long() prints
 * nothing itself.
 */
int log_usage_option(const char *cmd, int c, int argc, char *argv[], const struct option *opts);
/* Informational line on stderr, only with -v. */
void log_debug(const char *fmt, ...) _printf_(1, 2);

/* Load the host model or print why it failed (returns NULL then). */
struct igp_host;
struct igp_host *load_host_or_complain(void);
/*
 * Taking D from its driver to DRIVER (setup --mode full, bind, vm) while
 * containers use its render node (igp_host_ct_guard()): refused with one
 * line naming them (EXIT_FAIL) unless FORCE, then a note on stderr.
 * CMD_GO_ON to go on; an error reading the guests is EXIT_FAIL too.
 */
struct igp_pci_dev;
int refuse_ct_takers(const struct igp_host *h, const struct igp_pci_dev *d, const char *driver, bool force);

/* Shared options of table commands: -o/--output, -n/--noheadings, -r/--raw. */
struct table_opts {
	const char *output; /* comma-separated column list or NULL */
	bool noheadings, raw;
};

int cmd_status(int argc, char *argv[]);
int cmd_list(int argc, char *argv[]);
int cmd_iommu(int argc, char *argv[]);
int cmd_show(int argc, char *argv[]);
int cmd_vm(int argc, char *argv[]);
int cmd_guest(int argc, char *argv[]);
int cmd_vgpu(int argc, char *argv[]);
int cmd_vfs(int argc, char *argv[]);
int cmd_setup(int argc, char *argv[]);
int cmd_revert(int argc, char *argv[]);
int cmd_bind(int argc, char *argv[]);
int cmd_unbind(int argc, char *argv[]);
int cmd_check(int argc, char *argv[]);
int cmd_ct(int argc, char *argv[]);
int cmd_complete(int argc, char *argv[]);
int cmd_report(int argc, char *argv[]);

/*
 * The getopt tables of the commands, which __complete offers (complete.c):
 * what a command takes is what completion offers.  cmd_opts_global are
 * the options main() takes before or after the command.
 */
extern const struct option cmd_opts_global[];
extern const struct option cmd_opts_status[], cmd_opts_list[], cmd_opts_iommu[], cmd_opts_show[],
    cmd_opts_check[], cmd_opts_guest[], cmd_opts_setup[], cmd_opts_revert[], cmd_opts_bind[],
    cmd_opts_unbind[], cmd_opts_vfs[], cmd_opts_ct[], cmd_opts_report[];
extern const struct option cmd_opts_vgpu_types[], cmd_opts_vgpu_create[], cmd_opts_vgpu_list[],
    cmd_opts_vgpu_remove[], cmd_opts_vgpu_start_defined[];
extern const struct option cmd_opts_vm_qemu[], cmd_opts_vm_libvirt[], cmd_opts_vm_proxmox[],
    cmd_opts_vm_lint[];

#endif
