/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mediated devices (vGPUs) after libvirt's virmdev and mdevctl: parents,
 * their types, active mdevs and mdevctl-compatible persistent definitions.
 *
 * Sources, all through the root-aware path context (paths.h):
 *   /sys/class/mdev_bus/<parent>                 every mdev parent, any driver
 *   <parent>/mdev_supported_types/<type>/        name, device_api,
 *       available_instances, description, create, devices/
 *   /sys/bus/mdev/devices/<uuid>                 active mdevs: the link points
 *       into the parent's directory; mdev_type and iommu_group links; remove
 *   /etc/mdevctl.d/<parent>/<uuid>               mdevctl's definitions:
 *       {"mdev_type":"i915-GVTg_V5_4","start":"auto","attrs":[]}
 *
 * Keeping mdevctl's own format and location means mdevctl, libvirt (which
 * drives mdevs through mdevctl) and igpuctl all see the same vGPUs.
 */
#ifndef IGP_MDEV_H
#define IGP_MDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/enumstr.h"
#include "change/plan.h"

#define IGP_MDEV_UUID_MAX 37 /* 36 characters + NUL */

/*
 * GVT-g's description of a type (intel_vgpu_show_description() in the
 * kernel's drivers/gpu/drm/i915/gvt/kvmgt.c):
 *   "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n"
 */
struct igp_gvtg_desc {
	long low_gm_mb, high_gm_mb;
	long fence;
	char resolution[32];
	long weight;
};
/* Parse a GVT-g description.  -EINVAL when the text is not in that format
 * (other drivers describe their types freely). */
int igp_gvtg_desc_parse(const char *s, struct igp_gvtg_desc *ret);

struct igp_mdev_type {
	char *id;	   /* directory name: "i915-GVTg_V5_4" (mdevctl's type) */
	char *name;	   /* the `name` attribute, "GVTg_V5_4"; NULL if absent */
	char *device_api;  /* "vfio-pci"; NULL if absent */
	long available;	   /* available_instances; -1 if unreadable */
	char *description; /* trailing whitespace stripped; NULL if absent */
	bool is_gvtg;	   /* description parsed as GVT-g's */
	struct igp_gvtg_desc gvtg;
};

struct igp_mdev_parent {
	char *name;   /* device name under /sys/class/mdev_bus: "0000:00:02.0" */
	char *driver; /* bound driver ("i915"), NULL if unknown */
	struct igp_mdev_type *types;
	size_t n_types;
};

/*
 * Every mdev parent (sorted by name) with its types (sorted by directory
 * name).  No /sys/class/mdev_bus (the mdev module is not loaded) is not an
 * error: zero parents.  Free with igp_mdev_parents_free().
 */
int igp_mdev_parents_load(struct igp_mdev_parent **ret, size_t *ret_n);
void igp_mdev_parents_free(struct igp_mdev_parent *v, size_t n);
/* The parent named NAME in v, or NULL. */
struct igp_mdev_parent *igp_mdev_parent_find(struct igp_mdev_parent *v, size_t n, const char *name);

/*
 * The type of a parent that SPEC names: the directory name
 * ("i915-GVTg_V5_4"), the `name` attribute ("GVTg_V5_4"), or a unique tail
 * of either that starts after a '-' or '_' ("V5_4").  Exact matches win
 * over tails; case is ignored.  Returns 0, -ENOENT (no match) or -ENOTUNIQ
 * (the tail fits several types).
 */
int igp_mdev_type_match(const struct igp_mdev_parent *p, const char *spec, const struct igp_mdev_type **ret);

/* Normalize a UUID to mdev's canonical lowercase form; -EINVAL if malformed. */
int igp_mdev_uuid_normalize(const char *s, char ret[static IGP_MDEV_UUID_MAX]);
/* A fresh random UUID (libuuid). */
void igp_mdev_uuid_generate(char ret[static IGP_MDEV_UUID_MAX]);
/*
 * Is UUID one that Proxmox VE makes for a VM's vGPU?  qemu-server names the
 * vGPU of hostpciN of VM VMID sprintf("%08d-0000-0000-0000-%012d", N, VMID)
 * (PVE/QemuServer/PCI/Mdev.pm, generate_mdev_uuid()) and creates it when
 * the VM starts.  1 with the index (0 to 15) and VMID (100 to 999999999),
 * 0 for any other UUID.
 */
int igp_mdev_uuid_pve(const char *uuid, unsigned *ret_index, unsigned long *ret_vmid);

/* An attribute that mdevctl writes to the mdev after creating it. */
struct igp_mdev_attr {
	char *name, *value;
};

/* mdevctl's per-device JSON file. */
struct igp_mdev_config {
	char *type;	/* "mdev_type" */
	bool autostart; /* "start": "auto" (else "manual") */
	struct igp_mdev_attr *attrs;
	size_t n_attrs;
};
/*
 * Parse mdevctl's JSON.  "mdev_type" is required, "start" defaults to
 * manual, "attrs" is a list of one-member objects ({"name": "value"}).
 * -EINVAL for anything else.  Free with igp_mdev_config_done().
 */
int igp_mdev_config_parse(const char *json, struct igp_mdev_config *ret);
/* Serialize the way mdevctl reads it; the caller frees the string. */
char *igp_mdev_config_format(const struct igp_mdev_config *c);
void igp_mdev_config_done(struct igp_mdev_config *c);

/* One vGPU: active, defined, or both. */
struct igp_mdev {
	char uuid[IGP_MDEV_UUID_MAX];
	char *parent;		       /* "0000:00:02.0" */
	char *type;		       /* type directory name; NULL if unknown */
	int iommu_group;	       /* -1 when inactive or without a group */
	bool active;		       /* in /sys/bus/mdev/devices */
	bool defined;		       /* has /etc/mdevctl.d/<parent>/<uuid> */
	bool autostart;		       /* defined with "start": "auto" */
	struct igp_mdev_config config; /* the definition, when defined */
};

enum {
	IGP_MDEV_LIST_ACTIVE = 1 << 0,
	IGP_MDEV_LIST_DEFINED = 1 << 1,
};
/*
 * Active and/or defined vGPUs, merged by (uuid, parent) and sorted by
 * parent, then UUID.  An active vGPU that is also defined has both flags
 * (and its definition) whichever set was asked for.  Definitions that do
 * not parse are skipped, as mdevctl skips them.  Free with igp_mdevs_free().
 */
int igp_mdev_list(unsigned flags, struct igp_mdev **ret, size_t *ret_n);
void igp_mdevs_free(struct igp_mdev *v, size_t n);
/* Release what one igp_mdev holds (not the struct itself). */
void igp_mdev_done(struct igp_mdev *m);

/*
 * Look up one active vGPU (without its definition).  Returns 0 and fills
 * *ret (release with igp_mdev_done()), -ENODEV when no active vGPU has
 * that UUID, -EINVAL for a malformed UUID.
 */
int igp_mdev_get_active(const char *uuid, struct igp_mdev *ret);

/*
 * Ask the kernel for a vGPU: write UUID to the type's `create`.  Refuses
 * (-EEXIST) a UUID an active vGPU already has.  The kernel's errors pass
 * through: -ENOSPC (the parent's resources are used up), -EEXIST, -EINVAL.
 */
int igp_mdev_create(const char *parent, const char *type_id, const char *uuid);
/*
 * Wait up to timeout_ms for /sys/bus/mdev/devices/UUID (and its IOMMU
 * group's /dev/vfio node when it has one).  Returns 0 or -ETIMEDOUT.
 */
int igp_mdev_wait(const char *uuid, unsigned timeout_ms);
/* Write a definition's attributes to an active vGPU, in order. */
int igp_mdev_apply_attrs(const char *uuid, const struct igp_mdev_config *c);
/* Remove an active vGPU (write 1 to its `remove`); -ENODEV if not active. */
int igp_mdev_remove(const char *uuid);

/* /etc/mdevctl.d/<parent>/<uuid> (caller frees). */
char *igp_mdev_config_path(const char *parent, const char *uuid);
/* The type's `create` and the vGPU's `remove` attributes (caller frees). */
char *igp_mdev_create_path(const char *parent, const char *type_id);
char *igp_mdev_remove_path(const char *uuid);

/*
 * Plan writing a definition into P (/etc/mdevctl.d/<parent> is created with
 * it).  -EEXIST when another definition of UUID is there already (mdevctl
 * also refuses to overwrite one); the same bytes are no edit.
 *
 * Its undo is a byte-exact restore only (IGP_UNDO_NONE), though igpuctl
 * creates the file: JSON is no line format.  A definition changed since
 * (mdevctl modify rewrites it pretty-printed) is someone else's now, and
 * taking igpuctl's lines out of it would leave the changed document
 * either whole, silently, or broken; revert names it instead.
 */
int igp_mdev_plan_define(struct igp_plan *p, const char *parent, const char *uuid,
			 const struct igp_mdev_config *c);
/*
 * Plan removing the definition of UUID under PARENT, or under whichever
 * parent has it when PARENT is NULL.  -ENOENT when none, -ENOTUNIQ when
 * PARENT is NULL and several parents define that UUID.  *ret_parent
 * (optional, caller frees) names the parent.  Undo as above.
 */
int igp_mdev_plan_undefine(struct igp_plan *p, const char *parent, const char *uuid, char **ret_parent);

/* What igp_mdev_start_defined() did with one definition. */
enum igp_mdev_start_status {
	IGP_MDEV_STARTED,
	IGP_MDEV_ALREADY_ACTIVE, /* nothing to do */
	IGP_MDEV_NO_PARENT,	 /* the parent is not (yet) present: skipped */
	IGP_MDEV_FAILED,
	IGP_MDEV_REQUESTED, /* timeout_ms 0: written to create, not
			     * waited for (no kernel behind --root) */
};
/* "started", "active", "no-parent", "failed", "requested" (vgpu start -J) */
IGP_ENUM_DECL(igp_mdev_start_status, enum igp_mdev_start_status);

struct igp_mdev_start_result {
	char uuid[IGP_MDEV_UUID_MAX];
	char *parent, *type;
	int r; /* 0 started, else the negative errno of the failure */
	enum igp_mdev_start_status status;
};
/*
 * Create every definition marked "auto" that is not active, whose parent
 * is present (all parents, or only PARENT when not NULL): what mdevctl's
 * udev rule does when a parent appears, and what igpuctl-vgpus.service
 * runs at boot.  Each created vGPU gets its attributes written.  With
 * timeout_ms 0 nothing is waited for and no attribute written: the UUID
 * goes to `create` and the result is IGP_MDEV_REQUESTED.  Results
 * for every auto definition considered, in list order; returns the number
 * of failures or a negative errno.  Free with igp_mdev_start_results_free().
 */
int igp_mdev_start_defined(const char *parent, unsigned timeout_ms, struct igp_mdev_start_result **ret,
			   size_t *ret_n);
void igp_mdev_start_results_free(struct igp_mdev_start_result *v, size_t n);

#endif
