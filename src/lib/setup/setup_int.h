/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The steps of igp_setup_plan() (hostsetup.c) and what they share: one
 * context that each step reads and adds to, in the order the driver runs
 * them.  A step returns 0 (also when its mode does not apply) or a
 * negative errno, with *c->ret_error set for a refusal.
 *
 *   steps_device.c   the device, its mode on this platform, its IOMMU group
 *   steps_options.c  option values that cannot reach the kernel as given
 *   steps_boot.c     boot loader, kernel parameters, the refresh commands
 *   steps_removed.c  parameters the admin removed after igpuctl added them
 *   steps_sriov.c    SR-IOV: driver parameters and the VF count at boot
 *   steps_vfio.c     full passthrough: vfio modules and who claims the device
 *   steps_modules.c  GVT-g modules and igpuctl's modprobe.d file
 */
#ifndef IGP_SETUP_INT_H
#define IGP_SETUP_INT_H

#include "model/isolation.h"
#include "setup/hostsetup.h"

#define SETUP_PASSED_MAX 16

struct setup_ctx {
	const struct igp_host *h;
	const struct igp_setup_opts *o;
	char **ret_error;
	const char *kver; /* the running kernel's release, or NULL */
	bool amd;	  /* an AMD CPU: amd_iommu instead of intel_iommu */

	struct igp_plan p;
	struct igp_setup_info info;
	struct igp_pci_dev *dev;
	struct igp_isolation_report iso;
	bool have_iso;
	/* What goes to the VM: the device and, in full mode, its functions. */
	struct igp_pci_dev *passed[SETUP_PASSED_MAX];
	size_t n_passed;
	/* The kernel parameters wanted; values not owned by the options live
	 * in STRINGS. */
	struct igp_kwant *w;
	size_t nw;
	char **strings;
	char *modprobe; /* lines of igpuctl's modprobe.d file, or NULL */
};

int setup_want(struct setup_ctx *c, enum igp_kwant_kind kind, const char *key, const char *value);
/* A copy of S kept until the plan is done (for a want's value), or NULL. */
const char *setup_keep(struct setup_ctx *c, char *s);
int setup_modprobe_line(struct setup_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* igp_modconf_plan_owned() and _lines(), refusing by name a file that
 * holds a NUL byte. */
int setup_plan_owned(struct setup_ctx *c, const char *path, const char *content, unsigned refresh,
		     const char *why);
int setup_plan_lines(struct setup_ctx *c, const char *path, char *const *lines, unsigned refresh,
		     const char *why);
bool setup_is_passed(const struct setup_ctx *c, const struct igp_pci_dev *d);
/* A GPU that stays on the host (not passed) and uses DRIVER, or NULL. */
const struct igp_pci_dev *setup_gpu_using(const struct setup_ctx *c, const char *driver);

/* The steps, in the order igp_setup_plan() runs them. */
/* The modules the running kernel or the one that boots next merged into
 * others (modload.h), which setup takes out of the module lists as check
 * flags them: *RET (NULL when none). */
int setup_merged_modules(const struct setup_ctx *c, char ***ret);

int setup_step_device(struct setup_ctx *c);
int setup_step_support(struct setup_ctx *c);
int setup_step_isolation(struct setup_ctx *c);
int setup_step_containers(struct setup_ctx *c);
int setup_step_options(struct setup_ctx *c);
int setup_step_bootloader(struct setup_ctx *c);
int setup_step_mode_params(struct setup_ctx *c);
int setup_step_sriov(struct setup_ctx *c);
int setup_step_user_params(struct setup_ctx *c);
int setup_step_cmdline(struct setup_ctx *c);
/* Before the command line is planned: the wanted parameters the admin
 * removed from a file after igpuctl added them there are left out (noted;
 * only noted with --force).  steps_removed.c. */
int setup_leave_out_removed(struct setup_ctx *c);
int setup_step_vfio(struct setup_ctx *c);
int setup_step_gvtg_modules(struct setup_ctx *c);
int setup_step_stale_modules(struct setup_ctx *c);
int setup_step_modprobe_file(struct setup_ctx *c);
int setup_step_commands(struct setup_ctx *c);

/* steps_options.c: each --param must reach the kernel through SYNTAX. */
int setup_check_params(struct setup_ctx *c, enum igp_ksyntax syntax);

#endif
