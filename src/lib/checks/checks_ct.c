/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers that are given a DRM node (model/workloads.h): the node is
 * there and belongs to an Intel GPU or VF on its GPU driver (ct.render_nodes),
 * and its group is the container's render group (ct.gid).
 */
#include "base/paths.h"
#include "base/strbuf.h"
#include "checks/checks_int.h"
#include "ct/ctroot.h"
#include "ct/rendernode.h"
#include "model/workloads.h"

/* What the checks found, over all containers. */
struct ct_judge {
	struct check_ctx *c;
	const struct igp_workloads *ws;
	enum igp_check_status st;
	struct strbuf bad, good, rem;
	size_t n;
};

static void judge_done(struct ct_judge *j)
{
	strbuf_done(&j->bad);
	strbuf_done(&j->good);
	strbuf_done(&j->rem);
}

/* The check's result: skip with NONE when nothing was judged, else the
 * worst finding with its remedies, or a pass that lists what was judged. */
static int judge_finish(struct ct_judge *j, const char *id, const char *none, const char *pass_lead)
{
	if (j->bad.oom || j->good.oom || j->rem.oom)
		return -ENOMEM;
	if (!j->n)
		return check_add(j->c, id, NULL, IGP_CHECK_SKIP, NULL, "%s", none);
	if (j->st != IGP_CHECK_PASS)
		return check_add(j->c, id, NULL, j->st, strbuf_steal(&j->rem), "%s", strbuf_str(&j->bad));
	return check_add(j->c, id, NULL, IGP_CHECK_PASS, NULL, "%s: %s.", pass_lead, strbuf_str(&j->good));
}

/* A container of this host (a Proxmox VE CT of this node, an LXC container). */
static bool is_local_ct(const struct igp_workload *w)
{
	return w->kind != IGP_WORKLOAD_PVE_VM && w->kind != IGP_WORKLOAD_LIBVIRT && w->local;
}

/* "igpuctl ct proxmox 300 ADDR --apply": what gives W the node of ADDR. */
static char *ct_command(const struct igp_workload *w, const char *addr)
{
	return strdupf("igpuctl ct %s %s %s --apply", w->kind == IGP_WORKLOAD_PVE_CT ? "proxmox" : "lxc",
		       w->id, addr);
}

/* "Give it the node of its GPU or VF by address: igpuctl ct ..." */
static char *remedy_by_address(const struct igp_workload *w)
{
	_cleanup_free_ char *cmd = ct_command(w, "ADDR");

	return cmd ? strdupf("Give it the node of its GPU or VF by address: %s (igpuctl list shows the GPUs, "
			     "igpuctl vfs PF the VFs).",
			     cmd)
		   : NULL;
}

static void judge_bad(struct ct_judge *j, enum igp_check_status st, char *what, char *remedy)
{
	if (st > j->st)
		j->st = st;
	if (what)
		strbuf_word(&j->bad, " ", what);
	else
		j->bad.oom = true;
	if (remedy)
		strbuf_word(&j->rem, " ", remedy);
	else
		j->rem.oom = true;
	free(what);
	free(remedy);
}

/* The node's device: a GPU on its driver, with the node there. */
static void judge_device(struct ct_judge *j, const struct igp_workload *w, const char *name, const char *node,
			 const struct igp_pci_dev *d)
{
	_cleanup_strv_free_ char **users = NULL;
	_cleanup_strbuf_ struct strbuf who = {};

	if (streq_ptr(d->driver, "vfio-pci")) {
		if (igp_device_users(j->ws, d, &users, NULL) >= 0)
			for (char **u = users; *u; u++)
				if (!streq(*u, name))
					strbuf_word(&who, ", ", *u);
		judge_bad(
		    j, IGP_CHECK_FAIL,
		    strdupf("%s is given %s, but %s is bound to vfio-pci%s%s: the container has no node.",
			    name, node, d->address, strbuf_empty(&who) ? "" : " for ", strbuf_str(&who)),
		    strdupf("Give %s back to its GPU driver (igpuctl unbind %s), or give %s another VF.",
			    d->address, d->address, name));
		return;
	}
	if (!igp_exists(node))
		judge_bad(j, IGP_CHECK_FAIL,
			  strdupf("%s is given %s, which does not exist (%s: %s).", name, node, d->address,
				  d->driver ? "no DRM node" : "no driver bound"),
			  strdupf("Bind %s to its GPU driver (igpuctl unbind %s).", d->address, d->address));
	else if (!igp_pci_dev_is_gpu(d) || d->vendor != 0x8086)
		judge_bad(
		    j, IGP_CHECK_WARN,
		    strdupf("%s is given %s, which belongs to %s (%04x:%04x), not to an Intel GPU or VF: DRM "
			    "nodes are numbered in the order GPUs probe.",
			    name, node, d->address, d->vendor, d->device),
		    remedy_by_address(w));
	else
		strbuf_wordf(&j->good, ", ", "%s: %s of %s", name, node, d->address);
}

/* One DRM node a container is given. */
static void judge_use(struct ct_judge *j, const struct igp_workload *w, const struct igp_device_use *u)
{
	_cleanup_free_ char *name = igp_workload_name(w), *addr = NULL;
	struct igp_pci_dev *d = NULL;

	if (!name) {
		j->bad.oom = true;
		return;
	}
	j->n++;
	if (streq(u->node, IGP_DEV_DRI)) {
		strbuf_wordf(&j->good, ", ", "%s: all of %s", name, IGP_DEV_DRI);
		return;
	}
	if (igp_drm_node_device(u->node, &addr) == -ENOMEM) {
		j->bad.oom = true;
		return;
	}
	if (!addr || igp_host_find(j->c->h, addr, &d) < 0) {
		judge_bad(j, IGP_CHECK_FAIL,
			  strdupf("%s is given %s (%s), which %s.", name, u->node, u->key,
				  igp_exists(u->node) ? "belongs to no PCI device here" : "does not exist"),
			  remedy_by_address(w));
		return;
	}
	judge_device(j, w, name, u->node, d);
}

int check_ct_render_nodes(struct check_ctx *c)
{
	const char *id = "ct.render_nodes";
	_cleanup_(judge_done) struct ct_judge j = {.c = c, .st = IGP_CHECK_PASS};
	int r;

	r = igp_host_workloads(c->h, &j.ws);
	if (r < 0)
		return r;
	for (size_t i = 0; i < j.ws->n; i++) {
		const struct igp_workload *w = &j.ws->v[i];
		for (size_t k = 0; is_local_ct(w) && k < w->n_uses; k++)
			if (w->uses[k].kind == IGP_USE_DRI)
				judge_use(&j, w, &w->uses[k]);
	}
	return judge_finish(&j, id, "No container is given a DRM node.", "Containers with a GPU's node");
}

/* A decimal number, digits only. */
static int parse_ulong(const char *s, unsigned long *ret)
{
	char *e;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*ret = strtoul(s, &e, 10);
	return *e || errno ? -EINVAL : 0;
}

/* A Proxmox VE CT's render group, or why it is unknown (in *ret_why). */
static int ct_render_group(const struct igp_workload *w, struct igp_ct_group *ret, char **ret_why)
{
	unsigned long ctid;

	*ret_why = NULL;
	if (w->kind != IGP_WORKLOAD_PVE_CT || parse_ulong(w->id, &ctid) < 0)
		return -ENOENT;
	return igp_pve_ct_render_group(ctid, &w->conf, ret, ret_why);
}

/* The group a use gives the node inside: devN's gid= (0 without), or -1 for
 * a bind mount (the host's owner) and uses that are no single node. */
static long use_gid(const struct igp_workload *w, const struct igp_device_use *u)
{
	const char *v = igp_pve_conf_get(&w->conf, u->key);
	_cleanup_free_ char *gid = NULL;
	unsigned long g;

	if (!startswith(u->key, "dev") || !v)
		return -1;
	if (igp_pve_prop_get(v, "gid", NULL, &gid) < 0)
		return 0;
	return parse_ulong(gid, &g) < 0 ? -1 : (long)g;
}

/* One CT's render nodes given by devN: their gid against the CT's render group. */
static void judge_gid(struct ct_judge *j, const struct igp_workload *w)
{
	_cleanup_free_ char *name = NULL, *why = NULL;
	struct igp_ct_group g;
	int r = -1;

	for (size_t k = 0; k < w->n_uses; k++) {
		const struct igp_device_use *u = &w->uses[k];
		long gid = u->kind == IGP_USE_DRI ? use_gid(w, u) : -1;
		if (gid < 0)
			continue;
		if (r == -1 && (r = ct_render_group(w, &g, &why)) == -ENOMEM)
			break;
		if (!name && !(name = igp_workload_name(w)))
			break;
		j->n++;
		if (r < 0)
			strbuf_wordf(&j->good, ", ", "%s: %s gid %ld (its render group is unknown: %s)", name,
				     u->key, gid, why ? why : "");
		else if ((unsigned long)gid == g.gid)
			strbuf_wordf(&j->good, ", ", "%s: %s gid %ld (%s)", name, u->key, gid, g.name);
		else
			judge_bad(j, IGP_CHECK_WARN,
				  strdupf("%s gives %s to gid %ld (%s), but the %s group inside is %lu: its "
					  "users cannot open it.",
					  name, u->node, gid, u->key, g.name, g.gid),
				  strdupf("pct set %s --%s %s,gid=%lu (then restart the CT).", w->id, u->key,
					  u->node, g.gid));
	}
	if (r == -ENOMEM || (r != -1 && !name))
		j->bad.oom = true;
}

int check_ct_gid(struct check_ctx *c)
{
	const char *id = "ct.gid";
	_cleanup_(judge_done) struct ct_judge j = {.c = c, .st = IGP_CHECK_PASS};
	int r;

	r = igp_host_workloads(c->h, &j.ws);
	if (r < 0)
		return r;
	for (size_t i = 0; i < j.ws->n; i++)
		if (j.ws->v[i].kind == IGP_WORKLOAD_PVE_CT && j.ws->v[i].local)
			judge_gid(&j, &j.ws->v[i]);
	return judge_finish(&j, id, "No Proxmox VE CT is given a DRM node by devN.", "The nodes' groups");
}
