/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>

#include "cmd.h"
#include "planview.h"
#include "progress.h"
#include "config.h"
#include "model/host.h"
#include "model/workloads.h"
#include "base/paths.h"
#include "base/strbuf.h"

struct igp_globals arg_g;

/*
 * Messages quote what the user typed, and that may be anything: a newline
 * would start a second "igpuctl:" line, an escape sequence would reach the
 * terminal, stray bytes would make the line invalid UTF-8 and a 100 KB
 * argument would bury the message.  So every message is written as one line
 * of printable text: control characters and bytes that are not UTF-8 as
 * \n, \t, \r or \xNN, and a message longer than MESSAGE_MAX with its middle
 * replaced by "..." (the start says what, the end usually why).
 */
#define MESSAGE_MAX 1000
#define MESSAGE_HEAD 120

static void put_message(const char *msg)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_strbuf_ struct strbuf b = {};
	const unsigned char *s = (const unsigned char *)msg;
	size_t n = strlen(msg), len, head, tail;

	for (size_t i = 0; i < n;) {
		size_t u = s[i] >= 0x80 ? utf8_char_len((const char *)s + i, n - i) : 0;
		if (u) {
			strbuf_add(&b, msg + i, u);
			i += u;
			continue;
		}
		if (s[i] == '\n')
			strbuf_puts(&b, "\\n");
		else if (s[i] == '\t')
			strbuf_puts(&b, "\\t");
		else if (s[i] == '\r')
			strbuf_puts(&b, "\\r");
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			strbuf_printf(&b, "\\x%02x", s[i]);
		else
			strbuf_putc(&b, (char)s[i]);
		i++;
	}
	len = b.len;
	buf = strbuf_steal(&b);
	if (!buf) {
		fputs("(out of memory)", stderr);
		return;
	}
	if (len <= MESSAGE_MAX) {
		fputs(buf, stderr);
		return;
	}
	/* Cut on character boundaries: never inside a UTF-8 sequence. */
	head = MESSAGE_HEAD;
	while (head > 0 && (buf[head] & 0xc0) == 0x80)
		head--;
	tail = len - (MESSAGE_MAX - MESSAGE_HEAD - 3);
	while (tail < len && (buf[tail] & 0xc0) == 0x80)
		tail++;
	fwrite(buf, 1, head, stderr);
	fputs("...", stderr);
	fputs(buf + tail, stderr);
}

static _printf_(1, 0) void put_messagev(const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = strdupvf(fmt, ap);

	fputs("igpuctl: ", stderr);
	put_message(msg ? msg : fmt);
}

int log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_messagev(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int log_error_errno(int r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_messagev(fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(r < 0 ? -r : r));
	return EXIT_FAIL;
}

int log_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_messagev(fmt, ap);
	va_end(ap);
	if (!cmd)
		cmd = arg_g.command;
	fprintf(stderr, "\nTry 'igpuctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int log_usage_option(const char *cmd, int c, int argc, char *argv[], const struct option *opts)
{
	/* getopt_long() has just moved past the argument it refused. */
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : NULL;
	const struct option *found = NULL;
	_cleanup_free_ char *name = NULL, *alts = NULL;
	size_t n_found = 0;

	if (arg && startswith(arg, "--") && arg[2] && arg[2] != '=') {
		name = strndup(arg, strcspn(arg, "="));
		if (!name)
			return log_error_errno(-ENOMEM, "Failed to parse the options");
		/* What getopt_long() matched: the exact name, else the one
		 * option the abbreviation stands for. */
		for (const struct option *o = opts; o && o->name; o++) {
			if (streq(o->name, name + 2)) {
				found = o;
				n_found = 1;
				break;
			}
			if (startswith(o->name, name + 2)) {
				found = o;
				n_found++;
				if (strextendf(&alts, "%s--%s", alts ? ", " : "", o->name) < 0)
					return log_error_errno(-ENOMEM, "Failed to parse the options");
			}
		}
	}
	/* optopt is 0 for an unknown or ambiguous long option, the option's
	 * value for a long option refused otherwise, the character for a
	 * short option (whose argv element need not be argv[optind - 1]). */
	if (name && (optopt == 0 || (n_found == 1 && found->val == optopt))) {
		if (optopt == 0 && n_found > 1)
			return log_usage(cmd, "option '%s' is ambiguous: %s", name, alts);
		if (optopt == 0)
			return log_usage(cmd, "unknown option '%s'", name);
		if (c == ':')
			return log_usage(cmd, "option '--%s' needs a value", found->name);
		return log_usage(cmd, "option '--%s' takes no value", found->name);
	}
	if (c == ':')
		return log_usage(cmd, "option '-%c' needs a value", optopt);
	if (optopt == 0 && arg)
		return log_usage(cmd, "unknown option '%s'", arg); /* "--=x" */
	return log_usage(cmd, "unknown option '-%c'", optopt);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!arg_g.verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct igp_host *load_host_or_complain(void)
{
	struct igp_host *h = NULL;
	int r = igp_host_load(&h);

	if (r == -ENOENT)
		log_error("%s%s does not exist: is %s a Linux root with sysfs mounted?", igp_root(),
			  IGP_SYS_PCI_DEVICES, igp_root());
	else if (r < 0)
		log_error_errno(r, "Failed to read the PCI devices of %s", igp_root());
	return r < 0 ? NULL : h;
}

int refuse_ct_takers(const struct igp_host *h, const struct igp_pci_dev *d, const char *driver, bool force)
{
	_cleanup_free_ char *msg = NULL;
	int r = igp_host_ct_guard(h, d, driver, force, &msg);

	if (r == -EUSERS)
		return log_error("refusing: %s", msg);
	if (r < 0)
		return log_error_errno(r, "Failed to read the containers that use %s", d->address);
	if (msg)
		fprintf(stderr, "Note: %s\n", msg);
	return CMD_GO_ON;
}

static void usage(void)
{
	printf("Usage: igpuctl [--root DIR] [-J|--json] [-v] COMMAND [ARGS]\n\n"
	       "Make GPU passthrough to virtual machines work: full passthrough (vfio-pci),\n"
	       "GVT-g vGPUs and SR-IOV virtual functions, for Proxmox VE, libvirt and QEMU.\n\n"
	       "Commands:\n");
	for (const struct igp_command *c = igp_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nOptions:\n"
	       "  --root DIR     read and write inside DIR instead of / (also IGPUCTL_ROOT)\n"
	       "  -J, --json     JSON output\n"
	       "  -v, --verbose  say more on stderr\n"
	       "  -h, --help     this help; 'igpuctl COMMAND --help' for a command\n"
	       "  -V, --version  the version\n\n"
	       "Without a command, igpuctl runs 'status'.\n");
}

/* The global options: take_globals() parses them, __complete offers them. */
const struct option cmd_opts_global[] = {
    {"root", required_argument, NULL, 'R'}, {"json", no_argument, NULL, 'J'},
    {"verbose", no_argument, NULL, 'v'},    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},    {},
};

/* The global option that A is: "--NAME", "--NAME=VALUE" (for one with a
 * value) or "-C" ("--root" has no short form); else NULL. */
static const struct option *global_option(const char *a)
{
	for (const struct option *o = cmd_opts_global; o->name; o++) {
		size_t n = strlen(o->name);
		if (startswith(a, "--") && strncmp(a + 2, o->name, n) == 0 &&
		    (!a[n + 2] || (a[n + 2] == '=' && o->has_arg == required_argument)))
			return o;
		if (a[0] == '-' && a[1] == o->val && !a[2] && o->val != 'R')
			return o;
	}
	return NULL;
}

/*
 * Global options may stand before or after the command name
 * (`igpuctl -J list` and `igpuctl list -J`); they are taken out of argv
 * here so that each command parses only its own.
 */
static int take_globals(int *argc, char **argv, bool *ret_help, bool *ret_version)
{
	int w = 1;
	bool seen_cmd = false, dashdash = false;

	for (int i = 1; i < *argc; i++) {
		char *a = argv[i];
		const struct option *o = dashdash ? NULL : global_option(a);
		int val = o ? o->val : 0;

		if (dashdash) {
			argv[w++] = a;
			continue;
		}
		if (streq(a, "--")) {
			dashdash = true;
			argv[w++] = a;
		} else if (val == 'J') {
			arg_g.json = true;
		} else if (val == 'v') {
			arg_g.verbose++;
		} else if (val == 'R') {
			const char *v = a[6] == '=' ? a + 7 : i + 1 < *argc ? argv[++i] : NULL;
			/* An empty root would mean this host: a script's unset
			 * variable must not turn a dry run into the real thing. */
			if (!v || !*v)
				return log_usage(NULL, "--root needs a directory%s",
						 v ? ", not an empty string" : "");
			arg_g.root = v;
		} else if (!seen_cmd && val == 'h') {
			*ret_help = true;
		} else if (!seen_cmd && val == 'V') {
			*ret_version = true;
		} else if (!seen_cmd && a[0] == '-') {
			return log_usage(NULL, "unknown option '%s'", a);
		} else {
			seen_cmd = true;
			argv[w++] = a;
		}
	}
	argv[w] = NULL;
	*argc = w;
	return 0;
}

/*
 * What a command printed is only written when stdout is flushed, and a full
 * disk or a closed file makes that fail: the output is then lost, and saying
 * nothing would let a script take the exit status for success.  As
 * util-linux's close_stdout() (include/closestream.h), a failed write or
 * close of stdout is one error line and exit status 1 (a command that
 * failed already keeps its own).  EPIPE is no error: the reader has all it
 * wanted (`igpuctl list | head -1`, with SIGPIPE ignored).
 */
static int close_stdout(int r)
{
	bool failed_before = ferror(stdout);
	int close_r;

	errno = 0;
	close_r = fclose(stdout);
	if (!failed_before && close_r == 0)
		return r;
	if (close_r != 0 && errno == EPIPE)
		return r;
	if (close_r != 0 && errno)
		log_error_errno(-errno, "Failed to write the output");
	else
		log_error("Failed to write the output");
	return r ? r : EXIT_FAIL;
}

static const struct igp_command *command_find(const char *name)
{
	for (const struct igp_command *c = igp_commands; c->name; c++)
		if (streq(c->name, name))
			return c;
	for (const struct igp_command *c = igp_hidden_commands; c->name; c++)
		if (streq(c->name, name))
			return c;
	return NULL;
}

static int run(int argc, char *argv[])
{
	const struct igp_command *c;
	bool help = false, version = false;
	const char *name;
	int r;

	setlocale(LC_ALL, "");
	arg_g.root = getenv("IGPUCTL_ROOT");
	r = take_globals(&argc, argv, &help, &version);
	if (r)
		return r;
	if (help) {
		usage();
		return EXIT_OK;
	}
	if (version) {
		printf("igpuctl %s\n", IGPUCTL_VERSION);
		return EXIT_OK;
	}
	/* --root refuses an empty value, so this one is IGPUCTL_ROOT's. */
	if (arg_g.root && !*arg_g.root)
		return log_usage(
		    NULL, "IGPUCTL_ROOT is set but empty: name a directory, or unset it for this host");
	r = igp_root_set(arg_g.root);
	if (r < 0)
		return log_error_errno(r, "Cannot use %s as the root", arg_g.root);

	progress_watch_commands();
	name = argc > 1 ? argv[1] : "status";
	c = command_find(name);
	if (!c)
		return log_usage(NULL, "unknown command '%s'", name);
	/* As typed (getopt_long permutes argv), for the journal. */
	arg_g.command_line = argc > 1 ? planview_command_name(argv + 1) : NULL;
	arg_g.command = c->name;
	if (argc > 1)
		r = c->run(argc - 1, argv + 1);
	else {
		char *av[] = {(char *)"status", NULL};
		r = c->run(1, av);
	}
	free(arg_g.command_line);
	igp_pci_names_cleanup();
	igp_root_set(NULL);
	return r;
}

int main(int argc, char *argv[])
{
	return close_stdout(run(argc, argv));
}
