/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox VE's cluster PCI mapping, /etc/pve/mapping/pci.cfg
 * (igp_pve_mapping_plan()), read as a C string.  For new and existing
 * mappings (the first section of the input is extended too):
 *   - a refusal is -EEXIST (this node is mapped to another device) with
 *     its reason;
 *   - an edit only adds lines, corrects this node's map entries and sets
 *     the "mdev" line: every other line stays, in order;
 *   - the result maps this node in that section (map node=NODE,path=...),
 *     with "mdev 1" exactly when the device offers vGPUs;
 *   - planning it again changes nothing.
 */
#include <ctype.h>

#include "../lib/vm-devices.h"
#include "fuzz.h"
#include "vm/proxmox.h"
#include "vm/pveconf.h"
#include "base/util.h"

static bool is_mdev_prop(const char *line)
{
	line += strspn(line, " \t");
	return startswith(line, "mdev") && (line[4] == ' ' || line[4] == '\t');
}

/* A map entry of NODE, which the plan may correct. */
static bool is_node_map(const char *line, const char *node)
{
	_cleanup_free_ char *v = NULL, *n = NULL;
	int r;

	line += strspn(line, " \t");
	if (!startswith(line, "map") || !isblank((unsigned char)line[3]))
		return false;
	FZ_OOM(v = strdup(line + 3 + strspn(line + 3, " \t")));
	r = igp_pve_prop_get(strstrip_trailing(v), "node", NULL, &n);
	FZ_ASSERT(r != -ENOMEM, "out of memory");
	return r >= 0 && streq(n, node);
}

/* The section NAME (its ID alone on a line; the first, should the file
 * define it twice) maps NODE, and has "mdev 1".  Comment lines do not end a
 * section, blank lines do (PVE::SectionConfig). */
static void check_mapped(char *const *l, const char *name, const char *node, bool mdev, const char *text)
{
	bool in = false, seen = false, mapped = false, mdev1 = false;

	for (size_t i = 0; l[i]; i++) {
		const char *s = l[i] + strspn(l[i], " \t");
		if (*s == '#')
			continue;
		if (!isspace((unsigned char)l[i][0]) && l[i][0]) {
			size_t n = strcspn(l[i], " \t");
			in = !seen && n == strlen(name) && !strncmp(l[i], name, n) &&
			     !l[i][n + strspn(l[i] + n, " \t")];
			seen |= in;
			continue;
		}
		if (!l[i][0])
			in = false;
		if (!in)
			continue;
		if (is_node_map(s, node))
			mapped = true;
		if (is_mdev_prop(s)) {
			_cleanup_free_ char *v = strdup(s + 4 + strspn(s + 4, " \t"));
			FZ_OOM(v);
			mdev1 = igp_pve_boolean(strstrip_trailing(v)) == 1;
		}
	}
	FZ_ASSERT(mapped, "%s not mapped on %s in \"%s\"", name, node, text);
	FZ_ASSERT(mdev == mdev1, "%s has mdev %d, not %d, in \"%s\"", name, mdev1, mdev, text);
}

static void one(const char *text, const char *name, const char *node, const struct igp_vm_device *d,
		bool mdev)
{
	_cleanup_free_ char *next = NULL, *again = NULL, *why = NULL, *why2 = NULL;
	_cleanup_strv_free_ char **a = NULL, **b = NULL;
	size_t j = 0;
	int r;

	r = igp_pve_mapping_plan(text, name, node, d, mdev, &next, &why);
	if (r < 0) {
		FZ_ASSERT(r == -EEXIST && why && *why, "mapping %s: %d", name, r);
		return;
	}
	FZ_ASSERT(r == 0, "mapping %s: %d", name, r);
	if (!next) {
		/* Nothing to do: it is mapped already. */
		b = fz_lines(text);
		check_mapped(b, name, node, mdev, text);
		return;
	}
	a = fz_lines(text);
	b = fz_lines(next);
	for (size_t i = 0; a[i]; i++) {
		if (is_mdev_prop(a[i]) || is_node_map(a[i], node))
			continue;
		while (b[j] && !streq(b[j], a[i]))
			j++;
		FZ_ASSERT(b[j], "line [%s] lost: \"%s\" -> \"%s\"", a[i], text, next);
		j++;
	}
	check_mapped(b, name, node, mdev, next);
	r = igp_pve_mapping_plan(next, name, node, d, mdev, &again, &why2);
	FZ_ASSERT(r == 0 && !again, "mapping %s again: %d, \"%s\" -> \"%s\"", name, r, next,
		  again ? again : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size), *first = NULL;

	/* The first section of the file, as a mapping to extend. */
	for (const char *p = text; *p && !first;) {
		size_t n = strcspn(p, "\n"), w = strcspn(p, " \t\n");
		if (w && !isspace((unsigned char)*p) && *p != '#') {
			FZ_OOM(first = strndup(p, w));
			if (!igp_pve_id_valid(first)) {
				free(first);
				first = NULL;
			}
		}
		p += n + (p[n] == '\n');
	}
	one(text, "gpu", "pve1", &vmdev_dgpu, false);
	one(text, "igpu", "pve2", &vmdev_igd, true);
	if (first) {
		one(text, first, "pve1", &vmdev_dgpu, false);
		one(text, first, "pve3", &vmdev_igd, true);
	}
	return 0;
}
