/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Proxmox VE reader (src/lib/vm/pveconf.c) on one input read as a VM
 * config, a CT config and a pci.cfg:
 *   - every line is a section header, a "key: value" line, or ignored, and
 *     the parsed sections and keys are exactly those lines, in order (the
 *     editor in proxmox.c relies on the same line grammar);
 *   - igp_pve_conf_get() answers with the last line of a key in the current
 *     configuration, never with a line of a section;
 *   - hostpci values parse into exactly one of host ids or mapping, and every
 *     host id that parses names a PCI address;
 *   - a CT line passes at most one device node, under /dev and without "..";
 *   - pci.cfg: names are unique, every map entry has node= and path=.
 */
#include "base/util.h"
#include "fuzz.h"
#include "vm/pveconf.h"

static void check_conf(const char *text, bool ct)
{
	_cleanup_strv_free_ char **lines = fz_lines(text);
	struct igp_pve_conf c;
	size_t sec = 0, kv = 0;
	int r;

	FZ_OOM(lines);
	r = igp_pve_conf_parse(text, ct, &c);
	FZ_OOM(r == 0);
	FZ_ASSERT(c.n_sections >= 1 && !c.sections[0].name, "no current configuration");
	for (size_t i = 0; lines[i]; i++) {
		char key[128], name[128];
		const char *v;
		const struct igp_pve_section *s = &c.sections[sec];

		if (igp_pve_line_section(lines[i], name, sizeof(name))) {
			FZ_ASSERT(kv == s->n_kv, "section %zu: %zu of %zu keys seen", sec, kv, s->n_kv);
			sec++;
			kv = 0;
			FZ_ASSERT(sec < c.n_sections && streq(c.sections[sec].name, name),
				  "section [%s] missing", name);
			continue;
		}
		if (!(v = igp_pve_line_kv(lines[i], ct, key, sizeof(key))))
			continue;
		FZ_ASSERT(kv < s->n_kv && streq(s->kv[kv].key, key), "key %s of line [%s] missing", key,
			  lines[i]);
		FZ_ASSERT(startswith(v, s->kv[kv].value), "value [%s] is no prefix of [%s]", s->kv[kv].value,
			  v);
		FZ_ASSERT(*v != ' ' && *v != '\t', "value [%s] starts with a blank", v);
		kv++;
	}
	FZ_ASSERT(sec + 1 == c.n_sections && kv == c.sections[sec].n_kv, "sections or keys left over");

	for (size_t i = 0; i < c.sections[0].n_kv; i++) {
		const struct igp_pve_kv *e = &c.sections[0].kv[i];
		const char *got = igp_pve_conf_get(&c, e->key);
		size_t last = i;
		struct igp_pve_hostpci h;
		_cleanup_free_ char *node = NULL;

		for (size_t k = i + 1; k < c.sections[0].n_kv; k++)
			if (streq(c.sections[0].kv[k].key, e->key))
				last = k;
		FZ_ASSERT(got == c.sections[0].kv[last].value, "get(%s) is not its last line", e->key);
		if (!ct && igp_pve_hostpci_parse(e->value, &h) == 0) {
			FZ_ASSERT(!h.hosts != !h.mapping, "hostpci [%s]: host ids and mapping", e->value);
			for (size_t k = 0; h.hosts && h.hosts[k]; k++) {
				struct igp_pci_addr a;
				char buf[IGP_PCI_ADDR_MAX];
				bool slot;
				if (igp_pve_pci_id_parse(h.hosts[k], &a, &slot) == 0)
					FZ_ASSERT(igp_pci_addr_format(&a, buf) && strlen(buf) >= 12,
						  "id [%s]", h.hosts[k]);
			}
			igp_pve_hostpci_done(&h);
		}
		r = igp_pve_ct_device(e->key, e->value, &node);
		FZ_OOM(r != -ENOMEM);
		FZ_ASSERT(r == 0 || (r == 1 && startswith(node, "/dev/") && !strstr(node, "/../")),
			  "%s: [%s] passes [%s]", e->key, e->value, r == 1 ? node : "");
	}
	igp_pve_conf_done(&c);
}

static void check_mappings(const char *text)
{
	struct igp_pve_mappings m;

	FZ_OOM(igp_pve_mappings_parse(text, &m) == 0);
	for (size_t i = 0; i < m.n; i++) {
		FZ_ASSERT(*m.v[i].name && m.v[i].name[0] != '#' && !strpbrk(m.v[i].name, " \t"),
			  "mapping name [%s]", m.v[i].name);
		FZ_ASSERT(igp_pve_mapping_find(&m, m.v[i].name) == &m.v[i], "mapping %s twice", m.v[i].name);
		for (size_t k = 0; k < m.v[i].n_maps; k++)
			FZ_ASSERT(m.v[i].maps[k].node && *m.v[i].maps[k].node && m.v[i].maps[k].path &&
				      *m.v[i].maps[k].path,
				  "map entry %zu of %s", k, m.v[i].name);
	}
	igp_pve_mappings_done(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);

	FZ_OOM(text);
	check_conf(text, false);
	check_conf(text, true);
	check_mappings(text);
	return 0;
}
