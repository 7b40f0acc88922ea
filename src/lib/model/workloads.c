/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/paths.h"
#include "base/util.h"
#include "model/host_cache.h"
#include "model/workloads.h"
#include "vm/libvirt_module.h"
#include "vm/proxmox.h"

static void workload_done(struct igp_workload *w)
{
	for (size_t i = 0; i < w->n_uses; i++) {
		free(w->uses[i].mdev_type);
		free(w->uses[i].uuid);
		free(w->uses[i].node);
	}
	free(w->uses);
	free(w->id);
	free(w->path);
	igp_pve_conf_done(&w->conf);
	igp_libvirt_domain_free(w->domain);
}

void igp_workloads_free(struct igp_workloads *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		workload_done(&w->v[i]);
	free(w->v);
	free(w->libvirt_skipped);
	free(w->node);
	igp_pve_mappings_done(&w->mappings);
	free(w);
}

bool igp_device_use_names(const struct igp_device_use *u, const struct igp_pci_dev *d)
{
	_cleanup_free_ char *by_path = NULL;

	switch (u->kind) {
	case IGP_USE_PCI:
		return u->addr.domain == d->addr.domain && igp_pci_addr_same_slot(&u->addr, &d->addr) &&
		       (u->slot || u->addr.func == d->addr.func);
	case IGP_USE_DRI:
		if (streq(u->node, IGP_DEV_DRI))
			return d->render_node || d->card_node;
		by_path = strdupf("%s/pci-%s-", IGP_DEV_DRI_BY_PATH, d->address);
		return streq_ptr(u->node, d->render_node) || streq_ptr(u->node, d->card_node) ||
		       (by_path && startswith(u->node, by_path));
	case IGP_USE_MDEV:
		break;
	}
	return false;
}

char *igp_workload_name(const struct igp_workload *w)
{
	switch (w->kind) {
	case IGP_WORKLOAD_PVE_VM:
		return strdupf("proxmox-vm:%s", w->id);
	case IGP_WORKLOAD_PVE_CT:
		return strdupf("proxmox-ct:%s", w->id);
	case IGP_WORKLOAD_LIBVIRT:
		break;
	}
	return strdupf("libvirt:%s", w->id);
}

/* Does w use d, and does it take d whole (a PCI function passed as such)? */
static bool workload_uses(const struct igp_workload *w, const struct igp_pci_dev *d, bool *whole)
{
	bool any = false;

	*whole = false;
	if (!w->local)
		return false;
	for (size_t i = 0; i < w->n_uses; i++) {
		const struct igp_device_use *u = &w->uses[i];
		if (!igp_device_use_names(u, d))
			continue;
		any = true;
		*whole |= u->kind == IGP_USE_PCI && !u->mdev_type && !u->one_of;
	}
	return any;
}

int igp_device_users(const struct igp_workloads *ws, const struct igp_pci_dev *d, char ***ret,
		     bool *ret_conflict)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	size_t n = 0;
	bool whole = false;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; ws && i < ws->n; i++) {
		bool w_whole;
		if (!workload_uses(&ws->v[i], d, &w_whole))
			continue;
		if (strv_consume(&v, igp_workload_name(&ws->v[i])) < 0)
			return -ENOMEM;
		n++;
		whole |= w_whole;
	}
	if (ret_conflict)
		*ret_conflict = whole && n > 1;
	*ret = TAKE_PTR(v);
	return 0;
}

void igp_vf_users_free(struct igp_vf_users *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		strv_free(v[i].users);
	free(v);
}

int igp_host_vf_users(const struct igp_host *h, const struct igp_pci_dev *pf, struct igp_vf_users **ret,
		      size_t *n)
{
	const struct igp_workloads *ws;
	struct igp_vf_users *v = NULL;
	size_t k = 0;
	int r = igp_host_workloads(h, &ws);

	*ret = NULL;
	*n = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < h->n_devs; i++) {
		struct igp_vf_users *nv;
		if (!streq_ptr(h->devs[i]->physfn, pf->address))
			continue;
		if (!(nv = realloc(v, (k + 1) * sizeof(*v)))) {
			igp_vf_users_free(v, k);
			return -ENOMEM;
		}
		v = nv;
		v[k] = (struct igp_vf_users){.vf = h->devs[i]};
		if ((r = igp_device_users(ws, h->devs[i], &v[k].users, &v[k].conflict)) < 0) {
			igp_vf_users_free(v, k);
			return r;
		}
		k++;
	}
	*ret = v;
	*n = k;
	return 0;
}

static struct igp_device_use *use_add(struct igp_workload *w, enum igp_use_kind kind, const char *key)
{
	struct igp_device_use *v = realloc(w->uses, (w->n_uses + 1) * sizeof(*v));

	if (!v)
		return NULL;
	w->uses = v;
	v[w->n_uses] = (struct igp_device_use){.kind = kind, .key = key};
	return &v[w->n_uses++];
}

static int pci_use_add(struct igp_workload *w, const char *key, const char *id, const char *mdev_type,
		       bool one_of)
{
	struct igp_device_use *u;
	struct igp_pci_addr a;
	bool slot;

	if (igp_pve_pci_id_parse(id, &a, &slot) < 0)
		return 0;
	if (!(u = use_add(w, IGP_USE_PCI, key)))
		return -ENOMEM;
	u->addr = a;
	u->slot = slot;
	u->one_of = one_of;
	if (mdev_type && !(u->mdev_type = strdup(mdev_type)))
		return -ENOMEM;
	return 0;
}

/* The devices of one hostpciN: its host ids, or this node's entries of its
 * mapping (pci.cfg maps each node separately). */
static int hostpci_uses(struct igp_workloads *all, struct igp_workload *w, const struct igp_pve_kv *kv)
{
	const struct igp_pve_mapping *m;
	struct igp_pve_hostpci h;
	size_t here = 0;
	int r = 0;

	if (igp_pve_hostpci_parse(kv->value, &h) < 0)
		return 0;
	for (size_t i = 0; r >= 0 && h.hosts && h.hosts[i]; i++)
		r = pci_use_add(w, kv->key, h.hosts[i], h.mdev, false);
	m = h.mapping && all->node ? igp_pve_mapping_find(&all->mappings, h.mapping) : NULL;
	/* Of several entries for this node, qemu-server takes the first that
	 * is not in use when the VM starts (PVE/QemuServer/PCI.pm,
	 * choose_hostpci_devices()). */
	for (size_t i = 0; m && i < m->n_maps; i++)
		here += streq(m->maps[i].node, all->node);
	for (size_t i = 0; r >= 0 && m && i < m->n_maps; i++) {
		_cleanup_strv_free_ char **paths = NULL;
		if (!streq(m->maps[i].node, all->node))
			continue;
		r = strv_split(m->maps[i].path, ";", &paths);
		for (size_t k = 0; r >= 0 && paths[k]; k++)
			r = pci_use_add(w, kv->key, paths[k], h.mdev, here > 1);
	}
	igp_pve_hostpci_done(&h);
	return r;
}

/* A CT's DRM nodes (only /dev/dri is a GPU's; other devices are no use here). */
static int ct_uses(struct igp_workload *w)
{
	const struct igp_pve_section *cur = &w->conf.sections[0];
	size_t dl = strlen(IGP_DEV_DRI);

	for (size_t i = 0; i < cur->n_kv; i++) {
		_cleanup_free_ char *node = NULL;
		struct igp_device_use *u;
		int r = igp_pve_ct_device(cur->kv[i].key, cur->kv[i].value, &node);
		if (r < 0)
			return r;
		if (r == 0 || strncmp(node, IGP_DEV_DRI, dl) != 0 || (node[dl] && node[dl] != '/'))
			continue;
		if (!(u = use_add(w, IGP_USE_DRI, cur->kv[i].key)))
			return -ENOMEM;
		u->node = TAKE_PTR(node);
	}
	return 0;
}

static int vm_uses(struct igp_workloads *all, struct igp_workload *w)
{
	const struct igp_pve_section *cur = &w->conf.sections[0];
	int r;

	for (size_t i = 0; i < cur->n_kv; i++) {
		unsigned n;
		char tail;
		/* Only the current configuration: [PENDING] and snapshots are not
		 * what the VM uses. */
		if (sscanf(cur->kv[i].key, "hostpci%u%c", &n, &tail) != 1 || n >= IGP_PVE_MAX_HOSTPCI)
			continue;
		if ((r = hostpci_uses(all, w, &cur->kv[i])) < 0)
			return r;
	}
	return 0;
}

static int libvirt_uses(struct igp_workload *w)
{
	for (size_t i = 0; i < w->domain->n_hostdevs; i++) {
		const struct igp_libvirt_hostdev *h = &w->domain->hostdevs[i];
		struct igp_device_use *u;
		if (h->has_addr) {
			if (!(u = use_add(w, IGP_USE_PCI, "hostdev")))
				return -ENOMEM;
			u->addr = h->addr;
		} else if (h->uuid) {
			if (!(u = use_add(w, IGP_USE_MDEV, "hostdev")) || !(u->uuid = strdup(h->uuid)))
				return -ENOMEM;
		}
	}
	return 0;
}

static struct igp_workload *workload_add(struct igp_workloads *all, enum igp_workload_kind kind,
					 const char *dir, const char *file, size_t suffix)
{
	struct igp_workload *v = realloc(all->v, (all->n + 1) * sizeof(*v)), *w;

	if (!v)
		return NULL;
	all->v = v;
	w = &v[all->n];
	*w = (struct igp_workload){.kind = kind, .local = true};
	w->id = strndup(file, strlen(file) - suffix);
	w->path = igp_path_join(dir, file);
	if (!w->id || !w->path) {
		free(w->id);
		free(w->path);
		return NULL;
	}
	all->n++;
	return w;
}

static bool have_id(const struct igp_workloads *all, enum igp_workload_kind kind, const char *file)
{
	for (size_t i = 0; i < all->n; i++)
		if (all->v[i].kind == kind && strncmp(all->v[i].id, file, strlen(all->v[i].id)) == 0 &&
		    streq(file + strlen(all->v[i].id), ".conf"))
			return true;
	return false;
}

/* The Proxmox VE guests in DIR ("VMID.conf" / "CTID.conf"). */
static int load_pve_dir(struct igp_workloads *all, const char *dir, bool ct, bool local)
{
	_cleanup_strv_free_ char **names = NULL;
	enum igp_workload_kind kind = ct ? IGP_WORKLOAD_PVE_CT : IGP_WORKLOAD_PVE_VM;
	int r;

	if (igp_list_dir(dir, &names) < 0)
		return 0;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *text = NULL;
		struct igp_workload *w;
		unsigned long id;
		_cleanup_free_ char *num = NULL;

		/* VMIDs are unique in a cluster: the local directory is read
		 * first, and is also nodes/THIS/. */
		if (!endswith(*n, ".conf") || have_id(all, kind, *n))
			continue;
		if (!(num = strndup(*n, strlen(*n) - 5)))
			return -ENOMEM;
		if (igp_pve_vmid_parse(num, &id) < 0)
			continue;
		if (!(w = workload_add(all, kind, dir, *n, 5)))
			return -ENOMEM;
		w->local = local;
		if (igp_read_file(w->path, &text, NULL) < 0)
			text = strdup("");
		if (!text || (r = igp_pve_conf_parse(text, ct, &w->conf)) < 0)
			return text ? r : -ENOMEM;
		if (!local)
			continue;
		if ((r = ct ? ct_uses(w) : vm_uses(all, w)) < 0)
			return r;
	}
	return 0;
}

static int load_pve(struct igp_workloads *all)
{
	_cleanup_strv_free_ char **nodes = NULL;
	_cleanup_free_ char *maptext = NULL;
	int r;

	all->pve = igp_is_dir(IGP_ETC_PVE_QEMU_SERVER);
	if (igp_pve_node_name(&all->node) < 0)
		all->node = NULL;
	if (igp_read_file(IGP_ETC_PVE_MAPPING_PCI, &maptext, NULL) >= 0 &&
	    (r = igp_pve_mappings_parse(maptext, &all->mappings)) < 0)
		return r;
	if ((r = load_pve_dir(all, IGP_ETC_PVE_QEMU_SERVER, false, true)) < 0 ||
	    (r = load_pve_dir(all, IGP_ETC_PVE_LXC, true, true)) < 0)
		return r;
	if (igp_list_dir(IGP_ETC_PVE_NODES, &nodes) < 0)
		return 0;
	for (char **n = nodes; *n; n++) {
		_cleanup_free_ char *vms = strdupf("%s/%s/qemu-server", IGP_ETC_PVE_NODES, *n);
		_cleanup_free_ char *cts = strdupf("%s/%s/lxc", IGP_ETC_PVE_NODES, *n);
		bool local = streq_ptr(*n, all->node);
		if (!vms || !cts)
			return -ENOMEM;
		if ((r = load_pve_dir(all, vms, false, local)) < 0 ||
		    (r = load_pve_dir(all, cts, true, local)) < 0)
			return r;
	}
	return 0;
}

static int load_libvirt(struct igp_workloads *all)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	all->libvirt = igp_is_dir(IGP_ETC_LIBVIRT_QEMU);
	if (!all->libvirt || igp_list_dir(IGP_ETC_LIBVIRT_QEMU, &names) < 0)
		return 0;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *text = NULL;
		struct igp_libvirt_domain *d = NULL;
		struct igp_workload *w;

		if (!endswith(*n, ".xml"))
			continue;
		{
			_cleanup_free_ char *p = igp_path_join(IGP_ETC_LIBVIRT_QEMU, *n);
			if (!p)
				return -ENOMEM;
			if (igp_read_file(p, &text, NULL) < 0)
				continue;
		}
		r = igp_libvirt_domain_read(text, &d);
		if (r == -ELIBACC) {
			/* The domains are read through libxml2, in the module. */
			all->libvirt_skipped = strdup(igp_libvirt_module_error());
			return all->libvirt_skipped ? 0 : -ENOMEM;
		}
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		if (!(w = workload_add(all, IGP_WORKLOAD_LIBVIRT, IGP_ETC_LIBVIRT_QEMU, *n, 4))) {
			igp_libvirt_domain_free(d);
			return -ENOMEM;
		}
		w->domain = d;
		if ((r = libvirt_uses(w)) < 0)
			return r;
	}
	return 0;
}

int igp_workloads_load(struct igp_workloads **ret)
{
	struct igp_workloads *all = calloc(1, sizeof(*all));
	int r;

	if (!all)
		return -ENOMEM;
	if ((r = load_pve(all)) < 0 || (r = load_libvirt(all)) < 0) {
		igp_workloads_free(all);
		return r;
	}
	*ret = all;
	return 0;
}

int igp_host_workloads(const struct igp_host *h, const struct igp_workloads **ret)
{
	struct igp_host_cache *c = h->cache;

	if (!c)
		return -ENODATA;
	if (!c->workloads_done) {
		c->workloads_done = true;
		c->workloads_r = igp_workloads_load(&c->workloads);
		c->workloads_free = igp_workloads_free;
	}
	if (c->workloads_r < 0)
		return c->workloads_r;
	*ret = c->workloads;
	return 0;
}
