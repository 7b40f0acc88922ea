/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot loader and the kernel parameters each mode wants on its command
 * line, planned in the loader's own files (boot/bootloader.h), and the
 * commands that apply the plan: initramfs first, then the loader.
 */
#include "base/paths.h"
#include "base/util.h"
#include "setup/setup_int.h"

int setup_step_bootloader(struct setup_ctx *c)
{
	struct igp_bootloader *b = &c->info.boot;
	int r = igp_bootloader_detect(c->o->bootloader, b);

	if (r == -EINVAL)
		return igp_refuse(
		    c->ret_error, r,
		    "--bootloader \"%s\": use grub, proxmox-systemd-boot, systemd-boot, mkinitcpio-uki or "
		    "kernelstub",
		    c->o->bootloader);
	if (r < 0)
		return r;
	if (!b->ops)
		return igp_refuse(
		    c->ret_error, -ENOMEDIUM,
		    "no known boot loader configuration found (%s); pass --bootloader "
		    "grub|proxmox-systemd-boot|systemd-boot|mkinitcpio-uki|kernelstub if you know it",
		    b->reason);
	r = setup_check_params(c, igp_bootloader_syntax(b));
	return r < 0 ? r : igp_initramfs_detect(&c->info.initramfs);
}

/* Full and SR-IOV: the IOMMU on, and (full) in passthrough mode. */
static int want_iommu(struct setup_ctx *c)
{
	int r;

	if (c->o->mode != IGP_METHOD_FULL && c->o->mode != IGP_METHOD_SRIOV)
		return 0;
	if (c->amd) {
		r = setup_want(c, IGP_KWANT_ABSENT, "amd_iommu", "off");
	} else {
		/* intel_iommu takes a comma list: "on,igfx_off" would leave
		 * the iGPU without translation. */
		r = setup_want(c, IGP_KWANT_LIST_ABSENT, "intel_iommu", "off");
		if (r >= 0)
			r = setup_want(c, IGP_KWANT_LIST_ABSENT, "intel_iommu", "igfx_off");
		if (r >= 0)
			r = setup_want(c, IGP_KWANT_LIST, "intel_iommu", "on");
	}
	if (r >= 0 && c->o->mode == IGP_METHOD_FULL)
		r = setup_want(c, IGP_KWANT_SET, "iommu", "pt");
	return r;
}

/* Full passthrough of the boot VGA device: the firmware framebuffer lets
 * go of its memory. */
static int want_framebuffer(struct setup_ctx *c)
{
	/* Linux >= 5.15 registers the firmware framebuffer through sysfb
	 * (drivers/firmware/sysfb.c); older kernels through efifb directly. */
	bool sysfb = !c->kver || version_compare(c->kver, "5.15") >= 0;
	int r;

	if (c->o->mode != IGP_METHOD_FULL || c->dev->boot_vga != 1)
		return 0;
	r = sysfb ? setup_want(c, IGP_KWANT_LIST, "initcall_blacklist", "sysfb_init")
		  : setup_want(c, IGP_KWANT_LIST, "video", "efifb:off");
	if (r < 0)
		return r;
	igp_plan_add_note(&c->p,
			  "%s: the firmware framebuffer would otherwise keep %s's memory (\"Failed to "
			  "mmap ... BAR\" in the VM); the host shows no boot messages on this screen "
			  "after the kernel starts.",
			  sysfb ? "initcall_blacklist=sysfb_init" : "video=efifb:off", c->dev->address);
	return 0;
}

static int want_gvtg(struct setup_ctx *c)
{
	int r;

	if (c->o->mode != IGP_METHOD_GVTG)
		return 0;
	r = setup_want(c, IGP_KWANT_SET, "i915.enable_gvt", "1");
	/* GuC submission (enable_guc bit 1) and GVT-g exclude each other. */
	if (r >= 0)
		r = setup_want(c, IGP_KWANT_ABSENT, "i915.enable_guc", "2");
	if (r >= 0)
		r = setup_want(c, IGP_KWANT_ABSENT, "i915.enable_guc", "3");
	return r;
}

/* Full passthrough: --acs-override and --blacklist. */
static int want_full_options(struct setup_ctx *c)
{
	const struct igp_setup_opts *o = c->o;
	int r;

	if (o->mode != IGP_METHOD_FULL)
		return 0;
	if (o->acs_override) {
		r = setup_want(c, IGP_KWANT_SET, "pcie_acs_override", o->acs_override);
		if (r < 0)
			return r;
		igp_plan_add_note(&c->p,
				  "pcie_acs_override=%s splits IOMMU groups by pretending devices "
				  "isolate each other: it weakens isolation, and only patched kernels "
				  "(Proxmox VE's) know it.",
				  o->acs_override);
	}
	for (char **s = o->blacklist; s && *s; s++) {
		r = setup_want(c, IGP_KWANT_LIST, "modprobe.blacklist", *s);
		if (r < 0)
			return r;
		igp_plan_add_note(&c->p, "modprobe.blacklist=%s: the host never loads %s.", *s, *s);
	}
	return 0;
}

/* The parameters of the mode itself. */
int setup_step_mode_params(struct setup_ctx *c)
{
	int r = want_iommu(c);

	if (r >= 0)
		r = want_framebuffer(c);
	if (r >= 0)
		r = want_gvtg(c);
	if (r >= 0)
		r = want_full_options(c);
	return r;
}

/* --kvm-ignore-msrs and each --param key[=value]. */
int setup_step_user_params(struct setup_ctx *c)
{
	int r;

	if (c->o->kvm_ignore_msrs) {
		r = setup_want(c, IGP_KWANT_SET, "kvm.ignore_msrs", "1");
		if (r < 0)
			return r;
		igp_plan_add_note(&c->p, "kvm.ignore_msrs=1: guests' accesses to unknown MSRs are "
					 "ignored instead of failing (some Windows guests need it; it can "
					 "hide guest bugs).");
	}
	for (char **s = c->o->params; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		const char *key = setup_keep(c, strndup(*s, eq ? (size_t)(eq - *s) : strlen(*s)));
		if (!key)
			return -ENOMEM;
		r = setup_want(c, IGP_KWANT_SET, key, eq ? eq + 1 : NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

int setup_step_cmdline(struct setup_ctx *c)
{
	int r = setup_leave_out_removed(c);

	return r < 0 ? r
		     : igp_bootloader_plan_cmdline(&c->info.boot, &c->p, c->w, c->nw, &c->info.revert_argvs,
						   c->ret_error);
}

/* ARGV, copied, as a command of the plan. */
static int add_cmd(struct setup_ctx *c, char *const *argv, unsigned refresh, const char *why)
{
	char **a = NULL;

	for (char *const *s = argv; *s; s++)
		if (strv_push(&a, *s) < 0) {
			strv_free(a);
			return -ENOMEM;
		}
	return igp_plan_add_cmd(&c->p, a, refresh, why);
}

/* An initramfs tool that leaves igpuctl's modprobe.d file out of the image
 * (full passthrough needs it before the GPU driver loads). */
static void note_modprobe_d_missing(struct setup_ctx *c)
{
	const struct igp_initramfs *ir = &c->info.initramfs;
	_cleanup_free_ char *why = NULL;

	if (c->o->mode != IGP_METHOD_FULL || !ir->ops || !ir->ops->modprobe_d_missing)
		return;
	why = ir->ops->modprobe_d_missing();
	if (why)
		igp_plan_add_note(&c->p, "%s: the initramfs will not carry %s; add it.", why,
				  IGP_ETC_MODPROBE_D_IGPUCTL);
}

/* Rebuild the initramfs first, then refresh the loader: kernelstub and
 * proxmox-boot-tool copy the new initramfs to the ESPs when they run. */
int setup_step_commands(struct setup_ctx *c)
{
	const struct igp_setup_info *info = &c->info;
	struct igp_plan *p = &c->p;
	int r;

	if (info->initramfs.argv) {
		struct igp_plan_cmd last;
		r = add_cmd(c, info->initramfs.argv, IGP_REFRESH_INITRAMFS, "rebuild the initramfs");
		if (r < 0)
			return r;
		last = p->cmds[p->n_cmds - 1];
		memmove(p->cmds + 1, p->cmds, (p->n_cmds - 1) * sizeof(*p->cmds));
		p->cmds[0] = last;
	}
	if (info->boot.refresh) {
		r = add_cmd(c, info->boot.refresh, info->boot.ops->refresh_on,
			    "apply the boot loader configuration");
		if (r < 0)
			return r;
	}
	note_modprobe_d_missing(c);
	return 0;
}
