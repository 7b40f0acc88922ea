/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <time.h>

#include "change/change.h"
#include "base/fault.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "base/util.h"

/* ---- targets ---- */

static const struct igp_target_ops *target_ops[4];

void igp_change_register(const struct igp_target_ops *ops)
{
	for (size_t i = 0; i < ELEMENTSOF(target_ops); i++)
		if (!target_ops[i] || streq(target_ops[i]->kind, ops->kind)) {
			target_ops[i] = ops;
			return;
		}
}

static const struct igp_target_ops *ops_of(const char *kind)
{
	for (size_t i = 0; kind && i < ELEMENTSOF(target_ops); i++)
		if (target_ops[i] && streq(target_ops[i]->kind, kind))
			return target_ops[i];
	return NULL;
}

int igp_change_read_target(const char *kind, const char *path, char **ret)
{
	const struct igp_target_ops *o;
	char *s = NULL;
	size_t len;
	int r;

	if (kind) {
		if (!(o = ops_of(kind)))
			return -EOPNOTSUPP;
		return o->read(path, ret);
	}
	r = igp_read_file(path, &s, &len);
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	if (strlen(s) != len) {
		free(s);
		return -EBADMSG;
	}
	*ret = s;
	return 0;
}

char *igp_change_describe(const char *kind, const char *path)
{
	const struct igp_target_ops *o = ops_of(kind);
	if (kind && o && o->describe)
		return o->describe(path);
	return kind ? strdupf("%s %s", kind, path) : strdup(path);
}

/* Temp files a killed igpuctl left next to PATH (never read by anyone:
 * their names end in no configuration suffix).  Only under the lock: a
 * running igpuctl's temp file is never taken for a leftover. */
static void clean_dir_of(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	(void)igp_remove_stale_temps(dir);
}

void igp_change_clean_temps(const char *kind, const char *path)
{
	if (!kind)
		clean_dir_of(path);
}

int igp_change_write_target(const char *kind, const char *path, const char *text, mode_t mode)
{
	const struct igp_target_ops *o;
	int r;

	if (kind) {
		if (!(o = ops_of(kind)))
			return -EOPNOTSUPP;
		return o->write(path, text);
	}
	clean_dir_of(path);
	if (!text) {
		r = igp_unlink_durable(path);
		return r == -ENOENT ? 0 : r;
	}
	r = igp_mkdir_parents(path, 0755);
	if (r < 0)
		return r;
	return igp_write_file_atomic(path, text, strlen(text), mode);
}

/* ---- the lock ---- */

static long lock_wait_ms(void)
{
	const char *e = getenv("IGPUCTL_LOCK_TIMEOUT");
	long s;
	if (e && parse_long(e, 0, 3600, &s) >= 0)
		return s * 1000;
	return IGP_LOCK_WAIT_MS;
}

/* The pid holding the lock on FD, or 0. */
static pid_t lock_holder(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(fd, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid > 0 ? fl.l_pid : 0;
}

/*
 * A POSIX record lock (fcntl F_SETLK) rather than flock(): F_GETLK names
 * the holder for the message.  The lock file is never removed: removing a
 * lock file that a waiter has open would let two runs in at once.
 */
static int lock_take(pid_t *ret_holder)
{
	_cleanup_close_ int fd = -1;
	long waited = 0, limit = lock_wait_ms();
	int r;

	r = igp_mkdir_parents(IGP_VAR_LIB_IGPUCTL_LOCK, 0755);
	if (r < 0)
		return r;
	fd = igp_open(IGP_VAR_LIB_IGPUCTL_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fd;
	for (;;) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		if (fcntl(fd, F_SETLK, &fl) == 0)
			return TAKE_FD(fd);
		if (errno != EAGAIN && errno != EACCES)
			return -errno;
		if (waited >= limit) {
			*ret_holder = lock_holder(fd);
			return -EBUSY;
		}
		nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
		waited += 50;
	}
}

int igp_change_begin(struct igp_change *c, pid_t *ret_holder, char **ret_why)
{
	pid_t holder = 0;
	int fd, r;

	fd = lock_take(&holder);
	if (fd < 0) {
		if (ret_holder)
			*ret_holder = holder;
		return fd;
	}
	r = igp_journal_load(&c->j, ret_why);
	if (r < 0) {
		close(fd);
		return r;
	}
	c->lock_fd = fd;
	/* Under the lock, leftovers of a killed run are nobody's. */
	(void)igp_remove_stale_temps(IGP_VAR_LIB_IGPUCTL);
	(void)igp_remove_stale_temps(IGP_VAR_LIB_IGPUCTL_BACKUP);
	for (size_t i = 0; i < c->j.n; i++)
		for (size_t k = 0; k < c->j.c[i].n; k++)
			if (!c->j.c[i].t[k].kind)
				clean_dir_of(c->j.c[i].t[k].path);
	return 0;
}

void igp_change_end(struct igp_change *c)
{
	igp_journal_done(&c->j);
	if (c->lock_fd > 0)
		close(c->lock_fd);
	c->lock_fd = -1;
}

int igp_change_save(struct igp_change *c)
{
	return igp_journal_save(&c->j);
}

int igp_change_finish(struct igp_change *c)
{
	int r;

	if (c->j.n == 0 && igp_argvv_length(c->j.pending) == 0)
		return igp_journal_remove();
	r = igp_journal_save(&c->j);
	if (r >= 0)
		igp_journal_prune_backups(&c->j);
	return r;
}

void igp_change_report_done(struct igp_change_report *r)
{
	free(r->failed);
	strv_free(r->manual);
	*r = (struct igp_change_report){0};
}

/* ---- apply ---- */

/* Every target still holds the plan's "before"; else -ESTALE (REP names it). */
static int recheck(const struct igp_plan *plan, struct igp_change_report *rep)
{
	for (size_t i = 0; i < plan->n_files; i++) {
		const struct igp_file_change *f = &plan->files[i];
		_cleanup_free_ char *cur = NULL;
		int r = igp_change_read_target(f->kind, f->path, &cur);
		if (r < 0 && r != -EBADMSG) {
			rep->failed = igp_change_describe(f->kind, f->path);
			return r;
		}
		if (r == -EBADMSG || !streq_ptr(cur, f->before)) {
			rep->failed = igp_change_describe(f->kind, f->path);
			return -ESTALE;
		}
	}
	return 0;
}

static int record_target(struct igp_journal *j, struct igp_jchange *ch, const struct igp_file_change *f)
{
	struct igp_jtarget *nv = realloc(ch->t, (ch->n + 1) * sizeof(*nv)), *t;
	int r;

	if (!nv)
		return -ENOMEM;
	ch->t = nv;
	t = &nv[ch->n++];
	*t = (struct igp_jtarget){.mode = f->mode, .refresh = f->refresh};
	if (!f->kind && f->before)
		(void)igp_file_mode(f->path, &t->mode);
	t->mode &= 07777;
	if (!(t->path = strdup(f->path)) || (f->kind && !(t->kind = strdup(f->kind))))
		return -ENOMEM;
	r = igp_undo_copy(&f->undo, &t->undo);
	if (r >= 0)
		r = igp_journal_write_backup(j, ch->id, "before", f->before, &t->before_file);
	if (r >= 0)
		r = igp_journal_write_backup(j, ch->id, "after", f->after, &t->after_file);
	return r;
}

static char *backup_hint(const char *name)
{
	_cleanup_free_ char *p = name ? igp_journal_backup_path(name) : NULL;
	return p ? strdupf("%s%s", igp_root_is_host() ? "" : igp_root(), p) : NULL;
}

/* Put back targets [0, n) of PLAN that this run wrote; what cannot be put
 * back gets a manual step naming the backup of the target's old bytes. */
static void rollback(const struct igp_plan *plan, const struct igp_jchange *ch, size_t n,
		     struct igp_change_report *rep)
{
	for (size_t i = n; i-- > 0;) {
		const struct igp_file_change *f = &plan->files[i];
		_cleanup_free_ char *cur = NULL, *what = NULL, *hint = NULL;
		int r = igp_change_read_target(f->kind, f->path, &cur);

		if (r >= 0 && streq_ptr(cur, f->before))
			continue;
		/* A target behind an API holds what it was given in its own
		 * form (see record_held()): this run wrote it a moment ago,
		 * under the lock, so what it holds now is ours. */
		if (r >= 0 && (streq_ptr(cur, f->after) || f->kind))
			r = igp_change_write_target(f->kind, f->path, f->before, f->mode);
		else if (r >= 0)
			r = -ESTALE;
		if (r >= 0)
			continue;
		what = igp_change_describe(f->kind, f->path);
		hint = ch && i < ch->n ? backup_hint(ch->t[i].before_file) : NULL;
		(void)strv_pushf(&rep->manual, "%s could not be put back (%s): %s", what ? what : f->path,
				 strerror(-r),
				 !f->before ? "remove it by hand"
				 : hint	    ? "copy its old version back by hand from the backup"
					    : "restore it by hand");
		if (hint && f->before)
			(void)strv_pushf(&rep->manual, "  cp %s %s%s", hint,
					 igp_root_is_host() ? "" : igp_root(), f->path);
	}
}

/*
 * A target behind an API stores what it is given in its own form (libvirt
 * adds defaults and quotes its own way), so its bytes after the write are
 * not the plan's "after".  The journal records what it holds now, or revert
 * would take igpuctl's own write for a change made since.  1: the journal
 * needs saving again.
 */
static int record_held(struct igp_journal *j, struct igp_jchange *ch, size_t i,
		       const struct igp_file_change *f)
{
	_cleanup_free_ char *now = NULL;
	char *name = NULL;
	int r;

	if (!f->kind || !ch || i >= ch->n)
		return 0;
	r = igp_change_read_target(f->kind, f->path, &now);
	if (r < 0 || streq_ptr(now, f->after))
		return r;
	r = igp_journal_write_backup(j, ch->id, "after", now, &name);
	if (r < 0)
		return r;
	free(ch->t[i].after_file);
	ch->t[i].after_file = name;
	return 1;
}

/* After every target is written: what they hold now, and that CH (may be
 * NULL) is no longer pending. */
static int record_all_held(struct igp_journal *j, struct igp_jchange *ch, const struct igp_plan *plan)
{
	bool save = ch && ch->pending;

	for (size_t i = 0; i < plan->n_files; i++) {
		int r = record_held(j, ch, i, &plan->files[i]);
		if (r < 0)
			return r;
		save |= r > 0;
	}
	if (ch)
		ch->pending = false;
	return save ? igp_journal_save(j) : 0;
}

static int write_attrs(const struct igp_plan *plan, struct igp_change_report *rep)
{
	for (size_t i = 0; i < plan->n_attrs; i++) {
		int r = igp_fault("attr");
		if (r >= 0)
			r = igp_write_attr(plan->attrs[i].path, plan->attrs[i].value);
		if (r < 0) {
			rep->failed = strdup(plan->attrs[i].path);
			return r;
		}
	}
	return 0;
}

int igp_change_apply(struct igp_change *c, const struct igp_plan *plan, const char *command, char ***cmds,
		     char ***revert_argvs, struct igp_change_report *rep)
{
	_cleanup_free_ char *snapshot = igp_journal_format(&c->j);
	struct igp_jchange *ch = NULL;
	size_t done = 0;
	int r;

	if (!snapshot)
		return -ENOMEM;
	r = recheck(plan, rep);
	if (r < 0)
		return r;
	for (size_t i = 0; cmds && cmds[i] && r >= 0; i++)
		r = igp_argvv_add(&c->j.pending, cmds[i]);
	if (r >= 0 && (plan->n_files > 0 || igp_argvv_length(revert_argvs) > 0)) {
		ch = igp_journal_add_change(&c->j, command);
		r = ch ? 0 : -ENOMEM;
		if (ch)
			ch->pending = true;
		for (size_t i = 0; revert_argvs && revert_argvs[i] && r >= 0; i++)
			r = igp_argvv_add(&ch->revert_cmds, revert_argvs[i]);
		for (size_t i = 0; i < plan->n_files && r >= 0; i++)
			r = record_target(&c->j, ch, &plan->files[i]);
	}
	/* The journal names every backup before the first target changes; a
	 * plan of kernel attributes alone (runtime state) leaves it alone. */
	if (r >= 0 && (ch || igp_argvv_length(cmds) > 0))
		r = igp_journal_save(&c->j);
	for (; r >= 0 && done < plan->n_files; done++) {
		const struct igp_file_change *f = &plan->files[done];
		r = igp_change_write_target(f->kind, f->path, f->after, f->mode);
		if (r < 0)
			rep->failed = igp_change_describe(f->kind, f->path);
	}
	if (r >= 0)
		r = record_all_held(&c->j, ch, plan);
	if (r >= 0)
		r = write_attrs(plan, rep);
	if (r >= 0)
		return 0;
	/* The failed target may or may not have been replaced: look at it too. */
	rollback(plan, ch, done < plan->n_files ? done + 1 : done, rep);
	if (!rep->manual) {
		struct igp_journal old = {0};
		/* Everything is as before: so is the journal. */
		if (igp_journal_parse(snapshot, strlen(snapshot), &old, NULL) >= 0) {
			old.existed = c->j.existed;
			igp_journal_done(&c->j);
			c->j = old;
			(void)igp_change_finish(c);
		}
	}
	return r;
}
