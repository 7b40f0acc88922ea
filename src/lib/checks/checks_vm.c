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
#include "checks/checks_int.h"
#include "vgpu/mdev.h"
#include "vm/libvirt_module.h"
#include "vm/proxmox.h"
#include "vm/pveconf.h"

struct sbuf {
	char *s;
	size_t len;
	FILE *f;
};

static int sb_init(struct sbuf *b)
{
	*b = (struct sbuf){};
	b->f = open_memstream(&b->s, &b->len);
	return b->f ? 0 : -ENOMEM;
}

static void sb_sep(struct sbuf *b, const char *sep)
{
	if (ftell(b->f) > 0)
		fputs(sep, b->f);
}

static char *sb_done(struct sbuf *b)
{
	if (!b->f)
		return NULL;
	if (fclose(b->f) != 0) {
		free(b->s);
		b->s = NULL;
	}
	b->f = NULL;
	return b->s;
}

/* Drop a buffer that was not taken (error paths). */
static void sb_drop(struct sbuf *b)
{
	if (b->f) {
		fclose(b->f);
		free(b->s);
	}
	*b = (struct sbuf){};
}

/* ---- Proxmox VE ---- */

/* The addresses a hostpci entry passes on this node: its host= ids, or the
 * path of this node's entries of its mapping (pci.cfg maps each node
 * separately; another node's entry does not apply here). */
static bool pve_names(const struct igp_pve_hostpci *h, const struct igp_pve_mappings *maps, const char *node,
		      const struct igp_pci_dev *gpu)
{
	const struct igp_pve_mapping *m;

	for (size_t i = 0; h->hosts && h->hosts[i]; i++) {
		struct igp_pci_addr a;
		bool slot;
		if (igp_pve_pci_id_parse(h->hosts[i], &a, &slot) == 0 && a.domain == gpu->addr.domain &&
		    igp_pci_addr_same_slot(&a, &gpu->addr) && (slot || a.func == gpu->addr.func))
			return true;
	}
	if (!h->mapping || !node || !(m = igp_pve_mapping_find(maps, h->mapping)))
		return false;
	for (size_t i = 0; i < m->n_maps; i++) {
		_cleanup_strv_free_ char **paths = NULL;
		if (!streq(m->maps[i].node, node) || strv_split(m->maps[i].path, ";", &paths) < 0)
			continue;
		for (char **p = paths; *p; p++) {
			struct igp_pci_addr a;
			bool slot;
			if (igp_pve_pci_id_parse(*p, &a, &slot) == 0 && a.domain == gpu->addr.domain &&
			    igp_pci_addr_same_slot(&a, &gpu->addr) && (slot || a.func == gpu->addr.func))
				return true;
		}
	}
	return false;
}

struct pve_judge {
	const struct igp_pci_dev *gpu;
	const struct igp_mdev_parent *par; /* the GPU's vGPU types, NULL without GVT-g */
	const struct igp_pve_mappings *maps;
	const char *node; /* this node's name, NULL when unknown */
	enum igp_check_status st;
	struct sbuf bad, good, rem;
};

/* Judge hostpciN of VM vmid when it passes the GPU. */
static void judge_hostpci(struct pve_judge *j, const char *vmid, const struct igp_pve_conf *conf,
			  const char *key, const char *value)
{
	const char *machine = igp_pve_conf_get(conf, "machine"), *vga = igp_pve_conf_get(conf, "vga");
	bool q35 = machine && strstr(machine, "q35");
	struct igp_pve_hostpci h;

	if (igp_pve_hostpci_parse(value, &h) < 0)
		return;
	if (!pve_names(&h, j->maps, j->node, j->gpu))
		goto out;
	sb_sep(&j->good, "; ");
	fprintf(j->good.f, "VM %s %s: %s on %s", vmid, key, value, machine ? machine : "i440fx");
	if (h.pcie == 1 && !q35) {
		j->st = IGP_CHECK_FAIL;
		sb_sep(&j->bad, " ");
		fprintf(j->bad.f, "VM %s: %s has pcie=1, which needs machine q35 (it has %s).", vmid, key,
			machine ? machine : "the default i440fx");
		sb_sep(&j->rem, " ");
		fprintf(j->rem.f, "`qm set %s -machine q35` (or drop pcie=1).", vmid);
	}
	if (h.legacy_igd == 1 && (q35 || !streq_ptr(vga, "none"))) {
		j->st = IGP_CHECK_FAIL;
		sb_sep(&j->bad, " ");
		fprintf(j->bad.f,
			"VM %s: legacy-igd=1 needs the i440fx machine and vga: none (it has %s, vga %s).",
			vmid, machine ? machine : "i440fx", vga ? vga : "default");
		sb_sep(&j->rem, " ");
		fprintf(j->rem.f, "`qm set %s -vga none` and an i440fx machine, or drop legacy-igd=1.", vmid);
	}
	if (h.mdev) {
		bool offered = false;
		for (size_t t = 0; j->par && t < j->par->n_types; t++)
			offered |=
			    streq(j->par->types[t].id, h.mdev) || streq_ptr(j->par->types[t].name, h.mdev);
		if (!offered) {
			j->st = IGP_CHECK_FAIL;
			sb_sep(&j->bad, " ");
			fprintf(j->bad.f, "VM %s: %s asks for vGPU type %s, which %s does not offer%s.", vmid,
				key, h.mdev, j->gpu->address,
				j->gpu->mdev_parent ? "" : " (GVT-g is not active)");
			sb_sep(&j->rem, " ");
			fprintf(j->rem.f,
				"Use a type `igpuctl vgpu types` lists (`qm set %s -%s %s,mdev=TYPE`).", vmid,
				key, j->gpu->address);
		}
	}
out:
	igp_pve_hostpci_done(&h);
}

/* Judge the current configuration of one VM (snapshots are not what it uses). */
static void judge_pve_vm(struct pve_judge *j, const char *vmid, const char *text)
{
	struct igp_pve_conf conf;
	const struct igp_pve_section *cur;

	if (igp_pve_conf_parse(text, false, &conf) < 0)
		return;
	cur = &conf.sections[0];
	for (size_t i = 0; i < cur->n_kv; i++) {
		unsigned n;
		char tail;
		if (sscanf(cur->kv[i].key, "hostpci%u%c", &n, &tail) == 1 && n < IGP_PVE_MAX_HOSTPCI)
			judge_hostpci(j, vmid, &conf, cur->kv[i].key, cur->kv[i].value);
	}
	igp_pve_conf_done(&conf);
}

int check_vm_proxmox(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "vm.proxmox";
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL, *maptext = NULL, *node = NULL;
	struct pve_judge j = {.gpu = gpu, .st = IGP_CHECK_PASS};
	struct igp_pve_mappings maps = {0};
	struct igp_mdev_parent *parents = NULL;
	size_t n_parents = 0;
	int r = -ENOMEM;

	if (!igp_is_dir(IGP_ETC_PVE_QEMU_SERVER))
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "Not a Proxmox VE host (no %s).",
				 IGP_ETC_PVE_QEMU_SERVER);
	if (igp_list_dir(IGP_ETC_PVE_QEMU_SERVER, &names) < 0)
		names = NULL;
	if (gpu->mdev_parent && igp_mdev_parents_load(&parents, &n_parents) >= 0)
		j.par = igp_mdev_parent_find(parents, n_parents, gpu->address);
	if (igp_read_file(IGP_ETC_PVE_MAPPING_PCI, &maptext, NULL) >= 0 &&
	    igp_pve_mappings_parse(maptext, &maps) < 0)
		goto out;
	j.maps = &maps;
	if (igp_pve_node_name(&node) >= 0)
		j.node = node;
	if (sb_init(&j.bad) < 0 || sb_init(&j.good) < 0 || sb_init(&j.rem) < 0)
		goto out;
	for (char **n = names; n && *n; n++) {
		_cleanup_free_ char *p = NULL, *text = NULL, *vmid = NULL;

		if (!endswith(*n, ".conf"))
			continue;
		vmid = strndup(*n, strlen(*n) - 5);
		p = igp_path_join(IGP_ETC_PVE_QEMU_SERVER, *n);
		if (!vmid || !p)
			goto out;
		if (igp_read_file(p, &text, NULL) >= 0)
			judge_pve_vm(&j, vmid, text);
	}
	s_bad = sb_done(&j.bad);
	s_good = sb_done(&j.good);
	s_rem = sb_done(&j.rem);
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
	sb_drop(&j.bad);
	sb_drop(&j.good);
	sb_drop(&j.rem);
	igp_pve_mappings_done(&maps);
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
	struct sbuf bad, good, rem;
};

static void lv_bad(struct lv_judge *j, enum igp_check_status st)
{
	if (j->st < st)
		j->st = st;
	sb_sep(&j->bad, " ");
	sb_sep(&j->rem, " ");
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
		fprintf(j->rem.f, "Give the <hostdev> of %s <alias name='%s'/> and add",
			h->uuid ? h->uuid : "the GPU", alias);
	else
		fputs("Add", j->rem.f);
	fprintf(j->rem.f,
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
	sb_sep(&j->good, "; ");
	fprintf(j->good.f, "%s (PCI %s)", dname, gpu->address);
	if (streq_ptr(h->managed, "no") && !streq_ptr(gpu->driver, "vfio-pci")) {
		lv_bad(j, IGP_CHECK_FAIL);
		fprintf(
		    j->bad.f,
		    "Domain %s passes %s with managed='no', but %s holds it: libvirt will not bind vfio-pci.",
		    dname, gpu->address, gpu->driver ? gpu->driver : "no driver");
		fprintf(j->rem.f,
			"Use managed='yes' in %s, or `igpuctl bind %s --driver vfio-pci --persist`.", file,
			gpu->address);
	}
}

/* The GVT-g guide's display needs, for a vGPU of the GPU shown by the domain. */
static void judge_vgpu_display(struct lv_judge *j, const char *dname, const struct igp_libvirt_domain *d,
			       const struct igp_libvirt_hostdev *h)
{
	bool cmdline;

	if (!d->graphics) {
		lv_bad(j, IGP_CHECK_FAIL);
		fprintf(j->bad.f,
			"Domain %s has display='on' on vGPU %s but no <graphics>: the display needs SPICE, "
			"VNC or "
			"egl-headless.",
			dname, h->uuid);
		fprintf(j->rem.f,
			"Add <graphics type='spice'><listen type='none'/><gl enable='yes'/></graphics> and "
			"<video><model type='none'/></video> (`virsh edit %s`), or set display='off'.",
			dname);
		return;
	}
	if (!qemu_true(igp_libvirt_domain_prop(d, h->eff_alias, "x-igd-opregion", &cmdline))) {
		lv_bad(j, IGP_CHECK_WARN);
		fprintf(
		    j->bad.f,
		    "Domain %s shows vGPU %s's display without x-igd-opregion=on: the guest driver finds no "
		    "OpRegion and the DMA-BUF display stays dark.",
		    dname, h->uuid);
		remedy_override(j, dname, h, "x-igd-opregion", "bool", "true");
	}
	if (d->efi && !h->rom && !igp_libvirt_domain_prop(d, h->eff_alias, "romfile", &cmdline)) {
		lv_bad(j, IGP_CHECK_WARN);
		fprintf(
		    j->bad.f,
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
		fprintf(j->bad.f,
			"Domain %s uses vGPU %s, which is neither active nor defined: it cannot start.",
			dname, h->uuid);
		fprintf(j->rem.f, "`igpuctl vgpu create %s --type TYPE --uuid %s --auto`.", j->gpu->address,
			h->uuid);
		return;
	}
	if (!streq_ptr(parent, j->gpu->address))
		return;
	sb_sep(&j->good, "; ");
	fprintf(j->good.f, "%s (vGPU %s, display %s)", dname, h->uuid, h->display ? h->display : "off");
	if (streq_ptr(h->display, "on"))
		judge_vgpu_display(j, dname, d, h);
	/* QEMU has ramfb only on vfio-pci-nohotplug; libvirt's ramfb='on'
	 * switches to it, a QEMU property alone does not. */
	drv = igp_libvirt_domain_prop(d, h->eff_alias, "driver", &cmdline);
	if (!streq_ptr(h->ramfb, "on") &&
	    qemu_true(igp_libvirt_domain_prop(d, h->eff_alias, "ramfb", &cmdline)) &&
	    !streq_ptr(drv, "vfio-pci-nohotplug")) {
		lv_bad(j, IGP_CHECK_FAIL);
		fprintf(j->bad.f,
			"Domain %s sets ramfb=on on vGPU %s without driver=vfio-pci-nohotplug: QEMU has "
			"ramfb only "
			"on the non-hotpluggable vfio-pci.",
			dname, h->uuid);
		fprintf(
		    j->rem.f,
		    "Use ramfb='on' on the <hostdev> (libvirt 5.10 or newer) instead of the QEMU property.");
	}
}

/* Judge one domain: its hostdevs that are the GPU or a vGPU of it, and,
 * when it uses the GPU, the render nodes it draws on. */
static void judge_domain(struct lv_judge *j, const char *file, const struct igp_libvirt_domain *d)
{
	const char *dname = d->name ? d->name : file;
	long before = ftell(j->good.f);

	for (size_t i = 0; i < d->n_hostdevs; i++) {
		const struct igp_libvirt_hostdev *h = &d->hostdevs[i];
		if (streq_ptr(h->type, "pci"))
			judge_pci_hostdev(j, file, dname, h);
		else if (streq_ptr(h->type, "mdev") && h->uuid)
			judge_mdev_hostdev(j, dname, d, h);
	}
	if (ftell(j->good.f) == before)
		return;
	for (size_t i = 0; d->rendernodes && d->rendernodes[i]; i++) {
		if (igp_exists(d->rendernodes[i]))
			continue;
		lv_bad(j, IGP_CHECK_FAIL);
		fprintf(j->bad.f, "Domain %s renders on %s, which does not exist.", dname, d->rendernodes[i]);
		fprintf(j->rem.f, "Point rendernode at an existing node (%s).",
			j->gpu->render_node ? j->gpu->render_node : IGP_DEV_DRI "/renderD128");
	}
}

int check_vm_libvirt(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "vm.libvirt";
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL;
	struct igp_mdev *mdevs = NULL;
	size_t n_mdevs = 0;
	struct lv_judge j = {.gpu = gpu, .st = IGP_CHECK_PASS};
	int r = -ENOMEM;

	if (!igp_is_dir(IGP_ETC_LIBVIRT_QEMU))
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "No libvirt domains (no %s).",
				 IGP_ETC_LIBVIRT_QEMU);
	for (size_t t = 0; t < c->n_targets; t++)
		j.gvt_target |= c->targets[t].gpu == gpu && c->targets[t].mode == IGP_METHOD_GVTG;
	if (igp_list_dir(IGP_ETC_LIBVIRT_QEMU, &names) < 0)
		names = NULL;
	if (igp_mdev_list(IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED, &mdevs, &n_mdevs) < 0) {
		mdevs = NULL;
		n_mdevs = 0;
	}
	j.mdevs = mdevs;
	j.n_mdevs = n_mdevs;
	if (sb_init(&j.bad) < 0 || sb_init(&j.good) < 0 || sb_init(&j.rem) < 0)
		goto out;
	for (char **n = names; n && *n; n++) {
		_cleanup_free_ char *p = NULL, *text = NULL;
		struct igp_libvirt_domain *d = NULL;

		if (!endswith(*n, ".xml"))
			continue;
		p = igp_path_join(IGP_ETC_LIBVIRT_QEMU, *n);
		if (!p)
			goto out;
		if (igp_read_file(p, &text, NULL) < 0)
			continue;
		r = igp_libvirt_domain_read(text, &d);
		if (r == -ELIBACC) {
			/* The domains are judged through libxml2, in the module. */
			r = check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "libvirt domains not judged: %s.",
				      igp_libvirt_module_error());
			goto out;
		}
		if (r == -ENOMEM)
			goto out;
		if (r < 0)
			continue;
		judge_domain(&j, p, d);
		igp_libvirt_domain_free(d);
	}
	r = -ENOMEM;
	s_bad = sb_done(&j.bad);
	s_good = sb_done(&j.good);
	s_rem = sb_done(&j.rem);
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
	sb_drop(&j.bad);
	sb_drop(&j.good);
	sb_drop(&j.rem);
	igp_mdevs_free(mdevs, n_mdevs);
	return r;
}
