/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl check: the preflight doctor.  One row per check (checks.h) with
 * the status, what was found and the remedy.  Exit status: 0 all pass,
 * 1 warnings only, 2 a failure (also when the host cannot be read); 64 a
 * usage error, as for every command.
 */
#include <getopt.h>

#include "checks/checks.h"
#include "cmd.h"
#include "model/methods.h"
#include "checkview.h"
#include "output.h"

static int help(void)
{
	_cleanup_free_ char *defaults = checkview_default_columns();

	if (!defaults)
		return log_error_errno(-ENOMEM, "Failed to print the help");
	printf("Usage: igpuctl check [--mode full|gvt-g|sriov] [ADDR] [-o COLUMNS] [-n] [-r] [-J]\n"
	       "       igpuctl check --list\n\n"
	       "Preflight checks for GPU passthrough: every requirement of the full-passthrough\n"
	       "and GVT-g guides, with the remedy for this host.  Without --mode, each GPU is\n"
	       "checked for its recommended method; without ADDR, the Intel iGPU (or every GPU).\n\n"
	       "  -m, --mode MODE    full, gvt-g or sriov\n"
	       "  -l, --list         list the check ids and what each checks\n"
	       "  -o, --output LIST  columns to show (default %s,\n"
	       "                     with DEVICE when several GPUs are checked)\n"
	       "  -n, --noheadings   no header line\n"
	       "  -r, --raw          raw output\n\n"
	       "Exit status: 0 every check passed (or was skipped), 1 warnings only,\n"
	       "2 a check failed (or the checks could not run), 64 usage error.\n\nColumns:\n",
	       defaults);
	checkview_columns_help();
	return EXIT_OK;
}

static int list_ids(void)
{
	for (const struct igp_check_info *i = igp_check_infos(); i->id; i++) {
		char modes[32] = "";
		for (int m = 0; m < _IGP_METHOD_MAX; m++)
			if (i->modes & (1u << m)) {
				if (*modes)
					strcat(modes, ",");
				strcat(modes, igp_method_name((enum igp_method)m));
			}
		printf("%-26s %-17s %s\n", i->id, modes, i->summary);
	}
	return EXIT_OK;
}

/* Who gets checked for what; see help(). */
static int pick_targets(const struct igp_host *h, const char *addr, int mode, struct igp_check_target **ret,
			size_t *ret_n)
{
	_cleanup_free_ struct igp_pci_dev **gpus = NULL;
	struct igp_check_target *t;
	struct igp_pci_dev *one = NULL;
	size_t n = 0, ngpus;
	int r;

	if (addr) {
		r = igp_host_find(h, addr, &one);
		if (r < 0)
			return r;
	} else if (mode >= 0) {
		one = igp_host_default_igpu(h);
	}
	ngpus = igp_host_gpus(h, &gpus);
	t = calloc(ngpus + 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < (one ? 1 : ngpus); i++) {
		struct igp_pci_dev *d = one ? one : gpus[i];
		if (!one && d->physfn)
			continue; /* VFs are checked through their PF (sriov.*) */
		t[n].gpu = d;
		if (mode >= 0) {
			t[n].mode = (enum igp_method)mode;
		} else {
			struct igp_gpu_methods m;
			r = igp_gpu_methods_eval(d, &m);
			if (r < 0) {
				free(t);
				return r;
			}
			t[n].mode = m.recommended;
			igp_gpu_methods_done(&m);
		}
		n++;
	}
	*ret = t;
	*ret_n = n;
	return 0;
}

const struct option cmd_opts_check[] = {
    {"mode", required_argument, NULL, 'm'},
    {"list", no_argument, NULL, 'l'},
    TABLE_LONGOPTS,
    {"help", no_argument, NULL, 'h'},
    {},
};

int cmd_check(int argc, char *argv[])
{
	struct table_opts topts = {};
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ struct igp_check_target *targets = NULL;
	struct igp_check_report rep;
	const char *addr = NULL;
	enum igp_method mode;
	bool have_mode = false;
	size_t n_targets = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, ":m:l" TABLE_SHORTOPTS "h", cmd_opts_check, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return help();
		case 'l':
			return list_ids();
		case 'm':
			if (igp_method_parse(optarg, &mode) < 0)
				return log_usage("check", "unknown mode '%s' (full, gvt-g or sriov)", optarg);
			have_mode = true;
			break;
		default:
			if (!table_opts_parse(&topts, c, optarg))
				return log_usage_option("check", c, argc, argv, cmd_opts_check);
		}
	}
	if (optind < argc)
		addr = argv[optind++];
	if (optind < argc)
		return log_usage("check", "unexpected argument '%s'", argv[optind]);
	if (addr) {
		struct igp_pci_addr a;
		bool full;
		if (igp_pci_addr_parse_loose(addr, &a, &full) < 0)
			return log_usage("check",
					 "'%s' is not a PCI address (expected 0000:00:02.0, 00:02.0 or 2.0)",
					 addr);
	}
	/* Refuse unknown columns before reading anything. */
	r = checkview_opts_check(&topts);
	if (r)
		return r == EXIT_USAGE ? EXIT_USAGE : CHECK_EXIT_FAIL;
	h = load_host_or_complain();
	if (!h)
		return CHECK_EXIT_FAIL;
	r = pick_targets(h, addr, have_mode ? (int)mode : -1, &targets, &n_targets);
	if (r == -ENODEV) {
		log_error("No PCI device %s on this host ('igpuctl list' shows the GPUs).", addr);
		return CHECK_EXIT_FAIL;
	}
	if (r == -EADDRNOTAVAIL) {
		log_error(
		    "%s is ambiguous: several PCI domains have it; give the full address (DDDD:BB:DD.F).",
		    addr);
		return CHECK_EXIT_FAIL;
	}
	if (r < 0) {
		log_error_errno(r, "Failed to choose the devices to check");
		return CHECK_EXIT_FAIL;
	}
	/* A host without a GPU still gets the host checks of the mode asked for. */
	r = igp_checks_run(h, targets, n_targets,
			   n_targets   ? 0
			   : have_mode ? 1u << mode
				       : 1u << IGP_METHOD_FULL,
			   &rep);
	if (r < 0) {
		log_error_errno(r, "Failed to run the checks");
		return CHECK_EXIT_FAIL;
	}
	r = checkview_print(&rep, &topts, n_targets > 1);
	c = checkview_exit_status(&rep);
	igp_check_report_done(&rep);
	if (r < 0) {
		log_error_errno(r, "Failed to print the checks");
		return CHECK_EXIT_FAIL;
	}
	return c;
}
