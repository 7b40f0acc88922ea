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

int vm_proxmox(int argc, char *argv[], char *const *cmdline)
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
		r = vm_common_opt(c, optarg, &o, "proxmox");
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_HELP:
			return vm_help();
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
	r = vm_prepare(argv[optind + 1], &o, IGP_VM_PROXMOX, &h, &d);
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
	r = vm_host_notes(h, d, &found);
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
		json_object_object_add(j, "device", vm_device_json(d));
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
		json_object_object_add(j, "notes", vm_notes_json(plan.notes));
		json_print(j);
	} else {
		if (diff_map)
			fputs(diff_map, stdout);
		fputs(diff_conf, stdout);
		vm_print_notes(plan.notes);
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
