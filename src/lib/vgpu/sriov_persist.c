/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The settings of a PF made at boot (udev rules, sysfsutils) and where igpuctl writes its own. */
#include <ctype.h>

#include "base/paths.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "model/versions.h"
#include "vgpu/sriov_persist.h"

#define OWN_UDEV_PREFIX "70-igpuctl-sriov-"
#define OWN_MARK "igpuctl"

void igp_sriov_persisted_done(struct igp_sriov_persisted *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].path);
		free(ps->v[i].attr);
		free(ps->v[i].value);
	}
	free(ps->v);
	*ps = (struct igp_sriov_persisted){0};
}

static int add_setting(struct igp_sriov_persisted *ps, enum igp_sriov_via via, const char *path,
		       unsigned line, const char *attr, size_t attr_len, const char *value, size_t value_len,
		       bool own, bool active)
{
	struct igp_sriov_setting *nv = realloc(ps->v, (ps->n + 1) * sizeof(*nv)), *s;

	if (!nv)
		return -ENOMEM;
	ps->v = nv;
	s = &ps->v[ps->n];
	*s = (struct igp_sriov_setting){.via = via, .line = line, .own = own, .active = active};
	s->path = strdup(path);
	s->attr = strndup(attr, attr_len);
	s->value = strndup(value, value_len);
	if (!s->path || !s->attr || !s->value) {
		free(s->path);
		free(s->attr);
		free(s->value);
		return -ENOMEM;
	}
	ps->n++;
	return 0;
}

/*
 * The part of the sysfs path KEY (relative to /sys) below the PF's
 * directory, or NULL: "devices/pci0000:00/0000:00:02.0/X",
 * "bus/pci/devices/0000:00:02.0/X" and "bus/pci/drivers/DRV/0000:00:02.0/X"
 * all name the PF's X.
 */
static const char *pf_attr_of(const char *key, size_t len, const struct igp_pci_dev *pf)
{
	const char *rel = igp_sysfs_relative(pf->sysfs_path), *rest = NULL;
	size_t al = strlen(pf->address);

	if (rel && len > strlen(rel) + 1 && strncmp(key, rel, strlen(rel)) == 0 && key[strlen(rel)] == '/')
		rest = key + strlen(rel) + 1;
	else if (len > 16 + al + 1 && startswith(key, "bus/pci/devices/") &&
		 strncmp(key + 16, pf->address, al) == 0 && key[16 + al] == '/')
		rest = key + 16 + al + 1;
	else if (len > 16 && startswith(key, "bus/pci/drivers/")) {
		const char *slash = memchr(key + 16, '/', len - 16);
		if (slash && (size_t)(key + len - slash) > al + 2 &&
		    strncmp(slash + 1, pf->address, al) == 0 && slash[1 + al] == '/')
			rest = slash + 1 + al + 1;
	}
	return rest && rest < key + len ? rest : NULL;
}

/*
 * One sysfsutils line, as Debian's /etc/init.d/sysfsutils (2.1.1-4)
 * reads it: "#" to the end of the line is a comment (sed 's/#.*$//'),
 * "attribute = value"; "mode ATTR = M" and "owner ATTR = O" set no value.
 * igpuctl marks its lines in shared files with a trailing "# igpuctl".
 */
static int sysfs_line(struct igp_sriov_persisted *ps, const struct igp_pci_dev *pf, const char *path,
		      unsigned lineno, const char *line, bool own_file)
{
	const char *hash = strchr(line, '#'), *end = hash ? hash : line + strlen(line), *k, *eq, *v;
	const char *attr;
	size_t kl, vl;
	bool own = own_file;

	if (hash) {
		const char *c = hash + 1 + strspn(hash + 1, " \t");
		own |= startswith(c, OWN_MARK);
	}
	k = line + strspn(line, " \t");
	eq = memchr(k, '=', (size_t)(end - k));
	if (!eq || k == eq)
		return 0;
	kl = (size_t)(eq - k);
	while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
		kl--;
	if (memchr(k, ' ', kl) || memchr(k, '\t', kl)) /* mode/owner lines */
		return 0;
	v = eq + 1 + strspn(eq + 1, " \t");
	vl = (size_t)(end - v);
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	attr = pf_attr_of(k, kl, pf);
	if (!attr || vl == 0)
		return 0;
	return add_setting(ps, IGP_SRIOV_VIA_SYSFSUTILS, path, lineno, attr, (size_t)(k + kl - attr), v, vl,
			   own, true);
}

static int load_sysfs_file(struct igp_sriov_persisted *ps, const struct igp_pci_dev *pf, const char *path,
			   bool own_file)
{
	_cleanup_free_ char *text = NULL;
	unsigned lineno = 0;
	int r;

	if (igp_read_file(path, &text, NULL) < 0)
		return 0;
	for (const char *l = text; l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		if (!line)
			return -ENOMEM;
		r = sysfs_line(ps, pf, path, ++lineno, line, own_file);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The value of ATTR{...}="..." at P (after the key's "}"): its assignment
 * operator ("=" or ":="), not a match ("==", "!="). */
static const char *udev_assignment(const char *p)
{
	p += strspn(p, " \t");
	if (*p == ':')
		p++;
	if (*p != '=' || p[1] == '=')
		return NULL;
	p++;
	p += strspn(p, " \t");
	return *p == '"' ? p + 1 : NULL;
}

/* Whether RULE (one logical line) applies to the PF by its kernel name. */
static bool udev_rule_names(const char *rule, const char *address)
{
	static const char *const keys[] = {"KERNEL==\"", "KERNELS==\""};

	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		for (const char *p = strstr(rule, keys[i]); p; p = strstr(p + 1, keys[i])) {
			const char *v = p + strlen(keys[i]);
			if ((p == rule || !isalnum((unsigned char)p[-1])) &&
			    strncmp(v, address, strlen(address)) == 0 && v[strlen(address)] == '"')
				return true;
		}
	return false;
}

static int udev_rule(struct igp_sriov_persisted *ps, const struct igp_pci_dev *pf, const char *path,
		     unsigned lineno, const char *rule, bool own, bool active)
{
	int r;

	if (rule[strspn(rule, " \t")] == '#' || !udev_rule_names(rule, pf->address))
		return 0;
	for (const char *p = strstr(rule, "ATTR{"); p; p = strstr(p + 1, "ATTR{")) {
		const char *key = p + 5, *close, *val;
		if (p > rule && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue; /* SYSATTR{, ATTRS{ is another key */
		close = strchr(key, '}');
		if (!close || !(val = udev_assignment(close + 1)))
			continue;
		r = add_setting(ps, IGP_SRIOV_VIA_UDEV, path, lineno, key, (size_t)(close - key), val,
				strcspn(val, "\""), own, active);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_udev_file(struct igp_sriov_persisted *ps, const struct igp_pci_dev *pf, const char *path,
			  bool own, bool active)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_strbuf_ struct strbuf rule = {};
	unsigned lineno = 0, first = 0;
	int r;

	if (igp_read_file(path, &text, NULL) < 0)
		return 0;
	for (const char *l = text; l && *l;) {
		_cleanup_free_ char *line = strdup_line(&l);
		size_t len;
		if (!line)
			return -ENOMEM;
		lineno++;
		if (strbuf_empty(&rule))
			first = lineno;
		len = strlen(line);
		/* udev joins a line ending in a backslash with the next. */
		if (len && line[len - 1] == '\\') {
			strbuf_add(&rule, line, len - 1);
			continue;
		}
		strbuf_puts(&rule, line);
		if (rule.oom)
			return -ENOMEM;
		r = udev_rule(ps, pf, path, first, strbuf_str(&rule), own, active);
		if (r < 0)
			return r;
		strbuf_done(&rule);
		rule = (struct strbuf){};
	}
	return 0;
}

static int cmp_basename(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	return strcmp(strrchr(x, '/') + 1, strrchr(y, '/') + 1);
}

/* udev reads rules from these directories, a name in an earlier one hiding
 * the same name in the later ones (udev(7), "Rules Files"). */
static const char *const udev_dirs[] = {IGP_ETC_UDEV_RULES_D, IGP_USR_LIB_UDEV_RULES_D, IGP_LIB_UDEV_RULES_D};

static int load_udev(struct igp_sriov_persisted *ps, const struct igp_pci_dev *pf)
{
	_cleanup_strv_free_ char **files = NULL;
	int r;

	for (size_t d = 0; d < ELEMENTSOF(udev_dirs); d++) {
		_cleanup_strv_free_ char **names = NULL;
		if (igp_list_dir(udev_dirs[d], &names) < 0)
			continue;
		for (char **n = names; *n; n++)
			if (endswith(*n, ".rules") && strv_pushf(&files, "%s/%s", udev_dirs[d], *n) < 0)
				return -ENOMEM;
	}
	if (!files)
		return 0;
	/* Stable: for one name, the /etc file comes first and is the one read. */
	for (size_t i = 1, n = strv_length(files); i < n; i++)
		for (size_t j = i; j > 0 && cmp_basename(&files[j - 1], &files[j]) > 0; j--) {
			char *t = files[j];
			files[j] = files[j - 1];
			files[j - 1] = t;
		}
	for (size_t i = 0; files[i]; i++) {
		const char *name = strrchr(files[i], '/') + 1;
		bool etc = startswith(files[i], IGP_ETC_UDEV_RULES_D "/");
		bool active = i == 0 || cmp_basename(&files[i - 1], &files[i]) != 0;
		r = load_udev_file(ps, pf, files[i], etc && startswith(name, OWN_UDEV_PREFIX), active);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_sysfsutils(struct igp_sriov_persisted *ps, const struct igp_pci_dev *pf)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = load_sysfs_file(ps, pf, IGP_ETC_SYSFS_CONF, false);

	if (r < 0 || igp_list_dir(IGP_ETC_SYSFS_D, &names) < 0)
		return r;
	strv_sort(names); /* the init script's glob order */
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *path = NULL;
		if (!endswith(*n, ".conf"))
			continue;
		path = igp_path_join(IGP_ETC_SYSFS_D, *n);
		if (!path)
			return -ENOMEM;
		r = load_sysfs_file(ps, pf, path, startswith(*n, OWN_MARK));
		if (r < 0)
			return r;
	}
	return 0;
}

int igp_sriov_persisted_load(const struct igp_pci_dev *pf, struct igp_sriov_persisted *ret)
{
	struct igp_sriov_persisted ps = {0};
	int r = load_udev(&ps, pf);

	if (r >= 0)
		r = load_sysfsutils(&ps, pf);
	if (r < 0) {
		igp_sriov_persisted_done(&ps);
		return r;
	}
	*ret = ps;
	return 0;
}

const struct igp_sriov_setting *igp_sriov_persisted_find(const struct igp_sriov_persisted *ps,
							 const char *attr,
							 const struct igp_sriov_setting *after)
{
	size_t i = after ? (size_t)(after - ps->v) + 1 : 0;

	for (; i < ps->n; i++)
		if (ps->v[i].active && streq(ps->v[i].attr, attr))
			return &ps->v[i];
	return NULL;
}

char *igp_sriov_setting_where(const struct igp_sriov_setting *s)
{
	return strdupf("%s:%u", s->path, s->line);
}

/*
 * sysfsutils reads /etc/sysfs.d since Debian's 2.1.0+repack-3 (2013,
 * changelog: "Add init script support for manipulating sysfs using fragments
 * in /etc/sysfs.d", #575459).  Checked in the packages: bookworm's 2.1.1-4
 * /etc/init.d/sysfsutils loads "$CONFFILE" (/etc/sysfs.conf) and then
 * "$CONFDIR"/ *.conf (/etc/sysfs.d); trixie's and later sysfs.conf(5)
 * (2.1.1-6, -7) documents /etc/sysfs.d/ *.conf "loaded after the main
 * configuration file ... in glob order".  Only Debian and its derivatives
 * ship that boot script: Arch's and Fedora's sysfsutils are the library and
 * systool only, so there the package is no boot mechanism.
 */
static bool sysfsutils_reads_dir(const struct igp_pkg *pkg)
{
	_cleanup_free_ char *up = NULL;

	if (igp_pkg_upstream_version(pkg->version, &up) < 0)
		return false;
	if (version_compare(up, "2.1.0") > 0)
		return true;
	return version_compare(up, "2.1.0") == 0 && strstr(pkg->version, "+repack-") &&
	       version_compare(strstr(pkg->version, "+repack-") + 8, "3") >= 0;
}

int igp_sriov_store(const struct igp_host *h, enum igp_sriov_store *ret, char **ret_why)
{
	const struct igp_pkg *pkg = h ? igp_host_package(h, "sysfsutils") : NULL;
	_cleanup_free_ char *why = NULL;

	if (pkg && pkg->db == IGP_PKGDB_DPKG) {
		*ret = sysfsutils_reads_dir(pkg) ? IGP_SRIOV_STORE_SYSFS_D : IGP_SRIOV_STORE_SYSFS_CONF;
		why = strdupf("sysfsutils %s is installed%s", pkg->version,
			      *ret == IGP_SRIOV_STORE_SYSFS_D ? " and reads " IGP_ETC_SYSFS_D : "");
	} else if (!pkg && igp_is_dir(IGP_ETC_SYSFS_D)) {
		*ret = IGP_SRIOV_STORE_SYSFS_D;
		why = strdup("no package database lists sysfsutils, but " IGP_ETC_SYSFS_D " exists");
	} else if (!pkg && igp_exists(IGP_ETC_SYSFS_CONF)) {
		*ret = IGP_SRIOV_STORE_SYSFS_CONF;
		why = strdup("no package database lists sysfsutils, but " IGP_ETC_SYSFS_CONF " exists");
	} else {
		*ret = IGP_SRIOV_STORE_UDEV;
		why = pkg ? strdupf("sysfsutils %s has no boot script on this distribution: a udev rule",
				    pkg->version)
			  : strdup("sysfsutils is not installed: a udev rule");
	}
	if (!why)
		return -ENOMEM;
	if (ret_why)
		*ret_why = TAKE_PTR(why);
	return 0;
}

char *igp_sriov_store_path(enum igp_sriov_store store, const char *pf)
{
	switch (store) {
	case IGP_SRIOV_STORE_SYSFS_D:
		return strdupf("%s/" OWN_MARK "-sriov-%s.conf", IGP_ETC_SYSFS_D, pf);
	case IGP_SRIOV_STORE_SYSFS_CONF:
		return strdup(IGP_ETC_SYSFS_CONF);
	case IGP_SRIOV_STORE_UDEV:
		return strdupf("%s/" OWN_UDEV_PREFIX "%s.rules", IGP_ETC_UDEV_RULES_D, pf);
	}
	return NULL;
}
