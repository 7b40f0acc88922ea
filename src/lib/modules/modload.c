/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/paths.h"
#include "base/util.h"
#include "boot/shellvar.h"
#include "modules/initramfs.h"
#include "modules/modload.h"

void igp_modload_done(struct igp_modload *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		free(l->entries[i].name);
		free(l->entries[i].where);
	}
	if (l) {
		free(l->entries);
		*l = (struct igp_modload){0};
	}
}

int igp_modload_add(struct igp_modload *l, const char *name, size_t len, char *where)
{
	struct igp_modload_entry *v;
	char *n;

	if (!where)
		return -ENOMEM;
	n = strndup(name, len);
	v = n ? realloc(l->entries, (l->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(n);
		free(where);
		return -ENOMEM;
	}
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	l->entries = v;
	v[l->n++] = (struct igp_modload_entry){n, where};
	return 0;
}

const struct igp_modload_entry *igp_modload_find(const struct igp_modload *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (igp_module_name_eq(l->entries[i].name, name))
			return &l->entries[i];
	return NULL;
}

int igp_modload_scan_list(struct igp_modload *l, const char *path, const char *comments)
{
	_cleanup_free_ char *text = NULL;
	unsigned lineno = 0;

	if (igp_read_file(path, &text, NULL) < 0)
		return 0;
	for (const char *s = text; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		size_t b = strspn(s, " \t\r"), k = b;

		lineno++;
		/* A CR (a file from Windows) ends the name, as systemd strips it. */
		while (k < len && s[k] != ' ' && s[k] != '\t' && s[k] != '\r' && !strchr(comments, s[k]))
			k++;
		if (k > b && !strchr(comments, s[b])) {
			int r = igp_modload_add(l, s + b, k - b, strdupf("%s:%u", path, lineno));
			if (r < 0)
				return r;
		}
		s = nl ? nl + 1 : NULL;
	}
	return 0;
}

const char *const igp_modules_load_dirs[] = {IGP_ETC_MODULES_LOAD_D,	       IGP_RUN_MODULES_LOAD_D,
					     IGP_USR_LOCAL_LIB_MODULES_LOAD_D, IGP_USR_LIB_MODULES_LOAD_D,
					     IGP_LIB_MODULES_LOAD_D,	       NULL};

/* modules-load.d(5) as systemd-modules-load reads it (conf_files_list()):
 * a name in an earlier directory masks it in later ones (a link to
 * /dev/null reads empty), then all files in order of their names. */
static int scan_modules_load_d(struct igp_modload *l)
{
	const char *const *dirs = igp_modules_load_dirs;
	_cleanup_strv_free_ char **names = NULL, **paths = NULL;
	int r;

	for (size_t d = 0; dirs[d]; d++) {
		_cleanup_strv_free_ char **in = NULL;
		if (igp_list_dir(dirs[d], &in) < 0)
			continue;
		for (char **n = in; *n; n++) {
			if (**n == '.' || !endswith(*n, ".conf") || strv_contains(names, *n))
				continue;
			if (strv_push(&names, *n) < 0 || strv_consume(&paths, igp_path_join(dirs[d], *n)) < 0)
				return -ENOMEM;
		}
	}
	if (names)
		strv_sort(names);
	for (char **n = names; n && *n; n++)
		for (char **p = paths; *p; p++) {
			if (!streq(strrchr(*p, '/') + 1, *n))
				continue;
			r = igp_modload_scan_list(l, *p, "#;");
			if (r < 0)
				return r;
			break;
		}
	return 0;
}

int igp_modload_shell_doc(struct igp_shdoc *doc, const char *first, const char *dir, bool need_first)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = igp_read_file(first, &text, &len);

	if (r < 0 && need_first)
		return r;
	if (r >= 0 && (r = igp_shdoc_add(doc, first, text, len)) < 0)
		return r;
	if (igp_list_dir(dir, &names) < 0)
		return 0;
	strv_sort(names);
	for (char **nm = names; *nm; nm++) {
		_cleanup_free_ char *p = NULL, *t = NULL;
		if (!endswith(*nm, ".conf"))
			continue;
		p = igp_path_join(dir, *nm);
		if (!p)
			return -ENOMEM;
		if (igp_read_file(p, &t, &len) < 0)
			continue;
		r = igp_shdoc_add(doc, p, t, len);
		if (r < 0)
			return r;
	}
	return 0;
}

int igp_modload_scan_shell(struct igp_modload *l, const char *first, const char *dir, char *const *vars)
{
	struct igp_shdoc doc = {0};
	struct igp_shtok *t = NULL;
	size_t n = 0;
	int r = igp_modload_shell_doc(&doc, first, dir, false);

	if (r >= 0 && doc.n_files > 0)
		r = igp_shdoc_tokens(&doc, vars, &t, &n);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct igp_shfile *f = t[i].file >= 0 ? &doc.files[t[i].file] : NULL;
		r = igp_modload_add(l, t[i].text, strlen(t[i].text),
				    f ? strdupf("%s:%u", f->path, igp_text_line(f->text, t[i].start))
				      : strdupf("%s (%s)", first, vars[0]));
	}
	igp_shtoks_free(t, n);
	igp_shdoc_done(&doc);
	return r;
}

static int scan_softdeps(struct igp_modload *l, const struct igp_modprobe *mp)
{
	for (size_t i = 0; mp && i < mp->n; i++) {
		const struct igp_modprobe_entry *e = &mp->entries[i];
		_cleanup_strv_free_ char **mods = NULL;

		if (e->cmd != IGP_MODPROBE_SOFTDEP)
			continue;
		if (igp_modprobe_softdep_modules(e, &mods) < 0)
			return -ENOMEM;
		for (char **d = mods; *d; d++) {
			int r = igp_modload_add(l, *d, strlen(*d),
						strdupf("%s, softdep of %s", e->where, e->module));
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int igp_modload_read(const struct igp_initramfs *ir, const struct igp_modprobe *mp, struct igp_modload *ret)
{
	struct igp_modload l = {0};
	int r;

	r = igp_modload_scan_list(&l, IGP_ETC_MODULES, "#");
	if (r >= 0)
		r = scan_modules_load_d(&l);
	if (r >= 0 && ir && ir->ops && ir->ops->list_modules)
		r = ir->ops->list_modules(&l);
	if (r >= 0)
		r = scan_softdeps(&l, mp);
	if (r < 0) {
		igp_modload_done(&l);
		return r;
	}
	*ret = l;
	return 0;
}

const struct igp_merged_module igp_merged_modules[] = {
    {"vfio_virqfd", "vfio", "6.2", "modules.vfio_virqfd"},
    {"vfio_mdev", "mdev", "5.14", "modules.vfio_mdev"},
    {NULL, NULL, NULL, NULL},
};

const struct igp_merged_module *igp_merged_module_find(const char *name)
{
	for (const struct igp_merged_module *m = igp_merged_modules; m->name; m++)
		if (igp_module_name_eq(m->name, name))
			return m;
	return NULL;
}

bool igp_module_merged_in(const char *name, const char *release)
{
	const struct igp_merged_module *m = igp_merged_module_find(name);

	return m && release && version_compare(release, m->since) >= 0;
}

int igp_merged_modules_in(const char *release, char ***ret)
{
	char **v = NULL;

	for (const struct igp_merged_module *m = igp_merged_modules; m->name; m++)
		if (igp_module_merged_in(m->name, release) && strv_push(&v, m->name) < 0) {
			strv_free(v);
			return -ENOMEM;
		}
	*ret = v;
	return 0;
}
