/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl setup --mode full|gvt-g|sriov [ADDR]: the host half of passthrough. */
#include <getopt.h>

#include "cmd.h"
#include "setup/hostsetup.h"
#include "base/paths.h"
#include "model/pci.h"
#include "checks/checks.h"
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
	    "      --acs-override[=V]   add pcie_acs_override=V (default downstream,multifunction;\n"
	    "                           patched kernels only, weakens isolation)\n"
	    "      --kvm-ignore-msrs    add kvm.ignore_msrs=1 (some Windows guests need it)\n"
	    "      --blacklist DRIVER   add DRIVER to modprobe.blacklist= (refused when a GPU that\n"
	    "                           stays on the host uses it); repeatable\n"
	    "      --param KEY[=VALUE]  add any kernel parameter; repeatable\n"
	    "      --vfs N              sriov: number of VFs (default sriov_totalvfs, else 7)\n"
	    "      --sriov-driver i915|xe  sriov: i915-sriov-dkms (default) or xe\n"
	    "      --bootloader NAME    grub, proxmox-systemd-boot, systemd-boot or kernelstub\n"
	    "                           instead of detecting it\n\n"
	    "Exit status: 0 done (or nothing to do), 1 refused or failed, 2 usage error.\n");
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

static void print_outside_findings(const struct igp_host *h, const char *address, enum igp_method mode)
{
	struct igp_gpu_findings f;
	struct igp_pci_dev *gpu = NULL;
	bool header = false;

	if (igp_host_find(h, address, &gpu) < 0)
		return;
	if (igp_gpu_findings_get(h, gpu, 1u << mode, &f) < 0)
		return;
	for (size_t i = 0; i < f.mode[mode].n_checks; i++) {
		const struct igp_check *c = &f.mode[mode].checks[i];
		if (!strv_contains((char **)outside_setup, c->id))
			continue;
		if (!header)
			printf("\nStill to do, outside what setup changes (from `igpuctl check`):\n");
		header = true;
		printf("  %s %s: %s%s%s\n", igp_check_status_name(c->status), c->id, c->message,
		       c->remedy ? " " : "", c->remedy ? c->remedy : "");
	}
	igp_gpu_findings_done(&f);
}

int cmd_setup(int argc, char *argv[])
{
	enum {
		ARG_NO_INITRAMFS = 0x100,
		ARG_BOOT_VGA,
		ARG_UNSAFE,
		ARG_FORCE_MODE,
		ARG_ACS,
		ARG_MSRS,
		ARG_BLACKLIST,
		ARG_PARAM,
		ARG_VFS,
		ARG_SRIOV_DRIVER,
		ARG_BOOTLOADER
	};
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
						 {"mode", required_argument, NULL, 'm'},
						 {"dry-run", no_argument, NULL, 'n'},
						 {"yes", no_argument, NULL, 'y'},
						 {"no-initramfs", no_argument, NULL, ARG_NO_INITRAMFS},
						 {"allow-boot-vga", no_argument, NULL, ARG_BOOT_VGA},
						 {"allow-unsafe-group", no_argument, NULL, ARG_UNSAFE},
						 {"force-mode", no_argument, NULL, ARG_FORCE_MODE},
						 {"acs-override", optional_argument, NULL, ARG_ACS},
						 {"kvm-ignore-msrs", no_argument, NULL, ARG_MSRS},
						 {"blacklist", required_argument, NULL, ARG_BLACKLIST},
						 {"param", required_argument, NULL, ARG_PARAM},
						 {"vfs", required_argument, NULL, ARG_VFS},
						 {"sriov-driver", required_argument, NULL, ARG_SRIOV_DRIVER},
						 {"bootloader", required_argument, NULL, ARG_BOOTLOADER},
						 {}};
	struct igp_setup_opts o = {.vfs = -1};
	_cleanup_strv_free_ char **params = NULL, **blacklist = NULL;
	struct igp_setup_info info = {0};
	struct igp_plan plan = {0};
	struct igp_change ch = {.lock_fd = -1};
	_cleanup_host_ struct igp_host *h = NULL;
	_cleanup_free_ char *err = NULL;
	char ***cmds = NULL;
	bool dry_run = false, yes = false, no_initramfs = false, have_mode = false;
	int c, r, ret = EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:ny", longopts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return help();
		case 'm':
			if (igp_method_parse(optarg, &o.mode) < 0)
				return log_usage("setup", "unknown mode \"%s\" (full, gvt-g, sriov)", optarg);
			have_mode = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'y':
			yes = true;
			break;
		case ARG_NO_INITRAMFS:
			no_initramfs = true;
			break;
		case ARG_BOOT_VGA:
			o.allow_boot_vga = true;
			break;
		case ARG_UNSAFE:
			o.allow_unsafe_group = true;
			break;
		case ARG_FORCE_MODE:
			o.force_mode = true;
			break;
		case ARG_ACS:
			o.acs_override = optarg ? optarg : "downstream,multifunction";
			break;
		case ARG_MSRS:
			o.kvm_ignore_msrs = true;
			break;
		case ARG_BLACKLIST:
			if (strv_push(&blacklist, optarg) < 0)
				return log_error_errno(-ENOMEM, "Out of memory");
			break;
		case ARG_PARAM:
			if (strv_push(&params, optarg) < 0)
				return log_error_errno(-ENOMEM, "Out of memory");
			break;
		case ARG_VFS: {
			long v;
			if (parse_count(optarg, 1, 255, &v) < 0)
				return log_usage("setup", "--vfs wants a number from 1 to 255");
			o.vfs = (int)v;
			break;
		}
		case ARG_SRIOV_DRIVER:
			if (!streq(optarg, "i915") && !streq(optarg, "xe"))
				return log_usage("setup", "--sriov-driver is i915 or xe");
			o.sriov_driver = optarg;
			break;
		case ARG_BOOTLOADER:
			if (!streq(optarg, "grub") && !streq(optarg, "proxmox-systemd-boot") &&
			    !streq(optarg, "systemd-boot") && !streq(optarg, "kernelstub"))
				return log_usage("setup", "--bootloader is grub, proxmox-systemd-boot, "
							  "systemd-boot or kernelstub");
			o.bootloader = optarg;
			break;
		default:
			return log_usage_option("setup", c, argc, argv, longopts);
		}
	}
	if (!have_mode)
		return log_usage("setup", "--mode full|gvt-g|sriov is required");
	if (optind < argc) {
		struct igp_pci_addr a;
		o.address = argv[optind++];
		if (igp_pci_addr_parse_loose(o.address, &a, NULL) < 0)
			return log_usage("setup",
					 "'%s' is not a PCI address (expected 0000:00:02.0, 00:02.0 or 2.0)",
					 o.address);
	}
	if (optind < argc)
		return log_usage("setup", "unexpected argument \"%s\"", argv[optind]);
	o.params = params;
	o.blacklist = blacklist;

	/* The lock comes before anything the plan rests on is read. */
	if (planview_begin(&ch, dry_run) != 0)
		return EXIT_FAIL;
	h = load_host_or_complain();
	if (!h)
		goto out;

	r = igp_setup_plan(h, &o, &plan, &info, &err);
	if (r < 0) {
		if (err)
			log_error("refusing to set up %s: %s", igp_method_name(o.mode), err);
		else
			log_error_errno(r, "Cannot plan the setup");
		goto out;
	}

	printf("Device:     %s, %s\n", info.device, info.device_desc);
	printf("Mode:       %s\n", igp_method_name(o.mode));
	printf("Boot:       %s: %s\n", info.boot.name, info.boot.reason);
	printf("Initramfs:  %s: %s\n\n", info.initramfs.name, info.initramfs.reason);

	cmds = planview_commands(&plan, ch.j.pending, NULL);
	if (!cmds) {
		r = log_error_errno(-ENOMEM, "Out of memory");
		goto out;
	}
	if (plan.n_files == 0 && !cmds[0]) {
		printf("Nothing to change: this host is already set up for %s.\n", igp_method_name(o.mode));
		for (char **n = plan.notes; n && *n; n++)
			printf("\nNote: %s\n", *n);
		print_outside_findings(h, info.device, o.mode);
		ret = EXIT_OK;
		goto out;
	}
	planview_print(&plan, cmds);
	print_outside_findings(h, info.device, o.mode);
	r = planview_dry_run_or_confirm(dry_run, yes, "Apply these changes");
	if (r == 0)
		ret = EXIT_OK;
	if (r <= 0)
		goto out;

	if (planview_apply(&ch, &plan, argv, cmds, info.revert_argvs) != 0)
		goto out;
	printf("\n");
	for (size_t i = 0; i < plan.n_files; i++)
		printf("Changed %s\n", plan.files[i].path);
	if (planview_run_pending(&ch.j, no_initramfs) > 0) {
		(void)igp_change_finish(&ch);
		goto out;
	}
	r = igp_change_finish(&ch);
	if (r < 0) {
		log_error_errno(r, "Cannot update the journal");
		goto out;
	}
	printf("\nDone. Reboot for the changes to take effect; `igpuctl revert` undoes them.\n");
	ret = EXIT_OK;
	goto out;
out:
	igp_argvv_free(cmds);
	igp_change_end(&ch);
	igp_plan_done(&plan);
	igp_setup_info_done(&info);
	return ret;
}
