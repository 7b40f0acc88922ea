/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scratch root directory for unit tests of code that goes through the
 * root-aware path context (paths.h).  Include after cmocka.h. */
#ifndef IGP_TEST_TMPROOT_H
#define IGP_TEST_TMPROOT_H

#include <stdarg.h>
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

/* Back to the real root, and ROOT removed. */
static inline void tmproot_teardown(const char *root)
{
	char *cmd = strdupf("rm -rf %s", root);
	igp_root_set(NULL);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

#endif
