/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `igpuctl setup` changes for a mode on this host: the checks that
 * refuse unsafe requests, and the plan (kernel parameters in the boot
 * loader's own file, modules, driver configuration, persistence, commands).
 * Nothing here writes; journal.h applies the plan.
 */
#ifndef IGP_HOSTSETUP_H
#define IGP_HOSTSETUP_H

#include <stdbool.h>

#include "boot/bootloader.h"
#include "model/host.h"
#include "modules/modconf.h"
#include "change/plan.h"
#include "model/platform.h"
#include "model/sriov_route.h"

struct igp_journal; /* change/journal.h */

struct igp_setup_opts {
	enum igp_method mode;
	const char *address;	  /* NULL: the single Intel iGPU */
	const char *bootloader;	  /* NULL: detect */
	bool allow_boot_vga;	  /* the host console on this GPU may go */
	bool allow_unsafe_group;  /* a device the host needs shares the group */
	bool force_mode;	  /* mode not supported by the platform table */
	const char *acs_override; /* pcie_acs_override value, or NULL */
	bool kvm_ignore_msrs;
	char **params;		  /* extra key[=value] parameters */
	char **blacklist;	  /* drivers for modprobe.blacklist= */
	int vfs;		  /* sriov: number of VFs, <= 0: sriov_totalvfs or 7 */
	const char *sriov_driver; /* "i915" (i915-sriov-dkms) or "xe"; NULL: by platform */
	/* igpuctl's journal, or NULL: kernel parameters it added and the
	 * admin removed since are left out (change/removed.h) ... */
	const struct igp_journal *journal;
	bool force; /* ... unless this is set: then they are added again; and
		     * full: the GPU is taken although containers use its
		     * render node (igp_host_ct_guard(), a note then) */
};

struct igp_setup_info {
	struct igp_bootloader boot;
	struct igp_initramfs initramfs;
	char device[IGP_PCI_ADDR_MAX];
	char *device_desc;    /* "Intel Coffee Lake (8086:3e92)" */
	char ***revert_argvs; /* kernelstub: the commands revert runs */
	/* sriov: the route the plan sets up (model/sriov_route.h), for the
	 * findings setup shows as still to do */
	enum igp_sriov_route_kind sriov_route;
	/* kernel parameters left out: the admin removed them after igpuctl
	 * added them (the plan's notes name them) */
	size_t left_out;
};

/*
 * Build the plan.  Refusals return a negative errno with *ret_error set to
 * the reason and the flag that overrides it (caller frees):
 *   -ENODEV  no such device / no Intel iGPU
 *   -EOPNOTSUPP  mode unsupported on this platform (--force-mode)
 *   -EBUSY   the IOMMU group holds a device the host needs (--allow-unsafe-group)
 *   -EPERM   boot VGA without --allow-boot-vga
 *   -EUSERS  full: containers use the render node of the GPU or of its VFs (--force)
 *   -ENOMEDIUM  boot loader unknown (--bootloader)
 *   -EBADMSG a configuration file igpuctl cannot edit safely
 *   -EINVAL  bad option values
 */
int igp_setup_plan(const struct igp_host *h, const struct igp_setup_opts *o, struct igp_plan *ret,
		   struct igp_setup_info *ret_info, char **ret_error);
void igp_setup_info_done(struct igp_setup_info *i);

#endif
