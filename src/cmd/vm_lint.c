/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm lint proxmox VMID | libvirt DOMAIN-or-FILE | qemu -- ARGS...:
 * an existing VM configuration judged against this host.  The
 * configuration is read by its format's one reader and normalised
 * (vm/vmspec.h); the rules are checks/lint.h; the findings are shown and
 * give the exit status as `igpuctl check`'s do (checkview.h).
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>

#include "checks/lint.h"
#include "checkview.h"
#include "cmd.h"
#include "base/paths.h"
#include "model/workloads.h"
#include "output.h"
#include "vm/libvirt_module.h"
#include "vm/proxmox.h"
#include "vm/vmspec.h"
#include "vm_int.h"

static int lint_help(void)
{
	_cleanup_free_ char *defaults = checkview_default_columns();

	if (!defaults)
		return log_error_errno(-ENOMEM, "Failed to print the help");
	printf("Usage: igpuctl vm lint proxmox VMID [--qemu PATH] [-o COLUMNS] [-n] [-r]\n"
	       "       igpuctl vm lint libvirt DOMAIN|FILE [--connect URI] [--qemu PATH] [-o COLUMNS] [-n] "
	       "[-r]\n"
	       "       igpuctl vm lint qemu [--qemu PATH] [-o COLUMNS] [-n] [-r] -- QEMU-ARGUMENTS...\n\n"
	       "Judge an existing VM configuration against this host: a Proxmox VE VM, a libvirt\n"
	       "domain (a domain XML file, or a domain by name: /etc/libvirt/qemu/NAME.xml, else\n"
	       "its definition through libvirt), or a QEMU command line.\n\n"
	       "  --connect URI      libvirt connection for a domain by name\n"
	       "  --qemu PATH        the QEMU that runs the VM (default: /usr/bin/kvm on Proxmox VE,\n"
	       "                     else qemu-system-x86_64 on PATH)\n"
	       "  -l, --list         list the rule ids and what each checks\n"
	       "  -o, --output LIST  columns to show (default %s)\n"
	       "  -n, --noheadings   no header line\n"
	       "  -r, --raw          raw output\n\n"
	       "Exit status: 0 every rule passed (or did not apply), 1 warnings only,\n"
	       "2 a rule failed (or the configuration could not be read), 64 usage error.\n\nColumns:\n",
	       defaults);
	checkview_columns_help();
	return EXIT_OK;
}

static int lint_list(void)
{
	for (const struct igp_check_info *i = igp_vm_lint_infos(); i->id; i++)
		printf("%-20s %s\n", i->id, i->summary);
	return EXIT_OK;
}

/* A domain name as libvirt takes it (printable, no '/'). */
static bool domain_name_ok(const char *s)
{
	return *s && strlen(s) < 256 && string_is_printable(s) && !strchr(s, '/');
}

static int lint_proxmox(const char *vmid, struct igp_vmspec **ret)
{
	_cleanup_free_ char *path = strdupf("%s/%s.conf", IGP_ETC_PVE_QEMU_SERVER, vmid), *text = NULL,
			    *why = NULL;
	struct igp_pve_conf conf;
	int r;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to read VM %s", vmid);
	r = igp_read_file(path, &text, NULL);
	if (r == -ENOENT)
		return log_error("No VM %s on this node (no %s).", vmid, path), CHECK_EXIT_FAIL;
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path), CHECK_EXIT_FAIL;
	r = igp_pve_conf_parse(text, false, &conf);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path), CHECK_EXIT_FAIL;
	r = igp_vmspec_from_pve(vmid, &conf, ret, &why);
	igp_pve_conf_done(&conf);
	if (r == -EINVAL)
		return log_error("%s: %s", path, why ? why : "cannot be read"), CHECK_EXIT_FAIL;
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path), CHECK_EXIT_FAIL;
	return EXIT_OK;
}

static int spec_from_xml(const char *what, const char *id, const char *xml, struct igp_vmspec **ret)
{
	struct igp_libvirt_domain *d = NULL;
	int r;

	r = igp_libvirt_domain_read(xml, &d);
	if (r == -ELIBACC)
		return log_error("Cannot load igpuctl's libvirt module: %s", igp_libvirt_module_error()),
		       CHECK_EXIT_FAIL;
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to read %s", what), CHECK_EXIT_FAIL;
	if (r < 0)
		return log_error("%s is no libvirt domain XML.", what), CHECK_EXIT_FAIL;
	r = igp_vmspec_from_libvirt(id, d, ret);
	igp_libvirt_domain_free(d);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", what), CHECK_EXIT_FAIL;
	return EXIT_OK;
}

/* A domain by name: its file in /etc/libvirt/qemu as the host's workloads
 * read it, else (not under --root, or with --connect) its persistent
 * definition through libvirt. */
static int lint_domain(const struct igp_host *h, const char *name, const char *uri, struct igp_vmspec **ret)
{
	_cleanup_(igp_libvirt_closep) struct igp_libvirt_conn *conn = NULL;
	_cleanup_free_ char *why = NULL, *xml = NULL;
	const struct igp_workloads *ws;
	bool active;
	int r;

	if (!uri && igp_host_workloads(h, &ws) >= 0) {
		for (size_t i = 0; i < ws->n; i++) {
			const struct igp_workload *w = &ws->v[i];
			if (w->kind == IGP_WORKLOAD_LIBVIRT &&
			    (streq(w->id, name) || streq_ptr(w->domain->name, name)))
				return igp_vmspec_from_libvirt(w->id, w->domain, ret) < 0
					   ? log_error_errno(-ENOMEM, "Failed to read domain %s", name)
					   : EXIT_OK;
		}
		if (ws->libvirt_skipped)
			return log_error("Cannot load igpuctl's libvirt module: %s", ws->libvirt_skipped),
			       CHECK_EXIT_FAIL;
	}
	if (arg_g.root && !uri)
		return log_error("No libvirt domain %s in %s.", name, IGP_ETC_LIBVIRT_QEMU), CHECK_EXIT_FAIL;
	r = igp_libvirt_open(uri, &conn, &why);
	if (r == -ENOTSUP)
		return log_error(
			   "No domain %s in %s, and igpuctl was built without libvirt "
			   "(-Dlibvirt=disabled): give the domain's XML file (virsh dumpxml %s > FILE).",
			   name, IGP_ETC_LIBVIRT_QEMU, name),
		       CHECK_EXIT_FAIL;
	if (r == -ELIBACC)
		return log_error("Cannot load igpuctl's libvirt module: %s", igp_libvirt_module_error()),
		       CHECK_EXIT_FAIL;
	if (r < 0)
		return log_error("Cannot connect to libvirt: %s", why ? why : "libvirt error"),
		       CHECK_EXIT_FAIL;
	r = igp_libvirt_domain_get(conn, name, &xml, &active, &why);
	if (r < 0)
		return log_error("Cannot read domain %s: %s", name, why ? why : "libvirt error"),
		       CHECK_EXIT_FAIL;
	return spec_from_xml(name, name, xml, ret);
}

static int lint_libvirt(const struct igp_host *h, const char *arg, const char *uri, struct igp_vmspec **ret)
{
	_cleanup_free_ char *xml = NULL;
	struct stat st;
	int r;

	/* A file named on the command line is the user's own, read as given
	 * (not inside --root), like `vm libvirt --xml`. */
	if (stat(arg, &st) == 0 || strchr(arg, '/')) {
		_cleanup_close_ int fd = open(arg, O_RDONLY | O_CLOEXEC);
		r = fd < 0 ? -errno : igp_read_fd(fd, &xml, NULL);
		if (r < 0)
			return log_error_errno(r, "Failed to read %s", arg), CHECK_EXIT_FAIL;
		return spec_from_xml(arg, NULL, xml, ret);
	}
	return lint_domain(h, arg, uri, ret);
}

static int lint_qemu(char *const *args, struct igp_vmspec **ret)
{
	_cleanup_free_ char *why = NULL;
	int r = igp_vmspec_from_qemu(args, ret, &why);

	if (r == -EINVAL)
		return log_error("The QEMU arguments do not parse: %s.", why ? why : "bad value"),
		       CHECK_EXIT_FAIL;
	if (r < 0)
		return log_error_errno(r, "Failed to read the QEMU arguments"), CHECK_EXIT_FAIL;
	return EXIT_OK;
}

enum {
	OPT_LINT_CONNECT = 0x200,
	OPT_LINT_QEMU,
};

const struct option cmd_opts_vm_lint[] = {
    {"connect", required_argument, NULL, OPT_LINT_CONNECT},
    {"qemu", required_argument, NULL, OPT_LINT_QEMU},
    {"list", no_argument, NULL, 'l'},
    TABLE_LONGOPTS,
    {"help", no_argument, NULL, 'h'},
    {},
};

int vm_lint(int argc, char *argv[])
{
	struct table_opts topts = {};
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_vmspec_ struct igp_vmspec *vm = NULL;
	struct igp_check_report rep;
	const char *target, *uri = NULL, *qemu_path = NULL;
	int c, r, n_opts = argc;
	char **qemu_args = NULL;

	if (argc >= 2 && (streq(argv[1], "--help") || streq(argv[1], "-h")))
		return lint_help();
	if (argc >= 2 && (streq(argv[1], "--list") || streq(argv[1], "-l")))
		return lint_list();
	if (argc < 2)
		return log_usage("vm",
				 "vm lint needs a target (proxmox VMID, libvirt DOMAIN or qemu -- ARGS)");
	target = argv[1];
	if (!streq(target, "proxmox") && !streq(target, "libvirt") && !streq(target, "qemu"))
		return log_usage("vm", "unknown vm lint target '%s' (proxmox, libvirt or qemu)", target);
	/* The QEMU arguments follow "--" and are no options of ours. */
	for (int i = 2; i < argc; i++)
		if (streq(argv[i], "--")) {
			n_opts = i;
			qemu_args = argv + i + 1;
			break;
		}
	/* Without "--", QEMU's options would read as ours. */
	if (streq(target, "qemu") && !qemu_args && argc > 2 && !streq(argv[2], "--help") &&
	    !streq(argv[2], "-h"))
		return log_usage("vm", "vm lint qemu takes the QEMU arguments after --");
	argc = n_opts - 1;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":l" TABLE_SHORTOPTS "h", cmd_opts_vm_lint, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return lint_help();
		case 'l':
			return lint_list();
		case OPT_LINT_CONNECT:
			if (!streq(target, "libvirt"))
				return log_usage("vm", "--connect is for vm lint libvirt");
			if (!vm_uri_arg_ok(optarg))
				return log_usage("vm", "--connect takes a libvirt URI, not '%s'", optarg);
			uri = optarg;
			break;
		case OPT_LINT_QEMU:
			if (optarg[0] != '/' || strlen(optarg) >= PATH_MAX || !string_is_printable(optarg))
				return log_usage("vm",
						 "--qemu needs the absolute path of a QEMU binary, not '%s'",
						 optarg);
			qemu_path = optarg;
			break;
		default:
			if (!table_opts_parse(&topts, c, optarg))
				return log_usage_option("vm", c, argc, argv, cmd_opts_vm_lint);
		}
	}
	if (streq(target, "qemu")) {
		if (optind < argc)
			return log_usage("vm", "unexpected argument '%s' (the QEMU arguments go after --)",
					 argv[optind]);
		if (!qemu_args || !qemu_args[0])
			return log_usage("vm", "vm lint qemu takes the QEMU arguments after --");
	} else {
		unsigned long id;
		if (qemu_args)
			return log_usage("vm", "only vm lint qemu takes arguments after --");
		if (optind + 1 != argc)
			return log_usage("vm", "vm lint %s takes one %s", target,
					 streq(target, "proxmox") ? "VMID" : "DOMAIN or FILE");
		if (streq(target, "proxmox") && igp_pve_vmid_parse(argv[optind], &id) < 0)
			return log_usage("vm", "'%s' is not a VMID (100 to 999999999)", argv[optind]);
		if (streq(target, "libvirt") && !domain_name_ok(argv[optind]) &&
		    (!*argv[optind] || strlen(argv[optind]) >= PATH_MAX ||
		     !string_is_printable(argv[optind])))
			return log_usage("vm", "'%s' is neither a domain name nor a file", argv[optind]);
	}
	r = checkview_opts_check(&topts);
	if (r)
		return r;
	h = load_host_or_complain();
	if (!h)
		return CHECK_EXIT_FAIL;
	if (streq(target, "proxmox"))
		r = lint_proxmox(argv[optind], &vm);
	else if (streq(target, "libvirt"))
		r = lint_libvirt(h, argv[optind], uri, &vm);
	else
		r = lint_qemu(qemu_args, &vm);
	if (r != EXIT_OK)
		return r == EXIT_FAIL ? CHECK_EXIT_FAIL : r;
	r = igp_vm_lint(h, vm, qemu_path, &rep);
	if (r < 0) {
		log_error_errno(r, "Failed to lint %s", vm->name);
		return CHECK_EXIT_FAIL;
	}
	r = checkview_print(&rep, &topts, false);
	c = checkview_exit_status(&rep);
	igp_check_report_done(&rep);
	if (r < 0) {
		log_error_errno(r, "Failed to print the findings");
		return CHECK_EXIT_FAIL;
	}
	return c;
}
