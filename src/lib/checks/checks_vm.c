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

/*
 * libvirt writes its domain XML itself (virsh edit reformats it), so a
 * small tag scanner is enough here; the libxml2 half of igpuctl is a module
 * that only `vm libvirt` loads.  tag_find() returns the next "<NAME" start
 * tag in [p, end) (not "<NAMEx"), and tag_attr() an attribute of the tag at
 * p, quoted with ' or " (caller frees; entities are not decoded, libvirt
 * writes none in the attributes read here).
 */
static const char *tag_find(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (; p && p < end; p++) {
		p = memchr(p, '<', (size_t)(end - p));
		if (!p)
			return NULL;
		if ((size_t)(end - p) > n + 1 && strncmp(p + 1, name, n) == 0 &&
		    (p[n + 1] == ' ' || p[n + 1] == '>' || p[n + 1] == '/' || p[n + 1] == '\t' ||
		     p[n + 1] == '\n'))
			return p;
	}
	return NULL;
}

static char *tag_attr(const char *tag, const char *end, const char *name)
{
	const char *close = memchr(tag, '>', (size_t)(end - tag));
	size_t n = strlen(name);

	if (!close)
		return NULL;
	for (const char *p = tag + 1; p + n + 2 < close; p++) {
		if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && strncmp(p, name, n) == 0 &&
		    p[n] == '=' && (p[n + 1] == '\'' || p[n + 1] == '"')) {
			const char *v = p + n + 2, *q = memchr(v, p[n + 1], (size_t)(close - v));
			return q ? strndup(v, (size_t)(q - v)) : NULL;
		}
	}
	return NULL;
}

/* The end of the element that starts at TAG ("</NAME>", or the tag itself when it is empty). */
static const char *elem_end(const char *tag, const char *end, const char *name)
{
	const char *close = memchr(tag, '>', (size_t)(end - tag));
	_cleanup_free_ char *etag = strdupf("</%s>", name);
	const char *e;

	if (!close || !etag)
		return end;
	if (close[-1] == '/')
		return close + 1;
	e = strstr(close, etag);
	return e && e < end ? e + strlen(etag) : end;
}

/* The text of the first <NAME>text</NAME> in [p, end), or NULL. */
static char *elem_text(const char *p, const char *end, const char *name)
{
	const char *t = tag_find(p, end, name), *close, *e;

	if (!t || !(close = memchr(t, '>', (size_t)(end - t))) || close[-1] == '/')
		return NULL;
	e = memchr(close, '<', (size_t)(end - close));
	return e ? strndup(close + 1, (size_t)(e - close - 1)) : NULL;
}

/* Any <qemu:arg value='...'> that contains TEXT. */
static bool qemu_arg_has(const char *doc, const char *end, const char *text)
{
	for (const char *t = tag_find(doc, end, "qemu:arg"); t; t = tag_find(t + 1, end, "qemu:arg")) {
		_cleanup_free_ char *v = tag_attr(t, end, "value");
		if (v && strstr(v, text))
			return true;
	}
	return false;
}

/* The parent of a vGPU UUID (active or defined), or NULL. */
static const char *mdev_parent_of(const struct igp_mdev *v, size_t n, const char *uuid)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i].uuid, uuid) == 0)
			return v[i].parent;
	return NULL;
}

static unsigned long hexattr(const char *tag, const char *end, const char *name)
{
	_cleanup_free_ char *v = tag_attr(tag, end, name);
	return v ? strtoul(v, NULL, 0) : 0;
}

/* Judge one domain; appends to bad/rem/good.  Returns the worst status. */
static enum igp_check_status judge_domain(const char *file, const char *doc, const struct igp_pci_dev *gpu,
					  const struct igp_mdev *mdevs, size_t n_mdevs, bool gvt_target,
					  struct sbuf *bad, struct sbuf *rem, struct sbuf *good)
{
	enum igp_check_status st = IGP_CHECK_PASS;
	const char *end = doc + strlen(doc), *os;
	_cleanup_free_ char *name = elem_text(doc, end, "name"), *fw = NULL, *loader = NULL;
	bool efi, graphics = tag_find(doc, end, "graphics") != NULL;
	const char *dname = name ? name : file;

	os = tag_find(doc, end, "os");
	fw = os ? tag_attr(os, end, "firmware") : NULL;
	loader = os ? elem_text(os, elem_end(os, end, "os"), "loader") : NULL;
	efi = streq_ptr(fw, "efi") || (loader && strstr(loader, "OVMF"));

	for (const char *h = tag_find(doc, end, "hostdev"); h; h = tag_find(h + 1, end, "hostdev")) {
		const char *hend = elem_end(h, end, "hostdev"), *src, *a;
		_cleanup_free_ char *type = tag_attr(h, end, "type"), *managed = tag_attr(h, end, "managed"),
				    *display = tag_attr(h, end, "display"), *uuid = NULL;
		const char *parent;

		src = tag_find(h, hend, "source");
		a = src ? tag_find(src, hend, "address") : NULL;
		if (!a)
			continue;
		if (streq_ptr(type, "pci")) {
			if (hexattr(a, hend, "domain") != gpu->addr.domain ||
			    hexattr(a, hend, "bus") != gpu->addr.bus ||
			    hexattr(a, hend, "slot") != gpu->addr.slot ||
			    hexattr(a, hend, "function") != gpu->addr.func)
				continue;
			sb_sep(good, "; ");
			fprintf(good->f, "%s (PCI %s)", dname, gpu->address);
			if (streq_ptr(managed, "no") && !streq_ptr(gpu->driver, "vfio-pci")) {
				st = IGP_CHECK_FAIL;
				sb_sep(bad, " ");
				fprintf(bad->f,
					"Domain %s passes %s with managed='no', but %s holds it: libvirt "
					"will not "
					"bind vfio-pci.",
					dname, gpu->address, gpu->driver ? gpu->driver : "no driver");
				sb_sep(rem, " ");
				fprintf(rem->f,
					"Use managed='yes' in %s, or `igpuctl bind %s --driver vfio-pci "
					"--persist`.",
					file, gpu->address);
			}
			continue;
		}
		if (!streq_ptr(type, "mdev") || !(uuid = tag_attr(a, hend, "uuid")))
			continue;
		parent = mdev_parent_of(mdevs, n_mdevs, uuid);
		/* A vGPU that exists nowhere is the problem of the GPU checked
		 * for GVT-g. */
		if (!parent && gvt_target) {
			st = IGP_CHECK_FAIL;
			sb_sep(bad, " ");
			fprintf(
			    bad->f,
			    "Domain %s uses vGPU %s, which is neither active nor defined: it cannot start.",
			    dname, uuid);
			sb_sep(rem, " ");
			fprintf(rem->f, "`igpuctl vgpu create %s --type TYPE --uuid %s --auto`.",
				gpu->address, uuid);
			continue;
		}
		if (!streq_ptr(parent, gpu->address))
			continue;
		sb_sep(good, "; ");
		fprintf(good->f, "%s (vGPU %s, display %s)", dname, uuid, display ? display : "off");
		if (streq_ptr(display, "on") && !graphics) {
			st = IGP_CHECK_FAIL;
			sb_sep(bad, " ");
			fprintf(bad->f,
				"Domain %s has display='on' on vGPU %s but no <graphics>: the display needs "
				"SPICE, VNC or egl-headless.",
				dname, uuid);
			sb_sep(rem, " ");
			fprintf(
			    rem->f,
			    "Add <graphics type='spice'><listen type='none'/><gl enable='yes'/></graphics> "
			    "and <video><model type='none'/></video> (`virsh edit %s`), or set "
			    "display='off'.",
			    dname);
		}
		if (streq_ptr(display, "on") && graphics && !qemu_arg_has(doc, end, "x-igd-opregion=on")) {
			if (st < IGP_CHECK_WARN)
				st = IGP_CHECK_WARN;
			sb_sep(bad, " ");
			fprintf(
			    bad->f,
			    "Domain %s shows vGPU %s's display without x-igd-opregion=on: the guest driver "
			    "finds no OpRegion and the DMA-BUF display stays dark.",
			    dname, uuid);
			sb_sep(rem, " ");
			fprintf(rem->f,
				"Add xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0' to <domain> and "
				"<qemu:commandline><qemu:arg value='-set'/><qemu:arg "
				"value='device.hostdev0.x-igd-opregion=on'/></qemu:commandline> (the GVT-g "
				"guide's "
				"DMA-BUF display).");
		}
		if (streq_ptr(display, "on") && efi && !tag_find(h, hend, "rom") &&
		    !qemu_arg_has(doc, end, "romfile=")) {
			if (st < IGP_CHECK_WARN)
				st = IGP_CHECK_WARN;
			sb_sep(bad, " ");
			fprintf(
			    bad->f,
			    "Domain %s boots OVMF (UEFI) with a vGPU display but no option ROM: unmodified "
			    "OVMF sets up no IGD OpRegion, so the DMA-BUF display stays dark.",
			    dname);
			sb_sep(rem, " ");
			fprintf(rem->f,
				"Give the vGPU an OpRegion ROM: <qemu:arg value='-set'/><qemu:arg "
				"value='device.hostdev0.romfile=/vbios_gvt_uefi.rom'/> (the GVT-g guide).");
		}
		if (qemu_arg_has(doc, end, "ramfb=on") &&
		    !qemu_arg_has(doc, end, "driver=vfio-pci-nohotplug")) {
			st = IGP_CHECK_FAIL;
			sb_sep(bad, " ");
			fprintf(bad->f,
				"Domain %s sets ramfb=on on the vGPU without driver=vfio-pci-nohotplug: QEMU "
				"has ramfb only on the non-hotpluggable vfio-pci.",
				dname);
			sb_sep(rem, " ");
			fprintf(
			    rem->f,
			    "Add <qemu:arg value='-set'/><qemu:arg "
			    "value='device.hostdev0.driver=vfio-pci-nohotplug'/>, or use ramfb='on' on the "
			    "<hostdev>.");
		}
		for (const char *g = tag_find(doc, end, "gl"); g; g = tag_find(g + 1, end, "gl")) {
			_cleanup_free_ char *node = tag_attr(g, end, "rendernode");
			if (node && !igp_exists(node)) {
				st = IGP_CHECK_FAIL;
				sb_sep(bad, " ");
				fprintf(bad->f, "Domain %s renders on %s, which does not exist.", dname,
					node);
				sb_sep(rem, " ");
				fprintf(rem->f, "Point rendernode at an existing node (%s).",
					gpu->render_node ? gpu->render_node : IGP_DEV_DRI "/renderD128");
			}
		}
	}
	return st;
}

int check_vm_libvirt(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "vm.libvirt";
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *s_bad = NULL, *s_good = NULL, *s_rem = NULL;
	struct igp_mdev *mdevs = NULL;
	size_t n_mdevs = 0;
	struct sbuf bad = {}, good = {}, rem = {};
	enum igp_check_status st = IGP_CHECK_PASS;
	bool gvt = false;
	int r = -ENOMEM;

	if (!igp_is_dir(IGP_ETC_LIBVIRT_QEMU))
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "No libvirt domains (no %s).",
				 IGP_ETC_LIBVIRT_QEMU);
	for (size_t t = 0; t < c->n_targets; t++)
		gvt |= c->targets[t].gpu == gpu && c->targets[t].mode == IGP_METHOD_GVTG;
	if (igp_list_dir(IGP_ETC_LIBVIRT_QEMU, &names) < 0)
		names = NULL;
	if (igp_mdev_list(IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED, &mdevs, &n_mdevs) < 0) {
		mdevs = NULL;
		n_mdevs = 0;
	}
	if (sb_init(&bad) < 0 || sb_init(&good) < 0 || sb_init(&rem) < 0)
		goto out;
	for (char **n = names; n && *n; n++) {
		_cleanup_free_ char *p = NULL, *text = NULL;
		enum igp_check_status s;

		if (!endswith(*n, ".xml"))
			continue;
		p = igp_path_join(IGP_ETC_LIBVIRT_QEMU, *n);
		if (!p)
			goto out;
		if (igp_read_file(p, &text, NULL) < 0)
			continue;
		s = judge_domain(p, text, gpu, mdevs, n_mdevs, gvt, &bad, &rem, &good);
		if (s > st)
			st = s;
	}
	s_bad = sb_done(&bad);
	s_good = sb_done(&good);
	s_rem = sb_done(&rem);
	if (!s_bad || !s_good || !s_rem)
		goto out;
	if (st != IGP_CHECK_PASS)
		r = check_add(c, id, gpu, st, TAKE_PTR(s_rem), "%s", s_bad);
	else if (*s_good)
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "libvirt domains using %s: %s.", gpu->address,
			      s_good);
	else
		r = check_add(
		    c, id, gpu, IGP_CHECK_PASS, NULL,
		    "No libvirt domain uses %s yet (`igpuctl vm libvirt %s --domain NAME` adds it).",
		    gpu->address, gpu->address);
out:
	sb_drop(&bad);
	sb_drop(&good);
	sb_drop(&rem);
	igp_mdevs_free(mdevs, n_mdevs);
	return r;
}
