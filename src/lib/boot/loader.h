/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot loaders, behind one table of operations (as pciutils'
 * struct pci_methods), one file each: loader_grub.c (GRUB, one instance per
 * way of generating grub.cfg), loader_pve.c (systemd-boot through
 * proxmox-boot-tool), loader_sdboot.c (systemd-boot loader entries and
 * kernel-install), loader_uki.c (unified kernel images mkinitcpio builds), loader_kernelstub.c (Pop!_OS).
 * bootloader.c detects which one the host has and lists them in igp_boot_loaders[]; setup, check and revert
 * ask the detected loader's ops, never its name.
 */
#ifndef IGP_LOADER_H
#define IGP_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/cmdline.h"
#include "change/plan.h"

struct igp_bootloader; /* boot/bootloader.h */

/* The configured command line as the checks read it. */
struct igp_boot_config {
	char **configured;	    /* tokens the next boot gets; NULL when unknown */
	char *where;		    /* "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub" */
	char *entry;		    /* the loader entry read (GRUB with BLS: the default), or NULL */
	const char *generated_path; /* the file the refresh generates, or NULL */
	char **generated;	    /* its tokens for the running kernel; NULL when unread
				     * (GRUB with BLS: the entry's, read as it is at boot) */
	const char *grub_var;	    /* GRUB: the variable new tokens go into */
	char **places;		    /* GRUB: "VAR in FILE" for each of CONFIGURED */
};

/* A command line edit, worded by the checks for a remedy. */
struct igp_boot_edit {
	const char *what;     /* "add A B, set K=V (now K=OLD) and remove C" */
	const char *adds;     /* the tokens really to add or set ("" for none) */
	const char *remove;   /* the keys to remove, or NULL */
	const char *refresh;  /* the refresh command as one line, or NULL */
	const char *grub_var; /* the GRUB variable new tokens go into, or NULL */
	const char *where;    /* where new tokens go, as igp_boot_config's, or NULL */
	const char *entry;    /* the loader entry read, or NULL */
	bool here;	      /* some of the edit is where new tokens go (GRUB_VAR) */
};

struct igp_boot_ops {
	const char *id;		    /* the --bootloader word: "grub" */
	const char *name;	    /* "GRUB (Debian family)" */
	enum igp_ksyntax syntax;    /* what a parameter passes through to the kernel */
	const char *const *refresh; /* argv applying the change, NULL if nothing to run */
	unsigned refresh_on;	    /* the plan's IGP_REFRESH_* after which it runs */
	const char *generated;	    /* the file the refresh generates (grub.cfg), or NULL */
	/* The remedy after an edit the running kernel lacks while the
	 * generated file is not known to be current; NULL: "Reboot." */
	const char *pending_remedy;
	/* For a loader that leaves an existing /etc/default/grub unused:
	 * how the host boots instead and the file it reads; NULL otherwise. */
	const char *grub_unused_by, *grub_unused_for;
	/* Plan the command line tokens W (NW) in B's files, as
	 * igp_bootloader_plan_cmdline(). */
	int (*plan_cmdline)(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w,
			    size_t nw, char ****revert_argvs, char **ret_error);
	/* Read B's configured command line for the running kernel RELEASE
	 * (may be NULL); what cannot be read stays NULL.  -ENOMEM only. */
	int (*config)(const struct igp_bootloader *b, const char *release, struct igp_boot_config *ret);
	/* The remedy for edit E in this loader's words (caller frees). */
	char *(*remedy)(const struct igp_boot_edit *e);
};

extern const struct igp_boot_ops igp_grub_debian_ops;
extern const struct igp_boot_ops igp_grub_fedora_ops;
extern const struct igp_boot_ops igp_grub_generic_ops;
extern const struct igp_boot_ops igp_grub_pve_ops;
extern const struct igp_boot_ops igp_pve_sdboot_ops;
extern const struct igp_boot_ops igp_sdboot_ops;
extern const struct igp_boot_ops igp_uki_mkinitcpio_ops;
extern const struct igp_boot_ops igp_kernelstub_ops;

/* Every boot loader, NULL-terminated (bootloader.c). */
extern const struct igp_boot_ops *const igp_boot_loaders[];

/* The first loader of the table with ID, or NULL. */
const struct igp_boot_ops *igp_boot_loader_find(const char *id);
void igp_boot_config_done(struct igp_boot_config *c);

#endif
