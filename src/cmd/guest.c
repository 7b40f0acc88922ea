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
#include "output.h"

static int help(void)
{
	printf("Usage: igpuctl guest [--device ADDR] [--no-va] [-J]\n\n"
	       "Checks run inside a VM: the passed GPU is visible, a driver binds it, its render\n"
	       "node (/dev/dri/renderD*) opens, and, when libva is installed, which VA-API\n"
	       "profiles it offers.  Exit 0 when the GPU is usable, 1 otherwise.\n\n"
	       "  --device ADDR  judge this GPU instead of the first passed-through one\n"
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

static void print_json(const struct igp_guest_report *r)
{
	struct json_object *o = json_object_new_object(), *gpus = json_object_new_array();

	json_object_object_add(o, "in_vm", json_object_new_boolean(r->in_vm));
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

static void print_text(const struct igp_guest_report *r)
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
	printf("Verdict:         %s\n", r->message);
	if (r->next_step)
		printf("Next step:       %s\n", r->next_step);
}

int cmd_guest(int argc, char *argv[])
{
	static const struct option opts[] = {{"device", required_argument, NULL, 'd'},
					     {"no-va", no_argument, NULL, 'n'},
					     {"help", no_argument, NULL, 'h'},
					     {}};
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_guest_report r;
	const char *only = NULL;
	bool probe_va = true;
	int c, e, ret;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) >= 0) {
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
			return log_usage_option("guest", c, argc, argv, opts);
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
		return log_error("There is no PCI device %s in this VM", only);
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
