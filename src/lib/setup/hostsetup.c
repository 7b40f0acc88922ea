/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igp_setup_plan(): the steps of setup_int.h, run in order on one context.
 * Notes and files enter the plan in the order the steps add them, so the
 * order below is also the order the user reads them in.
 */
#include "base/util.h"
#include "model/sysinfo.h"
#include "setup/setup_int.h"

void igp_setup_info_done(struct igp_setup_info *i)
{
	igp_bootloader_done(&i->boot);
	igp_initramfs_done(&i->initramfs);
	free(i->device_desc);
	for (size_t k = 0; i->revert_argvs && i->revert_argvs[k]; k++)
		strv_free(i->revert_argvs[k]);
	free(i->revert_argvs);
	*i = (struct igp_setup_info){0};
}

static int (*const setup_steps[])(struct setup_ctx *c) = {
    setup_step_device,	    /* the device, and what only an iGPU can do */
    setup_step_support,	    /* the mode on this platform */
    setup_step_isolation,   /* full: the IOMMU group, the boot VGA device */
    setup_step_containers,  /* full: the containers that use its render node */
    setup_step_options,	    /* --blacklist, --acs-override */
    setup_step_bootloader,  /* the boot loader, --param in its syntax */
    setup_step_mode_params, /* the mode's kernel parameters */
    setup_step_sriov,	    /* sriov: driver parameters, the VF count at boot */
    setup_step_user_params, /* --kvm-ignore-msrs, --param */
    setup_step_cmdline,	    /* the parameters in the loader's files */
    setup_step_vfio,	    /* full: vfio modules, who claims the device */
    setup_step_gvtg_modules,  setup_step_stale_modules,
    setup_step_modprobe_file, setup_step_commands, /* initramfs, then the boot loader */
};

static void setup_ctx_done(struct setup_ctx *c)
{
	if (c->have_iso)
		igp_isolation_report_done(&c->iso);
	igp_plan_done(&c->p);
	igp_setup_info_done(&c->info);
	free(c->w);
	strv_free(c->strings);
	free(c->modprobe);
}

int igp_setup_plan(const struct igp_host *h, const struct igp_setup_opts *o, struct igp_plan *ret,
		   struct igp_setup_info *ret_info, char **ret_error)
{
	const struct igp_cpu *cpu;
	struct setup_ctx c = {
	    .h = h,
	    .o = o,
	    .ret_error = ret_error,
	    .kver = h->kernel_release,
	    .amd = igp_host_cpu(h, &cpu) >= 0 && cpu->amd,
	};
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(setup_steps); i++)
		r = setup_steps[i](&c);
	/* Everything setup writes is read at boot (the command line, the
	 * initramfs, module options, blacklists, modules to load). */
	for (size_t i = 0; r >= 0 && i < c.p.n_files; i++)
		c.p.files[i].refresh |= IGP_REFRESH_NEXT_BOOT;
	if (r >= 0) {
		*ret = c.p;
		c.p = (struct igp_plan){0};
		*ret_info = c.info;
		c.info = (struct igp_setup_info){0};
		r = 0;
	}
	setup_ctx_done(&c);
	return r;
}
