/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU probe reader (src/lib/model/qemucaps.c), which reads captured
 * probes of --root trees and the cache:
 *   - a probe that parses has a version made of digits and dots, and
 *     properties sorted by name, each a name without blanks or '=';
 *   - every property it lists answers has_prop() with 1;
 *   - written back with igp_qemu_probe_format(), it reads back the same:
 *     version, properties with their types and defaults, machines.
 */
#include "base/util.h"
#include "fuzz.h"
#include "model/qemucaps.h"

static void same(const struct igp_qemu_caps *a, const struct igp_qemu_caps *b)
{
	FZ_ASSERT(streq(a->version, b->version), "version [%s] became [%s]", a->version, b->version);
	for (int d = 0; d < _IGP_QEMU_DRIVER_MAX; d++) {
		FZ_ASSERT(a->n_props[d] == b->n_props[d], "%zu properties became %zu", a->n_props[d],
			  b->n_props[d]);
		for (size_t i = 0; i < a->n_props[d]; i++) {
			const struct igp_qemu_prop *x = &a->props[d][i], *y = &b->props[d][i];
			FZ_ASSERT(streq(x->name, y->name) && streq(x->type, y->type) &&
				      streq_ptr(x->def, y->def),
				  "property [%s] changed", x->name);
		}
	}
	FZ_ASSERT(strv_length(a->machines) == strv_length(b->machines), "machines changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size), *out = NULL;
	struct igp_qemu_caps c, again;
	int r;

	FZ_OOM(text);
	r = igp_qemu_probe_parse(text, &c);
	FZ_OOM(r != -ENOMEM);
	if (r < 0)
		return 0;
	FZ_ASSERT(c.probed && c.version && *c.version &&
		      strspn(c.version, "0123456789.") == strlen(c.version),
		  "version [%s]", c.version ? c.version : "(null)");
	for (int d = 0; d < _IGP_QEMU_DRIVER_MAX; d++)
		for (size_t i = 0; i < c.n_props[d]; i++) {
			const char *n = c.props[d][i].name;
			FZ_ASSERT(*n && !strpbrk(n, " \t=\n"), "property name [%s]", n);
			FZ_ASSERT(i == 0 || strcmp(c.props[d][i - 1].name, n) <= 0,
				  "properties unsorted at [%s]", n);
			FZ_ASSERT(igp_qemu_has_prop(&c, (enum igp_qemu_driver)d, n) == 1, "has_prop(%s)", n);
		}
	r = igp_qemu_probe_format(&c, &out);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0, "format failed: %d", r);
	r = igp_qemu_probe_parse(out, &again);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0, "its own output does not parse: %d", r);
	same(&c, &again);
	igp_qemu_caps_done(&again);
	igp_qemu_caps_done(&c);
	return 0;
}
