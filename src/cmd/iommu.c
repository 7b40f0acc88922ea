/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl iommu [--all]: the IOMMU groups, in the shape of the well-known
 * shell loop (one `lspci -nns` per device) it replaces, from one pass over
 * sysfs and one load of pci.ids.
 */
#include <getopt.h>

#include "cmd.h"
#include "devview.h"
#include "output.h"

static int help(void)
{
	printf("Usage: igpuctl iommu [--all] [-J]\n\n"
	       "IOMMU groups and their devices: by default the groups that hold a GPU,\n"
	       "with the isolation verdict; --all lists every group.\n");
	return EXIT_OK;
}

static bool group_has_gpu(const struct igp_iommu_group *g, struct igp_pci_dev **ret)
{
	for (size_t i = 0; i < g->n_devs; i++)
		if (igp_pci_dev_is_gpu(g->devs[i])) {
			*ret = g->devs[i];
			return true;
		}
	return false;
}

static struct json_object *dev_json(const struct igp_pci_dev *d)
{
	struct json_object *o = pci_dev_json_new(d);

	json_object_object_add(o, "driver", json_str_or_null(d->driver));
	json_object_object_add(o, "vendor_name", json_str_or_null(d->vendor_name));
	json_object_object_add(o, "device_name", json_str_or_null(d->device_name));
	json_object_object_add(o, "host_use", json_str_or_null(d->role_detail));
	return o;
}

/* "0000:00:02.0 VGA compatible controller [0300]: Intel ... [8086:3e92] (rev 02)" */
static void print_dev(const struct igp_pci_dev *d)
{
	printf("\t%s %s [%04x]: ", d->address, igp_pci_class_name(d->class), d->class >> 8);
	if (d->vendor_name)
		printf("%s ", d->vendor_name);
	if (d->device_name)
		printf("%s ", d->device_name);
	else
		printf("Device ");
	printf("[%04x:%04x]", d->vendor, d->device);
	if (d->revision > 0)
		printf(" (rev %02x)", d->revision);
	printf(" driver: %s", d->driver ? d->driver : "none");
	if (d->role_detail)
		printf(" [host: %s]", d->role_detail);
	putchar('\n');
}

const struct option cmd_opts_iommu[] = {
    {"all", no_argument, NULL, 'a'},
    {"help", no_argument, NULL, 'h'},
    {},
};

int cmd_iommu(int argc, char *argv[])
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct json_object *groups = NULL;
	bool all = false;
	size_t shown = 0;
	int c;

	while ((c = getopt_long(argc, argv, ":ah", cmd_opts_iommu, NULL)) >= 0) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'h':
			return help();
		default:
			return log_usage_option("iommu", c, argc, argv, cmd_opts_iommu);
		}
	}
	if (optind < argc)
		return log_usage("iommu", "unexpected argument '%s'", argv[optind]);
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;

	if (arg_g.json)
		groups = json_object_new_array();
	else if (h->n_groups == 0)
		printf(
		    "No IOMMU groups: %s\n",
		    h->iommu_active
			? "an IOMMU is registered but no device is in a group (kernel booted with iommu=off "
			  "or the driver failed?)."
			: "no IOMMU is active. Enable VT-d (AMD-Vi) in the firmware and add intel_iommu=on "
			  "to the kernel command line ('igpuctl setup --mode full' does this).");

	for (size_t i = 0; i < h->n_groups; i++) {
		const struct igp_iommu_group *g = &h->groups[i];
		struct igp_pci_dev *gpu = NULL;
		bool has_gpu = group_has_gpu(g, &gpu);
		_cleanup_free_ char *verdict = NULL;
		struct igp_isolation_report iso = {};

		if (!all && !has_gpu)
			continue;
		if (has_gpu) {
			int r = igp_isolation_judge(h, gpu, &iso);
			if (r < 0) {
				json_object_put(groups);
				return log_error_errno(r, "Failed to judge group %d", g->id);
			}
		}
		if (groups) {
			struct json_object *o = json_object_new_object(), *devs = json_object_new_array();
			json_object_object_add(o, "group", json_object_new_int(g->id));
			for (size_t j = 0; j < g->n_devs; j++)
				json_object_array_add(devs, dev_json(g->devs[j]));
			json_object_object_add(o, "devices", devs);
			json_object_object_add(
			    o, "isolation",
			    has_gpu ? json_object_new_string(igp_isolation_name(iso.verdict)) : NULL);
			json_object_array_add(groups, o);
		} else {
			if (has_gpu)
				verdict = isolation_text(&iso);
			printf("IOMMU Group %d:%s%s\n", g->id, verdict ? " " : "", verdict ? verdict : "");
			for (size_t j = 0; j < g->n_devs; j++)
				print_dev(g->devs[j]);
		}
		igp_isolation_report_done(&iso);
		shown++;
	}
	if (groups) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "iommu_active", json_object_new_boolean(h->iommu_active));
		json_object_object_add(o, "groups", groups);
		json_print(o);
	} else if (h->n_groups > 0 && shown == 0) {
		printf("No GPU is in an IOMMU group; 'igpuctl iommu --all' lists all %zu groups.\n",
		       h->n_groups);
	}
	return EXIT_OK;
}
