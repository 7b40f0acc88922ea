/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot-time configuration files: /etc/modules as modconf.c edits it and
 * checks read it, /etc/modprobe.d as the checks read it, and sysfsutils'
 * /etc/sysfs.conf as `igpuctl vfs --persist` edits it (sriov_persist.h).  The input
 * is /etc/modules, then optionally "#@file modprobe.d/NAME.conf" and
 * "#@file sysfs.conf" sections.  The files go into a scratch root
 * (igp_root_set()), since these read through the path context.  Asserts:
 *   - planning setup's module lines changes /etc/modules only by appending
 *     the missing ones (and a newline the last line lacked);
 *   - the revert (igp_undo_unapply()) gives the old text back;
 *   - planning again on the result changes nothing;
 *   - the checks then find every planned module configured
 *     (ctx_module_configured()), reading the same file;
 *   - modprobe.d (sections "modprobe.d/NAME", "run/modprobe.d/NAME",
 *     "usr/lib/modprobe.d/NAME", and "cmdline" for the kernel command line):
 *     every entry names a line of a file read, no file hidden by an earlier
 *     directory's of the same name is read, the files come in strcmp()
 *     order, the options written back line by line give the same values,
 *     and the checks' softdeps come out as configured modules;
 *   - sysfs.conf: of the admin's lines only the PF's first sriov_numvfs changes,
 *     to N (igpuctl's own lines, marked "# igpuctl", may come and go);
 *     the same N again changes nothing.
 */
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "checks/checks_int.h"
#include "fuzz.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "vgpu/sriov_persist.h"
#include "base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static char root[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rm_root(void)
{
	if (*root)
		nftw(root, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* The directories a "#@file DIR/NAME" section may name, highest precedence first. */
static const struct {
	const char *prefix, *dir;
} mp_dirs[] = {
    {"modprobe.d/", IGP_ETC_MODPROBE_D},
    {"run/modprobe.d/", IGP_RUN_MODPROBE_D},
    {"usr/lib/modprobe.d/", IGP_USR_LIB_MODPROBE_D},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *etc = NULL;

	snprintf(root, sizeof(root), "%s/igp-fuzz-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	FZ_ASSERT(mkdtemp(root), "mkdtemp %s", root);
	atexit(rm_root);
	FZ_OOM(etc = strdupf("%s/etc", root));
	FZ_ASSERT(mkdir(etc, 0755) == 0, "mkdir %s", etc);
	for (size_t d = 0; d < ELEMENTSOF(mp_dirs); d++) {
		_cleanup_free_ char *cmd = strdupf("mkdir -p '%s%s'", root, mp_dirs[d].dir);
		FZ_OOM(cmd);
		FZ_ASSERT(system(cmd) == 0, "%s", cmd);
	}
	FZ_ASSERT(igp_root_set(root) == 0, "root %s", root);
	return 0;
}

static void put(const char *path, const char *text, size_t len)
{
	_cleanup_free_ char *p = strdupf("%s%s", root, path);
	int fd;

	FZ_OOM(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FZ_ASSERT(fd >= 0 && write(fd, text, len) == (ssize_t)len && close(fd) == 0, "write %s", p);
}

static void ctx_free(struct check_ctx *c)
{
	for (size_t i = 0; i < c->n_modconf; i++) {
		free(c->modconf[i].name);
		free(c->modconf[i].where);
	}
	free(c->modconf);
	igp_modprobe_done(&c->modprobe);
}

static char *const lines[] = {
    "# igpuctl setup: modules for GPU passthrough", "vfio", "vfio_iommu_type1", "vfio-pci", "kvmgt", NULL};

static void modules(const char *text, size_t len)
{
	struct igp_plan p = {0}, p2 = {0};
	struct igp_host h = {0};
	struct check_ctx c = {.h = &h, .modprobe_done = true};
	_cleanup_free_ char *cur = NULL, *back = NULL, *want_back = NULL;
	bool del = false;
	int r;

	put(IGP_ETC_MODULES, text, len);
	if (memchr(text, '\0', len)) {
		/* A file with a NUL byte is refused on purpose, never read
		 * truncated (igp_read_optional()): setup plans nothing for it. */
		FZ_ASSERT(igp_read_optional(IGP_ETC_MODULES, &cur) == -EBADMSG, "NUL byte read");
		FZ_ASSERT(igp_modconf_plan_lines(&p, IGP_ETC_MODULES, lines, 0, "fuzz") < 0 && p.n_files == 0,
			  "planned a file with a NUL byte");
		igp_plan_done(&p);
		return;
	}
	FZ_ASSERT(igp_read_optional(IGP_ETC_MODULES, &cur) == 0 && cur, "read back");
	r = igp_modconf_plan_lines(&p, IGP_ETC_MODULES, lines, 0, "fuzz");
	FZ_ASSERT(r == 0, "plan: %d", r);
	if (p.n_files == 1) {
		const struct igp_file_change *f = &p.files[0];
		size_t n = strlen(cur);
		FZ_ASSERT(f->before && streq(f->before, cur) && f->after, "before/after");
		/* Only appended lines. */
		FZ_ASSERT(!strncmp(f->after, cur, n), "the old text changed: \"%s\" -> \"%s\"", cur,
			  f->after);
		FZ_OOM(want_back = strdupf("%s%s", cur, n && cur[n - 1] != '\n' ? "\n" : ""));
		r = igp_undo_unapply(&f->undo, IGP_ETC_MODULES, f->after, &back, &del);
		FZ_ASSERT(r == 0 && back && !del && streq(back, want_back), "revert: %d, \"%s\" for \"%s\"",
			  r, back ? back : "", want_back);
		put(IGP_ETC_MODULES, f->after, strlen(f->after));
		r = igp_modconf_plan_lines(&p2, IGP_ETC_MODULES, lines, 0, "fuzz");
		FZ_ASSERT(r == 0 && p2.n_files == 0, "planned twice: %d, \"%s\"", r, f->after);
	} else {
		FZ_ASSERT(p.n_files == 0, "%zu files", p.n_files);
	}
	/* What setup wrote (or found), the checks read. */
	for (char *const *l = lines + 1; *l; l++)
		FZ_ASSERT(ctx_module_configured(&c, *l), "%s not configured in \"%s\"", *l,
			  p.n_files ? p.files[0].after : cur);
	igp_plan_done(&p);
	igp_plan_done(&p2);
	ctx_free(&c);
}

struct mp_file {
	char path[128];
	const char *text;
	size_t len;
	size_t dir;
};

/* The lines of TEXT as kmod counts them (the last may lack its newline). */
static unsigned n_lines(const char *text, size_t len)
{
	unsigned n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n' && i + 1 < len;
	return n;
}

/* Every entry names a file read (or the command line) and a line of it;
 * a name hidden by an earlier directory's file is not read. */
static void modprobe_where(const struct igp_modprobe *m, const struct mp_file *f, size_t nf)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct igp_modprobe_entry *e = &m->entries[i];
		bool found = false;

		if (e->cmdline) {
			FZ_ASSERT(streq(e->where, "the kernel command line"), "where [%s]", e->where);
			continue;
		}
		/* underscores(): no '-' is left outside a [...] pattern */
		FZ_ASSERT(!strchr(e->module, '-') || strchr(e->module, '['), "module [%s]", e->module);
		/* the last section of a name is what the file holds */
		for (size_t k = nf; k-- > 0 && !found;) {
			size_t pl = strlen(f[k].path);
			unsigned line;
			if (strncmp(e->where, f[k].path, pl) || e->where[pl] != ':')
				continue;
			found = true;
			line = (unsigned)strtoul(e->where + pl + 1, NULL, 10);
			FZ_ASSERT(line >= 1 && line <= n_lines(f[k].text, f[k].len), "line of [%s]",
				  e->where);
			for (size_t j = 0; j < nf; j++)
				FZ_ASSERT(j == k || f[j].dir >= f[k].dir ||
					      !streq(strrchr(f[j].path, '/'), strrchr(f[k].path, '/')),
					  "%s read although %s hides it", f[k].path, f[j].path);
		}
		FZ_ASSERT(found, "entry of no file: [%s]", e->where);
	}
	for (size_t i = 0; m->files && m->files[i] && m->files[i + 1]; i++)
		FZ_ASSERT(strcmp(strrchr(m->files[i], '/'), strrchr(m->files[i + 1], '/')) < 0,
			  "files not in strcmp order: %s, %s", m->files[i], m->files[i + 1]);
}

/*
 * The options written back one line each ("options MODULE ARGS") give every
 * parameter the same value: the order of the files and of their lines is
 * the one modprobe applies.
 */
static void modprobe_rewrite(const struct igp_modprobe *m)
{
	static const char *const opts[][2] = {
	    {"vfio_pci", "ids"}, {"i915", "enable_guc"}, {"kvm", "ignore_msrs"}, {"vfio-pci", "disable_vga"}};
	_cleanup_free_ char *text = strdup("");
	struct igp_modprobe m2 = {0};

	FZ_OOM(text);
	for (size_t i = 0; i < m->n; i++) {
		const struct igp_modprobe_entry *e = &m->entries[i];
		if (e->cmd != IGP_MODPROBE_OPTIONS || e->cmdline)
			continue;
		/* a backslash would escape again; a '[' is a pattern kmod
		 * keeps whole */
		if (strchr(e->args, '\\') || strchr(e->module, '['))
			return;
		FZ_OOM(strextendf(&text, "options %s %s\n", e->module, e->args) == 0);
	}
	FZ_ASSERT(igp_modprobe_parse(&m2, "/w.conf", text, strlen(text)) == 0, "parse");
	for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
		_cleanup_free_ char *a = NULL, *b = NULL;
		int ra = igp_modprobe_option(m, opts[i][0], opts[i][1], IGP_MODPROBE_FILES_ONLY, &a, NULL);
		int rb = igp_modprobe_option(&m2, opts[i][0], opts[i][1], 0, &b, NULL);
		FZ_ASSERT(ra == rb && streq_ptr(a, b), "%s.%s: [%s] then [%s] in \"%s\"", opts[i][0],
			  opts[i][1], a, b, text);
	}
	igp_modprobe_done(&m2);
}

static void modprobe(const struct mp_file *f, size_t nf, const char *cmdline)
{
	struct igp_modprobe m;
	struct igp_host h = {.cmdline = (char *)cmdline};
	struct check_ctx c = {.h = &h};
	const struct modconf_entry *e;
	size_t n;

	FZ_ASSERT(igp_modprobe_read(cmdline, &m) == 0, "read");
	modprobe_where(&m, f, nf);
	modprobe_rewrite(&m);
	/* The checks read the same: softdeps become configured modules. */
	FZ_ASSERT(ctx_modconf(&c, &e, &n) == 0, "modconf");
	for (size_t i = 0; i < n; i++)
		FZ_ASSERT(*e[i].name && !strchr(e[i].name, '-') && e[i].where, "entry [%s]", e[i].name);
	for (size_t i = 0; i < m.n; i++) {
		_cleanup_strv_free_ char **deps = NULL;
		if (m.entries[i].cmd != IGP_MODPROBE_SOFTDEP)
			continue;
		FZ_ASSERT(igp_modprobe_softdep_modules(&m.entries[i], &deps) == 0, "softdep");
		for (char **d = deps; *d; d++)
			FZ_ASSERT(ctx_module_configured(&c, *d), "softdep %s of [%s] not configured", *d,
				  m.entries[i].where);
	}
	igp_modprobe_done(&m);
	ctx_free(&c);
}

/* A file of modprobe.d named by a "#@file" section; false for other names. */
static bool modprobe_file(const struct fz_file *in, struct mp_file *out)
{
	for (size_t d = 0; d < ELEMENTSOF(mp_dirs); d++) {
		const char *name = in->name + strlen(mp_dirs[d].prefix);
		if (!startswith(in->name, mp_dirs[d].prefix) || !*name || strchr(name, '/') ||
		    streq(name, ".") || streq(name, ".."))
			continue;
		*out = (struct mp_file){.text = in->text, .len = in->len, .dir = d};
		snprintf(out->path, sizeof(out->path), "%s/%s", mp_dirs[d].dir, name);
		return true;
	}
	return false;
}

static void remove_files(const struct mp_file *f, size_t nf)
{
	for (size_t i = 0; i < nf; i++) {
		_cleanup_free_ char *p = strdupf("%s%s", root, f[i].path);
		FZ_OOM(p);
		FZ_ASSERT(remove(p) == 0 || errno == ENOENT, "remove %s", p);
	}
}

/* Is LINE a setting ("KEY = VALUE") of the PF's attribute ATTR (either
 * spelling of its directory), or with ATTR NULL of any of its attributes? */
static bool pf_line(const char *line, const char *attr)
{
	static const char *const dirs[] = {"bus/pci/devices/0000:00:02.0/",
					   "devices/pci0000:00/0000:00:02.0/"};
	const char *k = line + strspn(line, " \t"), *eq = strchr(k, '='), *hash = strchr(k, '#');
	size_t kl;

	if (*k == '#' || !eq || (hash && hash < eq))
		return false;
	/* sysfsutils strips "#..." first: "ATTR =#7" sets nothing. */
	if (eq + 1 + strspn(eq + 1, " \t") == (hash ? hash : eq + strlen(eq)))
		return false;
	kl = (size_t)(eq - k);
	while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
		kl--;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		size_t dl = strlen(dirs[i]);
		if (kl <= dl || strncmp(k, dirs[i], dl))
			continue;
		if (!attr || (kl - dl == strlen(attr) && !strncmp(k + dl, attr, kl - dl)))
			return true;
	}
	return false;
}

/* Is LINE this PF's sriov_numvfs setting? */
static bool numvfs_line(const char *line)
{
	return pf_line(line, "sriov_numvfs");
}

/* The plan of vfs --persist for sysfs.conf TEXT: *ret_after the text after it
 * (TEXT itself when nothing changes); false when it is not sysfs.conf. */
static bool persist(const char *text, char **ret_after)
{
	struct igp_pci_dev pf = {.address = "0000:00:02.0",
				 .sysfs_path = (char *)"/sys/devices/pci0000:00/0000:00:02.0"};
	_cleanup_free_ char *path = NULL;
	struct igp_plan p = {0};
	bool ours;

	const struct igp_sriov_persist_req req = {.count = 4, .by = "fuzz"};

	put(IGP_ETC_SYSFS_CONF, text, strlen(text));
	if (igp_sriov_plan_persist(&p, NULL, &pf, &req, &path) < 0) {
		igp_plan_done(&p);
		return false;
	}
	ours = streq(path, IGP_ETC_SYSFS_CONF);
	if (ours) {
		const struct igp_file_change *f = igp_plan_find(&p, IGP_ETC_SYSFS_CONF);
		FZ_ASSERT(!f || streq_ptr(f->before, text), "before");
		*ret_after = strdup(f && f->after ? f->after : text);
		FZ_OOM(*ret_after);
	}
	igp_plan_done(&p);
	return ours;
}

/* A line igpuctl marked as its own ("... # igpuctl"). */
static bool own_line(const char *line)
{
	const char *h = strchr(line, '#');

	return h && h != line + strspn(line, " \t") && startswith(h + 1 + strspn(h + 1, " \t"), "igpuctl");
}

static void sysfs_conf(const char *text)
{
	_cleanup_free_ char *after = NULL, *again = NULL;
	_cleanup_strv_free_ char **a = NULL, **b = NULL;
	bool first = true;
	size_t i = 0, j = 0;

	if (!persist(text, &after))
		return;
	a = fz_lines(text);
	b = fz_lines(after);
	/* The admin's lines stay, in order; only the first count of this PF
	 * changes, to 4; igpuctl's marked settings of this PF may come and go
	 * (any other line, marked or not, is the admin's). */
	for (;;) {
		while (a[i] && own_line(a[i]) && pf_line(a[i], NULL))
			i++;
		while (b[j] && own_line(b[j]) && pf_line(b[j], NULL))
			j++;
		if (!a[i] || !b[j])
			break;
		if (numvfs_line(a[i]) && first) {
			FZ_ASSERT(numvfs_line(b[j]) && strstr(b[j], "4"), "[%s] set to [%s]", a[i], b[j]);
			first = false;
		} else {
			FZ_ASSERT(streq(a[i], b[j]), "line [%s] became [%s]", a[i], b[j]);
		}
		i++, j++;
	}
	FZ_ASSERT(!a[i] && !b[j], "lines added or lost: \"%s\" -> \"%s\"", text, after);
	FZ_ASSERT(persist(after, &again) && streq(again, after), "persisting again changed it");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_file files[8];
	size_t n = fz_split_files((const char *)data, size, files, ELEMENTSOF(files)), nf = 0;
	struct mp_file mp[8];
	_cleanup_free_ char *cmdline = NULL;

	modules(files[0].text, files[0].len);
	put(IGP_ETC_MODULES, "", 0);
	for (size_t i = 1; i < n; i++) {
		_cleanup_free_ char *t = fz_cstring((const uint8_t *)files[i].text, files[i].len);
		if (modprobe_file(&files[i], &mp[nf])) {
			put(mp[nf].path, mp[nf].text, mp[nf].len);
			nf++;
		}
		if (streq(files[i].name, "cmdline")) {
			free(cmdline);
			cmdline = TAKE_PTR(t);
		} else if (streq(files[i].name, "sysfs.conf")) {
			sysfs_conf(t);
		}
	}
	modprobe(mp, nf, cmdline);
	remove_files(mp, nf);
	put(IGP_ETC_SYSFS_CONF, "", 0);
	return 0;
}
