/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm qemu|libvirt|proxmox: the VM side of both guides.  Each target
 * renders the same model (src/lib/vmconf.h): QEMU arguments, libvirt domain
 * XML (printed, or edited in a domain through the C API), or a Proxmox VE
 * VM configuration (a diff, written with --apply).
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>

#include "cmd.h"
#include "config.h"
#include "base/diff.h"
#include "base/fileio.h"
#include "vm/libvirt_module.h"
#include "libvirt_target.h"
#include "output.h"
#include "base/paths.h"
#include "checks/checks.h"
#include "planview.h"
#include "vm/proxmox.h"
#include "vm/qemu_args.h"
#include "vm/vmconf.h"

enum {
	OPT_DISPLAY = 0x100,
	OPT_MACHINE,
	OPT_LEGACY_IGD,
	OPT_X_VGA,
	OPT_ROMBAR,
	OPT_ROMFILE,
	OPT_OVMF,
	OPT_UEFI,
	OPT_DOMAIN,
	OPT_APPLY,
	OPT_CONNECT,
	OPT_XML,
	OPT_QEMU_COMMANDLINE,
	OPT_MAPPING,
	OPT_NODE,
	OPT_MDEV,
	OPT_NO_PCIE,
	OPT_HELP,
};

#define COMMON_LONGOPTS                                                                                      \
	{"display", required_argument, NULL, OPT_DISPLAY},                                                   \
	    {"machine", required_argument, NULL, OPT_MACHINE},                                               \
	    {"legacy-igd", no_argument, NULL, OPT_LEGACY_IGD}, {"x-vga", no_argument, NULL, OPT_X_VGA},      \
	    {"rombar", required_argument, NULL, OPT_ROMBAR},                                                 \
	    {"romfile", required_argument, NULL, OPT_ROMFILE},                                               \
	{                                                                                                    \
		"help", no_argument, NULL, OPT_HELP                                                          \
	}

static int help(void)
{
	printf("Usage: igpuctl vm qemu DEVICE [OPTIONS]\n"
	       "       igpuctl vm libvirt DEVICE [OPTIONS] [--domain NAME [--apply] [--connect URI] | --xml "
	       "FILE]\n"
	       "       igpuctl vm proxmox VMID DEVICE [OPTIONS] [--mapping NAME [--node NODE]] [--apply]\n\n"
	       "VM configuration that attaches DEVICE: a PCI address (0000:00:02.0, 00:02.0, 2.0;\n"
	       "every function of a multi-function GPU goes along) or the UUID of an active vGPU.\n\n"
	       "Options:\n"
	       "  --display VARIANT   default, dmabuf, ramfb, none (all targets but proxmox: none only);\n"
	       "                      libvirt also spice-egl, egl-headless, vnc\n"
	       "  --machine q35|pc    machine type (default q35; pc for --legacy-igd)\n"
	       "  --legacy-igd        IGD legacy mode: i440fx, guest 00:02.0, the iGPU as the only VGA\n"
	       "  --x-vga             the GPU is the guest's primary VGA (\"Primary GPU\")\n"
	       "  --rombar on|off     expose the device ROM (default on; off for vGPUs)\n"
	       "  --romfile FILE      an option ROM (proxmox: a file name in /usr/share/kvm)\n"
	       "  --ovmf ROM          the guest boots OVMF; ROM is the option ROM it needs\n"
	       "  --uefi              the guest boots OVMF (no ROM: igpuctl says what is missing)\n"
	       "libvirt:\n"
	       "  --domain NAME       edit this domain's definition (a dry run showing the diff)\n"
	       "  --apply             define the edited domain\n"
	       "  --connect URI       libvirt connection (default: libvirt's default)\n"
	       "  --xml FILE          edit a domain XML file ('-' for stdin), print the result\n"
	       "  --qemu-commandline  the <qemu:commandline> -set form for libvirt < 8.2\n"
	       "proxmox:\n"
	       "  --apply             write the files (default: show the diff)\n"
	       "  --mapping NAME      create or extend the cluster mapping NAME and use mapping=NAME\n"
	       "  --node NODE         this node's name in the mapping (default: /etc/pve/local)\n"
	       "  --mdev TYPE         let Proxmox VE create a vGPU of TYPE at VM start\n"
	       "  --no-pcie           no pcie=1 even on q35\n");
	return EXIT_OK;
}

/* A file given for a QEMU argument or libvirt XML: a path, as printable
 * text (XML holds no control characters, QEMU's command line should not). */
static bool path_arg_ok(const char *s)
{
	return *s && strlen(s) < PATH_MAX && string_is_printable(s);
}

/* igp_vm_machine_parse() also reads Proxmox's "q35,viommu=..." and takes any
 * version after "pc-q35-"; on the command line only the machine name. */
static bool machine_arg_ok(const char *s)
{
	return strlen(s) <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.+-_") == strlen(s);
}

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

/* Options every target shares; returns 1 when c was one of them. */
static int common_opt(int c, const char *arg, struct igp_vm_options *o, const char *target)
{
	int r;

	switch (c) {
	case OPT_DISPLAY:
		if ((r = igp_vm_display_from_name(arg)) < 0)
			return log_usage("vm", "unknown --display '%s'", arg), -1;
		o->display = (enum igp_vm_display)r;
		return 1;
	case OPT_MACHINE:
		if (!machine_arg_ok(arg) || igp_vm_machine_parse(arg, &o->machine) < 0)
			return log_usage("vm", "--machine takes q35 or pc, not '%s'", arg), -1;
		return 1;
	case OPT_LEGACY_IGD:
		o->igd_mode = IGP_IGD_LEGACY;
		return 1;
	case OPT_X_VGA:
		o->x_vga = 1;
		return 1;
	case OPT_ROMBAR:
		r = igp_parse_onoff(arg);
		if (r < 0)
			return log_usage("vm", "--rombar takes on or off, not '%s'", arg), -1;
		o->rombar = r;
		return 1;
	case OPT_ROMFILE:
	case OPT_OVMF:
		if (!path_arg_ok(arg))
			return log_usage("vm", "--%s needs a file name, not '%s'",
					 c == OPT_ROMFILE ? "romfile" : "ovmf", arg),
			       -1;
		if (c == OPT_ROMFILE) {
			o->romfile = arg;
			return 1;
		}
		/* Only qemu and libvirt list --ovmf and --uefi, so only they get here. */
		o->uefi = true;
		o->romfile = arg;
		return 1;
	case OPT_UEFI:
		o->uefi = true;
		return 1;
	}
	(void)target;
	return 0;
}

/* Shell-quote a word for copy and paste. */
static void print_word(const char *s)
{
	bool plain = *s != '\0';

	for (const char *c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-,.=:/@%+", *c))
			plain = false;
	if (plain) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*c);
	}
	putchar('\'');
}

static void print_notes(char *const *notes)
{
	for (size_t i = 0; notes && notes[i]; i++)
		fprintf(stderr, "Note: %s\n", notes[i]);
}

static struct json_object *notes_json(char *const *notes)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; notes && notes[i]; i++)
		json_object_array_add(a, json_object_new_string(notes[i]));
	return a;
}

static struct json_object *device_json(const struct igp_vm_device *d)
{
	struct json_object *o = json_object_new_object(), *f = json_object_new_array();

	json_object_object_add(o, "kind", json_object_new_string(d->kind == IGP_VM_PCI ? "pci" : "mdev"));
	for (size_t i = 0; i < d->n_funcs; i++)
		json_object_array_add(f, json_object_new_string(d->funcs[i].address));
	json_object_object_add(o, d->kind == IGP_VM_PCI ? "functions" : "parent",
			       d->kind == IGP_VM_PCI ? f : json_object_get(json_object_array_get_idx(f, 0)));
	if (d->kind != IGP_VM_PCI)
		json_object_put(f);
	json_object_object_add(o, "uuid", d->kind == IGP_VM_MDEV ? json_object_new_string(d->uuid) : NULL);
	json_object_object_add(o, "mdev_type", json_str_or_null(d->mdev_type));
	json_object_object_add(o, "vf", json_object_new_boolean(d->vf));
	json_object_object_add(o, "igd", json_object_new_boolean(d->igd));
	return o;
}

/*
 * What is wrong on the host for passing d through: the warn and fail
 * results of `igpuctl check --mode full` for its functions, taken from the
 * check engine (which alone decides what is wrong) and reworded as notes.
 * Only the findings about the passthrough itself are notes: the IOMMU, the
 * device's IOMMU group and the host's boot display.  A vGPU has none of
 * these.  *ret stays NULL when nothing is wrong.
 */
static const char *const vm_note_checks[] = {"iommu.enabled", "full.boot_vga", "full.isolation", NULL};

static int host_notes(const struct igp_host *h, const struct igp_vm_device *d, char ***ret)
{
	_cleanup_free_ struct igp_check_target *t = NULL;
	struct igp_check_report rep;
	size_t n = 0;
	int r = 0;

	if (d->kind != IGP_VM_PCI)
		return 0;
	t = calloc(d->n_funcs, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_funcs; i++) {
		struct igp_pci_dev *p;
		if (igp_host_find(h, d->funcs[i].address, &p) >= 0)
			t[n++] = (struct igp_check_target){.gpu = p, .mode = IGP_METHOD_FULL};
	}
	if (n == 0)
		return 0;
	r = igp_checks_run(h, t, n, 0, &rep);
	if (r < 0)
		return r;
	for (size_t i = 0; r >= 0 && i < rep.n_checks; i++) {
		const struct igp_check *k = &rep.checks[i];
		if ((k->status != IGP_CHECK_WARN && k->status != IGP_CHECK_FAIL) ||
		    !strv_contains((char **)vm_note_checks, k->id) ||
		    /* The group is the group of the whole device. */
		    (streq(k->id, "full.isolation") && !streq(k->device, d->funcs[0].address)))
			continue;
		r = strv_pushf(ret, "%s %s [%s]", k->message, k->remedy, k->id);
	}
	igp_check_report_done(&rep);
	return r;
}

/* Load the host, resolve DEVICE and check the options against it. */
static int prepare(const char *spec, const struct igp_vm_options *o, enum igp_vm_target t,
		   struct igp_host **ret_h, struct igp_vm_device **ret_d)
{
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ char *why = NULL;
	struct igp_vm_device *d = NULL;
	int r;

	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	r = igp_vm_device_resolve(h, spec, &d, &why);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to resolve %s", spec);
	if (r == -EINVAL)
		return log_usage("vm", "%s", why ? why : "bad DEVICE");
	if (r < 0)
		return log_error("%s", why ? why : "cannot use that device");
	r = igp_vm_check(d, o, t, &why);
	if (r < 0) {
		igp_vm_device_free(d);
		return log_usage("vm", "%s", why ? why : "these options do not combine");
	}
	*ret_h = TAKE_PTR(h);
	*ret_d = d;
	return EXIT_OK;
}

/* ---- qemu ---- */

static int vm_qemu(int argc, char *argv[])
{
	static const struct option opts[] = {COMMON_LONGOPTS,
					     {"ovmf", required_argument, NULL, OPT_OVMF},
					     {"uefi", no_argument, NULL, OPT_UEFI},
					     {}};
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_vm_device_ struct igp_vm_device *d = NULL;
	_cleanup_strv_free_ char **args = NULL, **notes = NULL, **found = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		r = common_opt(c, optarg, &o, "qemu");
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_HELP:
			return help();
		default:
			return log_usage_option("vm", c, argc, argv, opts);
		}
	}
	if (optind + 1 != argc)
		return log_usage("vm", "vm qemu takes one DEVICE (a PCI address or a vGPU UUID)");
	r = prepare(argv[optind], &o, IGP_VM_QEMU, &h, &d);
	if (r != EXIT_OK)
		return r;

	notes = calloc(1, sizeof(char *));
	if (!notes)
		return log_error_errno(-ENOMEM, "Failed to build the arguments");
	r = host_notes(h, d, &found);
	if (r >= 0)
		r = igp_vm_common_notes(d, &o, IGP_VM_QEMU, found, &notes);
	if (r >= 0)
		r = igp_qemu_args(d, &o, &args, &notes);
	if (r < 0)
		return log_error_errno(r, "Failed to build the QEMU arguments");

	if (arg_g.json) {
		struct json_object *j = json_object_new_object(), *a = json_object_new_array();
		for (size_t i = 0; args[i]; i++)
			json_object_array_add(a, json_object_new_string(args[i]));
		json_object_object_add(j, "target", json_object_new_string("qemu"));
		json_object_object_add(j, "device", device_json(d));
		json_object_object_add(j, "args", a);
		json_object_object_add(j, "notes", notes_json(notes));
		json_print(j);
		return EXIT_OK;
	}
	/* One option and its value per line: readable, and still one word
	 * each inside $(igpuctl vm qemu ...). */
	for (size_t i = 0; args[i] && args[i + 1]; i += 2) {
		print_word(args[i]);
		putchar(' ');
		print_word(args[i + 1]);
		putchar('\n');
	}
	print_notes(notes);
	return EXIT_OK;
}

/* ---- libvirt ---- */

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
		json_object_object_add(j, "device", device_json(d));
		json_object_object_add(j, "xml", json_object_new_string(xml));
		json_object_object_add(j, "notes", notes_json(notes));
		json_print(j);
	} else {
		fputs(xml, stdout);
		print_notes(notes);
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
		r = common_opt(c, optarg, &o, "libvirt");
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_HELP:
			return help();
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
	r = prepare(argv[optind], &o, IGP_VM_LIBVIRT, &h, &d);
	if (r != EXIT_OK)
		return r;
	notes = calloc(1, sizeof(char *));
	if (!notes)
		return log_error_errno(-ENOMEM, "Failed to build the XML");
	r = host_notes(h, d, &found);
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
		json_object_object_add(j, "device", device_json(d));
		json_object_object_add(j, "domain", json_object_new_string(domain));
		json_object_object_add(j, "diff", json_object_new_string(diff));
		json_object_object_add(j, "applied", json_object_new_boolean(apply));
		json_object_object_add(j, "notes", notes_json(notes));
		json_print(j);
		return EXIT_OK;
	}
	fputs(diff, stdout);
	print_notes(notes);
	if (apply)
		fprintf(stderr, "Defined domain %s.\n", domain);
	else
		fprintf(stderr, "Dry run: domain %s is unchanged; run again with --apply to define it.\n",
			domain);
	return EXIT_OK;
}

static int vm_libvirt(int argc, char *argv[], char *const *cmdline)
{
	int r = vm_libvirt_run(argc, argv, cmdline);
	libvirt_target_close();
	return r;
}

/* ---- proxmox ---- */

static const char *proxmox_romfile(const char *arg, char **ret_why)
{
	/* qemu-server takes romfile= relative to /usr/share/kvm. */
	const char *dir = IGP_USR_SHARE_KVM "/";
	const char *name = startswith(arg, dir) ? arg + strlen(dir) : arg;

	if (!*name || strchr(name, '/')) {
		*ret_why =
		    strdupf("Proxmox VE loads ROM files from %s: copy '%s' there and give its file name",
			    IGP_USR_SHARE_KVM, arg);
		return NULL;
	}
	/* It becomes one value of a property string (comma-separated
	 * key=value) in a line-based file. */
	if (strpbrk(name, ",;= \t") || strlen(name) > NAME_MAX || !string_is_printable(name)) {
		*ret_why =
		    strdupf("'%s' cannot be a romfile= of Proxmox VE: a file name without blanks, ',', "
			    "';' or '='",
			    arg);
		return NULL;
	}
	return name;
}

/* The lines of NEW that OLD does not have (each line of OLD pairs with one). */
static int added_lines(const char *old, const char *new, char ***ret)
{
	_cleanup_strv_free_ char **o = NULL, **n = NULL, **added = NULL;
	_cleanup_free_ bool *used = NULL;
	int r;

	r = strv_split(old ? old : "", "\n", &o);
	if (r >= 0)
		r = strv_split(new ? new : "", "\n", &n);
	if (r >= 0 && !(used = calloc(strv_length(o) + 1, sizeof(bool))))
		r = -ENOMEM;
	for (size_t i = 0; r >= 0 && n[i]; i++) {
		size_t k = 0;
		while (o[k] && (used[k] || !streq(o[k], n[i])))
			k++;
		if (o[k])
			used[k] = true;
		else
			r = strv_push(&added, n[i]);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(added);
	return 0;
}

/*
 * A Proxmox file edit, undone by a byte-exact restore only (IGP_UNDO_NONE);
 * the lines igpuctl added are kept for revert's message.  Taking them out
 * of a file changed since (IGP_UNDO_LINES) is not safe here: qm snapshot
 * copies the configuration, hostpciN line and all, into a [snapshot]
 * section after it, and the line undo takes the *last* equal line, the
 * snapshot's, leaving the VM's own; a replaced machine: or vga: line would
 * not come back either; and pci.cfg's "mdev 1" lines are not unique.  So
 * revert leaves a changed file to the user and names the lines to remove
 * (qm set VMID --delete hostpciN).  New files get pmxcfs's mode, 0640.
 */
static int plan_pve_file(struct igp_plan *p, const char *path, const char *old, const char *new,
			 const char *why)
{
	struct igp_undo u = {.kind = IGP_UNDO_NONE};
	char *b = old ? strdup(old) : NULL, *a = new ? strdup(new) : NULL;
	int r = added_lines(old, new, &u.lines);

	if (r >= 0 && ((old && !b) || (new && !a)))
		r = -ENOMEM;
	if (r < 0) {
		free(b);
		free(a);
		igp_undo_done(&u);
		return r;
	}
	return igp_plan_add_file(p, path, b, a, 0640, &u, 0, why);
}

/* Both files as one change, the mapping first: the VM configuration refers to it. */
static int apply_pve(struct igp_change *ch, char *const *cmdline, const char *conf_path, const char *conf_old,
		     const char *conf_new, const char *map_old, const char *map_new)
{
	_cleanup_(igp_plan_done) struct igp_plan p = {0};
	int r = 0;

	if (map_new)
		r = plan_pve_file(&p, IGP_ETC_PVE_MAPPING_PCI, map_old, map_new, "cluster PCI mapping");
	if (r >= 0)
		r = plan_pve_file(&p, conf_path, conf_old, conf_new, "VM configuration");
	if (r < 0)
		return log_error_errno(r, "Failed to plan %s", conf_path);
	if (planview_apply(ch, &p, cmdline, NULL, NULL) != 0)
		return EXIT_FAIL;
	r = igp_change_finish(ch);
	if (r < 0)
		return log_error_errno(r, "Cannot update the journal %s", IGP_VAR_LIB_IGPUCTL_JOURNAL);
	return EXIT_OK;
}

static int vm_proxmox(int argc, char *argv[], char *const *cmdline)
{
	static const struct option opts[] = {COMMON_LONGOPTS,
					     {"apply", no_argument, NULL, OPT_APPLY},
					     {"mapping", required_argument, NULL, OPT_MAPPING},
					     {"node", required_argument, NULL, OPT_NODE},
					     {"mdev", required_argument, NULL, OPT_MDEV},
					     {"no-pcie", no_argument, NULL, OPT_NO_PCIE},
					     {}};
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_vm_device_ struct igp_vm_device *d = NULL;
	_cleanup_strv_free_ char **found = NULL;
	_cleanup_free_ char *conf_path = NULL, *conf_old = NULL, *map_old = NULL, *map_new = NULL,
			    *why = NULL, *node_buf = NULL, *diff_conf = NULL, *diff_map = NULL;
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	struct igp_pve_plan plan = {0};
	struct igp_pve_request rq = {.pcie = -1};
	const char *mapping = NULL, *node = NULL, *mdev_type = NULL;
	unsigned long vmid;
	bool apply = false;
	long pid = 0;
	int c, r, running;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		r = common_opt(c, optarg, &o, "proxmox");
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_HELP:
			return help();
		case OPT_APPLY:
			apply = true;
			break;
		case OPT_MAPPING:
			if (!igp_pve_id_valid(optarg))
				return log_usage(
				    "vm",
				    "'%s' is no valid mapping name (a letter, then letters, digits, "
				    "'-' and '_')",
				    optarg);
			mapping = optarg;
			break;
		case OPT_NODE:
			if (!igp_pve_id_valid(optarg))
				return log_usage("vm", "'%s' is no valid node name", optarg);
			node = optarg;
			break;
		case OPT_MDEV:
			if (!igp_pve_mdev_type_valid(optarg))
				return log_usage("vm", "'%s' is no valid mdev type", optarg);
			mdev_type = optarg;
			break;
		case OPT_NO_PCIE:
			rq.pcie = 0;
			break;
		default:
			return log_usage_option("vm", c, argc, argv, opts);
		}
	}
	if (optind + 2 != argc)
		return log_usage("vm", "vm proxmox takes a VMID and a DEVICE");
	if (igp_pve_vmid_parse(argv[optind], &vmid) < 0)
		return log_usage("vm", "'%s' is no VMID (100 to 999999999)", argv[optind]);
	if (node && !mapping)
		return log_usage("vm", "--node goes with --mapping NAME");
	if (o.romfile && !(o.romfile = proxmox_romfile(o.romfile, &why)))
		return log_usage("vm", "%s", why);
	r = prepare(argv[optind + 1], &o, IGP_VM_PROXMOX, &h, &d);
	if (r != EXIT_OK)
		return r;
	if (d->kind == IGP_VM_MDEV) {
		if (mdev_type && !streq(mdev_type, d->mdev_type))
			return log_usage("vm", "vGPU %s is of type %s, not %s", d->uuid, d->mdev_type,
					 mdev_type);
		mdev_type = d->mdev_type;
	} else if (mdev_type) {
		if (!igp_is_dirf(IGP_SYS_PCI_DEVICES "/%s/mdev_supported_types/%s", d->funcs[0].address,
				 mdev_type))
			return log_error("%s offers no mdev type %s (see igpuctl vgpu types)",
					 d->funcs[0].address, mdev_type);
		if (d->vf || d->n_funcs > 1)
			return log_usage("vm", "--mdev needs the vGPU parent itself");
	}
	if (mdev_type && o.x_vga == 1)
		return log_usage("vm", "x-vga is for a passed-through GPU, not a vGPU");

	/* The lock comes before the files the plan rests on are read. */
	if (planview_begin(&ch, !apply) != 0)
		return EXIT_FAIL;
	conf_path = igp_pve_conf_path(vmid);
	if (!conf_path)
		return log_error_errno(-ENOMEM, "Failed to plan");
	r = igp_read_file(conf_path, &conf_old, NULL);
	if (r == -ENOENT)
		return log_error("VM %lu does not exist on this node (no %s)", vmid, conf_path);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", conf_path);

	running = igp_pve_vm_running(vmid, &pid);
	if (running < 0)
		return log_error_errno(running, "Failed to tell whether VM %lu runs", vmid);
	if (running && apply)
		return log_error(
		    "VM %lu is running (pid %ld): shut it down first (qm shutdown %lu); nothing was "
		    "changed",
		    vmid, pid, vmid);

	if (mapping) {
		if (!node) {
			r = igp_pve_node_name(&node_buf);
			if (r < 0)
				return log_error(
				    "Cannot tell this node's name (no %s or %s): give --node NODE",
				    IGP_ETC_PVE_LOCAL, IGP_ETC_HOSTNAME);
			node = node_buf;
		}
		r = igp_read_optional(IGP_ETC_PVE_MAPPING_PCI, &map_old);
		if (r < 0)
			return log_error_errno(r, "Failed to read %s", IGP_ETC_PVE_MAPPING_PCI);
		r = igp_pve_mapping_plan(map_old, mapping, node, d, mdev_type != NULL, &map_new, &why);
		if (r == -ENOMEM)
			return log_error_errno(r, "Failed to plan %s", IGP_ETC_PVE_MAPPING_PCI);
		if (r < 0)
			return log_error("%s", why);
	}

	rq.dev = d;
	rq.opts = &o;
	rq.mapping = mapping;
	rq.mdev_type = mdev_type;
	r = host_notes(h, d, &found);
	if (r < 0)
		return log_error_errno(r, "Failed to check the host");
	rq.host_notes = found;
	rq.vmid = vmid;
	r = igp_pve_conf_plan(conf_old, &rq, &plan, &why);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to plan %s", conf_path);
	if (r < 0)
		return log_error("%s", why);
	if (running) {
		r = strv_push(&plan.notes, "The VM is running: --apply refuses until it is shut down.");
		if (r < 0)
			goto out;
	}

	r = igp_diff_unified(conf_path, conf_old, plan.new_text, &diff_conf);
	if (r >= 0 && map_new)
		r = igp_diff_unified(IGP_ETC_PVE_MAPPING_PCI, map_old, map_new, &diff_map);
	if (r < 0) {
		log_error_errno(r, "Failed to diff");
		r = EXIT_FAIL;
		goto out;
	}

	if (apply &&
	    (r = apply_pve(&ch, cmdline, conf_path, conf_old, plan.new_text, map_old, map_new)) != EXIT_OK)
		goto out;

	if (arg_g.json) {
		struct json_object *j = json_object_new_object(), *files = json_object_new_array(), *f;
		json_object_object_add(j, "target", json_object_new_string("proxmox"));
		json_object_object_add(j, "device", device_json(d));
		json_object_object_add(j, "vmid", json_object_new_int64((int64_t)vmid));
		json_object_object_add(j, "key", json_object_new_string(plan.key));
		json_object_object_add(j, "value", json_object_new_string(plan.value));
		json_object_object_add(j, "mapping", json_str_or_null(mapping));
		f = json_object_new_object();
		json_object_object_add(f, "path", json_object_new_string(conf_path));
		json_object_object_add(f, "diff", json_object_new_string(diff_conf));
		json_object_array_add(files, f);
		if (diff_map) {
			f = json_object_new_object();
			json_object_object_add(f, "path", json_object_new_string(IGP_ETC_PVE_MAPPING_PCI));
			json_object_object_add(f, "diff", json_object_new_string(diff_map));
			json_object_array_add(files, f);
		}
		json_object_object_add(j, "files", files);
		json_object_object_add(j, "applied", json_object_new_boolean(apply));
		json_object_object_add(j, "notes", notes_json(plan.notes));
		json_print(j);
	} else {
		if (diff_map)
			fputs(diff_map, stdout);
		fputs(diff_conf, stdout);
		print_notes(plan.notes);
		if (apply)
			fprintf(stderr, "Wrote %s%s%s: %s: %s\n", map_new ? IGP_ETC_PVE_MAPPING_PCI : "",
				map_new ? " and " : "", conf_path, plan.key, plan.value);
		else
			fprintf(stderr, "Dry run: nothing was written; run again with --apply.\n");
	}
	r = EXIT_OK;
out:
	igp_pve_plan_done(&plan);
	return r;
}

int cmd_vm(int argc, char *argv[])
{
	if (argc < 2)
		return log_usage("vm", "which target? (qemu, libvirt or proxmox)");
	if (streq(argv[1], "--help") || streq(argv[1], "-h"))
		return help();
	if (streq(argv[1], "qemu"))
		return vm_qemu(argc - 1, argv + 1);
	if (streq(argv[1], "libvirt"))
		return vm_libvirt(argc - 1, argv + 1, argv);
	if (streq(argv[1], "proxmox"))
		return vm_proxmox(argc - 1, argv + 1, argv);
	return log_usage("vm", "unknown target '%s' (qemu, libvirt or proxmox)", argv[1]);
}
