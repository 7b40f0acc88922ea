/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl setup --mode full|gvt-g|sriov [ADDR]: the host half of passthrough. */
#include <getopt.h>

#include "cmd.h"
#include "setup/hostsetup.h"
#include "base/paths.h"
#include "model/pci.h"
#include "checks/checks.h"
#include "changeresult.h"
#include "output.h"
#include "planview.h"

static int help(void)
{
	printf(
	    "Usage: igpuctl setup --mode full|gvt-g|sriov [ADDR] [options]\n\n"
	    "Change the boot loader's kernel parameters, the modules loaded at boot and the\n"
	    "driver configuration for MODE on this host's boot stack, with a backup and a\n"
	    "journal (`igpuctl revert` undoes it). ADDR defaults to the single Intel iGPU.\n\n"
	    "  -m, --mode MODE          full (vfio-pci), gvt-g (mediated vGPUs), sriov (VFs)\n"
	    "  -n, --dry-run            print the plan as a unified diff and the commands; change nothing\n"
	    "  -y, --yes                do not ask before applying\n"
	    "      --no-initramfs       do not run the initramfs / boot loader commands, only print them\n"
	    "      --allow-boot-vga     accept losing the host console when the GPU is the boot VGA\n"
	    "      --allow-unsafe-group proceed although the IOMMU group holds a device the host needs\n"
	    "      --force-mode         proceed although the platform does not support MODE\n"
	    "      --force              take the GPU although containers use its render node (or\n"
	    "                           a VF's), and add again the kernel parameters igpuctl added\n"
	    "                           before and someone removed since (left out otherwise,\n"
	    "                           with a note)\n"
	    "      --acs-override[=V]   add pcie_acs_override=V (default downstream,multifunction;\n"
	    "                           patched kernels only, weakens isolation)\n"
	    "      --kvm-ignore-msrs    add kvm.ignore_msrs=1 (some Windows guests need it)\n"
	    "      --blacklist DRIVER   add DRIVER to modprobe.blacklist= (refused when a GPU that\n"
	    "                           stays on the host uses it); repeatable\n"
	    "      --param KEY[=VALUE]  add any kernel parameter; repeatable\n"
	    "      --vfs N              sriov: number of VFs (default sriov_totalvfs, else 7)\n"
	    "      --sriov-driver i915|xe  sriov: i915-sriov-dkms or upstream xe (default: the route\n"
	    "                           in use if it works on the kernel that boots next, else\n"
	    "                           the one that does, xe preferred)\n"
	    "      --bootloader NAME    grub, proxmox-systemd-boot, systemd-boot, mkinitcpio-uki or\n"
	    "                           kernelstub\n"
	    "                           instead of detecting it\n\n"
	    "Exit status: 0 done (or nothing to do), 1 refused or failed, 64 usage error.\n");
	return EXIT_OK;
}

/*
 * Findings (igp_gpu_findings_get(), those of `igpuctl check --mode MODE
 * ADDR`) that no boot or module configuration can fix:
 * setup says so up front instead of leaving the user with a host that still
 * cannot run the VM after the reboot.
 */
static const char *const outside_setup[] = {
    "cpu.virtualization",    "kvm.device", "kernel.version", "qemu.version", "memlock", "sriov.driver",
    "gvt.dmesg_unsupported", NULL,
};

static void print_outside_findings(const struct igp_host *h, const struct igp_setup_info *info,
				   enum igp_method mode)
{
	struct igp_gpu_findings f;
	struct igp_pci_dev *gpu = NULL;
	bool header = false;

	if (igp_host_find(h, info->device, &gpu) < 0)
		return;
	/* For the SR-IOV route the plan sets up, not the one in use. */
	if (igp_gpu_findings_get_route(h, gpu, 1u << mode, info->sriov_route, &f) < 0)
		return;
	for (size_t i = 0; i < f.mode[mode].n_checks; i++) {
		const struct igp_check *c = &f.mode[mode].checks[i];
		if (!strv_contains((char **)outside_setup, c->id))
			continue;
		if (!header)
			fprintf(planview_out(),
				"\nStill to do, outside what setup changes (from `igpuctl check`):\n");
		header = true;
		fprintf(planview_out(), "  %s %s: %s%s%s\n", igp_check_status_name(c->status), c->id,
			c->message, c->remedy ? " " : "", c->remedy ? c->remedy : "");
	}
	igp_gpu_findings_done(&f);
}

/* The command line of `igpuctl setup`. */
struct setup_args {
	struct igp_setup_opts o;
	char **params, **blacklist; /* owned; o.params and o.blacklist point here */
	bool dry_run, yes, no_initramfs;
};

enum {
	ARG_NO_INITRAMFS = 0x100,
	ARG_BOOT_VGA,
	ARG_UNSAFE,
	ARG_FORCE_MODE,
	ARG_FORCE,
	ARG_ACS,
	ARG_MSRS,
	ARG_BLACKLIST,
	ARG_PARAM,
	ARG_VFS,
	ARG_SRIOV_DRIVER,
	ARG_BOOTLOADER
};

const struct option cmd_opts_setup[] = {{"help", no_argument, NULL, 'h'},
					{"mode", required_argument, NULL, 'm'},
					{"dry-run", no_argument, NULL, 'n'},
					{"yes", no_argument, NULL, 'y'},
					{"no-initramfs", no_argument, NULL, ARG_NO_INITRAMFS},
					{"allow-boot-vga", no_argument, NULL, ARG_BOOT_VGA},
					{"allow-unsafe-group", no_argument, NULL, ARG_UNSAFE},
					{"force-mode", no_argument, NULL, ARG_FORCE_MODE},
					{"force", no_argument, NULL, ARG_FORCE},
					{"acs-override", optional_argument, NULL, ARG_ACS},
					{"kvm-ignore-msrs", no_argument, NULL, ARG_MSRS},
					{"blacklist", required_argument, NULL, ARG_BLACKLIST},
					{"param", required_argument, NULL, ARG_PARAM},
					{"vfs", required_argument, NULL, ARG_VFS},
					{"sriov-driver", required_argument, NULL, ARG_SRIOV_DRIVER},
					{"bootloader", required_argument, NULL, ARG_BOOTLOADER},
					{}};

/* The options that take a value, checked as far as the command line can
 * tell; -1 when C is none of them, else 0 or the exit status. */
static int parse_value_option(int c, struct setup_args *a)
{
	long v;

	switch (c) {
	case 'm':
		if (igp_method_parse(optarg, &a->o.mode) < 0)
			return log_usage("setup", "unknown mode \"%s\" (full, gvt-g, sriov)", optarg);
		return 0;
	case ARG_ACS:
		a->o.acs_override = optarg ? optarg : "downstream,multifunction";
		return 0;
	case ARG_BLACKLIST:
	case ARG_PARAM:
		if (strv_push(c == ARG_PARAM ? &a->params : &a->blacklist, optarg) < 0)
			return log_error_errno(-ENOMEM, "Out of memory");
		return 0;
	case ARG_VFS:
		if (parse_count(optarg, 1, 255, &v) < 0)
			return log_usage("setup", "--vfs wants a number from 1 to 255");
		a->o.vfs = (int)v;
		return 0;
	case ARG_SRIOV_DRIVER:
		if (!streq(optarg, "i915") && !streq(optarg, "xe"))
			return log_usage("setup", "--sriov-driver is i915 or xe");
		a->o.sriov_driver = optarg;
		return 0;
	case ARG_BOOTLOADER:
		if (!igp_boot_loader_find(optarg))
			return log_usage("setup",
					 "--bootloader is grub, proxmox-systemd-boot, mkinitcpio-uki, "
					 "systemd-boot or kernelstub");
		a->o.bootloader = optarg;
		return 0;
	}
	return -1;
}

/* The flags: where C is one, set it and return true. */
static bool parse_flag(int c, struct setup_args *a)
{
	bool *flag = c == 'n'		     ? &a->dry_run
		     : c == 'y'		     ? &a->yes
		     : c == ARG_NO_INITRAMFS ? &a->no_initramfs
		     : c == ARG_BOOT_VGA     ? &a->o.allow_boot_vga
		     : c == ARG_UNSAFE	     ? &a->o.allow_unsafe_group
		     : c == ARG_FORCE_MODE   ? &a->o.force_mode
		     : c == ARG_FORCE	     ? &a->o.force
		     : c == ARG_MSRS	     ? &a->o.kvm_ignore_msrs
					     : NULL;
	if (flag)
		*flag = true;
	return flag != NULL;
}

/* CMD_GO_ON, or the exit status (help, usage errors). */
static int parse_args(int argc, char *argv[], struct setup_args *a)
{
	bool have_mode = false;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:ny", cmd_opts_setup, NULL)) >= 0) {
		if (c == 'h')
			return help();
		if (parse_flag(c, a))
			continue;
		r = parse_value_option(c, a);
		if (r < 0)
			return log_usage_option("setup", c, argc, argv, cmd_opts_setup);
		if (r > 0)
			return r;
		have_mode |= c == 'm';
	}
	if (!have_mode)
		return log_usage("setup", "--mode full|gvt-g|sriov is required");
	if (optind < argc) {
		struct igp_pci_addr addr;
		a->o.address = argv[optind++];
		if (igp_pci_addr_parse_loose(a->o.address, &addr, NULL) < 0)
			return log_usage("setup",
					 "'%s' is not a PCI address (expected 0000:00:02.0, 00:02.0 or 2.0)",
					 a->o.address);
	}
	if (optind < argc)
		return log_usage("setup", "unexpected argument \"%s\"", argv[optind]);
	a->o.params = a->params;
	a->o.blacklist = a->blacklist;
	return CMD_GO_ON;
}

/* What setup is about to change, and on which boot stack. */
static void print_header(const struct igp_setup_info *info, enum igp_method mode)
{
	fprintf(planview_out(), "Device:     %s, %s\n", info->device, info->device_desc);
	fprintf(planview_out(), "Mode:       %s\n", igp_method_name(mode));
	fprintf(planview_out(), "Boot:       %s: %s\n", info->boot.name, info->boot.reason);
	fprintf(planview_out(), "Initramfs:  %s: %s\n\n", info->initramfs.name, info->initramfs.reason);
}

/* Apply the confirmed PLAN under the lock of CH, then its commands; RES
 * (may be NULL) gets what was written and run. */
static int apply(struct igp_change *ch, const struct igp_plan *plan, char *argv[], char ***cmds,
		 const struct igp_setup_info *info, bool no_initramfs, struct json_object *res)
{
	bool reboot = igp_plan_needs_reboot(plan, cmds);
	int r;

	if (planview_apply(ch, plan, argv, cmds, info->revert_argvs) != 0)
		return EXIT_FAIL;
	fprintf(planview_out(), "\n");
	for (size_t i = 0; i < plan->n_files; i++)
		fprintf(planview_out(), "Changed %s\n", plan->files[i].path);
	if (res) {
		result_add_files(res, plan);
		result_set(res, true, reboot);
	}
	if (planview_run_pending(&ch->j, no_initramfs, res) > 0) {
		(void)igp_change_finish(ch);
		return EXIT_FAIL;
	}
	r = igp_change_finish(ch);
	if (r < 0)
		return log_error_errno(r, "Cannot update the journal");
	fprintf(planview_out(), "\nDone. %s`igpuctl revert` undoes them.\n",
		reboot ? "Reboot for the changes to take effect; " : "");
	return EXIT_OK;
}

/* Nothing to write and nothing to run. */
static void print_nothing(const struct igp_plan *plan, const struct igp_setup_info *info,
			  enum igp_method mode)
{
	if (info->left_out)
		fprintf(planview_out(),
			"Nothing to change: this host is set up for %s, but for the kernel "
			"parameters removed since igpuctl added them (see the notes).\n",
			igp_method_name(mode));
	else
		fprintf(planview_out(), "Nothing to change: this host is already set up for %s.\n",
			igp_method_name(mode));
	for (char **n = plan->notes; n && *n; n++)
		fprintf(planview_out(), "\nNote: %s\n", *n);
}

/* Show PLAN, confirm, apply (RES: the result, or NULL). */
static int show_and_apply(struct igp_change *ch, const struct igp_host *h, const struct igp_plan *plan,
			  char ***cmds, const struct setup_args *a, char *argv[],
			  const struct igp_setup_info *info, struct json_object *res)
{
	int r;

	planview_print(plan, cmds);
	print_outside_findings(h, info, a->o.mode);
	r = planview_dry_run_or_confirm(a->dry_run, a->yes, "Apply these changes");
	if (r > 0)
		return apply(ch, plan, argv, cmds, info, a->no_initramfs, res);
	if (r < 0)
		return EXIT_FAIL;
	if (res) {
		result_add_files(res, plan);
		result_add_commands(res, cmds);
		result_set(res, true, igp_plan_needs_reboot(plan, cmds));
	}
	return EXIT_OK;
}

/* Plan, show, confirm and apply under the lock taken in CH. */
static int run(struct igp_change *ch, const struct setup_args *a, char *argv[])
{
	struct igp_setup_opts opts = a->o;
	struct igp_setup_info info = {0};
	struct igp_plan plan = {0};
	_cleanup_host_ struct igp_host *h = load_host_or_complain();
	_cleanup_free_ char *err = NULL;
	struct json_object *res = NULL;
	char ***cmds = NULL;
	int r, ret = EXIT_FAIL;

	if (!h)
		return EXIT_FAIL;
	opts.journal = &ch->j;
	r = igp_setup_plan(h, &opts, &plan, &info, &err);
	if (r < 0) {
		if (err)
			return log_error("refusing to set up %s: %s", igp_method_name(a->o.mode), err);
		return log_error_errno(r, "Cannot plan the setup");
	}
	print_header(&info, a->o.mode);
	cmds = planview_commands(&plan, ch->j.pending, NULL);
	res = arg_g.json ? result_new(!a->dry_run) : NULL;
	if (!cmds) {
		ret = log_error_errno(-ENOMEM, "Out of memory");
	} else if (plan.n_files == 0 && !cmds[0]) {
		print_nothing(&plan, &info, a->o.mode);
		print_outside_findings(h, &info, a->o.mode);
		ret = EXIT_OK;
	} else {
		ret = show_and_apply(ch, h, &plan, cmds, a, argv, &info, res);
	}
	/* A result once the plan is known: also when a command failed after
	 * the files were written, never for a change that did not start. */
	if (res && cmds &&
	    (ret == EXIT_OK || json_object_get_boolean(json_object_object_get(res, "changed"))))
		json_print(TAKE_PTR(res));
	json_object_put(res);
	igp_argvv_free(cmds);
	igp_plan_done(&plan);
	igp_setup_info_done(&info);
	return ret;
}

int cmd_setup(int argc, char *argv[])
{
	struct setup_args a = {.o = {.vfs = -1}};
	struct igp_change ch = {.lock_fd = -1};
	int ret = parse_args(argc, argv, &a);

	/* -J: stdout holds the result alone, the plan and messages go to stderr. */
	if (arg_g.json)
		planview_text_to_stderr();

	/* The lock comes before anything the plan rests on is read. */
	if (ret == CMD_GO_ON && planview_begin(&ch, a.dry_run) != 0)
		ret = EXIT_FAIL;
	if (ret == CMD_GO_ON) {
		ret = run(&ch, &a, argv);
		igp_change_end(&ch);
	}
	strv_free(a.params);
	strv_free(a.blacklist);
	return ret;
}
