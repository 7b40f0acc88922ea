/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the SR-IOV settings of a PF (sriov_numvfs, sriov_drivers_autoprobe,
 * per-VF scheduling) are made to survive a reboot: one reader of every place
 * that sets them at boot, and one decision of where igpuctl writes them,
 * shared by `vfs --persist`, `vfs --set`, `setup --mode sriov` and check's
 * sriov.persist.
 *
 * Two mechanisms write sysfs attributes at boot:
 *   - udev rules (/etc/udev/rules.d, /usr/lib/udev/rules.d,
 *     /lib/udev/rules.d; a file in /etc hides one of the same name in the
 *     others), run when the PF's driver binds: ATTR{sriov_numvfs}="N".
 *     systemd's udev writes an ATTR{} assignment when it reaches it
 *     (udev_rule_apply_token_to_event(), TK_A_ATTR in
 *     src/udev/udev-rules.c), so assignments take effect in rule order;
 *   - sysfsutils (Debian's /etc/init.d/sysfsutils): "attribute = value"
 *     lines, attribute relative to /sys, from /etc/sysfs.conf first, then
 *     /etc/sysfs.d/ *.conf in glob order, after udev has started
 *     (Should-Start: udev).
 * The kernel takes a second, different non-zero sriov_numvfs with EBUSY
 * (sriov_numvfs_store() in drivers/pci/iov.c), so the first write at boot
 * wins: udev rules (they run when the driver binds), then sysfsutils lines in
 * file order.  The same count written twice is accepted.
 */
#ifndef IGP_SRIOV_PERSIST_H
#define IGP_SRIOV_PERSIST_H

#include <stdbool.h>
#include <stddef.h>

#include "change/plan.h"
#include "model/host.h"
#include "model/pci.h"

enum igp_sriov_via {
	IGP_SRIOV_VIA_UDEV,
	IGP_SRIOV_VIA_SYSFSUTILS,
};

/* One attribute of the PF set at boot. */
struct igp_sriov_setting {
	enum igp_sriov_via via;
	char *path;    /* the file ("/etc/sysfs.conf") */
	unsigned line; /* 1-based (a udev rule's first line) */
	char *attr;    /* relative to the PF's directory: "sriov_numvfs",
			  "sriov_admin/vf1/profile/exec_quantum_ms" */
	char *value;
	bool own;    /* igpuctl's: its file, or a sysfsutils line marked "# igpuctl" */
	bool active; /* read at boot: not a udev rule hidden by one of the same name in /etc */
};

/* Every setting for one PF, in boot order (udev rules, then sysfsutils). */
struct igp_sriov_persisted {
	struct igp_sriov_setting *v;
	size_t n;
};

int igp_sriov_persisted_load(const struct igp_pci_dev *pf, struct igp_sriov_persisted *ret);
void igp_sriov_persisted_done(struct igp_sriov_persisted *ps);
/* The active settings of ATTR in boot order: the first wins. */
const struct igp_sriov_setting *igp_sriov_persisted_find(const struct igp_sriov_persisted *ps,
							 const char *attr,
							 const struct igp_sriov_setting *after);
/* "FILE:LINE" of S (caller frees). */
char *igp_sriov_setting_where(const struct igp_sriov_setting *s);

enum igp_sriov_store {
	IGP_SRIOV_STORE_SYSFS_D,    /* a file of igpuctl's own in /etc/sysfs.d */
	IGP_SRIOV_STORE_SYSFS_CONF, /* lines marked "# igpuctl" in /etc/sysfs.conf */
	IGP_SRIOV_STORE_UDEV,	    /* igpuctl's udev rule for the PF */
};

/*
 * Where igpuctl writes the settings it persists: sysfsutils when it is
 * installed (the package database; else its files under the root), in
 * /etc/sysfs.d when it reads that directory, else /etc/sysfs.conf;
 * otherwise a udev rule.  *ret_why (optional, caller frees): the package and
 * version or the files the decision rests on.
 */
int igp_sriov_store(const struct igp_host *h, enum igp_sriov_store *ret, char **ret_why);

/* The file of igpuctl's own for PF in STORE (caller frees). */
char *igp_sriov_store_path(enum igp_sriov_store store, const char *pf);

/* What to persist for a PF. */
struct igp_sriov_persist_req {
	long count;	/* sriov_numvfs; -1: keep what is persisted */
	char **set;	/* "ATTR=VALUE" (attribute relative to the PF) to add or replace */
	const char *by; /* the command, named in the files' comments */
};

/*
 * Plan the edits that make REQ hold at boot, reconciled with what is there:
 *  - the count goes where it wins now: an admin's line or rule keeps it
 *    (value edited in place, sriov_drivers_autoprobe=0 put just before it);
 *    otherwise igpuctl's own settings, which all move to igp_sriov_store():
 *    sriov_drivers_autoprobe=0, the scheduling attributes, then
 *    sriov_numvfs (so that no host driver probes the new VFs);
 *  - igpuctl's own settings elsewhere are removed;
 *  - an admin's setting of a different count in another place is left, with
 *    a plan note (it races with the winner: one write fails with EBUSY).
 * A count of 0 removes igpuctl's count (and sets an admin's winner to 0).
 * *ret_path (optional, caller frees): the file that sets the count (or the
 * settings) at boot afterwards, NULL when none or when the admin's count is
 * in a form igpuctl does not edit (a plan note says so).
 */
int igp_sriov_plan_persist(struct igp_plan *p, const struct igp_host *h, const struct igp_pci_dev *pf,
			   const struct igp_sriov_persist_req *req, char **ret_path);

#endif
