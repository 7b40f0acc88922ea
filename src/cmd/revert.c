/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl revert: undo what setup (and bind --persist) changed. */
#include <getopt.h>

#include "bootloader.h"
#include "cmd.h"
#include "journal.h"
#include "modconf.h"
#include "paths.h"
#include "planview.h"

static int help(void)
{
	printf("Usage: igpuctl revert [--dry-run] [--yes] [--no-initramfs]\n\n"
	       "Undo igpuctl's changes recorded in the journal under /var/lib/igpuctl. A file\n"
	       "nobody changed since is restored byte for byte; in a file changed since, only\n"
	       "igpuctl's own parameters and lines are removed (and revert says so).\n\n"
	       "  -n, --dry-run       print what would be restored as a unified diff\n"
	       "  -y, --yes           do not ask before applying\n"
	       "      --no-initramfs  do not run the initramfs / boot loader commands, only print them\n");
	return EXIT_OK;
}

int cmd_revert(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "no-initramfs", no_argument, NULL, 0x100 },
		{}
	};
	struct igp_journal j = { 0 };
	struct igp_plan plan = { 0 };
	struct igp_bootloader boot = { 0 };
	struct igp_initramfs ir = { 0 };
	_cleanup_free_ char *failed = NULL;
	char ***cmds = NULL;
	bool dry_run = false, yes = false, no_run = false;
	unsigned trig;
	int c, r, ret = EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hny", longopts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return help();
		case 'n':
			dry_run = true;
			break;
		case 'y':
			yes = true;
			break;
		case 0x100:
			no_run = true;
			break;
		default:
			return log_usage("revert", "invalid option");
		}
	}
	if (optind < argc)
		return log_usage("revert", "unexpected argument \"%s\"", argv[optind]);

	r = igp_journal_load(&j);
	if (r < 0)
		return log_error_errno(r, "Cannot read the journal %s", IGP_VAR_LIB_IGPUCTL_JOURNAL);
	if (!j.existed) {
		printf("Nothing to revert: igpuctl has not changed this host.\n");
		ret = EXIT_OK;
		goto out;
	}
	r = igp_journal_revert_plan(&j, &plan);
	if (r < 0) {
		log_error_errno(r, "Cannot plan the revert");
		goto out;
	}
	/* What the restored files need refreshed, with today's tools. */
	trig = igp_plan_triggers(&plan);
	if (igp_bootloader_detect(NULL, &boot) >= 0 && boot.refresh && (trig & IGP_REFRESH_BOOT ||
	    ((boot.kind == IGP_BOOT_PVE_SDBOOT || boot.grub == IGP_GRUB_PVE) && trig))) {
		char **a = NULL;
		for (char **s = boot.refresh; *s; s++)
			(void)strv_push(&a, *s);
		(void)igp_plan_add_cmd(&plan, a, 0, "apply the boot loader configuration");
	}
	if (igp_initramfs_detect(&ir) >= 0 && ir.argv && (trig & IGP_REFRESH_INITRAMFS)) {
		char **a = NULL;
		for (char **s = ir.argv; *s; s++)
			(void)strv_push(&a, *s);
		/* Before the loader refresh (proxmox-boot-tool copies it). */
		(void)igp_plan_add_cmd(&plan, a, 0, "rebuild the initramfs");
		if (plan.n_cmds == 2) {
			struct igp_plan_cmd t = plan.cmds[0];
			plan.cmds[0] = plan.cmds[1];
			plan.cmds[1] = t;
		}
	}
	cmds = planview_commands(&plan, j.pending, j.revert_cmds);
	if (!cmds) {
		log_error_errno(-ENOMEM, "Out of memory");
		goto out;
	}
	if (plan.n_files == 0 && !cmds[0]) {
		printf("Nothing to revert: every file is as it was before igpuctl changed it.\n");
		if (!dry_run) {
			r = igp_journal_remove(&j);
			if (r < 0) {
				log_error_errno(r, "Cannot remove the journal");
				goto out;
			}
		}
		ret = EXIT_OK;
		goto out;
	}
	planview_print(&plan, cmds);
	r = planview_dry_run_or_confirm(dry_run, yes, "Revert these changes");
	if (r == 0)
		ret = EXIT_OK;
	if (r <= 0)
		goto out;
	igp_argvv_free(j.pending);
	j.pending = NULL;
	for (size_t i = 0; cmds[i]; i++)
		if (igp_argvv_add(&j.pending, cmds[i]) < 0) {
			log_error_errno(-ENOMEM, "Out of memory");
			goto out;
		}
	r = igp_journal_revert_apply(&j, &plan, &failed);
	if (r < 0) {
		log_error_errno(r, "Failed to restore %s; run `igpuctl revert` again",
				failed ? failed : IGP_VAR_LIB_IGPUCTL_JOURNAL);
		goto out;
	}
	printf("\n");
	for (size_t i = 0; i < plan.n_files; i++)
		printf("%s %s\n", !plan.files[i].after ? "Removed" : plan.files[i].note ? "Cleaned" : "Restored",
		       plan.files[i].path);
	if (planview_run_pending(&j, no_run) > 0) {
		(void)igp_journal_save(&j);
		goto out;
	}
	r = igp_journal_remove(&j);
	if (r < 0) {
		log_error_errno(r, "Cannot remove the journal");
		goto out;
	}
	printf("\nReverted. Reboot for the change to take effect.\n");
	ret = EXIT_OK;
out:
	igp_argvv_free(cmds);
	igp_bootloader_done(&boot);
	igp_initramfs_done(&ir);
	igp_plan_done(&plan);
	igp_journal_done(&j);
	return ret;
}
