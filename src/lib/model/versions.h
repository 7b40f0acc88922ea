/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Versions of the installed software the passthrough methods depend on:
 * QEMU, libvirt, Proxmox VE's packages and DKMS modules.  Part of the host
 * model (host.h), read on first use.  Every version says what it rests on,
 * so that a decision taken on it can name its evidence.
 */
#ifndef IGP_VERSIONS_H
#define IGP_VERSIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/host.h"
#include "model/pkgdb.h"

struct igp_version {
	char *version; /* upstream, for version_compare(): "8.1.5"; NULL when it cannot be told */
	char *source;  /* the evidence: "package pve-qemu-kvm 8.1.5-6", "/usr/bin/qemu-system-x86_64" */
};

/* A DKMS module's source tree: /var/lib/dkms/NAME/VERSION/, with the kernel
 * releases it was built for (/var/lib/dkms/NAME/VERSION/RELEASE/ARCH/). */
struct igp_dkms_module {
	char *name;
	char *version;
	char **kernels; /* releases it is built for, version-sorted; never NULL */
};

/* The installed packages (every database of the host; see pkgdb.h). */
const struct igp_pkgdb *igp_host_packages(const struct igp_host *h);
/* The installed package NAME, or NULL. */
const struct igp_pkg *igp_host_package(const struct igp_host *h, const char *name);

/*
 * QEMU for x86-64: the package that ships qemu-system-x86_64 (Proxmox VE's
 * pve-qemu-kvm, Debian's qemu-system-x86, Arch's qemu-system-x86, Fedora's
 * qemu-system-x86-core), else the binary itself, asked with --version on the
 * real host only.  0 and the version (borrowed), -ENOENT when QEMU is not
 * installed.
 */
int igp_host_qemu(const struct igp_host *h, const struct igp_version **ret);
/* libvirt's daemon (libvirt-daemon, libvirt): as igp_host_qemu(). */
int igp_host_libvirt(const struct igp_host *h, const struct igp_version **ret);

/*
 * Is this Proxmox VE: /etc/pve (pmxcfs) exists, pve-manager is installed,
 * or the running kernel is one of Proxmox's ("-pve").
 */
bool igp_host_is_proxmox(const struct igp_host *h);
/*
 * The package that holds kernel RELEASE's image: Proxmox VE's
 * proxmox-kernel-REL-signed / proxmox-kernel-REL (8 and later) or
 * pve-kernel-REL (7), Debian's and Ubuntu's linux-image-REL; NULL when no
 * package database knows it.
 */
const struct igp_pkg *igp_host_kernel_package(const struct igp_host *h, const char *release);

/*
 * The package with the headers to build modules for kernel RELEASE (DKMS):
 * the kernel package's counterpart (proxmox-headers-REL, pve-headers-REL,
 * linux-headers-REL), else by distribution.  Caller frees.
 */
int igp_host_kernel_headers_package(const struct igp_host *h, const char *release, char **ret);

/* The DKMS modules in /var/lib/dkms, by name then version. */
int igp_host_dkms(const struct igp_host *h, const struct igp_dkms_module **ret, size_t *ret_n);
/* The newest version of DKMS module NAME, or NULL. */
const struct igp_dkms_module *igp_host_dkms_find(const struct igp_host *h, const char *name);

/* The version in `qemu-system-x86_64 --version` output ("QEMU emulator
 * version 8.1.5 (pve-qemu-kvm_8.1.5-6)" -> "8.1.5"); -EINVAL if none. */
int igp_qemu_version_from_output(const char *out, char **ret);

#endif
