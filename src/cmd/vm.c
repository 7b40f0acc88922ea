/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm qemu|libvirt|proxmox: the VM side of both guides.  Each target
 * renders the same model (src/lib/vmconf.h): QEMU arguments, libvirt domain
 * XML (printed, or edited in a domain through the C API), or a Proxmox VE
 * VM configuration (a diff, written with --apply).  This file holds what
 * the targets share (vm_int.h) and the qemu target; vm_libvirt.c and
 * vm_proxmox.c hold the other two.
 */
#include <getopt.h>
#include <limits.h>

#include "cmd.h"
#include "output.h"
#include "checks/checks.h"
#include "model/qemucaps.h"
#include "vm/igd.h"
#include "model/firmware.h"
#include "vm/optionrom.h"
#include "vm/qemu_args.h"
#include "vm/vmconf.h"
#include "vm_int.h"

int vm_help(void)
{
	printf("Usage: igpuctl vm qemu DEVICE [OPTIONS] [--full [--memory MiB]]\n"
	       "       igpuctl vm libvirt DEVICE [OPTIONS] [--domain NAME [--apply] [--connect URI] | --xml "
	       "FILE]\n"
	       "       igpuctl vm proxmox VMID DEVICE [OPTIONS] [--mapping NAME [--node NODE]] [--apply]\n"
	       "       igpuctl vm lint proxmox VMID | libvirt DOMAIN|FILE | qemu -- ARGS...\n\n"
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
	       "  --qemu PATH         the QEMU that runs the VM, asked what it can do (default:\n"
	       "                      /usr/bin/kvm on Proxmox VE, else qemu-system-x86_64 on PATH)\n"
	       "  --ovmf ROM          the guest boots OVMF; ROM is the option ROM it needs\n"
	       "  --uefi              the guest boots OVMF (no ROM: igpuctl says what is missing)\n"
	       "  --vf next|N         DEVICE is an SR-IOV PF: attach one of its VFs, the first that\n"
	       "                      no guest uses (next; VFs on vfio-pci first) or VF N as\n"
	       "                      `igpuctl vfs` numbers them; says which it picked\n"
	       "  --force             attach a VF even though another VM uses it (only one of\n"
	       "                      them can run at a time), or a GPU or VF whose render node\n"
	       "                      containers use (they lose it when the VM starts)\n"
	       "qemu:\n"
	       "  --full              a whole command line that runs: the binary, KVM, CPU, memory,\n"
	       "                      OVMF (with --uefi/--ovmf) and the device\n"
	       "  --memory MiB        the guest's memory with --full (default 4096)\n"
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
	       "  --no-pcie           no pcie=1 even on q35\n"
	       "lint: judge an existing VM configuration against this host (vm lint --help)\n");
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

/* --vf and --force: which VF of DEVICE, and a VF that another guest uses. */
static const char *arg_vf;
static bool arg_force;

/* Options every target shares; returns 1 when c was one of them. */
static int common_opt(int c, const char *arg, struct igp_vm_options *o)
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
	case OPT_VF:
		arg_vf = arg;
		return 1;
	case OPT_FORCE:
		arg_force = true;
		return 1;
	case OPT_QEMU:
		if (!path_arg_ok(arg) || arg[0] != '/')
			return log_usage("vm", "--qemu needs the absolute path of a QEMU binary, not '%s'",
					 arg),
			       -1;
		o->qemu_path = arg;
		return 1;
	}
	return 0;
}

/* getopt_long() for a target, the shared options handled (vm_int.h). */
int vm_getopt(int argc, char *argv[], const struct option *opts, struct igp_vm_options *o, int *ret_status)
{
	int c, r;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		r = common_opt(c, optarg, o);
		if (r < 0) {
			*ret_status = EXIT_USAGE;
			return -1;
		}
		if (r > 0)
			continue;
		if (c == OPT_HELP || c < OPT_DISPLAY) {
			*ret_status = c == OPT_HELP ? vm_help() : log_usage_option("vm", c, argc, argv, opts);
			return -1;
		}
		return c;
	}
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

void vm_print_notes(char *const *notes)
{
	for (size_t i = 0; notes && notes[i]; i++)
		fprintf(stderr, "Note: %s\n", notes[i]);
}

struct json_object *vm_notes_json(char *const *notes)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; notes && notes[i]; i++)
		json_object_array_add(a, json_object_new_string(notes[i]));
	return a;
}

struct json_object *vm_device_json(const struct igp_vm_device *d)
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

int vm_host_notes(const struct igp_host *h, const struct igp_vm_device *d, char ***ret)
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

/* Ask the QEMU that will run the VM and refuse what it cannot do (vm/igd.h). */
static int vm_qemu_check(const struct igp_host *h, const struct igp_vm_device *d, struct igp_vm_options *o)
{
	_cleanup_free_ char *why = NULL;
	const struct igp_qemu_caps *caps;
	struct igp_igd_plan plan;
	int r;

	r = igp_host_qemu_caps(h, o->qemu_path, &caps);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to ask QEMU");
	if (r < 0 && o->qemu_path)
		return log_error("%s is no QEMU that can be run", o->qemu_path);
	o->qemu = r >= 0 ? caps : NULL;
	r = igp_igd_plan(d, o, &plan, NULL, &why);
	if (r == -ENOTSUP)
		return log_error("%s", why);
	if (r < 0)
		return log_error_errno(r, "Failed to plan the IGD properties");
	return EXIT_OK;
}

/* The device goes to vfio-pci when the VM starts: the containers that use
 * the render node of one of its functions lose it (refuse_ct_takers()). */
static int vm_refuse_ct_takers(const struct igp_host *h, const struct igp_vm_device *d)
{
	for (size_t i = 0; i < d->n_funcs; i++) {
		struct igp_pci_dev *p;
		int r;
		if (igp_host_find(h, d->funcs[i].address, &p) < 0)
			continue;
		if ((r = refuse_ct_takers(h, p, "vfio-pci", arg_force)) != CMD_GO_ON)
			return r;
	}
	return EXIT_OK;
}

/* Load the host, resolve DEVICE and check the options against it. */
int vm_prepare(const char *spec, const char *self, struct igp_vm_options *o, enum igp_vm_target t, bool vgpu,
	       struct igp_host **ret_h, struct igp_vm_device **ret_d)
{
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ char *why = NULL, *picked = NULL;
	struct igp_vm_device *d = NULL;
	int r;

	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	if (arg_vf) {
		r = vm_vf_pick(h, spec, arg_vf, self, &picked);
		if (r != EXIT_OK)
			return r;
		spec = picked;
	}
	r = igp_vm_device_resolve(h, spec, &d, &why);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to resolve %s", spec);
	if (r == -EINVAL)
		return log_usage("vm", "%s", why ? why : "bad DEVICE");
	if (r == -EBUSY && why)
		return log_error("%s; or --vf next picks a VF no guest uses", why);
	if (r < 0)
		return log_error("%s", why ? why : "cannot use that device");
	if (d->kind == IGP_VM_PCI && d->vf &&
	    (r = vm_vf_refuse_used(h, d->funcs[0].address, self, arg_force)) != EXIT_OK) {
		igp_vm_device_free(d);
		return r;
	}
	/* A vGPU leaves the device on its driver. */
	if (d->kind == IGP_VM_PCI && !vgpu && (r = vm_refuse_ct_takers(h, d)) != EXIT_OK) {
		igp_vm_device_free(d);
		return r;
	}
	/* The IOMMU group goes to the VM only when the device itself does. */
	r = vgpu ? 0 : igp_vm_device_isolation(h, d, &why);
	if (r < 0) {
		igp_vm_device_free(d);
		return r == -ENOMEM ? log_error_errno(r, "Failed to judge %s", spec)
				    : log_error("%s", why ? why : "cannot pass that device");
	}
	r = igp_vm_check(d, o, t, &why);
	if (r < 0) {
		igp_vm_device_free(d);
		return log_usage("vm", "%s", why ? why : "these options do not combine");
	}
	if (t != IGP_VM_PROXMOX && o->romfile) {
		r = igp_vm_romfile_check(d, o->romfile, o->romfile, o->uefi, &why);
		if (r < 0) {
			igp_vm_device_free(d);
			if (r == -ENOMEM)
				return log_error_errno(r, "Failed to read %s", o->romfile);
			return log_error("%s", why);
		}
	}
	igp_vm_phys_bits(h, d, t, o);
	r = vm_qemu_check(h, d, o);
	if (r != EXIT_OK) {
		igp_vm_device_free(d);
		return r;
	}
	*ret_h = TAKE_PTR(h);
	*ret_d = d;
	return EXIT_OK;
}

/* ---- qemu ---- */

/* The QEMU arguments and their notes, as words to paste or as JSON; with
 * --full the binary comes first, on a line of its own. */
static int qemu_print(const struct igp_vm_device *d, char *const *args, bool full, char *const *notes)
{
	const char *binary = full ? args[0] : NULL;

	if (full)
		args++;
	if (arg_g.json) {
		struct json_object *j = json_object_new_object(), *a = json_object_new_array();
		for (size_t i = 0; args[i]; i++)
			json_object_array_add(a, json_object_new_string(args[i]));
		json_object_object_add(j, "target", json_object_new_string("qemu"));
		if (binary)
			json_object_object_add(j, "binary", json_object_new_string(binary));
		json_object_object_add(j, "device", vm_device_json(d));
		json_object_object_add(j, "args", a);
		json_object_object_add(j, "notes", vm_notes_json(notes));
		json_print(j);
		return EXIT_OK;
	}
	/* One option and its value per line: readable, and still one word
	 * each inside $(igpuctl vm qemu ...). */
	if (binary) {
		print_word(binary);
		putchar('\n');
	}
	for (size_t i = 0; args[i] && args[i + 1]; i += 2) {
		print_word(args[i]);
		putchar(' ');
		print_word(args[i + 1]);
		putchar('\n');
	}
	vm_print_notes(notes);
	return EXIT_OK;
}

/* The guest's memory in MiB: QEMU's -m; from 128 MiB to 16 TiB. */
#define QEMU_MEMORY_DEFAULT 4096
#define QEMU_MEMORY_MAX (16L << 20)
/* -smp: enough for a desktop guest, few enough for any host. */
#define QEMU_FULL_CPUS 2
/* The binary when no QEMU was found to ask (model/qemucaps.h): the name
 * the shell finds in PATH. */
#define QEMU_BINARY "qemu-system-x86_64"

/*
 * --full: the device's arguments inside a command line that runs.  The
 * OVMF images are the host's (model/firmware.h); asked for and not
 * installed is an error.
 */
static int qemu_full(const struct igp_host *h, const struct igp_vm_options *o, long memory, char ***args,
		     char ***notes)
{
	_cleanup_(igp_ovmf_done) struct igp_ovmf ovmf = {0};
	struct igp_qemu_full f = {.binary = o->qemu && o->qemu->path ? o->qemu->path : QEMU_BINARY,
				  .memory_mib = (unsigned)memory,
				  .cpus = QEMU_FULL_CPUS};
	int r;

	if (o->uefi) {
		r = igp_host_ovmf(h, &ovmf);
		if (r == -ENOENT) {
			_cleanup_free_ char *where = igp_ovmf_searched();
			return log_error(
			    "OVMF is not installed (looked for %s): install ovmf (Debian, Ubuntu) "
			    "or edk2-ovmf (Fedora, Arch), or leave out --uefi/--ovmf",
			    where ? where : "its images");
		}
		if (r < 0)
			return log_error_errno(r, "Failed to find OVMF");
		f.ovmf_code = ovmf.code;
		f.ovmf_vars = ovmf.vars;
		f.ovmf_source = ovmf.source;
	}
	r = igp_qemu_full_args(&f, args, notes);
	if (r < 0)
		return log_error_errno(r, "Failed to build the QEMU command line");
	return EXIT_OK;
}

const struct option cmd_opts_vm_qemu[] = {COMMON_LONGOPTS,
					  {"ovmf", required_argument, NULL, OPT_OVMF},
					  {"uefi", no_argument, NULL, OPT_UEFI},
					  {"full", no_argument, NULL, OPT_FULL},
					  {"memory", required_argument, NULL, OPT_MEMORY},
					  {}};

static int vm_qemu(int argc, char *argv[])
{
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_vm_device_ struct igp_vm_device *d = NULL;
	_cleanup_strv_free_ char **args = NULL, **notes = NULL, **found = NULL;
	_cleanup_free_ char *why = NULL;
	long memory = -1;
	bool full = false;
	int c, r;

	while ((c = vm_getopt(argc, argv, cmd_opts_vm_qemu, &o, &r)) > 0) {
		if (c == OPT_FULL)
			full = true;
		else if (c == OPT_MEMORY && parse_count(optarg, 128, QEMU_MEMORY_MAX, &memory) < 0)
			return log_usage("vm", "--memory takes MiB from 128 to %ld, not '%s'",
					 QEMU_MEMORY_MAX, optarg);
	}
	if (c < 0)
		return r;
	if (optind + 1 != argc)
		return log_usage("vm", "vm qemu takes one DEVICE (a PCI address or a vGPU UUID)");
	if (memory >= 0 && !full)
		return log_usage("vm", "--memory goes with --full");
	r = vm_prepare(argv[optind], NULL, &o, IGP_VM_QEMU, false, &h, &d);
	if (r != EXIT_OK)
		return r;

	notes = calloc(1, sizeof(char *));
	if (!notes)
		return log_error_errno(-ENOMEM, "Failed to build the arguments");
	r = vm_host_notes(h, d, &found);
	if (r >= 0)
		r = igp_vm_common_notes(d, &o, IGP_VM_QEMU, found, &notes);
	if (r >= 0)
		r = igp_qemu_args(d, &o, &args, &notes);
	if (r < 0)
		return log_error_errno(r, "Failed to build the QEMU arguments");
	/* Never print what this QEMU would exit on. */
	r = igp_qemu_args_check(o.qemu, args, &why);
	if (r == -ENOTSUP)
		return log_error("%s", why);
	if (r < 0)
		return log_error_errno(r, "Failed to check the QEMU arguments");
	if (full &&
	    (r = qemu_full(h, &o, memory >= 0 ? memory : QEMU_MEMORY_DEFAULT, &args, &notes)) != EXIT_OK)
		return r;

	return qemu_print(d, args, full, notes);
}

int cmd_vm(int argc, char *argv[])
{
	if (argc < 2)
		return log_usage("vm", "which target? (qemu, libvirt or proxmox)");
	if (streq(argv[1], "--help") || streq(argv[1], "-h"))
		return vm_help();
	if (streq(argv[1], "qemu"))
		return vm_qemu(argc - 1, argv + 1);
	if (streq(argv[1], "libvirt"))
		return vm_libvirt(argc - 1, argv + 1, argv);
	if (streq(argv[1], "proxmox"))
		return vm_proxmox(argc - 1, argv + 1, argv);
	if (streq(argv[1], "lint"))
		return vm_lint(argc - 1, argv + 1);
	return log_usage("vm", "unknown target '%s' (qemu, libvirt, proxmox or lint)", argv[1]);
}
