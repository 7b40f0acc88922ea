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
	bool amd;	       /* AuthenticAMD */
	const char *virt_flag; /* "vmx", "svm", or NULL: no hardware virtualization */
	bool hypervisor;       /* "hypervisor" flag: this host is itself a VM */
};

/* The text of /proc/cpuinfo, or NULL when unreadable. */
const char *igp_host_cpuinfo(const struct igp_host *h);
/* The first CPU's vendor and flags; -ENOENT when /proc/cpuinfo is unreadable. */
int igp_host_cpu(const struct igp_host *h, const struct igp_cpu **ret);

/*
 * The kernel log: a captured tree's own (tools/capture-host), or on the
 * real host the kernel's ring buffer (/dev/kmsg, read without blocking; it
 * needs CAP_SYSLOG when kernel.dmesg_restrict is 1).  NULL when there is
 * none; *ret_source (may be NULL) says where it came from or why not.
 */
const char *igp_host_dmesg(const struct igp_host *h, const char **ret_source);

#endif
