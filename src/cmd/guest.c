/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl guest: run inside the VM.  Is the passed GPU there, which driver
 * binds it, does its render node open, and which VA-API profiles it offers
 * (what Plex, Jellyfin and Emby use for hardware transcoding).
 */
#include <getopt.h>

#include "cmd.h"
#include "devview.h"
#include "vm/guest.h"
#include "base/paths.h"
#include "output.h"

static int help(void)
{
	printf("Usage: igpuctl guest [--device ADDR] [--no-va] [-J]\n\n"
	       "Checks run inside a VM: the passed GPU is visible, a driver binds it, its render\n"
	       "node (/dev/dri/renderD*) opens, and, when libva is installed, which VA-API\n"
	       "profiles it offers.  Inside a container (LXC, Proxmox CT, Incus, Docker, ...):\n"
	       "each render node the container was given, its PCI device, owner and mode\n"
	       "against the container's render group, whether it opens, and its VA-API\n"
	       "profiles.  Exit 0 when the GPU is usable, 1 otherwise.\n\n"
	       "  --device ADDR  judge this GPU (or its render node) instead of the first one\n"
	       "  --no-va        do not ask libva\n");
	return EXIT_OK;
}

static const char *render_text(const struct igp_guest_gpu *g, char *buf, size_t size)
{
	if (!g->dev->render_node)
		return "none";
	if (g->render_open == 0)
		snprintf(buf, size, "%s (opens)", g->dev->render_node);
	else
		snprintf(buf, size, "%s (does not open: %s)", g->dev->render_node, strerror(-g->render_open));
	return buf;
}

/* null unless the GPU is an SR-IOV VF. */
static struct json_object *vf_json(const struct igp_guest_vf *vf)
{
	struct json_object *o;

	if (!vf->is_vf)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "evidence", json_str_or_null(vf->evidence));
	json_object_object_add(o, "driver", json_object_new_string(igp_guest_vf_driver_name(vf->driver)));
	json_object_object_add(o, "xe_refused", json_str_or_null(vf->xe_refused));
	return o;
}

static void vf_text(const struct igp_guest_vf *vf)
{
	static const char *const drv[] = {
	    [IGP_GUEST_VF_NONE] = "no driver bound",
	    [IGP_GUEST_VF_CAPABLE] = "its driver runs it in VF mode",
	    [IGP_GUEST_VF_STOCK_I915] = "the stock i915 cannot drive it",
	    [IGP_GUEST_VF_OTHER] = "bound to another driver",
	};

	if (!vf->is_vf)
		return;
	printf("    SR-IOV VF:   yes, %s: %s\n", drv[vf->driver], vf->evidence);
	if (vf->xe_refused)
		printf("    xe refused:  %s\n", vf->xe_refused);
}

static struct json_object *node_json(const struct igp_guest_node *n, bool judged)
{
	struct json_object *j = json_object_new_object();
	const struct igp_pci_dev *d = n->dev;
	char mode[8];

	snprintf(mode, sizeof(mode), "%04o", n->mode & 07777);
	json_object_object_add(j, "path", json_object_new_string(n->path));
	json_object_object_add(j, "char_device", json_object_new_boolean(n->char_dev));
	json_object_object_add(j, "major", json_int_or_null(n->major, n->char_dev));
	json_object_object_add(j, "minor", json_int_or_null(n->minor, n->char_dev));
	json_object_object_add(j, "pci_address", json_str_or_null(n->pci_address));
	json_object_object_add(j, "vendor", d ? json_hex4(d->vendor) : NULL);
	json_object_object_add(j, "device", d ? json_hex4(d->device) : NULL);
	json_object_object_add(j, "driver", json_str_or_null(d ? d->driver : NULL));
	json_object_object_add(j, "uid", json_int_or_null(n->uid, n->mode));
	json_object_object_add(j, "gid", json_int_or_null(n->gid, n->mode));
	json_object_object_add(j, "group_name", json_str_or_null(n->group_name));
	json_object_object_add(j, "mode", n->mode ? json_object_new_string(mode) : NULL);
	json_object_object_add(j, "render_group_can_open", json_object_new_boolean(n->render_group_can_open));
	json_object_object_add(j, "opens", n->open <= 0 ? json_object_new_boolean(n->open == 0) : NULL);
	json_object_object_add(j, "open_error", json_str_or_null(n->open < 0 ? strerror(-n->open) : NULL));
	json_object_object_add(j, "va", va_json(&n->va));
	json_object_object_add(j, "judged", json_object_new_boolean(judged));
	return j;
}

static void container_json(struct json_object *o, const struct igp_guest_report *r)
{
	struct json_object *nodes = json_object_new_array();

	json_object_object_add(o, "container", json_str_or_null(r->container.kind));
	json_object_object_add(o, "render_gid", json_int_or_null(r->render_gid, r->render_gid >= 0));
	for (size_t i = 0; i < r->n_nodes; i++)
		json_object_array_add(nodes, node_json(&r->nodes[i], (ssize_t)i == r->judged_node));
	json_object_object_add(o, "render_nodes", nodes);
}

static void print_json(const struct igp_guest_report *r)
{
	struct json_object *o = json_object_new_object(), *gpus = json_object_new_array();

	json_object_object_add(o, "in_vm", json_object_new_boolean(r->in_vm));
	container_json(o, r);
	for (size_t i = 0; i < r->n_gpus; i++) {
		const struct igp_guest_gpu *g = &r->gpus[i];
		const struct igp_pci_dev *d = g->dev;
		struct json_object *j = pci_dev_json_new(d);
		json_object_object_add(j, "vendor_name", json_str_or_null(d->vendor_name));
		json_object_object_add(j, "device_name", json_str_or_null(d->device_name));
		json_object_object_add(j, "emulated", json_str_or_null(g->emulated));
		json_object_object_add(j, "driver", json_str_or_null(d->driver));
		json_object_object_add(j, "render_node", json_str_or_null(d->render_node));
		json_object_object_add(j, "render_node_opens",
				       d->render_node ? json_object_new_boolean(g->render_open == 0) : NULL);
		json_object_object_add(j, "render_node_error",
				       d->render_node && g->render_open < 0
					   ? json_object_new_string(strerror(-g->render_open))
					   : NULL);
		json_object_object_add(j, "va", va_json(&g->va));
		json_object_object_add(j, "sriov_vf", vf_json(&g->vf));
		json_object_object_add(j, "judged", json_object_new_boolean((ssize_t)i == r->judged));
		json_object_array_add(gpus, j);
	}
	json_object_object_add(o, "gpus", gpus);
	json_object_object_add(o, "verdict", json_object_new_string(igp_guest_verdict_name(r->verdict)));
	json_object_object_add(o, "message", json_str_or_null(r->message));
	json_object_object_add(o, "next_step", json_str_or_null(r->next_step));
	json_print(o);
}

static void node_owner_text(const struct igp_guest_report *r, const struct igp_guest_node *n)
{
	if (!n->mode)
		return;
	printf("    Owner:       uid %u, gid %u%s%s%s, mode %04o\n", n->uid, n->gid,
	       n->group_name ? " (" : "", n->group_name ? n->group_name : "", n->group_name ? ")" : "",
	       n->mode & 07777);
	if (n->char_dev && r->render_gid >= 0)
		printf("    Access:      the render group %s open it\n",
		       n->render_group_can_open ? "may" : "may not");
}

static void node_pci_text(const struct igp_guest_node *n)
{
	const struct igp_pci_dev *d = n->dev;

	if (!n->char_dev)
		return;
	if (!n->pci_address) {
		printf("    PCI device:  unknown (sysfs does not show %u:%u)\n", n->major, n->minor);
		return;
	}
	if (!d) {
		printf("    PCI device:  %s\n", n->pci_address);
		return;
	}
	printf("    PCI device:  %s %04x:%04x %s%s%s [%s]\n", d->address, d->vendor, d->device,
	       d->vendor_name ? d->vendor_name : "", d->vendor_name ? " " : "",
	       d->device_name ? d->device_name : igp_pci_class_name(d->class),
	       d->driver ? d->driver : "no driver");
}

static void node_text(const struct igp_guest_report *r, const struct igp_guest_node *n)
{
	printf("Render node:     %s\n", n->path);
	if (n->char_dev)
		printf("    Device:      character device %u:%u\n", n->major, n->minor);
	else
		printf("    Device:      not a character device\n");
	node_pci_text(n);
	node_owner_text(r, n);
	if (n->open == 0)
		printf("    Opens:       yes\n");
	else if (n->open < 0)
		printf("    Opens:       no: %s\n", strerror(-n->open));
	else if (n->char_dev)
		printf("    Opens:       not tried under --root\n");
	va_print(&n->va, "    ", 12);
}

static void container_text(const struct igp_guest_report *r)
{
	printf("Container:       %s (%s)\n", r->container.kind, r->container.source);
	if (r->render_gid >= 0)
		printf("Render group:    gid %ld (%s)\n", r->render_gid, IGP_ETC_GROUP);
	else
		printf("Render group:    none in %s\n", IGP_ETC_GROUP);
	if (r->n_nodes == 0)
		printf("Render nodes:    none in %s\n", IGP_DEV_DRI);
	for (size_t i = 0; i < r->n_nodes; i++)
		node_text(r, &r->nodes[i]);
}

static void vm_text(const struct igp_guest_report *r)
{
	char buf[512];

	printf("In a VM:         %s\n", r->in_vm ? "yes (the CPU reports a hypervisor)"
						 : "no hypervisor flag: this looks like bare metal");
	if (r->n_gpus == 0)
		printf("GPUs:            none\n");
	for (size_t i = 0; i < r->n_gpus; i++) {
		const struct igp_guest_gpu *g = &r->gpus[i];
		const struct igp_pci_dev *d = g->dev;
		printf("GPU:             %s %04x:%04x %s%s%s [%s]\n", d->address, d->vendor, d->device,
		       d->vendor_name ? d->vendor_name : "", d->vendor_name ? " " : "",
		       d->device_name ? d->device_name : igp_pci_class_name(d->class),
		       g->emulated ? "emulated" : "passed through");
		printf("    Driver:      %s\n", d->driver ? d->driver : "none");
		printf("    Render node: %s\n", render_text(g, buf, sizeof(buf)));
		vf_text(&g->vf);
		va_print(&g->va, "    ", 12);
	}
}

static void print_text(const struct igp_guest_report *r)
{
	if (r->container.kind)
		container_text(r);
	else
		vm_text(r);
	printf("Verdict:         %s\n", r->message);
	if (r->next_step)
		printf("Next step:       %s\n", r->next_step);
}

const struct option cmd_opts_guest[] = {{"device", required_argument, NULL, 'd'},
					{"no-va", no_argument, NULL, 'n'},
					{"help", no_argument, NULL, 'h'},
					{}};

int cmd_guest(int argc, char *argv[])
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_guest_report r;
	const char *only = NULL;
	bool probe_va = true;
	int c, e, ret;

	while ((c = getopt_long(argc, argv, ":h", cmd_opts_guest, NULL)) >= 0) {
		switch (c) {
		case 'd':
			only = optarg;
			break;
		case 'n':
			probe_va = false;
			break;
		case 'h':
			return help();
		default:
			return log_usage_option("guest", c, argc, argv, cmd_opts_guest);
		}
	}
	if (optind != argc)
		return log_usage("guest", "guest takes no arguments");
	if (only) {
		struct igp_pci_addr a;
		if (igp_pci_addr_parse_loose(only, &a, NULL) < 0)
			return log_usage("guest", "'%s' is no PCI address", only);
	}
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	e = igp_guest_inspect(h, only, probe_va, &r);
	if (e == -EINVAL)
		return log_usage("guest", "'%s' is no PCI address", only);
	if (e == -ENODEV)
		return log_error("There is no PCI device %s here", only);
	if (e == -ENOTSUP)
		return log_error("%s is no GPU (not a display-class device)", only);
	if (e < 0)
		return log_error_errno(e, "Failed to inspect the GPUs");
	if (arg_g.json)
		print_json(&r);
	else
		print_text(&r);
	ret = r.verdict == IGP_GUEST_OK ? EXIT_OK : EXIT_FAIL;
	igp_guest_report_done(&r);
	return ret;
}
