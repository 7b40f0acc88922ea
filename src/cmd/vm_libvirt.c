/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm libvirt: the device as libvirt domain XML, a fragment to merge,
 * a domain XML file edited (--xml), or a domain's definition edited through
 * the C API (--domain, a diff; defined with --apply).
 */
#include <limits.h>

#include "cmd.h"
#include "config.h"
#include "base/diff.h"
#include "base/paths.h"
#include "vm/libvirt_module.h"
#include "libvirt_target.h"
#include "output.h"
#include "planview.h"
#include "vm_int.h"

/* A URI is printable ASCII without blanks (RFC 3986). */
static bool uri_arg_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 1024)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int read_user_file(const char *path, char **ret)
{
	/* A file named on the command line is the user's own input (like
	 * `virsh define FILE`), read as given rather than inside --root. */
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, cap = 0, n;

	f = streq(path, "-") ? fdopen(dup(STDIN_FILENO), "r") : fopen(path, "re");
	if (!f)
		return -errno;
	do {
		if (cap - size < 4096) {
			char *nb;
			if (cap > (16u << 20))
				return -EFBIG;
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = fread(buf + size, 1, cap - size, f);
		size += n;
	} while (n > 0);
	if (ferror(f))
		return -EIO;
	buf[size] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

/* The libvirt module (libvirt_module.h) is missing or stale: say where it was looked for. */
static int module_missing(void)
{
	return log_error("Cannot load igpuctl's libvirt module: %s", igp_libvirt_module_error());
}

static int edit_xml_text(const char *what, const char *xml, const struct igp_vm_device *d,
			 const struct igp_vm_options *o, char **ret_before, char **ret_after, char ***notes,
			 char ***ret_aliases)
{
	_cleanup_free_ char *why = NULL, *before = NULL, *after = NULL;
	struct _xmlDoc *doc = NULL;
	int r;

	r = igp_libvirt_parse(xml, &doc);
	if (r == -ELIBACC)
		return module_missing();
	if (r < 0)
		return log_error("The domain XML does not parse");
	/* Both sides go through the same serializer, so the diff shows only
	 * the edit, not libvirt's quoting style. */
	r = igp_libvirt_format(doc, &before);
	if (r >= 0)
		r = igp_libvirt_edit(doc, d, o, notes, ret_aliases, &why);
	if (r >= 0)
		r = igp_libvirt_format(doc, &after);
	igp_libvirt_doc_free(doc);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to edit the domain");
	if (r < 0)
		return log_error("%s: %s", what, why ? why : "cannot edit this domain");
	*ret_before = TAKE_PTR(before);
	*ret_after = TAKE_PTR(after);
	return EXIT_OK;
}

/* A domain XML (a fragment, or a whole domain edited from --xml), with its notes. */
static int print_domain_xml(const struct igp_vm_device *d, const char *xml, char *const *notes)
{
	if (arg_g.json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "target", json_object_new_string("libvirt"));
		json_object_object_add(j, "device", vm_device_json(d));
		json_object_object_add(j, "xml", json_object_new_string(xml));
		json_object_object_add(j, "notes", vm_notes_json(notes));
		json_print(j);
	} else {
		fputs(xml, stdout);
		vm_print_notes(notes);
	}
	return EXIT_OK;
}

/* The domain's definition through the change path (libvirt_target.h). */
static int apply_domain(struct igp_change *ch, char *const *cmdline, const char *key, const char *domain,
			const char *old, const char *new, char *const *aliases)
{
	_cleanup_(igp_plan_done) struct igp_plan p = {0};
	char *b = strdup(old), *a = strdup(new);
	int r;

	if (!b || !a) {
		free(b);
		free(a);
		return log_error_errno(-ENOMEM, "Failed to plan the definition of %s", domain);
	}
	r = igp_plan_add_target(&p, LIBVIRT_TARGET_KIND, key, b, a, "libvirt domain definition");
	if (r >= 0)
		r = libvirt_target_expect(aliases);
	if (r < 0)
		return log_error_errno(r, "Failed to plan the definition of %s", domain);
	if (planview_apply(ch, &p, cmdline, NULL, NULL) != 0) {
		if (libvirt_target_error())
			log_error("Cannot define domain %s: %s", domain, libvirt_target_error());
		return EXIT_FAIL;
	}
	r = igp_change_finish(ch);
	if (r < 0)
		return log_error_errno(r, "Cannot update the journal %s", IGP_VAR_LIB_IGPUCTL_JOURNAL);
	return EXIT_OK;
}

static int vm_libvirt_run(int argc, char *argv[], char *const *cmdline)
{
	static const struct option opts[] = {COMMON_LONGOPTS,
					     {"ovmf", required_argument, NULL, OPT_OVMF},
					     {"uefi", no_argument, NULL, OPT_UEFI},
					     {"domain", required_argument, NULL, OPT_DOMAIN},
					     {"apply", no_argument, NULL, OPT_APPLY},
					     {"connect", required_argument, NULL, OPT_CONNECT},
					     {"xml", required_argument, NULL, OPT_XML},
					     {"qemu-commandline", no_argument, NULL, OPT_QEMU_COMMANDLINE},
					     {}};
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_vm_device_ struct igp_vm_device *d = NULL;
	_cleanup_strv_free_ char **notes = NULL, **aliases = NULL, **found = NULL;
	_cleanup_free_ char *xml = NULL, *before = NULL, *after = NULL, *why = NULL, *diff = NULL,
			    *label = NULL;
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	_cleanup_free_ char *key = NULL;
	struct igp_libvirt_conn *conn = NULL;
	const char *domain = NULL, *uri = NULL, *xml_file = NULL;
	bool apply = false, active = false;
	int c, r;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		r = vm_common_opt(c, optarg, &o, "libvirt");
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_HELP:
			return vm_help();
		case OPT_DOMAIN:
			/* libvirt refuses '/' and keeps NAME.xml in a directory. */
			if (!*optarg || strchr(optarg, '/') || strlen(optarg) > NAME_MAX - 4 ||
			    !string_is_printable(optarg))
				return log_usage("vm", "'%s' is no libvirt domain name", optarg);
			domain = optarg;
			break;
		case OPT_APPLY:
			apply = true;
			break;
		case OPT_CONNECT:
			if (!uri_arg_ok(optarg))
				return log_usage("vm", "'%s' is no libvirt URI", optarg);
			uri = optarg;
			break;
		case OPT_XML:
			if (!*optarg)
				return log_usage("vm", "--xml needs a file name ('-' for stdin)");
			xml_file = optarg;
			break;
		case OPT_QEMU_COMMANDLINE:
			o.qemu_commandline = true;
			break;
		default:
			return log_usage_option("vm", c, argc, argv, opts);
		}
	}
	if (optind + 1 != argc)
		return log_usage("vm", "vm libvirt takes one DEVICE (a PCI address or a vGPU UUID)");
	if (apply && !domain)
		return log_usage("vm", "--apply needs --domain NAME");
	if (uri && !domain)
		return log_usage("vm", "--connect goes with --domain NAME");
	if (domain && xml_file)
		return log_usage("vm", "--domain and --xml exclude each other");
	if (domain && !HAVE_LIBVIRT)
		return log_error("--domain needs libvirt, and igpuctl was built without it: use --xml FILE "
				 "with virsh dumpxml / virsh define");
	r = vm_prepare(argv[optind], &o, IGP_VM_LIBVIRT, &h, &d);
	if (r != EXIT_OK)
		return r;
	notes = calloc(1, sizeof(char *));
	if (!notes)
		return log_error_errno(-ENOMEM, "Failed to build the XML");
	r = vm_host_notes(h, d, &found);
	if (r >= 0)
		r = igp_vm_common_notes(d, &o, IGP_VM_LIBVIRT, found, &notes);
	if (r < 0)
		return log_error_errno(r, "Failed to build the XML");

	if (!domain && !xml_file) {
		r = igp_libvirt_fragment(d, &o, &xml, &notes);
		if (r == -ELIBACC)
			return module_missing();
		if (r < 0)
			return log_error_errno(r, "Failed to build the XML");
		return print_domain_xml(d, xml, notes);
	}

	if (xml_file) {
		r = read_user_file(xml_file, &xml);
		if (r < 0)
			return log_error_errno(r, "Failed to read %s", xml_file);
	} else {
		/* The lock comes before the definition the plan rests on is read. */
		if (planview_begin(&ch, !apply) != 0)
			return EXIT_FAIL;
		libvirt_target_register();
		r = libvirt_target_open(uri, domain, &conn, &key, &why);
		if (r == -ELIBACC)
			return module_missing();
		if (r < 0)
			return log_error("Cannot connect to libvirt: %s", why ? why : "libvirt error");
		r = igp_libvirt_domain_get(conn, domain, &xml, &active, &why);
		if (r < 0)
			return log_error("Cannot read domain %s: %s", domain, why ? why : "libvirt error");
	}
	r = edit_xml_text(domain ? domain : xml_file, xml, d, &o, &before, &after, &notes, &aliases);
	if (r != EXIT_OK)
		return r;
	if (xml_file) {
		return print_domain_xml(d, after, notes);
	}

	/* Where libvirt's QEMU driver keeps the definition. */
	label = strdupf("%s/%s.xml", IGP_ETC_LIBVIRT_QEMU, domain);
	if (!label || igp_diff_unified(label, before, after, &diff) < 0)
		return log_error_errno(-ENOMEM, "Failed to diff the domain");
	if (apply) {
		r = apply_domain(&ch, cmdline, key, domain, xml, after, aliases);
		if (r != EXIT_OK)
			return r;
		if (active)
			r = strv_push(&notes,
				      "The domain is running: the new definition applies when it is shut "
				      "down and started again.");
	}
	if (arg_g.json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "target", json_object_new_string("libvirt"));
		json_object_object_add(j, "device", vm_device_json(d));
		json_object_object_add(j, "domain", json_object_new_string(domain));
		json_object_object_add(j, "diff", json_object_new_string(diff));
		json_object_object_add(j, "applied", json_object_new_boolean(apply));
		json_object_object_add(j, "notes", vm_notes_json(notes));
		json_print(j);
		return EXIT_OK;
	}
	fputs(diff, stdout);
	vm_print_notes(notes);
	if (apply)
		fprintf(stderr, "Defined domain %s.\n", domain);
	else
		fprintf(stderr, "Dry run: domain %s is unchanged; run again with --apply to define it.\n",
			domain);
	return EXIT_OK;
}

int vm_libvirt(int argc, char *argv[], char *const *cmdline)
{
	int r = vm_libvirt_run(argc, argv, cmdline);
	libvirt_target_close();
	return r;
}
