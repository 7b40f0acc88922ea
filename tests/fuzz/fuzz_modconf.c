/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot-time configuration files: /etc/modules as modconf.c edits it and
 * checks read it, /etc/modprobe.d as the checks read it, and sysfsutils'
 * /etc/sysfs.conf as `igpuctl vfs --persist` edits it (sriov.c).  The input
 * is /etc/modules, then optionally "#@file modprobe.d/NAME.conf" and
 * "#@file sysfs.conf" sections.  The files go into a scratch root
 * (igp_root_set()), since these read through the path context.  Asserts:
 *   - planning setup's module lines changes /etc/modules only by appending
 *     the missing ones (and a newline the last line lacked);
 *   - the revert (igp_undo_unapply()) gives the old text back;
 *   - planning again on the result changes nothing;
 *   - the checks then find every planned module configured
 *     (ctx_module_configured()), reading the same file;
 *   - modprobe.d options and softdeps read back as words of the text;
 *   - sysfs.conf: only the PF's sriov_numvfs lines change, to "KEY = N";
 *     the same N again changes nothing.
 */
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "checks/checks_int.h"
#include "fuzz.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "vgpu/sriov.h"
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *etc = NULL;

	snprintf(root, sizeof(root), "%s/igp-fuzz-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	FZ_ASSERT(mkdtemp(root), "mkdtemp %s", root);
	atexit(rm_root);
	FZ_OOM(etc = strdupf("%s/etc", root));
	FZ_ASSERT(mkdir(etc, 0755) == 0, "mkdir %s", etc);
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
	free(c->modprobe_text);
}

static char *const lines[] = {
    "# igpuctl setup: modules for GPU passthrough", "vfio", "vfio_iommu_type1", "vfio-pci", "kvmgt", NULL};

static void modules(const char *text, size_t len)
{
	struct igp_plan p = {0}, p2 = {0};
	struct igp_host h = {0};
	struct check_ctx c = {.h = &h, .moddir_fd = -1, .modprobe_done = true};
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

static void modprobe(const char *text)
{
	static const char *const opts[][2] = {
	    {"vfio_pci", "ids"}, {"i915", "enable_guc"}, {"kvm", "ignore_msrs"}, {"vfio-pci", "disable_vga"}};
	struct igp_host h = {0};
	struct check_ctx c = {.h = &h, .moddir_fd = -1, .modprobe_done = true};
	const struct modconf_entry *e;
	size_t n;

	FZ_OOM(c.modprobe_text = strdup(text));
	for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
		_cleanup_free_ char *v = ctx_modprobe_option(&c, opts[i][0], opts[i][1]);
		FZ_ASSERT(!v || strstr(text, v), "option %s %s = [%s]", opts[i][0], opts[i][1], v);
	}
	FZ_ASSERT(ctx_modconf(&c, &e, &n) == 0, "modconf");
	for (size_t i = 0; i < n; i++)
		FZ_ASSERT(*e[i].name && !strchr(e[i].name, '-') && e[i].where, "entry [%s]", e[i].name);
	ctx_free(&c);
}

/* Is LINE this PF's sriov_numvfs setting ("KEY = VALUE", either spelling)? */
static bool numvfs_line(const char *line)
{
	static const char *const keys[] = {"bus/pci/devices/0000:00:02.0/sriov_numvfs",
					   "devices/pci0000:00/0000:00:02.0/sriov_numvfs"};
	const char *k = line + strspn(line, " \t"), *eq = strchr(k, '=');
	size_t kl;

	if (*k == '#' || !eq)
		return false;
	kl = (size_t)(eq - k);
	while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
		kl--;
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (strlen(keys[i]) == kl && !strncmp(k, keys[i], kl))
			return true;
	return false;
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

	put(IGP_ETC_SYSFS_CONF, text, strlen(text));
	if (igp_sriov_plan_persist(&p, &pf, 4, &path) < 0) {
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

static void sysfs_conf(const char *text)
{
	_cleanup_free_ char *after = NULL, *again = NULL;
	_cleanup_strv_free_ char **a = NULL, **b = NULL;

	if (!persist(text, &after))
		return; /* no line of this PF: the udev rule instead */
	a = fz_lines(text);
	b = fz_lines(after);
	FZ_ASSERT(strv_length(a) == strv_length(b), "lines added or lost: \"%s\" -> \"%s\"", text, after);
	for (size_t i = 0; a[i]; i++) {
		if (!numvfs_line(a[i])) {
			FZ_ASSERT(streq(a[i], b[i]), "line [%s] became [%s]", a[i], b[i]);
			continue;
		}
		FZ_ASSERT(numvfs_line(b[i]) && endswith(b[i], " = 4"), "[%s] set to [%s]", a[i], b[i]);
	}
	FZ_ASSERT(persist(after, &again) && streq(again, after), "persisting again changed it");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_file files[8];
	size_t n = fz_split_files((const char *)data, size, files, ELEMENTSOF(files));
	_cleanup_free_ char *mp = strdup("");

	FZ_OOM(mp);
	modules(files[0].text, files[0].len);
	put(IGP_ETC_MODULES, "", 0);
	/* ctx_modprobe_text()'s form: "# PATH" before each file's text. */
	for (size_t i = 1; i < n; i++) {
		_cleanup_free_ char *t = fz_cstring((const uint8_t *)files[i].text, files[i].len);
		if (startswith(files[i].name, "modprobe.d/"))
			FZ_OOM(strextendf(&mp, "# /etc/%s\n%s\n", files[i].name, t) == 0);
		if (streq(files[i].name, "sysfs.conf"))
			sysfs_conf(t);
	}
	modprobe(mp);
	put(IGP_ETC_SYSFS_CONF, "", 0);
	return 0;
}
