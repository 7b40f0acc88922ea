/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/spawn.h"
#include "base/util.h"
#include "model/pkgdb.h"

/* rpm -qa prints some thousand lines of 40 bytes; far below this. */
#define RPM_LIST_MAX (16u << 20)

const char *igp_pkgdb_kind_name(enum igp_pkgdb_kind k)
{
	switch (k) {
	case IGP_PKGDB_DPKG:
		return "dpkg";
	case IGP_PKGDB_PACMAN:
		return "pacman";
	case IGP_PKGDB_RPM:
		return "rpm";
	}
	return "?";
}

static int add(struct igp_pkgdb *db, const char *name, size_t nl, const char *version, size_t vl,
	       enum igp_pkgdb_kind kind)
{
	struct igp_pkg *v = realloc(db->pkgs, (db->n + 1) * sizeof(*v));
	char *n, *ver;

	if (!v)
		return -ENOMEM;
	db->pkgs = v;
	n = strndup(name, nl);
	ver = strndup(version, vl);
	if (!n || !ver) {
		free(n);
		free(ver);
		return -ENOMEM;
	}
	db->pkgs[db->n++] = (struct igp_pkg){.name = n, .version = ver, .db = kind};
	return 0;
}

/* ---- dpkg ---- */

/* The value of "Field: value" in the stanza [s, end), or NULL.  Field names
 * are case-insensitive (deb822(5)); continuation lines start with a blank
 * and are no field of their own. */
static const char *stanza_field(const char *s, const char *end, const char *field, size_t *ret_len)
{
	size_t fl = strlen(field);

	for (const char *l = s; l && l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		const char *le = nl ? nl : end;
		if ((size_t)(le - l) > fl && strncasecmp(l, field, fl) == 0 && l[fl] == ':') {
			const char *v = l + fl + 1;
			size_t n;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			n = (size_t)(le - v);
			while (n > 0 && isspace((unsigned char)v[n - 1]))
				n--;
			*ret_len = n;
			return v;
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* Status "WANT FLAG STATE": installed when STATE is "installed", or one of
 * the triggers states of an installed package (dpkg-query's "ii"/"it"). */
static bool status_installed(const char *st, size_t len)
{
	_cleanup_free_ char *s = strndup(st, len);
	_cleanup_strv_free_ char **w = NULL;

	if (!s || strv_split(s, " \t", &w) < 0 || strv_length(w) != 3)
		return false;
	return streq(w[2], "installed") || streq(w[2], "triggers-pending") || streq(w[2], "triggers-awaited");
}

int igp_pkgdb_parse_dpkg(struct igp_pkgdb *db, const char *text)
{
	const char *s = text;

	while (s && *s) {
		const char *end = strstr(s, "\n\n");
		const char *stop = end ? end + 1 : s + strlen(s);
		const char *name, *st, *ver;
		size_t nl, sl, vl;
		int r;

		name = stanza_field(s, stop, "Package", &nl);
		st = stanza_field(s, stop, "Status", &sl);
		ver = stanza_field(s, stop, "Version", &vl);
		if (name && nl && st && ver && vl && status_installed(st, sl)) {
			r = add(db, name, nl, ver, vl, IGP_PKGDB_DPKG);
			if (r < 0)
				return r;
		}
		if (!end)
			break;
		s = end + 2;
	}
	return 0;
}

/* ---- pacman ---- */

/* The line after "%KEY%" in a desc file without the blanks around it, as
 * dpkg's fields are read, or NULL when it is empty. */
static const char *desc_value(const char *text, const char *key, size_t *ret_len)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len == kl && strncmp(l, key, kl) == 0 && nl) {
			const char *v = nl + 1;
			size_t n = strcspn(v, "\n");
			while (n > 0 && isspace((unsigned char)*v))
				v++, n--;
			while (n > 0 && isspace((unsigned char)v[n - 1]))
				n--;
			*ret_len = n;
			return n ? v : NULL;
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int igp_pkgdb_parse_pacman_desc(struct igp_pkgdb *db, const char *text)
{
	size_t nl, vl;
	const char *name = desc_value(text, "%NAME%", &nl), *ver = desc_value(text, "%VERSION%", &vl);

	if (!name || !ver)
		return -EINVAL;
	return add(db, name, nl, ver, vl, IGP_PKGDB_PACMAN);
}

static int load_pacman(struct igp_pkgdb *db)
{
	_cleanup_strv_free_ char **dirs = NULL;
	int r;

	if (igp_list_dir(IGP_VAR_LIB_PACMAN_LOCAL, &dirs) < 0)
		return 0;
	for (char **d = dirs; *d; d++) {
		_cleanup_free_ char *text = NULL;
		/* ALPM_DB_VERSION and entries without a desc are no packages. */
		r = igp_read_filef(&text, NULL, IGP_VAR_LIB_PACMAN_LOCAL "/%s/desc", *d);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = igp_pkgdb_parse_pacman_desc(db, text);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* ---- rpm ---- */

int igp_pkgdb_parse_rpm_list(struct igp_pkgdb *db, const char *text)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *tab = memchr(l, '\t', len);
		int r;

		if (tab && tab > l && (size_t)(tab - l) + 1 < len) {
			r = add(db, l, (size_t)(tab - l), tab + 1, len - (size_t)(tab - l) - 1,
				IGP_PKGDB_RPM);
			if (r < 0)
				return r;
		}
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int load_rpm(struct igp_pkgdb *db)
{
	/* The epoch only where there is one, as rpm's own EVR is written. */
	char *argv[] = {(char *)IGP_USR_BIN_RPM, (char *)"-qa", (char *)"--qf",
			(char *)"%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n", NULL};
	_cleanup_free_ char *text = NULL;
	int r;

	if (igp_read_file(IGP_CAPTURED_RPM_PACKAGES, &text, NULL) >= 0)
		return igp_pkgdb_parse_rpm_list(db, text);
	if (!igp_root_is_host() || !igp_exists(IGP_USR_BIN_RPM))
		return 0;
	r = igp_spawn_output(argv, RPM_LIST_MAX, &text);
	if (r == -ENOMEM)
		return r;
	/* Debian ships an rpm with an empty database; a failing rpm is no package. */
	return r < 0 ? 0 : igp_pkgdb_parse_rpm_list(db, text);
}

/* ---- the host's databases ---- */

static int cmp_pkg(const void *a, const void *b)
{
	const struct igp_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (int)x->db - (int)y->db;
}

void igp_pkgdb_sort(struct igp_pkgdb *db)
{
	if (db->n > 1)
		qsort(db->pkgs, db->n, sizeof(*db->pkgs), cmp_pkg);
}

void igp_pkgdb_done(struct igp_pkgdb *db)
{
	for (size_t i = 0; i < db->n; i++) {
		free(db->pkgs[i].name);
		free(db->pkgs[i].version);
	}
	free(db->pkgs);
	*db = (struct igp_pkgdb){0};
}

int igp_pkgdb_load(struct igp_pkgdb *ret)
{
	struct igp_pkgdb db = {0};
	_cleanup_free_ char *status = NULL;
	int r = 0;

	if (igp_read_file(IGP_VAR_LIB_DPKG_STATUS, &status, NULL) >= 0)
		r = igp_pkgdb_parse_dpkg(&db, status);
	if (r >= 0)
		r = load_pacman(&db);
	if (r >= 0)
		r = load_rpm(&db);
	if (r < 0) {
		igp_pkgdb_done(&db);
		return r;
	}
	igp_pkgdb_sort(&db);
	*ret = db;
	return 0;
}

const struct igp_pkg *igp_pkgdb_find(const struct igp_pkgdb *db, const char *name)
{
	size_t lo = 0, hi = db->n;

	/* The first of equal names: dpkg before pacman before rpm. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(db->pkgs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < db->n && streq(db->pkgs[lo].name, name) ? &db->pkgs[lo] : NULL;
}

int igp_pkg_upstream_version(const char *version, char **ret)
{
	const char *p = version, *colon, *dash;
	size_t n;

	/* [epoch:]upstream[-revision] (deb-version(7); pacman's and rpm's EVR
	 * have the same shape); upstream may carry +dfsg or ~rc. */
	colon = strchr(p, ':');
	if (colon)
		p = colon + 1;
	dash = strrchr(p, '-');
	n = dash ? (size_t)(dash - p) : strlen(p);
	for (size_t i = 0; i < n; i++)
		if (p[i] == '+' || p[i] == '~') {
			n = i;
			break;
		}
	if (n == 0 || !isdigit((unsigned char)p[0]))
		return -EINVAL;
	*ret = strndup(p, n);
	return *ret ? 0 : -ENOMEM;
}
