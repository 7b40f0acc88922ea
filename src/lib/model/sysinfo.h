/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU and the kernel log of the host: part of the host model (host.h),
 * read on first use.
 */
#ifndef IGP_SYSINFO_H
#define IGP_SYSINFO_H

#include <stdbool.h>

#include "model/host.h"

struct igp_cpu {
	char *vendor;	       /* vendor_id: "GenuineIntel", "AuthenticAMD"; NULL if not given */
	char *model;	       /* "model name": "Intel(R) N100"; NULL if not given */
	bool amd;	       /* AuthenticAMD */
	const char *virt_flag; /* "vmx", "svm", or NULL: no hardware virtualization */
	bool hypervisor;       /* "hypervisor" flag: this host is itself a VM */
};

/* The text of /proc/cpuinfo, or NULL when unreadable. */
const char *igp_host_cpuinfo(const struct igp_host *h);
/* The first CPU's vendor and flags; -ENOENT when /proc/cpuinfo is unreadable. */
int igp_host_cpu(const struct igp_host *h, const struct igp_cpu **ret);

/*
 * Physical address widths: what the CPU translates and what the IOMMU
 * (VT-d) can map.  A guest given more physical address bits than the IOMMU
 * maps puts memory (OVMF: its 64-bit PCI window) where VFIO cannot map it,
 * and QEMU fails with "vfio_container_dma_map(...) = -22".
 */
struct igp_phys_bits {
	int cpu;   /* /proc/cpuinfo "address sizes : 39 bits physical"; -1 unknown */
	int iommu; /* the smallest MGAW of the DMAR units; -1 unknown (no VT-d) */
};
/* The host's widths (never fails: unknown ones are -1). */
const struct igp_phys_bits *igp_host_phys_bits(const struct igp_host *h);
/* The physical bits of a cpuinfo text ("address sizes\t: 46 bits physical,
 * 48 bits virtual" of the first CPU), or -ENOENT / -EINVAL. */
int igp_cpuinfo_phys_bits(const char *cpuinfo);
/* The guest address width of a VT-d unit's cap register (sysfs
 * intel-iommu/cap, hex): MGAW, bits 21:16, plus one (the kernel's
 * cap_mgaw(), include/linux/intel-iommu.h / drivers/iommu/intel/iommu.h).
 * -EINVAL for text that is no hex number. */
int igp_dmar_cap_mgaw(const char *cap);

/*
 * The kernel log: a captured tree's own (tools/capture-host), or on the
 * real host the kernel's ring buffer (/dev/kmsg, read without blocking; it
 * needs CAP_SYSLOG when kernel.dmesg_restrict is 1).  NULL when there is
 * none; *ret_source (may be NULL) says where it came from or why not.
 */
const char *igp_host_dmesg(const struct igp_host *h, const char **ret_source);

#endif
