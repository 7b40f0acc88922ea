/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdint.h>

#include "base/paths.h"
#include "base/util.h"
#include "ct/lxcconf.h"

/* lxc_char_left_gc() and lxc_char_right_gc() (src/lxc/string_utils.c) take
 * spaces and tabs; '\n' and '\r' never reach a line (parse.c splits there). */
static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s)
{
	while (blank(*s))
		s++;
	return s;
}

/* The characters of liblxc's keys: its config_jump_table and the prefixes
 * it takes any suffix of (lxc.cgroup2., lxc.sysctl., lxc.net.N., ...). */
static bool key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

const char *igp_lxc_line_kv(const char *line, char *buf, size_t size)
{
	const char *p = skip_blanks(line), *eq;
	size_t n;

	/* parse_line(): a comment or anything else not starting with "lxc."
	 * is no setting. */
	if (!startswith(p, "lxc.") || !(eq = strchr(p, '=')))
		return NULL;
	n = (size_t)(eq - p);
	while (n > 0 && blank(p[n - 1]))
		n--;
	if (n <= 4 || n >= size)
		return NULL;
	for (size_t i = 4; i < n; i++)
		if (!key_char(p[i]))
			return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return skip_blanks(eq + 1);
}

void igp_lxc_conf_done(struct igp_lxc_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->kv[i].key);
		free(c->kv[i].value);
	}
	free(c->kv);
	*c = (struct igp_lxc_conf){0};
}

/* The value as parse_line() hands it to the key's setter: blanks stripped,
 * then one pair of matching quotes around it. */
static char *value_dup(const char *v)
{
	size_t n = strlen(v);

	while (n > 0 && blank(v[n - 1]))
		n--;
	if (n > 1 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	return strndup(v, n);
}

static int kv_add(struct igp_lxc_conf *c, const char *key, const char *value, unsigned line)
{
	struct igp_lxc_kv *v = realloc(c->kv, (c->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->kv = v;
	v[c->n] = (struct igp_lxc_kv){.key = strdup(key), .value = value_dup(value), .line = line};
	if (!v[c->n].key || !v[c->n].value) {
		free(v[c->n].key);
		free(v[c->n].value);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

/* The pieces of one '\n' line: liblxc splits at '\r' too. */
static int parse_line(struct igp_lxc_conf *c, char *line, unsigned no)
{
	size_t size = strlen(line) + 1;
	_cleanup_free_ char *buf = malloc(size);
	char *save = NULL;

	if (!buf)
		return -ENOMEM;
	for (char *piece = strtok_r(line, "\r", &save); piece; piece = strtok_r(NULL, "\r", &save)) {
		const char *v = igp_lxc_line_kv(piece, buf, size);
		int r;
		if (v && (r = kv_add(c, buf, v, no)) < 0)
			return r;
	}
	return 0;
}

int igp_lxc_conf_parse(const char *text, struct igp_lxc_conf *ret)
{
	struct igp_lxc_conf c = {0};
	unsigned no = 0;
	int r = 0;

	for (const char *l = text; r >= 0 && l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		if (!line) {
			r = -ENOMEM;
			break;
		}
		r = parse_line(&c, line, ++no);
	}
	if (r < 0) {
		igp_lxc_conf_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

const char *igp_lxc_conf_get(const struct igp_lxc_conf *c, const char *key)
{
	for (size_t i = c->n; i > 0; i--)
		if (streq(c->kv[i - 1].key, key))
			/* set_config_string_item(): an empty value clears. */
			return *c->kv[i - 1].value ? c->kv[i - 1].value : NULL;
	return NULL;
}

/* ---- the root file system ---- */

static int dir_dup(const char *path, size_t n, char **ret)
{
	if (n == 0 || path[0] != '/')
		return -ENOENT;
	*ret = strndup(path, n);
	return *ret ? 0 : -ENOMEM;
}

int igp_lxc_rootfs_dir(const struct igp_lxc_conf *c, char **ret)
{
	const char *v = igp_lxc_conf_get(c, "lxc.rootfs.path"), *colon, *path, *upper;
	size_t tl;

	if (!v)
		return -ENOENT;
	/* set_config_rootfs_path(): "TYPE:PATH" at the first ':', else a path
	 * whose storage liblxc detects (storage.c storage_query()): a
	 * directory is bind-mounted as it is, a block device is none. */
	colon = strchr(v, ':');
	if (!colon)
		return startswith(v, IGP_DEV_PREFIX) ? -ENOENT : dir_dup(v, strlen(v), ret);
	tl = (size_t)(colon - v);
	path = colon + 1;
	/* dir_mount(), btrfs_mount() bind-mount PATH; zfs_mount() too when it
	 * is a path (the legacy form), else it mounts the dataset. */
	if ((tl == 3 && strncmp(v, "dir", 3) == 0) || (tl == 5 && strncmp(v, "btrfs", 5) == 0) ||
	    (tl == 3 && strncmp(v, "zfs", 3) == 0))
		return dir_dup(path, strlen(path), ret);
	/* ovl_get_rootfs(): the lower directory, up to ":/". */
	if ((tl == 7 && strncmp(v, "overlay", 7) == 0) || (tl == 9 && strncmp(v, "overlayfs", 9) == 0)) {
		upper = strstr(path, ":/");
		return dir_dup(path, upper ? (size_t)(upper - path) : strlen(path), ret);
	}
	/* lvm, loop, rbd, nbd: a block device, mounted where the container starts. */
	return -ENOENT;
}

/* ---- id maps ---- */

/* One decimal id (lxc_safe_ulong(): digits only), at most a u32. */
static const char *parse_id(const char *p, unsigned long *ret)
{
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > UINT32_MAX)
			return NULL;
	}
	*ret = v;
	return p;
}

/* parse_idmaps() separates the fields by " \t\r" (pve-container by \s). */
static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

int igp_lxc_idmap_parse(const char *value, struct igp_lxc_idmap *ret)
{
	struct igp_lxc_idmap m;
	const char *p = skip_space(value);
	unsigned long *f[] = {&m.ct, &m.host, &m.count};

	if (*p != 'u' && *p != 'g')
		return -EINVAL;
	m.type = *p++;
	for (size_t i = 0; i < ELEMENTSOF(f); i++) {
		const char *s = skip_space(p);
		if (s == p || !(p = parse_id(s, f[i])))
			return -EINVAL;
	}
	if (*skip_space(p))
		return -EINVAL;
	/* map_write(): (u32)-1 is no id, and an extent is not empty and does
	 * not wrap. */
	if (m.ct == UINT32_MAX || m.host == UINT32_MAX || m.count == 0 || m.ct + m.count > UINT32_MAX ||
	    m.host + m.count > UINT32_MAX)
		return -EINVAL;
	*ret = m;
	return 0;
}

bool igp_lxc_idmap_apply(const struct igp_lxc_idmap *m, char type, unsigned long id, unsigned long *ret)
{
	if (m->type != type || id < m->ct || id - m->ct >= m->count)
		return false;
	*ret = m->host + (id - m->ct);
	return true;
}

bool igp_lxc_idmap_reverse(const struct igp_lxc_idmap *m, char type, unsigned long host, unsigned long *ret)
{
	if (m->type != type || host < m->host || host - m->host >= m->count)
		return false;
	*ret = m->ct + (host - m->host);
	return true;
}

/* The first lxc.idmap line in force: set_config_idmaps() clears the list
 * at an empty value. */
static size_t idmaps_from(const struct igp_lxc_conf *c)
{
	size_t from = 0;

	for (size_t i = 0; i < c->n; i++)
		if (streq(c->kv[i].key, "lxc.idmap") && !*c->kv[i].value)
			from = i + 1;
	return from;
}

void igp_idmap_lookup_feed(struct igp_idmap_lookup *l, const struct igp_lxc_idmap *m)
{
	l->any = true;
	/* The kernel takes the first extent that holds the id
	 * (kernel/user_namespace.c map_id_range_down()); it refuses
	 * overlapping ones. */
	if (!l->found)
		l->found = l->reverse ? igp_lxc_idmap_reverse(m, 'g', l->gid, &l->to)
				      : igp_lxc_idmap_apply(m, 'g', l->gid, &l->to);
}

int igp_idmap_lookup_end(const struct igp_idmap_lookup *l, unsigned long *ret)
{
	if (l->any && !l->found)
		return 0;
	*ret = l->any ? l->to : l->gid; /* no map: the host's ids */
	return 1;
}

/* GID through the id maps, from the container to the host or (REVERSE) back. */
static int idmap_gid(const struct igp_lxc_conf *c, unsigned long gid, unsigned long *ret, bool reverse)
{
	struct igp_idmap_lookup l = {.gid = gid, .reverse = reverse};

	for (size_t i = idmaps_from(c); i < c->n; i++) {
		struct igp_lxc_idmap m;
		if (streq(c->kv[i].key, "lxc.idmap") && igp_lxc_idmap_parse(c->kv[i].value, &m) == 0)
			igp_idmap_lookup_feed(&l, &m);
	}
	return igp_idmap_lookup_end(&l, ret);
}

int igp_lxc_idmap_gid(const struct igp_lxc_conf *c, unsigned long ct_gid, unsigned long *host_gid)
{
	return idmap_gid(c, ct_gid, host_gid, false);
}

int igp_lxc_idmap_gid_inside(const struct igp_lxc_conf *c, unsigned long host_gid, unsigned long *ct_gid)
{
	return idmap_gid(c, host_gid, ct_gid, true);
}

bool igp_lxc_conf_unprivileged(const struct igp_lxc_conf *c)
{
	for (size_t i = idmaps_from(c); i < c->n; i++) {
		struct igp_lxc_idmap m;
		if (streq(c->kv[i].key, "lxc.idmap") && igp_lxc_idmap_parse(c->kv[i].value, &m) == 0)
			return true;
	}
	return false;
}
