/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Planning the SR-IOV settings of a PF at boot: one place, reconciled with what is there. */
#include "base/paths.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "modules/modconf.h"
#include "vgpu/sriov_persist.h"

#define AUTOPROBE "sriov_drivers_autoprobe"
#define NUMVFS "sriov_numvfs"

/* An edit of a shared file, line by line: the rest of it stays as it is. */
struct line_edit {
	char *path;
	unsigned *drop; /* igpuctl's lines taken out */
	size_t n_drop;
	unsigned at;	 /* the admin's line whose value changes, 0: none */
	char *at_line;	 /* its new text */
	char *insert;	 /* a line of igpuctl's put before it, or NULL */
	char **appended; /* igpuctl's lines added at the end */
};

struct persist_plan {
	const struct igp_pci_dev *pf;
	const struct igp_sriov_persist_req *req;
	struct igp_sriov_persisted ps;
	enum igp_sriov_store store;
	char *store_path;
	char *store_why;
	char *rel;    /* the PF's directory relative to /sys */
	char **attrs; /* "ATTR=VALUE" igpuctl keeps, in the order written */
	/* igpuctl's sriov_drivers_autoprobe line that goes with the admin's
	 * count (plan_admin_count): it stays where it is. */
	const struct igp_sriov_setting *admin_autoprobe;
	struct line_edit *edits;
	size_t n_edits;
	bool admin_uneditable; /* the admin's count stays as it is, not the one asked for */
};

static void persist_plan_done(struct persist_plan *pp)
{
	igp_sriov_persisted_done(&pp->ps);
	free(pp->store_path);
	free(pp->store_why);
	free(pp->rel);
	strv_free(pp->attrs);
	for (size_t i = 0; i < pp->n_edits; i++) {
		free(pp->edits[i].path);
		free(pp->edits[i].drop);
		free(pp->edits[i].at_line);
		free(pp->edits[i].insert);
		strv_free(pp->edits[i].appended);
	}
	free(pp->edits);
}

static struct line_edit *edit_of(struct persist_plan *pp, const char *path)
{
	struct line_edit *nv;

	for (size_t i = 0; i < pp->n_edits; i++)
		if (streq(pp->edits[i].path, path))
			return &pp->edits[i];
	nv = realloc(pp->edits, (pp->n_edits + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	pp->edits = nv;
	nv[pp->n_edits] = (struct line_edit){.path = strdup(path)};
	if (!nv[pp->n_edits].path)
		return NULL;
	return &pp->edits[pp->n_edits++];
}

static int edit_drop(struct line_edit *e, unsigned line)
{
	unsigned *nv = realloc(e->drop, (e->n_drop + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	e->drop = nv;
	e->drop[e->n_drop++] = line;
	return 0;
}

/* Set ATTR to VALUE in the list of igpuctl's attributes (replace or append). */
static int attrs_set(char ***attrs, const char *attr, size_t attr_len, const char *value)
{
	for (char **a = *attrs; a && *a; a++)
		if (strncmp(*a, attr, attr_len) == 0 && (*a)[attr_len] == '=') {
			char *n = strdupf("%.*s=%s", (int)attr_len, attr, value);
			if (!n)
				return -ENOMEM;
			free(*a);
			*a = n;
			return 0;
		}
	return strv_pushf(attrs, "%.*s=%s", (int)attr_len, attr, value);
}

/*
 * What igpuctl keeps for the PF: the scheduling and other attributes of its
 * own settings, with REQ's on top; then sriov_drivers_autoprobe=0 first and
 * sriov_numvfs last when igpuctl holds the count (N > 0).
 */
static int own_attrs(struct persist_plan *pp, bool own_count, long n)
{
	_cleanup_strv_free_ char **mid = NULL;
	int r;

	for (size_t i = 0; i < pp->ps.n; i++) {
		const struct igp_sriov_setting *s = &pp->ps.v[i];
		if (s->own && !streq(s->attr, NUMVFS) && !streq(s->attr, AUTOPROBE) &&
		    (r = attrs_set(&mid, s->attr, strlen(s->attr), s->value)) < 0)
			return r;
	}
	for (char **a = pp->req->set; a && *a; a++) {
		const char *eq = strchr(*a, '=');
		if (!eq)
			return -EINVAL;
		r = attrs_set(&mid, *a, (size_t)(eq - *a), eq + 1);
		if (r < 0)
			return r;
	}
	if (own_count && n > 0 && strv_push(&pp->attrs, AUTOPROBE "=0") < 0)
		return -ENOMEM;
	for (char **a = mid; a && *a; a++)
		if (strv_push(&pp->attrs, *a) < 0)
			return -ENOMEM;
	if (own_count && n > 0 && strv_pushf(&pp->attrs, NUMVFS "=%ld", n) < 0)
		return -ENOMEM;
	return 0;
}

/* The file text of igpuctl's own file for the PF (STORE sysfs.d or udev). */
static char *render_own(const struct persist_plan *pp)
{
	_cleanup_strbuf_ struct strbuf b = {};
	bool count = false;

	for (char **a = pp->attrs; *a; a++)
		count |= startswith(*a, NUMVFS "=");
	strbuf_printf(&b, "# Written by igpuctl (%s): SR-IOV settings of %s at boot.\n", pp->req->by,
		      pp->pf->address);
	if (count)
		strbuf_puts(
		    &b, "# sriov_drivers_autoprobe=0 comes before sriov_numvfs: no host driver probes the\n"
			"# new VFs (bind them: igpuctl vfs --bind, or igpuctl bind VF --driver ...).\n");
	if (pp->store == IGP_SRIOV_STORE_SYSFS_D) {
		for (char **a = pp->attrs; *a; a++) {
			const char *eq = strchr(*a, '=');
			strbuf_printf(&b, "%s/%.*s = %s\n", pp->rel, (int)(eq - *a), *a, eq + 1);
		}
		return strbuf_steal(&b);
	}
	/*
	 * "bind": the PF's driver (possibly a DKMS module loaded late) just
	 * bound.  "add" with DRIVER set: udev's coldplug replay at boot for a PF
	 * bound in the initramfs, before udevd ran.  The count only while
	 * sriov_numvfs is 0: the kernel refuses (EBUSY) to change a non-zero one.
	 */
	strbuf_printf(&b,
		      "ACTION==\"add|bind\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", DRIVER==\"?*\", "
		      "ATTR{sriov_totalvfs}==\"?*\"%s",
		      pp->pf->address, count ? ", ATTR{sriov_numvfs}==\"0\"" : "");
	for (char **a = pp->attrs; *a; a++) {
		const char *eq = strchr(*a, '=');
		strbuf_printf(&b, ", ATTR{%.*s}=\"%s\"", (int)(eq - *a), *a, eq + 1);
	}
	strbuf_putc(&b, '\n');
	return strbuf_steal(&b);
}

/* The admin's line LINE with the count N instead (sysfsutils "key = N", or
 * the udev assignment's value). */
static char *line_with_count(const struct igp_sriov_setting *s, const char *line, long n)
{
	const char *v = NULL;

	if (s->via == IGP_SRIOV_VIA_UDEV) {
		for (const char *p = strstr(line, "ATTR{" NUMVFS "}"); p && !v;
		     p = strstr(p + 1, "ATTR{" NUMVFS "}")) {
			const char *q = p + strlen("ATTR{" NUMVFS "}");
			q += strspn(q, " \t:");
			if (*q == '=' && q[1] != '=') {
				q++;
				q += strspn(q, " \t");
				v = *q == '"' ? q + 1 : NULL;
			}
		}
	} else {
		v = strchr(line, '=');
		if (v)
			v += 1 + strspn(v + 1, " \t");
	}
	if (!v || strncmp(v, s->value, strlen(s->value)) != 0)
		return NULL;
	return strdupf("%.*s%ld%s", (int)(v - line), line, n, v + strlen(s->value));
}

static char *nth_line(const char *text, unsigned n)
{
	const char *l = text;

	for (unsigned i = 1; l && *l; i++) {
		char *line = strdup_line(&l);
		if (!line || i == n)
			return line;
		free(line);
	}
	return NULL;
}

/* Put ATTR{sriov_drivers_autoprobe}="0" before the rule's assignment of
 * sriov_numvfs in *LINE. */
static int udev_insert_autoprobe(char **line)
{
	static const char key[] = "ATTR{" NUMVFS "}";
	char *n;

	for (const char *p = strstr(*line, key); p; p = strstr(p + 1, key)) {
		const char *q = p + strlen(key);
		q += strspn(q, " \t:");
		if (*q != '=' || q[1] == '=')
			continue;
		n = strdupf("%.*sATTR{" AUTOPROBE "}=\"0\", %s", (int)(p - *line), *line, p);
		if (!n)
			return -ENOMEM;
		free(*line);
		*line = n;
		return 0;
	}
	return 0;
}

/* Does a sriov_drivers_autoprobe setting come before the admin's count W in
 * its file?  Notes igpuctl's own such line in pp->admin_autoprobe. */
static bool autoprobe_before(struct persist_plan *pp, const struct igp_sriov_setting *w)
{
	bool found = false;

	for (size_t i = 0; i < pp->ps.n; i++) {
		const struct igp_sriov_setting *s = &pp->ps.v[i];
		if (!streq(s->path, w->path) || s->line > w->line || !streq(s->attr, AUTOPROBE))
			continue;
		found = true;
		if (s->own)
			pp->admin_autoprobe = s;
	}
	return found;
}

/* The admin's setting W of the count gets N, and sriov_drivers_autoprobe=0
 * just before it (a line of igpuctl's). */
static int plan_admin_count(struct persist_plan *pp, struct igp_plan *p, const struct igp_sriov_setting *w,
			    long n)
{
	_cleanup_free_ char *text = NULL, *line = NULL, *where = igp_sriov_setting_where(w);
	struct line_edit *e;
	bool has_autoprobe = autoprobe_before(pp, w);

	if (!where || igp_read_optional(w->path, &text) < 0 || !text || !(line = nth_line(text, w->line)))
		return -ENOMEM;
	e = edit_of(pp, w->path);
	if (!e)
		return -ENOMEM;
	e->at = w->line;
	e->at_line = line_with_count(w, line, n);
	if (!e->at_line) {
		e->at = 0;
		pp->admin_uneditable = true;
		return igp_plan_add_note(
		    p, "%s sets the VF count of %s in a form igpuctl does not edit: set it to %ld there.",
		    where, pp->pf->address, n);
	}
	if (has_autoprobe || n == 0)
		return 0;
	if (w->via == IGP_SRIOV_VIA_SYSFSUTILS) {
		e->insert =
		    strdupf("%.*s" AUTOPROBE " = 0 # igpuctl", (int)(strstr(line, NUMVFS) - line), line);
		return e->insert ? 0 : -ENOMEM;
	}
	/* A udev rule: the assignment goes just before the count's (not before
	 * a match of it: udev writes an assignment as soon as it reaches it). */
	return udev_insert_autoprobe(&e->at_line);
}

/* Apply E to TEXT: the new text (caller frees). */
static char *apply_line_edit(const struct line_edit *e, const char *text)
{
	_cleanup_strbuf_ struct strbuf b = {};
	unsigned lineno = 0;

	for (const char *l = text ? text : ""; l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		bool drop = false;
		if (!line)
			return NULL;
		lineno++;
		for (size_t i = 0; i < e->n_drop; i++)
			drop |= e->drop[i] == lineno;
		if (drop)
			continue;
		if (lineno == e->at && e->insert)
			strbuf_printf(&b, "%s\n", e->insert);
		strbuf_printf(&b, "%s\n", lineno == e->at ? e->at_line : line);
	}
	/* A file without a final newline gets one only when lines are added. */
	if (text && *text && text[strlen(text) - 1] != '\n' && !e->appended && b.len && b.s)
		b.s[--b.len] = '\0';
	for (char **a = e->appended; a && *a; a++)
		strbuf_printf(&b, "%s\n", *a);
	return strbuf_steal(&b);
}

static int plan_line_edit(struct igp_plan *p, const struct line_edit *e)
{
	_cleanup_free_ char *before = NULL;
	char *after;
	struct igp_undo u = {.kind = IGP_UNDO_LINES};
	int r = igp_read_optional(e->path, &before);

	if (r < 0)
		return r;
	after = apply_line_edit(e, before);
	if (!after)
		return -ENOMEM;
	/* An admin's line changed: taking igpuctl's lines out would not give it
	 * back, so only a byte-exact restore is safe. */
	if (e->at)
		u.kind = IGP_UNDO_NONE;
	for (char **a = e->appended; a && *a && u.kind == IGP_UNDO_LINES; a++)
		if (strv_push(&u.lines, *a) < 0) {
			free(after);
			igp_undo_done(&u);
			return -ENOMEM;
		}
	if (e->insert && strv_push(&u.lines, e->insert) < 0) {
		free(after);
		igp_undo_done(&u);
		return -ENOMEM;
	}
	return igp_plan_add_file(p, e->path, TAKE_PTR(before), after, 0644, &u, 0, "SR-IOV settings at boot");
}

/* Remove igpuctl's whole file PATH, if it is there. */
static int plan_own_removal(struct igp_plan *p, const char *path)
{
	struct igp_undo u = {.kind = IGP_UNDO_OWNED};
	char *old = NULL;
	int r = igp_read_optional(path, &old);

	if (r < 0 || !old)
		return r;
	return igp_plan_add_file(p, path, old, NULL, 0644, &u, 0, "SR-IOV settings at boot");
}

/* Whether the own file PATH holds nothing but this PF's settings (then it
 * goes whole) rather than lines of other PFs too (setup's former
 * /etc/sysfs.d/igpuctl.conf). */
static bool own_file_is_pf_only(const struct persist_plan *pp, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t mine = 0, lines = 0;

	if (igp_read_optional(path, &text) < 0 || !text)
		return true;
	for (size_t i = 0; i < pp->ps.n; i++)
		mine += streq(pp->ps.v[i].path, path) && pp->ps.v[i].via == IGP_SRIOV_VIA_SYSFSUTILS;
	for (const char *l = text; l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		if (!line)
			return true;
		lines += line[strspn(line, " \t")] != '#' && line[strspn(line, " \t")] != '\0';
	}
	return mine >= lines;
}

/* igpuctl's settings outside where they now go: taken out. */
static int plan_own_elsewhere(struct persist_plan *pp, struct igp_plan *p)
{
	_cleanup_strv_free_ char **whole = NULL;
	int r;

	for (size_t i = 0; i < pp->ps.n; i++) {
		const struct igp_sriov_setting *s = &pp->ps.v[i];
		struct line_edit *e;
		if (!s->own || s == pp->admin_autoprobe ||
		    (streq(s->path, pp->store_path) && pp->store != IGP_SRIOV_STORE_SYSFS_CONF))
			continue;
		if (s->via == IGP_SRIOV_VIA_UDEV ||
		    (!streq(s->path, IGP_ETC_SYSFS_CONF) && own_file_is_pf_only(pp, s->path))) {
			if (!strv_contains(whole, s->path) && strv_push(&whole, s->path) < 0)
				return -ENOMEM;
			continue;
		}
		e = edit_of(pp, s->path);
		if (!e || edit_drop(e, s->line) < 0)
			return -ENOMEM;
	}
	for (char **w = whole; w && *w; w++)
		if ((r = plan_own_removal(p, *w)) < 0)
			return r;
	return 0;
}

/* igpuctl's attributes where igp_sriov_store() says. */
static int plan_own(struct persist_plan *pp, struct igp_plan *p)
{
	_cleanup_free_ char *text = NULL;
	struct line_edit *e;

	if (pp->store != IGP_SRIOV_STORE_SYSFS_CONF) {
		if (!pp->attrs || !*pp->attrs)
			return plan_own_removal(p, pp->store_path);
		text = render_own(pp);
		return text ? igp_modconf_plan_owned(p, pp->store_path, text, 0, "SR-IOV settings at boot")
			    : -ENOMEM;
	}
	e = edit_of(pp, IGP_ETC_SYSFS_CONF);
	if (!e)
		return -ENOMEM;
	for (char **a = pp->attrs; a && *a; a++) {
		const char *eq = strchr(*a, '=');
		if (strv_pushf(&e->appended, "%s/%.*s = %s # igpuctl", pp->rel, (int)(eq - *a), *a, eq + 1) <
		    0)
			return -ENOMEM;
	}
	return 0;
}

/* The admin's other settings of a different count race with the winner W. */
static int note_conflicts(struct persist_plan *pp, struct igp_plan *p, const struct igp_sriov_setting *w,
			  long n)
{
	for (const struct igp_sriov_setting *s = igp_sriov_persisted_find(&pp->ps, NUMVFS, NULL); s;
	     s = igp_sriov_persisted_find(&pp->ps, NUMVFS, s)) {
		_cleanup_free_ char *where = NULL;
		long v;
		if (s == w || s->own || (parse_long(s->value, 0, 65535, &v) == 0 && v == n))
			continue;
		where = igp_sriov_setting_where(s);
		if (!where)
			return -ENOMEM;
		igp_plan_add_note(
		    p,
		    "%s also sets the VF count of %s (%s): at boot the first write wins and the "
		    "other fails with EBUSY; remove that line.",
		    where, pp->pf->address, s->value);
	}
	return 0;
}

static int persist_plan_init(struct persist_plan *pp, const struct igp_host *h)
{
	const char *rel = igp_sysfs_relative(pp->pf->sysfs_path);
	int r = igp_sriov_persisted_load(pp->pf, &pp->ps);

	if (r >= 0)
		r = igp_sriov_store(h, &pp->store, &pp->store_why);
	if (r < 0)
		return r;
	pp->store_path = igp_sriov_store_path(pp->store, pp->pf->address);
	pp->rel = rel ? strdup(rel) : strdupf("bus/pci/devices/%s", pp->pf->address);
	return pp->store_path && pp->rel ? 0 : -ENOMEM;
}

int igp_sriov_plan_persist(struct igp_plan *p, const struct igp_host *h, const struct igp_pci_dev *pf,
			   const struct igp_sriov_persist_req *req, char **ret_path)
{
	struct persist_plan pp = {.pf = pf, .req = req};
	const struct igp_sriov_setting *win, *admin = NULL;
	long n = req->count;
	int r = persist_plan_init(&pp, h);

	if (r < 0)
		goto out;
	win = igp_sriov_persisted_find(&pp.ps, NUMVFS, NULL);
	/* The admin's first setting keeps the count: igpuctl adds no second one. */
	for (admin = win; admin && admin->own;)
		admin = igp_sriov_persisted_find(&pp.ps, NUMVFS, admin);
	/* Without a new count, igpuctl's count that wins at boot now stays;
	 * an admin's later one races with it and gets a note. */
	if (req->count < 0 && win && win->own)
		admin = NULL;
	if (n < 0 && win && parse_long(win->value, 0, 65535, &n) < 0)
		n = -1;
	if (admin)
		autoprobe_before(&pp, admin);
	r = own_attrs(&pp, !admin, n);
	if (r >= 0 && admin && req->count >= 0)
		r = plan_admin_count(&pp, p, admin, n);
	if (r >= 0)
		r = plan_own_elsewhere(&pp, p);
	if (r >= 0)
		r = plan_own(&pp, p);
	for (size_t i = 0; r >= 0 && i < pp.n_edits; i++)
		r = plan_line_edit(p, &pp.edits[i]);
	if (r >= 0 && n >= 0)
		r = note_conflicts(&pp, p, admin, n);
	if (r >= 0 && !admin && pp.attrs && *pp.attrs)
		r = igp_plan_add_note(p, "SR-IOV settings of %s at boot: %s (%s).", pf->address,
				      pp.store_path, pp.store_why);
	if (r >= 0 && ret_path && !pp.admin_uneditable) {
		*ret_path = admin		    ? strdup(admin->path)
			    : pp.attrs && *pp.attrs ? strdup(pp.store_path)
						    : NULL;
		if ((admin || (pp.attrs && *pp.attrs)) && !*ret_path)
			r = -ENOMEM;
	}
out:
	persist_plan_done(&pp);
	return r;
}
