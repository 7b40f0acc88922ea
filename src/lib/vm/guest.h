/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks run inside a VM: is the passed GPU there
 * (vendor, class), which driver binds it, does its render node exist and
 * open, and which VA-API profiles does it offer.  libva is loaded at run
 * time (dlopen) so that igpuctl does not depend on it.
 */
#ifndef IGP_GUEST_H
#define IGP_GUEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/enumstr.h"
#include "model/container.h"
#include "model/host.h"
#include "model/vaapi.h"

/* An Intel GPU seen as an SR-IOV virtual function, and how its driver took it. */
enum igp_guest_vf_driver {
	IGP_GUEST_VF_NONE,	 /* no driver bound */
	IGP_GUEST_VF_CAPABLE,	 /* xe or i915-sriov-dkms: runs it in VF mode */
	IGP_GUEST_VF_STOCK_I915, /* mainline i915, which has no SR-IOV */
	IGP_GUEST_VF_OTHER,	 /* another driver (vfio-pci in a nested guest, ...) */
};

struct igp_guest_vf {
	bool is_vf;
	char *evidence; /* the kernel's "Running in SR-IOV VF mode" line, or the PCI fact */
	enum igp_guest_vf_driver driver;
	char *xe_refused; /* xe's "not officially supported" line for it (no force_probe) */
};

struct igp_guest_gpu {
	const struct igp_pci_dev *dev; /* borrowed from the host model */
	const char *emulated;	       /* "QEMU standard VGA", ...; NULL if passed through */
	int render_open;	       /* 0 opens, -errno, 1 when there is no render node */
	struct igp_va_info va;
	struct igp_guest_vf vf;
};

enum igp_guest_verdict {
	IGP_GUEST_OK,
	IGP_GUEST_NO_GPU,	   /* no passed-through GPU (only emulated ones) */
	IGP_GUEST_NO_DRIVER,	   /* it is there, no driver binds it */
	IGP_GUEST_NO_RENDER_NODE,  /* the driver binds it, no IGP_DEV_DRI render node */
	IGP_GUEST_RENDER_UNUSABLE, /* the render node does not open */
	IGP_GUEST_VF_DRIVER,	   /* an SR-IOV VF bound to a driver that cannot drive one */
	/* in a container */
	IGP_GUEST_NOT_A_DEVICE, /* the render node is no DRM character device */
	IGP_GUEST_RENDER_GROUP, /* the container's render group cannot open it */
};

/* A render node in a container's IGP_DEV_DRI, and who may open it. */
struct igp_guest_node {
	char *path;		       /* IGP_DEV_DRI "/renderD128" */
	bool char_dev;		       /* a character device (else major, minor are 0) */
	unsigned major, minor;	       /* its device number: 226 is DRM's */
	char *pci_address;	       /* its PCI device in the host's sysfs, NULL when not visible */
	const struct igp_pci_dev *dev; /* that device in the host model, or NULL */
	uid_t uid;
	gid_t gid;
	mode_t mode;		    /* st_mode: type and permission bits; 0 when it does not resolve */
	off_t size;		    /* a regular file's: an empty one is what a failed bind mount leaves */
	char *group_name;	    /* gid's name in the container's group file, or NULL */
	bool render_group_can_open; /* the render group may read and write it (or everyone) */
	int open;		    /* 0 opens, -errno, 1 not tried (no device, or under --root) */
	struct igp_va_info va;
};

struct igp_guest_report {
	bool in_vm; /* the CPU has the "hypervisor" flag */
	struct igp_guest_gpu *gpus;
	size_t n_gpus;
	ssize_t judged; /* index of the GPU the verdict is about, -1 none */
	/* In a container (model/container.h) the GPU is what IGP_DEV_DRI holds:
	 * gpus is empty and nodes says what the container was given. */
	struct igp_container container;
	long render_gid; /* the container's render group, -1 none */
	struct igp_guest_node *nodes;
	size_t n_nodes;
	ssize_t judged_node; /* index of the node the verdict is about, -1 none */
	enum igp_guest_verdict verdict;
	char *message;	 /* one sentence */
	char *next_step; /* what to do, NULL when all is well */
};

/* "ok", "no-gpu", "no-driver", "no-render-node", "render-node-unusable", "vf-driver",
 * "render-node-not-device", "render-node-group" */
IGP_ENUM_DECL(igp_guest_verdict, enum igp_guest_verdict);
/* "none", "vf-capable", "stock-i915", "other" */
IGP_ENUM_DECL(igp_guest_vf_driver, enum igp_guest_vf_driver);
/* The name of an emulated display device by IDs, or NULL (a real GPU). */
const char *igp_guest_emulated_name(uint16_t vendor, uint16_t device);

/*
 * Inspect the GPUs of the guest: in a VM its PCI GPUs, in a container the
 * render nodes of its IGP_DEV_DRI.  only: judge this device (an address in any
 * form) instead of the first passed-through GPU, or the first node; -ENODEV
 * if absent.  probe_va: ask libva (only on the real root).  Free with
 * igp_guest_report_done().
 */
int igp_guest_inspect(const struct igp_host *h, const char *only, bool probe_va,
		      struct igp_guest_report *ret);
void igp_guest_report_done(struct igp_guest_report *r);

#endif
