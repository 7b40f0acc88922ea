/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Enum <-> string tables, after libvirt's VIR_ENUM_DECL and VIR_ENUM_IMPL
 * (src/util/virenum.h): one table of names per enum, and the name and
 * lookup functions made from it, so that the two can never disagree.
 *
 * In the header:
 *	IGP_ENUM_DECL(igp_method, enum igp_method);
 * in one .c file:
 *	IGP_ENUM_IMPL(igp_method, enum igp_method, _IGP_METHOD_MAX,
 *		      [IGP_METHOD_FULL] = "full", [IGP_METHOD_GVTG] = "gvt-g", ...);
 * which define
 *	const char *igp_method_name(enum igp_method v);	 NULL out of range
 *	int igp_method_from_name(const char *s);	 the value, or -EINVAL
 *
 * COUNT is the number of values (the enum's _MAX, or its last value + 1):
 * a table that names fewer or more does not compile.  Designated
 * initializers keep each name next to its value.
 */
#ifndef IGP_ENUMSTR_H
#define IGP_ENUMSTR_H

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* The index of S in NAMES[N] (NULL entries never match), or -EINVAL. */
static inline int igp_enum_lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

#define IGP_ENUM_DECL(prefix, type)                                                                          \
	const char *prefix##_name(type v);                                                                   \
	int prefix##_from_name(const char *s)

#define IGP_ENUM_IMPL(prefix, type, count, ...)                                                              \
	static const char *const prefix##_names[] = {__VA_ARGS__};                                           \
	const char *prefix##_name(type v)                                                                    \
	{                                                                                                    \
		size_t i = (size_t)v;                                                                        \
		return i < (size_t)(count) ? prefix##_names[i] : NULL;                                       \
	}                                                                                                    \
	int prefix##_from_name(const char *s)                                                                \
	{                                                                                                    \
		return igp_enum_lookup(prefix##_names, (size_t)(count), s);                                  \
	}                                                                                                    \
	_Static_assert(sizeof(prefix##_names) / sizeof(prefix##_names[0]) == (size_t)(count),                \
		       #prefix ": the table does not name every value")

#endif
