/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to src/lib/model: the facts of the host model that are read on
 * first use.  The host is handed around as `const struct igp_host *`; its
 * cache is the one part that changes, each fact filled once and kept until
 * igp_host_free().  Each *_done says the fact was tried (it may be absent).
 */
#ifndef IGP_HOST_CACHE_H
#define IGP_HOST_CACHE_H

#include "boot/bootloader.h"
#include "model/kernels.h"
#include "model/modules.h"
#include "model/pkgdb.h"
#include "model/sysinfo.h"
#include "modules/initramfs.h"
#include "model/versions.h"
#include "model/qemucaps.h"
#include "model/sriov_route.h"

struct igp_workloads;

struct igp_host_cache {
	/* versions.c */
	bool pkgdb_done;
	struct igp_pkgdb pkgdb;
	bool qemu_done, libvirt_done;
	int qemu_r, libvirt_r;
	struct igp_version qemu, libvirt;
	int proxmox; /* -1 not yet known */
	bool dkms_done;
	struct igp_dkms_module *dkms;
	size_t n_dkms;

	/* qemucaps.c: the QEMU asked about last */
	bool qemucaps_done;
	int qemucaps_r;
	char *qemucaps_path;
	struct igp_qemu_caps qemucaps;

	/* kernels.c */
	bool kernels_done;
	struct igp_kernel *kernels;
	size_t n_kernels;
	bool next_done;
	int next_r;
	struct igp_next_boot next;

	/* sysinfo.c */
	bool cpuinfo_done, cpu_done, dmesg_done;
	char *cpuinfo;
	struct igp_cpu cpu;
	char *dmesg;
	const char *dmesg_source;
	bool phys_bits_done;
	struct igp_phys_bits phys_bits;

	/* modules.c */
	bool modules_done;
	char **proc_modules; /* normalized names in /proc/modules */
	char **builtin;	     /* normalized names in modules.builtin */
	struct kmod_ctx *kmod;
	int moddir_fd;		     /* -1 */
	struct igp_module **modules; /* asked for so far */
	size_t n_modules;

	/* bootinfo.c */
	bool boot_done, boot_ok, initramfs_done, initramfs_ok;
	struct igp_bootloader boot;
	struct igp_initramfs initramfs;
	char *initramfs_cmd;

	/* workloads.c.  Freed through the pointer that igp_host_workloads()
	 * sets: a static call from host.c would pull workloads.c, and with it
	 * the module loader, into the libvirt module, which links this
	 * library and defines the loader's functions itself. */
	bool workloads_done;
	int workloads_r;
	struct igp_workloads *workloads;
	void (*workloads_free)(struct igp_workloads *w);

	/* sriov_route.c: per platform and kernel release */
	struct igp_sriov_routes **sriov_routes; /* each its own allocation: pointers handed out stay */
	size_t n_sriov_routes;
	int secure_boot; /* -2 not yet read */
};

/* Free what each file filled in. */
void igp_versions_cache_done(struct igp_host_cache *c);
void igp_qemucaps_cache_done(struct igp_host_cache *c);
void igp_kernels_cache_done(struct igp_host_cache *c);
void igp_sysinfo_cache_done(struct igp_host_cache *c);
void igp_modules_cache_done(struct igp_host_cache *c);
void igp_bootinfo_cache_done(struct igp_host_cache *c);
void igp_sriov_routes_cache_done(struct igp_host_cache *c);

#endif
