/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/util.h"
#include "ct/ctplan.h"
#include "vm/pveconf.h"

IGP_ENUM_IMPL(igp_ct_target, enum igp_ct_target, _IGP_CT_TARGET_MAX, [IGP_CT_PROXMOX] = "proxmox",
	      [IGP_CT_LXC] = "lxc", [IGP_CT_INCUS] = "incus", [IGP_CT_DOCKER] = "docker");

/* pve-container's $MAX_DEVICES (PVE::LXC::Config): dev0 ... dev255. */
#define PVE_MAX_DEVICES 256

/* "lxc.cgroup2.devices.allow = c 226:129 rw" (LXC) or "...: ..." (Proxmox VE). */
static char *cgroup_line(const struct igp_ct_request *rq)
{
	return strdupf("lxc.cgroup%s.devices.allow%s c %u:%u rw", rq->cgroup_v1 ? "" : "2",
		       rq->target == IGP_CT_PROXMOX ? ":" : " =", rq->rn->major, rq->rn->minor);
}

/* The bind mount of the host's node at the same place inside. */
static char *mount_line(const struct igp_ct_request *rq)
{
	return strdupf("lxc.mount.entry%s %s %s none bind,optional,create=file",
		       rq->target == IGP_CT_PROXMOX ? ":" : " =", rq->rn->node, rq->rn->node + 1);
}

/* A devN value: the node, ",gid=993". */
static char *dev_value(const struct igp_ct_request *rq)
{
	return rq->gid >= 0 ? strdupf("%s,gid=%ld", rq->rn->node, rq->gid) : strdup(rq->rn->node);
}

int igp_ct_lines(const struct igp_ct_request *rq, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *a = NULL, *b = NULL;
	char gid[32] = "";

	if (rq->gid >= 0)
		snprintf(gid, sizeof(gid), " gid=%ld", rq->gid);
	switch (rq->target) {
	case IGP_CT_PROXMOX:
	case IGP_CT_LXC:
		if (rq->target == IGP_CT_PROXMOX && rq->pve_dev) {
			_cleanup_free_ char *val = dev_value(rq);
			a = val ? strdupf("devN: %s", val) : NULL;
			break;
		}
		a = cgroup_line(rq);
		b = mount_line(rq);
		break;
	case IGP_CT_INCUS:
		a = strdupf("incus config device add %s igpu gpu pci=%s%s", rq->name, rq->address, gid);
		break;
	case IGP_CT_DOCKER:
		a = strdupf("--device %s", rq->rn->node);
		if (rq->gid >= 0)
			b = strdupf("--group-add %ld", rq->gid);
		break;
	default:
		return -EINVAL;
	}
	if (!a || strv_push(&v, a) < 0 || (b && strv_push(&v, b) < 0))
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

/* ---- editing a configuration ---- */

/* The configuration as lines (each with its newline, if it had one). */
struct conf {
	const char **start;
	size_t *len;
	size_t n;
	size_t current_end; /* the first line of a section (Proxmox VE), else n */
	bool pve;	    /* a Proxmox VE CT configuration, else LXC's */
};

static int conf_split(const char *text, bool pve, struct conf *c)
{
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l + 1) : strlen(l);
		const char **s = realloc(c->start, (c->n + 1) * sizeof(*s));
		size_t *ln = s ? realloc(c->len, (c->n + 1) * sizeof(*ln)) : NULL;
		if (s)
			c->start = s;
		if (!s || !ln)
			return -ENOMEM;
		c->len = ln;
		c->start[c->n] = l;
		c->len[c->n++] = len;
		l += len;
	}
	c->current_end = c->n;
	c->pve = pve;
	for (size_t i = 0; pve && i < c->n; i++) {
		_cleanup_free_ char *line = strndup(c->start[i], c->len[i]);
		if (!line)
			return -ENOMEM;
		if (igp_pve_line_section(strstrip_trailing(line), NULL, 0)) {
			c->current_end = i;
			break;
		}
	}
	return 0;
}

static void conf_done(struct conf *c)
{
	free(c->start);
	free(c->len);
}

/* Line I's key (into buf) and value (*ret, a copy, trailing blanks
 * stripped; the section's name for a section header, *ret_section true):
 * 1, 0 for other lines, -ENOMEM. */
static int conf_kv(const struct conf *c, size_t i, char *buf, size_t size, char **ret, bool *ret_section)
{
	_cleanup_free_ char *line = strndup(c->start[i], c->len[i]);
	const char *v;

	if (!line)
		return -ENOMEM;
	strstrip_trailing(line);
	*ret_section = c->pve && igp_pve_line_section(line, buf, size);
	/* Proxmox VE's CT grammar reads LXC's "lxc.KEY = VALUE" lines too;
	 * an LXC configuration has no other keys and no sections. */
	v = *ret_section ? buf : igp_pve_line_kv(line, true, buf, size);
	if (!v || (!c->pve && !startswith(buf, "lxc.")))
		return 0;
	*ret = strdup(v);
	return *ret ? 1 : -ENOMEM;
}

/* What the current configuration has of the node already. */
struct found {
	ssize_t dev;		    /* the line of a devN that gives it */
	char dev_key[128];	    /* its key */
	bool dev_gid_ok;	    /* with the gid asked for */
	bool cgroup, mount;	    /* the LXC pair's lines */
	char pair_key[128];	    /* the first of them */
	ssize_t last_kv;	    /* the last key line */
	bool used[PVE_MAX_DEVICES]; /* devN numbers taken (current and pending) */
};

static bool names_node(const char *node, const struct igp_render_node *rn)
{
	return streq(node, rn->node) || (rn->by_path && streq(node, rn->by_path));
}

/* N of a "devN" key, or -1. */
static int dev_number(const char *key)
{
	char *e;
	long n;

	if (!startswith(key, "dev") || key[3] < '0' || key[3] > '9')
		return -1;
	n = strtol(key + 3, &e, 10);
	return *e || n >= PVE_MAX_DEVICES ? -1 : (int)n;
}

/* Does the devN value give the node with the gid asked for? */
static int dev_gid_ok(const struct igp_ct_request *rq, const char *value)
{
	_cleanup_free_ char *gid = NULL;
	int r;

	if (rq->gid < 0)
		return 1;
	r = igp_pve_prop_get(value, "gid", NULL, &gid);
	if (r == -ENOMEM)
		return r;
	return r >= 0 && strtol(gid, NULL, 10) == rq->gid && gid[strspn(gid, "0123456789")] == '\0';
}

/* Take note of one key line of the current configuration. */
static int found_line(struct found *f, const struct igp_ct_request *rq, size_t i, const char *key,
		      const char *value)
{
	_cleanup_free_ char *node = NULL;
	int n = dev_number(key), r;

	if (n >= 0)
		f->used[n] = true;
	f->last_kv = (ssize_t)i;
	r = igp_pve_ct_device(key, value, &node);
	if (r <= 0 || !names_node(node, rq->rn))
		return r;
	if (n >= 0 && f->dev < 0) {
		f->dev = (ssize_t)i;
		snprintf(f->dev_key, sizeof(f->dev_key), "%s", key);
		r = dev_gid_ok(rq, value);
		f->dev_gid_ok = r > 0;
		return r < 0 ? r : 0;
	}
	if (n < 0) {
		bool cg = startswith(key, "lxc.cgroup");
		if (!f->cgroup && !f->mount)
			snprintf(f->pair_key, sizeof(f->pair_key), "%s", key);
		f->cgroup |= cg;
		f->mount |= !cg;
	}
	return 0;
}

/* Read the current configuration, and the devN numbers of the pending one. */
static int conf_scan(const struct conf *c, const struct igp_ct_request *rq, struct found *f)
{
	bool pending = false;

	*f = (struct found){.dev = -1, .last_kv = -1};
	for (size_t i = 0; i < c->n; i++) {
		_cleanup_free_ char *v = NULL;
		char key[128];
		bool section;
		int r = conf_kv(c, i, key, sizeof(key), &v, &section);

		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (section)
			pending = streq(v, "pve:pending");
		else if (i < c->current_end)
			r = found_line(f, rq, i, key, v);
		else if (pending && dev_number(key) >= 0)
			f->used[dev_number(key)] = true;
		if (r < 0)
			return r;
	}
	return 0;
}

/* The line before which a new KEY goes: Proxmox VE writes the keys sorted
 * (PVE::LXC::Config::write_pct_config), so before the first that sorts
 * after it; the end of the current configuration otherwise. */
static size_t insert_at(const struct conf *c, const struct found *f, const char *key)
{
	for (size_t i = 0; key && i < c->current_end; i++) {
		_cleanup_free_ char *v = NULL;
		char k[128];
		bool section;
		if (conf_kv(c, i, k, sizeof(k), &v, &section) == 1 && strcmp(k, key) > 0)
			return i;
	}
	return f->last_kv >= 0 ? (size_t)f->last_kv + 1 : c->current_end;
}

/* The new text: OLD's lines, line SKIP left out (-1: none), ADD inserted before line AT. */
static char *conf_join(const struct conf *c, size_t at, ssize_t skip, char *const *add)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (size_t i = 0; i <= c->n; i++) {
		if (i == at)
			for (char *const *a = add; *a; a++) {
				if (b.len && b.s[b.len - 1] != '\n')
					strbuf_putc(&b, '\n');
				strbuf_printf(&b, "%s\n", *a);
			}
		if (i < c->n && (ssize_t)i != skip)
			strbuf_add(&b, c->start[i], c->len[i]);
	}
	return strbuf_steal(&b);
}

/* The lines to add (or, for a devN with another gid, to put in its place). */
static int edit_lines(const struct igp_ct_request *rq, const struct found *f, struct igp_ct_edit *e,
		      char ***ret, char **ret_why)
{
	_cleanup_free_ char *val = NULL;
	int n = 0;

	if (rq->target == IGP_CT_PROXMOX && rq->pve_dev && !f->cgroup && !f->mount) {
		if (f->dev >= 0 && f->dev_gid_ok)
			return 0;
		if (f->dev >= 0)
			e->key = strdup(f->dev_key);
		else {
			while (n < PVE_MAX_DEVICES && f->used[n])
				n++;
			if (n == PVE_MAX_DEVICES) {
				*ret_why =
				    strdupf("every devN (dev0 to dev%d) is taken", PVE_MAX_DEVICES - 1);
				return *ret_why ? -ENOSPC : -ENOMEM;
			}
			e->key = strdupf("dev%d", n);
		}
		val = dev_value(rq);
		if (!e->key || !val)
			return -ENOMEM;
		return strv_pushf(ret, "%s: %s", e->key, val);
	}
	if (f->dev >= 0)
		return 0;
	if (!f->cgroup) {
		_cleanup_free_ char *l = cgroup_line(rq);
		if (!l || strv_push(ret, l) < 0)
			return -ENOMEM;
	}
	if (!f->mount) {
		_cleanup_free_ char *l = mount_line(rq);
		if (!l || strv_push(ret, l) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The key of a line that gives the node already. */
static int edit_present(const struct found *f, struct igp_ct_edit *e)
{
	const char *k = f->dev >= 0 ? f->dev_key : f->cgroup || f->mount ? f->pair_key : NULL;

	if (k && !(e->present = strdup(k)))
		return -ENOMEM;
	return 0;
}

int igp_ct_edit_conf(const char *old, const struct igp_ct_request *rq, struct igp_ct_edit *ret,
		     char **ret_why)
{
	struct igp_ct_edit e = {};
	struct conf c = {};
	_cleanup_strv_free_ char **add = NULL;
	_cleanup_free_ struct found *f = calloc(1, sizeof(*f));
	int r;

	*ret_why = NULL;
	r = f ? conf_split(old, rq->target == IGP_CT_PROXMOX, &c) : -ENOMEM;
	if (r >= 0)
		r = conf_scan(&c, rq, f);
	if (r >= 0)
		r = edit_present(f, &e);
	if (r >= 0)
		r = edit_lines(rq, f, &e, &add, ret_why);
	if (r >= 0 && add) {
		bool replace = e.key && f->dev >= 0;
		e.new_text = conf_join(&c, replace ? (size_t)f->dev : insert_at(&c, f, e.key),
				       replace ? f->dev : -1, add);
		e.changed = true;
	} else if (r >= 0)
		e.new_text = strdup(old);
	if (r >= 0 && !e.new_text)
		r = -ENOMEM;
	conf_done(&c);
	if (r < 0) {
		igp_ct_edit_done(&e);
		return r;
	}
	*ret = e;
	return 0;
}

void igp_ct_edit_done(struct igp_ct_edit *e)
{
	free(e->new_text);
	free(e->key);
	free(e->present);
	*e = (struct igp_ct_edit){};
}
