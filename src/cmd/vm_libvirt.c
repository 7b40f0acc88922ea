/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm libvirt: the device as libvirt domain XML, a fragment to merge,
 * a domain XML file edited (--xml), or a domain's definition edited through
 * the C API (--domain, a diff; defined with --apply).
 */
#include <fcntl.h>
#include <limits.h>

#include "cmd.h"
#include "config.h"
#include "base/diff.h"
#include "base/paths.h"
#include "model/versions.h"
#include "vm/libvirt_module.h"
#include "libvirt_target.h"
#include "output.h"
#include "planview.h"
#include "vm_int.h"

/* A URI is printable ASCII without blanks (RFC 3986). */
bool vm_uri_arg_ok(const char *s)
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
	_cleanup_close_ int fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return igp_read_fd(fd, ret, NULL);
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

/* What vm libvirt was asked for, and what its steps share. */
struct libvirt_run {
	struct igp_vm_options o;
	const char *domain, *uri, *xml_file;
	bool apply;
	bool active;	       /* the domain runs */
	bool uefi_from_domain; /* the domain boots UEFI, no --uefi/--ovmf given */
	struct igp_host *h;
	struct igp_vm_device *d;
	char **notes, **aliases;
	char *xml, *before, *after; /* the domain as read, and edited */
	char *key;		    /* the domain's key in the journal (libvirt_target.h) */
	char *libvirt_basis;	    /* the libvirt version the qemu namespace form rests on */
	struct igp_libvirt_conn *conn;
	struct igp_change ch;
};

/* Release what the steps of vm libvirt hold. */
static void libvirt_run_done(struct libvirt_run *v)
{
	free(v->key);
	free(v->libvirt_basis);
	igp_change_end(&v->ch);
	free(v->xml);
	free(v->before);
	free(v->after);
	strv_free(v->aliases);
	strv_free(v->notes);
	igp_vm_device_free(v->d);
	igp_host_free(v->h);
}

const struct option cmd_opts_vm_libvirt[] = {COMMON_LONGOPTS,
					     {"ovmf", required_argument, NULL, OPT_OVMF},
					     {"uefi", no_argument, NULL, OPT_UEFI},
					     {"domain", required_argument, NULL, OPT_DOMAIN},
					     {"apply", no_argument, NULL, OPT_APPLY},
					     {"connect", required_argument, NULL, OPT_CONNECT},
					     {"xml", required_argument, NULL, OPT_XML},
					     {"qemu-commandline", no_argument, NULL, OPT_QEMU_COMMANDLINE},
					     {}};

/* The options of vm libvirt: CMD_GO_ON, or the exit status (--help, a usage error). */
static int libvirt_parse_opts(struct libvirt_run *v, int argc, char *argv[])
{
	int c, status;

	while ((c = vm_getopt(argc, argv, cmd_opts_vm_libvirt, &v->o, &status)) > 0) {
		switch (c) {
		case OPT_DOMAIN:
			/* libvirt refuses '/' and keeps NAME.xml in a directory. */
			if (!*optarg || strchr(optarg, '/') || strlen(optarg) > NAME_MAX - 4 ||
			    !string_is_printable(optarg))
				return log_usage("vm", "'%s' is no libvirt domain name", optarg);
			v->domain = optarg;
			break;
		case OPT_APPLY:
			v->apply = true;
			break;
		case OPT_CONNECT:
			if (!vm_uri_arg_ok(optarg))
				return log_usage("vm", "'%s' is no libvirt URI", optarg);
			v->uri = optarg;
			break;
		case OPT_XML:
			if (!*optarg)
				return log_usage("vm", "--xml needs a file name ('-' for stdin)");
			v->xml_file = optarg;
			break;
		case OPT_QEMU_COMMANDLINE:
			v->o.qemu_commandline = true;
			break;
		}
	}
	return c < 0 ? status : CMD_GO_ON;
}

/* Refuse options that do not go together: CMD_GO_ON, or the exit status. */
static int libvirt_check_opts(const struct libvirt_run *v, int argc)
{
	if (optind + 1 != argc)
		return log_usage("vm", "vm libvirt takes one DEVICE (a PCI address or a vGPU UUID)");
	if (v->apply && !v->domain)
		return log_usage("vm", "--apply needs --domain NAME");
	if (v->uri && !v->domain)
		return log_usage("vm", "--connect goes with --domain NAME");
	if (v->domain && v->xml_file)
		return log_usage("vm", "--domain and --xml exclude each other");
	if (v->domain && !HAVE_LIBVIRT)
		return log_error("--domain needs libvirt, and igpuctl was built without it: use --xml FILE "
				 "with virsh dumpxml / virsh define");
	return CMD_GO_ON;
}

/* The notes every libvirt rendering starts with: the host's and the options'. */
static int libvirt_notes(struct libvirt_run *v)
{
	_cleanup_strv_free_ char **found = NULL;
	int r;

	v->notes = calloc(1, sizeof(char *));
	if (!v->notes)
		return log_error_errno(-ENOMEM, "Failed to build the XML");
	r = vm_host_notes(v->h, v->d, &found);
	if (r >= 0)
		r = igp_vm_common_notes(v->d, &v->o, IGP_VM_LIBVIRT, found, &v->notes);
	if (r >= 0 && v->uefi_from_domain)
		r = strv_push(
		    &v->notes,
		    "The domain boots UEFI (<os firmware='efi'>, or an OVMF, edk2 or pflash <loader>): "
		    "treated as --uefi.");
	if (r < 0)
		return log_error_errno(r, "Failed to build the XML");
	return EXIT_OK;
}

/*
 * What the domain says that the options would otherwise have to: a UEFI
 * guest (<os firmware='efi'>, an OVMF/edk2/pflash loader; the domain facts of
 * libvirt_xml.h) is treated as --uefi, so that the OVMF advice applies.
 */
static int libvirt_domain_facts(struct libvirt_run *v)
{
	struct igp_libvirt_domain *dom = NULL;
	int r = igp_libvirt_domain_read(v->xml, &dom);

	if (r == -ELIBACC)
		return module_missing();
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to read the domain");
	/* XML that does not parse is refused by the edit, with its message. */
	if (r < 0)
		return EXIT_OK;
	if (dom->efi && !v->o.uefi) {
		v->o.uefi = true;
		v->uefi_from_domain = true;
	}
	igp_libvirt_domain_free(dom);
	return EXIT_OK;
}

/*
 * <qemu:override> or the <qemu:commandline> -set form, by the libvirt that
 * will read the domain (igp_libvirt_has_override()): the connection's with
 * --domain, else the installed package's.  --qemu-commandline chooses
 * itself; a version not found keeps <qemu:override>, the form of every
 * libvirt since 8.2 (2022).
 */
static int libvirt_pick_form(struct libvirt_run *v)
{
	_cleanup_free_ char *conn_version = NULL, *uri = NULL;
	const struct igp_version *pkg = NULL;
	const char *version = NULL;
	int r;

	if (v->o.qemu_commandline)
		return EXIT_OK;
	v->o.qemu_form_auto = true;
	if (v->conn && igp_libvirt_lib_version(v->conn, &conn_version) >= 0) {
		version = conn_version;
		r = igp_libvirt_uri(v->conn, &uri);
		v->libvirt_basis = strdupf("libvirt %s, from the connection %s", version,
					   r >= 0 ? uri : (v->uri ? v->uri : "to libvirt"));
	} else {
		r = igp_host_libvirt(v->h, &pkg);
		if (r == -ENOMEM)
			return log_error_errno(r, "Failed to read the installed packages");
		if (r >= 0 && pkg->version) {
			version = pkg->version;
			v->libvirt_basis = strdupf("libvirt %s, %s", version, pkg->source);
		}
	}
	if (version && !v->libvirt_basis)
		return log_error_errno(-ENOMEM, "Failed to build the XML");
	v->o.libvirt_basis = v->libvirt_basis;
	v->o.qemu_commandline = version && !igp_libvirt_has_override(version);
	return EXIT_OK;
}

/* Without --domain and --xml: the fragment to merge into a domain. */
static int libvirt_print_fragment(struct libvirt_run *v)
{
	int r = igp_libvirt_fragment(v->d, &v->o, &v->xml, &v->notes);

	if (r == -ELIBACC)
		return module_missing();
	if (r < 0)
		return log_error_errno(r, "Failed to build the XML");
	return print_domain_xml(v->d, v->xml, v->notes);
}

/* The domain XML to edit: the --xml file, or the --domain's definition
 * (read under the lock that --apply writes under). */
static int libvirt_read_xml(struct libvirt_run *v)
{
	_cleanup_free_ char *why = NULL;
	int r;

	if (v->xml_file) {
		r = read_user_file(v->xml_file, &v->xml);
		if (r < 0)
			return log_error_errno(r, "Failed to read %s", v->xml_file);
		return EXIT_OK;
	}
	/* The lock comes before the definition the plan rests on is read. */
	if (planview_begin(&v->ch, !v->apply) != 0)
		return EXIT_FAIL;
	libvirt_target_register();
	r = libvirt_target_open(v->uri, v->domain, &v->conn, &v->key, &why);
	if (r == -ELIBACC)
		return module_missing();
	if (r < 0)
		return log_error("Cannot connect to libvirt: %s", why ? why : "libvirt error");
	r = igp_libvirt_domain_get(v->conn, v->domain, &v->xml, &v->active, &why);
	if (r < 0)
		return log_error("Cannot read domain %s: %s", v->domain, why ? why : "libvirt error");
	return EXIT_OK;
}

/* The diff of the --domain's definition, defined with --apply. */
static int libvirt_define(struct libvirt_run *v, char *const *cmdline, char **ret_diff)
{
	/* Where libvirt's QEMU driver keeps the definition. */
	_cleanup_free_ char *label = strdupf("%s/%s.xml", IGP_ETC_LIBVIRT_QEMU, v->domain);
	int r;

	if (!label || igp_diff_unified(label, v->before, v->after, ret_diff) < 0)
		return log_error_errno(-ENOMEM, "Failed to diff the domain");
	if (!v->apply)
		return EXIT_OK;
	r = apply_domain(&v->ch, cmdline, v->key, v->domain, v->xml, v->after, v->aliases);
	if (r != EXIT_OK)
		return r;
	if (v->active)
		(void)strv_push(&v->notes,
				"The domain is running: the new definition applies when it is shut "
				"down and started again.");
	return EXIT_OK;
}

/* The --domain's diff and notes, and what became of the definition. */
static int libvirt_print_diff(const struct libvirt_run *v, const char *diff)
{
	if (arg_g.json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "target", json_object_new_string("libvirt"));
		json_object_object_add(j, "device", vm_device_json(v->d));
		json_object_object_add(j, "domain", json_object_new_string(v->domain));
		json_object_object_add(j, "diff", json_object_new_string(diff));
		json_object_object_add(j, "applied", json_object_new_boolean(v->apply));
		json_object_object_add(j, "notes", vm_notes_json(v->notes));
		json_print(j);
		return EXIT_OK;
	}
	fputs(diff, stdout);
	vm_print_notes(v->notes);
	if (v->apply)
		fprintf(stderr, "Defined domain %s.\n", v->domain);
	else
		fprintf(stderr, "Dry run: domain %s is unchanged; run again with --apply to define it.\n",
			v->domain);
	return EXIT_OK;
}

static int vm_libvirt_run(int argc, char *argv[], char *const *cmdline)
{
	_cleanup_(libvirt_run_done) struct libvirt_run v = {.o = IGP_VM_OPTIONS_INIT, .ch = {.lock_fd = -1}};
	_cleanup_free_ char *diff = NULL, *self = NULL;
	int r;

	if ((r = libvirt_parse_opts(&v, argc, argv)) != CMD_GO_ON ||
	    (r = libvirt_check_opts(&v, argc)) != CMD_GO_ON)
		return r;
	if (v.domain && !(self = strdupf("libvirt:%s", v.domain)))
		return log_error_errno(-ENOMEM, "Failed to prepare");
	r = vm_prepare(argv[optind], self, &v.o, IGP_VM_LIBVIRT, false, &v.h, &v.d);
	if (r == EXIT_OK && (v.domain || v.xml_file)) {
		r = libvirt_read_xml(&v);
		if (r == EXIT_OK)
			r = libvirt_domain_facts(&v);
	}
	if (r == EXIT_OK)
		r = libvirt_pick_form(&v);
	if (r == EXIT_OK)
		r = libvirt_notes(&v);
	if (r != EXIT_OK)
		return r;
	if (!v.domain && !v.xml_file)
		return libvirt_print_fragment(&v);

	r = edit_xml_text(v.domain ? v.domain : v.xml_file, v.xml, v.d, &v.o, &v.before, &v.after, &v.notes,
			  &v.aliases);
	if (r != EXIT_OK)
		return r;
	if (v.xml_file)
		return print_domain_xml(v.d, v.after, v.notes);
	r = libvirt_define(&v, cmdline, &diff);
	if (r != EXIT_OK)
		return r;
	return libvirt_print_diff(&v, diff);
}

int vm_libvirt(int argc, char *argv[], char *const *cmdline)
{
	int r = vm_libvirt_run(argc, argv, cmdline);
	libvirt_target_close();
	return r;
}
