/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vm proxmox: the device in a Proxmox VE VM configuration, and
 * optionally in the cluster PCI mapping (vm/proxmox.h): a diff, written with
 * --apply.
 */
#include <limits.h>

#include "cmd.h"
#include "base/diff.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "output.h"
#include "planview.h"
#include "model/pkgdb.h"
#include "model/versions.h"
#include "vm/proxmox.h"
#include "vm_int.h"

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

/* Both files as one change, the mapping first: the VM configuration refers to it. */
static int apply_pve(struct igp_change *ch, char *const *cmdline, const char *conf_path, const char *conf_old,
		     const char *conf_new, const char *map_old, const char *map_new)
{
	_cleanup_(igp_plan_done) struct igp_plan p = {0};
	int r = 0;

	if (map_new)
		r = igp_pve_plan_file(&p, IGP_ETC_PVE_MAPPING_PCI, map_old, map_new, "cluster PCI mapping");
	if (r >= 0)
		r = igp_pve_plan_file(&p, conf_path, conf_old, conf_new, "VM configuration");
	if (r < 0)
		return log_error_errno(r, "Failed to plan %s", conf_path);
	if (planview_apply(ch, &p, cmdline, NULL, NULL) != 0)
		return EXIT_FAIL;
	r = igp_change_finish(ch);
	if (r < 0)
		return log_error_errno(r, "Cannot update the journal %s", IGP_VAR_LIB_IGPUCTL_JOURNAL);
	return EXIT_OK;
}

/* What vm proxmox was asked for, and what its steps share. */
struct proxmox_run {
	struct igp_vm_options o;
	struct igp_pve_request rq;
	const char *mapping, *node, *mdev_type;
	unsigned long vmid;
	bool apply;
	int running; /* 1 when the VM runs, as pid */
	long pid;
	struct igp_host *h;
	struct igp_vm_device *d;
	char **found;	   /* the host's notes */
	char *qemu_server; /* the installed qemu-server's version */
	char *conf_path, *conf_old, *map_old, *map_new, *node_buf, *diff_conf, *diff_map;
	struct igp_pve_plan plan;
	struct igp_change ch;
};

/* Release what the steps of vm proxmox hold. */
static void proxmox_run_done(struct proxmox_run *v)
{
	igp_pve_plan_done(&v->plan);
	igp_change_end(&v->ch);
	free(v->conf_path);
	free(v->conf_old);
	free(v->map_old);
	free(v->map_new);
	free(v->node_buf);
	free(v->diff_conf);
	free(v->diff_map);
	strv_free(v->found);
	free(v->qemu_server);
	igp_vm_device_free(v->d);
	igp_host_free(v->h);
}

const struct option cmd_opts_vm_proxmox[] = {COMMON_LONGOPTS,
					     {"apply", no_argument, NULL, OPT_APPLY},
					     {"mapping", required_argument, NULL, OPT_MAPPING},
					     {"node", required_argument, NULL, OPT_NODE},
					     {"mdev", required_argument, NULL, OPT_MDEV},
					     {"no-pcie", no_argument, NULL, OPT_NO_PCIE},
					     {}};

/* The options of vm proxmox: CMD_GO_ON, or the exit status (--help, a usage error). */
static int proxmox_parse_opts(struct proxmox_run *v, int argc, char *argv[])
{
	int c, status;

	while ((c = vm_getopt(argc, argv, cmd_opts_vm_proxmox, &v->o, &status)) > 0) {
		switch (c) {
		case OPT_APPLY:
			v->apply = true;
			break;
		case OPT_MAPPING:
			if (!igp_pve_id_valid(optarg))
				return log_usage(
				    "vm",
				    "'%s' is no valid mapping name (a letter, then letters, digits, "
				    "'-' and '_')",
				    optarg);
			v->mapping = optarg;
			break;
		case OPT_NODE:
			if (!igp_pve_id_valid(optarg))
				return log_usage("vm", "'%s' is no valid node name", optarg);
			v->node = optarg;
			break;
		case OPT_MDEV:
			if (!igp_pve_mdev_type_valid(optarg))
				return log_usage("vm", "'%s' is no valid mdev type", optarg);
			v->mdev_type = optarg;
			break;
		case OPT_NO_PCIE:
			v->rq.pcie = 0;
			break;
		}
	}
	return c < 0 ? status : CMD_GO_ON;
}

/* The VMID, and options that do not go together: CMD_GO_ON, or the exit status. */
static int proxmox_check_opts(struct proxmox_run *v, int argc, char *argv[])
{
	_cleanup_free_ char *why = NULL;

	if (optind + 2 != argc)
		return log_usage("vm", "vm proxmox takes a VMID and a DEVICE");
	if (igp_pve_vmid_parse(argv[optind], &v->vmid) < 0)
		return log_usage("vm", "'%s' is no VMID (100 to 999999999)", argv[optind]);
	if (v->node && !v->mapping)
		return log_usage("vm", "--node goes with --mapping NAME");
	if (v->o.romfile && !(v->o.romfile = proxmox_romfile(v->o.romfile, &why)))
		return log_usage("vm", "%s", why);
	return CMD_GO_ON;
}

/* The vGPU type: a vGPU's own, or --mdev's, which the device must offer. */
static int proxmox_check_mdev(struct proxmox_run *v)
{
	const struct igp_vm_device *d = v->d;

	if (d->kind == IGP_VM_MDEV) {
		if (v->mdev_type && !streq(v->mdev_type, d->mdev_type))
			return log_usage("vm", "vGPU %s is of type %s, not %s", d->uuid, d->mdev_type,
					 v->mdev_type);
		v->mdev_type = d->mdev_type;
	} else if (v->mdev_type) {
		if (!igp_is_dirf(IGP_SYS_PCI_DEVICES "/%s/mdev_supported_types/%s", d->funcs[0].address,
				 v->mdev_type))
			return log_error("%s offers no mdev type %s (see igpuctl vgpu types)",
					 d->funcs[0].address, v->mdev_type);
		if (d->vf || d->n_funcs > 1)
			return log_usage("vm", "--mdev needs the vGPU parent itself");
	}
	if (v->mdev_type && v->o.x_vga == 1)
		return log_usage("vm", "x-vga is for a passed-through GPU, not a vGPU");
	/* qemu-server: "legacy IGD assignment is not compatible with mdev" (PCI.pm). */
	if (v->mdev_type && v->o.igd_mode == IGP_IGD_LEGACY)
		return log_usage("vm", "IGD legacy mode is not compatible with a vGPU (mdev): it passes the "
				       "iGPU at 0000:00:02.0 itself");
	return EXIT_OK;
}

/* Take the lock, read VMID.conf, and refuse --apply while the VM runs. */
static int proxmox_read_conf(struct proxmox_run *v)
{
	int r;

	/* The lock comes before the files the plan rests on are read. */
	if (planview_begin(&v->ch, !v->apply) != 0)
		return EXIT_FAIL;
	v->conf_path = igp_pve_conf_path(v->vmid);
	if (!v->conf_path)
		return log_error_errno(-ENOMEM, "Failed to plan");
	r = igp_read_file(v->conf_path, &v->conf_old, NULL);
	if (r == -ENOENT)
		return log_error("VM %lu does not exist on this node (no %s)", v->vmid, v->conf_path);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", v->conf_path);

	v->running = igp_pve_vm_running(v->vmid, &v->pid);
	if (v->running < 0)
		return log_error_errno(v->running, "Failed to tell whether VM %lu runs", v->vmid);
	if (v->running && v->apply)
		return log_error(
		    "VM %lu is running (pid %ld): shut it down first (qm shutdown %lu); nothing was "
		    "changed",
		    v->vmid, v->pid, v->vmid);
	return EXIT_OK;
}

/* With --mapping: the new pci.cfg, for this node (--node or its own name). */
static int proxmox_plan_mapping(struct proxmox_run *v)
{
	_cleanup_free_ char *why = NULL;
	int r;

	if (!v->mapping)
		return EXIT_OK;
	if (!v->node) {
		r = igp_pve_node_name(&v->node_buf);
		if (r < 0)
			return log_error("Cannot tell this node's name (no %s or %s): give --node NODE",
					 IGP_ETC_PVE_LOCAL, IGP_ETC_HOSTNAME);
		v->node = v->node_buf;
	}
	r = igp_read_optional(IGP_ETC_PVE_MAPPING_PCI, &v->map_old);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", IGP_ETC_PVE_MAPPING_PCI);
	/* PVE::Mapping::PCI::assert_valid(): the mapping's mdev flag must say
	 * whether the device offers vGPUs, whatever this VM takes of it. */
	r = igp_pve_mapping_plan(v->map_old, v->mapping, v->node, v->d, v->d->funcs[0].mdev_parent,
				 &v->map_new, &why);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to plan %s", IGP_ETC_PVE_MAPPING_PCI);
	if (r < 0)
		return log_error("%s", why);
	return EXIT_OK;
}

/* The new VMID.conf and its notes. */
static int proxmox_plan_conf(struct proxmox_run *v)
{
	_cleanup_free_ char *why = NULL;
	int r;

	v->rq.dev = v->d;
	v->rq.opts = &v->o;
	v->rq.mapping = v->mapping;
	v->rq.mdev_type = v->mdev_type;
	r = vm_host_notes(v->h, v->d, &v->found);
	if (r < 0)
		return log_error_errno(r, "Failed to check the host");
	v->rq.host_notes = v->found;
	v->rq.host = v->h;
	v->rq.vmid = v->vmid;
	{
		const struct igp_pkg *qs = igp_host_package(v->h, "qemu-server");
		if (qs && igp_pkg_upstream_version(qs->version, &v->qemu_server) == -ENOMEM)
			return log_error_errno(-ENOMEM, "Failed to read the qemu-server version");
		v->rq.qemu_server = v->qemu_server;
	}
	r = igp_pve_conf_plan(v->conf_old, &v->rq, &v->plan, &why);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to plan %s", v->conf_path);
	if (r < 0)
		return log_error("%s", why);
	if (v->running) {
		r = strv_push(&v->plan.notes, "The VM is running: --apply refuses until it is shut down.");
		if (r < 0)
			return r;
	}
	return EXIT_OK;
}

/* The diffs of VMID.conf and pci.cfg. */
static int proxmox_diff(struct proxmox_run *v)
{
	int r;

	r = igp_diff_unified(v->conf_path, v->conf_old, v->plan.new_text, &v->diff_conf);
	if (r >= 0 && v->map_new)
		r = igp_diff_unified(IGP_ETC_PVE_MAPPING_PCI, v->map_old, v->map_new, &v->diff_map);
	if (r < 0) {
		log_error_errno(r, "Failed to diff");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* A {"path", "diff"} object of the JSON's "files". */
static struct json_object *file_json(const char *path, const char *diff)
{
	struct json_object *f = json_object_new_object();

	json_object_object_add(f, "path", json_object_new_string(path));
	json_object_object_add(f, "diff", json_object_new_string(diff));
	return f;
}

/* The plan as JSON: the hostpciN line, the files' diffs, the notes. */
static void proxmox_print_json(const struct proxmox_run *v)
{
	struct json_object *j = json_object_new_object(), *files = json_object_new_array();

	json_object_object_add(j, "target", json_object_new_string("proxmox"));
	json_object_object_add(j, "device", vm_device_json(v->d));
	json_object_object_add(j, "vmid", json_object_new_int64((int64_t)v->vmid));
	json_object_object_add(j, "key", json_object_new_string(v->plan.key));
	json_object_object_add(j, "value", json_object_new_string(v->plan.value));
	json_object_object_add(j, "mapping", json_str_or_null(v->mapping));
	json_object_array_add(files, file_json(v->conf_path, v->diff_conf));
	if (v->diff_map)
		json_object_array_add(files, file_json(IGP_ETC_PVE_MAPPING_PCI, v->diff_map));
	json_object_object_add(j, "files", files);
	json_object_object_add(j, "applied", json_object_new_boolean(v->apply));
	json_object_object_add(j, "notes", vm_notes_json(v->plan.notes));
	json_print(j);
}

/* The diffs and notes, and what was written. */
static int proxmox_print(const struct proxmox_run *v)
{
	if (arg_g.json) {
		proxmox_print_json(v);
		return EXIT_OK;
	}
	if (v->diff_map)
		fputs(v->diff_map, stdout);
	fputs(v->diff_conf, stdout);
	vm_print_notes(v->plan.notes);
	if (v->apply)
		fprintf(stderr, "Wrote %s%s%s: %s: %s\n", v->map_new ? IGP_ETC_PVE_MAPPING_PCI : "",
			v->map_new ? " and " : "", v->conf_path, v->plan.key, v->plan.value);
	else
		fprintf(stderr, "Dry run: nothing was written; run again with --apply.\n");
	return EXIT_OK;
}

int vm_proxmox(int argc, char *argv[], char *const *cmdline)
{
	_cleanup_(proxmox_run_done) struct proxmox_run v = {
	    .o = IGP_VM_OPTIONS_INIT, .rq = {.pcie = -1}, .ch = {.lock_fd = -1}};
	_cleanup_free_ char *self = NULL;
	int r;

	if ((r = proxmox_parse_opts(&v, argc, argv)) != CMD_GO_ON ||
	    (r = proxmox_check_opts(&v, argc, argv)) != CMD_GO_ON)
		return r;
	if (!(self = strdupf("proxmox-vm:%lu", v.vmid)))
		return log_error_errno(-ENOMEM, "Failed to prepare");
	r = vm_prepare(argv[optind + 1], self, &v.o, IGP_VM_PROXMOX, v.mdev_type != NULL, &v.h, &v.d);
	if (r == EXIT_OK)
		r = proxmox_check_mdev(&v);
	if (r == EXIT_OK)
		r = proxmox_read_conf(&v);
	if (r == EXIT_OK)
		r = proxmox_plan_mapping(&v);
	if (r == EXIT_OK)
		r = proxmox_plan_conf(&v);
	if (r == EXIT_OK)
		r = proxmox_diff(&v);
	if (r == EXIT_OK && v.apply)
		r = apply_pve(&v.ch, cmdline, v.conf_path, v.conf_old, v.plan.new_text, v.map_old, v.map_new);
	if (r != EXIT_OK)
		return r;
	return proxmox_print(&v);
}
