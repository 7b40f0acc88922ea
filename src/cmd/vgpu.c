/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vgpu: mediated devices (GVT-g vGPUs and any other mdev parent).
 *
 *   types [PARENT]                                   the types and what is left
 *   create [PARENT] --type TYPE [--uuid UUID] [--auto]
 *   list [--defined]
 *   remove UUID [--undefine]
 *   define [PARENT] --type TYPE [--uuid UUID] [--manual]   (or --uuid of an active one)
 *   start-defined [PARENT]                           what the boot unit runs
 *
 * Definitions are mdevctl's own files, so `mdevctl list --defined` shows
 * igpuctl's vGPUs and the other way round (docs/vgpu.md).
 */
#include <getopt.h>

#include "checks/checks.h"
#include "cmd.h"
#include "devview.h"
#include "model/host.h"
#include "vgpu/mdev.h"
#include "output.h"
#include "base/strbuf.h"
#include "base/paths.h"
#include "planview.h"

/* How long create waits for the device and its /dev/vfio node. */
#define CREATE_TIMEOUT_MS 5000

struct ctx {
	struct igp_mdev_parent *parents;
	size_t n_parents;
	struct igp_host *host;
	bool host_tried;
};

static void ctx_done(struct ctx *c)
{
	igp_mdev_parents_free(c->parents, c->n_parents);
	igp_host_free(c->host);
}

/* The host model, loaded on first use; NULL when the root has no PCI tree
 * (an mdev-only fixture): vGPU commands work without it. */
static struct igp_host *ctx_host(struct ctx *c)
{
	if (!c->host_tried) {
		c->host_tried = true;
		if (igp_host_load(&c->host) < 0)
			c->host = NULL;
	}
	return c->host;
}

static int ctx_load(struct ctx *c)
{
	int r = igp_mdev_parents_load(&c->parents, &c->n_parents);
	if (r < 0)
		return log_error_errno(r, "Failed to read the mdev parents in %s", IGP_SYS_CLASS_MDEV_BUS);
	return 0;
}

/* ---- explanations ---- */

/*
 * Why the device DEV offers no mdev types, and what to do instead: the
 * guide's "Missing mdev_supported_types directory", decided by device ID
 * and by what the running kernel shows.
 */
static void explain_no_types(const struct igp_host *h, const struct igp_pci_dev *d)
{
	const struct igp_platform *p = d->platform;
	_cleanup_free_ char *reason = NULL;

	if (!igp_pci_dev_is_intel_igpu(d) || !p) {
		fprintf(stderr, "  %s is not an mdev parent: %s offers no mediated device (vGPU) types.\n",
			d->address, d->driver ? d->driver : "no driver is bound and nothing");
		fprintf(stderr,
			"  Full passthrough works for any GPU with an IOMMU: igpuctl check --mode full %s\n",
			d->address);
		return;
	}
	if (igp_platform_supports(p, IGP_METHOD_GVTG, &reason) == IGP_SUPPORT_NO) {
		fprintf(stderr, "  %s\n", reason ? reason : "GVT-g does not support this GPU.");
		fprintf(stderr, "  Instead:\n");
		if (p->sriov != IGP_SUPPORT_NO)
			fprintf(stderr,
				"    SR-IOV virtual functions: igpuctl setup --mode sriov %s, then igpuctl "
				"vfs %s --count 7\n",
				d->address, d->address);
		fprintf(stderr,
			"    full passthrough (the whole GPU to one VM): igpuctl setup --mode full %s\n",
			d->address);
		return;
	}

	/* A GVT-g platform: what is missing are the findings of
	 * `check --mode gvt-g ADDR`, word for word. */
	{
		struct igp_gpu_findings f;

		fprintf(stderr, "  %s (%s, Gen %s) supports GVT-g, but it is not enabled:\n", d->address,
			p->name, p->gen);
		if (igp_gpu_findings_get(h, d, 1u << IGP_METHOD_GVTG, &f) < 0) {
			fprintf(stderr, "  igpuctl check --mode gvt-g %s shows each step.\n", d->address);
			return;
		}
		if (f.mode[IGP_METHOD_GVTG].n_checks)
			findings_print(stderr, &f.mode[IGP_METHOD_GVTG], 4);
		else
			fprintf(stderr, "    - the kernel log may say why: dmesg | grep -i gvt\n");
		igp_gpu_findings_done(&f);
		fprintf(
		    stderr,
		    "  igpuctl setup --mode gvt-g %s does the configuration; igpuctl check --mode gvt-g %s "
		    "shows each step.\n",
		    d->address, d->address);
	}
}

/*
 * The parent a command works on: PARENT as given (its mdev_bus name or a
 * PCI address in any accepted form), else the single Intel iGPU, else the
 * single mdev parent.  Prints why when there is none; returns NULL then.
 * *ret_usage tells a malformed PARENT (exit 2) from a missing one (exit 1).
 */
static struct igp_mdev_parent *pick_parent(struct ctx *c, const char *spec, bool *ret_usage)
{
	struct igp_host *h;
	struct igp_pci_dev *dev = NULL;

	*ret_usage = false;
	if (spec) {
		struct igp_pci_addr want;
		struct igp_mdev_parent *found = NULL;
		bool full;
		size_t n = 0;
		int r;

		found = igp_mdev_parent_find(c->parents, c->n_parents, spec);
		if (found)
			return found;
		if (igp_pci_addr_parse_loose(spec, &want, &full) < 0) {
			log_usage("vgpu", "'%s' is neither an mdev parent nor a PCI address", spec);
			*ret_usage = true;
			return NULL;
		}
		for (size_t i = 0; i < c->n_parents; i++) {
			struct igp_pci_addr a;
			if (igp_pci_addr_parse(c->parents[i].name, &a) < 0)
				continue;
			if (a.bus == want.bus && a.slot == want.slot && a.func == want.func &&
			    (!full || a.domain == want.domain)) {
				found = &c->parents[i];
				n++;
			}
		}
		if (n == 1)
			return found;
		if (n > 1) {
			log_error("%s matches mdev parents in several PCI domains: give the full address",
				  spec);
			return NULL;
		}
		h = ctx_host(c);
		r = h ? igp_host_find(h, spec, &dev) : -ENODEV;
		if (r < 0) {
			log_error("No mdev parent and no PCI device %s on this host", spec);
			return NULL;
		}
		log_error("%s offers no vGPU types (it has no mdev_supported_types)", dev->address);
		explain_no_types(h, dev);
		return NULL;
	}

	h = ctx_host(c);
	dev = h ? igp_host_default_igpu(h) : NULL;
	if (dev) {
		struct igp_mdev_parent *p = igp_mdev_parent_find(c->parents, c->n_parents, dev->address);
		if (p)
			return p;
	}
	if (c->n_parents == 1)
		return &c->parents[0];
	if (c->n_parents > 1) {
		log_error("Several mdev parents; name one of:");
		for (size_t i = 0; i < c->n_parents; i++)
			fprintf(stderr, "  %s (%s)\n", c->parents[i].name,
				c->parents[i].driver ? c->parents[i].driver : "unknown driver");
		return NULL;
	}
	if (dev) {
		log_error("The Intel GPU %s offers no vGPU types (it has no mdev_supported_types)",
			  dev->address);
		explain_no_types(h, dev);
	} else {
		log_error("No mdev parent on this host: no driver offers mediated devices (%s is %s)",
			  IGP_SYS_CLASS_MDEV_BUS,
			  igp_exists(IGP_SYS_CLASS_MDEV_BUS) ? "empty"
							     : "absent: the mdev module is not loaded");
		fprintf(stderr, "  'igpuctl status' shows what each GPU here supports.\n");
	}
	return NULL;
}

static void list_types_hint(const struct igp_mdev_parent *p)
{
	fprintf(stderr, "  Types of %s:", p->name);
	for (size_t i = 0; i < p->n_types; i++)
		fprintf(stderr, " %s", p->types[i].id);
	fprintf(stderr, "%s\n", p->n_types ? "" : " none");
}

static const struct igp_mdev_type *pick_type(const struct igp_mdev_parent *p, const char *spec)
{
	const struct igp_mdev_type *t = NULL;
	int r = igp_mdev_type_match(p, spec, &t);

	if (r == -ENOTUNIQ) {
		log_error("'%s' fits several types of %s; give the full type name", spec, p->name);
		list_types_hint(p);
		return NULL;
	}
	if (r < 0) {
		log_error("%s has no vGPU type '%s'", p->name, spec);
		list_types_hint(p);
		if (p->n_types && p->types[0].is_gvtg)
			fprintf(stderr, "  GVT-g only offers the types that fit the BIOS aperture: "
					"a larger aperture in the firmware setup adds the bigger ones.\n");
		return NULL;
	}
	return t;
}

static size_t active_on(const char *parent)
{
	struct igp_mdev *v = NULL;
	size_t n = 0, count = 0;

	if (igp_mdev_list(IGP_MDEV_LIST_ACTIVE, &v, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		count += streq_ptr(v[i].parent, parent);
	igp_mdevs_free(v, n);
	return count;
}

/* ENOSPC, or no instance left before we even tried. */
static void explain_no_space(const struct igp_mdev_parent *p, const struct igp_mdev_type *t)
{
	const struct igp_mdev_type *best = NULL;
	size_t active = active_on(p->name);

	/* The biggest type that still has an instance (GVT-g: least
	 * weight left unused). */
	for (size_t i = 0; i < p->n_types; i++) {
		const struct igp_mdev_type *o = &p->types[i];
		if (o == t || o->available <= 0)
			continue;
		if (!best || (o->is_gvtg && best->is_gvtg && o->gvtg.low_gm_mb > best->gvtg.low_gm_mb))
			best = o;
	}
	if (t->is_gvtg) {
		fprintf(stderr, "  The GPU's graphics memory (the aperture set in the BIOS) is used up%s.\n",
			active ? " by the vGPUs that exist" : "");
		if (best)
			fprintf(stderr, "  Use a smaller type: %s (%ld left), ", best->id, best->available);
		else
			fprintf(stderr, "  ");
		fprintf(stderr, "%sremove a vGPU (igpuctl vgpu list; igpuctl vgpu remove UUID),\n",
			best ? "or " : "");
		fprintf(stderr, "  or enlarge the aperture in the firmware setup (\"Aperture Size\", e.g. "
				"1024MB) and reboot.\n");
	} else {
		fprintf(stderr, "  %s has no room for another %s%s.\n", p->name, t->id,
			active ? " beside the devices that exist" : "");
		if (best)
			fprintf(stderr, "  %s still has %ld instance(s) left.\n", best->id, best->available);
	}
	if (active)
		fprintf(stderr, "  Active vGPUs on %s: %zu (igpuctl vgpu list).\n", p->name, active);
}

/* ---- types ---- */

enum {
	TCOL_PARENT,
	TCOL_TYPE,
	TCOL_NAME,
	TCOL_AVAILABLE_INSTANCES,
	TCOL_DEVICE_API,
	TCOL_LOW_GM_MB,
	TCOL_HIGH_GM_MB,
	TCOL_FENCE,
	TCOL_RESOLUTION,
	TCOL_WEIGHT,
	TCOL_DESCRIPTION,
};

static const struct colspec type_columns[] = {
    [TCOL_PARENT] = {"PARENT", 12, 0, SCOLS_JSON_STRING, "parent device"},
    [TCOL_TYPE] = {"TYPE", 14, 0, SCOLS_JSON_STRING, "type (directory name; what mdevctl and libvirt use)"},
    [TCOL_NAME] = {"NAME", 9, 0, SCOLS_JSON_STRING, "the type's own name"},
    [TCOL_AVAILABLE_INSTANCES] = {"AVAILABLE_INSTANCES", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
				  "how many more can be created"},
    [TCOL_DEVICE_API] = {"DEVICE_API", 8, 0, SCOLS_JSON_STRING, "device API (vfio-pci)"},
    [TCOL_LOW_GM_MB] = {"LOW_GM_MB", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			"GVT-g: aperture (low graphics memory) in MB"},
    [TCOL_HIGH_GM_MB] = {"HIGH_GM_MB", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "GVT-g: high graphics memory in MB"},
    [TCOL_FENCE] = {"FENCE", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "GVT-g: fence registers"},
    [TCOL_RESOLUTION] = {"RESOLUTION", 9, 0, SCOLS_JSON_STRING, "GVT-g: maximum resolution"},
    [TCOL_WEIGHT] = {"WEIGHT", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "GVT-g: scheduling weight (of 16)"},
    [TCOL_DESCRIPTION] = {"DESCRIPTION", 0.3, SCOLS_FL_WRAP, SCOLS_JSON_STRING, "the driver's description"},
};
/* The default columns: the ones every type has, GVT-g's parsed description
 * for GVT-g types, the description itself for others; JSON has them all. */
#define TYPE_COLS_COMMON                                                                                     \
	(COLUMN(TCOL_PARENT) | COLUMN(TCOL_TYPE) | COLUMN(TCOL_AVAILABLE_INSTANCES) | COLUMN(TCOL_DEVICE_API))
#define TYPE_COLS_GVTG                                                                                       \
	(TYPE_COLS_COMMON | COLUMN(TCOL_LOW_GM_MB) | COLUMN(TCOL_HIGH_GM_MB) | COLUMN(TCOL_FENCE) |          \
	 COLUMN(TCOL_RESOLUTION) | COLUMN(TCOL_WEIGHT))
#define TYPE_COLS_OTHER (TYPE_COLS_COMMON | COLUMN(TCOL_NAME) | COLUMN(TCOL_DESCRIPTION))
#define TYPE_COLS_MIXED (TYPE_COLS_GVTG | COLUMN(TCOL_DESCRIPTION))
#define TYPE_COLS_JSON (TYPE_COLS_GVTG | TYPE_COLS_OTHER)

/* brief: the default text columns, where a GVT-g description would only
 * repeat the columns it was parsed into. */
static void type_row(struct libscols_table *tb, const struct igp_mdev_parent *p,
		     const struct igp_mdev_type *t, bool brief)
{
	struct libscols_line *ln = table_new_line(tb, NULL);

	if (!ln)
		return;
	table_set(ln, TCOL_PARENT, p->name);
	table_set(ln, TCOL_TYPE, t->id);
	table_set(ln, TCOL_NAME, t->name);
	if (t->available >= 0)
		table_setf(ln, TCOL_AVAILABLE_INSTANCES, "%ld", t->available);
	else
		table_set(ln, TCOL_AVAILABLE_INSTANCES, NULL);
	table_set(ln, TCOL_DEVICE_API, t->device_api);
	if (arg_g.json || !t->description) {
		table_set(ln, TCOL_DESCRIPTION, t->description);
	} else if (brief && t->is_gvtg) {
		table_set(ln, TCOL_DESCRIPTION, NULL);
	} else {
		/* One line per type in text, the way `mdevctl types` shows it. */
		_cleanup_strv_free_ char **lines = NULL;
		_cleanup_strbuf_ struct strbuf joined = {};

		if (strv_split(t->description, "\n", &lines) >= 0)
			for (char **l = lines; *l; l++)
				strbuf_word(&joined, ", ", *l);
		table_set(ln, TCOL_DESCRIPTION, lines && !joined.oom ? strbuf_str(&joined) : t->description);
	}
	if (t->is_gvtg) {
		table_setf(ln, TCOL_LOW_GM_MB, "%ld", t->gvtg.low_gm_mb);
		table_setf(ln, TCOL_HIGH_GM_MB, "%ld", t->gvtg.high_gm_mb);
		table_setf(ln, TCOL_FENCE, "%ld", t->gvtg.fence);
		table_set(ln, TCOL_RESOLUTION, t->gvtg.resolution);
		table_setf(ln, TCOL_WEIGHT, "%ld", t->gvtg.weight);
	} else {
		table_set(ln, TCOL_LOW_GM_MB, NULL);
		table_set(ln, TCOL_HIGH_GM_MB, NULL);
		table_set(ln, TCOL_FENCE, NULL);
		table_set(ln, TCOL_RESOLUTION, NULL);
		table_set(ln, TCOL_WEIGHT, NULL);
	}
}

static int types_help(void)
{
	printf("Usage: igpuctl vgpu types [PARENT] [-o COLUMNS] [-n] [-r] [-J]\n\n"
	       "The mediated device types of every mdev parent (or of PARENT) and how many\n"
	       "more of each can be created.  GVT-g's descriptions are split into columns.\n\n"
	       "  -o, --output LIST  columns to show\n"
	       "  -n, --noheadings   no header line\n"
	       "  -r, --raw          raw output\n\nColumns:\n");
	for (size_t i = 0; i < ELEMENTSOF(type_columns); i++)
		printf("  %-20s %s\n", type_columns[i].name, type_columns[i].help);
	return EXIT_OK;
}

const struct option cmd_opts_vgpu_types[] = {TABLE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {}};

static int vgpu_types(int argc, char *argv[])
{
	struct table_opts topts = {};
	_cleanup_(ctx_done) struct ctx c = {};
	struct libscols_table *tb;
	struct igp_mdev_parent *only = NULL;
	colmask_t defcols;
	bool gvtg = false, other = false, usage;
	size_t n_types = 0;
	int ch, r;

	while ((ch = getopt_long(argc, argv, ":" TABLE_SHORTOPTS "h", cmd_opts_vgpu_types, NULL)) >= 0) {
		if (ch == 'h')
			return types_help();
		if (!table_opts_parse(&topts, ch, optarg))
			return log_usage_option("vgpu types", ch, argc, argv, cmd_opts_vgpu_types);
	}
	if (argc - optind > 1)
		return log_usage("vgpu types", "unexpected argument '%s'", argv[optind + 1]);
	r = table_opts_check(type_columns, ELEMENTSOF(type_columns), &topts);
	if (r)
		return r;
	r = ctx_load(&c);
	if (r)
		return r;
	if (optind < argc) {
		only = pick_parent(&c, argv[optind], &usage);
		if (!only)
			return usage ? EXIT_USAGE : EXIT_FAIL;
	} else if (c.n_parents == 0) {
		/* Say why, exactly as create would. */
		pick_parent(&c, NULL, &usage);
		return EXIT_FAIL;
	}

	for (size_t i = 0; i < c.n_parents; i++) {
		if (only && &c.parents[i] != only)
			continue;
		for (size_t j = 0; j < c.parents[i].n_types; j++) {
			gvtg |= c.parents[i].types[j].is_gvtg;
			other |= !c.parents[i].types[j].is_gvtg;
			n_types++;
		}
	}
	defcols = arg_g.json	  ? TYPE_COLS_JSON
		  : gvtg && other ? TYPE_COLS_MIXED
		  : gvtg	  ? TYPE_COLS_GVTG
				  : TYPE_COLS_OTHER;
	tb = table_new("types", type_columns, ELEMENTSOF(type_columns), defcols, &topts);
	if (!tb)
		return EXIT_USAGE;
	for (size_t i = 0; i < c.n_parents; i++) {
		if (only && &c.parents[i] != only)
			continue;
		for (size_t j = 0; j < c.parents[i].n_types; j++)
			type_row(tb, &c.parents[i], &c.parents[i].types[j], !topts.output);
	}
	if (n_types == 0 && !arg_g.json) {
		scols_unref_table(tb);
		printf("%s offers no types right now.\n", only ? only->name : "No mdev parent");
		return EXIT_OK;
	}
	table_print(tb);
	return EXIT_OK;
}

/* ---- list ---- */

enum {
	LCOL_UUID,
	LCOL_PARENT,
	LCOL_TYPE,
	LCOL_ACTIVE,
	LCOL_DEFINED,
	LCOL_AUTO,
	LCOL_IOMMU_GROUP,
	LCOL_VFIO_NODE,
	LCOL_VM,
};

static const struct colspec list_columns[] = {
    [LCOL_UUID] = {"UUID", 36, 0, SCOLS_JSON_STRING, "the vGPU's UUID"},
    [LCOL_PARENT] = {"PARENT", 12, 0, SCOLS_JSON_STRING, "parent device"},
    [LCOL_TYPE] = {"TYPE", 14, 0, SCOLS_JSON_STRING, "type"},
    [LCOL_ACTIVE] = {"ACTIVE", 3, 0, SCOLS_JSON_BOOLEAN, "created (in /sys/bus/mdev/devices)"},
    [LCOL_DEFINED] = {"DEFINED", 3, 0, SCOLS_JSON_BOOLEAN, "has a persistent definition (/etc/mdevctl.d)"},
    [LCOL_AUTO] = {"AUTO", 3, 0, SCOLS_JSON_BOOLEAN, "defined to start at boot (\"start\": \"auto\")"},
    [LCOL_IOMMU_GROUP] = {"IOMMU_GROUP", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "IOMMU group of an active vGPU"},
    [LCOL_VFIO_NODE] = {"VFIO_NODE", 12, 0, SCOLS_JSON_STRING, "its VFIO group device"},
    [LCOL_VM] = {"VM", 10, 0, SCOLS_JSON_STRING,
		 "the VM that made it (Proxmox VE: \"proxmox-vm:VMID hostpciN\")"},
};
static const colmask_t list_cols = COLUMN(LCOL_UUID) | COLUMN(LCOL_PARENT) | COLUMN(LCOL_TYPE) |
				   COLUMN(LCOL_ACTIVE) | COLUMN(LCOL_DEFINED) | COLUMN(LCOL_AUTO) |
				   COLUMN(LCOL_IOMMU_GROUP) | COLUMN(LCOL_VM);

static int list_help(void)
{
	_cleanup_free_ char *defaults = table_column_names(list_columns, ELEMENTSOF(list_columns), list_cols);

	if (!defaults)
		return log_error_errno(-ENOMEM, "Failed to print the help");
	printf("Usage: igpuctl vgpu list [--defined] [-o COLUMNS] [-n] [-r] [-J]\n\n"
	       "The active vGPUs; with --defined also those defined to persist (by igpuctl,\n"
	       "mdevctl or libvirt: /etc/mdevctl.d) that are not active.\n\n"
	       "  -d, --defined      include defined vGPUs that are not active\n"
	       "  -o, --output LIST  columns to show (default %s)\n"
	       "  -n, --noheadings   no header line\n"
	       "  -r, --raw          raw output\n\nColumns:\n",
	       defaults);
	for (size_t i = 0; i < ELEMENTSOF(list_columns); i++)
		printf("  %-12s %s\n", list_columns[i].name, list_columns[i].help);
	return EXIT_OK;
}

const struct option cmd_opts_vgpu_list[] = {
    TABLE_LONGOPTS,
    {"defined", no_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {},
};

static int vgpu_list(int argc, char *argv[])
{
	struct table_opts topts = {};
	struct libscols_table *tb;
	struct igp_mdev *v = NULL;
	size_t n = 0;
	unsigned flags = IGP_MDEV_LIST_ACTIVE, index;
	unsigned long vmid;
	int ch, r;

	while ((ch = getopt_long(argc, argv, ":" TABLE_SHORTOPTS "dh", cmd_opts_vgpu_list, NULL)) >= 0) {
		if (ch == 'h')
			return list_help();
		if (ch == 'd')
			flags |= IGP_MDEV_LIST_DEFINED;
		else if (!table_opts_parse(&topts, ch, optarg))
			return log_usage_option("vgpu list", ch, argc, argv, cmd_opts_vgpu_list);
	}
	if (optind < argc)
		return log_usage("vgpu list", "unexpected argument '%s'", argv[optind]);
	tb = table_new("vgpus", list_columns, ELEMENTSOF(list_columns),
		       arg_g.json ? list_cols | COLUMN(LCOL_VFIO_NODE) : list_cols, &topts);
	if (!tb)
		return EXIT_USAGE;
	r = igp_mdev_list(flags, &v, &n);
	if (r < 0) {
		scols_unref_table(tb);
		return log_error_errno(r, "Failed to list the vGPUs");
	}
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = table_new_line(tb, NULL);
		if (!ln)
			break;
		table_set(ln, LCOL_UUID, v[i].uuid);
		table_set(ln, LCOL_PARENT, v[i].parent);
		table_set(ln, LCOL_TYPE, v[i].type);
		table_set(ln, LCOL_ACTIVE, v[i].active ? "yes" : "no");
		table_set(ln, LCOL_DEFINED, v[i].defined ? "yes" : "no");
		table_set(ln, LCOL_AUTO, v[i].autostart ? "yes" : "no");
		/* Proxmox VE creates hostpciN's vGPU (mdev=TYPE) when the VM
		 * starts, under a UUID made of N and the VMID (mdev.h). */
		if (igp_mdev_uuid_pve(v[i].uuid, &index, &vmid) > 0)
			table_setf(ln, LCOL_VM, "proxmox-vm:%lu hostpci%u", vmid, index);
		else
			table_set(ln, LCOL_VM, NULL);
		if (v[i].iommu_group >= 0) {
			table_setf(ln, LCOL_IOMMU_GROUP, "%d", v[i].iommu_group);
			table_setf(ln, LCOL_VFIO_NODE, "%s/%d", IGP_DEV_VFIO, v[i].iommu_group);
		} else {
			table_set(ln, LCOL_IOMMU_GROUP, NULL);
			table_set(ln, LCOL_VFIO_NODE, NULL);
		}
	}
	if (n == 0 && !arg_g.json) {
		scols_unref_table(tb);
		printf("No %svGPUs.%s\n", flags & IGP_MDEV_LIST_DEFINED ? "active or defined " : "active ",
		       flags & IGP_MDEV_LIST_DEFINED ? "" : " (--defined also shows the persistent ones)");
	} else {
		table_print(tb);
	}
	igp_mdevs_free(v, n);
	return EXIT_OK;
}

/* ---- writing: definitions through the change path ---- */

/* The whole command line ("vgpu define ..."): what the journal calls the change. */
static char *const *cmdline;

/*
 * Apply P, the definition edits and then the write to `create` or `remove`
 * (runtime state: under the lock, not journaled), as one change.  When the
 * kernel refuses that write, the definitions are put back and its errno is
 * *ret_attr_errno for the caller to explain; other failures are printed.
 */
static int apply(struct igp_change *c, const struct igp_plan *p, int *ret_attr_errno)
{
	_cleanup_free_ char *name = planview_command_name(cmdline);
	struct igp_change_report rep = {};
	int r = igp_change_apply(c, p, name, NULL, NULL, &rep);

	*ret_attr_errno = 0;
	if (r < 0 && rep.failed && p->n_attrs && streq(rep.failed, p->attrs[0].path))
		*ret_attr_errno = r;
	else if (r < 0)
		planview_report(r, &rep);
	if (*ret_attr_errno)
		planview_print_manual(rep.manual);
	igp_change_report_done(&rep);
	if (r >= 0 && p->n_files > 0 && (r = igp_change_finish(c)) < 0)
		return log_error_errno(r, "Cannot update the journal");
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}

/* ---- create and define ---- */

struct create_args {
	const char *parent, *type, *uuid;
	bool autostart, manual, dry_run;
};

const struct option cmd_opts_vgpu_create[] = {
    {"type", required_argument, NULL, 't'},
    {"uuid", required_argument, NULL, 'u'},
    {"auto", no_argument, NULL, 'a'},
    {"manual", no_argument, NULL, 'm'},
    {"dry-run", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},
    {},
};

static int parse_create_args(const char *what, int argc, char *argv[], struct create_args *a, bool define)
{
	int ch;

	while ((ch = getopt_long(argc, argv, ":t:u:nh", cmd_opts_vgpu_create, NULL)) >= 0) {
		switch (ch) {
		case 't':
			a->type = optarg;
			break;
		case 'u':
			a->uuid = optarg;
			break;
		case 'a':
			if (define)
				return log_usage(
				    what, "--auto is the default of define; --manual is the other choice");
			a->autostart = true;
			break;
		case 'm':
			if (!define)
				return log_usage(what, "--manual only applies to define");
			a->manual = true;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 'h':
			return -1;
		default:
			return log_usage_option(what, ch, argc, argv, cmd_opts_vgpu_create);
		}
	}
	if (argc - optind > 1)
		return log_usage(what, "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc)
		a->parent = argv[optind];
	return 0;
}

static int create_help(void)
{
	printf("Usage: igpuctl vgpu create [PARENT] --type TYPE [--uuid UUID] [--auto] [--dry-run]\n\n"
	       "Create a vGPU and print its UUID (its IOMMU group and /dev/vfio node go to\n"
	       "stderr; -J prints all of it as JSON).  PARENT defaults to the Intel iGPU (or\n"
	       "the only mdev parent).  TYPE is a type of 'igpuctl vgpu types': i915-GVTg_V5_4,\n"
	       "GVTg_V5_4 or V5_4.\n\n"
	       "  -t, --type TYPE    the vGPU type\n"
	       "  -u, --uuid UUID    use this UUID (default: a new random one)\n"
	       "      --auto         also define it persistently (mdevctl format, started at boot;\n"
	       "                     `igpuctl revert` removes the definition)\n"
	       "  -n, --dry-run      show what would be written\n");
	return EXIT_OK;
}

/*
 * Load the parents and pick the one PARENT names (or the default) and its
 * type TYPE, for create and define.  EXIT_OK, or the exit code (already
 * printed why).
 */
static int pick_parent_type(struct ctx *c, const char *parent, const char *type,
			    struct igp_mdev_parent **ret_p, const struct igp_mdev_type **ret_t)
{
	struct igp_mdev_parent *p;
	const struct igp_mdev_type *t;
	bool usage;
	int r;

	r = ctx_load(c);
	if (r)
		return r;
	p = pick_parent(c, parent, &usage);
	if (!p)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	t = pick_type(p, type);
	if (!t)
		return EXIT_FAIL;
	*ret_p = p;
	*ret_t = t;
	return EXIT_OK;
}

static const char *vfio_node(int group, char buf[static 32])
{
	if (group < 0)
		return NULL;
	snprintf(buf, 32, "%s/%d", IGP_DEV_VFIO, group);
	return buf;
}

/* The kernel refused the UUID written to `create` (R). */
static int create_failed(int r, const struct igp_mdev_parent *p, const struct igp_mdev_type *t,
			 const char *uuid)
{
	if (r == -ENOSPC) {
		log_error_errno(r, "The kernel refused a vGPU of type %s on %s", t->id, p->name);
		explain_no_space(p, t);
		return EXIT_FAIL;
	}
	if (r == -EEXIST) {
		log_error_errno(r, "The kernel refused the UUID %s", uuid);
		fprintf(stderr,
			"  Another mediated device already has it; leave out --uuid for a new one.\n");
		return EXIT_FAIL;
	}
	if (r == -EACCES || r == -EPERM)
		return log_error_errno(r, "Failed to create a vGPU on %s (run as root)", p->name);
	return log_error_errno(r, "Failed to create a vGPU of type %s on %s", t->id, p->name);
}

/* What create checks before it plans; EXIT_OK or the exit code (printed). */
static int create_check(const char *uuid, const struct igp_mdev_parent *p, const struct igp_mdev_type *t,
			bool autostart, const char *defpath)
{
	struct igp_mdev m = {};

	if (igp_mdev_get_active(uuid, &m) == 0) {
		log_error("The UUID %s is in use by an active vGPU (%s on %s)", uuid,
			  m.type ? m.type : "unknown type", m.parent);
		fprintf(stderr,
			"  Leave out --uuid for a new one, or remove it first: igpuctl vgpu remove %s\n",
			uuid);
		igp_mdev_done(&m);
		return EXIT_FAIL;
	}
	if (autostart && igp_exists(defpath)) {
		log_error("A definition of %s exists already: %s", uuid, defpath);
		fprintf(stderr,
			"  Start it with igpuctl vgpu start-defined, or remove it with igpuctl vgpu remove "
			"%s --undefine\n",
			uuid);
		return EXIT_FAIL;
	}
	if (t->available == 0) {
		log_error("No instance of %s is left on %s (available_instances is 0)", t->id, p->name);
		explain_no_space(p, t);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The definition (with --auto), then the UUID into the type's `create`. */
static int plan_create(struct igp_plan *plan, const struct igp_mdev_parent *p, const struct igp_mdev_type *t,
		       const char *uuid, bool autostart)
{
	struct igp_mdev_config conf = {.type = (char *)t->id, .autostart = true};
	_cleanup_free_ char *create = igp_mdev_create_path(p->name, t->id);
	int r = 0;

	if (!create)
		return -ENOMEM;
	if (autostart)
		r = igp_mdev_plan_define(plan, p->name, uuid, &conf);
	if (r >= 0)
		r = igp_plan_add_attr(plan, create, uuid, "create the vGPU");
	return r;
}

static void print_created(const char *uuid, const struct igp_mdev_parent *p, const struct igp_mdev_type *t,
			  const struct igp_mdev *m, bool autostart, bool waited, const char *defpath)
{
	char nodebuf[32];

	if (arg_g.json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "parent", json_object_new_string(p->name));
		json_object_object_add(o, "type", json_object_new_string(t->id));
		json_object_object_add(o, "active", json_object_new_boolean(m->active));
		json_object_object_add(o, "defined", json_object_new_boolean(autostart));
		json_object_object_add(o, "auto", json_object_new_boolean(autostart));
		json_object_object_add(o, "iommu_group",
				       json_int_or_null(m->iommu_group, m->iommu_group >= 0));
		json_object_object_add(o, "vfio_node", json_str_or_null(vfio_node(m->iommu_group, nodebuf)));
		json_print(o);
		return;
	}
	printf("%s\n", uuid);
	if (m->active && m->iommu_group >= 0)
		fprintf(stderr, "Created vGPU %s (%s on %s): IOMMU group %d, %s\n", uuid, t->id, p->name,
			m->iommu_group, vfio_node(m->iommu_group, nodebuf));
	else if (m->active)
		fprintf(stderr, "Created vGPU %s (%s on %s); it has no IOMMU group\n", uuid, t->id, p->name);
	else if (!waited)
		fprintf(stderr,
			"Asked for vGPU %s (%s on %s): wrote its UUID to the type's create file in %s\n",
			uuid, t->id, p->name, igp_root());
	if (autostart)
		fprintf(stderr, "Defined in %s: it comes back at boot (igpuctl-vgpus.service or mdevctl)\n",
			defpath);
}

static int vgpu_create(int argc, char *argv[])
{
	struct create_args a = {};
	_cleanup_(ctx_done) struct ctx c = {};
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	_cleanup_(igp_plan_done) struct igp_plan plan = {};
	struct igp_mdev_parent *p;
	const struct igp_mdev_type *t;
	_cleanup_free_ char *defpath = NULL;
	struct igp_mdev m = {};
	char uuid[IGP_MDEV_UUID_MAX];
	bool waited = false;
	int r, refused;

	r = parse_create_args("vgpu create", argc, argv, &a, false);
	if (r < 0)
		return create_help();
	if (r)
		return r;
	if (!a.type)
		return log_usage("vgpu create", "--type is required (see igpuctl vgpu types)");
	if (!*a.type)
		return log_usage("vgpu create", "--type needs a type name (see igpuctl vgpu types)");
	if (a.uuid) {
		if (igp_mdev_uuid_normalize(a.uuid, uuid) < 0)
			return log_usage("vgpu create", "'%s' is not a UUID (8-4-4-4-12 hex digits)", a.uuid);
	} else {
		igp_mdev_uuid_generate(uuid);
	}

	/* The lock comes before anything the plan rests on is read. */
	if (planview_begin(&ch, a.dry_run) != 0)
		return EXIT_FAIL;
	r = pick_parent_type(&c, a.parent, a.type, &p, &t);
	if (r)
		return r;
	defpath = igp_mdev_config_path(p->name, uuid);
	if (!defpath)
		return log_error_errno(-ENOMEM, "Failed to create a vGPU");
	r = create_check(uuid, p, t, a.autostart, defpath);
	if (r)
		return r;
	r = plan_create(&plan, p, t, uuid, a.autostart);
	if (r < 0)
		return log_error_errno(r, "Failed to plan the vGPU");
	if (a.dry_run)
		return planview_dry_run(&plan);

	r = apply(&ch, &plan, &refused);
	if (refused)
		return create_failed(refused, p, t, uuid);
	if (r)
		return r;

	if (igp_root_is_host()) {
		r = igp_mdev_wait(uuid, CREATE_TIMEOUT_MS);
		if (r < 0 && igp_mdev_get_active(uuid, &m) < 0) {
			log_error_errno(r, "The kernel accepted vGPU %s but it did not appear in %s", uuid,
					IGP_SYS_MDEV_DEVICES);
			if (a.autostart)
				fprintf(stderr,
					"  Its definition %s stays: igpuctl vgpu remove %s --undefine\n",
					defpath, uuid);
			return EXIT_FAIL;
		}
		igp_mdev_done(&m);
		waited = true;
	}
	/* Under --root nothing creates the device; report it if a tree has it. */
	if (igp_mdev_get_active(uuid, &m) < 0)
		m = (struct igp_mdev){.iommu_group = -1};
	print_created(uuid, p, t, &m, a.autostart, waited, defpath);
	igp_mdev_done(&m);
	return EXIT_OK;
}

static int define_help(void)
{
	printf("Usage: igpuctl vgpu define [PARENT] --type TYPE [--uuid UUID] [--manual] [--dry-run]\n"
	       "       igpuctl vgpu define --uuid UUID [--manual] [--dry-run]\n\n"
	       "Write a persistent vGPU definition in mdevctl's format\n"
	       "(/etc/mdevctl.d/PARENT/UUID) without creating the vGPU; print its UUID.\n"
	       "Given only --uuid of an active vGPU, define that one as it is.\n"
	       "Definitions start at boot (igpuctl-vgpus.service, or mdevctl's udev rule)\n"
	       "unless --manual.  `igpuctl revert` removes the definition again.\n\n"
	       "  -t, --type TYPE    the vGPU type\n"
	       "  -u, --uuid UUID    the UUID (default: a new random one)\n"
	       "      --manual       do not start it at boot\n"
	       "  -n, --dry-run      show what would be written\n");
	return EXIT_OK;
}

/* Parent and type of the vGPU to define: an active one's, or picked. */
static int define_what(struct ctx *c, const struct create_args *a, char uuid[static IGP_MDEV_UUID_MAX],
		       char **ret_parent, char **ret_type)
{
	struct igp_mdev_parent *p;
	const struct igp_mdev_type *t;
	struct igp_mdev m = {};
	int r;

	if (!a->type) {
		/* Persist an active vGPU as it is. */
		r = igp_mdev_get_active(uuid, &m);
		if (r == -ENODEV) {
			log_error("No active vGPU has the UUID %s", uuid);
			fprintf(stderr,
				"  To define a new one give its type: igpuctl vgpu define --type TYPE --uuid "
				"%s\n",
				uuid);
			return EXIT_FAIL;
		}
		if (r < 0)
			return log_error_errno(r, "Failed to read vGPU %s", uuid);
		*ret_parent = TAKE_PTR(m.parent);
		*ret_type = TAKE_PTR(m.type);
		igp_mdev_done(&m);
		if (!*ret_type)
			return log_error("Cannot tell the type of vGPU %s (no mdev_type link)", uuid);
		return EXIT_OK;
	}
	r = pick_parent_type(c, a->parent, a->type, &p, &t);
	if (r)
		return r;
	*ret_parent = strdup(p->name);
	*ret_type = strdup(t->id);
	if (!*ret_parent || !*ret_type)
		return log_error_errno(-ENOMEM, "Failed to define a vGPU");
	if (!a->uuid)
		igp_mdev_uuid_generate(uuid);
	return EXIT_OK;
}

static int vgpu_define(int argc, char *argv[])
{
	struct create_args a = {};
	_cleanup_(ctx_done) struct ctx c = {};
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	_cleanup_(igp_plan_done) struct igp_plan plan = {};
	struct igp_mdev_config conf = {};
	_cleanup_free_ char *path = NULL, *parent = NULL, *type = NULL;
	char uuid[IGP_MDEV_UUID_MAX];
	int r, refused;

	r = parse_create_args("vgpu define", argc, argv, &a, true);
	if (r < 0)
		return define_help();
	if (r)
		return r;
	if (a.uuid && igp_mdev_uuid_normalize(a.uuid, uuid) < 0)
		return log_usage("vgpu define", "'%s' is not a UUID (8-4-4-4-12 hex digits)", a.uuid);
	if (!a.type && !a.uuid)
		return log_usage("vgpu define", "give --type TYPE, or --uuid of an active vGPU");
	if (a.type && !*a.type)
		return log_usage("vgpu define", "--type needs a type name (see igpuctl vgpu types)");
	if (!a.type && a.parent)
		return log_usage("vgpu define", "PARENT needs --type");

	if (planview_begin(&ch, a.dry_run) != 0)
		return EXIT_FAIL;
	r = define_what(&c, &a, uuid, &parent, &type);
	if (r)
		return r;
	conf.type = type;
	conf.autostart = !a.manual;
	path = igp_mdev_config_path(parent, uuid);
	r = igp_mdev_plan_define(&plan, parent, uuid, &conf);
	if (r == -EEXIST) {
		log_error("%s is defined already: %s", uuid, path ? path : "");
		fprintf(stderr, "  Remove the old definition first: igpuctl vgpu remove %s --undefine\n",
			uuid);
		return EXIT_FAIL;
	}
	if (r < 0)
		return log_error_errno(r, "Failed to plan %s", path ? path : "the definition");
	if (a.dry_run)
		return planview_dry_run(&plan);
	/* The same definition again (a run that was interrupted) is done. */
	if (plan.n_files > 0 && apply(&ch, &plan, &refused) != EXIT_OK)
		return EXIT_FAIL;

	if (arg_g.json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "parent", json_object_new_string(parent));
		json_object_object_add(o, "type", json_object_new_string(type));
		json_object_object_add(o, "defined", json_object_new_boolean(true));
		json_object_object_add(o, "auto", json_object_new_boolean(conf.autostart));
		json_object_object_add(o, "path", json_str_or_null(path));
		json_print(o);
	} else {
		printf("%s\n", uuid);
		fprintf(stderr, "%s vGPU %s (%s on %s) in %s%s\n",
			plan.n_files ? "Defined" : "Already defined", uuid, type, parent, path,
			conf.autostart ? "; it starts at boot" : "; start it with mdevctl start -u UUID");
	}
	return EXIT_OK;
}

/* ---- remove ---- */

static int remove_help(void)
{
	printf("Usage: igpuctl vgpu remove UUID [--undefine] [--dry-run]\n\n"
	       "Remove an active vGPU.  With --undefine also delete its persistent definition\n"
	       "(which is all it does for a vGPU that is only defined); `igpuctl revert` puts\n"
	       "the definition back.\n\n"
	       "  -n, --dry-run      show what would be written\n");
	return EXIT_OK;
}

/* Say that UUID is not active (and whether it is defined). */
static int not_active(const char *uuid)
{
	struct igp_mdev *v = NULL;
	size_t n = 0;
	bool defined = false;

	if (igp_mdev_list(IGP_MDEV_LIST_DEFINED, &v, &n) == 0)
		for (size_t i = 0; i < n; i++)
			defined |= streq(v[i].uuid, uuid);
	igp_mdevs_free(v, n);
	log_error("No active vGPU has the UUID %s", uuid);
	if (defined)
		fprintf(stderr, "  It is defined but not active; --undefine deletes its definition.\n");
	return EXIT_FAIL;
}

/*
 * The definition's removal, preferring the parent the vGPU ran on (PARENT,
 * or NULL).  EXIT_OK (*ret_parent NULL: there is none), or the exit code.
 */
static int plan_undefine(struct igp_plan *plan, const char *uuid, const char *parent, char **ret_parent)
{
	int r = igp_mdev_plan_undefine(plan, parent, uuid, ret_parent);

	if (r == -ENOENT && parent)
		r = igp_mdev_plan_undefine(plan, NULL, uuid, ret_parent);
	if (r == -ENOENT && !parent)
		return log_error("No vGPU (active or defined) has the UUID %s", uuid);
	if (r == -ENOTUNIQ)
		return log_error("%s is defined under several parents in %s; remove the one you mean by hand",
				 uuid, IGP_ETC_MDEVCTL_D);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "Failed to remove the definition of %s", uuid);
	return EXIT_OK;
}

static void print_removed(const char *uuid, const struct igp_mdev *m, bool active, bool undefine,
			  const char *undef_parent)
{
	if (arg_g.json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "removed", json_object_new_boolean(active));
		json_object_object_add(o, "undefined", json_object_new_boolean(undef_parent != NULL));
		json_print(o);
		return;
	}
	if (active)
		fprintf(stderr, "Removed vGPU %s (%s on %s)\n", uuid, m->type ? m->type : "?", m->parent);
	if (undefine && !undef_parent)
		fprintf(stderr, "It had no definition.\n");
	else if (undefine)
		fprintf(stderr, "Removed the definition %s/%s/%s\n", IGP_ETC_MDEVCTL_D, undef_parent, uuid);
}

/* The plan of remove: the definition (with --undefine), then `remove`. */
static int plan_remove(struct igp_plan *plan, const char *uuid, const struct igp_mdev *m, bool active,
		       bool undefine, char **ret_undef_parent)
{
	_cleanup_free_ char *rm = active ? igp_mdev_remove_path(uuid) : NULL;
	int r;

	if (undefine) {
		r = plan_undefine(plan, uuid, active ? m->parent : NULL, ret_undef_parent);
		if (r)
			return r;
	}
	if (active && (!rm || igp_plan_add_attr(plan, rm, "1", "remove the vGPU") < 0))
		return log_error_errno(-ENOMEM, "Failed to plan the removal of %s", uuid);
	return EXIT_OK;
}

const struct option cmd_opts_vgpu_remove[] = {
    {"undefine", no_argument, NULL, 'U'},
    {"dry-run", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},
    {},
};

static int vgpu_remove(int argc, char *argv[])
{
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	_cleanup_(igp_plan_done) struct igp_plan plan = {};
	_cleanup_free_ char *undef_parent = NULL;
	_cleanup_(igp_mdev_done) struct igp_mdev m = {};
	char uuid[IGP_MDEV_UUID_MAX];
	bool undefine = false, dry_run = false, active;
	int ch_, r, refused;

	while ((ch_ = getopt_long(argc, argv, ":nh", cmd_opts_vgpu_remove, NULL)) >= 0) {
		if (ch_ == 'h')
			return remove_help();
		if (ch_ == 'U')
			undefine = true;
		else if (ch_ == 'n')
			dry_run = true;
		else
			return log_usage_option("vgpu remove", ch_, argc, argv, cmd_opts_vgpu_remove);
	}
	if (optind >= argc)
		return log_usage("vgpu remove", "which vGPU? (give its UUID; igpuctl vgpu list)");
	if (argc - optind > 1)
		return log_usage("vgpu remove", "unexpected argument '%s'", argv[optind + 1]);
	if (igp_mdev_uuid_normalize(argv[optind], uuid) < 0)
		return log_usage("vgpu remove", "'%s' is not a UUID (8-4-4-4-12 hex digits)", argv[optind]);

	if (planview_begin(&ch, dry_run) != 0)
		return EXIT_FAIL;
	active = igp_mdev_get_active(uuid, &m) == 0;
	if (!active && !undefine)
		return not_active(uuid);
	r = plan_remove(&plan, uuid, &m, active, undefine, &undef_parent);
	if (r)
		return r;
	if (dry_run)
		return planview_dry_run(&plan);
	r = apply(&ch, &plan, &refused);
	if (refused) {
		log_error_errno(refused, "Failed to remove vGPU %s (%s on %s)", uuid, m.type ? m.type : "?",
				m.parent);
		if (refused == -EACCES || refused == -EPERM)
			fprintf(stderr, "  Run as root.\n");
		return EXIT_FAIL;
	}
	if (r)
		return r;
	print_removed(uuid, &m, active, undefine, undef_parent);
	return EXIT_OK;
}

/* ---- start-defined ---- */

static int start_help(void)
{
	printf("Usage: igpuctl vgpu start-defined [PARENT]\n\n"
	       "Create every vGPU defined with \"start\": \"auto\" (by igpuctl, mdevctl or\n"
	       "libvirt) that is not active and whose parent is present, then write its\n"
	       "attributes.  igpuctl-vgpus.service runs this at boot.  Exit status 1 when\n"
	       "any of them failed.\n");
	return EXIT_OK;
}

/*
 * The parent start-defined is limited to, as its definitions name it: an
 * mdev parent or a directory of /etc/mdevctl.d (the parent may be absent:
 * its vGPUs are reported as such), given by that name or by a PCI address in
 * any accepted form.  0 and the name in *ret, or the exit status after
 * saying why.
 */
static int start_parent(const char *spec, char **ret)
{
	struct igp_mdev_parent *parents = NULL;
	_cleanup_strv_free_ char **names = NULL;
	struct igp_pci_addr want;
	const char *found = NULL;
	size_t n_parents = 0, n = 0;
	bool full;
	int r;

	r = igp_mdev_parents_load(&parents, &n_parents);
	if (r < 0)
		return log_error_errno(r, "Failed to read the mdev parents in %s", IGP_SYS_CLASS_MDEV_BUS);
	for (size_t i = 0; r >= 0 && i < n_parents; i++)
		r = strv_push(&names, parents[i].name);
	igp_mdev_parents_free(parents, n_parents);
	if (r >= 0) {
		_cleanup_strv_free_ char **dirs = NULL;
		r = igp_list_dir(IGP_ETC_MDEVCTL_D, &dirs);
		for (char **d = dirs; r >= 0 && *d; d++)
			if (!streq(*d, "scripts.d"))
				r = strv_push(&names, *d);
		if (r == -ENOENT)
			r = 0;
	}
	if (r < 0)
		return log_error_errno(r, "Failed to read the mdev parents and %s", IGP_ETC_MDEVCTL_D);

	if (strv_contains(names, spec)) {
		found = spec;
	} else {
		if (igp_pci_addr_parse_loose(spec, &want, &full) < 0)
			return log_usage("vgpu start-defined",
					 "'%s' is neither an mdev parent nor a PCI address", spec);
		for (char **p = names; p && *p; p++) {
			struct igp_pci_addr a;

			if (igp_pci_addr_parse(*p, &a) < 0 || a.bus != want.bus || a.slot != want.slot ||
			    a.func != want.func || (full && a.domain != want.domain) || streq_ptr(found, *p))
				continue;
			found = *p;
			n++;
		}
		if (n > 1)
			return log_error(
			    "%s matches mdev parents in several PCI domains: give the full address", spec);
		if (n == 0)
			return log_error("No mdev parent and no vGPU definition for %s on this host", spec);
	}
	*ret = strdup(found);
	if (!*ret)
		return log_error_errno(-ENOMEM, "Failed to start the defined vGPUs");
	return 0;
}

const struct option cmd_opts_vgpu_start_defined[] = {{"help", no_argument, NULL, 'h'}, {}};

static int vgpu_start_defined(int argc, char *argv[])
{
	_cleanup_free_ char *parent = NULL;
	struct igp_mdev_start_result *res = NULL;
	struct json_object *arr = NULL;
	size_t n = 0;
	int ch, r;

	while ((ch = getopt_long(argc, argv, ":h", cmd_opts_vgpu_start_defined, NULL)) >= 0) {
		if (ch == 'h')
			return start_help();
		return log_usage_option("vgpu start-defined", ch, argc, argv, cmd_opts_vgpu_start_defined);
	}
	if (argc - optind > 1)
		return log_usage("vgpu start-defined", "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc) {
		r = start_parent(argv[optind], &parent);
		if (r)
			return r;
	}

	/* Under --root no kernel creates anything: only write `create`. */
	r = igp_mdev_start_defined(parent, igp_root_is_host() ? CREATE_TIMEOUT_MS : 0, &res, &n);
	if (r < 0)
		return log_error_errno(r, "Failed to start the defined vGPUs");
	if (arg_g.json)
		arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct igp_mdev_start_result *x = &res[i];

		if (arr) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "uuid", json_object_new_string(x->uuid));
			json_object_object_add(o, "parent", json_object_new_string(x->parent));
			json_object_object_add(o, "type", json_object_new_string(x->type));
			json_object_object_add(o, "status",
					       json_object_new_string(igp_mdev_start_status_name(x->status)));
			json_object_object_add(
			    o, "error",
			    x->status == IGP_MDEV_FAILED ? json_object_new_string(strerror(-x->r)) : NULL);
			json_object_array_add(arr, o);
			continue;
		}
		switch (x->status) {
		case IGP_MDEV_STARTED:
			printf("Started %s (%s on %s)\n", x->uuid, x->type, x->parent);
			break;
		case IGP_MDEV_ALREADY_ACTIVE:
			printf("Already active: %s (%s on %s)\n", x->uuid, x->type, x->parent);
			break;
		case IGP_MDEV_NO_PARENT:
			printf("Skipped %s: its parent %s is not present\n", x->uuid, x->parent);
			break;
		case IGP_MDEV_REQUESTED:
			printf("Asked for %s (%s on %s): wrote its UUID to the type's create file in %s\n",
			       x->uuid, x->type, x->parent, igp_root());
			break;
		case IGP_MDEV_FAILED:
			log_error_errno(x->r, "Failed to start %s (%s on %s)", x->uuid, x->type, x->parent);
			if (x->r == -ENOSPC)
				fprintf(stderr,
					"  The parent's resources (GVT-g: the BIOS aperture) are used up: "
					"a smaller type in the definition, or fewer vGPUs.\n");
			else if (x->r == -ENOENT)
				fprintf(
				    stderr,
				    "  %s does not offer the type %s (any more): see igpuctl vgpu types %s\n",
				    x->parent, x->type, x->parent);
			else if (x->r == -EEXIST)
				fprintf(stderr, "  Another active mediated device has this UUID.\n");
			break;
		}
	}
	if (arr) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "vgpus", arr);
		json_print(o);
	} else if (n == 0) {
		printf("No vGPU is defined to start automatically%s%s.\n", parent ? " on " : "",
		       parent ? parent : "");
	}
	igp_mdev_start_results_free(res, n);
	return r > 0 ? EXIT_FAIL : EXIT_OK;
}

/* ---- dispatch ---- */

static int vgpu_help(void)
{
	printf("Usage: igpuctl vgpu COMMAND [ARGS]\n\n"
	       "Mediated devices: GVT-g vGPUs of Intel iGPUs, and the devices of any other\n"
	       "mdev parent.  Definitions are mdevctl's own files (/etc/mdevctl.d), shared\n"
	       "with mdevctl and libvirt.\n\n"
	       "Commands:\n"
	       "  types [PARENT]                                   the types and how many are left\n"
	       "  create [PARENT] --type TYPE [--uuid UUID] [--auto]  create a vGPU\n"
	       "  list [--defined]                                 active (and defined) vGPUs\n"
	       "  remove UUID [--undefine]                         remove a vGPU\n"
	       "  define [PARENT] --type TYPE [--uuid UUID] [--manual]  define one persistently\n"
	       "  start-defined [PARENT]                           create the defined auto-start ones\n\n"
	       "'igpuctl vgpu COMMAND --help' for a command.\n");
	return EXIT_OK;
}

int cmd_vgpu(int argc, char *argv[])
{
	static const struct {
		const char *name, *full; /* full: for the --help hint */
		int (*fn)(int, char **);
	} subs[] = {
	    {"types", "vgpu types", vgpu_types},
	    {"create", "vgpu create", vgpu_create},
	    {"list", "vgpu list", vgpu_list},
	    {"remove", "vgpu remove", vgpu_remove},
	    {"define", "vgpu define", vgpu_define},
	    {"start-defined", "vgpu start-defined", vgpu_start_defined},
	};

	if (argc < 2)
		return log_usage("vgpu",
				 "which subcommand? (types, create, list, remove, define, start-defined)");
	if (streq(argv[1], "-h") || streq(argv[1], "--help") || streq(argv[1], "help"))
		return vgpu_help();
	for (size_t i = 0; i < ELEMENTSOF(subs); i++)
		if (streq(argv[1], subs[i].name)) {
			optind = 0; /* reset getopt for the subcommand's argv */
			cmdline = argv;
			arg_g.command = subs[i].full;
			return subs[i].fn(argc - 1, argv + 1);
		}
	return log_usage("vgpu", "unknown subcommand '%s'", argv[1]);
}
