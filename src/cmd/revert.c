/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl revert [--list] [ID]: undo what igpuctl changed on this host. */
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <time.h>

#include "boot/bootloader.h"
#include "change/change.h"
#include "cmd.h"
#include "libvirt_target.h"
#include "modules/modconf.h"
#include "changeresult.h"
#include "output.h"
#include "base/paths.h"
#include "planview.h"

static int help(void)
{
	printf("Usage: igpuctl revert [ID] [--dry-run] [--yes] [--no-initramfs]\n"
	       "       igpuctl revert --list\n\n"
	       "Undo igpuctl's changes recorded in the journal under /var/lib/igpuctl: every\n"
	       "change, newest first, or only change ID (see --list). A file nobody changed\n"
	       "since is restored byte for byte; in a file changed since, only igpuctl's own\n"
	       "parameters and lines are taken out (and revert says so). What cannot be undone\n"
	       "is named with the step to do by hand, and the rest is still undone.\n\n"
	       "  -l, --list          list the changes igpuctl made and has not undone, newest first\n"
	       "  -n, --dry-run       print what would be restored as a unified diff\n"
	       "  -y, --yes           do not ask before applying\n"
	       "      --no-initramfs  do not run the initramfs / boot loader commands, only print them\n\n"
	       "Exit status: 0 undone (or nothing to undo), 1 something is left to do by hand or\n"
	       "failed, 64 usage error.\n");
	return EXIT_OK;
}

static char *when(long long t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, sizeof(buf), arg_g.json ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%SZ", &tm))
		return strdup("-");
	return strdup(buf);
}

static char *targets_text(const struct igp_jchange *c)
{
	_cleanup_free_ char *s = NULL;
	for (size_t i = 0; i < c->n; i++) {
		_cleanup_free_ char *d = igp_change_describe(c->t[i].kind, c->t[i].path);
		if (strextendf(&s, "%s%s", s ? ", " : "", d ? d : c->t[i].path) < 0)
			return NULL;
	}
	return s ? TAKE_PTR(s) : strdup("(commands only)");
}

static int list_json(const struct igp_journal *j)
{
	struct json_object *root = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = j->n; i-- > 0;) {
		const struct igp_jchange *c = &j->c[i];
		struct json_object *o = json_object_new_object(), *ts = json_object_new_array();
		_cleanup_free_ char *w = when(c->time);
		json_object_object_add(o, "id", json_object_new_int64(c->id));
		json_object_object_add(o, "time", c->time > 0 ? json_object_new_string(w) : NULL);
		json_object_object_add(o, "command", c->command ? json_object_new_string(c->command) : NULL);
		for (size_t k = 0; k < c->n; k++) {
			struct json_object *t = json_object_new_object();
			json_object_object_add(t, "kind",
					       json_object_new_string(c->t[k].kind ? c->t[k].kind : "file"));
			json_object_object_add(t, "path", json_object_new_string(c->t[k].path));
			json_object_array_add(ts, t);
		}
		json_object_object_add(o, "targets", ts);
		json_object_array_add(a, o);
	}
	json_object_object_add(root, "changes", a);
	json_print(root);
	return EXIT_OK;
}

static int list(const struct igp_journal *j)
{
	if (arg_g.json)
		return list_json(j);
	if (j->n == 0) {
		printf("No changes to revert: igpuctl has not changed this host.\n");
		return EXIT_OK;
	}
	printf("%-4s %-21s %s\n", "ID", "WHEN", "COMMAND / CHANGED");
	for (size_t i = j->n; i-- > 0;) {
		const struct igp_jchange *c = &j->c[i];
		_cleanup_free_ char *w = when(c->time), *t = targets_text(c);
		printf("%-4ld %-21s igpuctl %s\n", c->id, w ? w : "-", c->command ? c->command : "?");
		printf("%-4s %-21s %s\n", "", "", t ? t : "?");
	}
	for (size_t i = 0; j->pending && j->pending[i]; i++) {
		_cleanup_free_ char *s = igp_argv_join(j->pending[i]);
		printf("%sPending command: %s\n", i ? "" : "\n", s ? s : "?");
	}
	return EXIT_OK;
}

/* The boot loader refresh and initramfs rebuild the restored files need,
 * with today's tools, initramfs first (proxmox-boot-tool copies it). */
static void add_refresh(struct igp_plan *plan)
{
	struct igp_bootloader boot = {0};
	struct igp_initramfs ir = {0};
	unsigned trig = igp_plan_triggers(plan);
	char **a = NULL;

	if (igp_initramfs_detect(&ir) >= 0 && ir.argv && (trig & IGP_REFRESH_INITRAMFS)) {
		for (char **s = ir.argv; *s; s++)
			(void)strv_push(&a, *s);
		(void)igp_plan_add_cmd(plan, TAKE_PTR(a), 0, "rebuild the initramfs");
	}
	if (igp_bootloader_detect(NULL, &boot) >= 0 && boot.refresh && (trig & boot.ops->refresh_on)) {
		for (char **s = boot.refresh; *s; s++)
			(void)strv_push(&a, *s);
		(void)igp_plan_add_cmd(plan, TAKE_PTR(a), 0, "apply the boot loader configuration");
	}
	igp_bootloader_done(&boot);
	igp_initramfs_done(&ir);
}

static void print_result(const struct igp_revert *rv, const int *manual_left, struct json_object *res)
{
	fprintf(planview_out(), "\n");
	for (size_t i = 0; i < rv->plan.n_files; i++) {
		const struct igp_file_change *f = &rv->plan.files[i];
		_cleanup_free_ char *what = NULL;
		bool left = false;
		for (size_t m = 0; m < rv->n; m++)
			if (rv->t[m].file == (long)i && manual_left[m])
				left = true;
		if (left)
			continue;
		if (res)
			result_add_file(res, f);
		what = igp_change_describe(f->kind, f->path);
		fprintf(planview_out(), "%s %s\n",
			!f->after ? "Removed"
			: f->note ? "Cleaned"
				  : "Restored",
			what ? what : f->path);
	}
}

static bool any_manual(const struct igp_revert *rv)
{
	for (size_t m = 0; m < rv->n; m++)
		if (rv->t[m].manual)
			return true;
	return false;
}

static int parse_id(const char *s, long *ret)
{
	return parse_long(s, 1, LONG_MAX / 2, ret);
}

/* Apply RV: pending commands, targets, then the commands; RES (may be
 * NULL) gets what was undone and run. */
static int apply(struct igp_change *c, struct igp_revert *rv, char ***cmds, bool no_run,
		 struct json_object *res)
{
	struct igp_change_report rep = {0};
	_cleanup_free_ int *left = calloc(rv->n + 1, sizeof(int));
	bool reboot = igp_plan_needs_reboot(&rv->plan, cmds);
	int r, failed = 0;

	if (!left)
		return log_error_errno(-ENOMEM, "Out of memory");
	for (size_t i = 0; cmds[i]; i++)
		if (igp_argvv_add(&c->j.pending, cmds[i]) < 0)
			return log_error_errno(-ENOMEM, "Out of memory");
	/* Which targets will be left, for the "Restored" lines. */
	r = igp_change_revert_apply(c, rv, &rep);
	if (r < 0) {
		igp_change_report_done(&rep);
		return log_error_errno(r, "Cannot update the journal %s; run `igpuctl revert` again",
				       IGP_VAR_LIB_IGPUCTL_JOURNAL);
	}
	for (size_t m = 0; m < rv->n; m++)
		left[m] = rv->t[m].manual != NULL;
	if (res)
		result_set(res, true, reboot);
	print_result(rv, left, res);
	if (planview_run_pending(&c->j, no_run, res) > 0)
		failed = 1;
	(void)igp_change_finish(c);
	for (size_t i = 0; res && rep.manual && rep.manual[i]; i++)
		result_add_manual(res, rep.manual[i]);
	if (r > 0) {
		log_error("%d change%s could not be undone; the rest was", r, r == 1 ? "" : "s");
		planview_print_manual(rep.manual);
	}
	igp_change_report_done(&rep);
	if (r > 0 || failed)
		return EXIT_FAIL;
	fprintf(planview_out(), "\nReverted.%s\n", reboot ? " Reboot for the change to take effect." : "");
	return EXIT_OK;
}

struct revert_opts {
	long id;
	bool dry_run, yes, no_run, do_list;
};

/* A dry run's result: what would be undone and run, and what could not. */
static void dry_run_result(struct json_object *res, const struct igp_revert *rv, char ***cmds)
{
	result_add_files(res, &rv->plan);
	result_add_commands(res, cmds);
	for (size_t m = 0; m < rv->n; m++)
		if (rv->t[m].manual)
			result_add_manual(res, rv->t[m].manual);
	result_set(res, rv->plan.n_files > 0 || cmds[0], igp_plan_needs_reboot(&rv->plan, cmds));
}

/* Plan the revert of o->id, show it, confirm and apply it (RES: the
 * result, or NULL). */
static int revert_planned(struct igp_change *ch, const struct revert_opts *o, struct json_object *res)
{
	_cleanup_(igp_revert_done) struct igp_revert rv = {};
	_cleanup_(igp_argvv_freep) char ***cmds = NULL;
	int r;

	r = igp_change_revert_plan(ch, o->id, &rv);
	if (r == -ENOENT)
		return log_error("no change %ld to revert (see `igpuctl revert --list`)", o->id);
	if (r < 0)
		return log_error_errno(r, "Cannot plan the revert");
	add_refresh(&rv.plan);
	cmds = planview_commands(&rv.plan, ch->j.pending, rv.cmds);
	if (!cmds)
		return log_error_errno(-ENOMEM, "Out of memory");
	if (rv.plan.n_files == 0 && !cmds[0] && !any_manual(&rv)) {
		_cleanup_(igp_change_report_done) struct igp_change_report rep = {};
		fprintf(planview_out(),
			"Nothing to revert: every file is as it was before igpuctl changed it.\n");
		if (!o->dry_run && (r = igp_change_revert_apply(ch, &rv, &rep)) < 0)
			return log_error_errno(r, "Cannot update the journal");
		return EXIT_OK;
	}
	planview_print(&rv.plan, cmds);
	for (size_t m = 0; m < rv.n; m++)
		if (rv.t[m].manual)
			fprintf(planview_out(), "\nCannot undo: %s\n", rv.t[m].manual);
	r = planview_dry_run_or_confirm(o->dry_run, o->yes, "Revert these changes");
	if (r < 0)
		return EXIT_FAIL;
	if (r == 0) {
		if (res)
			dry_run_result(res, &rv, cmds);
		return EXIT_OK;
	}
	return apply(ch, &rv, cmds, o->no_run, res);
}

static int revert(const struct revert_opts *o)
{
	_cleanup_(igp_change_end) struct igp_change ch = {.lock_fd = -1};
	struct json_object *res = NULL;
	int ret;

	if (planview_begin(&ch, o->dry_run || o->do_list) != 0)
		return EXIT_FAIL;
	/* A domain definition is undone through libvirt: the module is
	 * loaded when such a target is read, never otherwise. */
	if (libvirt_target_in_journal(&ch.j))
		libvirt_target_register();
	if (o->do_list)
		return list(&ch.j);
	res = arg_g.json ? result_new(!o->dry_run) : NULL;
	if (ch.j.n == 0 && igp_argvv_length(ch.j.pending) == 0) {
		fprintf(planview_out(), "Nothing to revert: igpuctl has not changed this host.\n");
		ret = !o->dry_run && ch.j.existed && igp_change_finish(&ch) < 0 ? EXIT_FAIL : EXIT_OK;
	} else {
		ret = revert_planned(&ch, o, res);
	}
	/* A result once the revert is planned: also when something was left
	 * to do by hand, never for one that did not start. */
	if (res && (ret == EXIT_OK || json_object_get_boolean(json_object_object_get(res, "changed"))))
		json_print(TAKE_PTR(res));
	json_object_put(res);
	return ret;
}

const struct option cmd_opts_revert[] = {
    {"help", no_argument, NULL, 'h'},		{"list", no_argument, NULL, 'l'},
    {"dry-run", no_argument, NULL, 'n'},	{"yes", no_argument, NULL, 'y'},
    {"no-initramfs", no_argument, NULL, 0x100}, {}};

int cmd_revert(int argc, char *argv[])
{
	struct revert_opts o = {};
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":hlny", cmd_opts_revert, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return help();
		case 'l':
			o.do_list = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'y':
			o.yes = true;
			break;
		case 0x100:
			o.no_run = true;
			break;
		default:
			return log_usage_option("revert", c, argc, argv, cmd_opts_revert);
		}
	}
	if (optind < argc && parse_id(argv[optind++], &o.id) < 0)
		return log_usage("revert", "\"%s\" is no change id (see `igpuctl revert --list`)",
				 argv[optind - 1]);
	if (optind < argc)
		return log_usage("revert", "unexpected argument \"%s\"", argv[optind]);
	if (o.do_list && o.id)
		return log_usage("revert", "--list takes no change id");
	/* -J: stdout holds the result alone, the plan and messages go to stderr. */
	if (arg_g.json && !o.do_list)
		planview_text_to_stderr();
	ret = revert(&o);
	/* The libvirt module stays loaded until the change and the revert
	 * plan, which may hold its targets, are released. */
	libvirt_target_close();
	return ret;
}
