/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Full passthrough (vfio-pci, "GVT-d"): driver, vfio-pci ids=, framebuffer, boot VGA, isolation, ACS
 * override. */
#include <inttypes.h>

#include "checks/checks_int.h"
#include "model/isolation.h"
#include "model/platform.h"
#include "model/qemucaps.h"
#include "vm/igd.h"
#include "base/strbuf.h"
#include "base/paths.h"

static bool same_ids_elsewhere(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	for (size_t i = 0; i < c->h->n_devs; i++) {
		const struct igp_pci_dev *d = c->h->devs[i];
		if (d != gpu && d->vendor == gpu->vendor && d->device == gpu->device)
			return true;
	}
	return false;
}

int check_full_driver(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.driver";

	if (streq_ptr(gpu->driver, "vfio-pci"))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s is bound to vfio-pci.", gpu->address);
	if (!gpu->driver)
		return check_add(
		    c, id, gpu, IGP_CHECK_PASS, NULL,
		    "No driver holds %s; vfio-pci takes it when the VM starts (Proxmox VE and libvirt "
		    "bind it then).",
		    gpu->address);
	/* ids= binds every device with that ID: only offer it when the ID is
	 * unique on this host (drivers/vfio/pci/vfio_pci.c, vfio_pci_fill_ids():
	 * each entry is a pci_add_dynid() for vendor:device). */
	if (same_ids_elsewhere(c, gpu))
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdupf("Bind it to vfio-pci by address: `igpuctl bind %s --driver vfio-pci "
			    "--persist` (not ids=%04x:%04x: other devices share that ID).",
			    gpu->address, gpu->vendor, gpu->device),
		    "%s holds %s; the host uses it until the VM starts, and %s may not let go of it "
		    "cleanly then.",
		    gpu->driver, gpu->address, gpu->driver);
	/* ids= of every function in the slot: a GPU's HDMI audio goes along. */
	{
		char ids[128] = "";
		for (size_t i = 0; i < c->h->n_devs; i++) {
			const struct igp_pci_dev *d = c->h->devs[i];
			char one[16];
			if (!igp_pci_addr_same_slot(&d->addr, &gpu->addr) || d->physfn)
				continue;
			snprintf(one, sizeof(one), "%04x:%04x", d->vendor, d->device);
			if (!strstr(ids, one) && strlen(ids) + strlen(one) + 2 < sizeof(ids)) {
				if (*ids)
					strcat(ids, ",");
				strcat(ids, one);
			}
		}
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdupf("Bind it to vfio-pci at boot: `igpuctl bind %s --driver vfio-pci --persist`, or "
			    "put `options vfio-pci ids=%s` and `softdep %s pre: vfio-pci` into "
			    "%s and run `%s`.",
			    gpu->address, ids, gpu->driver, IGP_ETC_MODPROBE_D_IGPUCTL, initramfs_command(c)),
		    "%s holds %s; the host uses it until the VM starts, and %s may not let go of it "
		    "cleanly then.",
		    gpu->driver, gpu->address, gpu->driver);
	}
}

/* Every "vvvv:dddd[:svvv:sddd]" of vfio-pci ids= in modprobe.d and on the
 * running and configured command lines, each with where it was found. */
static int collect_vfio_ids(struct check_ctx *c, char ***ret_ids, char ***ret_where)
{
	_cleanup_strv_free_ char **ids = NULL, **where = NULL;
	const struct igp_modprobe_entry *opt_e = NULL;
	_cleanup_free_ char *opt = ctx_modprobe_option(c, "vfio_pci", "ids", IGP_MODPROBE_FILES_ONLY, &opt_e);
	const struct boot_info *b = ctx_boot(c);
	const char *v;
	struct {
		const char *value, *where;
	} src[3] = {{opt, opt ? opt_e->where : NULL}};
	size_t n = 1;
	char buf[512];

	v = ctx_running_param(c, "vfio_pci.ids", buf, sizeof(buf));
	if (v) {
		src[n].value = v;
		src[n++].where = "the kernel command line";
	}
	if (b->configured && tokens_get(b->configured, "vfio_pci.ids", &v) > 0 &&
	    !(src[1].value && streq(src[1].value, v))) {
		src[n].value = v;
		src[n++].where = "the configured kernel command line";
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_strv_free_ char **items = NULL;
		if (!src[i].value || strv_split(src[i].value, ",", &items) < 0)
			continue;
		for (char **it = items; *it; it++)
			if (strv_push(&ids, *it) < 0 || strv_push(&where, src[i].where) < 0)
				return -ENOMEM;
	}
	*ret_ids = TAKE_PTR(ids);
	*ret_where = TAKE_PTR(where);
	return 0;
}

static bool id_matches(const char *spec, const struct igp_pci_dev *d)
{
	unsigned v, dv, sv = 0xffffffff, sd = 0xffffffff;
	int n = sscanf(spec, "%x:%x:%x:%x", &v, &dv, &sv, &sd);

	if (n < 2)
		return false;
	/* PCI_ANY_ID (ffffffff) matches everything, as in vfio_pci_core. */
	return (v == 0xffffffff || v == d->vendor) && (dv == 0xffffffff || dv == d->device) &&
	       (n < 3 || sv == 0xffffffff || sv == d->subsys_vendor) &&
	       (n < 4 || sd == 0xffffffff || sd == d->subsys_device);
}

int check_full_vfio_ids(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.vfio_ids";
	_cleanup_strv_free_ char **ids = NULL, **where = NULL;
	_cleanup_strbuf_ struct strbuf extra = {}, mine = {};
	bool critical = false;
	int r;

	r = collect_vfio_ids(c, &ids, &where);
	if (r < 0)
		return r;
	if (!ids || !ids[0])
		return check_add(
		    c, id, gpu, IGP_CHECK_PASS, NULL,
		    "No vfio-pci ids= is configured (a binding by address cannot catch other devices).");
	for (size_t i = 0; ids[i]; i++) {
		bool hit_target = false;
		for (size_t k = 0; k < c->h->n_devs; k++) {
			const struct igp_pci_dev *d = c->h->devs[k];
			if (!id_matches(ids[i], d))
				continue;
			/* The GPU and its own functions (HDMI audio) are meant. */
			if (d == gpu || igp_pci_addr_same_slot(&d->addr, &gpu->addr) ||
			    (d->physfn && streq(d->physfn, gpu->address))) {
				hit_target = true;
				continue;
			}
			critical |= d->roles != 0;
			strbuf_wordf(&extra, "; ", "%s (ids=%s in %s%s%s)", d->address, ids[i], where[i],
				     d->role_detail ? ", holds " : "", d->role_detail ? d->role_detail : "");
		}
		if (hit_target)
			strbuf_word(&mine, ",", ids[i]);
	}
	if (extra.oom || mine.oom)
		return -ENOMEM;
	if (!strbuf_empty(&extra))
		return check_add(
		    c, id, gpu, critical ? IGP_CHECK_FAIL : IGP_CHECK_WARN,
		    strdupf("Bind by address instead (`igpuctl bind %s --driver vfio-pci --persist`, "
			    "driver_override) and take those IDs out of ids=.",
			    gpu->address),
		    "vfio-pci ids= also grabs devices other than %s: %s.", gpu->address, strbuf_str(&extra));
	if (!strbuf_empty(&mine))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "vfio-pci ids=%s matches only %s and its functions.", strbuf_str(&mine),
				 gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
			 "vfio-pci ids= (%s, %s) matches no device on this host.", ids[0], where[0]);
}

/* BAR i of a device: [start, end] from its sysfs `resource` file. */
static int read_bars(const struct igp_pci_dev *d, uint64_t start[6], uint64_t end[6])
{
	_cleanup_free_ char *text = NULL;
	const char *l;
	int i = 0, r;

	r = igp_read_filef(&text, NULL, "%s/resource", d->sysfs_path);
	if (r < 0)
		return r;
	for (l = text; l && *l && i < 6; i++) {
		unsigned long long s = 0, e = 0;
		if (sscanf(l, "%llx %llx", &s, &e) != 2)
			s = e = 0;
		start[i] = s;
		end[i] = e;
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	for (; i < 6; i++)
		start[i] = end[i] = 0;
	return 0;
}

int check_full_framebuffer(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.framebuffer";
	_cleanup_free_ char *iomem = NULL, *name = NULL;
	uint64_t start[6], end[6];
	char buf[64];
	bool off = ctx_running_param(c, "initcall_blacklist", buf, sizeof(buf)) && strstr(buf, "sysfb_init");
	int r;

	if (read_bars(gpu, start, end) < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "Cannot read the memory ranges (BARs) of %s.", gpu->address);
	if (igp_read_file(IGP_PROC_IOMEM, &iomem, NULL) < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL, "Cannot read %s.", IGP_PROC_IOMEM);
	for (int i = 0; i < 6; i++) {
		if (end[i] <= start[i])
			continue;
		r = igp_iomem_framebuffer(iomem, start[i], end[i], &name);
		if (r == -EACCES)
			return check_add(
			    c, id, gpu, IGP_CHECK_SKIP, NULL,
			    "%s shows no addresses (it does only for root): run igpuctl as root.",
			    IGP_PROC_IOMEM);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		return check_add(c, id, gpu, IGP_CHECK_FAIL,
				 remedy_cmdline(c,
						ctx_kernel_at_least(c, 5, 15)
						    ? "initcall_blacklist=sysfb_init"
						    : "video=efifb:off video=vesafb:off",
						NULL, IGP_METHOD_FULL),
				 "The firmware framebuffer (%s) holds memory in BAR%d of %s: QEMU fails with "
				 "\"Failed to mmap ... BAR\" and the guest gets no display.",
				 name, i, gpu->address);
	}
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "No firmware framebuffer holds memory of %s%s.",
			 gpu->address, off ? " (initcall_blacklist=sysfb_init is set)" : "");
}

/* The VFs live only while the PF's driver keeps SR-IOV enabled
 * (drivers/pci/iov.c, sriov_numvfs): while they exist the PF stays with its
 * driver on the host, and only the VFs can go to VMs. */
int check_full_vfs(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.vfs";

	if (gpu->physfn)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "%s is an SR-IOV virtual function of %s: it goes to a VM by itself.",
				 gpu->address, gpu->physfn);
	if (gpu->sriov_numvfs > 0)
		return check_add(c, id, gpu, IGP_CHECK_FAIL,
				 strdupf("Set the VF count to 0 (igpuctl vfs %s --count 0) to pass the whole "
					 "device, or pass one of its virtual functions instead.",
					 gpu->address),
				 "%s has %d SR-IOV virtual functions enabled: the device cannot go to a VM "
				 "while they exist.",
				 gpu->address, gpu->sriov_numvfs);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s has no SR-IOV virtual functions enabled.",
			 gpu->address);
}

/* QEMU takes Intel iGPUs it does not know for Gen 8 (before 9.2), and
 * knows Gen 12.5 and newer only from 10.1 on: the rule vm/igd.h applies
 * when it writes the VM's configuration. */
int check_full_qemu(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.qemu";
	const struct igp_platform *p = gpu->vendor == 0x8086 ? igp_platform_lookup(gpu->device) : NULL;
	const struct igp_qemu_caps *q;
	_cleanup_free_ char *why = NULL;
	int r;

	if (!p || !igp_pci_dev_is_intel_igpu(gpu))
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "%s is no Intel iGPU: QEMU's IGD support does not apply.", gpu->address);
	r = igp_host_qemu_caps(c->h, NULL, &q);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !q->version)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "No QEMU is installed: which %s generation it can assign is not known.",
				 p->name);
	r = igp_igd_qemu_supports(q, p, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return check_add(c, id, gpu, IGP_CHECK_FAIL,
				 strdup("Upgrade QEMU (on Proxmox VE: pve-qemu-kvm with the newer release)."),
				 "%s.", why);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "QEMU %s (%s) can assign %s (Gen %s).", q->version,
			 q->source, p->name, p->gen);
}

int check_full_boot_vga(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.boot_vga";

	if (gpu->boot_vga == 1)
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdup("Plan for a headless host (SSH, the web interface, a serial or IPMI "
			   "console), or make another GPU the primary display in the firmware "
			   "setup."),
		    "%s is the boot display: once it is passed through, the host console (firmware "
		    "and kernel output) goes dark.",
		    gpu->address);
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "%s is not the boot display%s.", gpu->address,
			 gpu->boot_vga < 0 ? " (a display controller without VGA; the console is elsewhere)"
					   : "");
}

int check_full_isolation(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.isolation";
	struct igp_isolation_report iso;
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *peers = NULL;
	char buf[64];
	int r;

	/* The device itself may be one the host needs (check ADDR of any device). */
	if (gpu->roles & (IGP_ROLE_MOUNTED_STORAGE | IGP_ROLE_DEFAULT_NIC))
		return check_add(c, id, gpu, IGP_CHECK_FAIL,
				 strdupf("Do not pass %s through: the host would lose it.", gpu->address),
				 "%s itself is needed by the host (%s).", gpu->address,
				 gpu->role_detail ? gpu->role_detail : "a mounted disk or the default route");
	r = igp_isolation_judge(c->h, gpu, &iso);
	if (r < 0)
		return r;
	for (size_t i = 0; i < iso.n_peers; i++) {
		const struct igp_pci_dev *d = iso.peers[i].dev;
		if (iso.verdict != IGP_ISO_ISOLATED && iso.peers[i].kind == IGP_PEER_BRIDGE)
			continue;
		strbuf_wordf(&b, ", ", "%s (%s%s%s)", d->address, igp_peer_kind_name(iso.peers[i].kind),
			     d->role_detail ? ": " : "", d->role_detail ? d->role_detail : "");
	}
	peers = strbuf_steal(&b);
	if (!peers) {
		igp_isolation_report_done(&iso);
		return -ENOMEM;
	}
	switch (iso.verdict) {
	case IGP_ISO_NO_IOMMU:
		if (!c->h->iommu_active)
			r = check_add(c, id, gpu, IGP_CHECK_FAIL,
				      strdup("Turn the IOMMU on first (see iommu.enabled)."),
				      "%s has no IOMMU group: no IOMMU is active.", gpu->address);
		else if (ctx_running_param(c, "intel_iommu", buf, sizeof(buf)) && strstr(buf, "igfx_off"))
			r = check_add(
			    c, id, gpu, IGP_CHECK_FAIL,
			    remedy_cmdline(c, "intel_iommu=on", NULL, IGP_METHOD_FULL),
			    "The IOMMU is active, but %s has no IOMMU group: intel_iommu=%s leaves graphics "
			    "devices out of translation.",
			    gpu->address, buf);
		else
			r = check_add(
			    c, id, gpu, IGP_CHECK_FAIL,
			    igp_pci_dev_is_intel_igpu(gpu)
				? remedy_cmdline(c, "intel_iommu=on", NULL, IGP_METHOD_FULL)
				: strdup("Look at `dmesg | grep -i -e DMAR -e IOMMU` for why the kernel "
					 "left it out of the IOMMU."),
			    "The IOMMU is active, but %s has no IOMMU group: the kernel left it out of "
			    "translation%s.",
			    gpu->address,
			    igp_pci_dev_is_intel_igpu(gpu)
				? " (Debian's kernels do so for the integrated GPU unless booted with "
				  "intel_iommu=on)"
				: "");
		break;
	case IGP_ISO_ISOLATED:
		r = check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "IOMMU group %d holds %s%s%s.", iso.group,
			      gpu->address, *peers ? " with only " : " alone", peers);
		break;
	case IGP_ISO_SHARED:
		r = check_add(
		    c, id, gpu, IGP_CHECK_WARN,
		    strdupf("Pass every endpoint of group %d to the same VM, or move the card to a slot "
			    "with its own group; pcie_acs_override splits groups only on patched "
			    "kernels and weakens isolation.",
			    iso.group),
		    "IOMMU group %d also holds %s: they go to the VM together with %s.", iso.group, peers,
		    gpu->address);
		break;
	case IGP_ISO_UNSAFE:
		r = check_add(
		    c, id, gpu, IGP_CHECK_FAIL,
		    strdupf("Do not pass %s through as things are: the host would lose those devices. "
			    "Move the GPU or the other device to a slot with its own IOMMU group, or "
			    "look for an ACS option in the firmware setup.",
			    gpu->address),
		    "IOMMU group %d also holds devices the host needs: %s.", iso.group, peers);
		break;
	}
	igp_isolation_report_done(&iso);
	return r;
}

int check_full_acs_override(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "full.acs_override", *log;
	const struct boot_info *b = ctx_boot(c);
	const char *cv = NULL;
	char buf[128];
	const char *v = ctx_running_param(c, "pcie_acs_override", buf, sizeof(buf));
	bool cfg = b->configured && tokens_get(b->configured, "pcie_acs_override", &cv) > 0;

	log = ctx_dmesg(c, NULL);
	if (v || (log && strstr(log, "PCIe ACS overrides enabled")))
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN, remedy_cmdline(c, NULL, "pcie_acs_override", -1),
		    "pcie_acs_override%s%s is active: IOMMU groups are split by assumption, not by the "
		    "hardware, so devices in \"separate\" groups may still reach each other with "
		    "peer-to-peer DMA. Keep it only knowingly.",
		    v ? "=" : "", v ? v : "");
	if (cfg) {
		/* Named where it is (GRUB_CMDLINE_LINUX or _DEFAULT). */
		_cleanup_free_ char *where = tokens_where(b, "pcie_acs_override");
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN, remedy_cmdline(c, NULL, "pcie_acs_override", -1),
		    "pcie_acs_override=%s is configured in %s (active after the next boot, on kernels "
		    "that have the patch): it weakens isolation. Keep it only knowingly.",
		    cv, where ? where : b->where);
	}
	return check_add(c, id, gpu, IGP_CHECK_PASS, NULL, "pcie_acs_override is not in use.");
}
