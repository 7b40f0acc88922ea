/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <json-c/json.h>

#include "fault.h"
#include "fileio.h"
#include "journal.h"
#include "paths.h"
#include "util.h"

static void clean_dir_of(const char *path);

static const char *const undo_kinds[] = { "owned", "lines", "shell", "kline", "bls", "kernelstub" };
static const char *const op_kinds[] = { "add", "set", "remove" };

void igp_argvv_free(char ***v)
{
	for (size_t i = 0; v && v[i]; i++)
		strv_free(v[i]);
	free(v);
}

int igp_argvv_add(char ****v, char *const *argv)
{
	size_t n = 0;
	char ***nv, **copy = NULL;

	for (; *v && (*v)[n]; n++) {
		size_t k = 0;
		while ((*v)[n][k] && argv[k] && streq((*v)[n][k], argv[k]))
			k++;
		if (!(*v)[n][k] && !argv[k])
			return 0;
	}
	for (size_t i = 0; argv[i]; i++)
		if (strv_push(&copy, argv[i]) < 0) {
			strv_free(copy);
			return -ENOMEM;
		}
	nv = realloc(*v, (n + 2) * sizeof(char **));
	if (!nv) {
		strv_free(copy);
		return -ENOMEM;
	}
	nv[n] = copy;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

void igp_journal_done(struct igp_journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->e[i].path);
		free(j->e[i].before_file);
		free(j->e[i].after_file);
		igp_undo_done(&j->e[i].undo);
	}
	free(j->e);
	igp_argvv_free(j->pending);
	igp_argvv_free(j->revert_cmds);
	*j = (struct igp_journal){ 0 };
}

static struct json_object *strv_json(char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static struct json_object *argvv_json(char ***v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_object_array_add(a, strv_json(v[i]));
	return a;
}

static struct json_object *undo_json(const struct igp_undo *u)
{
	struct json_object *o = json_object_new_object(), *ops = json_object_new_array();

	json_object_object_add(o, "kind", json_object_new_string(undo_kinds[u->kind]));
	if (u->vars)
		json_object_object_add(o, "vars", strv_json(u->vars));
	if (u->add_var)
		json_object_object_add(o, "add_var", json_object_new_string(u->add_var));
	if (u->array)
		json_object_object_add(o, "array", json_object_new_boolean(true));
	for (size_t i = 0; i < u->n_ops; i++) {
		struct json_object *op = json_object_new_object();
		json_object_object_add(op, "op", json_object_new_string(op_kinds[u->ops[i].kind]));
		if (u->ops[i].token)
			json_object_object_add(op, "token", json_object_new_string(u->ops[i].token));
		if (u->ops[i].old)
			json_object_object_add(op, "old", json_object_new_string(u->ops[i].old));
		json_object_array_add(ops, op);
	}
	json_object_object_add(o, "ops", ops);
	if (u->lines)
		json_object_object_add(o, "lines", strv_json(u->lines));
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int json_strv(struct json_object *o, const char *key, char ***ret)
{
	struct json_object *a;
	char **v = NULL;
	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array)) {
		*ret = NULL;
		return 0;
	}
	v = calloc(1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string) ||
		    strv_push(&v, json_object_get_string(s)) < 0) {
			strv_free(v);
			return -EBADMSG;
		}
	}
	*ret = v;
	return 0;
}

static int json_argvv(struct json_object *o, const char *key, char ****ret)
{
	struct json_object *a;
	char ***v = NULL;
	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array)) {
		*ret = NULL;
		return 0;
	}
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *c = json_object_array_get_idx(a, i), *holder;
		char **argv = NULL;
		int r;
		holder = json_object_new_object();
		json_object_object_add(holder, "a", json_object_get(c));
		r = json_strv(holder, "a", &argv);
		json_object_put(holder);
		if (r < 0 || !argv || igp_argvv_add(&v, argv) < 0) {
			strv_free(argv);
			igp_argvv_free(v);
			return -EBADMSG;
		}
		strv_free(argv);
	}
	*ret = v;
	return 0;
}

static int undo_from_json(struct json_object *o, struct igp_undo *ret)
{
	struct igp_undo u = { 0 };
	struct json_object *ops, *arr;
	const char *kind = jstr(o, "kind"), *av = jstr(o, "add_var");
	size_t k;

	for (k = 0; k < ELEMENTSOF(undo_kinds); k++)
		if (kind && streq(kind, undo_kinds[k]))
			break;
	if (k == ELEMENTSOF(undo_kinds))
		return -EBADMSG;
	u.kind = (enum igp_undo_kind)k;
	if (json_strv(o, "vars", &u.vars) < 0 || json_strv(o, "lines", &u.lines) < 0)
		goto bad;
	if (av && !(u.add_var = strdup(av)))
		goto bad;
	if (json_object_object_get_ex(o, "array", &arr))
		u.array = json_object_get_boolean(arr);
	if (json_object_object_get_ex(o, "ops", &ops) && json_object_is_type(ops, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(ops); i++) {
			struct json_object *op = json_object_array_get_idx(ops, i);
			const char *name = jstr(op, "op"), *tok = jstr(op, "token"), *old = jstr(op, "old");
			struct igp_kop kop = { .index = -1 };
			size_t m;
			for (m = 0; m < ELEMENTSOF(op_kinds); m++)
				if (name && streq(name, op_kinds[m]))
					break;
			if (m == ELEMENTSOF(op_kinds) || (m != IGP_KOP_REMOVE && !tok) ||
			    (m != IGP_KOP_ADD && !old))
				goto bad;
			kop.kind = (enum igp_kop_kind)m;
			kop.token = (char *)tok;
			kop.old = (char *)old;
			{
				struct igp_undo one = { .ops = &kop, .n_ops = 1 };
				if (igp_undo_merge(&u, &one) < 0)
					goto bad;
			}
		}
	}
	*ret = u;
	return 0;
bad:
	igp_undo_done(&u);
	return -EBADMSG;
}

int igp_journal_load(struct igp_journal *ret)
{
	struct igp_journal j = { .next_id = 1 };
	_cleanup_free_ char *text = NULL;
	struct json_object *root, *entries, *v;
	int r;

	(void)igp_remove_stale_temps(IGP_VAR_LIB_IGPUCTL);
	(void)igp_remove_stale_temps(IGP_VAR_LIB_IGPUCTL_BACKUP);
	r = igp_read_optional(IGP_VAR_LIB_IGPUCTL_JOURNAL, &text);
	if (r < 0)
		return r;
	if (!text) {
		*ret = j;
		return 0;
	}
	j.existed = true;
	root = json_tokener_parse(text);
	if (!root)
		return -EBADMSG;
	r = -EBADMSG;
	if (json_object_object_get_ex(root, "next_id", &v))
		j.next_id = json_object_get_int64(v);
	if (json_object_object_get_ex(root, "gen", &v))
		j.gen = json_object_get_int64(v);
	if (json_argvv(root, "pending", &j.pending) < 0 ||
	    json_argvv(root, "revert_commands", &j.revert_cmds) < 0)
		goto out;
	if (json_object_object_get_ex(root, "entries", &entries) &&
	    json_object_is_type(entries, json_type_array)) {
		size_t n = json_object_array_length(entries);
		j.e = calloc(n + 1, sizeof(*j.e));
		if (!j.e) {
			r = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(entries, i), *u;
			struct igp_jentry *je = &j.e[j.n];
			const char *path = jstr(e, "path"), *bf = jstr(e, "before"), *af = jstr(e, "after");
			if (!path || !json_object_object_get_ex(e, "undo", &u))
				goto out;
			je->path = strdup(path);
			je->before_file = bf ? strdup(bf) : NULL;
			je->after_file = af ? strdup(af) : NULL;
			if (json_object_object_get_ex(e, "id", &v))
				je->id = json_object_get_int64(v);
			if (json_object_object_get_ex(e, "mode", &v))
				je->mode = (mode_t)json_object_get_int(v);
			if (json_object_object_get_ex(e, "refresh", &v))
				je->refresh = (unsigned)json_object_get_int(v);
			j.n++;
			if (!je->path || undo_from_json(u, &je->undo) < 0)
				goto out;
		}
	}
	*ret = j;
	j = (struct igp_journal){ 0 };
	r = 0;
out:
	json_object_put(root);
	igp_journal_done(&j);
	return r;
}

static char *journal_text(const struct igp_journal *j)
{
	struct json_object *root = json_object_new_object(), *entries = json_object_new_array();
	char *s;

	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "next_id", json_object_new_int64(j->next_id));
	json_object_object_add(root, "gen", json_object_new_int64(j->gen));
	for (size_t i = 0; i < j->n; i++) {
		const struct igp_jentry *e = &j->e[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(e->id));
		json_object_object_add(o, "path", json_object_new_string(e->path));
		json_object_object_add(o, "before", e->before_file ? json_object_new_string(e->before_file) : NULL);
		json_object_object_add(o, "after", e->after_file ? json_object_new_string(e->after_file) : NULL);
		json_object_object_add(o, "mode", json_object_new_int((int)e->mode));
		json_object_object_add(o, "refresh", json_object_new_int((int)e->refresh));
		json_object_object_add(o, "undo", undo_json(&e->undo));
		json_object_array_add(entries, o);
	}
	json_object_object_add(root, "entries", entries);
	json_object_object_add(root, "pending", argvv_json(j->pending));
	json_object_object_add(root, "revert_commands", argvv_json(j->revert_cmds));
	s = strdupf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return s;
}

static int save_text(const char *s)
{
	int r = igp_fault("journal");
	if (r < 0)
		return r;
	r = igp_mkdir_parents(IGP_VAR_LIB_IGPUCTL_JOURNAL, 0755);
	if (r < 0)
		return r;
	return igp_write_file_atomic(IGP_VAR_LIB_IGPUCTL_JOURNAL, s, strlen(s), 0600);
}

int igp_journal_save(const struct igp_journal *j)
{
	_cleanup_free_ char *s = journal_text(j);
	if (!s)
		return -ENOMEM;
	return save_text(s);
}

int igp_journal_remove(struct igp_journal *j)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	for (size_t i = 0; i < j->n; i++)
		clean_dir_of(j->e[i].path);
	/* The journal first: backups without a journal are inert. */
	r = igp_unlink_durable(IGP_VAR_LIB_IGPUCTL_JOURNAL);
	if (r < 0 && r != -ENOENT)
		return r;
	if (igp_list_dir(IGP_VAR_LIB_IGPUCTL_BACKUP, &names) >= 0)
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = igp_path_join(IGP_VAR_LIB_IGPUCTL_BACKUP, *n);
			if (!p)
				return -ENOMEM;
			r = igp_unlink_durable(p);
			if (r < 0 && r != -ENOENT)
				return r;
		}
	return 0;
}

int igp_journal_backup(const char *name, char **ret)
{
	_cleanup_free_ char *p = NULL;
	char *s;
	int r;

	if (!name) {
		*ret = NULL;
		return 0;
	}
	p = igp_path_join(IGP_VAR_LIB_IGPUCTL_BACKUP, name);
	if (!p)
		return -ENOMEM;
	r = igp_read_file(p, &s, NULL);
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

static int write_backup(struct igp_journal *j, long id, const char *kind, const char *text,
			char **ret_name)
{
	_cleanup_free_ char *name = NULL, *p = NULL;
	int r;

	if (!text) {
		*ret_name = NULL;
		return 0;
	}
	name = strdupf("%ld-%ld.%s", id, ++j->gen, kind);
	p = name ? igp_path_join(IGP_VAR_LIB_IGPUCTL_BACKUP, name) : NULL;
	if (!p)
		return -ENOMEM;
	r = igp_mkdir_parents(IGP_VAR_LIB_IGPUCTL_JOURNAL, 0755);
	if (r >= 0)
		r = igp_mkdir_parents(p, 0700);
	if (r < 0)
		return r;
	r = igp_write_file_atomic(p, text, strlen(text), 0600);
	if (r < 0)
		return r;
	*ret_name = TAKE_PTR(name);
	return 0;
}

static struct igp_jentry *find_entry(struct igp_journal *j, const char *path)
{
	for (size_t i = 0; i < j->n; i++)
		if (streq(j->e[i].path, path))
			return &j->e[i];
	return NULL;
}

static int write_target(const char *path, const char *text, mode_t mode)
{
	int r;
	if (!text) {
		r = igp_unlink_durable(path);
		return r == -ENOENT ? 0 : r;
	}
	r = igp_mkdir_parents(path, 0755);
	if (r < 0)
		return r;
	return igp_write_file_atomic(path, text, strlen(text), mode);
}

/* Temp files a killed igpuctl left next to PATH (never read by anyone:
 * their names end in no configuration suffix), removed before PATH is
 * written again. */
static void clean_dir_of(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	(void)igp_remove_stale_temps(dir);
}

static int apply_one(struct igp_journal *j, const struct igp_file_change *f)
{
	struct igp_jentry *e = find_entry(j, f->path);
	_cleanup_free_ char *bf = NULL, *af = NULL;
	int r;

	if (!e) {
		struct igp_jentry *nv = realloc(j->e, (j->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		j->e = nv;
		e = &nv[j->n];
		*e = (struct igp_jentry){ .id = j->next_id++, .mode = f->mode };
		if (f->before)
			(void)igp_file_mode(f->path, &e->mode);
		e->mode &= 07777;
		if (!(e->path = strdup(f->path)))
			return -ENOMEM;
		e->undo.kind = f->undo.kind;
		j->n++;
		r = write_backup(j, e->id, "before", f->before, &bf);
		if (r < 0)
			return r;
		free(e->before_file);
		e->before_file = TAKE_PTR(bf);
	} else {
		_cleanup_free_ char *last = NULL, *orig = NULL;
		r = igp_journal_backup(e->after_file, &last);
		if (r < 0 && r != -ENOENT)
			return r;
		r = igp_journal_backup(e->before_file, &orig);
		if (r < 0 && r != -ENOENT)
			return r;
		/* Changed since igpuctl wrote it (and not merely never
		 * written): what revert should leave is now the user's
		 * version without igpuctl's part. */
		if (!streq_ptr(f->before, last) && !streq_ptr(f->before, orig)) {
			_cleanup_free_ char *base = NULL;
			bool del = false;
			if (f->before) {
				r = igp_undo_unapply(&e->undo, e->path, f->before, &base, &del);
				if (r < 0)
					return r;
			}
			r = write_backup(j, e->id, "before", del ? NULL : base, &bf);
			if (r < 0)
				return r;
			free(e->before_file);
			e->before_file = TAKE_PTR(bf);
		}
	}
	r = write_backup(j, e->id, "after", f->after, &af);
	if (r < 0)
		return r;
	free(e->after_file);
	e->after_file = TAKE_PTR(af);
	e->refresh |= f->refresh;
	r = igp_undo_merge(&e->undo, &f->undo);
	if (r < 0)
		return r;
	r = igp_journal_save(j);
	if (r < 0)
		return r;
	clean_dir_of(f->path);
	return write_target(f->path, f->after, f->mode);
}

int igp_journal_apply(struct igp_journal *j, const struct igp_plan *plan, char **ret_failed)
{
	_cleanup_free_ char *snapshot = journal_text(j);
	size_t done = 0;
	int r = 0;

	if (!snapshot)
		return -ENOMEM;
	for (; done < plan->n_files; done++) {
		r = apply_one(j, &plan->files[done]);
		if (r < 0)
			break;
	}
	if (r >= 0)
		return 0;
	if (ret_failed)
		*ret_failed = strdup(plan->files[done].path);
	/* Put back what this run wrote (the failed file may or may not have
	 * been replaced: its before text is right either way). */
	for (size_t i = done + 1; i-- > 0;) {
		const struct igp_file_change *f = &plan->files[i];
		(void)write_target(f->path, f->before, f->mode);
	}
	(void)save_text(snapshot);
	return r;
}

int igp_journal_revert_plan(const struct igp_journal *j, struct igp_plan *ret)
{
	struct igp_plan p = { 0 };
	int r = 0;

	for (size_t i = j->n; i-- > 0;) {
		const struct igp_jentry *e = &j->e[i];
		_cleanup_free_ char *cur = NULL, *before = NULL, *after = NULL;
		char *target = NULL;
		bool changed_since = false;
		struct igp_undo undo = { 0 };

		r = igp_read_optional(e->path, &cur);
		if (r >= 0)
			r = igp_journal_backup(e->before_file, &before);
		if (r >= 0)
			r = igp_journal_backup(e->after_file, &after);
		if (r < 0)
			goto fail;
		if (streq_ptr(cur, after)) {
			target = before ? strdup(before) : NULL;
			if (before && !target)
				goto oom;
		} else if (streq_ptr(cur, before)) {
			continue;
		} else {
			bool del = false;
			changed_since = true;
			if (cur) {
				r = igp_undo_unapply(&e->undo, e->path, cur, &target, &del);
				if (r < 0)
					goto fail;
			}
		}
		if (streq_ptr(cur, target)) {
			free(target);
			continue;
		}
		r = igp_undo_copy(&e->undo, &undo);
		if (r < 0) {
			free(target);
			goto fail;
		}
		r = igp_plan_add_file(&p, e->path, TAKE_PTR(cur), target, e->mode ? e->mode : 0644,
				      &undo, e->refresh,
				      changed_since ? "changed since igpuctl wrote it" : "restored");
		if (r < 0)
			goto fail;
		if (changed_since && p.n_files > 0 && streq(p.files[p.n_files - 1].path, e->path))
			p.files[p.n_files - 1].note =
				strdupf("%s was changed after igpuctl wrote it: only igpuctl's own "
					"%s were removed, the rest was kept",
					e->path,
					e->undo.kind == IGP_UNDO_LINES || e->undo.kind == IGP_UNDO_OWNED
						? "lines"
						: "parameters");
	}
	*ret = p;
	return 0;
oom:
	r = -ENOMEM;
fail:
	igp_plan_done(&p);
	return r;
}

int igp_journal_revert_apply(struct igp_journal *j, const struct igp_plan *plan, char **ret_failed)
{
	int r;

	/* Commands first: a crash after some files were restored must still
	 * lead to the refresh on the next run. */
	r = igp_journal_save(j);
	if (r < 0)
		return r;
	for (size_t i = 0; i < j->n; i++)
		clean_dir_of(j->e[i].path);
	for (size_t i = 0; i < plan->n_files; i++) {
		const struct igp_file_change *f = &plan->files[i];
		r = write_target(f->path, f->after, f->mode);
		if (r < 0) {
			if (ret_failed)
				*ret_failed = strdup(f->path);
			return r;
		}
	}
	for (size_t i = 0; i < j->n; i++) {
		free(j->e[i].path);
		free(j->e[i].before_file);
		free(j->e[i].after_file);
		igp_undo_done(&j->e[i].undo);
	}
	j->n = 0;
	igp_argvv_free(j->revert_cmds);
	j->revert_cmds = NULL;
	return igp_journal_save(j);
}
