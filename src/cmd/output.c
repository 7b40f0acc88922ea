/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdarg.h>

#include "output.h"

static bool col_wanted(const char *list, const char *name)
{
	_cleanup_strv_free_ char **v = NULL;
	if (strv_split(list, ",", &v) < 0)
		return false;
	for (char **p = v; *p; p++)
		if (strcasecmp(*p, name) == 0)
			return true;
	return false;
}

int table_opts_check(const struct colspec *spec, size_t n_spec, const struct table_opts *opts)
{
	_cleanup_strv_free_ char **v = NULL;

	if (!opts || !opts->output)
		return 0;
	if (strv_split(opts->output, ",", &v) < 0)
		return log_error_errno(-ENOMEM, "Failed to parse the column list");
	/* "" and "," would print a table without columns. */
	if (!v[0])
		return log_usage(NULL, "-o needs column names, not '%s'", opts->output);
	for (char **p = v; *p; p++) {
		bool ok = false;
		for (size_t i = 0; i < n_spec; i++)
			ok |= strcasecmp(spec[i].name, *p) == 0;
		if (!ok)
			return log_usage(NULL, "unknown column '%s'", *p);
	}
	return 0;
}

struct libscols_table *table_new(const char *json_name, const struct colspec *spec, size_t n_spec,
				 const char *default_cols, const struct table_opts *opts)
{
	struct libscols_table *tb;
	const char *list = opts && opts->output ? opts->output : default_cols;

	/* Every requested column must exist. */
	if (table_opts_check(spec, n_spec, opts) != 0)
		return NULL;
	tb = scols_new_table();
	if (!tb)
		return NULL;
	scols_table_set_name(tb, json_name);
	if (arg_g.json)
		scols_table_enable_json(tb, 1);
	if (opts && opts->noheadings)
		scols_table_enable_noheadings(tb, 1);
	if (opts && opts->raw)
		scols_table_enable_raw(tb, 1);

	if (opts && opts->output) {
		/* In the order the user gave. */
		_cleanup_strv_free_ char **v = NULL;
		strv_split(opts->output, ",", &v);
		for (char **p = v; p && *p; p++)
			for (size_t i = 0; i < n_spec; i++)
				if (strcasecmp(spec[i].name, *p) == 0) {
					struct libscols_column *cl = scols_table_new_column(
					    tb, spec[i].name, spec[i].whint, spec[i].flags);
					if (cl)
						scols_column_set_json_type(cl, spec[i].json_type);
				}
	} else {
		for (size_t i = 0; i < n_spec; i++) {
			struct libscols_column *cl;
			if (!col_wanted(list, spec[i].name))
				continue;
			cl = scols_table_new_column(tb, spec[i].name, spec[i].whint, spec[i].flags);
			if (cl)
				scols_column_set_json_type(cl, spec[i].json_type);
		}
	}
	return tb;
}

struct libscols_line *table_new_line(struct libscols_table *tb, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(tb, parent);
	/* libsmartcols 2.38 cannot go from a line to its table or a column
	 * name to its index; the line remembers its table for table_set(). */
	if (ln)
		scols_line_set_userdata(ln, tb);
	return ln;
}

int table_set(struct libscols_line *ln, const char *col, const char *data)
{
	struct libscols_table *tb = scols_line_get_userdata(ln);
	size_t n;

	if (!tb)
		return -EINVAL;
	/* JSON: libsmartcols prints an empty cell as null.  Text: "-". */
	if (!data)
		data = arg_g.json ? "" : "-";
	n = scols_table_get_ncols(tb);
	for (size_t i = 0; i < n; i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		const char *name = scols_cell_get_data(scols_column_get_header(cl));
		if (name && streq(name, col))
			return scols_line_set_data(ln, i, data);
	}
	return 0; /* column not shown */
}

int table_setf(struct libscols_line *ln, const char *col, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	s = strdupvf(fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	r = table_set(ln, col, s);
	free(s);
	return r;
}

int table_print(struct libscols_table *tb)
{
	int r = scols_print_table(tb);
	scols_unref_table(tb);
	return r;
}

void json_print(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

struct json_object *json_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

struct json_object *json_int_or_null(long v, bool valid)
{
	return valid ? json_object_new_int64(v) : NULL;
}

struct json_object *json_hex4(unsigned v)
{
	char buf[8];
	snprintf(buf, sizeof(buf), "%04x", v & 0xffff);
	return json_object_new_string(buf);
}

bool table_opts_parse(struct table_opts *o, int c, const char *optarg_)
{
	switch (c) {
	case 'o':
		o->output = optarg_;
		return true;
	case 'n':
		o->noheadings = true;
		return true;
	case 'r':
		o->raw = true;
		return true;
	}
	return false;
}
