/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <json-c/json.h>
#include <limits.h>
#include <time.h>

#include "base/fault.h"
#include "base/fileio.h"
#include "change/journal.h"
#include "base/paths.h"
#include "base/util.h"

IGP_ENUM_IMPL(igp_undo_kind, enum igp_undo_kind, IGP_UNDO_NONE + 1, [IGP_UNDO_OWNED] = "owned",
	      [IGP_UNDO_LINES] = "lines", [IGP_UNDO_SHELL] = "shell", [IGP_UNDO_KLINE] = "kline",
	      [IGP_UNDO_BLS] = "bls", [IGP_UNDO_KERNELSTUB] = "kernelstub", [IGP_UNDO_NONE] = "none");
IGP_ENUM_IMPL(igp_kop_kind, enum igp_kop_kind,
	      IGP_KOP_REMOVE + 1, [IGP_KOP_ADD] = "add", [IGP_KOP_SET] = "set", [IGP_KOP_REMOVE] = "remove");

void igp_argvv_free(char ***v)
{
	for (size_t i = 0; v && v[i]; i++)
		strv_free(v[i]);
	free(v);
}

size_t igp_argvv_length(char ***v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static bool argv_eq(char *const *a, char *const *b)
{
	size_t k = 0;
	while (a[k] && b[k] && streq(a[k], b[k]))
		k++;
	return !a[k] && !b[k];
}

int igp_argvv_add(char ****v, char *const *argv)
{
	size_t n = igp_argvv_length(*v);
	char ***nv, **copy = NULL;

	for (size_t i = 0; i < n; i++)
		if (argv_eq((*v)[i], argv))
			return 0;
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

void igp_jtarget_done(struct igp_jtarget *t)
{
	free(t->kind);
	free(t->path);
	free(t->before_file);
	free(t->after_file);
	igp_undo_done(&t->undo);
	*t = (struct igp_jtarget){0};
}

void igp_jchange_done(struct igp_jchange *c)
{
	for (size_t i = 0; i < c->n; i++)
		igp_jtarget_done(&c->t[i]);
	free(c->t);
	free(c->command);
	igp_argvv_free(c->revert_cmds);
	*c = (struct igp_jchange){0};
}

void igp_journal_done(struct igp_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		igp_jchange_done(&j->c[i]);
	free(j->c);
	igp_argvv_free(j->pending);
	*j = (struct igp_journal){0};
}

/* ---- writing ---- */

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

static void add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

static struct json_object *undo_json(const struct igp_undo *u)
{
	struct json_object *o = json_object_new_object(), *ops = json_object_new_array();

	add_str(o, "kind", igp_undo_kind_name(u->kind));
	if (u->vars)
		json_object_object_add(o, "vars", strv_json(u->vars));
	if (u->add_var)
		add_str(o, "add_var", u->add_var);
	if (u->array)
		json_object_object_add(o, "array", json_object_new_boolean(true));
	for (size_t i = 0; i < u->n_ops; i++) {
		struct json_object *op = json_object_new_object();
		add_str(op, "op", igp_kop_kind_name(u->ops[i].kind));
		if (u->ops[i].token)
			add_str(op, "token", u->ops[i].token);
		if (u->ops[i].old)
			add_str(op, "old", u->ops[i].old);
		json_object_array_add(ops, op);
	}
	json_object_object_add(o, "ops", ops);
	if (u->lines)
		json_object_object_add(o, "lines", strv_json(u->lines));
	if (u->removed)
		json_object_object_add(o, "removed", strv_json(u->removed));
	return o;
}

static struct json_object *target_json(const struct igp_jtarget *t)
{
	struct json_object *o = json_object_new_object();
	if (t->kind)
		add_str(o, "kind", t->kind);
	add_str(o, "path", t->path);
	add_str(o, "before", t->before_file);
	add_str(o, "after", t->after_file);
	json_object_object_add(o, "mode", json_object_new_int((int)t->mode));
	json_object_object_add(o, "refresh", json_object_new_int((int)t->refresh));
	json_object_object_add(o, "undo", undo_json(&t->undo));
	return o;
}

static struct json_object *change_json(const struct igp_jchange *c)
{
	struct json_object *o = json_object_new_object(), *ts = json_object_new_array();
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "time", json_object_new_int64(c->time));
	add_str(o, "command", c->command);
	for (size_t i = 0; i < c->n; i++)
		json_object_array_add(ts, target_json(&c->t[i]));
	json_object_object_add(o, "targets", ts);
	json_object_object_add(o, "revert_commands", argvv_json(c->revert_cmds));
	if (c->pending)
		json_object_object_add(o, "pending", json_object_new_boolean(true));
	return o;
}

char *igp_journal_format(const struct igp_journal *j)
{
	struct json_object *root = json_object_new_object(), *cs = json_object_new_array();
	char *s;

	json_object_object_add(root, "version", json_object_new_int(IGP_JOURNAL_VERSION));
	json_object_object_add(root, "next_id", json_object_new_int64(j->next_id));
	json_object_object_add(root, "gen", json_object_new_int64(j->gen));
	for (size_t i = 0; i < j->n; i++)
		json_object_array_add(cs, change_json(&j->c[i]));
	json_object_object_add(root, "changes", cs);
	json_object_object_add(root, "pending", argvv_json(j->pending));
	s = strdupf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return s;
}

/* ---- reading, with validation ---- */

/* The reason a journal was refused, for the caller's message. */
struct jparse {
	char *why;
};

static int bad(struct jparse *p, const char *fmt, ...) _printf_(2, 3);
static int bad(struct jparse *p, const char *fmt, ...)
{
	va_list ap;
	if (!p->why) {
		va_start(ap, fmt);
		p->why = strdupvf(fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static struct json_object *get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static bool has_key(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) && v;
}

/* A string field: NULL absent/null (allowed when OPTIONAL), else a copy. */
static int get_str(struct jparse *p, struct json_object *o, const char *key, bool optional, char **ret)
{
	struct json_object *v = get(o, key, json_type_string);
	const char *s;

	*ret = NULL;
	if (!v) {
		if (optional && !(has_key(o, key)))
			return 0;
		return bad(p, "\"%s\" is missing or not a string", key);
	}
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return bad(p, "\"%s\" holds a NUL byte", key);
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int get_int(struct jparse *p, struct json_object *o, const char *key, long long lo, long long hi,
		   long long *ret)
{
	struct json_object *v = get(o, key, json_type_int);
	long long x;
	if (!v)
		return bad(p, "\"%s\" is missing or not an integer", key);
	x = json_object_get_int64(v);
	if (x < lo || x > hi)
		return bad(p, "\"%s\" is out of range", key);
	*ret = x;
	return 0;
}

static int get_strv(struct jparse *p, struct json_object *o, const char *key, bool nonempty, char ***ret)
{
	struct json_object *a = get(o, key, json_type_array);
	char **v = NULL;

	*ret = NULL;
	if (!a)
		return has_key(o, key) ? bad(p, "\"%s\" is not a list", key) : 0;
	v = calloc(1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string) ||
		    (size_t)json_object_get_string_len(s) != strlen(json_object_get_string(s)) ||
		    (nonempty && !*json_object_get_string(s))) {
			strv_free(v);
			return bad(p, "\"%s\" holds something other than a string", key);
		}
		if (strv_push(&v, json_object_get_string(s)) < 0) {
			strv_free(v);
			return -ENOMEM;
		}
	}
	*ret = v;
	return 0;
}

static int get_argvv(struct jparse *p, struct json_object *o, const char *key, char ****ret)
{
	struct json_object *a = get(o, key, json_type_array);
	char ***v = NULL;

	*ret = NULL;
	if (!a)
		return has_key(o, key) ? bad(p, "\"%s\" is not a list", key) : 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *holder = json_object_new_object();
		char **argv = NULL;
		int r;
		json_object_object_add(holder, "command", json_object_get(json_object_array_get_idx(a, i)));
		r = get_strv(p, holder, "command", true, &argv);
		json_object_put(holder);
		if (r >= 0 && !argv)
			r = bad(p, "\"%s\" holds something other than a command", key);
		if (r >= 0 && !argv[0])
			r = bad(p, "\"%s\" holds an empty command", key);
		if (r >= 0)
			r = igp_argvv_add(&v, argv);
		strv_free(argv);
		if (r < 0) {
			igp_argvv_free(v);
			return r;
		}
	}
	*ret = v;
	return 0;
}

static int parse_op(struct jparse *p, struct json_object *op, struct igp_undo *u)
{
	_cleanup_free_ char *name = NULL, *tok = NULL, *old = NULL;
	struct igp_kop kop = {.index = -1};
	int m, r;

	if (!json_object_is_type(op, json_type_object))
		return bad(p, "an undo operation is not an object");
	if ((r = get_str(p, op, "op", false, &name)) < 0 || (r = get_str(p, op, "token", true, &tok)) < 0 ||
	    (r = get_str(p, op, "old", true, &old)) < 0)
		return r;
	m = igp_kop_kind_from_name(name);
	if (m < 0)
		return bad(p, "unknown undo operation \"%s\"", name);
	if ((m != IGP_KOP_REMOVE && (!tok || !*tok)) || (m != IGP_KOP_ADD && (!old || !*old)))
		return bad(p, "undo operation \"%s\" without its token", name);
	kop.kind = (enum igp_kop_kind)m;
	kop.token = tok;
	kop.old = old;
	return igp_undo_merge(u, &(struct igp_undo){.ops = &kop, .n_ops = 1});
}

/* The undo record, checked for what igp_undo_unapply() relies on. */
static int parse_undo(struct jparse *p, struct json_object *o, struct igp_undo *ret)
{
	_cleanup_(igp_undo_done) struct igp_undo u = {};
	_cleanup_free_ char *kind = NULL;
	struct json_object *ops, *arr;
	int k, r;

	if (!json_object_is_type(o, json_type_object))
		return bad(p, "\"undo\" is not an object");
	if ((r = get_str(p, o, "kind", false, &kind)) < 0)
		return r;
	k = igp_undo_kind_from_name(kind);
	if (k < 0)
		return bad(p, "unknown undo kind \"%s\"", kind);
	u.kind = (enum igp_undo_kind)k;
	if ((r = get_strv(p, o, "vars", true, &u.vars)) < 0 ||
	    (r = get_strv(p, o, "lines", false, &u.lines)) < 0 ||
	    (r = get_strv(p, o, "removed", false, &u.removed)) < 0 ||
	    (r = get_str(p, o, "add_var", true, &u.add_var)) < 0)
		return r;
	if ((arr = get(o, "array", json_type_boolean)))
		u.array = json_object_get_boolean(arr);
	ops = get(o, "ops", json_type_array);
	for (size_t i = 0; ops && i < json_object_array_length(ops); i++)
		if ((r = parse_op(p, json_object_array_get_idx(ops, i), &u)) < 0)
			return r;
	if (u.kind == IGP_UNDO_SHELL && (!u.vars || !u.vars[0] || !u.add_var))
		return bad(p, "a shell undo record without its variables");
	*ret = TAKE_STRUCT(u);
	return 0;
}

/* "12-34.before": a backup name (no '/', nothing else). */
static bool backup_name_valid(const char *s)
{
	size_t a = strspn(s, "0123456789"), b;
	if (!a || s[a] != '-')
		return false;
	b = strspn(s + a + 1, "0123456789");
	return b && (streq(s + a + 1 + b, ".before") || streq(s + a + 1 + b, ".after"));
}

static bool host_path_valid(const char *s)
{
	_cleanup_free_ char *n = NULL;
	if (s[0] != '/')
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	n = igp_path_normalize(s);
	return n && streq(n, s);
}

static int parse_target(struct jparse *p, struct json_object *o, struct igp_jtarget *t)
{
	struct json_object *u;
	long long mode = 0644, refresh = 0;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return bad(p, "a target is not an object");
	if ((r = get_str(p, o, "kind", true, &t->kind)) < 0 ||
	    (r = get_str(p, o, "path", false, &t->path)) < 0 ||
	    (r = get_str(p, o, "before", true, &t->before_file)) < 0 ||
	    (r = get_str(p, o, "after", true, &t->after_file)) < 0)
		return r;
	if (!t->kind && !host_path_valid(t->path))
		return bad(p, "\"%s\" is not an absolute, normalised path", t->path);
	if (t->kind && (!*t->path || strchr(t->path, '\n')))
		return bad(p, "a %s target without a name", t->kind);
	if ((t->before_file && !backup_name_valid(t->before_file)) ||
	    (t->after_file && !backup_name_valid(t->after_file)))
		return bad(p, "%s: a backup name that is not igpuctl's", t->path);
	if ((has_key(o, "mode") && (r = get_int(p, o, "mode", 0, 07777, &mode)) < 0) ||
	    (has_key(o, "refresh") && (r = get_int(p, o, "refresh", 0, 0xff, &refresh)) < 0))
		return r;
	t->mode = (mode_t)mode;
	t->refresh = (unsigned)refresh;
	if (!json_object_object_get_ex(o, "undo", &u))
		return bad(p, "%s: no undo record", t->path);
	return parse_undo(p, u, &t->undo);
}

static int parse_targets(struct jparse *p, struct json_object *a, struct igp_jchange *c)
{
	size_t n = json_object_array_length(a);
	c->t = calloc(n + 1, sizeof(*c->t));
	if (!c->t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int r = parse_target(p, json_object_array_get_idx(a, i), &c->t[c->n]);
		c->n++;
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_change(struct jparse *p, struct json_object *o, struct igp_jchange *c)
{
	struct json_object *ts;
	long long id, t = 0;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return bad(p, "a change is not an object");
	if ((r = get_int(p, o, "id", 1, LONG_MAX / 2, &id)) < 0 ||
	    (has_key(o, "time") && (r = get_int(p, o, "time", 0, LLONG_MAX, &t)) < 0) ||
	    (r = get_str(p, o, "command", true, &c->command)) < 0 ||
	    (r = get_argvv(p, o, "revert_commands", &c->revert_cmds)) < 0)
		return r;
	c->id = (long)id;
	c->time = t;
	if (has_key(o, "pending")) {
		struct json_object *pd = get(o, "pending", json_type_boolean);
		if (!pd)
			return bad(p, "change %lld: \"pending\" is not a boolean", id);
		c->pending = json_object_get_boolean(pd);
	}
	if (!(ts = get(o, "targets", json_type_array)))
		return bad(p, "change %lld has no targets", id);
	return parse_targets(p, ts, c);
}

/* Version 1: {"entries": [...], "revert_commands": [...]}: one change. */
static int parse_v1(struct jparse *p, struct json_object *root, struct igp_journal *j)
{
	struct json_object *es = get(root, "entries", json_type_array);
	struct igp_jchange *c;
	int r;

	if (!es)
		return bad(p, "no \"entries\"");
	if (json_object_array_length(es) == 0)
		return 0;
	c = igp_journal_add_change(j, "(igpuctl 0.1)");
	if (!c)
		return -ENOMEM;
	c->time = 0;
	c->id = 1;
	j->next_id = j->next_id > 1 ? j->next_id : 2;
	r = get_argvv(p, root, "revert_commands", &c->revert_cmds);
	return r < 0 ? r : parse_targets(p, es, c);
}

static int parse_changes(struct jparse *p, struct json_object *root, struct igp_journal *j)
{
	struct json_object *cs = get(root, "changes", json_type_array);
	size_t n;

	if (!cs)
		return bad(p, "no \"changes\"");
	n = json_object_array_length(cs);
	j->c = calloc(n + 1, sizeof(*j->c));
	if (!j->c)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int r = parse_change(p, json_object_array_get_idx(cs, i), &j->c[j->n]);
		j->n++;
		if (r < 0)
			return r;
		for (size_t k = 0; k + 1 < j->n; k++)
			if (j->c[k].id == j->c[j->n - 1].id)
				return bad(p, "two changes have the id %ld", j->c[k].id);
		if (j->c[j->n - 1].id >= j->next_id)
			return bad(p, "change %ld is not below \"next_id\"", j->c[j->n - 1].id);
	}
	return 0;
}

static int parse_root(struct jparse *p, struct json_object *root, struct igp_journal *j)
{
	long long version, next_id = 1, gen = 0;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return bad(p, "not a JSON object");
	if ((r = get_int(p, root, "version", 0, INT32_MAX, &version)) < 0)
		return r;
	if (version > IGP_JOURNAL_VERSION) {
		(void)bad(p, "journal version %lld is newer than this igpuctl reads (%d)", version,
			  IGP_JOURNAL_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (version < 1)
		return bad(p, "unknown journal version %lld", version);
	if ((has_key(root, "next_id") && (r = get_int(p, root, "next_id", 1, LONG_MAX / 2, &next_id)) < 0) ||
	    (has_key(root, "gen") && (r = get_int(p, root, "gen", 0, LONG_MAX / 2, &gen)) < 0) ||
	    (r = get_argvv(p, root, "pending", &j->pending)) < 0)
		return r;
	j->next_id = (long)next_id;
	j->gen = (long)gen;
	return version == 1 ? parse_v1(p, root, j) : parse_changes(p, root, j);
}

int igp_journal_parse(const char *text, size_t len, struct igp_journal *ret, char **ret_why)
{
	struct igp_journal j = {.next_id = 1, .existed = true};
	struct jparse p = {0};
	struct json_tokener *tok;
	struct json_object *root = NULL;
	int r;

	if (memchr(text, '\0', len))
		r = bad(&p, "it holds a NUL byte");
	else if (!(tok = json_tokener_new()))
		r = -ENOMEM;
	else {
		root = json_tokener_parse_ex(tok, text, (int)(len < INT32_MAX ? len : INT32_MAX));
		if (!root || tok->char_offset != (int)len) {
			/* Trailing blanks are fine, anything else is not. */
			const char *rest = text + (root ? tok->char_offset : 0);
			if (!root || rest[strspn(rest, " \t\r\n")])
				r = bad(&p, "not valid JSON");
			else
				r = parse_root(&p, root, &j);
		} else
			r = parse_root(&p, root, &j);
		json_tokener_free(tok);
	}
	json_object_put(root);
	if (r < 0) {
		igp_journal_done(&j);
		if (ret_why)
			*ret_why = TAKE_PTR(p.why);
		free(p.why);
		return r;
	}
	free(p.why);
	*ret = j;
	return 0;
}

/* ---- files ---- */

int igp_journal_load(struct igp_journal *ret, char **ret_why)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = igp_read_file(IGP_VAR_LIB_IGPUCTL_JOURNAL, &text, &len);
	if (r == -ENOENT) {
		*ret = (struct igp_journal){.next_id = 1};
		return 0;
	}
	if (r < 0)
		return r;
	return igp_journal_parse(text, len, ret, ret_why);
}

int igp_journal_save(const struct igp_journal *j)
{
	_cleanup_free_ char *s = igp_journal_format(j);
	int r;

	if (!s)
		return -ENOMEM;
	r = igp_fault("journal");
	if (r < 0)
		return r;
	r = igp_mkdir_parents(IGP_VAR_LIB_IGPUCTL_JOURNAL, 0755);
	if (r < 0)
		return r;
	return igp_write_file_atomic(IGP_VAR_LIB_IGPUCTL_JOURNAL, s, strlen(s), 0600);
}

char *igp_journal_backup_path(const char *name)
{
	return igp_path_join(IGP_VAR_LIB_IGPUCTL_BACKUP, name);
}

static bool backup_named(const struct igp_journal *j, const char *name)
{
	for (size_t i = 0; j && i < j->n; i++)
		for (size_t k = 0; k < j->c[i].n; k++)
			if (streq_ptr(j->c[i].t[k].before_file, name) ||
			    streq_ptr(j->c[i].t[k].after_file, name))
				return true;
	return false;
}

void igp_journal_prune_backups(const struct igp_journal *j)
{
	_cleanup_strv_free_ char **names = NULL;

	if (igp_list_dir(IGP_VAR_LIB_IGPUCTL_BACKUP, &names) < 0)
		return;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *path = NULL;
		if (backup_named(j, *n) || strstr(*n, IGP_TMP_MARKER))
			continue;
		path = igp_journal_backup_path(*n);
		if (path)
			(void)igp_unlink_durable(path);
	}
}

int igp_journal_remove(void)
{
	int r;

	/* The journal first: backups without a journal are inert. */
	r = igp_unlink_durable(IGP_VAR_LIB_IGPUCTL_JOURNAL);
	if (r < 0 && r != -ENOENT)
		return r;
	igp_journal_prune_backups(NULL);
	return 0;
}

int igp_journal_backup(const char *name, char **ret)
{
	_cleanup_free_ char *p = NULL, *s = NULL;
	size_t len;
	int r;

	if (!name) {
		*ret = NULL;
		return 0;
	}
	p = igp_journal_backup_path(name);
	if (!p)
		return -ENOMEM;
	r = igp_read_file(p, &s, &len);
	if (r < 0)
		return r;
	if (strlen(s) != len)
		return -EBADMSG;
	*ret = TAKE_PTR(s);
	return 0;
}

int igp_journal_write_backup(struct igp_journal *j, long id, const char *kind, const char *text,
			     char **ret_name)
{
	_cleanup_free_ char *name = NULL, *p = NULL;
	int r;

	if (!text) {
		*ret_name = NULL;
		return 0;
	}
	name = strdupf("%ld-%ld.%s", id, ++j->gen, kind);
	p = name ? igp_journal_backup_path(name) : NULL;
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

/* ---- changes ---- */

struct igp_jchange *igp_journal_find(struct igp_journal *j, long id)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->c[i].id == id)
			return &j->c[i];
	return NULL;
}

struct igp_jchange *igp_journal_add_change(struct igp_journal *j, const char *command)
{
	struct igp_jchange *nv = realloc(j->c, (j->n + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	j->c = nv;
	nv[j->n] = (struct igp_jchange){.id = j->next_id, .time = (long long)time(NULL)};
	if (command && !(nv[j->n].command = strdup(command)))
		return NULL;
	j->next_id++;
	return &nv[j->n++];
}

void igp_journal_drop(struct igp_journal *j, size_t i)
{
	igp_jchange_done(&j->c[i]);
	memmove(&j->c[i], &j->c[i + 1], (j->n - i - 1) * sizeof(*j->c));
	j->n--;
}
