/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/paths.h"
#include "base/strbuf.h"
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
	igp_lxc_conf_done(&w->lxc);
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
	free(w->lxcpath);
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
	case IGP_WORKLOAD_LXC:
		return strdupf("lxc:%s", w->id);
	case IGP_WORKLOAD_LIBVIRT:
		break;
	}
	return strdupf("libvirt:%s", w->id);
}

char *igp_workload_label(const struct igp_workload *w)
{
	_cleanup_free_ char *name = igp_workload_name(w);
	const char *own = NULL;

	switch (w->kind) {
	case IGP_WORKLOAD_PVE_VM:
		own = igp_pve_conf_get(&w->conf, "name");
		break;
	case IGP_WORKLOAD_PVE_CT:
		own = igp_pve_conf_get(&w->conf, "hostname");
		break;
	case IGP_WORKLOAD_LXC:
		own = igp_lxc_conf_get(&w->lxc, "lxc.uts.name");
		break;
	case IGP_WORKLOAD_LIBVIRT:
		/* Its id is the domain's name. */
		break;
	}
	if (!name || !own || !*own || streq(own, w->id) || !string_is_printable(own))
		return TAKE_PTR(name);
	return strdupf("%s (%s)", name, own);
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
	return igp_device_users_of(ws, d, IGP_WORKLOADS_ALL, ret, ret_conflict);
}

int igp_device_users_of(const struct igp_workloads *ws, const struct igp_pci_dev *d, unsigned kinds,
			char ***ret, bool *ret_conflict)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	size_t n = 0;
	bool whole = false;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; ws && i < ws->n; i++) {
		bool w_whole;
		if (!(kinds & IGP_WORKLOAD_BIT(ws->v[i].kind)) || !workload_uses(&ws->v[i], d, &w_whole))
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

/* The containers that use D, by label, into WHO (", " between them);
 * SEEN (one per workload) counts each container once into *n. */
static int ct_labels(const struct igp_workloads *ws, const struct igp_pci_dev *d, bool *seen,
		     struct strbuf *who, size_t *n)
{
	for (size_t i = 0; i < ws->n; i++) {
		_cleanup_free_ char *label = NULL;
		bool whole;
		if (!(IGP_WORKLOADS_CTS & IGP_WORKLOAD_BIT(ws->v[i].kind)) ||
		    !workload_uses(&ws->v[i], d, &whole))
			continue;
		if (!(label = igp_workload_label(&ws->v[i])))
			return -ENOMEM;
		strbuf_word(who, ", ", label);
		*n += !seen[i];
		seen[i] = true;
	}
	return who->oom ? -ENOMEM : 0;
}

int igp_host_ct_takers(const struct igp_host *h, const struct igp_pci_dev *d, char **ret, size_t *ret_n)
{
	_cleanup_strbuf_ struct strbuf s = {}, who = {};
	_cleanup_free_ bool *seen = NULL;
	const struct igp_workloads *ws;
	size_t n = 0;
	int r = igp_host_workloads(h, &ws);

	if (r < 0)
		return r;
	if (!(seen = calloc(ws->n + 1, sizeof(*seen))) || (r = ct_labels(ws, d, seen, &who, &n)) < 0)
		return -ENOMEM;
	if (!strbuf_empty(&who))
		strbuf_printf(&s, "%s gives its render node to %s", d->address, who.s);
	/* A PF's VFs go when its driver goes (the driver's remove disables
	 * SR-IOV; vfio-pci enables none by itself). */
	for (size_t i = 0; i < h->n_devs; i++) {
		if (!streq_ptr(h->devs[i]->physfn, d->address))
			continue;
		strbuf_done(&who);
		if ((r = ct_labels(ws, h->devs[i], seen, &who, &n)) < 0)
			return r;
		if (strbuf_empty(&who))
			continue;
		if (strbuf_empty(&s))
			strbuf_printf(&s, "%s gives", d->address);
		else
			strbuf_puts(&s, " and");
		strbuf_printf(&s, " the render node of its VF %s to %s", h->devs[i]->address, who.s);
	}
	if (s.oom)
		return -ENOMEM;
	*ret = strbuf_empty(&s) ? NULL : strbuf_steal(&s);
	*ret_n = n;
	return 0;
}

int igp_host_ct_guard(const struct igp_host *h, const struct igp_pci_dev *d, const char *driver, bool force,
		      char **ret)
{
	_cleanup_free_ char *takers = NULL;
	bool many, vfs;
	size_t n;
	int r = igp_host_ct_takers(h, d, &takers, &n);

	if (r < 0)
		return r;
	*ret = NULL;
	if (!takers)
		return 0;
	if (!force) {
		*ret = strdupf("%s; pass --force to take it from them", takers);
		return *ret ? -EUSERS : -ENOMEM;
	}
	/* A container keeps a bind mount of a node that is gone: it needs a
	 * restart either way; a VF of the GPU may take the device's place. */
	many = n > 1;
	vfs = d->physfn || d->sriov_totalvfs > 0;
	*ret = strdupf("%s; with --force the container%s lose%s the render node when the %s goes to %s: "
		       "restart %s without the device%s%s%s.",
		       takers, many ? "s" : "", many ? "" : "s", d->physfn ? "VF" : "GPU", driver,
		       many ? "them" : "it", vfs ? " or give " : "", vfs ? (many ? "them" : "it") : "",
		       vfs ? " another VF" : "");
	return *ret ? 0 : -ENOMEM;
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

/* liblxc's clearing lines (confile.c): an empty lxc.mount.entry drops
 * the mount entries before it (lxc_clear_mount_entries()), an empty
 * lxc.cgroup2.KEY the KEY lines and an empty lxc.cgroup2 every one
 * (lxc_clear_cgroups(); lxc.cgroup the same for cgroup v1, LXC 6 and
 * older).  Proxmox VE passes a CT's lxc.* lines on to liblxc in order. */
static void dri_uses_clear(struct igp_workload *w, const char *key)
{
	size_t k = 0, kl = strlen(key);
	bool all = streq(key, "lxc.cgroup2") || streq(key, "lxc.cgroup");

	for (size_t i = 0; i < w->n_uses; i++) {
		const char *uk = w->uses[i].key;
		if (w->uses[i].kind == IGP_USE_DRI &&
		    (streq(uk, key) || (all && strncmp(uk, key, kl) == 0 && uk[kl] == '.'))) {
			free(w->uses[i].node);
			continue;
		}
		w->uses[k++] = w->uses[i];
	}
	w->n_uses = k;
}

/* The DRM node a container's line passes in (only /dev/dri is a GPU's;
 * other devices are no use here). */
static int dri_use(struct igp_workload *w, const char *key, const char *value)
{
	_cleanup_free_ char *node = NULL;
	size_t dl = strlen(IGP_DEV_DRI);
	struct igp_device_use *u;
	int r;

	if (startswith(key, "lxc.") && !*value) {
		dri_uses_clear(w, key);
		return 0;
	}
	r = igp_pve_ct_device(key, value, &node);
	if (r <= 0 || strncmp(node, IGP_DEV_DRI, dl) != 0 || (node[dl] && node[dl] != '/'))
		return r;
	if (!(u = use_add(w, IGP_USE_DRI, key)))
		return -ENOMEM;
	u->node = TAKE_PTR(node);
	return 0;
}

/* A Proxmox VE CT's DRM nodes: its current configuration's lines. */
static int ct_uses(struct igp_workload *w)
{
	const struct igp_pve_section *cur = &w->conf.sections[0];
	int r;

	for (size_t i = 0; i < cur->n_kv; i++)
		if ((r = dri_use(w, cur->kv[i].key, cur->kv[i].value)) < 0)
			return r;
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

/* A new workload of ALL, taking ID and PATH (NULL when either is: ENOMEM). */
static struct igp_workload *workload_new(struct igp_workloads *all, enum igp_workload_kind kind, char *id,
					 char *path)
{
	struct igp_workload *v = id && path ? realloc(all->v, (all->n + 1) * sizeof(*v)) : NULL;

	if (!v) {
		free(id);
		free(path);
		return NULL;
	}
	all->v = v;
	v[all->n] = (struct igp_workload){.kind = kind, .local = true, .id = id, .path = path};
	return &v[all->n++];
}

/* A workload whose id is FILE in DIR without its SUFFIX (bytes). */
static struct igp_workload *workload_add(struct igp_workloads *all, enum igp_workload_kind kind,
					 const char *dir, const char *file, size_t suffix)
{
	return workload_new(all, kind, strndup(file, strlen(file) - suffix), igp_path_join(dir, file));
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

/* The lxcpath: lxc.lxcpath of the global lxc.conf, else LXCPATH
 * (initutils.c lxc_global_config_value(): the first line that sets it, its
 * trailing slashes dropped). */
static char *lxcpath(void)
{
	_cleanup_(igp_lxc_conf_done) struct igp_lxc_conf c = {0};
	_cleanup_free_ char *text = NULL;

	if (igp_read_file(IGP_ETC_LXC_LXC_CONF, &text, NULL) >= 0 && igp_lxc_conf_parse(text, &c) >= 0)
		for (size_t i = 0; i < c.n; i++) {
			char *v = c.kv[i].value;
			size_t n = strlen(v);
			if (!streq(c.kv[i].key, "lxc.lxcpath") || !*v)
				continue;
			while (n > 0 && v[n - 1] == '/')
				n--;
			return strndup(v, n);
		}
	return strdup(IGP_VAR_LIB_LXC);
}

static bool is_pve_ct(const struct igp_workloads *all, const char *name)
{
	for (size_t i = 0; i < all->n; i++)
		if (all->v[i].kind == IGP_WORKLOAD_PVE_CT && streq(all->v[i].id, name))
			return true;
	return false;
}

static int lxc_uses(struct igp_workload *w)
{
	int r;

	for (size_t i = 0; i < w->lxc.n; i++)
		if ((r = dri_use(w, w->lxc.kv[i].key, w->lxc.kv[i].value)) < 0)
			return r;
	return 0;
}

/* The LXC containers: each directory of the lxcpath with a config file,
 * but hidden ones (lxccontainer.c list_defined_containers()). */
static int load_lxc(struct igp_workloads *all)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (!(all->lxcpath = lxcpath()))
		return -ENOMEM;
	if (all->lxcpath[0] != '/' || igp_list_dir(all->lxcpath, &names) < 0)
		return 0;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *text = NULL;
		struct igp_workload *w;

		if (**n == '.' || is_pve_ct(all, *n))
			continue;
		w = workload_new(all, IGP_WORKLOAD_LXC, strdup(*n),
				 strdupf("%s/%s/config", all->lxcpath, *n));
		if (!w)
			return -ENOMEM;
		r = igp_read_file(w->path, &text, NULL);
		if (r < 0) {
			/* No config: no container (config_file_exists()). */
			workload_done(w);
			all->n--;
			if (r == -ENOMEM)
				return r;
			continue;
		}
		if ((r = igp_lxc_conf_parse(text, &w->lxc)) < 0 || (r = lxc_uses(w)) < 0)
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
	if ((r = load_pve(all)) < 0 || (r = load_lxc(all)) < 0 || (r = load_libvirt(all)) < 0) {
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
