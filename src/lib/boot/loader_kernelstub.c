/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernelstub (Pop!_OS): it copies the kernel to the ESP and writes the
 * systemd-boot entry itself, with the options of its configuration
 * (/etc/kernelstub/configuration, kernelstub(1)); `kernelstub -a/-d`
 * change them and rewrite the entry.
 */
#include "boot/loader_int.h"
#include "base/paths.h"
#include "base/util.h"
#include "change/journal.h"

/* Add ARGV (NULL: out of memory) to the commands revert runs. */
static int push_argvv(char ****v, char **argv)
{
	int r = argv ? igp_argvv_add(v, argv) : -ENOMEM;

	strv_free(argv);
	return r;
}

/* kernelstub keeps its options in JSON ("user": {"kernel_options": [...]}).
 * igpuctl edits that list itself (journaled, byte-preserving) and runs
 * `kernelstub -a/-d` with the same change, which also rewrites the boot
 * entry; revert runs the inverse commands. */
static int kernelstub_plan(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w,
			   size_t nw, char ****revert_argvs, char **ret_error)
{
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	_cleanup_free_ char *adds = NULL;
	int r;

	(void)b;
	r = igp_plan_line_file(p, IGP_ETC_KERNELSTUB_CONFIG, IGP_CMDLINE_KERNELSTUB, w, nw, &ops, &n_ops,
			       ret_error);
	if (r < 0)
		return r;
	adds = strdup("");
	for (size_t k = 0; adds && r >= 0 && k < n_ops; k++) {
		if (ops[k].kind != IGP_KOP_ADD) {
			r = igp_plan_add_cmd(p, igp_argv_new("kernelstub", "-d", ops[k].old, NULL),
					     IGP_REFRESH_BOOT, "remove a conflicting kernel option");
			if (r >= 0)
				r = push_argvv(revert_argvs,
					       igp_argv_new("kernelstub", "-a", ops[k].old, NULL));
		}
		if (r >= 0 && ops[k].kind != IGP_KOP_REMOVE) {
			char *n = strdupf("%s%s%s", adds, *adds ? " " : "", ops[k].token);
			free(adds);
			adds = n;
			r = push_argvv(revert_argvs, igp_argv_new("kernelstub", "-d", ops[k].token, NULL));
		}
	}
	if (!adds)
		r = -ENOMEM;
	if (r >= 0 && *adds)
		r = igp_plan_add_cmd(p, igp_argv_new("kernelstub", "-a", adds, NULL), IGP_REFRESH_BOOT,
				     "add the kernel options (kernelstub rewrites the boot entry)");
	igp_kops_free(ops, n_ops);
	return r;
}

static int kernelstub_config(const struct igp_bootloader *b, const char *release, struct igp_boot_config *ret)
{
	(void)b;
	(void)release;
	ret->configured = igp_cmdline_file_read_tokens(IGP_ETC_KERNELSTUB_CONFIG, IGP_CMDLINE_KERNELSTUB);
	ret->where = strdupf("kernelstub's kernel options (%s)", IGP_ETC_KERNELSTUB_CONFIG);
	return ret->where ? 0 : -ENOMEM;
}

static char *kernelstub_remedy(const struct igp_boot_edit *e)
{
	return strdupf("With kernelstub: %s (`kernelstub -a \"TOKEN\"` adds, `kernelstub -d \"TOKEN\"` "
		       "removes); then reboot.",
		       e->what);
}

const struct igp_boot_ops igp_kernelstub_ops = {
    .id = "kernelstub",
    .name = "kernelstub (Pop!_OS)",
    .syntax = IGP_KSYNTAX_KERNELSTUB,
    .refresh_on = IGP_REFRESH_BOOT,
    .plan_cmdline = kernelstub_plan,
    .config = kernelstub_config,
    .remedy = kernelstub_remedy,
};
