/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>

#include "cmd.h"
#include "planview.h"
#include "config.h"
#include "host.h"
#include "paths.h"

struct igp_globals arg_g;

int log_error(const char *fmt, ...)
{
	va_list ap;
	fputs("igpuctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int log_error_errno(int r, const char *fmt, ...)
{
	va_list ap;
	fputs("igpuctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(r < 0 ? -r : r));
	return EXIT_FAIL;
}

int log_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("igpuctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'igpuctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
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
		if (dashdash) {
			argv[w++] = a;
			continue;
		}
		if (streq(a, "--")) {
			dashdash = true;
			argv[w++] = a;
		} else if (streq(a, "-J") || streq(a, "--json")) {
			arg_g.json = true;
		} else if (streq(a, "-v") || streq(a, "--verbose")) {
			arg_g.verbose++;
		} else if (streq(a, "--root")) {
			if (i + 1 >= *argc)
				return log_usage(NULL, "--root needs a directory");
			arg_g.root = argv[++i];
		} else if (startswith(a, "--root=")) {
			arg_g.root = a + strlen("--root=");
		} else if (!seen_cmd && (streq(a, "-h") || streq(a, "--help"))) {
			*ret_help = true;
		} else if (!seen_cmd && (streq(a, "-V") || streq(a, "--version"))) {
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

int main(int argc, char *argv[])
{
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
	r = igp_root_set(arg_g.root);
	if (r < 0)
		return log_error_errno(r, "Cannot use %s as the root", arg_g.root);

	name = argc > 1 ? argv[1] : "status";
	for (const struct igp_command *c = igp_commands; c->name; c++) {
		if (!streq(c->name, name))
			continue;
		/* As typed (getopt_long permutes argv), for the journal. */
		arg_g.command_line = argc > 1 ? planview_command_name(argv + 1) : NULL;
		if (argc > 1)
			r = c->run(argc - 1, argv + 1);
		else {
			char *av[] = { (char *)"status", NULL };
			r = c->run(1, av);
		}
		free(arg_g.command_line);
		igp_pci_names_cleanup();
		igp_root_set(NULL);
		return r;
	}
	return log_usage(NULL, "unknown command '%s'", name);
}
