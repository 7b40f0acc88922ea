/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules of `igpuctl vm lint` (lint.h).  Each rule looks at the VM
 * (struct igp_vmspec, with its passed-through devices resolved on this
 * host in struct lint_dev) and adds exactly one finding under its id: fail
 * for what QEMU or the VM's manager refuses or what cannot work, warn for
 * what works only in part, skip when the rule does not apply, pass
 * otherwise.
 */
#include "base/paths.h"
#include "base/strbuf.h"
#include "checks/checks_int.h"
#include "checks/lint.h"
#include "model/platform.h"
#include "model/qemucaps.h"
#include "model/workloads.h"
#include "vm/igd.h"
#include "vgpu/mdev.h"
#include "vgpu/sriov.h"

/* A passed-through device as this host has it. */
struct lint_dev {
	const struct igp_vmspec_dev *d;
	struct igp_pci_dev **hosts; /* the host devices found (function 0 of a whole device) */
	bool *hslot;		    /* per host device: all its functions */
	size_t n_hosts;
	char **absent;		       /* host addresses (or the vGPU) this host does not have */
	const char *mdev_parent;       /* a vGPU's parent address */
	bool vgpu;		       /* a vGPU (by UUID, or Proxmox VE's mdev=TYPE) */
	bool igd;		       /* the Intel iGPU at 00:02.0, or a vGPU of it */
	const struct igp_pve_map *map; /* Proxmox VE mapping: this node's entry */
};

struct lint_ctx {
	struct check_ctx c; /* for check_add() */
	const struct igp_host *h;
	const struct igp_vmspec *vm;
	char *edit;			/* kind_edit() */
	const struct igp_workloads *ws; /* NULL when they could not be read */
	struct igp_mdev *mdevs;
	size_t n_mdevs;
	struct lint_dev *devs;
	size_t n_devs;
	/* The QEMU that runs the VM (model/qemucaps.h), NULL when unknown. */
	const struct igp_qemu_caps *qemu;
};

struct lint_rule {
	const char *id;
	int (*run)(struct lint_ctx *l, const char *id);
	const char *summary;
};

/* ---- helpers ---- */

/* Where the remedy is carried out: "with `qm set 100`". */
static char *kind_edit(const struct igp_vmspec *vm)
{
	switch (vm->kind) {
	case IGP_VMSPEC_PROXMOX:
		return strdupf("with `qm set %s`", vm->id);
	case IGP_VMSPEC_LIBVIRT:
		return strdupf("with `virsh edit %s`", vm->id);
	case IGP_VMSPEC_QEMU:
		break;
	}
	return strdup("on the QEMU command line");
}

/* "hostpci0 (0000:00:02.0)": how a finding names a device. */
static void dev_name(struct strbuf *b, const struct lint_dev *x)
{
	const struct igp_vmspec_dev *d = x->d;
	char buf[IGP_PCI_ADDR_MAX];

	strbuf_puts(b, d->where);
	if (d->uuid)
		strbuf_printf(b, " (vGPU %s)", d->uuid);
	else if (d->n_hosts)
		strbuf_printf(b, " (%s%s)", igp_pci_addr_format(&d->hosts[0], buf),
			      d->mdev_type ? ", a vGPU" : "");
	else if (d->mapping)
		strbuf_printf(b, " (mapping %s)", d->mapping);
}

static bool igd_options(const struct igp_vmspec_dev *d)
{
	return d->legacy == 1 || d->igd_lpc == 1 || d->igd_opregion == 1;
}

/* Add one finding from the strbufs a rule filled: bad (with its remedy),
 * else good, else the rule did not apply (skip, with why). */
static int finish(struct lint_ctx *l, const char *id, enum igp_check_status st, struct strbuf *bad,
		  struct strbuf *rem, struct strbuf *good, const char *skip_why)
{
	_cleanup_free_ char *sb = strbuf_steal(bad), *sr = strbuf_steal(rem), *sg = strbuf_steal(good);

	if (!sb || !sr || !sg)
		return -ENOMEM;
	if (*sb)
		return check_add(&l->c, id, NULL, st, TAKE_PTR(sr), "%s", sb);
	if (*sg)
		return check_add(&l->c, id, NULL, IGP_CHECK_PASS, NULL, "%s", sg);
	return check_add(&l->c, id, NULL, IGP_CHECK_SKIP, NULL, "%s", skip_why);
}

/* ---- resolving the devices on this host ---- */

static int host_push(struct lint_dev *x, struct igp_pci_dev *p, bool slot)
{
	struct igp_pci_dev **v;
	bool *s;

	if (!(v = realloc(x->hosts, (x->n_hosts + 1) * sizeof(*v))))
		return -ENOMEM;
	x->hosts = v;
	if (!(s = realloc(x->hslot, (x->n_hosts + 1) * sizeof(*s))))
		return -ENOMEM;
	x->hslot = s;
	v[x->n_hosts] = p;
	s[x->n_hosts++] = slot;
	return 0;
}

static int host_add(struct lint_ctx *l, struct lint_dev *x, const struct igp_pci_addr *a, bool slot)
{
	char buf[IGP_PCI_ADDR_MAX];
	struct igp_pci_dev *p;

	igp_pci_addr_format(a, buf);
	if (igp_host_find(l->h, buf, &p) < 0)
		return strv_push(&x->absent, buf);
	return host_push(x, p, slot);
}

static const struct igp_pve_map *node_map(const struct lint_ctx *l, const char *mapping)
{
	const struct igp_pve_mapping *m;

	if (!l->ws || !l->ws->node || !(m = igp_pve_mapping_find(&l->ws->mappings, mapping)))
		return NULL;
	for (size_t i = 0; i < m->n_maps; i++)
		if (streq(m->maps[i].node, l->ws->node))
			return &m->maps[i];
	return NULL;
}

static int resolve(struct lint_ctx *l, struct lint_dev *x)
{
	const struct igp_vmspec_dev *d = x->d;
	struct igp_pci_dev *p;
	int r;

	for (size_t i = 0; i < d->n_hosts; i++)
		if ((r = host_add(l, x, &d->hosts[i], d->slot[i])) < 0)
			return r;
	if (d->mapping && (x->map = node_map(l, d->mapping))) {
		_cleanup_strv_free_ char **paths = NULL;
		if ((r = strv_split(x->map->path, ";", &paths)) < 0)
			return r;
		for (size_t i = 0; paths[i]; i++) {
			struct igp_pci_addr a;
			bool slot;
			if (igp_pve_pci_id_parse(paths[i], &a, &slot) == 0 &&
			    (r = host_add(l, x, &a, slot)) < 0)
				return r;
		}
	}
	x->vgpu = d->uuid || d->mdev_type;
	if (d->uuid) {
		for (size_t i = 0; i < l->n_mdevs; i++)
			if (strcasecmp(l->mdevs[i].uuid, d->uuid) == 0)
				x->mdev_parent = l->mdevs[i].parent;
		if (!x->mdev_parent)
			return strv_push(&x->absent, d->uuid);
		if (igp_host_find(l->h, x->mdev_parent, &p) == 0 && (r = host_push(x, p, false)) < 0)
			return r;
	}
	x->igd = x->n_hosts && igp_pci_dev_is_intel_igpu(x->hosts[0]) && x->hosts[0]->addr.func == 0;
	return 0;
}

/* ---- the rules ---- */

/* The host device must exist; IGD options need an Intel GPU. */
static int rule_host_device(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		for (size_t k = 0; x->absent && x->absent[k]; k++) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s: %s is not on this host%s.", x->d->where, x->absent[k],
				      x->d->mapping ? " (from its mapping)" : "");
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem, "Point %s at a device `igpuctl list` shows%s.", x->d->where,
				      x->d->uuid ? " (or create the vGPU: `igpuctl vgpu create`)" : "");
		}
		if (x->n_hosts && igd_options(x->d) &&
		    (x->hosts[0]->vendor != 0x8086 || !igp_pci_dev_is_gpu(x->hosts[0]))) {
			/* hw/vfio/igd.c applies its quirks to Intel display
			 * devices only; x-igd-* on anything else is ignored,
			 * and legacy-igd=1 is refused by qemu-server. */
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad,
				      "%s: IGD options (legacy mode, x-igd-lpc, x-igd-opregion) on %s, "
				      "which is not an Intel GPU [%04x:%04x].",
				      x->d->where, x->hosts[0]->address, x->hosts[0]->vendor,
				      x->hosts[0]->device);
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem, "Drop the IGD options from %s %s.", x->d->where, l->edit);
		}
		for (size_t k = 0; k < x->n_hosts; k++) {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s: %s [%04x:%04x]", x->d->where, x->hosts[k]->address,
				      x->hosts[k]->vendor, x->hosts[k]->device);
			if (x->d->uuid)
				strbuf_printf(&good, ", the parent of vGPU %s", x->d->uuid);
		}
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, "No device is passed through.");
}

/* qemu-server's PVE::Mapping::PCI::assert_valid(): on the node that
 * starts the VM, the entry's path must exist and its id, iommugroup and
 * subsystem-id must match the device. */
static int rule_mapping(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};
	int r;

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		const char *m = x->d->mapping;
		if (!m)
			continue;
		if (!l->ws || !l->ws->node) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad,
				      "%s uses mapping %s, but this node's name is unknown (no %s link).",
				      x->d->where, m, IGP_ETC_PVE_LOCAL);
			strbuf_sep(&rem, " ");
			strbuf_puts(&rem, "Run this on a Proxmox VE node of the cluster.");
			continue;
		}
		if (!igp_pve_mapping_find(&l->ws->mappings, m) || !x->map) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s uses mapping %s, which %s.", x->d->where, m,
				      igp_pve_mapping_find(&l->ws->mappings, m)
					  ? "has no entry for this node"
					  : "is not defined in " IGP_ETC_PVE_MAPPING_PCI);
			strbuf_sep(&rem, " ");
			strbuf_printf(
			    &rem,
			    "Map this node (%s) in mapping %s: `igpuctl vm proxmox %s ADDR --mapping %s` "
			    "or Datacenter > Resource Mappings.",
			    l->ws->node, m, l->vm->id, m);
			continue;
		}
		/* What qemu-server checks when the VM starts: the same judge as
		 * check's vm.proxmox_mapping. */
		r = check_pve_map_judge(l->h, l->ws->node, igp_pve_mapping_find(&l->ws->mappings, m), x->map,
					&bad, &rem, &good);
		if (r < 0)
			return r;
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, "No device comes from a Proxmox VE mapping.");
}

/* A PF whose VFs are enabled cannot be passed through: its VFs hang off
 * the PF driver on the host (drivers/pci/iov.c), and vfio-pci would take
 * the PF from under them. */
static int rule_sriov_pf(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};
	int r;

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		if (x->vgpu)
			continue;
		for (size_t k = 0; k < x->n_hosts; k++) {
			_cleanup_sriov_ struct igp_sriov *s = NULL;
			r = igp_sriov_load(x->hosts[k]->address, &s);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				continue;
			if (s->numvfs <= 0) {
				strbuf_sep(&good, "; ");
				strbuf_printf(&good, "%s: %s has no VFs enabled", x->d->where, s->pf);
				continue;
			}
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s passes %s, the PF of %ld enabled SR-IOV VFs.", x->d->where,
				      s->pf, s->numvfs);
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem,
				      "Pass one of its VFs (`igpuctl vfs %s` lists them), or disable them "
				      "(`igpuctl vfs %s --count 0`).",
				      s->pf, s->pf);
		}
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good,
		      "No SR-IOV capable device is passed through whole.");
}

static bool workload_is_self(const struct lint_ctx *l, const struct igp_workload *w)
{
	const struct igp_vmspec *vm = l->vm;

	if (!vm->id)
		return false;
	if (vm->kind == IGP_VMSPEC_PROXMOX)
		return w->kind == IGP_WORKLOAD_PVE_VM && streq(w->id, vm->id);
	if (vm->kind == IGP_VMSPEC_LIBVIRT)
		return w->kind == IGP_WORKLOAD_LIBVIRT &&
		       (streq(w->id, vm->id) || (w->domain && streq_ptr(w->domain->name, vm->id)));
	return false;
}

static const char *workload_kind(const struct igp_workload *w)
{
	switch (w->kind) {
	case IGP_WORKLOAD_PVE_VM:
		return "Proxmox VE VM";
	case IGP_WORKLOAD_PVE_CT:
		return "Proxmox VE CT";
	case IGP_WORKLOAD_LXC:
		return "LXC container";
	case IGP_WORKLOAD_LIBVIRT:
		break;
	}
	return "libvirt domain";
}

/* Does another workload's use take what x passes? */
static bool use_conflicts(const struct lint_dev *x, const struct igp_device_use *u)
{
	switch (u->kind) {
	case IGP_USE_MDEV:
		return x->d->uuid && strcasecmp(x->d->uuid, u->uuid) == 0;
	case IGP_USE_DRI:
		/* A vGPU leaves the host its render node. */
		if (x->vgpu)
			return false;
		for (size_t k = 0; k < x->n_hosts; k++)
			if (igp_device_use_names(u, x->hosts[k]))
				return true;
		return false;
	case IGP_USE_PCI:
		/* Two vGPUs of one parent (Proxmox VE makes one per VM) share nothing. */
		if (x->vgpu && u->mdev_type)
			return false;
		if (x->d->uuid)
			return false;
		for (size_t k = 0; k < x->n_hosts; k++) {
			const struct igp_pci_dev *p = x->hosts[k];
			if (u->addr.domain == p->addr.domain && igp_pci_addr_same_slot(&u->addr, &p->addr) &&
			    (u->slot || x->hslot[k] || u->addr.func == p->addr.func))
				return true;
		}
		break;
	}
	return false;
}

/* One device in two guests: only one of them can have it at a time
 * (vfio-pci binds it for the first VM that starts). */
static int rule_shared(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};

	if (!l->ws)
		return check_add(&l->c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "The host's VMs and containers could not be read.");
	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		struct strbuf who = {0};
		for (size_t w = 0; w < l->ws->n; w++) {
			const struct igp_workload *o = &l->ws->v[w];
			if (!o->local || workload_is_self(l, o))
				continue;
			for (size_t k = 0; k < o->n_uses; k++)
				if (use_conflicts(x, &o->uses[k])) {
					strbuf_wordf(&who, ", ", "%s %s (%s)", workload_kind(o), o->id,
						     o->uses[k].key);
					break;
				}
		}
		if (who.len) {
			strbuf_sep(&bad, " ");
			dev_name(&bad, x);
			strbuf_printf(&bad, " is also given to %s.", strbuf_str(&who));
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem,
				      "Only one of them can run with %s at a time: give each guest its own "
				      "device (an SR-IOV VF or a vGPU each), or keep the others stopped.",
				      x->d->where);
		} else if (x->n_hosts || x->d->uuid) {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s", x->d->where);
		}
		strbuf_done(&who);
	}
	if (good.len)
		strbuf_puts(&good, ": no other VM or container uses it.");
	return finish(l, id, IGP_CHECK_WARN, &bad, &rem, &good, "No device of this host is passed through.");
}

static bool at_02(const struct igp_vmspec_dev *d)
{
	return d->has_guest && d->guest.slot == 2 && d->guest.func == 0;
}

/* One slot, one device: QEMU refuses a second device at 00:02.0
 * (hw/pci/pci.c do_pci_register_device: "slot 2 function 0 not available"). */
static int rule_guest_address(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0}, who = {0};
	unsigned n = 0;

	if (l->vm->vga_at_02) {
		strbuf_printf(&who, "the emulated VGA (%s)", l->vm->vga);
		n++;
	}
	for (size_t i = 0; i < l->n_devs; i++)
		if (at_02(l->devs[i].d)) {
			strbuf_sep(&who, ", ");
			dev_name(&who, &l->devs[i]);
			n++;
		}
	if (n > 1) {
		strbuf_printf(&bad, "Two devices at guest address 00:02.0: %s.", strbuf_str(&who));
		strbuf_printf(&rem, "Keep one device at 00:02.0: %s.",
			      l->vm->vga_at_02 ? "no emulated VGA with a device there (vga none)"
					       : "move the others to another slot");
	} else if (n == 1) {
		strbuf_printf(&good, "Only %s is at guest address 00:02.0.", strbuf_str(&who));
	} else {
		strbuf_puts(&good, "Nothing is at guest address 00:02.0.");
	}
	strbuf_done(&who);
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, "");
}

/* x-igd-lpc makes QEMU put an ISA bridge with the host's IDs at 00:1f.0,
 * where q35 has its ICH9 LPC: "Cannot create LPC bridge due to existing
 * device at 1f.0" (hw/vfio/igd.c, vfio_pci_igd_setup_lpc_bridge()), and the
 * VM does not start. */
static int rule_igd_lpc(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};
	/* A versioned name ("pc-q35-8.1") is worth showing. */
	bool named = l->vm->machine_str && !streq(l->vm->machine_str, "q35");

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		if (x->d->igd_lpc != 1)
			continue;
		if (l->vm->machine == IGP_MACHINE_Q35) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad,
				      "%s has x-igd-lpc=on on the q35 machine%s%s%s: QEMU cannot put its LPC "
				      "bridge at 00:1f.0, where q35 has one, and the VM does not start.",
				      x->d->where, named ? " (" : "", named ? l->vm->machine_str : "",
				      named ? ")" : "");
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem, "Drop x-igd-lpc from %s %s, or use the i440fx machine.",
				      x->d->where, l->edit);
		} else {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s has x-igd-lpc=on on %s", x->d->where,
				      l->vm->machine_str ? l->vm->machine_str : "i440fx");
		}
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, "No device has x-igd-lpc=on.");
}

/*
 * IGD legacy mode (hw/vfio/igd.c, vfio_pci_igd_config_quirk(); QEMU's
 * docs/igd-assign.txt) needs the i440fx machine ("pc_piix"), the device at
 * guest 00:02.0, no other VGA (the IGD takes the VGA ranges) and a VGA
 * BIOS: with rombar=0 only a romfile brings one (hw/pci/pci.c,
 * pci_add_option_rom() loads it through fw_cfg).  qemu-server refuses
 * legacy-igd on q35 and with a VGA other than none.
 */
static int rule_legacy(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};
	const struct igp_vmspec *vm = l->vm;

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct igp_vmspec_dev *d = l->devs[i].d;
		size_t before = bad.len;
		if (d->legacy != 1)
			continue;
		if (vm->machine != IGP_MACHINE_I440FX) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s: legacy mode needs the i440fx machine, not %s.", d->where,
				      vm->machine_str ? vm->machine_str : "this one");
			strbuf_sep(&rem, " ");
			strbuf_puts(
			    &rem, "Use the i440fx machine (pc) for legacy mode, or drop legacy mode (UPT).");
		}
		if (!at_02(d)) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s: legacy mode needs the device at guest address 00:02.0%s.",
				      d->where, d->has_guest ? "" : " (none is given)");
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem, "Put %s at 00:02.0 of the root bus (addr=02.0).", d->where);
		}
		if (vm->vga) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s: legacy mode makes the IGD the only VGA, but the VM has %s.",
				      d->where, vm->vga);
			strbuf_sep(&rem, " ");
			strbuf_puts(&rem, vm->kind == IGP_VMSPEC_PROXMOX ? "Set vga: none."
					  : vm->kind == IGP_VMSPEC_LIBVIRT
					      ? "Use <video><model type='none'/></video>."
					      : "Add -vga none.");
		}
		if (d->rombar == 0 && !d->romfile) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad,
				      "%s: legacy mode runs the VGA BIOS, but rombar is off and no romfile "
				      "is given.",
				      d->where);
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem, "Turn the ROM BAR on for %s, or give it a romfile.", d->where);
		}
		if (bad.len == before) {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s: legacy mode on i440fx at 00:02.0, no other VGA", d->where);
		}
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, "No device is in IGD legacy mode.");
}

/* OVMF sets up no IGD OpRegion or stolen memory by itself: without an
 * option ROM with IgdAssignmentDxe the guest shows no picture before its
 * driver loads (QEMU docs/igd-assign.txt, "UEFI support"). */
static int rule_uefi_romfile(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};
	bool igd = false;

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		if (!x->igd)
			continue;
		igd = true;
		if (!l->vm->uefi)
			continue;
		if (x->d->romfile) {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s has romfile %s", x->d->where, x->d->romfile);
			continue;
		}
		strbuf_sep(&bad, " ");
		strbuf_printf(
		    &bad,
		    "%s passes the IGD without an option ROM to a guest that boots OVMF (UEFI): OVMF "
		    "sets up no IGD OpRegion, so the screen stays dark until the guest driver loads.",
		    x->d->where);
		strbuf_sep(&rem, " ");
		strbuf_printf(&rem,
			      "Give %s a romfile built with IgdAssignmentDxe %s (e.g. "
			      "/usr/share/kvm/igd.rom).",
			      x->d->where, l->edit);
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_WARN, &bad, &rem, &good,
		      !igd ? "The VM has no IGD (00:02.0 or a vGPU of it)."
			   : "The VM boots SeaBIOS, not OVMF.");
}

/* display=on hands the vGPU's framebuffer to QEMU's display: with none
 * (-display none, no SPICE/VNC/egl-headless) nothing shows it. */
static int rule_vgpu_display(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct igp_vmspec_dev *d = l->devs[i].d;
		if (d->display != 1)
			continue;
		if (l->vm->display) {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s has display=on, shown on the VM's display", d->where);
			continue;
		}
		strbuf_sep(&bad, " ");
		strbuf_printf(&bad, "%s has display=on, but the VM has no display to show it.", d->where);
		strbuf_sep(&rem, " ");
		strbuf_puts(&rem,
			    l->vm->kind == IGP_VMSPEC_LIBVIRT
				? "Add <graphics type='spice'> with <gl enable='yes'/>, VNC or egl-headless "
				  "(`igpuctl vm libvirt UUID --display spice-egl` shows one), or set "
				  "display='off'."
				: "Give QEMU a display (-display gtk,gl=on, or egl-headless with -vnc), or "
				  "set display=off.");
	}
	if (good.len)
		strbuf_puts(&good, ".");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, "No vGPU has display=on.");
}

/* ---- the installed QEMU ---- */

/* QEMU exits on a property it does not know ("Property 'vfio-pci.x-igd-lpc'
 * not found") and on a machine type it lacks. */
static int rule_qemu_props(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};
	_cleanup_free_ char *qn = NULL;
	const char *m = l->vm->machine_str;

	if (!l->qemu || !l->qemu->version)
		return check_add(&l->c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "No QEMU was found to ask (give --qemu PATH).");
	if (!(qn = igp_qemu_caps_name(l->qemu)))
		return -ENOMEM;
	if (m) {
		/* "q35,viommu=virtio", Proxmox VE's "pc-q35-8.1+pve0". */
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(m, ",+"), m);
		if (igp_qemu_has_machine(l->qemu, name) == 0) {
			strbuf_printf(&bad, "%s has no machine type %s, so the VM does not start.", qn, name);
			strbuf_printf(&rem, "Use a machine type that `%s -machine help` lists.",
				      l->qemu->path);
		}
	}
	for (size_t i = 0; i < l->n_devs; i++) {
		const struct igp_vmspec_dev *d = l->devs[i].d;
		enum igp_qemu_driver drv = d->nohotplug ? IGP_QEMU_VFIO_PCI_NOHOTPLUG : IGP_QEMU_VFIO_PCI;
		for (size_t k = 0; d->props && d->props[k]; k++) {
			const char *p = d->props[k];
			/* id= and bus= belong to every device, not to vfio-pci. */
			if (streq(p, "id") || streq(p, "bus") || igp_qemu_has_prop(l->qemu, drv, p) != 0)
				continue;
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s: %s has no %s property %s, so the VM does not start.",
				      d->where, qn, igp_qemu_driver_name(drv), p);
			strbuf_sep(&rem, " ");
			strbuf_printf(&rem, "Remove %s from %s, or upgrade QEMU.", p, d->where);
		}
	}
	strbuf_printf(&good, "%s has every property and the machine type the VM sets.", qn);
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good, NULL);
}

/* The generation limits of QEMU's IGD support and of legacy mode
 * (vm/igd.h decides the same for the configurations vm writes). */
static int rule_qemu_igd(struct lint_ctx *l, const char *id)
{
	struct strbuf bad = {0}, rem = {0}, good = {0};

	for (size_t i = 0; i < l->n_devs; i++) {
		const struct lint_dev *x = &l->devs[i];
		const struct igp_platform *p;
		_cleanup_free_ char *why = NULL;
		int r;

		if (!x->igd || x->vgpu || x->n_hosts == 0)
			continue;
		p = igp_platform_lookup(x->hosts[0]->device);
		if (!p || !p->gen)
			continue;
		r = igp_igd_qemu_supports(l->qemu, p, &why);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			strbuf_sep(&bad, " ");
			strbuf_printf(&bad, "%s: %s.", x->d->where, why);
			strbuf_sep(&rem, " ");
			strbuf_puts(&rem, "Upgrade QEMU (on Proxmox VE: pve-qemu-kvm).");
		} else if (x->d->legacy == 1 && strtod(p->gen, NULL) > 9.5 && !l->vm->uefi) {
			strbuf_sep(&bad, " ");
			strbuf_printf(
			    &bad,
			    "%s: legacy mode needs a Gen 6 to 9 iGPU; Intel ships no legacy VBIOS for "
			    "%s (Gen %s).",
			    x->d->where, p->name, p->gen);
			strbuf_sep(&rem, " ");
			strbuf_puts(&rem, "Drop legacy mode (UPT), or boot OVMF with an EFI option ROM.");
		} else {
			strbuf_sep(&good, "; ");
			strbuf_printf(&good, "%s: %s (Gen %s)", x->d->where, p->name, p->gen);
		}
	}
	if (good.len)
		strbuf_puts(&good, l->qemu && l->qemu->version ? " works with the installed QEMU."
							       : " (no QEMU found to ask).");
	return finish(l, id, IGP_CHECK_FAIL, &bad, &rem, &good,
		      "No Intel iGPU is passed through whole (a vGPU or a VF needs no IGD support).");
}

/* The order is the output's order. */
static const struct lint_rule rules[] = {
    {"lint.host_device", rule_host_device,
     "each passed-through device exists here; IGD options only on an Intel GPU"},
    {"lint.mapping", rule_mapping, "a Proxmox VE mapping matches this node's device"},
    {"lint.sriov_pf", rule_sriov_pf, "no PF with enabled SR-IOV VFs is passed through"},
    {"lint.shared", rule_shared, "no device (or VF, vGPU) is also given to another VM or container"},
    {"lint.guest_address", rule_guest_address, "at most one device at guest 00:02.0"},
    {"lint.igd_lpc", rule_igd_lpc, "no x-igd-lpc on q35 (QEMU refuses to start)"},
    {"lint.legacy_igd", rule_legacy, "IGD legacy mode: i440fx, guest 00:02.0, no other VGA, a ROM"},
    {"lint.uefi_romfile", rule_uefi_romfile, "an OVMF guest with the IGD has an option ROM"},
    {"lint.vgpu_display", rule_vgpu_display, "a vGPU with display=on has a display to show it"},
    {"lint.qemu_props", rule_qemu_props,
     "the installed QEMU has every property and the machine type the VM sets"},
    {"lint.qemu_igd", rule_qemu_igd, "the installed QEMU can assign the iGPU's generation in the VM's mode"},
};

const struct igp_check_info *igp_vm_lint_infos(void)
{
	static struct igp_check_info infos[ELEMENTSOF(rules) + 1];

	for (size_t i = 0; i < ELEMENTSOF(rules); i++)
		infos[i] = (struct igp_check_info){rules[i].id, 0, rules[i].summary};
	return infos;
}

int igp_vm_lint(const struct igp_host *h, const struct igp_vmspec *vm, const char *qemu_path,
		struct igp_check_report *ret)
{
	struct igp_check_report rep = {0};
	struct lint_ctx l = {.h = h, .vm = vm};
	int r = 0;

	l.c.h = h;
	l.c.rep = &rep;
	if (!(l.edit = kind_edit(vm)))
		return -ENOMEM;
	r = igp_host_qemu_caps(h, qemu_path, &l.qemu);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		l.qemu = NULL;
	r = 0;
	if (igp_host_workloads(h, &l.ws) < 0)
		l.ws = NULL;
	if (igp_mdev_list(IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED, &l.mdevs, &l.n_mdevs) < 0) {
		l.mdevs = NULL;
		l.n_mdevs = 0;
	}
	l.devs = calloc(vm->n_devs + 1, sizeof(*l.devs));
	if (!l.devs)
		r = -ENOMEM;
	for (size_t i = 0; r >= 0 && i < vm->n_devs; i++) {
		l.devs[i].d = &vm->devs[i];
		l.n_devs++;
		r = resolve(&l, &l.devs[i]);
	}
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(rules); i++)
		r = rules[i].run(&l, rules[i].id);
	for (size_t i = 0; i < l.n_devs; i++) {
		free(l.devs[i].hosts);
		free(l.devs[i].hslot);
		strv_free(l.devs[i].absent);
	}
	free(l.devs);
	free(l.edit);
	igp_mdevs_free(l.mdevs, l.n_mdevs);
	if (r < 0) {
		igp_check_report_done(&rep);
		return r;
	}
	*ret = rep;
	return 0;
}
