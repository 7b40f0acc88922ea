/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl vfs ADDR [--count N] [--persist] [--bind]: SR-IOV virtual
 * functions of a PF.  Shows sriov_totalvfs and the VFs; --count sets
 * sriov_numvfs (through 0 when VFs exist, as the kernel requires); --bind
 * gives every VF to vfio-pci; --persist makes the count survive a reboot.
 */
#include <getopt.h>
#include <limits.h>

#include "setup/bind.h"
#include "cmd.h"
#include "model/host.h"
#include "model/workloads.h"
#include "output.h"
#include "base/paths.h"
#include "base/strbuf.h"
#include "planview.h"
#include "vgpu/sriov.h"

enum {
	COL_VF,
	COL_ADDRESS,
	COL_DRIVER,
	COL_IOMMU_GROUP,
	COL_USED_BY,
};

static const struct colspec columns[] = {
    [COL_VF] = {"VF", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "index (virtfnN)"},
    [COL_ADDRESS] = {"ADDRESS", 12, 0, SCOLS_JSON_STRING, "PCI address of the VF"},
    [COL_DRIVER] = {"DRIVER", 8, 0, SCOLS_JSON_STRING, "bound driver"},
    [COL_IOMMU_GROUP] = {"IOMMU_GROUP", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "IOMMU group"},
    [COL_USED_BY] = {"USED_BY", 10, 0, SCOLS_JSON_STRING,
		     "guests that use the VF (proxmox-vm:ID, proxmox-ct:ID, libvirt:NAME)"},
};
static const colmask_t default_columns =
    COLUMN(COL_VF) | COLUMN(COL_ADDRESS) | COLUMN(COL_DRIVER) | COLUMN(COL_IOMMU_GROUP) | COLUMN(COL_USED_BY);

static int help(void)
{
	_cleanup_free_ char *defaults = table_column_names(columns, ELEMENTSOF(columns), default_columns);

	if (!defaults)
		return log_error_errno(-ENOMEM, "Failed to print the help");
	printf("Usage: igpuctl vfs ADDR [--count N] [--persist] [--bind] [--dry-run] [-o COLUMNS] [-n] [-r] "
	       "[-J]\n\n"
	       "SR-IOV virtual functions (VFs) of the physical function ADDR: how many the\n"
	       "driver offers (sriov_totalvfs), how many are enabled, and the VFs.  Pass VFs\n"
	       "to VMs, never the PF itself.\n\n"
	       "  -c, --count N      enable N VFs (0 disables them)\n"
	       "  -p, --persist      make the count survive a reboot (a udev rule, or the\n"
	       "                     existing sysfsutils line for this device)\n"
	       "  -b, --bind         bind every VF to vfio-pci\n"
	       "      --dry-run      show what --count and --persist would write\n"
	       "  -o, --output LIST  columns of the VF table (default %s)\n"
	       "  -n, --noheadings   no header line\n"
	       "  -r, --raw          raw output\n",
	       defaults);
	return EXIT_OK;
}

static void explain_no_sriov(const struct igp_pci_dev *d)
{
	_cleanup_free_ char *reason = NULL;

	if (d->platform && igp_platform_supports(d->platform, IGP_METHOD_SRIOV, &reason) != IGP_SUPPORT_NO) {
		fprintf(stderr, "  %s\n", reason ? reason : "");
		fprintf(stderr,
			"  The firmware may hide the capability; look for SR-IOV in the firmware setup.\n");
		return;
	}
	if (reason)
		fprintf(stderr, "  %s\n", reason);
	if (d->platform && d->platform->gvtg != IGP_SUPPORT_NO)
		fprintf(stderr, "  This GPU supports GVT-g vGPUs instead: igpuctl setup --mode gvt-g %s\n",
			d->address);
	fprintf(stderr, "  Full passthrough gives the whole GPU to one VM: igpuctl setup --mode full %s\n",
		d->address);
}

static void explain_enoent(const struct igp_sriov *s, const struct igp_host *h)
{
	if (!s->pf_driver) {
		fprintf(stderr,
			"  No driver is bound to %s: VFs are created by the PF's driver (for an Intel GPU: "
			"i915-sriov-dkms or xe).\n",
			s->pf);
		return;
	}
	fprintf(stderr, "  The driver bound to %s (%s) cannot create VFs (it has no sriov_configure).\n",
		s->pf, s->pf_driver);
	if (streq(s->pf_driver, "i915") || streq(s->pf_driver, "xe")) {
		fprintf(
		    stderr,
		    "  Mainline i915 has no SR-IOV for these GPUs: install i915-sriov-dkms for kernel %s\n"
		    "  (or use xe with xe.max_vfs and xe.force_probe), boot with i915.enable_guc=3\n"
		    "  i915.max_vfs=7, then retry.  igpuctl setup --mode sriov %s does this;\n"
		    "  igpuctl check --mode sriov %s shows each step.\n",
		    h && h->kernel_release ? h->kernel_release : "$(uname -r)", s->pf, s->pf);
	} else if (streq(s->pf_driver, "vfio-pci")) {
		fprintf(stderr,
			"  vfio-pci only creates VFs with enable_sriov=1; the PF belongs to its own driver: "
			"igpuctl unbind %s\n",
			s->pf);
	}
}

static void vfs_users_free(char ***v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		strv_free(v[i]);
	free(v);
}

/* The guests that use each VF (model/workloads.h), by index of S's VFs;
 * a VF the host model does not hold (gone since) has none. */
static int vfs_users(const struct igp_host *h, const struct igp_sriov *s, char ****ret)
{
	const struct igp_workloads *ws;
	char ***v = calloc(s->n_vfs + 1, sizeof(*v));
	int r = igp_host_workloads(h, &ws);

	if (!v || r < 0) {
		free(v);
		return log_error_errno(r < 0 ? r : -ENOMEM, "Failed to read the guests that use the VFs");
	}
	for (size_t i = 0; r >= 0 && i < s->n_vfs; i++) {
		struct igp_pci_dev *d;
		if (igp_host_find(h, s->vfs[i].address, &d) < 0)
			r = (v[i] = calloc(1, sizeof(char *))) ? 0 : -ENOMEM;
		else
			r = igp_device_users(ws, d, &v[i], NULL);
	}
	if (r < 0) {
		vfs_users_free(v, s->n_vfs);
		return log_error_errno(r, "Failed to read the guests that use the VFs");
	}
	*ret = v;
	return 0;
}

static struct json_object *strv_json(char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static int print_state(const struct igp_sriov *s, const struct table_opts *topts, const char *persisted,
		       char ***users)
{
	struct libscols_table *tb;

	if (arg_g.json) {
		struct json_object *o = json_object_new_object(), *vfs = json_object_new_array();

		json_object_object_add(o, "address", json_object_new_string(s->pf));
		json_object_object_add(o, "driver", json_str_or_null(s->pf_driver));
		json_object_object_add(o, "sriov_totalvfs", json_object_new_int64(s->totalvfs));
		json_object_object_add(o, "sriov_numvfs", json_object_new_int64(s->numvfs));
		for (size_t i = 0; i < s->n_vfs; i++) {
			struct json_object *v = json_object_new_object();
			json_object_object_add(v, "index", json_object_new_int(s->vfs[i].index));
			json_object_object_add(v, "address", json_object_new_string(s->vfs[i].address));
			json_object_object_add(v, "driver", json_str_or_null(s->vfs[i].driver));
			json_object_object_add(
			    v, "iommu_group",
			    json_int_or_null(s->vfs[i].iommu_group, s->vfs[i].iommu_group >= 0));
			json_object_object_add(v, "used_by", strv_json(users[i]));
			json_object_array_add(vfs, v);
		}
		json_object_object_add(o, "vfs", vfs);
		json_object_object_add(o, "persisted", json_str_or_null(persisted));
		json_print(o);
		return EXIT_OK;
	}

	printf("%s: %ld of %ld VFs enabled (driver %s)\n", s->pf, s->numvfs, s->totalvfs,
	       s->pf_driver ? s->pf_driver : "none");
	if (s->n_vfs == 0)
		return EXIT_OK;
	tb = table_new("vfs", columns, ELEMENTSOF(columns), default_columns, topts);
	if (!tb)
		return EXIT_USAGE;
	for (size_t i = 0; i < s->n_vfs; i++) {
		struct libscols_line *ln = table_new_line(tb, NULL);
		if (!ln)
			break;
		table_setf(ln, COL_VF, "%d", s->vfs[i].index);
		table_set(ln, COL_ADDRESS, s->vfs[i].address);
		table_set(ln, COL_DRIVER, s->vfs[i].driver);
		if (s->vfs[i].iommu_group >= 0)
			table_setf(ln, COL_IOMMU_GROUP, "%d", s->vfs[i].iommu_group);
		else
			table_set(ln, COL_IOMMU_GROUP, NULL);
		{
			_cleanup_strbuf_ struct strbuf who = {};
			for (char **u = users[i]; *u; u++)
				strbuf_word(&who, ",", *u);
			table_set(ln, COL_USED_BY, who.s);
		}
	}
	table_print(tb);
	return EXIT_OK;
}

/* Why the kernel refused the count (the plan was put back already). */
static int numvfs_failed(int r, const struct igp_sriov *s, long count, const struct igp_host *h)
{
	if (r == -EBUSY) {
		log_error_errno(r, "%s refused a new count while %ld VFs are enabled", s->pf, s->numvfs);
		fprintf(stderr, "  Set --count 0 first, then the count you want.\n");
		return EXIT_FAIL;
	}
	if (r == -ENOENT) {
		log_error_errno(r, "Failed to enable VFs on %s (writing sriov_numvfs)", s->pf);
		explain_enoent(s, h);
		return EXIT_FAIL;
	}
	if (r == -ERANGE)
		return log_error_errno(r, "%s refused %ld VFs (sriov_totalvfs is %ld)", s->pf, count,
				       s->totalvfs);
	if (r == -EACCES || r == -EPERM)
		return log_error_errno(r, "Failed to set the VF count of %s (run as root)", s->pf);
	return log_error_errno(r, "Failed to set the VF count of %s to %ld", s->pf, count);
}

/* The count (kernel attributes) and where it persists (file edits). */
static int plan_vfs(const struct igp_sriov *s, const struct igp_pci_dev *d, long count, bool persist,
		    struct igp_plan *p, char **ret_persisted)
{
	_cleanup_free_ char *busy = NULL;
	long n = count >= 0 ? count : s->numvfs;
	int r;

	if (count > s->totalvfs) {
		log_error_errno(-ERANGE, "%s offers at most %ld VFs (sriov_totalvfs), not %ld", s->pf,
				s->totalvfs, count);
		if (s->totalvfs == 0)
			fprintf(stderr,
				"  The driver allows none: i915-sriov-dkms needs i915.max_vfs=7 "
				"(xe: xe.max_vfs=7); igpuctl setup --mode sriov %s\n",
				s->pf);
		return EXIT_FAIL;
	}
	r = count >= 0 ? igp_sriov_plan_numvfs(s, count, p, &busy) : 0;
	if (r == -EBUSY && busy) {
		log_error("VF %s is bound to vfio-pci and may be in use by a VM; changing the count "
			  "removes every VF",
			  busy);
		fprintf(stderr,
			"  Stop the VMs that use %s's VFs and unbind them (igpuctl unbind ADDR) first.\n",
			s->pf);
		return EXIT_FAIL;
	}
	if (r < 0)
		return log_error_errno(r, "Failed to plan the VF count of %s", s->pf);
	r = persist ? igp_sriov_plan_persist(p, d, n, ret_persisted) : 0;
	if (r < 0)
		return log_error_errno(r, "Failed to persist %ld VFs for %s", n, s->pf);
	return EXIT_OK;
}

/* Apply the plan through the change path; the kernel's refusal of the
 * count is explained as such. */
static int apply_vfs(struct igp_change *c, const struct igp_plan *p, char *const *argv,
		     const struct igp_sriov *s, long count, const struct igp_host *h)
{
	_cleanup_free_ char *name = planview_command_name(argv);
	struct igp_change_report rep = {0};
	bool attr = false;
	int r;

	r = igp_change_apply(c, p, name, NULL, NULL, &rep);
	for (size_t i = 0; r < 0 && rep.failed && i < p->n_attrs; i++)
		attr |= streq(rep.failed, p->attrs[i].path);
	if (r < 0 && attr) {
		numvfs_failed(r, s, count, h);
		planview_print_manual(rep.manual);
	} else if (r < 0) {
		planview_report(r, &rep);
	}
	igp_change_report_done(&rep);
	if (r >= 0 && p->n_files > 0 && (r = igp_change_finish(c)) < 0)
		return log_error_errno(r, "Cannot update the journal");
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}

static int bind_vfs(struct igp_sriov *s)
{
	size_t failed = 0;
	int r;

	if (s->n_vfs == 0)
		return log_error("%s has no VFs to bind: enable some with --count N", s->pf);
	for (size_t i = 0; i < s->n_vfs; i++) {
		_cleanup_free_ char *before = NULL;

		r = igp_bind(s->vfs[i].address, "vfio-pci", &before);
		if (r == -ENODEV)
			return log_error(
			    "vfio-pci is not loaded: modprobe vfio-pci (and list it in " IGP_ETC_MODULES ")");
		if (r == -ENXIO) {
			log_error("VF %s did not bind to vfio-pci; it went back to %s", s->vfs[i].address,
				  s->vfs[i].driver ? s->vfs[i].driver : "no driver");
			failed++;
		} else if (r < 0) {
			log_error_errno(r, "Failed to bind VF %s to vfio-pci", s->vfs[i].address);
			failed++;
		}
	}
	return failed ? EXIT_FAIL : EXIT_OK;
}

static void say_persisted(const struct igp_plan *p, const char *path, long n, const char *pf)
{
	if (arg_g.json || !path)
		return;
	if (p->n_files == 0)
		fprintf(stderr, "Nothing to change in %s: %ld VFs on %s at boot\n", path, n, pf);
	else
		fprintf(stderr, "%s %s: %ld VFs on %s at boot\n", n ? "Wrote" : "Persisted in", path, n, pf);
}

/* The command line of `igpuctl vfs`. */
struct vfs_args {
	struct table_opts topts;
	long count; /* -1: not changed */
	bool persist, bind, dry_run;
	const char *address;
};

/* CMD_GO_ON, or the exit status (help, usage errors). */
static int parse_args(int argc, char *argv[], struct vfs_args *a)
{
	static const struct option opts[] = {
	    TABLE_LONGOPTS,
	    {"count", required_argument, NULL, 'c'},
	    {"persist", no_argument, NULL, 'p'},
	    {"bind", no_argument, NULL, 'b'},
	    {"dry-run", no_argument, NULL, 0x100},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	struct igp_pci_addr addr;
	int ch;

	while ((ch = getopt_long(argc, argv, ":" TABLE_SHORTOPTS "c:pbh", opts, NULL)) >= 0) {
		switch (ch) {
		case 'h':
			return help();
		case 'c':
			if (parse_count(optarg, 0, 65535, &a->count) < 0)
				return log_usage("vfs", "--count wants a number of VFs, not '%s'", optarg);
			break;
		case 'p':
			a->persist = true;
			break;
		case 'b':
			a->bind = true;
			break;
		case 0x100:
			a->dry_run = true;
			break;
		default:
			if (!table_opts_parse(&a->topts, ch, optarg))
				return log_usage_option("vfs", ch, argc, argv, opts);
		}
	}
	if (optind >= argc)
		return log_usage("vfs", "which device? (the PF's PCI address, e.g. 00:02.0)");
	if (argc - optind > 1)
		return log_usage("vfs", "unexpected argument '%s'", argv[optind + 1]);
	if (a->dry_run && a->bind)
		return log_usage("vfs", "--dry-run shows --count and --persist; --bind has no dry run");
	a->address = argv[optind];
	if (igp_pci_addr_parse_loose(a->address, &addr, NULL) < 0)
		return log_usage("vfs", "'%s' is not a PCI address (expected 0000:00:02.0, 00:02.0 or 2.0)",
				 a->address);
	/* The VF table is printed last, and only when there are VFs. */
	return table_opts_check(columns, ELEMENTSOF(columns), &a->topts) ?: CMD_GO_ON;
}

/* The PF named ADDRESS, and its SR-IOV state in *RET: CMD_GO_ON, or the exit status. */
static int find_pf(const struct igp_host *h, const char *address, struct igp_pci_dev **ret_dev,
		   struct igp_sriov **ret)
{
	struct igp_pci_dev *d;
	int r = igp_host_find(h, address, &d);

	if (r == -EINVAL)
		return log_usage("vfs", "'%s' is not a PCI address", address);
	if (r == -EADDRNOTAVAIL)
		return log_error("%s matches devices in several PCI domains: give the full address", address);
	if (r < 0)
		return log_error("No PCI device %s on this host", address);
	if (d->physfn)
		return log_error("%s is itself a VF of %s: igpuctl vfs %s", d->address, d->physfn, d->physfn);
	r = igp_sriov_load(d->address, ret);
	if (r == -EOPNOTSUPP) {
		log_error("%s has no SR-IOV capability (no sriov_totalvfs)", d->address);
		explain_no_sriov(d);
		return EXIT_FAIL;
	}
	if (r < 0)
		return log_error_errno(r, "Failed to read the SR-IOV state of %s", d->address);
	*ret_dev = d;
	return CMD_GO_ON;
}

/* Read the SR-IOV state of D again into *S after a change: CMD_GO_ON, or
 * the exit status. */
static int reload(const struct igp_pci_dev *d, struct igp_sriov **s)
{
	int r;

	igp_sriov_free(TAKE_PTR(*s));
	r = igp_sriov_load(d->address, s);
	return r < 0 ? log_error_errno(r, "Failed to read the SR-IOV state of %s", d->address) : CMD_GO_ON;
}

/* --count and --persist: plan, show (--dry-run) or apply, read back:
 * CMD_GO_ON, or the exit status. */
static int change_vfs(struct igp_change *c, struct igp_plan *p, const struct vfs_args *a, char *argv[],
		      const struct igp_host *h, const struct igp_pci_dev *d, struct igp_sriov **s,
		      char **persisted)
{
	int r = plan_vfs(*s, d, a->count, a->persist, p, persisted);

	if (r != EXIT_OK)
		return r;
	if (a->dry_run) {
		planview_print(p, NULL);
		if (p->n_files == 0 && p->n_attrs == 0)
			printf("Nothing to change.\n");
		printf("\nDry run: nothing was changed.\n");
		return EXIT_OK;
	}
	r = apply_vfs(c, p, argv, *s, a->count, h);
	if (r != EXIT_OK)
		return r;
	r = reload(d, s);
	if (r != CMD_GO_ON)
		return r;
	if (a->count >= 0 && (*s)->numvfs != a->count && igp_root_is_host())
		return log_error("%s reports %ld VFs after asking for %ld", (*s)->pf, (*s)->numvfs, a->count);
	return CMD_GO_ON;
}

int cmd_vfs(int argc, char *argv[])
{
	struct vfs_args a = {.count = -1};
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_sriov_ struct igp_sriov *s = NULL;
	_cleanup_free_ char *persisted = NULL;
	_cleanup_(igp_change_end) struct igp_change c = {.lock_fd = -1};
	_cleanup_(igp_plan_done) struct igp_plan p = {};
	struct igp_pci_dev *d = NULL;
	char ***users = NULL;
	bool changes = false;
	int r = parse_args(argc, argv, &a);

	if (r != CMD_GO_ON)
		return r;
	changes = a.count >= 0 || a.persist;
	/* The lock comes before anything the plan rests on is read. */
	if (changes && planview_begin(&c, a.dry_run) != 0)
		return EXIT_FAIL;
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	r = find_pf(h, a.address, &d, &s);
	if (r == CMD_GO_ON && changes)
		r = change_vfs(&c, &p, &a, argv, h, d, &s, &persisted);
	if (r != CMD_GO_ON)
		return r;
	if (a.bind) {
		int failed = bind_vfs(s);
		r = reload(d, &s);
		if (r != CMD_GO_ON)
			return r;
		if (failed)
			return EXIT_FAIL;
	}
	say_persisted(&p, persisted, a.count >= 0 ? a.count : s->numvfs, s->pf);
	if (vfs_users(h, s, &users) < 0)
		return EXIT_FAIL;
	r = print_state(s, &a.topts, persisted, users);
	vfs_users_free(users, s->n_vfs);
	return r;
}
