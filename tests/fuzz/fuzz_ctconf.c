/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container configurations as `igpuctl ct` edits them (igp_ct_edit_conf()),
 * a Proxmox VE CT configuration or an LXC one, read as a C string, and the
 * group file and storage.cfg readers on the same bytes.  For devN, the
 * Proxmox VE pair and the LXC pair:
 *   - the edit succeeds, or refuses with -ENOSPC when dev0 ... dev255 are taken;
 *   - it only inserts lines, or replaces the one devN line that gives the
 *     node: every other line stays, in order, and from the first section
 *     header on ([pve:pending], snapshots) the text is byte for byte the old;
 *   - the current configuration of the result gives the node (a devN or
 *     lxc.mount.entry line that names it, as the host model reads it);
 *   - editing the result again changes nothing.
 * The group reader finds a group only with a 32-bit gid; a storage volume's
 * directory never climbs out with "..".
 */
#include "base/groupfile.h"
#include "base/util.h"
#include "ct/ctplan.h"
#include "fuzz.h"
#include "vm/pveconf.h"

static const struct igp_render_node rn = {.node = "/dev/dri/renderD129",
					  .by_path = "/dev/dri/by-path/pci-0000:00:02.2-render",
					  .major = 226,
					  .minor = 129};

/* The text from the first line that starts a section on (Proxmox VE). */
static const char *sections(const char *text)
{
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		_cleanup_free_ char *line = NULL;
		FZ_OOM(line = strndup(l, nl ? (size_t)(nl - l) : strlen(l)));
		if (igp_pve_line_section(strstrip_trailing(line), NULL, 0))
			return l;
		if (!nl)
			break;
		l = nl + 1;
	}
	return "";
}

/* OLD's lines are NEW's, in order, but for inserted ones and at most one replaced. */
static void check_only_added(const char *old, const char *new, bool replaced)
{
	_cleanup_strv_free_ char **o = fz_lines(old), **n = fz_lines(new);
	size_t k = 0, skipped = 0;

	/* The replaced line is where its successor follows (or both end). */
	for (size_t i = 0; n[i]; i++)
		if (o[k] && streq(o[k], n[i]))
			k++;
		else if (replaced && o[k] && !skipped && streq_ptr(o[k + 1], n[i + 1]))
			k++, skipped++;
	FZ_ASSERT(!o[k], "the edit lost the line '%s' of:\n%s\n--- result:\n%s", o[k], old, new);
}

/* The current configuration of TEXT gives the node: a devN or
 * lxc.mount.entry line (an LXC configuration has only lxc.* keys, and no
 * sections). */
static void check_gives(const char *text, bool pve)
{
	struct igp_pve_conf c;
	bool found = false;

	FZ_ASSERT(igp_pve_conf_parse(text, true, &c) == 0, "out of memory");
	for (size_t s = 0; s < c.n_sections && (s == 0 || !pve); s++)
		for (size_t i = 0; i < c.sections[s].n_kv; i++) {
			_cleanup_free_ char *node = NULL;
			const struct igp_pve_kv *kv = &c.sections[s].kv[i];
			int r = pve || startswith(kv->key, "lxc.")
				    ? igp_pve_ct_device(kv->key, kv->value, &node)
				    : 0;
			FZ_ASSERT(r >= 0, "out of memory");
			found |= r > 0 && (streq(node, rn.node) || streq(node, rn.by_path)) &&
				 (startswith(kv->key, "dev") || streq(kv->key, "lxc.mount.entry"));
		}
	igp_pve_conf_done(&c);
	FZ_ASSERT(found, "the result does not give the node:\n%s", text);
}

static void one(const char *text, enum igp_ct_target t, bool pve_dev)
{
	struct igp_ct_request rq = {
	    .target = t, .address = "0000:00:02.2", .rn = &rn, .gid = 993, .pve_dev = pve_dev};
	struct igp_ct_edit e, again;
	_cleanup_free_ char *why = NULL, *why2 = NULL;
	int r = igp_ct_edit_conf(text, &rq, &e, &why);

	if (r == -ENOSPC) {
		FZ_ASSERT(why && strstr(why, "dev255"), "no reason for -ENOSPC");
		return;
	}
	FZ_ASSERT(r == 0, "edit failed: %d", r);
	FZ_ASSERT(e.changed == !streq(e.new_text, text), "changed says %d", e.changed);
	check_only_added(text, e.new_text, e.key && e.present);
	if (t == IGP_CT_PROXMOX)
		FZ_ASSERT(streq(sections(text), sections(e.new_text)),
			  "a section changed:\n%s\n--- result:\n%s", text, e.new_text);
	check_gives(e.new_text, t == IGP_CT_PROXMOX);
	FZ_ASSERT(igp_ct_edit_conf(e.new_text, &rq, &again, &why2) == 0, "the second edit failed");
	FZ_ASSERT(!again.changed, "not idempotent:\n%s\n--- then:\n%s", e.new_text, again.new_text);
	igp_ct_edit_done(&again);
	igp_ct_edit_done(&e);
}

static void readers(const char *text)
{
	struct igp_group g;
	struct igp_pve_storage s;
	_cleanup_free_ char *name = NULL, *dir = NULL;

	if (igp_group_find(text, "render", &g) == 0) {
		FZ_ASSERT(g.gid <= 0xffffffffUL, "gid %lu", g.gid);
		igp_group_done(&g);
	}
	(void)igp_group_name(text, 0, &name);
	if (igp_pve_storage_find(text, "local", &s) == 0) {
		if (igp_pve_volume_dir(&s, "300/subvol-300-disk-0.subvol", &dir) == 0)
			FZ_ASSERT(!strstr(dir + strlen(s.path ? s.path : ""), ".."), "%s", dir);
		igp_pve_storage_done(&s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = NULL;

	if (fz_has_nul(data, size))
		return 0;
	FZ_OOM(text = fz_cstring(data, size));
	one(text, IGP_CT_PROXMOX, true);
	one(text, IGP_CT_PROXMOX, false);
	one(text, IGP_CT_LXC, false);
	readers(text);
	return 0;
}
