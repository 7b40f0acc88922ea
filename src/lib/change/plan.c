/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "boot/cmdline_file.h"
#include "base/diff.h"
#include "base/fault.h"
#include "base/paths.h"
#include "base/spawn.h"
#include "change/plan.h"
#include "boot/shellvar.h"
#include "base/util.h"

void igp_undo_done(struct igp_undo *u)
{
	strv_free(u->vars);
	free(u->add_var);
	igp_kops_free(u->ops, u->n_ops);
	strv_free(u->lines);
	strv_free(u->removed);
	*u = (struct igp_undo){0};
}

static int ops_append(struct igp_kop **ops, size_t *n, const struct igp_kop *src, size_t n_src)
{
	struct igp_kop *nv;
	if (!n_src)
		return 0;
	nv = realloc(*ops, (*n + n_src) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*ops = nv;
	for (size_t i = 0; i < n_src; i++) {
		nv[*n] = (struct igp_kop){src[i].kind, src[i].token ? strdup(src[i].token) : NULL,
					  src[i].old ? strdup(src[i].old) : NULL, src[i].index};
		if ((src[i].token && !nv[*n].token) || (src[i].old && !nv[*n].old)) {
			free(nv[*n].token);
			free(nv[*n].old);
			return -ENOMEM;
		}
		(*n)++;
	}
	return 0;
}

int igp_undo_copy(const struct igp_undo *u, struct igp_undo *ret)
{
	struct igp_undo c = {.kind = u->kind, .array = u->array};
	for (char **s = u->vars; s && *s; s++)
		if (strv_push(&c.vars, *s) < 0)
			goto oom;
	for (char **s = u->lines; s && *s; s++)
		if (strv_push(&c.lines, *s) < 0)
			goto oom;
	for (char **s = u->removed; s && *s; s++)
		if (strv_push(&c.removed, *s) < 0)
			goto oom;
	if (u->add_var && !(c.add_var = strdup(u->add_var)))
		goto oom;
	if (ops_append(&c.ops, &c.n_ops, u->ops, u->n_ops) < 0)
		goto oom;
	*ret = c;
	return 0;
oom:
	igp_undo_done(&c);
	return -ENOMEM;
}

int igp_undo_merge(struct igp_undo *dst, const struct igp_undo *src)
{
	if (!dst->vars)
		for (char **s = src->vars; s && *s; s++)
			if (strv_push(&dst->vars, *s) < 0)
				return -ENOMEM;
	if (!dst->add_var && src->add_var && !(dst->add_var = strdup(src->add_var)))
		return -ENOMEM;
	for (char **s = src->lines; s && *s; s++)
		if (!strv_contains(dst->lines, *s) && strv_push(&dst->lines, *s) < 0)
			return -ENOMEM;
	for (char **s = src->removed; s && *s; s++)
		if (strv_push(&dst->removed, *s) < 0)
			return -ENOMEM;
	return ops_append(&dst->ops, &dst->n_ops, src->ops, src->n_ops);
}

/* Remove the last line equal to each of LINES; *ret_only_comments tells
 * whether nothing but blanks and comments is left. */
static int remove_lines(const char *text, char *const *lines, char **ret, bool *ret_only_comments)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ bool *drop = NULL;
	size_t n = 0, total = 1;
	const char *p = text;
	bool only = true;
	char *out, *o;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
		if (strv_consume(&v, strndup(p, len)) < 0)
			return -ENOMEM;
		n++;
		p += len;
	}
	drop = calloc(n + 1, sizeof(bool));
	if (!drop)
		return -ENOMEM;
	for (char *const *l = lines; l && *l; l++)
		for (size_t i = n; i-- > 0;) {
			size_t k = strlen(v[i]);
			if (!drop[i] && strncmp(v[i], *l, strlen(*l)) == 0 &&
			    (k == strlen(*l) || (k == strlen(*l) + 1 && v[i][k - 1] == '\n'))) {
				drop[i] = true;
				break;
			}
		}
	for (size_t i = 0; i < n; i++)
		if (!drop[i]) {
			const char *s = v[i] + strspn(v[i], " \t\n");
			total += strlen(v[i]);
			if (*s && *s != '#')
				only = false;
		}
	out = o = malloc(total);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!drop[i]) {
			size_t k = strlen(v[i]);
			memcpy(o, v[i], k);
			o += k;
		}
	*o = '\0';
	*ret = out;
	*ret_only_comments = only;
	return 0;
}

/* Append to *TEXT the lines of REMOVED it lacks (lines igpuctl took out). */
static int append_removed(char **text, char *const *removed, bool *only_comments)
{
	for (char *const *l = removed; *l; l++) {
		bool have = false;
		size_t n = strlen(*l);
		for (const char *q = strstr(*text, *l); q && !have; q = strstr(q + 1, *l))
			have = (q == *text || q[-1] == '\n') && (q[n] == '\n' || !q[n]);
		if (have)
			continue;
		if (strextendf(text, "%s%s\n", **text && (*text)[strlen(*text) - 1] != '\n' ? "\n" : "", *l) <
		    0) {
			free(*text);
			*text = NULL;
			return -ENOMEM;
		}
		if (**l != '#' && *(*l + strspn(*l, " \t")))
			*only_comments = false;
	}
	return 0;
}

static int texts_of(const struct igp_kline *l, char ***ret)
{
	char **v = igp_kline_texts(l);
	if (!v)
		return -ENOMEM;
	*ret = v;
	return 0;
}

int igp_undo_unapply(const struct igp_undo *u, const char *path, const char *current, char **ret,
		     bool *ret_delete)
{
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	int r;

	switch (u->kind) {
	case IGP_UNDO_OWNED:
	case IGP_UNDO_LINES: {
		bool only;
		char *out;
		r = remove_lines(current, u->lines, &out, &only);
		if (r >= 0 && u->removed)
			r = append_removed(&out, u->removed, &only);
		if (r < 0)
			return r;
		if (u->kind == IGP_UNDO_OWNED && only) {
			free(out);
			*ret = NULL;
			*ret_delete = true;
			return 0;
		}
		*ret = out;
		*ret_delete = false;
		return 0;
	}
	case IGP_UNDO_SHELL: {
		struct igp_shdoc d = {0};
		struct igp_shtok *t = NULL;
		size_t n = 0;
		_cleanup_free_ char **texts = NULL;
		char **out = NULL;

		r = igp_shdoc_add(&d, path, current, strlen(current));
		/* A file the user broke since is not edited (-EBADMSG). */
		if (r >= 0)
			r = igp_shdoc_check(&d, NULL);
		if (r >= 0)
			r = igp_shdoc_tokens(&d, u->vars, &t, &n);
		if (r >= 0 && !(texts = calloc(n + 1, sizeof(char *))))
			r = -ENOMEM;
		for (size_t i = 0; r >= 0 && i < n; i++)
			texts[i] = t[i].text;
		if (r >= 0)
			r = igp_kparams_unplan(texts, n, u->ops, u->n_ops, &ops, &n_ops);
		if (r >= 0)
			r = igp_shdoc_apply(&d, u->vars, igp_shdoc_add_var(&d, u->vars, u->add_var), u->array,
					    ops, n_ops, NULL, &out, NULL);
		if (r >= 0) {
			*ret = TAKE_PTR(out[0]);
			*ret_delete = false;
			strv_free(out);
		}
		igp_shtoks_free(t, n);
		igp_shdoc_done(&d);
		igp_kops_free(ops, n_ops);
		return r;
	}
	case IGP_UNDO_KLINE:
	case IGP_UNDO_BLS:
	case IGP_UNDO_KERNELSTUB: {
		struct igp_kline l = {0};
		_cleanup_free_ char **texts = NULL;
		char *out = NULL;
		enum igp_cmdline_file kind = u->kind == IGP_UNDO_KLINE ? IGP_CMDLINE_KLINE
					     : u->kind == IGP_UNDO_BLS ? IGP_CMDLINE_BLS
								       : IGP_CMDLINE_KERNELSTUB;
		size_t off;
		const char *what;

		r = igp_cmdline_file_check(kind, current, strlen(current), &off, &what);
		if (r >= 0)
			r = igp_cmdline_file_tokens(kind, current, &l);
		if (r >= 0)
			r = texts_of(&l, &texts);
		if (r >= 0)
			r = igp_kparams_unplan(texts, l.n, u->ops, u->n_ops, &ops, &n_ops);
		if (r >= 0)
			r = igp_cmdline_file_apply(kind, current, ops, n_ops, &out);
		if (r >= 0) {
			*ret = out;
			*ret_delete = false;
		}
		igp_kline_done(&l);
		igp_kops_free(ops, n_ops);
		return r;
	}
	case IGP_UNDO_NONE:
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

void igp_file_change_done(struct igp_file_change *f)
{
	free(f->kind);
	free(f->path);
	free(f->before);
	free(f->after);
	free(f->why);
	free(f->note);
	igp_undo_done(&f->undo);
	*f = (struct igp_file_change){0};
}

void igp_plan_done(struct igp_plan *p)
{
	for (size_t i = 0; i < p->n_files; i++)
		igp_file_change_done(&p->files[i]);
	free(p->files);
	for (size_t i = 0; i < p->n_attrs; i++) {
		free(p->attrs[i].path);
		free(p->attrs[i].value);
		free(p->attrs[i].why);
	}
	free(p->attrs);
	for (size_t i = 0; i < p->n_cmds; i++) {
		strv_free(p->cmds[i].argv);
		free(p->cmds[i].why);
	}
	free(p->cmds);
	strv_free(p->notes);
	*p = (struct igp_plan){0};
}

int igp_plan_add_file(struct igp_plan *p, const char *path, char *before, char *after, mode_t mode,
		      struct igp_undo *undo, unsigned refresh, const char *why)
{
	struct igp_file_change *nv;
	struct igp_undo empty = {0};

	if (!undo)
		undo = &empty;
	if ((!before && !after) || (before && after && streq(before, after))) {
		free(before);
		free(after);
		igp_undo_done(undo);
		return 0;
	}
	nv = realloc(p->files, (p->n_files + 1) * sizeof(*nv));
	if (!nv)
		goto oom;
	p->files = nv;
	nv[p->n_files] = (struct igp_file_change){
	    NULL, strdup(path), before, after, mode, *undo, refresh, why ? strdup(why) : NULL, NULL};
	*undo = (struct igp_undo){0};
	if (!nv[p->n_files].path) {
		free(nv[p->n_files].why);
		igp_undo_done(&nv[p->n_files].undo);
		goto oom;
	}
	p->n_files++;
	return 0;
oom:
	free(before);
	free(after);
	igp_undo_done(undo);
	return -ENOMEM;
}

int igp_plan_add_target(struct igp_plan *p, const char *kind, const char *key, char *before, char *after,
			const char *why)
{
	struct igp_undo u = {.kind = IGP_UNDO_NONE};
	size_t n = p->n_files;
	int r = igp_plan_add_file(p, key, before, after, 0600, &u, 0, why);

	if (r < 0 || p->n_files == n)
		return r;
	p->files[n].kind = strdup(kind);
	return p->files[n].kind ? 0 : -ENOMEM;
}

int igp_plan_add_attr(struct igp_plan *p, const char *path, const char *value, const char *why)
{
	struct igp_plan_attr *nv = realloc(p->attrs, (p->n_attrs + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	p->attrs = nv;
	nv[p->n_attrs] = (struct igp_plan_attr){strdup(path), strdup(value), why ? strdup(why) : NULL};
	if (!nv[p->n_attrs].path || !nv[p->n_attrs].value) {
		free(nv[p->n_attrs].path);
		free(nv[p->n_attrs].value);
		free(nv[p->n_attrs].why);
		return -ENOMEM;
	}
	p->n_attrs++;
	return 0;
}

int igp_plan_add_cmd(struct igp_plan *p, char **argv, unsigned trigger, const char *why)
{
	struct igp_plan_cmd *nv;

	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_cmds; i++) {
		_cleanup_free_ char *a = igp_argv_join(p->cmds[i].argv), *b = igp_argv_join(argv);
		if (a && b && streq(a, b)) {
			p->cmds[i].trigger |= trigger;
			strv_free(argv);
			return 0;
		}
	}
	nv = realloc(p->cmds, (p->n_cmds + 1) * sizeof(*nv));
	if (!nv) {
		strv_free(argv);
		return -ENOMEM;
	}
	p->cmds = nv;
	nv[p->n_cmds++] = (struct igp_plan_cmd){argv, trigger, why ? strdup(why) : NULL};
	return 0;
}

int igp_plan_add_note(struct igp_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = strdupvf(fmt, ap);
	va_end(ap);
	return strv_consume(&p->notes, s);
}

struct igp_file_change *igp_plan_find(struct igp_plan *p, const char *path)
{
	for (size_t i = 0; i < p->n_files; i++)
		if (streq(p->files[i].path, path))
			return &p->files[i];
	return NULL;
}

unsigned igp_plan_triggers(const struct igp_plan *p)
{
	unsigned t = 0;
	for (size_t i = 0; i < p->n_files; i++)
		t |= p->files[i].refresh;
	return t;
}

bool igp_file_change_needs_reboot(const struct igp_file_change *f)
{
	return (f->refresh & IGP_REFRESH_REBOOT_MASK) != 0;
}

bool igp_plan_needs_reboot(const struct igp_plan *p, char ***cmds)
{
	if (cmds && cmds[0])
		return true;
	for (size_t i = 0; i < p->n_files; i++)
		if (igp_file_change_needs_reboot(&p->files[i]))
			return true;
	return false;
}

bool igp_plan_cmd_needed(const struct igp_plan *p, const struct igp_plan_cmd *c, unsigned extra)
{
	return c->trigger == 0 || (c->trigger & (igp_plan_triggers(p) | extra));
}

int igp_plan_diff(const struct igp_plan *p, char **ret)
{
	_cleanup_free_ char *all = strdup("");

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_files; i++) {
		_cleanup_free_ char *d = NULL;
		char *n;
		int r = igp_diff_unified(p->files[i].path, p->files[i].before, p->files[i].after, &d);
		if (r < 0)
			return r;
		n = strdupf("%s%s", all, d);
		if (!n)
			return -ENOMEM;
		free(all);
		all = n;
	}
	*ret = TAKE_PTR(all);
	return 0;
}

int igp_read_optional(const char *path, char **ret)
{
	char *s = NULL;
	/* -EBADMSG for a NUL byte: never a truncated text. */
	int r = igp_read_text(path, &s, NULL, NULL);
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

char *igp_argv_join(char *const *argv)
{
	char *s = strdup("");
	for (size_t i = 0; s && argv && argv[i]; i++) {
		char *n = strdupf("%s%s%s", s, i ? " " : "", argv[i]);
		free(s);
		s = n;
	}
	return s;
}

bool igp_root_runs_commands(void)
{
	const char *e = getenv("IGPUCTL_TEST_RUN_COMMANDS");
	return igp_root_is_host() || (e && streq(e, "1"));
}

static const struct igp_run_hook *run_hook;

void igp_run_set_hook(const struct igp_run_hook *hook)
{
	run_hook = hook;
}

static int run_child(char *const *argv)
{
	pid_t pid;
	int status, r;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	r = igp_wait_child(pid, run_hook ? run_hook->tick : NULL, &status);
	if (r < 0)
		return r;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int igp_run_argv(char *const *argv)
{
	int r;

	if (!igp_root_is_host() && !igp_root_runs_commands())
		return -EPERM;
	r = igp_fault("command");
	if (r < 0)
		return r;
	if (run_hook && run_hook->begin)
		run_hook->begin(argv);
	r = run_child(argv);
	if (run_hook && run_hook->end)
		run_hook->end(r);
	return r;
}
