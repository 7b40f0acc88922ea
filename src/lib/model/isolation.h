/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The isolation verdict of a device's IOMMU group: everything in a group
 * goes to the same VM, except bridges and root ports, which stay on the host.
 */
#ifndef IGP_ISOLATION_H
#define IGP_ISOLATION_H

#include "base/enumstr.h"
#include "model/host.h"

enum igp_isolation {
	IGP_ISO_NO_IOMMU, /* no IOMMU active, or the device has no group */
	IGP_ISO_ISOLATED, /* alone, or only with bridges / its own functions */
	IGP_ISO_SHARED,	  /* other endpoints share it; they go to the VM too */
	IGP_ISO_UNSAFE,	  /* a device the host needs shares it */
};

enum igp_peer_kind {
	IGP_PEER_BRIDGE,   /* stays on the host; fine */
	IGP_PEER_FUNCTION, /* another function of the same device (audio, ...) */
	IGP_PEER_ENDPOINT, /* unrelated endpoint: must go along to the VM */
	IGP_PEER_CRITICAL, /* endpoint the host needs (mounted disk, NIC, boot GPU) */
};

struct igp_peer {
	struct igp_pci_dev *dev; /* borrowed */
	enum igp_peer_kind kind;
};

struct igp_isolation_report {
	enum igp_isolation verdict;
	int group; /* -1 if none */
	size_t n_peers;
	struct igp_peer *peers; /* every other device in the group */
};

/* "no-iommu", "isolated", "shared", "unsafe" */
IGP_ENUM_DECL(igp_isolation, enum igp_isolation);
/* "bridge", "function", "endpoint", "critical" */
IGP_ENUM_DECL(igp_peer_kind, enum igp_peer_kind);

/* Judge the group of dev.  Free the report with igp_isolation_report_done(). */
int igp_isolation_judge(const struct igp_host *h, const struct igp_pci_dev *dev,
			struct igp_isolation_report *ret);
void igp_isolation_report_done(struct igp_isolation_report *r);

#endif
