/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initramfs tools, behind one table of operations (as pciutils'
 * struct pci_methods), one file each: initramfs_tools.c (Debian, Ubuntu,
 * Proxmox VE), dracut.c (Fedora, RHEL), mkinitcpio.c (Arch).  Setup, check
 * and revert ask the host's tool through igp_initramfs_detect(), never by
 * name.  A new tool is a new file with its ops, listed in initramfs.c.
 */
#ifndef IGP_INITRAMFS_H
#define IGP_INITRAMFS_H

#include <stdbool.h>

#include "change/plan.h"

struct igp_modload;
struct igp_modules_place;

struct igp_initramfs_ops {
	const char *name;	    /* "initramfs-tools" */
	const char *const *os_ids;  /* os-release IDs of distributions that always have it */
	const char *os_family;	    /* "a Debian-family system" */
	const char *const *rebuild; /* rebuilds the image of every installed kernel */
	/* The evidence of the tool on the host: 1 and *ret_reason, or 0. */
	int (*detect)(char **ret_reason);
	/*
	 * Plan loading MODULES at boot, in the image when EARLY (vfio-pci
	 * before the GPU driver); NULL: a modules-load.d file, which the
	 * tool leaves out of the image.
	 */
	int (*plan_modules)(struct igp_plan *p, char *const *modules, bool early, const char *why,
			    char **ret_error);
	/* Where modules to load at boot go (modconf.h), EARLY as above;
	 * NULL: a modules-load.d file of igpuctl's own. */
	void (*place)(bool early, struct igp_modules_place *ret);
	/* The same, and STALE (may be NULL) taken out of the tool's own
	 * lists (modload.h's merged modules); NULL: not done. */
	int (*plan_modules_stale)(struct igp_plan *p, char *const *modules, char *const *stale, bool early,
				  const char *why, char **ret_error);
	/* Add the modules the tool's own lists put into the image (may be NULL). */
	int (*list_modules)(struct igp_modload *l);
	/* Add the configuration files it builds into the image besides
	 * /etc/modules and modprobe.d (may be NULL). */
	int (*config_files)(char ***files);
	/* The image of kernel RELEASE, a host path (caller frees). */
	int (*image)(const char *release, char **ret);
	/* Why the image will not carry modprobe.d: a sentence (caller
	 * frees), or NULL when it does (may be NULL). */
	char *(*modprobe_d_missing)(void);
};

extern const struct igp_initramfs_ops igp_initramfs_tools_ops;
extern const struct igp_initramfs_ops igp_dracut_ops;
extern const struct igp_initramfs_ops igp_mkinitcpio_ops;

struct igp_initramfs {
	const struct igp_initramfs_ops *ops; /* NULL: none found */
	char *name;			     /* ops->name, or "none" */
	char *reason;			     /* the evidence */
	char **argv;			     /* the rebuild command, NULL for none */
};

/*
 * The host's tool: the first whose files are there (mkinitcpio,
 * initramfs-tools, dracut), else the one the distribution always has
 * (a captured tree may lack its directory), else none.
 */
int igp_initramfs_detect(struct igp_initramfs *ret);
void igp_initramfs_done(struct igp_initramfs *ir);
/* The rebuild command as one line (caller frees); for no tool, the
 * command of the most common one, initramfs-tools. */
char *igp_initramfs_command(const struct igp_initramfs *ir);
/*
 * What the image of RELEASE is built from: *ret_image its path, and
 * *ret_config the files that go into it (/etc/modules, MODPROBE_FILES,
 * the tool's own).  -ENOENT when no tool is known.
 */
int igp_initramfs_inputs(const struct igp_initramfs *ir, const char *release, char *const *modprobe_files,
			 char **ret_image, char ***ret_config);

/* Does a mkinitcpio preset (/etc/mkinitcpio.d/ *.preset) build a unified
 * kernel image (default_uki=)? */
bool igp_mkinitcpio_builds_ukis(void);

/* For the tools: the *.conf files of DIR, in order of their names, appended to *FILES. */
int igp_initramfs_conf_dir(const char *dir, char ***files);

#endif
