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
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL;
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
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL;
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
