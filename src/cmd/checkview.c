/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <sys/ioctl.h>

#include "checkview.h"
#include "output.h"

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

char *checkview_default_columns(void)
{
	return table_column_names(columns, ELEMENTSOF(columns), default_columns);
}

void checkview_columns_help(void)
{
	for (size_t i = 0; i < ELEMENTSOF(columns); i++)
		printf("  %-10s %s\n", columns[i].name, columns[i].help);
}

int checkview_opts_check(const struct table_opts *t)
{
	int r = table_opts_check(columns, ELEMENTSOF(columns), t);

	if (r)
		return r == EXIT_USAGE ? EXIT_USAGE : CHECK_EXIT_FAIL;
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

int checkview_print(const struct igp_check_report *rep, const struct table_opts *t, bool multi)
{
	return arg_g.json ? print_json(rep) : print_table(rep, t, multi);
}

int checkview_exit_status(const struct igp_check_report *rep)
{
	switch (igp_check_report_worst(rep)) {
	case IGP_CHECK_FAIL:
		return CHECK_EXIT_FAIL;
	case IGP_CHECK_WARN:
		return CHECK_EXIT_WARN;
	default:
		return CHECK_EXIT_PASS;
	}
}
