/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "model/isolation.h"
#include "base/util.h"

IGP_ENUM_IMPL(igp_isolation, enum igp_isolation, IGP_ISO_UNSAFE + 1, [IGP_ISO_NO_IOMMU] = "no-iommu",
	      [IGP_ISO_ISOLATED] = "isolated", [IGP_ISO_SHARED] = "shared", [IGP_ISO_UNSAFE] = "unsafe");

IGP_ENUM_IMPL(igp_peer_kind, enum igp_peer_kind,
	      IGP_PEER_CRITICAL + 1, [IGP_PEER_BRIDGE] = "bridge", [IGP_PEER_FUNCTION] = "function",
	      [IGP_PEER_ENDPOINT] = "endpoint", [IGP_PEER_CRITICAL] = "critical");

static enum igp_peer_kind classify(const struct igp_pci_dev *dev, const struct igp_pci_dev *peer)
{
	/* Host-needed devices win over every other kind: an NVIDIA card's
	 * audio function is fine, a second function that is the boot disk's
	 * controller is not. */
	if (peer->roles & (IGP_ROLE_MOUNTED_STORAGE | IGP_ROLE_DEFAULT_NIC | IGP_ROLE_BOOT_VGA))
		return IGP_PEER_CRITICAL;
	/* Bridges and root ports are never assigned; vfio tolerates them. */
	if (igp_pci_dev_is_bridge(peer))
		return IGP_PEER_BRIDGE;
	if (igp_pci_addr_same_slot(&dev->addr, &peer->addr))
		return IGP_PEER_FUNCTION;
	return IGP_PEER_ENDPOINT;
}

int igp_isolation_judge(const struct igp_host *h, const struct igp_pci_dev *dev,
			struct igp_isolation_report *ret)
{
	const struct igp_iommu_group *g;
	struct igp_isolation_report r = {.verdict = IGP_ISO_NO_IOMMU, .group = dev->iommu_group};

	g = dev->iommu_group >= 0 ? igp_host_group(h, dev->iommu_group) : NULL;
	if (!g) {
		*ret = r;
		return 0;
	}
	r.verdict = IGP_ISO_ISOLATED;
	r.peers = calloc(g->n_devs ? g->n_devs : 1, sizeof(*r.peers));
	if (!r.peers)
		return -ENOMEM;
	for (size_t i = 0; i < g->n_devs; i++) {
		struct igp_pci_dev *p = g->devs[i];
		enum igp_peer_kind k;

		if (p == dev)
			continue;
		k = classify(dev, p);
		r.peers[r.n_peers++] = (struct igp_peer){.dev = p, .kind = k};
		if (k == IGP_PEER_CRITICAL)
			r.verdict = IGP_ISO_UNSAFE;
		else if (k == IGP_PEER_ENDPOINT && r.verdict != IGP_ISO_UNSAFE)
			r.verdict = IGP_ISO_SHARED;
	}
	*ret = r;
	return 0;
}

void igp_isolation_report_done(struct igp_isolation_report *r)
{
	free(r->peers);
	r->peers = NULL;
	r->n_peers = 0;
}
