/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scratch root directory for unit tests of code that goes through the
 * root-aware path context (paths.h).  Include after cmocka.h. */
#ifndef IGP_TEST_TMPROOT_H
#define IGP_TEST_TMPROOT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/paths.h"
#include "base/util.h"

/* mkdtemp(ROOT) (a "...XXXXXX" template), make the NULL-terminated list of
 * directories (relative to it) and make it the root. */
static inline void tmproot_setup(char *root, ...)
{
	const char *d;
	va_list ap;

	assert_non_null(mkdtemp(root));
	va_start(ap, root);
	while ((d = va_arg(ap, const char *))) {
		char *cmd = strdupf("mkdir -p %s/%s", root, d);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	va_end(ap);
	assert_int_equal(igp_root_set(root), 0);
}

/* Write TEXT to PATH (absolute, inside ROOT), making its directories. */
static inline void tmproot_put(const char *root, const char *path, const char *text)
{
	char *full = strdupf("%s%s", root, path), *cmd = strdupf("mkdir -p \"$(dirname %s)\"", full);
	FILE *f;

	assert_int_equal(system(cmd), 0);
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(cmd);
	free(full);
}

/* Back to the real root, and ROOT removed. */
static inline void tmproot_teardown(const char *root)
{
	char *cmd = strdupf("rm -rf %s", root);
	igp_root_set(NULL);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

#endif
