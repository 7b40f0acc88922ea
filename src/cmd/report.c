/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl report [-o FILE] [--keep-hostname]: a redacted bundle for a bug
 * report.  One directory, packed with tar: the capture of tools/capture-host
 * (the one capture implementation, installed beside igpuctl's modules or
 * found next to the binary in a build tree), igpuctl's own status, check and
 * iommu as JSON, the versions it probed, the kernel log's GPU and IOMMU
 * lines, the running VMs' command lines, DKMS, and summary.md; everything
 * redacted by report/redact.h before it is packed.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/spawn.h"
#include "base/strbuf.h"
#include "cmd.h"
#include "config.h"
#include "model/host.h"
#include "model/sysinfo.h"
#include "model/versions.h"
#include "report/bundle.h"
#include "report/redact.h"
#include "report_int.h"
#include "vm/proxmox.h"

static int help(void)
{
	printf("Usage: igpuctl report [-o FILE] [--keep-hostname]\n\n"
	       "Write a redacted bundle for a bug report: the capture of this host, status,\n"
	       "check and iommu as JSON, versions, the kernel log's GPU and IOMMU lines,\n"
	       "running VMs, DKMS and a summary.md to paste into a forum post.  MAC, IP\n"
	       "addresses, serial numbers and the host's name are replaced.\n\n"
	       "  -o, --output FILE   the .tar.gz to write (must not exist; - for stdout);\n"
	       "                      default igpuctl-report-HOST-DATE.tar.gz\n"
	       "      --keep-hostname leave the host's name in the bundle\n");
	return EXIT_OK;
}

/* A short step: one line saying what runs (the long capture is shown with
 * its time by progress.h). */
void report_step(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("igpuctl report: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* The host's names: the running system's, /etc/hostname and the Proxmox VE
 * node name of the root. */
static char **host_names(void)
{
	char **names = NULL, buf[256];
	_cleanup_free_ char *etc = NULL, *node = NULL;

	if (igp_root_is_host() && gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		strv_push(&names, buf);
	}
	if (igp_read_attr(IGP_ETC_HOSTNAME, &etc) >= 0 && *etc)
		strv_push(&names, etc);
	if (igp_pve_node_name(&node) >= 0)
		strv_push(&names, node);
	return names;
}

const struct option cmd_opts_report[] = {
    {"output", required_argument, NULL, 'o'},
    {"keep-hostname", no_argument, NULL, 'k'},
    {"help", no_argument, NULL, 'h'},
    {},
};

static int parse(struct report_ctx *c, int argc, char *argv[])
{
	const struct option *opts = cmd_opts_report;
	int ch;

	while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (!*optarg)
				return log_usage(NULL, "-o needs a file name");
			c->output = optarg;
			break;
		case 'k':
			c->keep_hostname = true;
			break;
		case 'h':
			return help();
		default:
			return log_usage_option(NULL, ch, argc, argv, opts);
		}
	}
	if (optind < argc)
		return log_usage(NULL, "unexpected argument '%s'", argv[optind]);
	return CMD_GO_ON;
}

/* The bundle's name (the top directory, and the default file name). */
static int bundle_name(struct report_ctx *c)
{
	char date[32];
	time_t now = time(NULL);
	const char *host = c->names && *c->names ? *c->names : "host";

	strftime(date, sizeof(date), "%Y%m%d-%H%M%S", localtime(&now));
	/* The name the bundle shows: a generic one stays as it is. */
	for (char **n = c->names; n && *n; n++)
		if (!igp_redact_name_generic(*n)) {
			host = c->keep_hostname ? *n : IGP_REDACTED_HOST;
			break;
		}
	c->name = strdupf("igpuctl-report-%.*s-%s", (int)strcspn(host, "."), host, date);
	return c->name ? 0 : -ENOMEM;
}

static int prepare(struct report_ctx *c)
{
	_cleanup_free_ char *dir = NULL;
	const char *slash;
	struct stat st;
	int r;

	c->names = host_names();
	if ((r = igp_redactor_init(&c->red, c->keep_hostname ? NULL : c->names)) < 0 ||
	    (r = bundle_name(c)) < 0)
		return log_error_errno(r, "Failed to start the report");
	if (!c->output)
		c->output = c->default_output = strdupf("%s.tar.gz", c->name);
	c->to_stdout = streq(c->output, "-");
	if (!c->to_stdout && lstat(c->output, &st) == 0)
		return log_error("%s already exists: give another file with -o", c->output);
	if (c->to_stdout)
		dir = strdup(getenv("TMPDIR") ?: P_tmpdir);
	else if ((slash = strrchr(c->output, '/')))
		dir = strndup(c->output, (size_t)(slash - c->output) + 1);
	else
		dir = strdup(".");
	c->stage = dir ? strdupf("%s/.igpuctl-report-XXXXXX", dir) : NULL;
	if (!c->stage || !mkdtemp(c->stage))
		return log_error_errno(c->stage ? -errno : -ENOMEM, "Failed to make a directory beside %s",
				       c->output);
	c->top = strdupf("%s/%s", c->stage, c->name);
	if (!c->top || mkdir(c->top, 0755) < 0)
		return log_error_errno(-errno, "Failed to make %s", c->top);
	return CMD_GO_ON;
}

static void report_ctx_done(struct report_ctx *c)
{
	if (c->stage)
		igp_report_remove_tree(c->stage);
	free(c->stage);
	free(c->top);
	free(c->name);
	free(c->default_output);
	strv_free(c->names);
	igp_redactor_done(&c->red);
}

int cmd_report(int argc, char *argv[])
{
	struct report_ctx c = {0};
	int r;

	if ((r = parse(&c, argc, argv)) != CMD_GO_ON)
		return r;
	if (!(c.host = load_host_or_complain()))
		return EXIT_FAIL;
	if ((r = prepare(&c)) == CMD_GO_ON && (r = report_collect(&c)) == CMD_GO_ON)
		r = report_pack(&c);
	igp_host_free(c.host);
	report_ctx_done(&c);
	return r;
}
