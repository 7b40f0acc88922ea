/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdarg.h>

#include "output.h"
#include "base/strbuf.h"

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

/* A table with its options set, no columns yet. */
static struct libscols_table *table_begin(const char *json_name, const struct colspec *spec, size_t n_spec,
					  const struct table_opts *opts)
{
	struct libscols_table *tb;

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
	return tb;
}

/* Column ID of SPEC; its header cell remembers the id for table_set()
 * (libsmartcols 2.38 has no column user data). */
static void add_column(struct libscols_table *tb, const struct colspec *spec, size_t id)
{
	struct libscols_column *cl =
	    scols_table_new_column(tb, spec[id].name, spec[id].whint, spec[id].flags);

	if (!cl)
		return;
	scols_column_set_json_type(cl, spec[id].json_type);
	scols_cell_set_userdata(scols_column_get_header(cl), (void *)(uintptr_t)id);
}

/* The columns -o names, in the order given. */
static void add_output_columns(struct libscols_table *tb, const struct colspec *spec, size_t n_spec,
			       const char *output)
{
	_cleanup_strv_free_ char **v = NULL;

	strv_split(output, ",", &v);
	for (char **p = v; p && *p; p++)
		for (size_t i = 0; i < n_spec; i++)
			if (strcasecmp(spec[i].name, *p) == 0)
				add_column(tb, spec, i);
}

struct libscols_table *table_new(const char *json_name, const struct colspec *spec, size_t n_spec,
				 colmask_t defaults, const struct table_opts *opts)
{
	struct libscols_table *tb = table_begin(json_name, spec, n_spec, opts);

	if (!tb)
		return NULL;
	if (opts && opts->output)
		add_output_columns(tb, spec, n_spec, opts->output);
	else
		for (size_t i = 0; i < n_spec && i < 64; i++)
			if (defaults & COLUMN(i))
				add_column(tb, spec, i);
	return tb;
}

char *table_column_names(const struct colspec *spec, size_t n_spec, colmask_t mask)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (size_t i = 0; i < n_spec && i < 64; i++)
		if (mask & COLUMN(i))
			strbuf_word(&b, ",", spec[i].name);
	return strbuf_steal(&b);
}

struct libscols_line *table_new_line(struct libscols_table *tb, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(tb, parent);
	/* libsmartcols 2.38 cannot go from a line to its table; the line
	 * remembers its table for table_set(). */
	if (ln)
		scols_line_set_userdata(ln, tb);
	return ln;
}

/* JSON: libsmartcols prints an empty cell as null.  Text: "-". */
static const char *cell_text(const char *data)
{
	return data ? data : arg_g.json ? "" : "-";
}

int table_set(struct libscols_line *ln, int col, const char *data)
{
	struct libscols_table *tb = scols_line_get_userdata(ln);
	size_t n;

	if (!tb || col < 0)
		return -EINVAL;
	n = scols_table_get_ncols(tb);
	for (size_t i = 0; i < n; i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		if ((uintptr_t)scols_cell_get_userdata(scols_column_get_header(cl)) == (uintptr_t)col)
			return scols_line_set_data(ln, i, cell_text(data));
	}
	return 0; /* column not shown */
}

int table_setf(struct libscols_line *ln, int col, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	s = strdupvf(fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	return table_set(ln, col, s);
}

/*
 * With -J, libsmartcols writes its own JSON (three-space indents, its own
 * spacing), unlike the json-c documents of show, status or vgpu create.  So
 * that every command's -J looks the same, the table's JSON is read back with
 * json-c and printed by json_print(): the same keys in the same order, the
 * same types, one style.
 */
static int table_print_json(struct libscols_table *tb)
{
	_cleanup_free_ char *text = NULL;
	struct json_object *o;
	int r = scols_print_table_to_string(tb, &text);

	if (r < 0)
		return r;
	o = json_tokener_parse(text);
	if (!o)
		return -EINVAL;
	json_print(o);
	return 0;
}

int table_print(struct libscols_table *tb)
{
	int r = arg_g.json ? table_print_json(tb) : scols_print_table(tb);
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

struct json_object *json_strv(char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
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
