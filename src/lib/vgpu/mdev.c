/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <json-c/json.h>
#include <limits.h>
#include <time.h>
#include <uuid/uuid.h>

#include "base/fileio.h"
#include "vgpu/mdev.h"
#include "base/paths.h"
#include "base/util.h"

/* ---- GVT-g descriptions ------------------------------------------------ */

/* "key: <number>SUFFIX" as one line of the description. */
static int desc_number(const char *line, const char *key, const char *suffix, long *ret)
{
	size_t kl = strlen(key);
	const char *p;
	char *end;
	long v;

	if (strncmp(line, key, kl) != 0 || line[kl] != ':')
		return -EINVAL;
	p = line + kl + 1;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || v < 0)
		return -EINVAL;
	if (!streq(end, suffix))
		return -EINVAL;
	*ret = v;
	return 0;
}

int igp_gvtg_desc_parse(const char *s, struct igp_gvtg_desc *ret)
{
	_cleanup_strv_free_ char **lines = NULL;
	struct igp_gvtg_desc d = {};
	const char *res;
	size_t rl;
	int r;

	if (!s)
		return -EINVAL;
	r = strv_split(s, "\n", &lines);
	if (r < 0)
		return r;
	/* The kernel prints exactly these five lines in this order. */
	if (strv_length(lines) != 5)
		return -EINVAL;
	if (desc_number(lines[0], "low_gm_size", "MB", &d.low_gm_mb) < 0 ||
	    desc_number(lines[1], "high_gm_size", "MB", &d.high_gm_mb) < 0 ||
	    desc_number(lines[2], "fence", "", &d.fence) < 0 ||
	    desc_number(lines[4], "weight", "", &d.weight) < 0)
		return -EINVAL;
	if (!startswith(lines[3], "resolution:"))
		return -EINVAL;
	res = lines[3] + strlen("resolution:");
	while (*res == ' ')
		res++;
	rl = strlen(res);
	if (rl == 0 || rl >= sizeof(d.resolution) || strspn(res, "0123456789x") != rl)
		return -EINVAL;
	memcpy(d.resolution, res, rl + 1);
	*ret = d;
	return 0;
}

/* ---- parents and types ------------------------------------------------- */

static void type_done(struct igp_mdev_type *t)
{
	free(t->id);
	free(t->name);
	free(t->device_api);
	free(t->description);
}

/* An attribute of a type directory, or NULL when it cannot be read. */
static char *type_attr(const char *parent, const char *id, const char *attr)
{
	char *v = NULL;

	(void)igp_read_attrf(&v, IGP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types/%s/%s", parent, id, attr);
	return v;
}

static int type_load(const char *parent, const char *id, struct igp_mdev_type *ret)
{
	_cleanup_free_ char *avail = NULL;
	struct igp_mdev_type t = {.available = -1};

	t.id = strdup(id);
	if (!t.id)
		return -ENOMEM;
	t.name = type_attr(parent, id, "name");
	t.device_api = type_attr(parent, id, "device_api");
	t.description = type_attr(parent, id, "description");
	avail = type_attr(parent, id, "available_instances");
	if (avail && parse_long(avail, 0, LONG_MAX, &t.available) < 0)
		t.available = -1;
	t.is_gvtg = t.description && igp_gvtg_desc_parse(t.description, &t.gvtg) == 0;
	*ret = t;
	return 0;
}

static void parent_done(struct igp_mdev_parent *p)
{
	free(p->name);
	free(p->driver);
	for (size_t i = 0; i < p->n_types; i++)
		type_done(&p->types[i]);
	free(p->types);
}

static int parent_load(const char *name, struct igp_mdev_parent *ret)
{
	_cleanup_(parent_done) struct igp_mdev_parent p = {};
	_cleanup_strv_free_ char **ids = NULL;
	int r;

	p.name = strdup(name);
	if (!p.name)
		return -ENOMEM;
	if (igp_readlink_basenamef(&p.driver, IGP_SYS_CLASS_MDEV_BUS "/%s/driver", name) < 0)
		p.driver = NULL;

	r = igp_list_dirf(&ids, IGP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types", name);
	if (r == -ENOENT)
		r = 0; /* a parent being torn down: no types */
	if (r < 0)
		return r;
	for (char **id = ids; id && *id; id++) {
		struct igp_mdev_type *nt;

		if (!igp_is_dirf(IGP_SYS_CLASS_MDEV_BUS "/%s/mdev_supported_types/%s", name, *id))
			continue;
		nt = realloc(p.types, (p.n_types + 1) * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		p.types = nt;
		r = type_load(name, *id, &p.types[p.n_types]);
		if (r < 0)
			return r;
		p.n_types++;
	}
	*ret = TAKE_STRUCT(p);
	return 0;
}

void igp_mdev_parents_free(struct igp_mdev_parent *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		parent_done(&v[i]);
	free(v);
}

int igp_mdev_parents_load(struct igp_mdev_parent **ret, size_t *ret_n)
{
	_cleanup_strv_free_ char **names = NULL;
	struct igp_mdev_parent *v = NULL;
	size_t n = 0;
	int r;

	r = igp_list_dir(IGP_SYS_CLASS_MDEV_BUS, &names);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	for (char **name = names; *name; name++) {
		struct igp_mdev_parent *nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			igp_mdev_parents_free(v, n);
			return -ENOMEM;
		}
		v = nv;
		r = parent_load(*name, &v[n]);
		if (r < 0) {
			igp_mdev_parents_free(v, n);
			return r;
		}
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

struct igp_mdev_parent *igp_mdev_parent_find(struct igp_mdev_parent *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].name, name))
			return &v[i];
	return NULL;
}

/* SPEC is a tail of S that starts right after a '-' or '_'. */
static bool tail_match(const char *s, const char *spec)
{
	size_t ls, lp;

	if (!s)
		return false;
	ls = strlen(s);
	lp = strlen(spec);
	if (lp == 0 || lp >= ls || strcasecmp(s + ls - lp, spec) != 0)
		return false;
	return s[ls - lp - 1] == '-' || s[ls - lp - 1] == '_';
}

int igp_mdev_type_match(const struct igp_mdev_parent *p, const char *spec, const struct igp_mdev_type **ret)
{
	const struct igp_mdev_type *found = NULL;
	size_t n = 0;

	if (!spec || !*spec)
		return -ENOENT;
	for (size_t i = 0; i < p->n_types; i++) {
		const struct igp_mdev_type *t = &p->types[i];
		if (strcasecmp(t->id, spec) == 0 || (t->name && strcasecmp(t->name, spec) == 0)) {
			found = t;
			n++;
		}
	}
	if (n == 0)
		for (size_t i = 0; i < p->n_types; i++) {
			const struct igp_mdev_type *t = &p->types[i];
			if (tail_match(t->id, spec) || tail_match(t->name, spec)) {
				found = t;
				n++;
			}
		}
	if (n == 0)
		return -ENOENT;
	if (n > 1)
		return -ENOTUNIQ;
	*ret = found;
	return 0;
}

/* ---- UUIDs ------------------------------------------------------------- */

int igp_mdev_uuid_normalize(const char *s, char ret[static IGP_MDEV_UUID_MAX])
{
	uuid_t u;

	/* The kernel's create_store() takes exactly the 8-4-4-4-12 form. */
	if (!s || strlen(s) != 36 || uuid_parse(s, u) < 0)
		return -EINVAL;
	uuid_unparse_lower(u, ret);
	return 0;
}

int igp_mdev_uuid_pve(const char *uuid, unsigned *ret_index, unsigned long *ret_vmid)
{
	unsigned long index = 0, vmid = 0;

	/* %08d, then the fixed middle, then %012d: decimal digits only. */
	if (!uuid || strlen(uuid) != 36 || strncmp(uuid + 8, "-0000-0000-0000-", 16) != 0)
		return 0;
	for (size_t i = 0; i < 36; i++) {
		if (i >= 8 && i < 24)
			continue;
		if (!isdigit((unsigned char)uuid[i]))
			return 0;
		if (i < 8)
			index = index * 10 + (unsigned long)(uuid[i] - '0');
		else
			vmid = vmid * 10 + (unsigned long)(uuid[i] - '0');
	}
	/* $MAX_HOSTPCI_DEVICES (PCI.pm) and pve-vmid's range. */
	if (index >= 16 || vmid < 100 || vmid > 999999999UL)
		return 0;
	*ret_index = (unsigned)index;
	*ret_vmid = vmid;
	return 1;
}

void igp_mdev_uuid_generate(char ret[static IGP_MDEV_UUID_MAX])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, ret);
}

/* ---- mdevctl's JSON ---------------------------------------------------- */

void igp_mdev_config_done(struct igp_mdev_config *c)
{
	if (!c)
		return;
	free(c->type);
	for (size_t i = 0; i < c->n_attrs; i++) {
		free(c->attrs[i].name);
		free(c->attrs[i].value);
	}
	free(c->attrs);
	*c = (struct igp_mdev_config){};
}

static int config_from_json(struct json_object *o, struct igp_mdev_config *c)
{
	struct json_object *type, *start, *attrs;

	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(o, "mdev_type", &type) ||
	    !json_object_is_type(type, json_type_string) || !*json_object_get_string(type))
		return -EINVAL;
	c->type = strdup(json_object_get_string(type));
	if (!c->type)
		return -ENOMEM;

	/* mdevctl writes "auto" or "manual"; a definition without "start"
	 * is never started by itself. */
	if (json_object_object_get_ex(o, "start", &start)) {
		const char *s = json_object_get_string(start);
		if (!json_object_is_type(start, json_type_string))
			return -EINVAL;
		if (streq(s, "auto"))
			c->autostart = true;
		else if (!streq(s, "manual"))
			return -EINVAL;
	}

	if (json_object_object_get_ex(o, "attrs", &attrs)) {
		size_t n;

		if (!json_object_is_type(attrs, json_type_array))
			return -EINVAL;
		n = json_object_array_length(attrs);
		if (n) {
			c->attrs = calloc(n, sizeof(*c->attrs));
			if (!c->attrs)
				return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *a = json_object_array_get_idx(attrs, i);
			struct json_object_iterator it, end;
			const char *name;
			struct json_object *val;

			/* mdevctl: each attribute is an object with one member. */
			if (!json_object_is_type(a, json_type_object) || json_object_object_length(a) != 1)
				return -EINVAL;
			it = json_object_iter_begin(a);
			end = json_object_iter_end(a);
			if (json_object_iter_equal(&it, &end))
				return -EINVAL;
			name = json_object_iter_peek_name(&it);
			val = json_object_iter_peek_value(&it);
			if (!json_object_is_type(val, json_type_string) || !*name)
				return -EINVAL;
			c->attrs[i].name = strdup(name);
			c->attrs[i].value = strdup(json_object_get_string(val));
			c->n_attrs = i + 1;
			if (!c->attrs[i].name || !c->attrs[i].value)
				return -ENOMEM;
		}
	}
	return 0;
}

int igp_mdev_config_parse(const char *json, struct igp_mdev_config *ret)
{
	struct igp_mdev_config c = {};
	struct json_tokener *tok;
	struct json_object *o;
	int r;

	if (!json)
		return -EINVAL;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, json, (int)strlen(json));
	/* Nothing but whitespace may follow the object. */
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json[strspn(json + json_tokener_get_parse_end(tok), " \t\r\n") +
		 json_tokener_get_parse_end(tok)] != '\0') {
		json_object_put(o);
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);
	r = config_from_json(o, &c);
	json_object_put(o);
	if (r < 0) {
		igp_mdev_config_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

char *igp_mdev_config_format(const struct igp_mdev_config *c)
{
	struct json_object *o, *attrs;
	char *s = NULL;

	if (!c || !c->type)
		return NULL;
	o = json_object_new_object();
	attrs = json_object_new_array();
	if (!o || !attrs) {
		json_object_put(o);
		json_object_put(attrs);
		return NULL;
	}
	/* json-c keeps insertion order: the same key order as mdevctl. */
	json_object_object_add(o, "mdev_type", json_object_new_string(c->type));
	json_object_object_add(o, "start", json_object_new_string(c->autostart ? "auto" : "manual"));
	for (size_t i = 0; i < c->n_attrs; i++) {
		struct json_object *a = json_object_new_object();
		if (!a) {
			json_object_put(attrs);
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(a, c->attrs[i].name, json_object_new_string(c->attrs[i].value));
		json_object_array_add(attrs, a);
	}
	json_object_object_add(o, "attrs", attrs);
	s = strdupf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* ---- active and defined mdevs ------------------------------------------ */

void igp_mdev_done(struct igp_mdev *m)
{
	if (!m)
		return;
	free(m->parent);
	free(m->type);
	igp_mdev_config_done(&m->config);
	m->parent = m->type = NULL;
}

void igp_mdevs_free(struct igp_mdev *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		igp_mdev_done(&v[i]);
	free(v);
}

static bool name_ok(const char *s)
{
	return s && *s && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

/*
 * /sys/bus/mdev/devices/UUID links to ".../devices/pci0000:00/0000:00:02.0/UUID":
 * the component before the UUID is the parent device.
 */
static int active_read(const char *uuid, struct igp_mdev *m)
{
	_cleanup_free_ char *target = NULL, *grp = NULL;
	char *slash, *pslash;
	long g;
	int r;

	r = igp_readlinkf(&target, IGP_SYS_MDEV_DEVICES "/%s", uuid);
	if (r == -ENOENT)
		return -ENODEV;
	if (r < 0)
		return r;
	slash = strrchr(target, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	pslash = strrchr(target, '/');
	m->parent = strdup(pslash ? pslash + 1 : target);
	if (!m->parent)
		return -ENOMEM;
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);

	if (igp_readlink_basenamef(&m->type, IGP_SYS_MDEV_DEVICES "/%s/mdev_type", uuid) < 0)
		m->type = NULL;
	m->iommu_group = -1;
	if (igp_readlink_basenamef(&grp, IGP_SYS_MDEV_DEVICES "/%s/iommu_group", uuid) == 0 &&
	    parse_long(grp, 0, INT_MAX, &g) == 0)
		m->iommu_group = (int)g;
	m->active = true;
	return 0;
}

int igp_mdev_get_active(const char *uuid, struct igp_mdev *ret)
{
	char u[IGP_MDEV_UUID_MAX];
	struct igp_mdev m = {};
	int r;

	r = igp_mdev_uuid_normalize(uuid, u);
	if (r < 0)
		return r;
	r = active_read(u, &m);
	if (r < 0) {
		igp_mdev_done(&m);
		return r;
	}
	*ret = m;
	return 0;
}

static int push(struct igp_mdev **v, size_t *n, struct igp_mdev *m)
{
	struct igp_mdev *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = *m;
	*v = nv;
	return 0;
}

static int load_active(struct igp_mdev **v, size_t *n)
{
	_cleanup_strv_free_ char **uuids = NULL;
	int r;

	r = igp_list_dir(IGP_SYS_MDEV_DEVICES, &uuids);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (char **u = uuids; *u; u++) {
		struct igp_mdev m = {};
		char canon[IGP_MDEV_UUID_MAX];

		if (igp_mdev_uuid_normalize(*u, canon) < 0 || !streq(canon, *u))
			continue;
		r = active_read(*u, &m);
		if (r == -ENODEV) /* removed while we looked */
			continue;
		if (r >= 0)
			r = push(v, n, &m);
		if (r < 0) {
			igp_mdev_done(&m);
			return r;
		}
	}
	return 0;
}

static int load_definition(const char *parent, const char *uuid, struct igp_mdev *m)
{
	_cleanup_free_ char *path = igp_mdev_config_path(parent, uuid), *json = NULL;
	int r;

	if (!path)
		return -ENOMEM;
	r = igp_read_file(path, &json, NULL);
	if (r < 0)
		return r;
	r = igp_mdev_config_parse(json, &m->config);
	if (r < 0)
		return r;
	m->defined = true;
	m->autostart = m->config.autostart;
	return 0;
}

/* Merge the definitions into v: mark active ones, append the others. */
static int load_defined(struct igp_mdev **v, size_t *n)
{
	_cleanup_strv_free_ char **parents = NULL;
	int r;

	r = igp_list_dir(IGP_ETC_MDEVCTL_D, &parents);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (char **p = parents; *p; p++) {
		_cleanup_strv_free_ char **uuids = NULL;

		/* scripts.d holds mdevctl's callouts, not a parent. */
		if (streq(*p, "scripts.d") || !igp_is_dirf(IGP_ETC_MDEVCTL_D "/%s", *p))
			continue;
		if (igp_list_dirf(&uuids, IGP_ETC_MDEVCTL_D "/%s", *p) < 0)
			continue;
		for (char **u = uuids; *u; u++) {
			struct igp_mdev m = {};
			char canon[IGP_MDEV_UUID_MAX];
			bool merged = false;

			if (igp_mdev_uuid_normalize(*u, canon) < 0)
				continue;
			r = load_definition(*p, *u, &m);
			if (r == -ENOMEM) {
				igp_mdev_done(&m);
				return r;
			}
			if (r < 0) { /* unreadable or not mdevctl JSON: skip, as mdevctl does */
				igp_mdev_done(&m);
				continue;
			}
			for (size_t i = 0; i < *n; i++) {
				struct igp_mdev *a = &(*v)[i];
				if (a->active && !a->defined && streq(a->uuid, canon) &&
				    streq_ptr(a->parent, *p)) {
					a->defined = true;
					a->autostart = m.autostart;
					a->config = m.config;
					m.config = (struct igp_mdev_config){};
					merged = true;
					break;
				}
			}
			if (merged) {
				igp_mdev_done(&m);
				continue;
			}
			memcpy(m.uuid, canon, sizeof(canon));
			m.parent = strdup(*p);
			m.type = strdup(m.config.type);
			m.iommu_group = -1;
			if (!m.parent || !m.type || push(v, n, &m) < 0) {
				igp_mdev_done(&m);
				return -ENOMEM;
			}
		}
	}
	return 0;
}

static int mdev_cmp(const void *a, const void *b)
{
	const struct igp_mdev *x = a, *y = b;
	int c = cmp_version_strings(&x->parent, &y->parent);
	return c ? c : strcmp(x->uuid, y->uuid);
}

int igp_mdev_list(unsigned flags, struct igp_mdev **ret, size_t *ret_n)
{
	struct igp_mdev *v = NULL;
	size_t n = 0, w = 0;
	int r;

	r = load_active(&v, &n);
	if (r >= 0)
		r = load_defined(&v, &n);
	if (r < 0) {
		igp_mdevs_free(v, n);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		bool keep = ((flags & IGP_MDEV_LIST_ACTIVE) && v[i].active) ||
			    ((flags & IGP_MDEV_LIST_DEFINED) && v[i].defined);
		if (keep)
			v[w++] = v[i];
		else
			igp_mdev_done(&v[i]);
	}
	if (w)
		qsort(v, w, sizeof(*v), mdev_cmp);
	else {
		free(v);
		v = NULL;
	}
	*ret = v;
	*ret_n = w;
	return 0;
}

/* ---- create, remove, define -------------------------------------------- */

int igp_mdev_create(const char *parent, const char *type_id, const char *uuid)
{
	_cleanup_free_ char *create = NULL;
	char u[IGP_MDEV_UUID_MAX];
	int r;

	if (!name_ok(parent) || !name_ok(type_id))
		return -EINVAL;
	r = igp_mdev_uuid_normalize(uuid, u);
	if (r < 0)
		return r;
	create = igp_mdev_create_path(parent, type_id);
	if (!create)
		return -ENOMEM;
	if (igp_existsf(IGP_SYS_MDEV_DEVICES "/%s", u))
		return -EEXIST;
	/* One write of the 36 characters; the kernel also takes a trailing
	 * newline, but not any other framing. */
	return igp_write_attr(create, u);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int igp_mdev_wait(const char *uuid, unsigned timeout_ms)
{
	unsigned waited = 0;
	const unsigned step = 10;

	/*
	 * The write to `create` returns after the kernel added the device,
	 * so this normally succeeds at once; the /dev/vfio node is made by
	 * devtmpfs (and udev, for its permissions) right after.
	 */
	for (;;) {
		if (igp_existsf(IGP_SYS_MDEV_DEVICES "/%s", uuid)) {
			_cleanup_free_ char *grp = NULL;
			if (igp_readlink_basenamef(&grp, IGP_SYS_MDEV_DEVICES "/%s/iommu_group", uuid) < 0)
				return 0; /* no IOMMU group: nothing more to wait for */
			if (igp_existsf(IGP_DEV_VFIO "/%s", grp))
				return 0;
		}
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		sleep_ms(step);
		waited += step;
	}
}

int igp_mdev_apply_attrs(const char *uuid, const struct igp_mdev_config *c)
{
	for (size_t i = 0; i < c->n_attrs; i++) {
		int r;

		if (!name_ok(c->attrs[i].name))
			return -EINVAL;
		r = igp_write_attrf(c->attrs[i].value, IGP_SYS_MDEV_DEVICES "/%s/%s", uuid, c->attrs[i].name);
		if (r < 0)
			return r;
	}
	return 0;
}

int igp_mdev_remove(const char *uuid)
{
	_cleanup_free_ char *rm = NULL;
	char u[IGP_MDEV_UUID_MAX];
	int r;

	r = igp_mdev_uuid_normalize(uuid, u);
	if (r < 0)
		return r;
	rm = igp_mdev_remove_path(u);
	if (!rm)
		return -ENOMEM;
	if (!igp_existsf(IGP_SYS_MDEV_DEVICES "/%s", u))
		return -ENODEV;
	return igp_write_attr(rm, "1");
}

char *igp_mdev_config_path(const char *parent, const char *uuid)
{
	if (!name_ok(parent) || !name_ok(uuid))
		return NULL;
	return strdupf("%s/%s/%s", IGP_ETC_MDEVCTL_D, parent, uuid);
}

char *igp_mdev_create_path(const char *parent, const char *type_id)
{
	if (!name_ok(parent) || !name_ok(type_id))
		return NULL;
	return strdupf("%s/%s/mdev_supported_types/%s/create", IGP_SYS_CLASS_MDEV_BUS, parent, type_id);
}

char *igp_mdev_remove_path(const char *uuid)
{
	if (!name_ok(uuid))
		return NULL;
	return strdupf("%s/%s/remove", IGP_SYS_MDEV_DEVICES, uuid);
}

int igp_mdev_plan_define(struct igp_plan *p, const char *parent, const char *uuid,
			 const struct igp_mdev_config *c)
{
	_cleanup_free_ char *path = NULL, *old = NULL;
	struct igp_undo undo = {.kind = IGP_UNDO_NONE};
	char u[IGP_MDEV_UUID_MAX], *json;
	int r;

	r = igp_mdev_uuid_normalize(uuid, u);
	if (r < 0)
		return r;
	if (!name_ok(parent) || !c || !c->type || !name_ok(c->type))
		return -EINVAL;
	path = igp_mdev_config_path(parent, u);
	if (!path)
		return -ENOMEM;
	r = igp_read_optional(path, &old);
	if (r < 0)
		return r;
	json = igp_mdev_config_format(c);
	if (!json)
		return -ENOMEM;
	if (old && !streq(old, json)) {
		free(json);
		return -EEXIST;
	}
	return igp_plan_add_file(p, path, TAKE_PTR(old), json, 0644, &undo, 0, "vGPU definition (mdevctl)");
}

/* The parent under which UUID is defined (U normalized), or -ENOENT / -ENOTUNIQ. */
static int defining_parent(const char *u, char **ret)
{
	_cleanup_strv_free_ char **parents = NULL;
	_cleanup_free_ char *found = NULL;
	int r;

	r = igp_list_dir(IGP_ETC_MDEVCTL_D, &parents);
	if (r < 0)
		return r;
	for (char **p = parents; *p; p++) {
		_cleanup_free_ char *cand = NULL;
		if (streq(*p, "scripts.d"))
			continue;
		cand = igp_mdev_config_path(*p, u);
		if (!cand)
			return -ENOMEM;
		if (!igp_exists(cand))
			continue;
		if (found)
			return -ENOTUNIQ;
		found = strdup(*p);
		if (!found)
			return -ENOMEM;
	}
	if (!found)
		return -ENOENT;
	*ret = TAKE_PTR(found);
	return 0;
}

int igp_mdev_plan_undefine(struct igp_plan *p, const char *parent, const char *uuid, char **ret_parent)
{
	_cleanup_free_ char *found = NULL, *path = NULL;
	struct igp_undo un = {.kind = IGP_UNDO_NONE};
	char u[IGP_MDEV_UUID_MAX], *old = NULL;
	int r;

	r = igp_mdev_uuid_normalize(uuid, u);
	if (r < 0)
		return r;
	if (parent && !name_ok(parent))
		return -EINVAL;
	r = parent ? ((found = strdup(parent)) ? 0 : -ENOMEM) : defining_parent(u, &found);
	if (r < 0)
		return r;
	path = igp_mdev_config_path(found, u);
	if (!path)
		return -ENOMEM;
	r = igp_read_optional(path, &old);
	if (r < 0)
		return r;
	if (!old)
		return -ENOENT;
	r = igp_plan_add_file(p, path, old, NULL, 0644, &un, 0, "vGPU definition (mdevctl)");
	if (r >= 0 && ret_parent)
		*ret_parent = TAKE_PTR(found);
	return r;
}

IGP_ENUM_IMPL(
    igp_mdev_start_status, enum igp_mdev_start_status,
    IGP_MDEV_REQUESTED + 1, [IGP_MDEV_STARTED] = "started", [IGP_MDEV_ALREADY_ACTIVE] = "active",
    [IGP_MDEV_NO_PARENT] = "no-parent", [IGP_MDEV_FAILED] = "failed", [IGP_MDEV_REQUESTED] = "requested");

void igp_mdev_start_results_free(struct igp_mdev_start_result *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].parent);
		free(v[i].type);
	}
	free(v);
}

int igp_mdev_start_defined(const char *parent, unsigned timeout_ms, struct igp_mdev_start_result **ret,
			   size_t *ret_n)
{
	struct igp_mdev *mdevs = NULL;
	struct igp_mdev_parent *parents = NULL;
	struct igp_mdev_start_result *res = NULL;
	size_t n_mdevs = 0, n_parents = 0, n_res = 0;
	int r, failures = 0;

	r = igp_mdev_list(IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED, &mdevs, &n_mdevs);
	if (r < 0)
		return r;
	r = igp_mdev_parents_load(&parents, &n_parents);
	if (r < 0)
		goto out;

	for (size_t i = 0; i < n_mdevs; i++) {
		struct igp_mdev *m = &mdevs[i];
		struct igp_mdev_start_result *x, *nr;

		if (!m->defined || !m->autostart)
			continue;
		if (parent && !streq(m->parent, parent))
			continue;
		nr = realloc(res, (n_res + 1) * sizeof(*res));
		if (!nr) {
			r = -ENOMEM;
			goto out;
		}
		res = nr;
		x = &res[n_res++];
		*x = (struct igp_mdev_start_result){};
		memcpy(x->uuid, m->uuid, sizeof(x->uuid));
		x->parent = strdup(m->parent);
		x->type = strdup(m->config.type);
		if (!x->parent || !x->type) {
			r = -ENOMEM;
			goto out;
		}
		if (m->active) {
			x->status = IGP_MDEV_ALREADY_ACTIVE;
			continue;
		}
		if (!igp_mdev_parent_find(parents, n_parents, m->parent)) {
			x->status = IGP_MDEV_NO_PARENT;
			continue;
		}
		x->r = igp_mdev_create(m->parent, m->config.type, m->uuid);
		if (x->r == -EEXIST) {
			/* mdevctl's udev rule may have started it a moment
			 * ago: the same device on the same parent is fine. */
			struct igp_mdev now = {};
			bool same = igp_mdev_get_active(m->uuid, &now) == 0 &&
				    streq_ptr(now.parent, m->parent) && streq_ptr(now.type, m->config.type);
			igp_mdev_done(&now);
			if (same) {
				x->r = 0;
				x->status = IGP_MDEV_ALREADY_ACTIVE;
				continue;
			}
		}
		if (x->r >= 0 && timeout_ms == 0) {
			x->status = IGP_MDEV_REQUESTED;
			continue;
		}
		if (x->r >= 0) {
			x->r = igp_mdev_wait(m->uuid, timeout_ms);
			/* A device that exists but whose node is late still
			 * counts as started; only a missing device fails. */
			if (x->r == -ETIMEDOUT) {
				if (igp_existsf(IGP_SYS_MDEV_DEVICES "/%s", m->uuid))
					x->r = 0;
			}
		}
		if (x->r >= 0)
			x->r = igp_mdev_apply_attrs(m->uuid, &m->config);
		if (x->r < 0) {
			x->status = IGP_MDEV_FAILED;
			failures++;
		} else {
			x->status = IGP_MDEV_STARTED;
		}
	}
	*ret = TAKE_PTR(res);
	*ret_n = n_res;
	r = failures;
out:
	igp_mdev_start_results_free(res, res ? n_res : 0);
	igp_mdevs_free(mdevs, n_mdevs);
	igp_mdev_parents_free(parents, n_parents);
	return r;
}
