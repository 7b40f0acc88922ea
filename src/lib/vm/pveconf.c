/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/util.h"
#include "ct/lxcconf.h"
#include "vm/pveconf.h"

/* ---- lines ---- */

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* An LXC key as pve-container takes it raw: lxc\.[a-z0-9_\-\.]+ */
static size_t lxc_key_len(const char *line)
{
	size_t n = 4;

	if (strncmp(line, "lxc.", 4) != 0)
		return 0;
	while (islower((unsigned char)line[n]) || isdigit((unsigned char)line[n]) || line[n] == '_' ||
	       line[n] == '-' || line[n] == '.')
		n++;
	return n > 4 ? n : 0;
}

const char *igp_pve_line_kv(const char *line, bool ct, char *buf, size_t size)
{
	size_t n = 0;
	const char *v;

	if (ct && (n = lxc_key_len(line)) > 0) {
		/* lxc.KEY: VALUE or lxc.KEY = VALUE; the value may be empty. */
		v = line[n] == ':' ? line + n : skip_blanks(line + n);
		if (*v != ':' && *v != '=')
			return NULL;
	} else {
		/* [a-z][a-z_]*\d*: followed by a value that is not blank. */
		if (!islower((unsigned char)line[0]))
			return NULL;
		while (islower((unsigned char)line[n]) || line[n] == '_')
			n++;
		while (isdigit((unsigned char)line[n]))
			n++;
		v = line + n;
		if (*v != ':')
			return NULL;
	}
	if (n >= size)
		return NULL;
	memcpy(buf, line, n);
	buf[n] = '\0';
	v = skip_blanks(v + 1);
	if (!*v && strncmp(buf, "lxc.", 4) != 0)
		return NULL;
	return v;
}

bool igp_pve_line_section(const char *line, char *buf, size_t size)
{
	const char *close;
	size_t n;

	if (line[0] != '[' || !(close = strchr(line, ']')) || *skip_blanks(close + 1))
		return false;
	n = (size_t)(close - line - 1);
	/* qemu-server: [PENDING], [special:cloudinit], a snapshot
	 * [a-z][a-z0-9_\-]+ (any case); pve-container: [pve:pending]. */
	if (!((n == 7 && strncasecmp(line + 1, "PENDING", 7) == 0) ||
	      (n == 17 && strncasecmp(line + 1, "special:cloudinit", 17) == 0) ||
	      (n == 11 && strncasecmp(line + 1, "pve:pending", 11) == 0))) {
		if (n < 2 || !isalpha((unsigned char)line[1]))
			return false;
		for (size_t i = 2; i <= n; i++)
			if (!isalnum((unsigned char)line[i]) && line[i] != '_' && line[i] != '-')
				return false;
	}
	if (buf) {
		if (n >= size)
			return false;
		memcpy(buf, line + 1, n);
		buf[n] = '\0';
	}
	return true;
}

/* ---- guest configurations ---- */

static void section_done(struct igp_pve_section *s)
{
	for (size_t i = 0; i < s->n_kv; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	free(s->name);
}

void igp_pve_conf_done(struct igp_pve_conf *c)
{
	for (size_t i = 0; i < c->n_sections; i++)
		section_done(&c->sections[i]);
	free(c->sections);
	*c = (struct igp_pve_conf){0};
}

static int section_add(struct igp_pve_conf *c, const char *name)
{
	struct igp_pve_section *v = realloc(c->sections, (c->n_sections + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->sections = v;
	v[c->n_sections] = (struct igp_pve_section){0};
	if (name && !(v[c->n_sections].name = strdup(name)))
		return -ENOMEM;
	c->n_sections++;
	return 0;
}

static int kv_add(struct igp_pve_section *s, const char *key, const char *value)
{
	struct igp_pve_kv *v = realloc(s->kv, (s->n_kv + 1) * sizeof(*v));
	size_t n = strlen(value);

	if (!v)
		return -ENOMEM;
	s->kv = v;
	while (n > 0 && isspace((unsigned char)value[n - 1]))
		n--;
	v[s->n_kv].key = strdup(key);
	v[s->n_kv].value = strndup(value, n);
	if (!v[s->n_kv].key || !v[s->n_kv].value) {
		free(v[s->n_kv].key);
		free(v[s->n_kv].value);
		return -ENOMEM;
	}
	s->n_kv++;
	return 0;
}

int igp_pve_conf_parse(const char *text, bool ct, struct igp_pve_conf *ret)
{
	struct igp_pve_conf c = {.ct = ct};
	int r;

	r = section_add(&c, NULL);
	for (const char *l = text; r >= 0 && l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		char key[128];
		const char *v;

		if (!line) {
			r = -ENOMEM;
			break;
		}
		if (igp_pve_line_section(line, key, sizeof(key)))
			r = section_add(&c, key);
		else if ((v = igp_pve_line_kv(line, ct, key, sizeof(key))))
			r = kv_add(&c.sections[c.n_sections - 1], key, v);
	}
	if (r < 0) {
		igp_pve_conf_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

const char *igp_pve_conf_get(const struct igp_pve_conf *c, const char *key)
{
	const struct igp_pve_section *s = c->sections;

	if (!s)
		return NULL;
	for (size_t i = s->n_kv; i > 0; i--)
		if (streq(s->kv[i - 1].key, key))
			return s->kv[i - 1].value;
	return NULL;
}

/* ---- property strings ---- */

int igp_pve_prop_get(const char *value, const char *key, const char *default_key, char **ret)
{
	_cleanup_free_ char *found = NULL;
	size_t kl = strlen(key);

	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		const char *v = NULL;

		if (eq && (size_t)(eq - p) == kl && strncmp(p, key, kl) == 0)
			v = eq + 1;
		else if (!eq && default_key && streq(default_key, key) && len > 0)
			v = p;
		if (v) {
			/* PVE::JSONSchema refuses a key given twice: the whole
			 * value is then invalid. */
			if (found)
				return -EINVAL;
			found = strndup(v, len - (size_t)(v - p));
			if (!found)
				return -ENOMEM;
		}
		p += len;
		if (*p)
			p++;
	}
	if (!found || !*found)
		return -ENOENT;
	*ret = TAKE_PTR(found);
	return 0;
}

int igp_pve_boolean(const char *v)
{
	/* PVE::JSONSchema::parse_boolean */
	if (strcasecmp(v, "1") == 0 || strcasecmp(v, "on") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "true") == 0)
		return 1;
	if (strcasecmp(v, "0") == 0 || strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "false") == 0)
		return 0;
	return -1;
}

int igp_pve_prop_bool(const char *value, const char *key)
{
	_cleanup_free_ char *v = NULL;

	if (igp_pve_prop_get(value, key, NULL, &v) < 0)
		return -1;
	return igp_pve_boolean(v);
}

void igp_pve_hostpci_done(struct igp_pve_hostpci *h)
{
	strv_free(h->hosts);
	free(h->mapping);
	free(h->mdev);
	*h = (struct igp_pve_hostpci){0};
}

int igp_pve_hostpci_parse(const char *value, struct igp_pve_hostpci *ret)
{
	struct igp_pve_hostpci h = {0};
	_cleanup_free_ char *host = NULL, *driver = NULL;
	int r;

	r = igp_pve_prop_get(value, "host", "host", &host);
	if (r == -ENOENT)
		r = 0;
	if (r >= 0 && (r = igp_pve_prop_get(value, "mapping", NULL, &h.mapping)) == -ENOENT)
		r = 0;
	if (r >= 0 && (r = igp_pve_prop_get(value, "mdev", NULL, &h.mdev)) == -ENOENT)
		r = 0;
	/* qemu-server wants exactly one of host= and mapping=. */
	if (r >= 0 && !host == !h.mapping)
		r = -EINVAL;
	/* driver= is an enum of vfio and keep (PVE::QemuServer::PCI's
	 * $hostpci_fmt, qemu-server 9.0.25): anything else is refused. */
	if (r >= 0 && (r = igp_pve_prop_get(value, "driver", NULL, &driver)) == -ENOENT)
		r = 0;
	else if (r >= 0 && !streq(driver, "vfio") && !streq(driver, "keep"))
		r = -EINVAL;
	h.driver_keep = driver && streq(driver, "keep");
	if (r >= 0 && host)
		r = strv_split(host, ";", &h.hosts);
	if (r < 0) {
		igp_pve_hostpci_done(&h);
		return r;
	}
	h.pcie = igp_pve_prop_bool(value, "pcie");
	h.legacy_igd = igp_pve_prop_bool(value, "legacy-igd");
	h.x_vga = igp_pve_prop_bool(value, "x-vga");
	h.rombar = igp_pve_prop_bool(value, "rombar");
	*ret = h;
	return 0;
}

int igp_pve_pci_id_parse(const char *id, struct igp_pci_addr *ret, bool *ret_slot)
{
	char buf[IGP_PCI_ADDR_MAX + 8];
	const char *colon = strchr(id, ':');
	bool slot = !strchr(id, '.');
	struct igp_pci_addr a;

	/* PVE::JSONSchema's pve-pci-id: [domain:]bus:slot[.func]. */
	if (!colon || strlen(id) > IGP_PCI_ADDR_MAX)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s%s%s", strchr(colon + 1, ':') ? "" : "0000:", id, slot ? ".0" : "");
	if (igp_pci_addr_parse(buf, &a) < 0)
		return -EINVAL;
	*ret = a;
	*ret_slot = slot;
	return 0;
}

/* ---- /etc/pve/mapping/pci.cfg ---- */

static void map_done(struct igp_pve_map *e)
{
	free(e->value);
	free(e->node);
	free(e->path);
	free(e->id);
	free(e->iommugroup);
	free(e->subsystem_id);
}

static void mapping_done(struct igp_pve_mapping *m)
{
	for (size_t i = 0; i < m->n_maps; i++)
		map_done(&m->maps[i]);
	free(m->maps);
	free(m->name);
}

void igp_pve_mappings_done(struct igp_pve_mappings *m)
{
	for (size_t i = 0; i < m->n; i++)
		mapping_done(&m->v[i]);
	free(m->v);
	*m = (struct igp_pve_mappings){0};
}

const struct igp_pve_mapping *igp_pve_mapping_find(const struct igp_pve_mappings *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

static int map_add(struct igp_pve_mapping *m, const char *value)
{
	struct igp_pve_map *v = realloc(m->maps, (m->n_maps + 1) * sizeof(*v)), *e;
	int r;

	if (!v)
		return -ENOMEM;
	m->maps = v;
	e = &v[m->n_maps];
	*e = (struct igp_pve_map){0};
	/* node= and path= are required; an entry without them maps nothing.
	 * A key given twice makes PVE::JSONSchema refuse the whole entry. */
	if ((r = igp_pve_prop_get(value, "node", NULL, &e->node)) < 0 ||
	    (r = igp_pve_prop_get(value, "path", NULL, &e->path)) < 0 ||
	    ((r = igp_pve_prop_get(value, "id", NULL, &e->id)) < 0 && r != -ENOENT) ||
	    ((r = igp_pve_prop_get(value, "iommugroup", NULL, &e->iommugroup)) < 0 && r != -ENOENT) ||
	    ((r = igp_pve_prop_get(value, "subsystem-id", NULL, &e->subsystem_id)) < 0 && r != -ENOENT) ||
	    !(e->value = strdup(value))) {
		map_done(e);
		return r == -ENOMEM || r >= 0 ? -ENOMEM : 0;
	}
	m->n_maps++;
	return 0;
}

const char *igp_pve_cfg_header(const char *line)
{
	size_t n = strcspn(line, " \t");

	if (n == 0 || *line == '#' || line[n + strspn(line + n, " \t")])
		return NULL;
	return line;
}

const char *igp_pve_cfg_prop(const char *line, const char *key)
{
	size_t n = strlen(key);
	const char *s = skip_blanks(line);

	if (s == line || strncmp(s, key, n) != 0 || (s[n] != ' ' && s[n] != '\t'))
		return NULL;
	return skip_blanks(s + n);
}

int igp_pve_mappings_parse(const char *text, struct igp_pve_mappings *ret)
{
	struct igp_pve_mappings m = {0};
	struct igp_pve_mapping *cur = NULL;
	int r = 0;

	/* PVE::SectionConfig::parse_config with PVE::Mapping::PCI's header:
	 * an ID alone on a line starts a section, indented "key value" lines
	 * follow, comment lines are skipped and a blank line ends it. */
	for (const char *l = text; r >= 0 && l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		const char *v;

		if (!line) {
			r = -ENOMEM;
			break;
		}
		if (*skip_blanks(line) == '#')
			continue;
		if (!*line) {
			cur = NULL;
			continue;
		}
		if (!isspace((unsigned char)line[0])) {
			struct igp_pve_mapping *nv;
			cur = NULL;
			if (!igp_pve_cfg_header(line) || igp_pve_mapping_find(&m, strstrip_trailing(line)))
				continue;
			nv = realloc(m.v, (m.n + 1) * sizeof(*nv));
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			m.v = nv;
			cur = &m.v[m.n];
			*cur = (struct igp_pve_mapping){.name = strdup(line)};
			if (!cur->name) {
				r = -ENOMEM;
				break;
			}
			m.n++;
			continue;
		}
		if (!cur)
			continue;
		if ((v = igp_pve_cfg_prop(line, "map")))
			r = map_add(cur, v);
		else if ((v = igp_pve_cfg_prop(line, "mdev")))
			/* The value ends at the last non-blank (SectionConfig). */
			cur->mdev = igp_pve_boolean(strstrip_trailing(line + (v - line))) == 1;
	}
	if (r < 0) {
		igp_pve_mappings_done(&m);
		return r;
	}
	*ret = m;
	return 0;
}

/* ---- container devices ---- */

/* The DRM device node of "c 226:MINOR rwm" (drivers/gpu/drm/drm_drv.c:
 * render nodes take minors from 128, primary nodes below 64). */
static int cgroup_dri(const char *value, char **ret)
{
	const char *p = skip_blanks(value);
	unsigned long minor;
	char *end;

	if (*p != 'c' || !isspace((unsigned char)p[1]))
		return 0;
	p = skip_blanks(p + 1);
	if (!startswith(p, "226:"))
		return 0;
	p += 4;
	if (*p == '*')
		*ret = strdup(IGP_DEV_DRI);
	else {
		errno = 0;
		minor = strtoul(p, &end, 10);
		if (end == p || errno || minor > 1023 || (*end && !isspace((unsigned char)*end)))
			return 0;
		*ret = minor >= 128 ? strdupf("%s/renderD%lu", IGP_DEV_DRI, minor)
				    : strdupf("%s/card%lu", IGP_DEV_DRI, minor);
	}
	return *ret ? 1 : -ENOMEM;
}

/* pve-container's pve-lxc-dev-string: under /dev, no "." or ".."
 * component. */
static bool dev_path_ok(const char *path)
{
	return startswith(path, IGP_DEV_PREFIX) && path[strlen(IGP_DEV_PREFIX)] && !strstr(path, "/./") &&
	       !strstr(path, "/../") && !endswith(path, "/.") && !endswith(path, "/..");
}

int igp_pve_ct_device(const char *key, const char *value, char **ret)
{
	/* devN: the key grammar ([a-z][a-z_]*\d*) leaves only digits after "dev". */
	if (startswith(key, "dev") && isdigit((unsigned char)key[3])) {
		_cleanup_free_ char *path = NULL;
		int r = igp_pve_prop_get(value, "path", "path", &path);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || !dev_path_ok(path))
			return 0;
		*ret = TAKE_PTR(path);
		return 1;
	}
	if (streq(key, "lxc.mount.entry")) {
		/* fstab(5) fields: the first is the host path. */
		const char *src = skip_blanks(value);
		_cleanup_free_ char *path = strndup(src, strcspn(src, " \t"));
		if (!path)
			return -ENOMEM;
		if (!dev_path_ok(path))
			return 0;
		*ret = TAKE_PTR(path);
		return 1;
	}
	if (streq(key, "lxc.cgroup2.devices.allow") || streq(key, "lxc.cgroup.devices.allow"))
		return cgroup_dri(value, ret);
	return 0;
}

/* ---- /etc/pve/storage.cfg ---- */

/* "TYPE: ID" with nothing after the ID: the ID, its type copied into TYPE. */
static const char *storage_header(const char *line, char *type, size_t size)
{
	const char *colon = strchr(line, ':'), *id, *end;
	size_t n = colon ? (size_t)(colon - line) : 0;

	if (!n || n >= size || line[0] == '#' || strcspn(line, " \t") < n)
		return NULL;
	id = skip_blanks(colon + 1);
	end = id + strcspn(id, " \t");
	if (end == id || *skip_blanks(end))
		return NULL;
	memcpy(type, line, n);
	type[n] = '\0';
	return id;
}

/* Take the storage's property from an indented "key value" line. */
static int storage_prop(struct igp_pve_storage *s, char *line)
{
	static const char *const keys[] = {"path", "pool", "mountpoint"};
	char **slots[] = {&s->path, &s->pool, &s->mountpoint};

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		const char *v = igp_pve_cfg_prop(line, keys[i]);
		if (!v || *slots[i])
			continue;
		*slots[i] = strdup(strstrip_trailing(line + (v - line)));
		return *slots[i] ? 0 : -ENOMEM;
	}
	return 0;
}

int igp_pve_storage_find(const char *text, const char *id, struct igp_pve_storage *ret)
{
	struct igp_pve_storage s = {};
	bool in = false, found = false;
	int r = 0;

	for (const char *l = text; r >= 0 && l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		char type[64];
		const char *sid;

		if (!line) {
			r = -ENOMEM;
			break;
		}
		if (!*skip_blanks(line)) {
			in = false;
			continue;
		}
		if (*line != ' ' && *line != '\t') {
			sid = storage_header(strstrip_trailing(line), type, sizeof(type));
			in = !found && sid && streq(sid, id);
			if (in) {
				found = true;
				if (!(s.type = strdup(type)))
					r = -ENOMEM;
			}
			continue;
		}
		if (in)
			r = storage_prop(&s, line);
	}
	if (r < 0 || !found) {
		igp_pve_storage_done(&s);
		return r < 0 ? r : -ENOENT;
	}
	*ret = s;
	return 0;
}

void igp_pve_storage_done(struct igp_pve_storage *s)
{
	free(s->type);
	free(s->path);
	free(s->pool);
	free(s->mountpoint);
	*s = (struct igp_pve_storage){};
}

/* A volume name igpuctl may join to a directory: no "..", no empty part. */
static bool volname_safe(const char *v)
{
	return *v && !strstr(v, "..") && !strstr(v, "//") && v[0] != '/' && !endswith(v, "/");
}

int igp_pve_volume_dir(const struct igp_pve_storage *s, const char *volname, char **ret)
{
	const char *slash = strchr(volname, '/');

	if (!volname_safe(volname))
		return -ENOENT;
	if (streq(s->type, "zfspool") && s->pool && startswith(volname, "subvol-") && !slash) {
		*ret = s->mountpoint ? strdupf("%s/%s", s->mountpoint, volname)
				     : strdupf("/%s/%s", s->pool, volname);
		return *ret ? 0 : -ENOMEM;
	}
	/* "VMID/subvol-VMID-disk-N.subvol" */
	if ((streq(s->type, "dir") || streq(s->type, "btrfs")) && s->path && slash &&
	    !strchr(slash + 1, '/') && startswith(slash + 1, "subvol-") && endswith(volname, ".subvol")) {
		*ret = strdupf("%s/images/%s", s->path, volname);
		return *ret ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

/* ---- container id maps ---- */

/* PVE::LXC::parse_id_maps(): without lxc.idmap lines an unprivileged CT
 * gets 65536 ids from 100000 ("Should we read them from /etc/subuid?"). */
static const struct igp_lxc_idmap pve_default_gid_map = {
    .type = 'g', .ct = 0, .host = 100000, .count = 65536};

bool igp_pve_ct_unprivileged(const struct igp_pve_conf *c)
{
	const char *v = igp_pve_conf_get(c, "unprivileged");
	const struct igp_pve_section *s = &c->sections[0];

	if (v && igp_pve_boolean(v) == 1)
		return true;
	/* PVE::LXC::Config->has_lxc_entry($conf, 'lxc.idmap') */
	for (size_t i = 0; i < s->n_kv; i++)
		if (streq(s->kv[i].key, "lxc.idmap"))
			return true;
	return false;
}

/* GID through the CT's id maps, to the host or (REVERSE) back into the CT. */
static int pve_idmap_gid(const struct igp_pve_conf *c, unsigned long gid, unsigned long *ret, bool reverse)
{
	const struct igp_pve_section *s = c->sections;
	struct igp_idmap_lookup l = {.gid = gid, .reverse = reverse};
	bool any = false;

	/* Every line must parse (parse_id_maps() dies on the first that does
	 * not). */
	for (size_t i = 0; s && i < s->n_kv; i++) {
		struct igp_lxc_idmap m;
		if (!streq(s->kv[i].key, "lxc.idmap"))
			continue;
		if (igp_lxc_idmap_parse(s->kv[i].value, &m) < 0)
			return -EINVAL;
		igp_idmap_lookup_feed(&l, &m);
		any = true;
	}
	if (!any && igp_pve_ct_unprivileged(c))
		igp_idmap_lookup_feed(&l, &pve_default_gid_map);
	return igp_idmap_lookup_end(&l, ret);
}

int igp_pve_ct_idmap_gid(const struct igp_pve_conf *c, unsigned long ct_gid, unsigned long *host_gid)
{
	return pve_idmap_gid(c, ct_gid, host_gid, false);
}

int igp_pve_ct_idmap_gid_inside(const struct igp_pve_conf *c, unsigned long host_gid, unsigned long *ct_gid)
{
	return pve_idmap_gid(c, host_gid, ct_gid, true);
}
