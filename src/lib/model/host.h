/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model: every PCI device, the IOMMU groups, and the facts about
 * the running system that the commands need.  Built once per run from the
 * root-aware path context (paths.h); renderers only read it.  Facts that
 * cost a read of their own (packages, kernels, modules, the boot loader)
 * are loaded on first use by their accessors: versions.h (packages),
 * kernels.h, modules.h, sysinfo.h (CPU, kernel log), bootinfo.h (boot
 * loader, initramfs tool).
 */
#ifndef IGP_HOST_H
#define IGP_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "boot/cmdline.h"
#include "model/pci.h"

struct igp_iommu_group {
	int id;
	size_t n_devs;
	struct igp_pci_dev **devs; /* borrowed from the host, sorted by address */
};

struct igp_host_cache;

struct igp_host {
	struct igp_pci_dev **devs; /* sorted by address */
	size_t n_devs;
	struct igp_iommu_group *groups; /* sorted by id; ids may have gaps */
	size_t n_groups;

	bool iommu_active;	     /* /sys/class/iommu has an entry */
	char **iommu_units;	     /* "dmar0", "dmar1" or "ivhd0" */
	char *cmdline;		     /* running kernel command line, NULL if unreadable */
	struct igp_kcmdline kparams; /* cmdline as the kernel parses it (boot/cmdline.h) */
	char *kernel_release;	     /* "6.8.12-4-pve", NULL if unreadable */
	char *default_route_iface;   /* "vmbr0" / "eth0", NULL if none */

	/* The facts read on first use, through accessors that take a const
	 * host (see above); NULL in a host not made by
	 * igp_host_load(), where they read as unknown. */
	struct igp_host_cache *cache;
};

/* Learn the host behind the current root.  Caller frees with igp_host_free(). */
int igp_host_load(struct igp_host **ret);
void igp_host_free(struct igp_host *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct igp_host *, igp_host_free);
#define _cleanup_host_ _cleanup_(igp_host_freep)

/*
 * Find a device by any accepted address form.  Returns 0 and the device,
 * -EINVAL for a malformed address, -ENODEV when no such device exists, and
 * -EADDRNOTAVAIL when a short form matches devices in several domains.
 */
int igp_host_find(const struct igp_host *h, const char *spec, struct igp_pci_dev **ret);
/* The group a device belongs to, or NULL. */
const struct igp_iommu_group *igp_host_group(const struct igp_host *h, int id);
/* GPUs (class 03xx) in address order; returns the count, *ret borrowed
 * pointers in a malloc'ed array the caller frees. */
size_t igp_host_gpus(const struct igp_host *h, struct igp_pci_dev ***ret);
/* The Intel iGPU when the host has exactly one, else NULL. */
struct igp_pci_dev *igp_host_default_igpu(const struct igp_host *h);
/* Kernel command line parameter value ("on" for intel_iommu=on), "" for a
 * flag without '=', NULL if absent: igp_kcmdline_get() of the running
 * command line ('-' and '_' equal in the name, the last occurrence wins). */
const char *igp_host_cmdline_get(const struct igp_host *h, const char *key, char *buf, size_t size);

#endif
