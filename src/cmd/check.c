/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl check: the preflight doctor.  One row per check (checks.h) with
 * the status, what was found and the remedy.  Exit status: 0 all pass,
 * 1 warnings only, 2 a failure (also for usage errors and when the host
 * cannot be read, as the contract gives check no other codes).
 */
#include <getopt.h>
#include <sys/ioctl.h>

#include "checks/checks.h"
#include "cmd.h"
#include "model/methods.h"
#include "output.h"

enum {
	CHECK_EXIT_PASS = 0,
	CHECK_EXIT_WARN = 1,
	CHECK_EXIT_FAIL = 2,
};

enum {
	COL_STATUS,
	COL_ID,
	COL_DEVICE,
	COL_MESSAGE,
	COL_REMEDY,
};

static const struct colspec columns[] = {
    [COL_STATUS] = {"STATUS", 4, 0, SCOLS_JSON_STRING, "pass, warn, fail or skip"},
    [COL_ID] = {"ID", 25, 0, SCOLS_JSON_STRING, "the check's stable id"},
    [COL_DEVICE] = {"DEVICE", 12, 0, SCOLS_JSON_STRING, "the GPU a device check is about"},
    [COL_MESSAGE] = {"MESSAGE", 0.4, SCOLS_FL_WRAP, SCOLS_JSON_STRING, "what was found"},
    [COL_REMEDY] = {"REMEDY", 0.4, SCOLS_FL_WRAP, SCOLS_JSON_STRING, "what to do about it"},
};
/* DEVICE too when more than one GPU is checked. */
static const colmask_t default_columns =
    COLUMN(COL_STATUS) | COLUMN(COL_ID) | COLUMN(COL_MESSAGE) | COLUMN(COL_REMEDY);

static int help(void)
{
	_cleanup_free_ char *defaults = table_column_names(columns, ELEMENTSOF(columns), default_columns);

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
	       "2 a check failed (or the checks could not run).\n\nColumns:\n",
	       defaults);
	for (size_t i = 0; i < ELEMENTSOF(columns); i++)
		printf("  %-10s %s\n", columns[i].name, columns[i].help);
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

static int print_json(const struct igp_check_report *rep)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

	for (size_t i = 0; i < rep->n_checks; i++) {
		const struct igp_check *k = &rep->checks[i];
		struct json_object *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_string(k->id));
		json_object_object_add(x, "status", json_object_new_string(igp_check_status_name(k->status)));
		json_object_object_add(x, "message", json_str_or_null(k->message));
		json_object_object_add(x, "remedy", json_str_or_null(k->remedy));
		json_object_object_add(x, "device", json_str_or_null(k->device));
		json_object_array_add(arr, x);
	}
	json_object_object_add(o, "checks", arr);
	json_print(o);
	return 0;
}

/*
 * Word wrapping for MESSAGE and REMEDY on a terminal (libsmartcols itself
 * wraps at any character).  Each of the two gets at most an equal share of
 * what the terminal leaves after STATUS and ID, so neither starves the
 * other; a chunk is as many words as fit the column's width.  Off a
 * terminal every cell stays on one line, so output can be grepped.
 */
struct wrap_info {
	bool tty;
	size_t share; /* columns each wrapped cell may ask for */
};

static size_t wrap_chunksize(const struct libscols_column *cl, const char *data, void *userdata)
{
	const struct wrap_info *wi = userdata;
	size_t n = data ? strlen(data) : 0;

	return !wi->tty || n < wi->share ? n : wi->share;
}

static char *wrap_nextchunk(const struct libscols_column *cl, char *data, void *userdata)
{
	const struct wrap_info *wi = userdata;
	size_t w = scols_column_get_width(cl);
	char *p;

	if (!data || !wi->tty || w == 0 || strlen(data) <= w)
		return NULL;
	for (p = data + w; p > data && *p != ' '; p--)
		;
	if (p == data) {
		/* One word wider than the column (a long path): libsmartcols
		 * breaks it at the width. */
		p = strchr(data + w, ' ');
		if (!p)
			return NULL;
	}
	*p = '\0';
	return p + 1;
}

static int print_table(const struct igp_check_report *rep, const struct table_opts *topts, bool multi)
{
	struct libscols_table *tb = table_new("checks", columns, ELEMENTSOF(columns),
					      default_columns | (multi ? COLUMN(COL_DEVICE) : 0), topts);
	static struct wrap_info wi;
	unsigned count[4] = {}, n_wrap = 0;
	struct winsize ws;
	size_t fixed = 0;

	if (!tb)
		return -EINVAL;
	wi.tty = isatty(STDOUT_FILENO) && !topts->raw;
	for (size_t i = 0; i < scols_table_get_ncols(tb); i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		if (scols_column_is_wrap(cl))
			n_wrap++;
		else /* STATUS 4, ID 25, DEVICE 12, plus a separating blank */
			fixed += (size_t)scols_column_get_whint(cl) + 1;
	}
	wi.share = 40;
	if (wi.tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > fixed + 20 && n_wrap)
		wi.share = (ws.ws_col - fixed) / n_wrap - 1;
	for (size_t i = 0; i < scols_table_get_ncols(tb); i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		if (scols_column_is_wrap(cl))
			scols_column_set_wrapfunc(cl, wrap_chunksize, wrap_nextchunk, &wi);
	}
	for (size_t i = 0; i < rep->n_checks; i++) {
		const struct igp_check *k = &rep->checks[i];
		struct libscols_line *ln = table_new_line(tb, NULL);
		if (!ln) {
			scols_unref_table(tb);
			return -ENOMEM;
		}
		table_set(ln, COL_STATUS, igp_check_status_name(k->status));
		table_set(ln, COL_ID, k->id);
		table_set(ln, COL_DEVICE, k->device);
		table_set(ln, COL_MESSAGE, k->message);
		table_set(ln, COL_REMEDY, k->remedy);
		count[k->status]++;
	}
	table_print(tb);
	if (!topts->raw && !topts->noheadings)
		printf("\n%u passed, %u warnings, %u failed, %u skipped.\n", count[IGP_CHECK_PASS],
		       count[IGP_CHECK_WARN], count[IGP_CHECK_FAIL], count[IGP_CHECK_SKIP]);
	return 0;
}

int cmd_check(int argc, char *argv[])
{
	static const struct option opts[] = {
	    {"mode", required_argument, NULL, 'm'},
	    {"list", no_argument, NULL, 'l'},
	    TABLE_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	struct table_opts topts = {};
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ struct igp_check_target *targets = NULL;
	struct igp_check_report rep;
	const char *addr = NULL;
	enum igp_method mode;
	bool have_mode = false;
	size_t n_targets = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, ":m:l" TABLE_SHORTOPTS "h", opts, NULL)) >= 0) {
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
				return log_usage_option("check", c, argc, argv, opts);
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
	r = table_opts_check(columns, ELEMENTSOF(columns), &topts);
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
	if (arg_g.json)
		r = print_json(&rep);
	else
		r = print_table(&rep, &topts, n_targets > 1);
	switch (igp_check_report_worst(&rep)) {
	case IGP_CHECK_FAIL:
		c = CHECK_EXIT_FAIL;
		break;
	case IGP_CHECK_WARN:
		c = CHECK_EXIT_WARN;
		break;
	default:
		c = CHECK_EXIT_PASS;
		break;
	}
	igp_check_report_done(&rep);
	if (r < 0) {
		log_error_errno(r, "Failed to print the checks");
		return CHECK_EXIT_FAIL;
	}
	return c;
}
