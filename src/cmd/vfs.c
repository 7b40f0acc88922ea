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
#include "model/sriov_route.h"
#include "model/bootinfo.h"
#include "model/host.h"
#include "modules/modconf.h"
#include "model/workloads.h"
#include "output.h"
#include "base/paths.h"
#include "base/strbuf.h"
#include "planview.h"
#include "vgpu/sriov.h"
#include "vgpu/sriov_persist.h"
#include "vgpu/sriov_sched.h"

enum {
	COL_VF,
	COL_ADDRESS,
	COL_DRIVER,
	COL_IOMMU_GROUP,
	COL_USED_BY,
};

static const struct colspec columns[] = {
    [COL_VF] = {"VF", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		"VF number as the drivers count (vfN, from 1; sysfs virtfnN-1)"},
    [COL_ADDRESS] = {"ADDRESS", 12, 0, SCOLS_JSON_STRING, "PCI address of the VF"},
    [COL_DRIVER] = {"DRIVER", 8, 0, SCOLS_JSON_STRING, "bound driver"},
    [COL_IOMMU_GROUP] = {"IOMMU_GROUP", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "IOMMU group"},
    [COL_USED_BY] = {"USED_BY", 10, 0, SCOLS_JSON_STRING,
		     "guests that use the VF (proxmox-vm:ID, proxmox-ct:ID, libvirt:NAME)"},
};
static const colmask_t default_columns =
    COLUMN(COL_VF) | COLUMN(COL_ADDRESS) | COLUMN(COL_DRIVER) | COLUMN(COL_IOMMU_GROUP) | COLUMN(COL_USED_BY);

/* vfs --sched: one line per VF the driver can provision (1 ... sriov_totalvfs). */
enum {
	SCOL_VF,
	SCOL_EXEC_QUANTUM_MS,
	SCOL_PREEMPT_TIMEOUT_US,
	SCOL_SCHED_PRIORITY,
	SCOL_AT_BOOT,
};

static const struct colspec sched_columns[] = {
    [SCOL_VF] = {"VF", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "the driver's VF number (vfN, from 1)"},
    [SCOL_EXEC_QUANTUM_MS] = {"EXEC_QUANTUM_MS", 4, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "execution quantum"},
    [SCOL_PREEMPT_TIMEOUT_US] = {"PREEMPT_TIMEOUT_US", 4, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
				 "preemption timeout"},
    [SCOL_SCHED_PRIORITY] = {"SCHED_PRIORITY", 6, 0, SCOLS_JSON_STRING, "priority (xe)"},
    [SCOL_AT_BOOT] = {"AT_BOOT", 10, 0, SCOLS_JSON_STRING, "KEY=VALUE set at boot, and where"},
};

static int help(void)
{
	_cleanup_free_ char *defaults = table_column_names(columns, ELEMENTSOF(columns), default_columns);

	if (!defaults)
		return log_error_errno(-ENOMEM, "Failed to print the help");
	printf("Usage: igpuctl vfs ADDR [--count N] [--persist] [--bind] [--set VFN KEY=VALUE]... [--sched]\n"
	       "                   [--force] [--dry-run] [-o COLUMNS] [-n] [-r] [-J]\n\n"
	       "SR-IOV virtual functions (VFs) of the physical function ADDR: how many the\n"
	       "driver offers (sriov_totalvfs), how many are enabled, and the VFs.  Pass VFs\n"
	       "to VMs, never the PF itself.\n\n"
	       "  -c, --count N      enable N VFs (0 disables them); only sriov_numvfs changes,\n"
	       "                     never max_vfs.  sriov_drivers_autoprobe is set to 0 first,\n"
	       "                     so no host driver takes the new VFs: give VMs' VFs to\n"
	       "                     vfio-pci (--bind), the host's to its GPU driver\n"
	       "                     (igpuctl bind VF --driver xe|i915)\n"
	       "  -p, --persist      make the count survive a reboot: the line or rule that\n"
	       "                     sets it now, else sysfsutils (/etc/sysfs.d or\n"
	       "                     /etc/sysfs.conf) where it is installed, else a udev rule\n"
	       "  -b, --bind         bind every VF to vfio-pci\n"
	       "  -s, --set VFN KEY=VALUE\n"
	       "                     per-VF scheduling, now and at boot (VFN from 1: vf1 is\n"
	       "                     virtfn0): exec_quantum_ms, preempt_timeout_us,\n"
	       "                     sched_priority (xe: low, normal, high); repeatable\n"
	       "      --sched        show each VF's scheduling instead of the VF table\n"
	       "      --force        change the count although guests are configured with\n"
	       "                     the VFs it removes and re-creates (stop them first)\n"
	       "      --dry-run      show what --count, --persist and --set would write\n"
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
		struct igp_pci_dev *d = NULL;
		enum igp_sriov_route_kind k = IGP_SRIOV_ROUTE_NONE;
		_cleanup_free_ char *why = NULL;

		/* The same recommendation as check and setup (model/sriov_route.h). */
		if (h && igp_host_find(h, s->pf, &d) >= 0 &&
		    igp_host_sriov_recommend(h, d, &k, &why, NULL) >= 0)
			fprintf(stderr, "  %s\n", why);
		if (k != IGP_SRIOV_ROUTE_NONE)
			fprintf(stderr,
				"  igpuctl setup --mode sriov%s %s configures it; igpuctl check --mode "
				"sriov %s shows each step.\n",
				k == IGP_SRIOV_ROUTE_XE ? " --sriov-driver xe" : "", s->pf, s->pf);
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
			json_object_object_add(v, "vf", json_object_new_int(s->vfs[i].index + 1));
			json_object_object_add(v, "address", json_object_new_string(s->vfs[i].address));
			json_object_object_add(v, "driver", json_str_or_null(s->vfs[i].driver));
			json_object_object_add(
			    v, "iommu_group",
			    json_int_or_null(s->vfs[i].iommu_group, s->vfs[i].iommu_group >= 0));
			json_object_object_add(v, "used_by", json_strv(users[i]));
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
		table_setf(ln, COL_VF, "%d", s->vfs[i].index + 1);
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

/* What the settings at boot set for VF's scheduling: "KEY=VALUE (FILE:LINE)", ... */
static char *sched_at_boot(const struct igp_sriov_persisted *ps, const char *dir)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (size_t i = 0; i < ps->n; i++) {
		const struct igp_sriov_setting *x = &ps->v[i];
		if (x->active && startswith(x->attr, dir) && x->attr[strlen(dir)] == '/')
			strbuf_wordf(&b, ", ", "%s=%s (%s:%u)", x->attr + strlen(dir) + 1, x->value, x->path,
				     x->line);
	}
	return strbuf_empty(&b) ? NULL : strbuf_steal(&b);
}

/* vfs --sched: the scheduling of VF 1 ... sriov_totalvfs, now and at boot. */
static int print_sched(const struct igp_sriov *s, const struct igp_pci_dev *d, const struct table_opts *topts)
{
	_cleanup_(igp_sriov_persisted_done) struct igp_sriov_persisted ps = {0};
	_cleanup_free_ char *probe = NULL;
	struct table_opts o = *topts;
	struct libscols_table *tb;
	int r = igp_sriov_sched_dir(s, 1, &probe);

	if (r == -EOPNOTSUPP) {
		log_error("%s's driver (%s) has no per-VF scheduling attributes", s->pf,
			  s->pf_driver ? s->pf_driver : "none");
		fprintf(stderr,
			"  xe has them from Linux 6.19 (sriov_admin/vfN/profile/); i915-sriov-dkms in "
			"drm/cardN/prelim_iov/vfN/gt0/.\n");
		return EXIT_FAIL;
	}
	r = r < 0 ? r : igp_sriov_persisted_load(d, &ps);
	if (r < 0)
		return log_error_errno(r, "Failed to read the VF scheduling of %s", s->pf);
	o.output = NULL; /* -o names the VF table's columns */
	tb = table_new("sched", sched_columns, ELEMENTSOF(sched_columns), ~(colmask_t)0, &o);
	if (!tb)
		return EXIT_USAGE;
	for (long vf = 1; vf <= s->totalvfs; vf++) {
		struct libscols_line *ln = table_new_line(tb, NULL);
		_cleanup_free_ char *dir = NULL, *boot = NULL;
		if (!ln || igp_sriov_sched_dir(s, (int)vf, &dir) < 0)
			break;
		table_setf(ln, SCOL_VF, "%ld", vf);
		for (int k = 0; igp_sriov_sched_keys[k]; k++) {
			_cleanup_free_ char *v = igp_sriov_sched_read(s, (int)vf, igp_sriov_sched_keys[k]);
			table_set(ln, SCOL_EXEC_QUANTUM_MS + k, v);
		}
		boot = sched_at_boot(&ps, dir);
		table_set(ln, SCOL_AT_BOOT, boot);
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

/* The command line of `igpuctl vfs`. */
struct vfs_args {
	struct table_opts topts;
	long count; /* -1: not changed */
	bool persist, bind, dry_run, sched, force;
	const char *address;
	char **set; /* "VFN KEY=VALUE" */
};

/*
 * --set VFN KEY=VALUE: the attribute writes now (after the count: the VFs
 * exist then) in P, and "DIR/KEY=VALUE" for the persisted settings in
 * *RET_ATTRS.  Bad input is refused before anything is planned.
 */
static int plan_sched(const struct igp_sriov *s, char *const *set, struct igp_plan *p, char ***ret_attrs)
{
	for (char *const *x = set; x && *x; x++) {
		_cleanup_free_ char *vfn = strndup(*x, strcspn(*x, " ")), *attr = NULL, *err = NULL,
				    *path = NULL;
		const char *eq;
		long vf;
		int r;

		if (!vfn)
			return log_error_errno(-ENOMEM, "Out of memory");
		if (parse_long(vfn, 0, INT_MAX, &vf) < 0)
			return log_usage("vfs", "--set wants a VF number (1 for vf1), not '%s'", vfn);
		r = igp_sriov_sched_parse(s, (int)vf, strchr(*x, ' ') + 1, &attr, &err);
		if (r < 0 && err) {
			log_error("%s", err);
			return r == -EOPNOTSUPP ? EXIT_FAIL : EXIT_USAGE;
		}
		if (r < 0)
			return log_error_errno(r, "Failed to plan --set %s", *x);
		eq = strchr(attr, '=');
		path = strdupf("%s/%s/%.*s", IGP_SYS_PCI_DEVICES, s->pf, (int)(eq - attr), attr);
		if (!path || igp_plan_add_attr(p, path, eq + 1, "VF scheduling") < 0 ||
		    strv_push(ret_attrs, attr) < 0)
			return log_error_errno(-ENOMEM, "Out of memory");
	}
	return EXIT_OK;
}

/* Any change of a non-zero count removes every VF and creates new ones: a
 * guest configured with one (model/workloads.h) loses it while it runs.
 * EXIT_OK when none is, else the exit status after saying which. */
static int refuse_used_vfs(const struct igp_host *h, const struct igp_sriov *s)
{
	char ***users = NULL;
	int r = EXIT_OK;

	if (vfs_users(h, s, &users) < 0)
		return EXIT_FAIL;
	for (size_t i = 0; i < s->n_vfs && r == EXIT_OK; i++) {
		_cleanup_strbuf_ struct strbuf who = {};
		for (char **u = users[i]; u && *u; u++)
			strbuf_word(&who, ", ", *u);
		if (!who.s)
			continue;
		r = log_error("VF %s is used by %s; changing the count of %s removes every VF and "
			      "creates new ones",
			      s->vfs[i].address, who.s, s->pf);
		fprintf(stderr, "  Stop the guests that use its VFs, then run again with --force.\n");
	}
	vfs_users_free(users, s->n_vfs);
	return r;
}

/* The count and the scheduling (kernel attributes) and where they persist
 * (file edits). */
static int plan_vfs(const struct igp_host *h, const struct igp_sriov *s, const struct igp_pci_dev *d,
		    const struct vfs_args *a, struct igp_plan *p, char **ret_persisted)
{
	_cleanup_strv_free_ char **sched = NULL;
	long count = a->count;
	bool persist = a->persist || a->set;
	struct igp_sriov_persist_req req = {.count = a->persist ? (count >= 0 ? count : s->numvfs) : -1,
					    .by = a->set ? "igpuctl vfs --set" : "igpuctl vfs --persist"};
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
	if (count >= 0 && count != s->numvfs && s->numvfs > 0 && !a->force) {
		r = refuse_used_vfs(h, s);
		if (r != EXIT_OK)
			return r;
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
	r = plan_sched(s, a->set, p, &sched);
	if (r != EXIT_OK)
		return r;
	req.set = sched;
	r = persist ? igp_sriov_plan_persist(p, h, d, &req, ret_persisted) : 0;
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

/* H: the host, for where modules that load at boot go (igp_modules_place()). */
static int bind_vfs(const struct igp_host *h, struct igp_sriov *s)
{
	struct igp_modules_place pl;

	size_t failed = 0;
	int r;

	if (s->n_vfs == 0)
		return log_error("%s has no VFs to bind: enable some with --count N", s->pf);
	for (size_t i = 0; i < s->n_vfs; i++) {
		_cleanup_free_ char *before = NULL;

		r = igp_bind(s->vfs[i].address, "vfio-pci", &before);
		if (r == -ENODEV) {
			igp_modules_place(igp_host_initramfs(h), false, &pl);
			return log_error("vfio-pci is not loaded: modprobe vfio-pci (and list it in %s)",
					 pl.load);
		}
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

static void say_persisted(const struct igp_plan *p, const char *path, long n, const char *pf, bool count)
{
	if (arg_g.json || !path)
		return;
	if (!count) {
		fprintf(stderr, "%s %s: VF scheduling of %s at boot\n",
			p->n_files ? "Wrote" : "Nothing to change in", path, pf);
		return;
	}
	if (p->n_files == 0)
		fprintf(stderr, "Nothing to change in %s: %ld VFs on %s at boot\n", path, n, pf);
	else
		fprintf(stderr, "%s %s: %ld VFs on %s at boot\n", n ? "Wrote" : "Persisted in", path, n, pf);
}

const struct option cmd_opts_vfs[] = {
    TABLE_LONGOPTS,
    {"count", required_argument, NULL, 'c'},
    {"persist", no_argument, NULL, 'p'},
    {"bind", no_argument, NULL, 'b'},
    {"set", required_argument, NULL, 's'},
    {"sched", no_argument, NULL, 0x101},
    {"dry-run", no_argument, NULL, 0x100},
    {"force", no_argument, NULL, 0x102},
    {"help", no_argument, NULL, 'h'},
    {},
};

/* CMD_GO_ON, or the exit status (help, usage errors). */
static int parse_args(int argc, char *argv[], struct vfs_args *a)
{
	struct igp_pci_addr addr;
	int ch;

	while ((ch = getopt_long(argc, argv, ":" TABLE_SHORTOPTS "c:pbs:h", cmd_opts_vfs, NULL)) >= 0) {
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
		case 0x101:
			a->sched = true;
			break;
		case 0x102:
			a->force = true;
			break;
		case 's':
			/* --set VFN KEY=VALUE: the pair is the next argument. */
			if (optind >= argc || !strchr(argv[optind], '=') || argv[optind][0] == '-')
				return log_usage(
				    "vfs", "--set wants VFN KEY=VALUE (e.g. --set 1 exec_quantum_ms=20)");
			if (strv_pushf(&a->set, "%s %s", optarg, argv[optind++]) < 0)
				return log_error_errno(-ENOMEM, "Out of memory");
			break;
		default:
			if (!table_opts_parse(&a->topts, ch, optarg))
				return log_usage_option("vfs", ch, argc, argv, cmd_opts_vfs);
		}
	}
	if (optind >= argc)
		return log_usage("vfs", "which device? (the PF's PCI address, e.g. 00:02.0)");
	if (argc - optind > 1)
		return log_usage("vfs", "unexpected argument '%s'", argv[optind + 1]);
	if (a->dry_run && a->bind)
		return log_usage("vfs", "--dry-run shows --count and --persist; --bind has no dry run");
	if (a->sched && (a->count >= 0 || a->persist || a->bind || a->set))
		return log_usage("vfs", "--sched only shows; change with --set");
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
	int r = plan_vfs(h, *s, d, a, p, persisted);

	if (r != EXIT_OK)
		return r;
	if (a->dry_run)
		return planview_dry_run(p);
	r = apply_vfs(c, p, argv, *s, a->count, h);
	if (r != EXIT_OK)
		return r;
	/* What the plan could not do (an admin's line igpuctl does not edit,
	 * another count that races with it) is said after the change too. */
	for (char **n = p->notes; !arg_g.json && n && *n; n++)
		fprintf(stderr, "Note: %s\n", *n);
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

	if (r != CMD_GO_ON) {
		strv_free(a.set);
		return r;
	}
	changes = a.count >= 0 || a.persist || a.set;
	/* The lock comes before anything the plan rests on is read. */
	if (changes && planview_begin(&c, a.dry_run) != 0)
		return EXIT_FAIL;
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	r = find_pf(h, a.address, &d, &s);
	if (r == CMD_GO_ON && changes)
		r = change_vfs(&c, &p, &a, argv, h, d, &s, &persisted);
	strv_free(a.set);
	if (r != CMD_GO_ON)
		return r;
	if (a.sched)
		return print_sched(s, d, &a.topts);
	if (a.bind) {
		int failed = bind_vfs(h, s);
		r = reload(d, &s);
		if (r != CMD_GO_ON)
			return r;
		if (failed)
			return EXIT_FAIL;
	}
	say_persisted(&p, persisted, a.count >= 0 ? a.count : s->numvfs, s->pf, a.persist);
	if (vfs_users(h, s, &users) < 0)
		return EXIT_FAIL;
	r = print_state(s, &a.topts, persisted, users);
	vfs_users_free(users, s->n_vfs);
	return r;
}
