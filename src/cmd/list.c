/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl list: the display-class devices, one row each.  Text is a
 * libsmartcols table (-o/-n/-r); -J is the json-c document of cli.md, which
 * needs nulls and arrays that a flat table cannot express.
 */
#include <getopt.h>

#include "cmd.h"
#include "devview.h"
#include "output.h"

enum {
	COL_ADDRESS,
	COL_IDS,
	COL_VENDOR,
	COL_DEVICE,
	COL_CLASS,
	COL_VENDOR_NAME,
	COL_NAME,
	COL_SUBSYSTEM,
	COL_PLATFORM,
	COL_GEN,
	COL_DRIVER,
	COL_GROUP,
	COL_ISOLATION,
	COL_BOOT_VGA,
	COL_RENDER,
	COL_METHODS,
};

static const struct colspec columns[] = {
    [COL_ADDRESS] = {"ADDRESS", 12, 0, SCOLS_JSON_STRING, "PCI address"},
    [COL_IDS] = {"IDS", 9, 0, SCOLS_JSON_STRING, "vendor:device"},
    [COL_VENDOR] = {"VENDOR", 4, 0, SCOLS_JSON_STRING, "vendor ID"},
    [COL_DEVICE] = {"DEVICE", 4, 0, SCOLS_JSON_STRING, "device ID"},
    [COL_CLASS] = {"CLASS", 6, 0, SCOLS_JSON_STRING, "class code"},
    [COL_VENDOR_NAME] = {"VENDOR_NAME", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "vendor name (pci.ids)"},
    [COL_NAME] = {"NAME", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
		  "device name (pci.ids); a VF: which VF of which PF"},
    [COL_SUBSYSTEM] = {"SUBSYSTEM", 9, 0, SCOLS_JSON_STRING, "subsystem vendor:device"},
    [COL_PLATFORM] = {"PLATFORM", 0.1, 0, SCOLS_JSON_STRING, "Intel platform"},
    [COL_GEN] = {"GEN", 3, 0, SCOLS_JSON_STRING, "Intel graphics generation"},
    [COL_DRIVER] = {"DRIVER", 6, 0, SCOLS_JSON_STRING, "bound driver"},
    [COL_GROUP] = {"GROUP", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "IOMMU group"},
    [COL_ISOLATION] = {"ISOLATION", 8, 0, SCOLS_JSON_STRING, "IOMMU group verdict"},
    [COL_BOOT_VGA] = {"BOOT_VGA", 1, 0, SCOLS_JSON_BOOLEAN, "firmware console GPU"},
    [COL_RENDER] = {"RENDER", 10, 0, SCOLS_JSON_STRING, "DRM render node"},
    [COL_METHODS] = {"METHODS", 10, 0, SCOLS_JSON_STRING, "supported methods"},
};
static const colmask_t default_columns = COLUMN(COL_ADDRESS) | COLUMN(COL_IDS) | COLUMN(COL_NAME) |
					 COLUMN(COL_PLATFORM) | COLUMN(COL_GEN) | COLUMN(COL_DRIVER) |
					 COLUMN(COL_GROUP) | COLUMN(COL_ISOLATION) | COLUMN(COL_METHODS);

static int help(void)
{
	_cleanup_free_ char *defaults = table_column_names(columns, ELEMENTSOF(columns), default_columns);

	if (!defaults)
		return log_error_errno(-ENOMEM, "Failed to print the help");
	printf("Usage: igpuctl list [-o COLUMNS] [-n] [-r] [-J]\n\n"
	       "The GPUs (PCI class 03xx): IDs, names, Intel platform, driver, IOMMU group,\n"
	       "isolation verdict and the passthrough methods each supports.\n\n"
	       "  -o, --output LIST  columns to show (default %s)\n"
	       "  -n, --noheadings   no header line\n"
	       "  -r, --raw          raw output\n\nColumns:\n",
	       defaults);
	for (size_t i = 0; i < ELEMENTSOF(columns); i++)
		printf("  %-12s %s\n", columns[i].name, columns[i].help);
	return EXIT_OK;
}

static void row(struct libscols_table *tb, const struct igp_pci_dev *d, const struct igp_gpu_methods *m,
		const struct igp_isolation_report *iso)
{
	struct libscols_line *ln = table_new_line(tb, NULL);
	/* A VF reports its PF's device name: NAME says which VF of which PF it is. */
	_cleanup_free_ char *methods = methods_joined(m, ","), *vf = vf_label(d);

	if (!ln)
		return;
	table_set(ln, COL_ADDRESS, d->address);
	table_setf(ln, COL_IDS, "%04x:%04x", d->vendor, d->device);
	table_setf(ln, COL_VENDOR, "%04x", d->vendor);
	table_setf(ln, COL_DEVICE, "%04x", d->device);
	table_setf(ln, COL_CLASS, "%06x", d->class);
	table_set(ln, COL_VENDOR_NAME, d->vendor_name);
	table_set(ln, COL_NAME, vf ? vf : d->device_name);
	table_setf(ln, COL_SUBSYSTEM, "%04x:%04x", d->subsys_vendor, d->subsys_device);
	table_set(ln, COL_PLATFORM, platform_name(d));
	table_set(ln, COL_GEN, d->platform ? d->platform->gen : NULL);
	table_set(ln, COL_DRIVER, d->driver);
	if (d->iommu_group >= 0)
		table_setf(ln, COL_GROUP, "%d", d->iommu_group);
	else
		table_set(ln, COL_GROUP, NULL);
	table_set(ln, COL_ISOLATION, igp_isolation_name(iso->verdict));
	table_set(ln, COL_BOOT_VGA, d->boot_vga < 0 ? NULL : d->boot_vga ? "yes" : "no");
	table_set(ln, COL_RENDER, d->render_node);
	table_set(ln, COL_METHODS, methods);
}

const struct option cmd_opts_list[] = {TABLE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {}};

int cmd_list(int argc, char *argv[])
{
	struct table_opts topts = {};
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ struct igp_pci_dev **gpus = NULL;
	struct libscols_table *tb = NULL;
	struct json_object *arr = NULL;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, ":" TABLE_SHORTOPTS "h", cmd_opts_list, NULL)) >= 0) {
		if (c == 'h')
			return help();
		if (!table_opts_parse(&topts, c, optarg))
			return log_usage_option("list", c, argc, argv, cmd_opts_list);
	}
	if (optind < argc)
		return log_usage("list", "unexpected argument '%s'", argv[optind]);
	c = table_opts_check(columns, ELEMENTSOF(columns), &topts);
	if (c)
		return c;
	if (!arg_g.json) {
		tb = table_new("gpus", columns, ELEMENTSOF(columns), default_columns, &topts);
		if (!tb)
			return EXIT_USAGE;
	}
	h = load_host_or_complain();
	if (!h) {
		if (tb)
			scols_unref_table(tb);
		return EXIT_FAIL;
	}
	n = igp_host_gpus(h, &gpus);
	if (arg_g.json)
		arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct igp_gpu_methods m;
		struct igp_isolation_report iso;
		int r;

		r = igp_gpu_assess(h, gpus[i], &m, &iso);
		if (r < 0) {
			if (tb)
				scols_unref_table(tb);
			json_object_put(arr);
			return log_error_errno(r, "Failed to evaluate %s", gpus[i]->address);
		}
		if (arr)
			json_object_array_add(arr, gpu_json(h, gpus[i], &m, &iso));
		else
			row(tb, gpus[i], &m, &iso);
		igp_isolation_report_done(&iso);
		igp_gpu_methods_done(&m);
	}
	if (arr) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "gpus", arr);
		json_print(o);
	} else if (n == 0) {
		scols_unref_table(tb);
		printf("No GPU (PCI display controller) found.\n");
	} else {
		table_print(tb);
	}
	return EXIT_OK;
}
