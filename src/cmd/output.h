/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Table and JSON output.  Flat lists are libsmartcols tables (the same table
 * prints as text or as JSON); nested documents (iommu, show) are built with
 * json-c and printed with json_print().
 */
#ifndef IGP_OUTPUT_H
#define IGP_OUTPUT_H

#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>
#include <stdint.h>

#include "cmd.h"

/*
 * Columns are named by ids, as in util-linux's lsblk: a command has an enum
 * of its columns and a table of their specs indexed by it,
 *
 *	enum { COL_ADDRESS, COL_DRIVER, ... };
 *	static const struct colspec columns[] = {
 *		[COL_ADDRESS] = {"ADDRESS", 12, 0, SCOLS_JSON_STRING, "PCI address"}, ...
 *	};
 *
 * and sets cells by id (table_set(ln, COL_DRIVER, d->driver)), so a
 * misspelt column does not compile instead of being dropped.
 */
struct colspec {
	const char *name; /* header and JSON key (the key is lowercased) */
	double whint;
	int flags;     /* SCOLS_FL_* */
	int json_type; /* SCOLS_JSON_STRING, _NUMBER, _BOOLEAN, _ARRAY_STRING */
	const char *help;
};

/* A set of column ids: the columns shown by default, COLUMN(COL_A) | ... */
typedef uint64_t colmask_t;
#define COLUMN(id) ((colmask_t)1 << (id))

/*
 * A table whose columns are spec[] filtered by opts->output (in the order
 * given), or without -o the DEFAULTS in spec order.  json_name is the
 * top-level JSON key.  Returns NULL and prints an error on a bad column
 * name.
 */
struct libscols_table *table_new(const char *json_name, const struct colspec *spec, size_t n_spec,
				 colmask_t defaults, const struct table_opts *opts);
/* "A,B,C": the names of the columns in MASK, in spec order (for --help);
 * NULL on ENOMEM. */
char *table_column_names(const struct colspec *spec, size_t n_spec, colmask_t mask);
/* A new line that table_set() can address (use this, not
 * scols_table_new_line()). */
struct libscols_line *table_new_line(struct libscols_table *tb, struct libscols_line *parent);
/* Set a cell by column id (ignored if the column is not shown).  NULL
 * data prints as empty text and JSON null. */
int table_set(struct libscols_line *ln, int col, const char *data);
int table_setf(struct libscols_line *ln, int col, const char *fmt, ...) _printf_(3, 4);

/* Print and free; with -J the JSON is printed as json_print() prints. */
int table_print(struct libscols_table *tb);

/* Pretty-print a json-c document to stdout (2-space indent) and release it. */
void json_print(struct json_object *o);
/* json-c helpers: NULL-safe strings and "-1 means null" numbers. */
struct json_object *json_str_or_null(const char *s);
struct json_object *json_int_or_null(long v, bool valid);
/* "8086" style id */
struct json_object *json_hex4(unsigned v);
/* A NULL-terminated string list as a JSON array, [] for NULL. */
struct json_object *json_strv(char *const *v);

/* Accept the shared table options in a getopt loop. */
#define TABLE_LONGOPTS                                                                                       \
	{"output", required_argument, NULL, 'o'}, {"noheadings", no_argument, NULL, 'n'},                    \
	{                                                                                                    \
		"raw", no_argument, NULL, 'r'                                                                \
	}
#define TABLE_SHORTOPTS "o:nr"
/* Returns true when c was a table option and consumed it. */
bool table_opts_parse(struct table_opts *o, int c, const char *optarg_);
/* 0 when every column opts->output names is one of spec[]; else prints a
 * usage error and returns its exit status.  Commands call it before they
 * read anything (and also with -J, where -o may go unused). */
int table_opts_check(const struct colspec *spec, size_t n_spec, const struct table_opts *opts);

#endif
