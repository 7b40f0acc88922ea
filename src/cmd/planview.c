/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "base/diff.h"
#include "base/paths.h"
#include "changeresult.h"
#include "output.h"
#include "planview.h"

static bool text_to_stderr;

FILE *planview_out(void)
{
	return text_to_stderr ? stderr : stdout;
}

void planview_text_to_stderr(void)
{
	text_to_stderr = true;
}

char ***planview_commands(const struct igp_plan *p, char ***pending, char ***extra)
{
	char ***out = calloc(1, sizeof(char **));

	for (size_t i = 0; out && pending && pending[i]; i++)
		if (igp_argvv_add(&out, pending[i]) < 0)
			goto oom;
	for (size_t i = 0; out && extra && extra[i]; i++)
		if (igp_argvv_add(&out, extra[i]) < 0)
			goto oom;
	for (size_t i = 0; out && i < p->n_cmds; i++)
		if (igp_plan_cmd_needed(p, &p->cmds[i], 0) && (p->n_files > 0 || p->cmds[i].trigger == 0) &&
		    igp_argvv_add(&out, p->cmds[i].argv) < 0)
			goto oom;
	return out;
oom:
	igp_argvv_free(out);
	return NULL;
}

/* The diff of every edit; a target that is no file is labelled by what it
 * is ("a/libvirt domain demo (URI)"), not by its key. */
static void print_diff(const struct igp_plan *p)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct igp_file_change *f = &p->files[i];
		_cleanup_free_ char *what = igp_change_describe(f->kind, f->path), *label = NULL, *d = NULL;
		label = what && f->kind ? strdupf("/%s", what) : TAKE_PTR(what);
		if (label && igp_diff_unified(label, f->before, f->after, &d) >= 0)
			fputs(d, planview_out());
	}
}

void planview_print(const struct igp_plan *p, char ***cmds)
{
	print_diff(p);
	if (p->n_attrs)
		fprintf(planview_out(), "%sKernel settings written now (they last until the next boot):\n",
			p->n_files ? "\n" : "");
	for (size_t i = 0; i < p->n_attrs; i++)
		fprintf(planview_out(), "  %s  >  %s\n", p->attrs[i].value, p->attrs[i].path);
	if (cmds && cmds[0]) {
		fprintf(planview_out(), "%sCommands:\n", p->n_files ? "\n" : "");
		for (size_t i = 0; cmds[i]; i++) {
			_cleanup_free_ char *s = igp_argv_join(cmds[i]);
			fprintf(planview_out(), "  %s\n", s ? s : "?");
		}
	}
	for (size_t i = 0; i < p->n_files; i++)
		if (p->files[i].note)
			fprintf(planview_out(), "\nNote: %s\n", p->files[i].note);
	for (char **n = p->notes; n && *n; n++)
		fprintf(planview_out(), "\nNote: %s\n", *n);
}

int planview_confirm(bool yes, const char *what)
{
	char buf[16];

	if (yes)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		log_error("not asking for confirmation: standard input is not a terminal. Review "
			  "the plan with --dry-run, then run again with --yes");
		return -ENOTTY;
	}
	fprintf(planview_out(), "\n%s? [y/N] ", what);
	fflush(planview_out());
	if (!fgets(buf, sizeof(buf), stdin) || (buf[0] != 'y' && buf[0] != 'Y'))
		return -ECANCELED;
	return 0;
}

int planview_dry_run_or_confirm(bool dry_run, bool yes, const char *what)
{
	int r;

	if (dry_run) {
		fprintf(planview_out(), "\nDry run: nothing was changed.\n");
		return 0;
	}
	r = planview_confirm(yes, what);
	if (r == -ECANCELED)
		fprintf(planview_out(), "Nothing was changed.\n");
	return r < 0 ? r : 1;
}

int planview_run_pending(struct igp_journal *j, bool no_run, struct json_object *result)
{
	char ***left = NULL;
	int failed = 0;

	if (!j->pending || !j->pending[0])
		return 0;
	if (!igp_root_runs_commands() || no_run) {
		fprintf(planview_out(), "\n%s; run them yourself%s:\n",
			!igp_root_is_host() ? "Commands are not run under --root (they would act on "
					      "this machine, not on the tree)"
					    : "Commands not run (--no-initramfs)",
			!igp_root_is_host() ? " inside the target system" : "");
		for (size_t i = 0; j->pending[i]; i++) {
			_cleanup_free_ char *s = igp_argv_join(j->pending[i]);
			fprintf(planview_out(), "  %s\n", s ? s : "?");
			if (result)
				result_add_command(result, j->pending[i], false, 0);
		}
		igp_argvv_free(j->pending);
		j->pending = NULL;
		return 0;
	}
	for (size_t i = 0; j->pending[i]; i++) {
		_cleanup_free_ char *s = igp_argv_join(j->pending[i]);
		int r = igp_run_argv(j->pending[i]);
		if (result)
			result_add_command(result, j->pending[i], true, r);
		if (r == 0)
			continue;
		if (r < 0)
			log_error_errno(r, "Cannot run %s", s ? s : "?");
		else
			log_error("%s failed (exit status %d); fix the cause and run it by hand, or run "
				  "the igpuctl command again",
				  s ? s : "?", r);
		failed++;
		if (igp_argvv_add(&left, j->pending[i]) < 0)
			break;
	}
	igp_argvv_free(j->pending);
	j->pending = left;
	return failed;
}

int planview_begin(struct igp_change *c, bool peek)
{
	_cleanup_free_ char *why = NULL;
	pid_t holder = 0;
	int r;

	*c = (struct igp_change){.lock_fd = -1};
	r = peek ? igp_journal_load(&c->j, &why) : igp_change_begin(c, &holder, &why);
	if (r == -EBUSY) {
		if (holder)
			return log_error("another igpuctl (pid %d) is changing this host; try again "
					 "when it is done",
					 (int)holder);
		return log_error("another igpuctl is changing this host; try again when it is done");
	}
	if (r == -EBADMSG || r == -EPROTONOSUPPORT)
		return log_error("the journal %s%s cannot be used (%s); nothing was changed. Move it "
				 "aside to start afresh; the files as they were before igpuctl are in %s%s",
				 igp_root_is_host() ? "" : igp_root(), IGP_VAR_LIB_IGPUCTL_JOURNAL,
				 why ? why : "damaged", igp_root_is_host() ? "" : igp_root(),
				 IGP_VAR_LIB_IGPUCTL_BACKUP);
	if (r < 0)
		return log_error_errno(r, "Cannot %s %s", peek ? "read" : "lock",
				       peek ? IGP_VAR_LIB_IGPUCTL_JOURNAL : IGP_VAR_LIB_IGPUCTL_LOCK);
	return 0;
}

void planview_print_manual(char *const *manual)
{
	if (!manual || !manual[0])
		return;
	fprintf(stderr, "\nLeft to do by hand:\n");
	for (size_t i = 0; manual[i]; i++)
		fprintf(stderr, "  %s\n", manual[i]);
}

char *planview_command_name(char *const *argv)
{
	_cleanup_free_ char *s = NULL;

	for (size_t i = 0; argv && argv[i]; i++) {
		if (streq(argv[i], "--yes") || streq(argv[i], "-y"))
			continue;
		if (strextendf(&s, "%s%s", s ? " " : "", argv[i]) < 0)
			return NULL;
	}
	return TAKE_PTR(s);
}

void planview_report(int r, const struct igp_change_report *rep)
{
	if (r == -ESTALE)
		log_error("%s changed since igpuctl read it; nothing was written. Run the command "
			  "again to see the plan for the file as it is now",
			  rep->failed ? rep->failed : "a file");
	else if (r < 0 && !rep->manual)
		log_error_errno(r, "Failed to write %s; everything this run had changed was put back",
				rep->failed ? rep->failed : IGP_VAR_LIB_IGPUCTL_JOURNAL);
	else if (r < 0)
		log_error_errno(r, "Failed to write %s, and not everything could be put back",
				rep->failed ? rep->failed : IGP_VAR_LIB_IGPUCTL_JOURNAL);
	planview_print_manual(rep->manual);
}

int planview_apply(struct igp_change *c, const struct igp_plan *plan, char *const *argv, char ***cmds,
		   char ***revert_argvs)
{
	_cleanup_free_ char *name =
	    arg_g.command_line ? strdup(arg_g.command_line) : planview_command_name(argv);
	struct igp_change_report rep = {0};
	int r;

	r = igp_change_apply(c, plan, name, cmds, revert_argvs, &rep);
	if (r < 0)
		planview_report(r, &rep);
	igp_change_report_done(&rep);
	return r < 0 ? EXIT_FAIL : 0;
}

int planview_dry_run(const struct igp_plan *p)
{
	bool changes = p->n_files > 0 || p->n_attrs > 0;
	struct json_object *res;

	if (arg_g.json)
		planview_text_to_stderr();
	planview_print(p, NULL);
	if (!changes)
		fprintf(planview_out(), "Nothing to change.\n");
	fprintf(planview_out(), "\nDry run: nothing was changed.\n");
	if (!arg_g.json)
		return EXIT_OK;
	res = result_new(false);
	result_add_files(res, p);
	result_set(res, changes, changes && igp_plan_needs_reboot(p, NULL));
	json_print(res);
	return EXIT_OK;
}
