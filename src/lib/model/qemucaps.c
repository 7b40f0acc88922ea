/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/paths.h"
#include "base/spawn.h"
#include "base/util.h"
#include "model/host_cache.h"
#include "model/qemucaps.h"
#include "model/versions.h"

#define PROBE_MAGIC "# igpuctl qemu probe 1"
/* What QEMU prints for one question: a few kilobytes today. */
#define PROBE_OUTPUT_MAX (256 * 1024)
/* A probe or cache file: the four answers and a header. */
#define PROBE_FILE_MAX (4 * PROBE_OUTPUT_MAX)

/* The sections of a probe, in the order they are written. */
static const char *const sections[] = {
    "--version",
    "-device vfio-pci,help",
    "-device vfio-pci-nohotplug,help",
    "-machine help",
};
enum { SEC_VERSION, SEC_VFIO_PCI, SEC_NOHOTPLUG, SEC_MACHINE, _SEC_MAX };

/*
 * The IGD-related properties whose first release QEMU's history gives, for
 * a QEMU known only by its version (no probe).  hw/vfio/pci.c and
 * hw/vfio/igd.c of each release; libvirt's qemu_validate.c ("The 'display'
 * option for the 'vfio-pci' device was added in qemu-2.12"); QEMU 10.0 added
 * x-igd-legacy-mode and x-igd-lpc (docs/igd-assign.txt), and 10.1 turned
 * x-igd-opregion on by default ("Enable OpRegion on IGD devices by default").
 * Every property a renderer may emit is listed: an unlisted one of an
 * unprobed QEMU reads as unknown.
 */
static const struct known_prop {
	enum igp_qemu_driver driver;
	const char *name;
	const char *since;
	const char *default_on_since; /* NULL: always off */
} known_props[] = {
    {IGP_QEMU_VFIO_PCI, "host", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "sysfsdev", "2.6", NULL},
    {IGP_QEMU_VFIO_PCI, "x-vga", "1.4", NULL},
    {IGP_QEMU_VFIO_PCI, "rombar", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "romfile", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "addr", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "bus", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "id", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "multifunction", "1.3", NULL},
    {IGP_QEMU_VFIO_PCI, "x-igd-opregion", "2.7", "10.1"},
    {IGP_QEMU_VFIO_PCI, "x-igd-gms", "2.7", NULL},
    {IGP_QEMU_VFIO_PCI, "display", "2.12", NULL},
    {IGP_QEMU_VFIO_PCI, "x-igd-legacy-mode", "10.0", NULL},
    {IGP_QEMU_VFIO_PCI, "x-igd-lpc", "10.0", NULL},
    {IGP_QEMU_VFIO_PCI_NOHOTPLUG, "ramfb", "3.1", NULL},
};

const char *igp_qemu_driver_name(enum igp_qemu_driver d)
{
	return d == IGP_QEMU_VFIO_PCI_NOHOTPLUG ? "vfio-pci-nohotplug" : "vfio-pci";
}

void igp_qemu_caps_done(struct igp_qemu_caps *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->version);
	free(c->source);
	for (size_t d = 0; d < _IGP_QEMU_DRIVER_MAX; d++) {
		for (size_t i = 0; i < c->n_props[d]; i++) {
			free(c->props[d][i].name);
			free(c->props[d][i].type);
			free(c->props[d][i].def);
		}
		free(c->props[d]);
	}
	strv_free(c->machines);
	*c = (struct igp_qemu_caps){0};
}

static int prop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct igp_qemu_prop *)a)->name, ((const struct igp_qemu_prop *)b)->name);
}

/* One line of `-device DRIVER,help`: "  x-igd-opregion=<bool>  - on/off (default: false)". */
static int parse_prop_line(const char *line, struct igp_qemu_prop *ret)
{
	static const char dflt[] = "(default: ";
	const char *p = line, *eq, *lt, *gt, *d;

	if (!startswith(p, "  "))
		return 0;
	p += strspn(p, " ");
	eq = strchr(p, '=');
	if (!eq || eq == p || eq[1] != '<')
		return 0;
	for (const char *c = p; c < eq; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			return 0;
	lt = eq + 1;
	gt = strchr(lt, '>');
	if (!gt)
		return 0;
	*ret = (struct igp_qemu_prop){0};
	ret->name = strndup(p, (size_t)(eq - p));
	ret->type = strndup(lt + 1, (size_t)(gt - lt - 1));
	if (!ret->name || !ret->type)
		goto nomem;
	d = strstr(gt, dflt);
	if (d) {
		const char *e;
		d += strlen(dflt);
		e = strrchr(d, ')');
		if (e && e > d) {
			ret->def = strndup(d, (size_t)(e - d));
			if (!ret->def)
				goto nomem;
		}
	}
	return 1;
nomem:
	free(ret->name);
	free(ret->type);
	*ret = (struct igp_qemu_prop){0};
	return -ENOMEM;
}

static int parse_props(const char *body, struct igp_qemu_prop **ret, size_t *ret_n)
{
	struct igp_qemu_prop *v = NULL;
	size_t n = 0;
	const char *p = body;
	int r = 0;

	while (p && *p) {
		_cleanup_free_ char *line = strdup_line(&p);
		struct igp_qemu_prop prop, *nv;

		if (!line) {
			r = -ENOMEM;
			break;
		}
		r = parse_prop_line(line, &prop);
		if (r <= 0) {
			if (r < 0)
				break;
			continue;
		}
		nv = reallocarray(v, n + 1, sizeof(*v));
		if (!nv) {
			free(prop.name);
			free(prop.type);
			free(prop.def);
			r = -ENOMEM;
			break;
		}
		v = nv;
		v[n++] = prop;
		r = 0;
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++) {
			free(v[i].name);
			free(v[i].type);
			free(v[i].def);
		}
		free(v);
		return r;
	}
	if (n)
		qsort(v, n, sizeof(*v), prop_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* `-machine help`: a name per line after the heading, then its description;
 * "(alias of pc-i440fx-7.2)" names the machine the alias stands for. */
static int parse_machines(const char *body, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	const char *p = body;

	if (!v)
		return -ENOMEM;
	while (p && *p) {
		_cleanup_free_ char *line = strdup_line(&p);
		size_t n;

		if (!line)
			return -ENOMEM;
		n = strcspn(line, " \t");
		if (n == 0 || !isalnum((unsigned char)line[0]) || startswith(line, "Supported machines"))
			continue;
		line[n] = '\0';
		if (strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != n)
			continue;
		if (strv_push(&v, line) < 0)
			return -ENOMEM;
	}
	strv_sort(v);
	*ret = TAKE_PTR(v);
	return 0;
}

static int parse_header(const char *line, struct igp_qemu_caps *c)
{
	if (startswith(line, "path=")) {
		free(c->path);
		c->path = strdup(line + 5);
		return c->path ? 0 : -ENOMEM;
	}
	if (startswith(line, "size=")) {
		long v;
		if (parse_long(line + 5, 0, LONG_MAX, &v) == 0)
			c->size = (uint64_t)v;
		return 0;
	}
	if (startswith(line, "mtime=")) {
		long v;
		if (parse_long(line + 6, LONG_MIN, LONG_MAX, &v) == 0)
			c->mtime = v;
		return 0;
	}
	return 0;
}

/* Split TEXT into its sections' bodies (borrowed pointers into a copy). */
static int split_sections(char *text, struct igp_qemu_caps *c, char **bodies)
{
	char *p = text;
	int cur = -2; /* -2 header, -1 an unknown section */
	int r;

	while (*p) {
		char *nl = strchr(p, '\n');
		char *next = nl ? nl + 1 : p + strlen(p);

		if (startswith(p, "== ")) {
			if (nl)
				*nl = '\0';
			cur = -1;
			for (int i = 0; i < _SEC_MAX; i++)
				if (streq(p + 3, sections[i]))
					cur = i;
			if (cur >= 0)
				bodies[cur] = next;
			if (nl)
				*nl = '\n';
			/* The previous section ends here. */
			if (p > text)
				p[-1] = '\0';
		} else if (cur == -2) {
			if (nl)
				*nl = '\0';
			r = parse_header(p, c);
			if (nl)
				*nl = '\n';
			if (r < 0)
				return r;
		}
		p = next;
	}
	return 0;
}

int igp_qemu_probe_parse(const char *text, struct igp_qemu_caps *ret)
{
	_cleanup_free_ char *copy = NULL;
	char *bodies[_SEC_MAX] = {NULL};
	struct igp_qemu_caps c = {0};
	int r;

	*ret = (struct igp_qemu_caps){0};
	if (!startswith(text, PROBE_MAGIC "\n"))
		return -EINVAL;
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	r = split_sections(copy, &c, bodies);
	/* "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)": a
	 * binary that answers otherwise is no QEMU. */
	if (r >= 0 && (!bodies[SEC_VERSION] || !strstr(bodies[SEC_VERSION], "QEMU emulator version ")))
		r = -EINVAL;
	if (r >= 0)
		r = igp_qemu_version_from_output(strstr(bodies[SEC_VERSION], "QEMU emulator version "),
						 &c.version);
	if (r >= 0 && bodies[SEC_VFIO_PCI])
		r = parse_props(bodies[SEC_VFIO_PCI], &c.props[IGP_QEMU_VFIO_PCI],
				&c.n_props[IGP_QEMU_VFIO_PCI]);
	if (r >= 0 && bodies[SEC_NOHOTPLUG])
		r = parse_props(bodies[SEC_NOHOTPLUG], &c.props[IGP_QEMU_VFIO_PCI_NOHOTPLUG],
				&c.n_props[IGP_QEMU_VFIO_PCI_NOHOTPLUG]);
	if (r >= 0 && bodies[SEC_MACHINE])
		r = parse_machines(bodies[SEC_MACHINE], &c.machines);
	if (r < 0) {
		igp_qemu_caps_done(&c);
		return r;
	}
	/* A probe whose vfio-pci section is missing or empty was taken from
	 * a QEMU built without VFIO: it has none of the properties. */
	c.probed = true;
	*ret = c;
	return 0;
}

static int format_props(char **s, enum igp_qemu_driver d, const struct igp_qemu_caps *c)
{
	int r = strextendf(s, "== %s\n%s options:\n",
			   sections[d == IGP_QEMU_VFIO_PCI ? SEC_VFIO_PCI : SEC_NOHOTPLUG],
			   igp_qemu_driver_name(d));
	for (size_t i = 0; r >= 0 && i < c->n_props[d]; i++) {
		const struct igp_qemu_prop *p = &c->props[d][i];
		r = strextendf(s, "  %s=<%s>%s%s%s\n", p->name, p->type, p->def ? " - (default: " : "",
			       p->def ? p->def : "", p->def ? ")" : "");
	}
	return r;
}

int igp_qemu_probe_format(const struct igp_qemu_caps *c, char **ret)
{
	_cleanup_free_ char *s = NULL;
	int r;

	if (!c->probed || !c->version)
		return -EINVAL;
	r = strextendf(&s,
		       PROBE_MAGIC "\npath=%s\nsize=%" PRIu64 "\nmtime=%" PRId64
				   "\n== %s\nQEMU emulator version %s\n",
		       c->path ? c->path : "", c->size, c->mtime, sections[SEC_VERSION], c->version);
	for (int d = 0; r >= 0 && d < _IGP_QEMU_DRIVER_MAX; d++)
		r = format_props(&s, (enum igp_qemu_driver)d, c);
	if (r >= 0)
		r = strextendf(&s, "== %s\nSupported machines are:\n", sections[SEC_MACHINE]);
	for (size_t i = 0; r >= 0 && c->machines && c->machines[i]; i++)
		r = strextendf(&s, "%s\n", c->machines[i]);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

/* ---- Where the answer comes from ---- */

int igp_qemu_default_binary(const struct igp_host *h, char **ret)
{
	const char *path = getenv("PATH");

	if (igp_host_is_proxmox(h) && igp_exists(IGP_PVE_KVM))
		return (*ret = strdup(IGP_PVE_KVM)) ? 0 : -ENOMEM;
	if (igp_root_is_host() && path) {
		_cleanup_strv_free_ char **dirs = NULL;
		if (strv_split(path, ":", &dirs) < 0)
			return -ENOMEM;
		for (size_t i = 0; dirs[i]; i++) {
			_cleanup_free_ char *p = NULL;
			if (dirs[i][0] != '/')
				continue;
			p = strdupf("%s/qemu-system-x86_64", dirs[i]);
			if (!p)
				return -ENOMEM;
			if (access(p, X_OK) == 0) {
				*ret = TAKE_PTR(p);
				return 0;
			}
		}
	}
	return (*ret = strdup(IGP_USR_BIN_QEMU)) ? 0 : -ENOMEM;
}

/* The cache file of the binary at PATH: "/usr/bin/kvm" -> DIR/qemu-usr-bin-kvm.probe. */
static char *cache_path(const char *path)
{
	const char *dir = getenv("IGPUCTL_CACHE_DIR");
	_cleanup_free_ char *name = strdup(path);

	if (!name)
		return NULL;
	for (char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_')
			*c = '-';
	return strdupf("%s/qemu%s%s.probe", dir && *dir ? dir : IGP_QEMU_CACHE_DIR, name[0] == '-' ? "" : "-",
		       name);
}

static int read_probe_file(const char *file, bool host_path, struct igp_qemu_caps *ret)
{
	_cleanup_free_ char *text = NULL;
	size_t size;
	int r;

	if (host_path) {
		_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		r = igp_read_fd(fd, &text, &size);
	} else {
		r = igp_read_file(file, &text, &size);
	}
	if (r < 0)
		return r;
	if (size > PROBE_FILE_MAX || strlen(text) != size)
		return -EINVAL;
	return igp_qemu_probe_parse(text, ret);
}

/* Keep TEXT as the cache of the binary at PATH.  The cache is no
 * configuration: nothing is journaled, and a cache that cannot be written
 * (not root) only makes the next call cold. */
static int write_cache(const char *path, const char *text)
{
	_cleanup_free_ char *file = cache_path(path);
	char *slash;

	if (!file)
		return -ENOMEM;
	slash = strrchr(file, '/');
	*slash = '\0';
	if (mkdir(file, 0755) < 0 && errno != EEXIST)
		return -errno;
	*slash = '/';
	return igp_write_file_atomic(file, text, strlen(text), 0644);
}

/* Ask the binary at PATH (the real host's) its four answers. */
static int run_probe(const char *path, const struct stat *st, struct igp_qemu_caps *ret)
{
	_cleanup_free_ char *text = strdupf(PROBE_MAGIC "\npath=%s\nsize=%lld\nmtime=%lld\n", path,
					    (long long)st->st_size, (long long)st->st_mtime);
	static const char *const args[_SEC_MAX][2] = {
	    {"--version", NULL},
	    {"-device", "vfio-pci,help"},
	    {"-device", "vfio-pci-nohotplug,help"},
	    {"-machine", "help"},
	};
	int r;

	if (!text)
		return -ENOMEM;
	for (int i = 0; i < _SEC_MAX; i++) {
		char *argv[] = {(char *)path, (char *)args[i][0], (char *)args[i][1], NULL};
		_cleanup_free_ char *out = NULL;

		r = igp_spawn_output(argv, PROBE_OUTPUT_MAX, &out);
		/* A QEMU without VFIO answers "not a valid device model name"
		 * with an error: no properties, not no QEMU. */
		if (r < 0 && (i == SEC_VERSION || r != -EIO))
			return r;
		if (strextendf(&text, "== %s\n%s%s", sections[i], out ? out : "",
			       out && *out && !endswith(out, "\n") ? "\n" : "") < 0)
			return -ENOMEM;
	}
	r = igp_qemu_probe_parse(text, ret);
	if (r < 0)
		return r;
	(void)write_cache(path, text);
	return 0;
}

/* The real host's binary at PATH: the cache when its key matches, else a
 * new probe. */
static int load_host(const char *path, struct igp_qemu_caps *ret)
{
	_cleanup_free_ char *cache = cache_path(path);
	struct stat st;
	int r;

	if (!cache)
		return -ENOMEM;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -ENOENT;
	r = read_probe_file(cache, true, ret);
	if (r >= 0) {
		if (streq_ptr(ret->path, path) && ret->size == (uint64_t)st.st_size &&
		    ret->mtime == st.st_mtime)
			goto done;
		igp_qemu_caps_done(ret);
	} else if (r == -ENOMEM) {
		return r;
	}
	r = run_probe(path, &st, ret);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
done:
	free(ret->source);
	ret->source = strdupf("%s %s", path, ret->version);
	return ret->source ? 0 : -ENOMEM;
}

/* A --root tree: its captured probe, else the version its packages give. */
static int load_root(const struct igp_host *h, const char *path, struct igp_qemu_caps *ret)
{
	const struct igp_version *v;
	int r;

	r = read_probe_file(IGP_QEMU_PROBE_PATH, false, ret);
	if (r >= 0) {
		_cleanup_free_ char *p = ret->path;
		ret->path = strdup(p && *p ? p : path);
		free(ret->source);
		ret->source = strdupf("%s %s, probed by tools/capture-host", ret->path ? ret->path : path,
				      ret->version);
		return ret->path && ret->source ? 0 : -ENOMEM;
	}
	if (r == -ENOMEM)
		return r;
	r = igp_host_qemu(h, &v);
	if (r < 0)
		return r;
	*ret = (struct igp_qemu_caps){0};
	ret->path = strdup(path);
	ret->version = v->version ? strdup(v->version) : NULL;
	ret->source = strdup(v->source);
	if (!ret->path || !ret->source || (v->version && !ret->version)) {
		igp_qemu_caps_done(ret);
		return -ENOMEM;
	}
	return 0;
}

int igp_host_qemu_caps(const struct igp_host *h, const char *path, const struct igp_qemu_caps **ret)
{
	struct igp_host_cache *c = h->cache;
	_cleanup_free_ char *dflt = NULL;
	int r;

	if (!c)
		return -ENODATA;
	if (!path) {
		r = igp_qemu_default_binary(h, &dflt);
		if (r < 0)
			return r;
		path = dflt;
	}
	if (c->qemucaps_done && streq_ptr(c->qemucaps_path, path)) {
		*ret = &c->qemucaps;
		return c->qemucaps_r;
	}
	igp_qemu_caps_done(&c->qemucaps);
	free(c->qemucaps_path);
	c->qemucaps_path = strdup(path);
	if (!c->qemucaps_path)
		return -ENOMEM;
	c->qemucaps_done = true;
	if (igp_root_is_host()) {
		r = load_host(path, &c->qemucaps);
		/* No binary: the package database may still know the version
		 * (a QEMU installed elsewhere than we look). */
		if (r == -ENOENT && !dflt)
			r = -ENOENT;
		else if (r == -ENOENT)
			r = load_root(h, path, &c->qemucaps);
	} else {
		r = load_root(h, path, &c->qemucaps);
	}
	c->qemucaps_r = r;
	*ret = &c->qemucaps;
	return r;
}

void igp_qemucaps_cache_done(struct igp_host_cache *c)
{
	igp_qemu_caps_done(&c->qemucaps);
	free(c->qemucaps_path);
}

/* ---- Questions ---- */

static const struct igp_qemu_prop *find_prop(const struct igp_qemu_caps *c, enum igp_qemu_driver d,
					     const char *name)
{
	struct igp_qemu_prop key = {.name = (char *)name};

	if (!c->n_props[d])
		return NULL;
	return bsearch(&key, c->props[d], c->n_props[d], sizeof(key), prop_cmp);
}

static const struct known_prop *find_known(enum igp_qemu_driver d, const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(known_props); i++)
		if (known_props[i].driver == d && streq(known_props[i].name, name))
			return &known_props[i];
	/* vfio-pci-nohotplug has every property of vfio-pci. */
	if (d == IGP_QEMU_VFIO_PCI_NOHOTPLUG)
		return find_known(IGP_QEMU_VFIO_PCI, name);
	return NULL;
}

char *igp_qemu_caps_name(const struct igp_qemu_caps *c)
{
	return strdupf("QEMU %s (%s)", c->version, c->source);
}

int igp_qemu_at_least(const struct igp_qemu_caps *c, const char *v)
{
	if (!c || !c->version)
		return -ENODATA;
	return version_compare(c->version, v) >= 0;
}

int igp_qemu_has_prop(const struct igp_qemu_caps *c, enum igp_qemu_driver d, const char *prop)
{
	const struct known_prop *k;

	if (!c)
		return -ENODATA;
	if (c->probed)
		return find_prop(c, d, prop) != NULL;
	k = find_known(d, prop);
	if (!k || !c->version)
		return -ENODATA;
	return version_compare(c->version, k->since) >= 0;
}

const char *igp_qemu_prop_default(const struct igp_qemu_caps *c, enum igp_qemu_driver d, const char *prop)
{
	const struct known_prop *k;
	const struct igp_qemu_prop *p;

	if (!c)
		return NULL;
	if (c->probed) {
		p = find_prop(c, d, prop);
		return p ? p->def : NULL;
	}
	k = find_known(d, prop);
	if (!k || !c->version || version_compare(c->version, k->since) < 0)
		return NULL;
	return k->default_on_since && version_compare(c->version, k->default_on_since) >= 0 ? "true"
											    : "false";
}

int igp_qemu_has_machine(const struct igp_qemu_caps *c, const char *name)
{
	if (!c || !c->probed || !c->machines)
		return -ENODATA;
	return strv_contains(c->machines, name);
}
