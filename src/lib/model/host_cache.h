/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to src/lib/model: the facts of the host model that are read on
 * first use.  The host is handed around as `const struct igp_host *`; its
 * cache is the one part that changes, each fact filled once and kept until
 * igp_host_free().  Each *_done says the fact was tried (it may be absent).
 */
#ifndef IGP_HOST_CACHE_H
#define IGP_HOST_CACHE_H

#include "model/kernels.h"
#include "model/pkgdb.h"
#include "model/versions.h"

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

	/* kernels.c */
	bool kernels_done;
	struct igp_kernel *kernels;
	size_t n_kernels;
	bool next_done;
	int next_r;
	struct igp_next_boot next;
};

/* Free what each file filled in. */
void igp_versions_cache_done(struct igp_host_cache *c);
void igp_kernels_cache_done(struct igp_host_cache *c);

#endif
