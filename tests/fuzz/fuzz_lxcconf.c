/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LXC configuration reader (src/lib/ct/lxcconf.c) on one input read as
 * an LXC container's config and as a Proxmox VE CT config:
 *   - the settings are exactly the lines (split at '\n' and '\r', as liblxc
 *     splits them) that the line grammar accepts, in order, with their line
 *     numbers; each key is "lxc." and key characters, each value the
 *     grammar's value without its blanks and one pair of quotes;
 *   - igp_lxc_conf_get() answers with the last line of a key, NULL when
 *     that one is empty;
 *   - a root file system directory is an absolute path written in
 *     lxc.rootfs.path;
 *   - an id map that parses prints and parses back as itself; a gid maps
 *     through the first map in force that holds it, a privileged
 *     container's to itself, and a mapped gid lies in a map's host range;
 *   - the Proxmox VE mapping agrees for the CT's raw lxc.idmap lines;
 *   - a line passes at most one device node, under /dev.
 */
#include <ctype.h>

#include "base/util.h"
#include "ct/lxcconf.h"
#include "fuzz.h"
#include "vm/pveconf.h"

static bool key_ok(const char *k)
{
	if (!startswith(k, "lxc.") || !k[4])
		return false;
	for (const char *p = k + 4; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return true;
}

/* What the reader should keep of the grammar's value RAW. */
static char *expected_value(const char *raw)
{
	size_t n = strlen(raw);

	while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t'))
		n--;
	if (n > 1 && (raw[0] == '"' || raw[0] == '\'') && raw[n - 1] == raw[0])
		return strndup(raw + 1, n - 2);
	return strndup(raw, n);
}

static void check_lines(const char *text, const struct igp_lxc_conf *c)
{
	_cleanup_strv_free_ char **lines = fz_lines(text);
	size_t k = 0;

	for (size_t i = 0; lines[i]; i++) {
		char *save = NULL;
		for (char *piece = strtok_r(lines[i], "\r", &save); piece;
		     piece = strtok_r(NULL, "\r", &save)) {
			_cleanup_free_ char *key = malloc(strlen(piece) + 1), *want = NULL;
			const char *v;
			FZ_OOM(key);
			if (!(v = igp_lxc_line_kv(piece, key, strlen(piece) + 1)))
				continue;
			FZ_ASSERT(*v != ' ' && *v != '\t', "value [%s] starts with a blank", v);
			FZ_ASSERT(key_ok(key), "key [%s] of [%s]", key, piece);
			FZ_ASSERT(k < c->n && streq(c->kv[k].key, key), "key %s of line %zu missing", key,
				  i + 1);
			FZ_ASSERT(c->kv[k].line == i + 1, "%s: line %u, not %zu", key, c->kv[k].line, i + 1);
			want = expected_value(v);
			FZ_OOM(want);
			FZ_ASSERT(streq(c->kv[k].value, want), "%s: [%s], not [%s]", key, c->kv[k].value,
				  want);
			k++;
		}
	}
	FZ_ASSERT(k == c->n, "%zu settings, %zu lines", c->n, k);
}

static void check_get_and_rootfs(const struct igp_lxc_conf *c)
{
	_cleanup_free_ char *dir = NULL;
	const char *rootfs;
	int r;

	for (size_t i = 0; i < c->n; i++) {
		const char *got = igp_lxc_conf_get(c, c->kv[i].key);
		size_t last = i;
		for (size_t k = i + 1; k < c->n; k++)
			if (streq(c->kv[k].key, c->kv[i].key))
				last = k;
		FZ_ASSERT(*c->kv[last].value ? got == c->kv[last].value : !got,
			  "get(%s) is not its last line", c->kv[i].key);
	}
	rootfs = igp_lxc_conf_get(c, "lxc.rootfs.path");
	r = igp_lxc_rootfs_dir(c, &dir);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0 || r == -ENOENT, "rootfs: %d", r);
	if (r == 0)
		FZ_ASSERT(rootfs && dir[0] == '/' && strstr(rootfs, dir), "rootfs [%s] from [%s]", dir,
			  rootfs ? rootfs : "(none)");
}

/* The gids to try: 0, 104 (Debian's render group), and each map's edges. */
static void check_gid(const struct igp_lxc_conf *c, unsigned long gid)
{
	unsigned long host = 0;
	bool unpriv = igp_lxc_conf_unprivileged(c);
	int r = igp_lxc_idmap_gid(c, gid, &host);
	const struct igp_lxc_idmap *first = NULL;
	struct igp_lxc_idmap maps[64];
	size_t n = 0;

	FZ_ASSERT(r == 0 || r == 1, "gid %lu: %d", gid, r);
	if (!unpriv) {
		FZ_ASSERT(r == 1 && host == gid, "privileged: gid %lu is %lu", gid, host);
		return;
	}
	/* The maps in force: after the last empty lxc.idmap line. */
	for (size_t i = 0; i < c->n; i++) {
		if (!streq(c->kv[i].key, "lxc.idmap"))
			continue;
		if (!*c->kv[i].value)
			n = 0;
		else if (n < ELEMENTSOF(maps) && igp_lxc_idmap_parse(c->kv[i].value, &maps[n]) == 0)
			n++;
	}
	for (size_t i = 0; i < n && !first; i++)
		if (maps[i].type == 'g' && gid >= maps[i].ct && gid - maps[i].ct < maps[i].count)
			first = &maps[i];
	if (n == ELEMENTSOF(maps))
		return;
	FZ_ASSERT((r == 1) == !!first, "gid %lu: %d", gid, r);
	if (first)
		FZ_ASSERT(host == first->host + (gid - first->ct) && host < 0xffffffffUL, "gid %lu is %lu",
			  gid, host);
}

static void check_idmaps(const struct igp_lxc_conf *c)
{
	check_gid(c, 0);
	check_gid(c, 104);
	for (size_t i = 0; i < c->n; i++) {
		struct igp_lxc_idmap m, back;
		char buf[96];
		if (!streq(c->kv[i].key, "lxc.idmap") || igp_lxc_idmap_parse(c->kv[i].value, &m) < 0)
			continue;
		snprintf(buf, sizeof(buf), "%c %lu %lu %lu", m.type, m.ct, m.host, m.count);
		FZ_ASSERT(igp_lxc_idmap_parse(buf, &back) == 0 && back.type == m.type && back.ct == m.ct &&
			      back.host == m.host && back.count == m.count,
			  "[%s] does not parse back", buf);
		check_gid(c, m.ct);
		check_gid(c, m.ct + m.count - 1);
		check_gid(c, m.ct + m.count);
	}
}

/* The same text as a Proxmox VE CT: lxc.idmap lines read the same where
 * they all parse. */
static void check_pve(const char *text)
{
	struct igp_pve_conf c;
	unsigned long host = 0;
	int r;

	FZ_OOM(igp_pve_conf_parse(text, true, &c) == 0);
	r = igp_pve_ct_idmap_gid(&c, 104, &host);
	FZ_ASSERT(r == 1 || r == 0 || r == -EINVAL, "pve gid: %d", r);
	if (!igp_pve_ct_unprivileged(&c))
		FZ_ASSERT(r == 1 && host == 104, "privileged CT: gid 104 is %lu", host);
	igp_pve_conf_done(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	struct igp_lxc_conf c;

	FZ_OOM(text);
	FZ_OOM(igp_lxc_conf_parse(text, &c) == 0);
	check_lines(text, &c);
	check_get_and_rootfs(&c);
	check_idmaps(&c);
	for (size_t i = 0; i < c.n; i++) {
		_cleanup_free_ char *node = NULL;
		int r = igp_pve_ct_device(c.kv[i].key, c.kv[i].value, &node);
		FZ_OOM(r != -ENOMEM);
		FZ_ASSERT(r == 0 || (r == 1 && startswith(node, "/dev/") && !strstr(node, "/../")),
			  "%s: [%s] passes [%s]", c.kv[i].key, c.kv[i].value, r == 1 ? node : "");
	}
	igp_lxc_conf_done(&c);
	check_pve(text);
	return 0;
}
