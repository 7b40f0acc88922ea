/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mdev.h's parsers: mdevctl's definition JSON (/etc/mdevctl.d/PARENT/UUID),
 * a GVT-g type's description, UUIDs and a user's type spec.  The input goes
 * to each as the C string igp_read_file() gives.
 *   - a definition that parses is written back by igp_mdev_config_format()
 *     to JSON that parses to the same definition, and that text is stable;
 *   - a GVT-g description that parses, printed the kernel's way, parses to
 *     the same numbers;
 *   - igp_mdev_uuid_normalize() and vmconf's igp_uuid_valid() agree, and a
 *     normalized UUID stays as it is;
 *   - a UUID igp_mdev_uuid_pve() takes for Proxmox VE's is qemu-server's
 *     sprintf() of the index and VMID it reads;
 *   - igp_mdev_type_match() only answers with a type the spec names.
 */
#include <strings.h>

#include "fuzz.h"
#include "vgpu/mdev.h"
#include "base/util.h"
#include "vm/vmconf.h"

static void config_roundtrip(const char *text)
{
	struct igp_mdev_config c = {0}, c2 = {0};
	_cleanup_free_ char *s = NULL, *s2 = NULL;

	if (igp_mdev_config_parse(text, &c) < 0)
		return;
	FZ_ASSERT(c.type && *c.type, "a definition without mdev_type");
	s = igp_mdev_config_format(&c);
	FZ_OOM(s);
	FZ_ASSERT(igp_mdev_config_parse(s, &c2) == 0, "the written definition does not parse: %s", s);
	FZ_ASSERT(streq(c.type, c2.type) && c.autostart == c2.autostart && c.n_attrs == c2.n_attrs,
		  "definition changed: %s", s);
	for (size_t i = 0; i < c.n_attrs; i++)
		FZ_ASSERT(streq(c.attrs[i].name, c2.attrs[i].name) &&
			      streq(c.attrs[i].value, c2.attrs[i].value),
			  "attribute %zu changed: %s", i, s);
	s2 = igp_mdev_config_format(&c2);
	FZ_ASSERT(s2 && streq(s, s2), "written twice differently: %s / %s", s, s2 ? s2 : "");
	igp_mdev_config_done(&c);
	igp_mdev_config_done(&c2);
}

static void gvtg_roundtrip(const char *text)
{
	struct igp_gvtg_desc d, d2;
	_cleanup_free_ char *s = NULL;

	if (igp_gvtg_desc_parse(text, &d) < 0)
		return;
	FZ_ASSERT(d.low_gm_mb >= 0 && d.high_gm_mb >= 0 && d.fence >= 0 && d.weight >= 0 && *d.resolution,
		  "negative or empty field");
	/* intel_vgpu_show_description() */
	s = strdupf("low_gm_size: %ldMB\nhigh_gm_size: %ldMB\nfence: %ld\nresolution: %s\nweight: %ld\n",
		    d.low_gm_mb, d.high_gm_mb, d.fence, d.resolution, d.weight);
	FZ_OOM(s);
	FZ_ASSERT(igp_gvtg_desc_parse(s, &d2) == 0 && !memcmp(&d, &d2, sizeof(d)), "description changed: %s",
		  s);
}

static void uuid_check(const char *text)
{
	char u[IGP_MDEV_UUID_MAX], u2[IGP_MDEV_UUID_MAX];
	bool ok = igp_mdev_uuid_normalize(text, u) == 0;
	unsigned index;
	unsigned long vmid;

	/* A Proxmox VE vGPU UUID is a UUID, and printed back as qemu-server
	 * prints it, the same text. */
	if (igp_mdev_uuid_pve(text, &index, &vmid) > 0) {
		_cleanup_free_ char *again = strdupf("%08u-0000-0000-0000-%012lu", index, vmid);
		FZ_OOM(again);
		FZ_ASSERT(ok && index < 16 && vmid >= 100 && streq(again, text), "\"%s\" read as %u, %lu",
			  text, index, vmid);
	}

	FZ_ASSERT(ok == igp_uuid_valid(text), "mdev and vmconf disagree on UUID \"%s\"", text);
	if (!ok)
		return;
	FZ_ASSERT(strlen(u) == 36 && !strcasecmp(u, text), "\"%s\" normalized to \"%s\"", text, u);
	FZ_ASSERT(igp_mdev_uuid_normalize(u, u2) == 0 && streq(u, u2), "normalizing \"%s\" again", u);
}

/* Types of a GVT-g parent and of another driver, as sysfs lists them. */
static struct igp_mdev_type types[] = {
    {.id = "i915-GVTg_V5_4", .name = "GVTg_V5_4", .available = 1},
    {.id = "i915-GVTg_V5_8", .name = "GVTg_V5_8", .available = 2},
    {.id = "nvidia-63", .name = "GRID P4-1Q", .available = 8},
    {.id = "mtty-2", .name = NULL, .available = 1},
};
static const struct igp_mdev_parent parent = {
    .name = "0000:00:02.0", .types = types, .n_types = ELEMENTSOF(types)};

/* SPEC is NAME or its tail after a '-' or '_' (ignoring case). */
static bool names(const char *spec, const char *name)
{
	size_t n = strlen(spec), m;

	if (!name)
		return false;
	m = strlen(name);
	if (n == m)
		return !strcasecmp(spec, name);
	return n < m && (name[m - n - 1] == '-' || name[m - n - 1] == '_') && !strcasecmp(spec, name + m - n);
}

static void type_match(const char *spec)
{
	const struct igp_mdev_type *t = NULL;
	int r = igp_mdev_type_match(&parent, spec, &t);
	size_t fits = 0;

	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		fits += names(spec, types[i].id) || names(spec, types[i].name);
	if (r == 0)
		FZ_ASSERT(t && (names(spec, t->id) || names(spec, t->name)), "\"%s\" matched %s", spec,
			  t ? t->id : "nothing");
	else
		FZ_ASSERT((r == -ENOENT && fits == 0) || (r == -ENOTUNIQ && fits > 1),
			  "\"%s\": %d with %zu types fitting", spec, r, fits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	_cleanup_free_ char *line = strndup(text, strcspn(text, "\n"));

	FZ_OOM(line);
	config_roundtrip(text);
	gvtg_roundtrip(text);
	uuid_check(line);
	type_match(line);
	return 0;
}
