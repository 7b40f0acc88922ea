/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Revert: the journal's changes undone, newest first, target by target. */
#include "change/change.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "base/util.h"

void igp_revert_done(struct igp_revert *r)
{
	igp_plan_done(&r->plan);
	for (size_t i = 0; i < r->n; i++)
		free(r->t[i].manual);
	free(r->t);
	igp_argvv_free(r->cmds);
	*r = (struct igp_revert){0};
}

static long plan_index(const struct igp_plan *p, const char *kind, const char *path)
{
	for (size_t i = 0; i < p->n_files; i++)
		if (streq_ptr(p->files[i].kind, kind) && streq(p->files[i].path, path))
			return (long)i;
	return -1;
}

/* What igpuctl put into the target, for a manual step ("remove X; put back Y"). */
static char *undo_words(const struct igp_undo *u)
{
	_cleanup_free_ char *s = NULL;

	for (size_t i = 0; i < u->n_ops; i++) {
		const struct igp_kop *o = &u->ops[i];
		int r = o->kind == IGP_KOP_ADD ? strextendf(&s, "%sremove %s", s ? "; " : "", o->token)
			: o->kind == IGP_KOP_SET
			    ? strextendf(&s, "%sput back %s for %s", s ? "; " : "", o->old, o->token)
			    : strextendf(&s, "%sput back %s", s ? "; " : "", o->old);
		if (r < 0)
			return NULL;
	}
	for (char **l = u->lines; l && *l; l++)
		if (strextendf(&s, "%sremove the line \"%s\"", s ? "; " : "", *l) < 0)
			return NULL;
	return TAKE_PTR(s);
}

static char *manual_step(const struct igp_jtarget *t, const char *why)
{
	_cleanup_free_ char *what = igp_change_describe(t->kind, t->path), *words = undo_words(&t->undo),
			    *bp = t->before_file ? igp_journal_backup_path(t->before_file) : NULL;
	const char *root = igp_root_is_host() ? "" : igp_root();

	if (!t->before_file)
		return strdupf("%s: %s; igpuctl created it: remove it by hand%s%s%s", what, why,
			       words ? " (or " : "", words ? words : "", words ? ")" : "");
	return strdupf("%s: %s; undo igpuctl's part by hand%s%s%s, or restore the version from "
		       "before igpuctl: %s%s",
		       what, why, words ? " (" : "", words ? words : "", words ? ")" : "", root,
		       bp ? bp : t->before_file);
}

static int add_item(struct igp_revert *rv, long id, size_t ti, long file, char *manual)
{
	struct igp_revert_target *nv = realloc(rv->t, (rv->n + 1) * sizeof(*nv));
	if (!nv) {
		free(manual);
		return -ENOMEM;
	}
	rv->t = nv;
	nv[rv->n++] = (struct igp_revert_target){id, ti, file, manual};
	return 0;
}

/* What target T should become, given CUR (its bytes now): restore, keep or
 * take out igpuctl's part.  *ret_since: it was changed after igpuctl. */
static int target_text(const struct igp_jtarget *t, const char *cur, char **ret, bool *ret_since,
		       char **ret_why)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	bool del = false;
	int r;

	*ret_since = false;
	r = igp_journal_backup(t->before_file, &before);
	if (r >= 0)
		r = igp_journal_backup(t->after_file, &after);
	if (r < 0) {
		*ret_why = strdupf("igpuctl's backup is unreadable (%s)", strerror(-r));
		return r;
	}
	if (streq_ptr(cur, after)) {
		*ret = TAKE_PTR(before);
		return 0;
	}
	if (streq_ptr(cur, before) || !cur) {
		*ret = cur ? strdup(cur) : NULL;
		return cur && !*ret ? -ENOMEM : 0;
	}
	*ret_since = true;
	r = igp_undo_unapply(&t->undo, t->path, cur, ret, &del);
	if (r < 0)
		*ret_why = r == -EOPNOTSUPP ? strdup("it was changed since igpuctl wrote it")
					    : strdupf("it was changed since igpuctl wrote it, and "
						      "igpuctl's part cannot be told apart (%s)",
						      strerror(-r));
	return r;
}

static char *since_note(const struct igp_jtarget *t)
{
	bool lines = t->undo.kind == IGP_UNDO_LINES || t->undo.kind == IGP_UNDO_OWNED;
	return strdupf("%s was changed after igpuctl wrote it: only igpuctl's own %s were removed, "
		       "the rest was kept",
		       t->path, lines ? "lines" : "parameters");
}

static int plan_target(struct igp_revert *rv, const struct igp_jchange *ch, size_t ti)
{
	const struct igp_jtarget *t = &ch->t[ti];
	long fi = plan_index(&rv->plan, t->kind, t->path);
	_cleanup_free_ char *disk = NULL, *why = NULL;
	char *target = NULL;
	const char *cur;
	bool since;
	int r;

	if (fi < 0) {
		r = igp_change_read_target(t->kind, t->path, &disk);
		if (r < 0) {
			why = strdupf("cannot read it (%s)",
				      r == -EBADMSG ? "it holds a NUL byte" : strerror(-r));
			return add_item(rv, ch->id, ti, -1, manual_step(t, why ? why : "?"));
		}
	}
	cur = fi >= 0 ? rv->plan.files[fi].after : disk;
	r = target_text(t, cur, &target, &since, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return add_item(rv, ch->id, ti, -1, manual_step(t, why ? why : "?"));
	if (fi >= 0) {
		struct igp_file_change *f = &rv->plan.files[fi];
		free(f->after);
		f->after = target;
		f->refresh |= t->refresh;
		if (since && !f->note)
			f->note = since_note(t);
		return add_item(rv, ch->id, ti, fi, NULL);
	}
	if (streq_ptr(cur, target)) {
		free(target);
		return add_item(rv, ch->id, ti, -1, NULL);
	}
	{
		struct igp_undo u = {0};
		size_t n = rv->plan.n_files;
		r = igp_undo_copy(&t->undo, &u);
		if (r >= 0)
			r = igp_plan_add_file(&rv->plan, t->path, TAKE_PTR(disk), target,
					      t->mode ? t->mode : 0644, &u, t->refresh,
					      since ? "changed since igpuctl wrote it" : "restored");
		else
			free(target);
		if (r < 0)
			return r;
		if (t->kind && !(rv->plan.files[n].kind = strdup(t->kind)))
			return -ENOMEM;
		if (since)
			rv->plan.files[n].note = since_note(t);
		return add_item(rv, ch->id, ti, (long)n, NULL);
	}
}

/* Edits that came back to where they started are no edits. */
static void drop_noops(struct igp_revert *rv)
{
	struct igp_plan *p = &rv->plan;
	size_t k = 0;

	for (size_t i = 0; i < p->n_files; i++) {
		struct igp_file_change *f = &p->files[i];
		bool noop = streq_ptr(f->before, f->after);
		for (size_t m = 0; m < rv->n; m++)
			if (rv->t[m].file == (long)i)
				rv->t[m].file = noop ? -1 : (long)k;
		if (noop) {
			igp_file_change_done(f);
			continue;
		}
		p->files[k++] = *f;
	}
	p->n_files = k;
}

/* Revert commands of the changes every target of which will be undone. */
static int collect_cmds(struct igp_revert *rv, const struct igp_journal *j)
{
	for (size_t i = j->n; i-- > 0;) {
		bool all = true;
		for (size_t m = 0; m < rv->n; m++)
			if (rv->t[m].change_id == j->c[i].id && rv->t[m].manual)
				all = false;
		if (rv->id && j->c[i].id != rv->id)
			continue;
		for (size_t k = 0; all && j->c[i].revert_cmds && j->c[i].revert_cmds[k]; k++)
			if (igp_argvv_add(&rv->cmds, j->c[i].revert_cmds[k]) < 0)
				return -ENOMEM;
	}
	return 0;
}

int igp_change_revert_plan(struct igp_change *c, long id, struct igp_revert *ret)
{
	struct igp_revert rv = {.id = id};
	int r = 0;

	if (id && !igp_journal_find(&c->j, id))
		return -ENOENT;
	for (size_t i = c->j.n; i-- > 0 && r >= 0;) {
		const struct igp_jchange *ch = &c->j.c[i];
		if (id && ch->id != id)
			continue;
		for (size_t k = ch->n; k-- > 0 && r >= 0;)
			r = plan_target(&rv, ch, k);
	}
	if (r >= 0) {
		drop_noops(&rv);
		r = collect_cmds(&rv, &c->j);
	}
	if (r < 0) {
		igp_revert_done(&rv);
		return r;
	}
	*ret = rv;
	return 0;
}

/* Write plan file I if it still holds what the plan was made from. */
static int write_one(const struct igp_file_change *f)
{
	_cleanup_free_ char *cur = NULL;
	int r = igp_change_read_target(f->kind, f->path, &cur);

	if (r < 0)
		return r;
	if (!streq_ptr(cur, f->before))
		return -ESTALE;
	return igp_change_write_target(f->kind, f->path, f->after, f->mode);
}

/* A target already as it was needs no write, but a run killed while writing
 * it may have left its temp file there: the record goes, so must that. */
static void clean_unwritten(struct igp_journal *j, const struct igp_revert *rv)
{
	for (size_t m = 0; m < rv->n; m++) {
		const struct igp_jchange *ch = igp_journal_find(j, rv->t[m].change_id);
		if (ch && !rv->t[m].manual && rv->t[m].file < 0)
			igp_change_clean_temps(ch->t[rv->t[m].target].kind, ch->t[rv->t[m].target].path);
	}
}

/* Drop the journal records of the targets undone; changes left empty go. */
static void drop_undone(struct igp_journal *j, const struct igp_revert *rv, const int *failed)
{
	for (size_t i = j->n; i-- > 0;) {
		struct igp_jchange *ch = &j->c[i];
		size_t k = 0;
		for (size_t ti = 0; ti < ch->n; ti++) {
			bool keep = true;
			for (size_t m = 0; m < rv->n; m++)
				if (rv->t[m].change_id == ch->id && rv->t[m].target == ti)
					keep =
					    rv->t[m].manual || (rv->t[m].file >= 0 && failed[rv->t[m].file]);
			if (keep)
				ch->t[k++] = ch->t[ti];
			else
				igp_jtarget_done(&ch->t[ti]);
		}
		ch->n = k;
		if (k == 0)
			igp_journal_drop(j, i);
	}
}

int igp_change_revert_apply(struct igp_change *c, struct igp_revert *rv, struct igp_change_report *rep)
{
	_cleanup_free_ int *failed = calloc(rv->plan.n_files + 1, sizeof(int));
	int r, left = 0;

	if (!failed)
		return -ENOMEM;
	/* Pending commands first: a crash after some targets were restored
	 * still leads to the refresh on the next run. */
	r = igp_journal_save(&c->j);
	if (r < 0)
		return r;
	for (size_t i = 0; i < rv->plan.n_files; i++)
		failed[i] = write_one(&rv->plan.files[i]);
	for (size_t m = 0; m < rv->n; m++) {
		const struct igp_revert_target *t = &rv->t[m];
		const struct igp_jchange *ch = igp_journal_find(&c->j, t->change_id);
		_cleanup_free_ char *why = NULL;
		if (t->manual) {
			left++;
			if (strv_push(&rep->manual, t->manual) < 0)
				return -ENOMEM;
			continue;
		}
		if (t->file < 0 || !failed[t->file] || !ch)
			continue;
		left++;
		why = failed[t->file] == -ESTALE
			  ? strdup("it changed while revert ran")
			  : strdupf("cannot write it (%s)", strerror(-failed[t->file]));
		if (strv_consume(&rep->manual, manual_step(&ch->t[t->target], why ? why : "?")) < 0)
			return -ENOMEM;
	}
	clean_unwritten(&c->j, rv);
	drop_undone(&c->j, rv, failed);
	r = igp_change_finish(c);
	return r < 0 ? r : left;
}
