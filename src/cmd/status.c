/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl status: one screen with the host, each GPU, its methods and what is missing. */
#include <getopt.h>

#include "base/strbuf.h"
#include "cmd.h"
#include "devview.h"
#include "output.h"
#include "base/paths.h"
#include "model/workloads.h"

static int help(void)
{
	printf("Usage: igpuctl status [-J]\n\n"
	       "The GPUs, what each supports (full / gvt-g / sriov) and why, the recommended\n"
	       "method, and what is still missing on this host.\n");
	return EXIT_OK;
}

/* An SR-IOV PF's VFs and who uses them, one line: "5 of 7 enabled; 0000:00:02.1
 * proxmox-vm:201; ...; free: 0000:00:02.4" (model/workloads.h). */
static void print_vfs(const struct igp_host *h, const struct igp_pci_dev *d)
{
	_cleanup_strbuf_ struct strbuf used = {}, free_vfs = {};
	struct igp_vf_users *v;
	size_t n;

	if (d->sriov_numvfs <= 0 || igp_host_vf_users(h, d, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].users[0]) {
			strbuf_word(&free_vfs, ", ", v[i].vf->address);
			continue;
		}
		strbuf_wordf(&used, "; ", "%s %s", v[i].vf->address, v[i].users[0]);
		for (char **u = v[i].users + 1; *u; u++)
			strbuf_wordf(&used, ",", "%s", *u);
	}
	igp_vf_users_free(v, n);
	printf(
	    "  VFs:          %d of %d enabled%s%s%s%s\n", d->sriov_numvfs, d->sriov_totalvfs,
	    strbuf_empty(&used) ? "" : "; ", strbuf_empty(&used) ? "" : used.s,
	    strbuf_empty(&free_vfs) ? "; none free" : "; free: ", strbuf_empty(&free_vfs) ? "" : free_vfs.s);
}

/* A VF's users, when it has any. */
static void print_vf_users(const struct igp_host *h, const struct igp_pci_dev *d)
{
	_cleanup_strv_free_ char **users = NULL;
	const struct igp_workloads *ws;
	_cleanup_strbuf_ struct strbuf b = {};

	if (!d->physfn || igp_host_workloads(h, &ws) < 0 || igp_device_users(ws, d, &users, NULL) < 0)
		return;
	for (char **u = users; *u; u++)
		strbuf_word(&b, ", ", *u);
	if (!strbuf_empty(&b))
		printf("  Used by:      %s\n", b.s);
}

static void print_gpu(const struct igp_host *h, const struct igp_pci_dev *d, const struct igp_gpu_methods *m,
		      const struct igp_isolation_report *iso, const struct igp_gpu_findings *f)
{
	_cleanup_free_ char *label = device_label(d), *isotext = isolation_text(iso),
			    *rec = recommendation_text(d, m);
	const char *plat = platform_name(d), *mode = igp_method_name(m->recommended);
	const struct igp_check_report *missing = &f->mode[m->recommended];

	printf("\n%s  %s [%04x:%04x]\n", d->address, label, d->vendor, d->device);
	if (plat)
		printf("  Platform:     %s%s%s\n", plat, d->platform ? ", Gen " : "",
		       d->platform ? d->platform->gen : "");
	printf("  Driver:       %s%s%s%s\n", d->driver ? d->driver : "none",
	       d->boot_vga == 1 ? ", boot VGA" : "", d->render_node ? ", " : "",
	       d->render_node ? d->render_node : "");
	if (d->iommu_group >= 0)
		printf("  IOMMU group:  %d, %s\n", d->iommu_group, isotext ? isotext : "");
	else
		printf("  IOMMU group:  none (no IOMMU active)\n");
	print_vfs(h, d);
	print_vf_users(h, d);
	for (int i = 0; i < _IGP_METHOD_MAX; i++)
		printf("  %-6s %-17s %s\n", igp_method_name((enum igp_method)i),
		       support_word(m->m[i].support), m->m[i].reason);
	printf("  Recommended:  %s\n", rec ? rec : "");
	/* The findings of `check --mode M ADDR`: the same words, the same ids. */
	if (missing->n_checks > 0) {
		printf("  Missing for %s (`igpuctl check --mode %s %s`):\n", mode, mode, d->address);
		findings_print(stdout, missing, 4);
	} else {
		printf("  Nothing missing for %s.\n", mode);
	}
}

/*
 * method_support: per method its support and, as `missing_checks`, the
 * findings of `check --mode M ADDR`; "missing" keeps the earlier key: the
 * messages of the recommended method's findings.
 */
static struct json_object *methods_detail(const struct igp_gpu_methods *m, const struct igp_gpu_findings *f)
{
	struct json_object *o = json_object_new_object(), *miss = json_object_new_array();
	const struct igp_check_report *rec = &f->mode[m->recommended];

	for (int i = 0; i < _IGP_METHOD_MAX; i++) {
		struct json_object *x = json_object_new_object();
		json_object_object_add(x, "supported",
				       json_object_new_boolean(m->m[i].support != IGP_SUPPORT_NO));
		json_object_object_add(x, "out_of_tree",
				       json_object_new_boolean(m->m[i].support == IGP_SUPPORT_DKMS));
		json_object_object_add(x, "reason", json_object_new_string(m->m[i].reason));
		json_object_object_add(x, "missing_checks", findings_json(&f->mode[i]));
		json_object_object_add(o, igp_method_name((enum igp_method)i), x);
	}
	for (size_t i = 0; i < rec->n_checks; i++)
		json_object_array_add(miss, json_object_new_string(rec->checks[i].message));
	json_object_object_add(o, "missing", miss);
	return o;
}

/* An SR-IOV PF's {"totalvfs", "numvfs"} (the "VFs:" line's counts); NULL without
 * the capability. */
static struct json_object *sriov_json(const struct igp_pci_dev *d)
{
	struct json_object *o;

	if (d->sriov_totalvfs < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "totalvfs", json_object_new_int(d->sriov_totalvfs));
	json_object_object_add(o, "numvfs", json_int_or_null(d->sriov_numvfs, d->sriov_numvfs >= 0));
	return o;
}

/* One GPU of status -J: the list object, the methods' findings, the isolation
 * peers, the guests that use the GPU itself (igp_device_users(), as the text's
 * "Used by:" line of a VF) and its SR-IOV counts; appended to ARR.  0 or a
 * negative errno. */
static int gpu_status_json(const struct igp_host *h, const struct igp_pci_dev *d,
			   const struct igp_gpu_methods *m, const struct igp_isolation_report *iso,
			   const struct igp_gpu_findings *f, struct json_object *arr)
{
	_cleanup_strv_free_ char **users = NULL;
	const struct igp_workloads *ws;
	struct json_object *o;
	int r;

	if ((r = igp_host_workloads(h, &ws)) < 0 || (r = igp_device_users(ws, d, &users, NULL)) < 0)
		return r;
	o = gpu_json(h, d, m, iso);
	json_object_object_add(o, "method_support", methods_detail(m, f));
	json_object_object_add(o, "isolation_peers", peers_json(iso));
	json_object_object_add(o, "used_by", json_strv(users));
	json_object_object_add(o, "sriov", sriov_json(d));
	json_object_array_add(arr, o);
	return 0;
}

const struct option cmd_opts_status[] = {{"help", no_argument, NULL, 'h'}, {}};

int cmd_status(int argc, char *argv[])
{
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ struct igp_pci_dev **gpus = NULL;
	struct json_object *arr = NULL;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, ":h", cmd_opts_status, NULL)) >= 0) {
		if (c == 'h')
			return help();
		return log_usage_option("status", c, argc, argv, cmd_opts_status);
	}
	if (optind < argc)
		return log_usage("status", "unexpected argument '%s'", argv[optind]);
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	n = igp_host_gpus(h, &gpus);

	if (arg_g.json) {
		arr = json_object_new_array();
	} else {
		_cleanup_free_ char *units = NULL;
		printf("Host:   kernel %s%s%s\n", h->kernel_release ? h->kernel_release : "unknown",
		       igp_root_is_host() ? "" : ", root ", igp_root_is_host() ? "" : igp_root());
		if (h->iommu_active) {
			_cleanup_strbuf_ struct strbuf b = {};
			for (char **u = h->iommu_units; u && *u; u++)
				strbuf_word(&b, ", ", *u);
			units = strbuf_steal(&b);
		}
		printf("IOMMU:  %s%s%s%s, %zu groups\n", h->iommu_active ? "active" : "not active",
		       units ? " (" : "", units ? units : "", units ? ")" : "", h->n_groups);
		if (n == 0)
			printf("\nNo GPU (PCI display controller) found.\n");
	}
	for (size_t i = 0; i < n; i++) {
		struct igp_gpu_methods m;
		struct igp_isolation_report iso;
		struct igp_gpu_findings f;
		int r;

		r = igp_gpu_assess(h, gpus[i], &m, &iso);
		if (r < 0) {
			json_object_put(arr);
			return log_error_errno(r, "Failed to evaluate %s", gpus[i]->address);
		}
		/* JSON gives every method's findings; the text the recommended one's. */
		r = igp_gpu_findings_get(h, gpus[i], arr ? IGP_MODES_ALL : 1u << m.recommended, &f);
		if (r < 0) {
			igp_isolation_report_done(&iso);
			igp_gpu_methods_done(&m);
			json_object_put(arr);
			return log_error_errno(r, "Failed to run the checks of %s", gpus[i]->address);
		}
		if (arr)
			r = gpu_status_json(h, gpus[i], &m, &iso, &f, arr);
		else
			print_gpu(h, gpus[i], &m, &iso, &f);
		igp_gpu_findings_done(&f);
		igp_isolation_report_done(&iso);
		igp_gpu_methods_done(&m);
		if (r < 0) {
			json_object_put(arr);
			return log_error_errno(r, "Failed to read the guests that use %s", gpus[i]->address);
		}
	}
	if (arr) {
		struct json_object *o = json_object_new_object(), *host = json_object_new_object(),
				   *units = json_object_new_array();
		for (char **u = h->iommu_units; u && *u; u++)
			json_object_array_add(units, json_object_new_string(*u));
		json_object_object_add(host, "kernel", json_str_or_null(h->kernel_release));
		json_object_object_add(host, "iommu_active", json_object_new_boolean(h->iommu_active));
		json_object_object_add(host, "iommu_units", units);
		json_object_object_add(host, "iommu_groups", json_object_new_int((int)h->n_groups));
		json_object_object_add(host, "cmdline", json_str_or_null(h->cmdline));
		json_object_object_add(host, "default_route_interface",
				       json_str_or_null(h->default_route_iface));
		json_object_object_add(o, "host", host);
		json_object_object_add(o, "gpus", arr);
		json_print(o);
	}
	return EXIT_OK;
}
