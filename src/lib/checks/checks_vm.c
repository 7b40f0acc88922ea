/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM side of the guides, as far as it lives on the host: Proxmox VE VM
 * configs (/etc/pve/qemu-server/VMID.conf, the full-passthrough guide's
 * "Add: PCI Device" with q35/PCI-Express/ROM-Bar) and libvirt domains
 * (/etc/libvirt/qemu/NAME.xml, the GVT-g guide's <hostdev type='mdev'> with
 * its display variants).  Only configurations that use the checked GPU are
 * judged.
 */
#include "base/paths.h"
#include "base/strbuf.h"
#include "checks/checks_int.h"
#include "model/workloads.h"
#include "vgpu/mdev.h"
#include "vm/libvirt_module.h"
#include "vm/proxmox.h"
#include "vm/pveconf.h"
#include "vm/vmconf.h"

/* ---- Proxmox VE ---- */

struct pve_judge {
	const struct igp_pci_dev *gpu;
	const struct igp_mdev_parent *par; /* the GPU's vGPU types, NULL without GVT-g */
	enum igp_check_status st;
	struct strbuf bad, good, rem;
};

/* Judge hostpciN of VM vmid when it passes the GPU. */
static void judge_hostpci(struct pve_judge *j, const char *vmid, const struct igp_pve_conf *conf,
			  const char *key, const char *value)
{
	const char *machine = igp_pve_conf_get(conf, "machine"), *vga = igp_pve_conf_get(conf, "vga");
	enum igp_vm_machine m;
	bool q35 = machine && igp_vm_machine_parse(machine, &m) == 0 && m == IGP_MACHINE_Q35;
	struct igp_pve_hostpci h;

	if (igp_pve_hostpci_parse(value, &h) < 0)
		return;
	strbuf_sep(&j->good, "; ");
	strbuf_printf(&j->good, "VM %s %s: %s on %s", vmid, key, value, machine ? machine : "i440fx");
	if (h.pcie == 1 && !q35) {
		j->st = IGP_CHECK_FAIL;
		strbuf_sep(&j->bad, " ");
		strbuf_printf(&j->bad, "VM %s: %s has pcie=1, which needs machine q35 (it has %s).", vmid,
			      key, machine ? machine : "the default i440fx");
		strbuf_sep(&j->rem, " ");
		strbuf_printf(&j->rem, "`qm set %s -machine q35` (or drop pcie=1).", vmid);
	}
	if (h.legacy_igd == 1 && (q35 || !streq_ptr(vga, "none"))) {
		j->st = IGP_CHECK_FAIL;
		strbuf_sep(&j->bad, " ");
		strbuf_printf(
		    &j->bad,
		    "VM %s: legacy-igd=1 needs the i440fx machine and vga: none (it has %s, vga %s).", vmid,
		    machine ? machine : "i440fx", vga ? vga : "default");
		strbuf_sep(&j->rem, " ");
		strbuf_printf(&j->rem, "`qm set %s -vga none` and an i440fx machine, or drop legacy-igd=1.",
			      vmid);
	}
	/* The other conditions of parse_hostpci_devices() (PCI.pm): qemu-server
	 * refuses to start the VM with "legacy IGD assignment is not
	 * compatible with ..." or "... only works for devices on host bus
	 * 00:02.0". */
	if (h.legacy_igd == 1) {
		_cleanup_strbuf_ struct strbuf why = {};
		if (h.x_vga == 1)
			strbuf_word(&why, ", ", "x-vga");
		if (h.mdev)
			strbuf_word(&why, ", ", "mdev");
		if (h.rombar == 0)
			strbuf_word(&why, ", ", "rombar=0");
		if (h.hosts && h.hosts[0] && h.hosts[1])
			strbuf_word(&why, ", ", "alternative devices");
		if (!strbuf_empty(&why)) {
			j->st = IGP_CHECK_FAIL;
			strbuf_sep(&j->bad, " ");
			strbuf_printf(&j->bad, "VM %s: legacy-igd=1 on %s is not compatible with %s.", vmid,
				      key, strbuf_str(&why));
			strbuf_sep(&j->rem, " ");
			strbuf_printf(&j->rem, "Remove %s from %s, or drop legacy-igd=1.", strbuf_str(&why),
				      key);
		}
	}
	/* driver=keep (qemu-server 9.0.25): prepare_pci_device() in
	 * PVE/QemuServer/PCI.pm neither resets the device nor binds it to
	 * vfio-pci (nor creates an mdev), so QEMU's vfio-pci finds it on
	 * whatever driver holds it. */
	if (h.driver_keep && h.mdev) {
		j->st = IGP_CHECK_FAIL;
		strbuf_sep(&j->bad, " ");
		strbuf_printf(&j->bad,
			      "VM %s: %s has driver=keep and mdev=%s: with driver=keep Proxmox VE does not "
			      "create the vGPU at VM start.",
			      vmid, key, h.mdev);
		strbuf_sep(&j->rem, " ");
		strbuf_printf(&j->rem, "Drop driver=keep from %s of VM %s.", key, vmid);
	} else if (h.driver_keep && !streq_ptr(j->gpu->driver, "vfio-pci")) {
		j->st = IGP_CHECK_FAIL;
		strbuf_sep(&j->bad, " ");
		strbuf_printf(&j->bad,
			      "VM %s: %s has driver=keep, so Proxmox VE keeps %s on %s at VM start, but "
			      "vfio-pci passthrough needs it on vfio-pci already.",
			      vmid, key, j->gpu->address, j->gpu->driver ? j->gpu->driver : "no driver");
		strbuf_sep(&j->rem, " ");
		strbuf_printf(&j->rem,
			      "Bind it to vfio-pci at boot (`igpuctl bind %s --driver vfio-pci --persist`), "
			      "or drop driver=keep from %s of VM %s so that Proxmox VE binds it.",
			      j->gpu->address, key, vmid);
	}
	if (h.mdev) {
		bool offered = false;
		for (size_t t = 0; j->par && t < j->par->n_types; t++)
			offered |=
			    streq(j->par->types[t].id, h.mdev) || streq_ptr(j->par->types[t].name, h.mdev);
		if (!offered) {
			j->st = IGP_CHECK_FAIL;
			strbuf_sep(&j->bad, " ");
			strbuf_printf(&j->bad, "VM %s: %s asks for vGPU type %s, which %s does not offer%s.",
				      vmid, key, h.mdev, j->gpu->address,
				      j->gpu->mdev_parent ? "" : " (GVT-g is not active)");
			strbuf_sep(&j->rem, " ");
			strbuf_printf(&j->rem,
				      "Use a type `igpuctl vgpu types` lists (`qm set %s -%s %s,mdev=TYPE`).",
				      vmid, key, j->gpu->address);
		}
	}
	igp_pve_hostpci_done(&h);
}

/* Judge the hostpciN entries of a VM of this node that pass the GPU (the
 * host model resolved them: only the current configuration, and of a
 * mapping only this node's entry). */
static void judge_pve_vm(struct pve_judge *j, const struct igp_workload *w)
{
	const char *last = NULL;

	for (size_t i = 0; i < w->n_uses; i++) {
		const struct igp_device_use *u = &w->uses[i];
		const char *v;
		if (!igp_device_use_names(u, j->gpu) || streq_ptr(last, u->key))
			continue;
		last = u->key;
		if ((v = igp_pve_conf_get(&w->conf, u->key)))
			judge_hostpci(j, w->id, &w->conf, u->key, v);
	}
}

int check_vm_proxmox(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "vm.proxmox";
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL, *vf_users = NULL;
	struct pve_judge j = {.gpu = gpu, .st = IGP_CHECK_PASS};
	const struct igp_workloads *ws;
	struct igp_mdev_parent *parents = NULL;
	size_t n_parents = 0;
	int r;

	r = igp_host_workloads(c->h, &ws);
	if (r < 0)
		return r;
	if (!ws->pve)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "Not a Proxmox VE host (no %s).",
				 IGP_ETC_PVE_QEMU_SERVER);
	if (gpu->mdev_parent && igp_mdev_parents_load(&parents, &n_parents) >= 0)
		j.par = igp_mdev_parent_find(parents, n_parents, gpu->address);
	r = -ENOMEM;
	for (size_t i = 0; i < ws->n; i++)
		if (ws->v[i].kind == IGP_WORKLOAD_PVE_VM && ws->v[i].local)
			judge_pve_vm(&j, &ws->v[i]);
	s_bad = strbuf_steal(&j.bad);
	s_good = strbuf_steal(&j.good);
	s_rem = strbuf_steal(&j.rem);
	if (!s_bad || !s_good || !s_rem)
		goto out;
	if (j.st != IGP_CHECK_PASS)
		r = check_add(c, id, gpu, j.st, TAKE_PTR(s_rem), "%s", s_bad);
	else if (*s_good)
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s.", s_good);
	else if ((r = check_vf_users_text(c, gpu, "proxmox-", &vf_users)) < 0)
		goto out;
	else if (vf_users)
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			      "No Proxmox VE VM uses %s itself; guests use its VFs: %s.", gpu->address,
			      vf_users);
	else
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			      "No Proxmox VE VM uses %s yet (`igpuctl vm proxmox VMID %s` adds it).",
			      gpu->address, gpu->address);
out:
	strbuf_done(&j.bad);
	strbuf_done(&j.good);
	strbuf_done(&j.rem);
	igp_mdev_parents_free(parents, n_parents);
	return r;
}

/* ---- Proxmox VE: the cluster PCI mapping ---- */

struct map_judge {
	const struct igp_host *h;
	const char *node;
	enum igp_check_status st;
	struct strbuf bad, good, rem;
};

/* A property as assert_valid() compares it: "0x" taken out, then the
 * strings, case and all. */
static bool map_prop_same(const char *configured, const char *expected)
{
	char buf[64];
	size_t n = 0;

	if (!configured || !expected)
		return !configured && !expected;
	for (const char *p = configured; *p && n + 1 < sizeof(buf); p++) {
		if (p[0] == '0' && p[1] == 'x') {
			p++;
			continue;
		}
		buf[n++] = *p;
	}
	buf[n] = '\0';
	return streq(buf, expected);
}

/* One property of entry e against the device: a sentence in bad when they differ. */
static bool map_prop_judge(struct map_judge *j, const char *name, const char *path, const char *prop,
			   const char *configured, const char *expected)
{
	if (map_prop_same(configured, expected))
		return true;
	strbuf_sep(&j->bad, " ");
	if (!configured)
		strbuf_printf(&j->bad, "Mapping %s: the entry of node %s has no %s, but %s has %s.", name,
			      j->node, prop, path, expected);
	else if (!expected)
		strbuf_printf(&j->bad, "Mapping %s: the entry of node %s has %s=%s, but %s has none.", name,
			      j->node, prop, configured, path);
	else
		strbuf_printf(&j->bad, "Mapping %s: the entry of node %s has %s=%s, but %s has %s.", name,
			      j->node, prop, configured, path, expected);
	return false;
}

/*
 * Judge this node's map entry e of mapping m as PVE::Mapping::PCI::
 * assert_valid() does when a VM with mapping=NAME starts: every path
 * exists; id= and subsystem-id= are the device's, iommugroup= the first
 * device's (all as sysfs prints them, lowercase hex), and the mapping's
 * mdev flag says whether the device offers vGPUs.  A VM start fails with
 * "missing expected property" or "'id' does not match" otherwise.
 */
static int judge_map(struct map_judge *j, const struct igp_pve_mapping *m, const struct igp_pve_map *e,
		     char *const *paths)
{
	struct igp_pve_map_want want = {.iommu_group = -1};
	_cleanup_free_ char *fixed = NULL;
	bool ok = true, absent = false, mdev_ok = true, have_first = false;

	for (size_t i = 0; paths[i]; i++) {
		struct igp_pci_addr a;
		struct igp_pci_dev *p;
		char addr[IGP_PCI_ADDR_MAX], id[16], sub[16], grp[16];
		bool slot;
		if (igp_pve_pci_id_parse(paths[i], &a, &slot) < 0)
			continue;
		/* A whole device is its function 0 ("must exist"). */
		igp_pci_addr_format(&a, addr);
		if (igp_host_find(j->h, addr, &p) < 0) {
			ok = false;
			absent = true;
			strbuf_sep(&j->bad, " ");
			strbuf_printf(&j->bad,
				      "Mapping %s: the entry of node %s names %s, which is not on this host.",
				      m->name, j->node, paths[i]);
			continue;
		}
		snprintf(id, sizeof(id), "%04x:%04x", p->vendor, p->device);
		snprintf(sub, sizeof(sub), "%04x:%04x", p->subsys_vendor, p->subsys_device);
		snprintf(grp, sizeof(grp), "%d", p->iommu_group);
		ok &= map_prop_judge(j, m->name, addr, "id", e->id, id);
		ok &= map_prop_judge(j, m->name, addr, "subsystem-id", e->subsystem_id, sub);
		/* "check iommu only on the first device" */
		if (i == 0)
			ok &= map_prop_judge(j, m->name, addr, "iommugroup", e->iommugroup,
					     p->iommu_group >= 0 ? grp : NULL);
		if (m->mdev != p->mdev_parent && mdev_ok) {
			ok = mdev_ok = false;
			strbuf_sep(&j->bad, " ");
			strbuf_printf(&j->bad, "Mapping %s has mdev %d, but %s %s vGPU types now.", m->name,
				      m->mdev, addr, p->mdev_parent ? "offers" : "offers no");
		}
		if (!have_first) {
			have_first = true;
			want = (struct igp_pve_map_want){.vendor = p->vendor,
							 .device = p->device,
							 .subsys_vendor = p->subsys_vendor,
							 .subsys_device = p->subsys_device,
							 .iommu_group = p->iommu_group};
		}
	}
	if (ok) {
		strbuf_sep(&j->good, "; ");
		strbuf_printf(&j->good, "%s (%s)", m->name, e->path);
		return 0;
	}
	j->st = IGP_CHECK_FAIL;
	if (have_first && !absent) {
		if (!(fixed = igp_pve_map_value(e->value, &want)))
			return -ENOMEM;
		strbuf_sep(&j->rem, " ");
		strbuf_printf(&j->rem, "In %s, mapping %s: `map %s`%s%s.", IGP_ETC_PVE_MAPPING_PCI, m->name,
			      fixed, mdev_ok ? "" : (m->mdev ? " and `mdev 0`" : " and `mdev 1`"),
			      " (Datacenter > Resource Mappings in the web interface)");
	}
	strbuf_sep(&j->rem, " ");
	strbuf_printf(&j->rem,
		      "`pvesh get /cluster/mapping/pci --check-node %s` shows what Proxmox VE finds%s.",
		      j->node, absent ? "; point the entry at the device's address now" : "");
	return 0;
}

int check_pve_map_judge(const struct igp_host *h, const char *node, const struct igp_pve_mapping *m,
			const struct igp_pve_map *e, struct strbuf *bad, struct strbuf *rem,
			struct strbuf *good)
{
	struct map_judge j = {
	    .h = h, .node = node, .st = IGP_CHECK_PASS, .bad = *bad, .good = *good, .rem = *rem};
	_cleanup_strv_free_ char **paths = NULL;
	int r;

	r = strv_split(e->path, ";", &paths);
	if (r >= 0)
		r = judge_map(&j, m, e, paths);
	*bad = j.bad;
	*good = j.good;
	*rem = j.rem;
	return r < 0 ? r : j.st == IGP_CHECK_PASS;
}

/* This node's entries of /etc/pve/mapping/pci.cfg that name the GPU (a
 * path in its slot: the whole device, the GPU or one of its VFs). */
int check_vm_proxmox_mapping(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "vm.proxmox_mapping";
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL;
	const struct igp_workloads *ws;
	struct map_judge j = {.h = c->h, .st = IGP_CHECK_PASS};
	int r;

	r = igp_host_workloads(c->h, &ws);
	if (r < 0)
		return r;
	if (!ws->pve)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "Not a Proxmox VE host (no %s).",
				 IGP_ETC_PVE_QEMU_SERVER);
	if (ws->mappings.n == 0)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "No cluster PCI mappings (%s).",
				 IGP_ETC_PVE_MAPPING_PCI);
	if (!ws->node)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "This node's name is unknown (no %s or %s).", IGP_ETC_PVE_LOCAL,
				 IGP_ETC_HOSTNAME);
	j.node = ws->node;
	for (size_t i = 0; r >= 0 && i < ws->mappings.n; i++) {
		const struct igp_pve_mapping *m = &ws->mappings.v[i];
		for (size_t k = 0; r >= 0 && k < m->n_maps; k++) {
			_cleanup_strv_free_ char **paths = NULL;
			bool names = false;
			if (!streq(m->maps[k].node, ws->node))
				continue;
			if ((r = strv_split(m->maps[k].path, ";", &paths)) < 0)
				break;
			for (size_t p = 0; paths[p]; p++) {
				struct igp_pci_addr a;
				bool slot;
				names |= igp_pve_pci_id_parse(paths[p], &a, &slot) == 0 &&
					 a.domain == gpu->addr.domain &&
					 igp_pci_addr_same_slot(&a, &gpu->addr);
			}
			if (names)
				r = judge_map(&j, m, &m->maps[k], paths);
		}
	}
	if (r >= 0) {
		r = -ENOMEM;
		s_bad = strbuf_steal(&j.bad);
		s_good = strbuf_steal(&j.good);
		s_rem = strbuf_steal(&j.rem);
	}
	if (!s_bad || !s_good || !s_rem)
		goto out;
	if (j.st != IGP_CHECK_PASS)
		r = check_add(c, id, gpu, j.st, TAKE_PTR(s_rem), "%s", s_bad);
	else if (*s_good)
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			      "The cluster PCI mappings of node %s match %s as it is now: %s.", ws->node,
			      gpu->address, s_good);
	else
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "No cluster PCI mapping names %s on node %s.",
			      gpu->address, ws->node);
out:
	strbuf_done(&j.bad);
	strbuf_done(&j.good);
	strbuf_done(&j.rem);
	return r;
}

/* ---- libvirt ---- */

/* The parent of a vGPU UUID (active or defined), or NULL. */
static const char *mdev_parent_of(const struct igp_mdev *v, size_t n, const char *uuid)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i].uuid, uuid) == 0)
			return v[i].parent;
	return NULL;
}

/* QEMU's bool property values (qapi/qobject-input-visitor.c: on/yes/true). */
static bool qemu_true(const char *v)
{
	return v && (streq(v, "on") || streq(v, "yes") || streq(v, "true"));
}

struct lv_judge {
	const struct igp_pci_dev *gpu;
	const struct igp_mdev *mdevs;
	size_t n_mdevs;
	bool gvt_target; /* the GPU is checked for GVT-g */
	enum igp_check_status st;
	struct strbuf bad, good, rem;
};

static void lv_bad(struct lv_judge *j, enum igp_check_status st)
{
	if (j->st < st)
		j->st = st;
	strbuf_sep(&j->bad, " ");
	strbuf_sep(&j->rem, " ");
}

/*
 * The <qemu:override> that sets PROP on the hostdev, as `igpuctl vm libvirt`
 * writes it (its <hostdev>s carry the user alias ua-igpuctlN, and QEMU's
 * device id is the alias).  A hostdev without a user alias gets one: the
 * "hostdevN" libvirt makes up is not stable across edits.
 */
static void remedy_override(struct lv_judge *j, const char *dname, const struct igp_libvirt_hostdev *h,
			    const char *prop, const char *type, const char *value)
{
	const char *alias = h->alias ? h->alias : "ua-igpuctl0";

	if (!h->alias)
		strbuf_printf(&j->rem, "Give the <hostdev> of %s <alias name='%s'/> and add",
			      h->uuid ? h->uuid : "the GPU", alias);
	else
		strbuf_puts(&j->rem, "Add");
	strbuf_printf(
	    &j->rem,
	    " <qemu:override><qemu:device alias='%s'><qemu:frontend><qemu:property name='%s' type='%s' "
	    "value='%s'/></qemu:frontend></qemu:device></qemu:override> to domain %s, with "
	    "xmlns:qemu='" IGP_LIBVIRT_QEMU_NS "' on <domain> (libvirt 8.2 or newer; `virsh edit %s`).",
	    alias, prop, type, value, dname, dname);
}

static void judge_pci_hostdev(struct lv_judge *j, const char *file, const char *dname,
			      const struct igp_libvirt_hostdev *h)
{
	const struct igp_pci_dev *gpu = j->gpu;

	if (!h->has_addr || igp_pci_addr_cmp(&h->addr, &gpu->addr) != 0)
		return;
	strbuf_sep(&j->good, "; ");
	strbuf_printf(&j->good, "%s (PCI %s)", dname, gpu->address);
	if (streq_ptr(h->managed, "no") && !streq_ptr(gpu->driver, "vfio-pci")) {
		lv_bad(j, IGP_CHECK_FAIL);
		strbuf_printf(
		    &j->bad,
		    "Domain %s passes %s with managed='no', but %s holds it: libvirt will not bind vfio-pci.",
		    dname, gpu->address, gpu->driver ? gpu->driver : "no driver");
		strbuf_printf(&j->rem,
			      "Use managed='yes' in %s, or `igpuctl bind %s --driver vfio-pci --persist`.",
			      file, gpu->address);
	}
}

/* The GVT-g guide's display needs, for a vGPU of the GPU shown by the domain. */
static void judge_vgpu_display(struct lv_judge *j, const char *dname, const struct igp_libvirt_domain *d,
			       const struct igp_libvirt_hostdev *h)
{
	bool cmdline;

	if (!d->graphics) {
		lv_bad(j, IGP_CHECK_FAIL);
		strbuf_printf(
		    &j->bad,
		    "Domain %s has display='on' on vGPU %s but no <graphics>: the display needs SPICE, "
		    "VNC or "
		    "egl-headless.",
		    dname, h->uuid);
		strbuf_printf(
		    &j->rem,
		    "Add <graphics type='spice'><listen type='none'/><gl enable='yes'/></graphics> and "
		    "<video><model type='none'/></video> (`virsh edit %s`), or set display='off'.",
		    dname);
		return;
	}
	if (!qemu_true(igp_libvirt_domain_prop(d, h->eff_alias, "x-igd-opregion", &cmdline))) {
		lv_bad(j, IGP_CHECK_WARN);
		strbuf_printf(
		    &j->bad,
		    "Domain %s shows vGPU %s's display without x-igd-opregion=on: the guest driver finds no "
		    "OpRegion and the DMA-BUF display stays dark.",
		    dname, h->uuid);
		remedy_override(j, dname, h, "x-igd-opregion", "bool", "true");
	}
	if (d->efi && !h->rom && !igp_libvirt_domain_prop(d, h->eff_alias, "romfile", &cmdline)) {
		lv_bad(j, IGP_CHECK_WARN);
		strbuf_printf(
		    &j->bad,
		    "Domain %s boots OVMF (UEFI) with a vGPU display but no option ROM: unmodified OVMF sets "
		    "up no IGD OpRegion, so the DMA-BUF display stays dark.",
		    dname);
		remedy_override(j, dname, h, "romfile", "string", "/vbios_gvt_uefi.rom");
	}
}

static void judge_mdev_hostdev(struct lv_judge *j, const char *dname, const struct igp_libvirt_domain *d,
			       const struct igp_libvirt_hostdev *h)
{
	const char *parent = mdev_parent_of(j->mdevs, j->n_mdevs, h->uuid), *drv;
	bool cmdline;

	/* A vGPU that exists nowhere is the problem of the GPU checked for GVT-g. */
	if (!parent && j->gvt_target) {
		lv_bad(j, IGP_CHECK_FAIL);
		strbuf_printf(&j->bad,
			      "Domain %s uses vGPU %s, which is neither active nor defined: it cannot start.",
			      dname, h->uuid);
		strbuf_printf(&j->rem, "`igpuctl vgpu create %s --type TYPE --uuid %s --auto`.",
			      j->gpu->address, h->uuid);
		return;
	}
	if (!streq_ptr(parent, j->gpu->address))
		return;
	strbuf_sep(&j->good, "; ");
	strbuf_printf(&j->good, "%s (vGPU %s, display %s)", dname, h->uuid, h->display ? h->display : "off");
	if (streq_ptr(h->display, "on"))
		judge_vgpu_display(j, dname, d, h);
	/* QEMU has ramfb only on vfio-pci-nohotplug; libvirt's ramfb='on'
	 * switches to it, a QEMU property alone does not. */
	drv = igp_libvirt_domain_prop(d, h->eff_alias, "driver", &cmdline);
	if (!streq_ptr(h->ramfb, "on") &&
	    qemu_true(igp_libvirt_domain_prop(d, h->eff_alias, "ramfb", &cmdline)) &&
	    !streq_ptr(drv, "vfio-pci-nohotplug")) {
		lv_bad(j, IGP_CHECK_FAIL);
		strbuf_printf(
		    &j->bad,
		    "Domain %s sets ramfb=on on vGPU %s without driver=vfio-pci-nohotplug: QEMU has "
		    "ramfb only "
		    "on the non-hotpluggable vfio-pci.",
		    dname, h->uuid);
		strbuf_printf(
		    &j->rem,
		    "Use ramfb='on' on the <hostdev> (libvirt 5.10 or newer) instead of the QEMU property.");
	}
}

/* Judge one domain: its hostdevs that are the GPU or a vGPU of it, and,
 * when it uses the GPU, the render nodes it draws on. */
static void judge_domain(struct lv_judge *j, const char *file, const struct igp_libvirt_domain *d)
{
	const char *dname = d->name ? d->name : file;
	size_t before = j->good.len;

	for (size_t i = 0; i < d->n_hostdevs; i++) {
		const struct igp_libvirt_hostdev *h = &d->hostdevs[i];
		if (streq_ptr(h->type, "pci"))
			judge_pci_hostdev(j, file, dname, h);
		else if (streq_ptr(h->type, "mdev") && h->uuid)
			judge_mdev_hostdev(j, dname, d, h);
	}
	if (j->good.len == before)
		return;
	for (size_t i = 0; d->rendernodes && d->rendernodes[i]; i++) {
		if (igp_exists(d->rendernodes[i]))
			continue;
		lv_bad(j, IGP_CHECK_FAIL);
		strbuf_printf(&j->bad, "Domain %s renders on %s, which does not exist.", dname,
			      d->rendernodes[i]);
		strbuf_printf(&j->rem, "Point rendernode at an existing node (%s).",
			      j->gpu->render_node ? j->gpu->render_node : IGP_DEV_DRI "/renderD128");
	}
}

int check_vm_libvirt(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "vm.libvirt";
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL, *vf_users = NULL;
	const struct igp_workloads *ws;
	struct igp_mdev *mdevs = NULL;
	size_t n_mdevs = 0;
	struct lv_judge j = {.gpu = gpu, .st = IGP_CHECK_PASS};
	int r;

	r = igp_host_workloads(c->h, &ws);
	if (r < 0)
		return r;
	if (!ws->libvirt)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "No libvirt domains (no %s).",
				 IGP_ETC_LIBVIRT_QEMU);
	if (ws->libvirt_skipped)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "libvirt domains not judged: %s.",
				 ws->libvirt_skipped);
	for (size_t t = 0; t < c->n_targets; t++)
		j.gvt_target |= c->targets[t].gpu == gpu && c->targets[t].mode == IGP_METHOD_GVTG;
	if (igp_mdev_list(IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED, &mdevs, &n_mdevs) < 0) {
		mdevs = NULL;
		n_mdevs = 0;
	}
	j.mdevs = mdevs;
	j.n_mdevs = n_mdevs;
	r = -ENOMEM;
	for (size_t i = 0; i < ws->n; i++)
		if (ws->v[i].kind == IGP_WORKLOAD_LIBVIRT)
			judge_domain(&j, ws->v[i].path, ws->v[i].domain);
	s_bad = strbuf_steal(&j.bad);
	s_good = strbuf_steal(&j.good);
	s_rem = strbuf_steal(&j.rem);
	if (!s_bad || !s_good || !s_rem)
		goto out;
	if (j.st != IGP_CHECK_PASS)
		r = check_add(c, id, gpu, j.st, TAKE_PTR(s_rem), "%s", s_bad);
	else if (*s_good)
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "libvirt domains using %s: %s.", gpu->address,
			      s_good);
	else if ((r = check_vf_users_text(c, gpu, "libvirt:", &vf_users)) < 0)
		goto out;
	else if (vf_users)
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			      "No libvirt domain uses %s itself; domains use its VFs: %s.", gpu->address,
			      vf_users);
	else
		r = check_add(
		    c, id, gpu, IGP_CHECK_PASS, NULL,
		    "No libvirt domain uses %s yet (`igpuctl vm libvirt %s --domain NAME` adds it).",
		    gpu->address, gpu->address);
out:
	strbuf_done(&j.bad);
	strbuf_done(&j.good);
	strbuf_done(&j.rem);
	igp_mdevs_free(mdevs, n_mdevs);
	return r;
}
