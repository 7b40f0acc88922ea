/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdarg.h>

#include "vm/guest_int.h"
#include "base/paths.h"
#include "base/util.h"
#include "model/modules.h"
#include "model/sysinfo.h"

IGP_ENUM_IMPL(
    igp_guest_verdict, enum igp_guest_verdict,
    IGP_GUEST_RENDER_GROUP + 1, [IGP_GUEST_OK] = "ok", [IGP_GUEST_NO_GPU] = "no-gpu",
    [IGP_GUEST_NO_DRIVER] = "no-driver", [IGP_GUEST_NO_RENDER_NODE] = "no-render-node",
    [IGP_GUEST_RENDER_UNUSABLE] = "render-node-unusable", [IGP_GUEST_VF_DRIVER] = "vf-driver",
    [IGP_GUEST_NOT_A_DEVICE] = "render-node-not-device", [IGP_GUEST_RENDER_GROUP] = "render-node-group");

IGP_ENUM_IMPL(igp_guest_vf_driver, enum igp_guest_vf_driver,
	      IGP_GUEST_VF_OTHER + 1, [IGP_GUEST_VF_NONE] = "none", [IGP_GUEST_VF_CAPABLE] = "vf-capable",
	      [IGP_GUEST_VF_STOCK_I915] = "stock-i915", [IGP_GUEST_VF_OTHER] = "other");

/* Display devices hypervisors emulate (pci.ids); anything else in a guest
 * was passed through (a full device, a VF, or a vGPU, which shows the IDs
 * of its parent). */
static const struct {
	uint16_t vendor, device;
	const char *name;
} emulated[] = {
    {0x1234, 0x1111, "QEMU standard VGA"},
    {0x1af4, 0x1050, "virtio-gpu"},
    {0x1b36, 0x0100, "QXL"},
    {0x1013, 0x00b8, "Cirrus VGA"},
    {0x15ad, 0x0405, "VMware SVGA II"},
    {0x80ee, 0xbeef, "VirtualBox VGA"},
    {0x1414, 0x5353, "Hyper-V video"},
};

const char *igp_guest_emulated_name(uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < ELEMENTSOF(emulated); i++)
		if (emulated[i].vendor == vendor && emulated[i].device == device)
			return emulated[i].name;
	return NULL;
}

void igp_guest_report_done(struct igp_guest_report *r)
{
	for (size_t i = 0; i < r->n_gpus; i++) {
		igp_va_info_done(&r->gpus[i].va);
		free(r->gpus[i].vf.evidence);
		free(r->gpus[i].vf.xe_refused);
	}
	free(r->gpus);
	guest_nodes_done(r);
	free(r->message);
	free(r->next_step);
	*r = (struct igp_guest_report){0};
}

/* ---- the report ---- */

static bool cpu_has_hypervisor_flag(void)
{
	_cleanup_free_ char *s = NULL;
	const char *p;

	if (igp_read_file(IGP_PROC_CPUINFO, &s, NULL) < 0)
		return false;
	/* x86 "flags" lines; the kernel sets X86_FEATURE_HYPERVISOR in guests. */
	for (p = s; (p = strstr(p, "flags")); p++) {
		const char *eol = strchr(p, '\n'), *h = strstr(p, " hypervisor");
		if (h && (!eol || h < eol) && (h[11] == ' ' || h[11] == '\n' || h[11] == '\0'))
			return true;
	}
	return false;
}

int guest_setf(char **dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(*dst);
	*dst = strdupvf(fmt, ap);
	va_end(ap);
	return *dst ? 0 : -ENOMEM;
}

static const char *driver_advice(const struct igp_pci_dev *d)
{
	switch (d->vendor) {
	case 0x8086:
		if (d->physfn || (d->platform && d->platform->sriov != IGP_SUPPORT_NO))
			return "load i915 (modprobe i915); an SR-IOV VF needs the i915-sriov-dkms module in "
			       "the "
			       "guest too, and newer GPUs may need xe";
		return "load i915 (modprobe i915), or install a kernel that knows this GPU";
	case 0x10de:
		return "install the NVIDIA driver, or load nouveau";
	case 0x1002:
		return "load amdgpu (modprobe amdgpu) and install its firmware (firmware-amd-graphics)";
	default:
		return "install and load the driver for this GPU";
	}
}

/* ---- an SR-IOV VF inside the guest ----
 * Inside the VM a VF is an ordinary PCI function (no physfn link); the
 * drivers tell by a register (VF_CAP) and say so in the kernel log:
 *   xe:              "xe ADDR: [drm] Running in SR-IOV VF mode"
 *                    (drivers/gpu/drm/xe/xe_sriov.c, xe_sriov_probe_early(),
 *                    "Running in %s mode" of xe_sriov_mode_to_string())
 *   i915-sriov-dkms: "i915 ADDR: Running in SR-IOV VF mode"
 * and xe refuses a Gen 12 device it is not forced onto with "xe ADDR: Your
 * graphics device %04x is not officially supported ... use
 * xe.force_probe='%04x'" (xe_pci.c, xe_pci_probe()).  Each line starts with
 * dev_printk's "DRIVER ADDR: " (drivers/base/core.c). */

/* The kernel log line that names "DRIVER ADDR: " (any driver when driver is
 * NULL) and holds text; NULL if none (or on ENOMEM).  *ret_driver gets the
 * driver's name when asked. */
static char *log_line(const char *log, const char *driver, const char *addr, const char *text,
		      char **ret_driver)
{
	_cleanup_free_ char *tag = strdupf(" %s: ", addr);

	if (!log || !tag)
		return NULL;
	for (const char *p = log; *p;) {
		const char *eol = strchrnul(p, '\n'), *a = strstr(p, tag), *t = strstr(p, text);
		if (a && t && a < eol && t < eol && t > a) {
			const char *w = a;
			while (w > p && w[-1] != ' ' && w[-1] != ']')
				w--;
			if (!driver || ((size_t)(a - w) == strlen(driver) && startswith(w, driver))) {
				if (ret_driver)
					*ret_driver = strndup(w, (size_t)(a - w));
				return strndup(w, (size_t)(eol - w)); /* without dmesg's time stamp */
			}
		}
		p = *eol ? eol + 1 : eol;
	}
	return NULL;
}

/* Is g an SR-IOV VF of an Intel iGPU, and can its driver run one? */
static int vf_probe(const struct igp_host *h, struct igp_guest_gpu *g)
{
	const struct igp_pci_dev *d = g->dev;
	const char *log;
	_cleanup_free_ char *vf_driver = NULL, *pf_line = NULL;

	if (d->vendor != 0x8086 || g->emulated)
		return 0;
	log = igp_host_dmesg(h, NULL);
	g->vf.evidence = log_line(log, NULL, d->address, "Running in SR-IOV VF mode", &vf_driver);
	pf_line = log_line(log, NULL, d->address, "Running in SR-IOV PF mode", NULL);
	/* Without a VF-capable driver nothing logs VF mode; the BARs tell:
	 * an Intel iGPU has an I/O BAR at BAR 4, and a VF can have none (PCIe
	 * SR-IOV: VF BARs are memory BARs only). */
	if (!g->vf.evidence && !pf_line && d->platform && d->platform->sriov != IGP_SUPPORT_NO &&
	    d->bar_size[0] && !d->bar_size[4] &&
	    !(g->vf.evidence = strdup("it has no I/O BAR, which the iGPU itself has at BAR 4 and an "
				      "SR-IOV VF cannot have")))
		return -ENOMEM;
	if (!g->vf.evidence)
		return 0;
	g->vf.is_vf = true;
	g->vf.xe_refused = log_line(log, "xe", d->address, "is not officially supported", NULL);
	if (!d->driver)
		g->vf.driver = IGP_GUEST_VF_NONE;
	else if ((vf_driver && streq(vf_driver, d->driver)) || streq(d->driver, "xe"))
		g->vf.driver = IGP_GUEST_VF_CAPABLE;
	else if (streq(d->driver, "i915"))
		/* i915-sriov-dkms has max_vfs, mainline i915 has not. */
		g->vf.driver = igp_host_module_param(h, "i915", "max_vfs") ? IGP_GUEST_VF_CAPABLE
									   : IGP_GUEST_VF_STOCK_I915;
	else
		g->vf.driver = IGP_GUEST_VF_OTHER;
	return 0;
}

/* What the guest needs for a VF of its platform (model/platform.h). */
static int vf_advice(struct igp_guest_report *r, const struct igp_guest_gpu *g)
{
	const struct igp_pci_dev *d = g->dev;
	const struct igp_platform *p = d->platform;

	if (g->vf.xe_refused)
		return guest_setf(
		    &r->next_step,
		    "xe refused the VF without force_probe: add xe.force_probe=%04x (the VF's own "
		    "device ID) and i915.force_probe=!%04x to the guest's kernel command line and "
		    "reboot, or install i915-sriov-dkms in the guest.",
		    d->device, d->device);
	if (p && p->xe_sriov_since && !p->xe_force_probe)
		return guest_setf(
		    &r->next_step,
		    "load xe (modprobe xe) on a guest kernel whose xe knows %s (Linux %s or newer), "
		    "or install i915-sriov-dkms in the guest; then check dmesg for \"Running in "
		    "SR-IOV VF mode\".",
		    p->name, p->xe_sriov_since);
	if (p && p->xe_sriov_since)
		return guest_setf(
		    &r->next_step,
		    "install i915-sriov-dkms in the guest, or use xe (Linux %s or newer) with "
		    "xe.force_probe=%04x (the VF's own device ID) and i915.force_probe=!%04x on the "
		    "guest's kernel command line; reboot, then check dmesg for \"Running in SR-IOV "
		    "VF mode\".",
		    p->xe_sriov_since, d->device, d->device);
	return guest_setf(
	    &r->next_step,
	    "install i915-sriov-dkms in the guest (xe has no SR-IOV for %s); reboot, then check "
	    "dmesg for \"Running in SR-IOV VF mode\".",
	    p ? p->name : "this GPU");
}

/* The verdict when the VF's driver is what fails; 1 when the usual checks
 * (render node, ...) decide. */
static int judge_vf(struct igp_guest_report *r, const struct igp_guest_gpu *g)
{
	const struct igp_pci_dev *d = g->dev;

	switch (g->vf.driver) {
	case IGP_GUEST_VF_NONE:
		r->verdict = IGP_GUEST_NO_DRIVER;
		if (guest_setf(&r->message,
			       "%s (%04x:%04x) is an SR-IOV virtual function (%s), but no driver binds it.",
			       d->address, d->vendor, d->device, g->vf.evidence) < 0)
			return -ENOMEM;
		return vf_advice(r, g);
	case IGP_GUEST_VF_STOCK_I915:
		r->verdict = IGP_GUEST_VF_DRIVER;
		if (guest_setf(&r->message,
			       "%s (%04x:%04x) is an SR-IOV virtual function (%s), bound to the stock i915, "
			       "which has no SR-IOV (no max_vfs parameter) and cannot drive a VF.",
			       d->address, d->vendor, d->device, g->vf.evidence) < 0)
			return -ENOMEM;
		return vf_advice(r, g);
	default:
		return 1;
	}
}

static int judge(struct igp_guest_report *r, struct igp_guest_gpu *g)
{
	const struct igp_pci_dev *d = g->dev;
	int e;

	if (g->vf.is_vf && (e = judge_vf(r, g)) <= 0)
		return e;

	if (!d->driver) {
		r->verdict = IGP_GUEST_NO_DRIVER;
		if (guest_setf(&r->message, "%s (%04x:%04x) is there, but no driver binds it.", d->address,
			       d->vendor, d->device) < 0 ||
		    guest_setf(&r->next_step, "%s; then check dmesg for the driver's messages.",
			       driver_advice(d)) < 0)
			return -ENOMEM;
		return 0;
	}
	if (!d->render_node) {
		r->verdict = IGP_GUEST_NO_RENDER_NODE;
		if (guest_setf(&r->message, "%s is bound to %s but has no render node (/dev/dri/renderD*).",
			       d->address, d->driver) < 0 ||
		    guest_setf(&r->next_step,
			       "dmesg | grep -i %s shows why the driver stopped (missing GuC/HuC "
			       "firmware, or no IGD OpRegion under OVMF: see igpuctl vm ... --ovmf).",
			       d->driver) < 0)
			return -ENOMEM;
		return 0;
	}
	if (g->render_open != 0) {
		r->verdict = IGP_GUEST_RENDER_UNUSABLE;
		if (guest_setf(&r->message, "%s exists but does not open: %s.", d->render_node,
			       strerror(-g->render_open)) < 0)
			return -ENOMEM;
		if (g->render_open == -EACCES || g->render_open == -EPERM)
			return guest_setf(&r->next_step,
					  "add the user to the render group (usermod -aG render USER) or, "
					  "in a container, pass %s through.",
					  d->render_node);
		return guest_setf(&r->next_step, "check that udev created %s (ls -l %s).", d->render_node,
				  IGP_DEV_DRI);
	}
	r->verdict = IGP_GUEST_OK;
	return guest_setf(&r->message, "%s (%04x:%04x, %s%s) works: %s opens.", d->address, d->vendor,
			  d->device, d->driver, g->vf.is_vf ? ", an SR-IOV VF" : "", d->render_node);
}

/* The PCI GPUs, each with its render node opened; r->judged the one to judge. */
static int vm_gpus(const struct igp_host *h, const struct igp_pci_dev *want, bool probe_va,
		   struct igp_guest_report *r)
{
	_cleanup_free_ struct igp_pci_dev **gpus = NULL;
	size_t n = igp_host_gpus(h, &gpus);
	int e;

	r->gpus = calloc(n + 1, sizeof(*r->gpus));
	if (!r->gpus)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct igp_guest_gpu *g = &r->gpus[r->n_gpus++];
		g->dev = gpus[i];
		g->emulated = igp_guest_emulated_name(gpus[i]->vendor, gpus[i]->device);
		g->render_open = 1;
		g->va.status = IGP_VA_NOT_PROBED;
		if ((e = vf_probe(h, g)) < 0)
			return e;
		if (gpus[i]->render_node) {
			int fd = igp_open(gpus[i]->render_node, O_RDWR, 0);
			g->render_open = fd < 0 ? fd : 0;
			/* libva gets a real device fd only on the real root. */
			e = fd >= 0 && probe_va && igp_root_is_host() ? igp_va_probe(fd, &g->va) : 0;
			if (fd >= 0)
				close(fd);
			if (e < 0)
				return e;
		}
		if (want ? gpus[i] == want : (r->judged < 0 && !g->emulated))
			r->judged = (ssize_t)i;
	}
	return 0;
}

static int inspect_vm(const struct igp_host *h, const struct igp_pci_dev *want, bool probe_va,
		      struct igp_guest_report *r)
{
	const char *emu = NULL;
	int e = vm_gpus(h, want, probe_va, r);

	if (e < 0)
		return e;
	if (want && r->judged < 0)
		return -ENOTSUP; /* not a display-class device */
	if (r->judged >= 0)
		return judge(r, &r->gpus[r->judged]);
	for (size_t i = 0; i < r->n_gpus && !emu; i++)
		emu = r->gpus[i].emulated;
	r->verdict = IGP_GUEST_NO_GPU;
	e = emu ? guest_setf(&r->message,
			     "No passed-through GPU is visible; the only graphics is emulated (%s).", emu)
		: guest_setf(&r->message, "No GPU is visible at all.");
	if (e < 0)
		return e;
	return guest_setf(&r->next_step, "on the host, check the VM's configuration (igpuctl vm "
					 "qemu|libvirt|proxmox ...) and restart the VM itself, not just "
					 "the guest OS.");
}

int igp_guest_inspect(const struct igp_host *h, const char *only, bool probe_va, struct igp_guest_report *ret)
{
	struct igp_guest_report r = {.judged = -1, .judged_node = -1, .render_gid = -1};
	struct igp_pci_dev *want = NULL;
	int e;

	if (only && (e = igp_host_find(h, only, &want)) < 0)
		return e;
	r.in_vm = cpu_has_hypervisor_flag();
	igp_container_detect(&r.container);
	e = r.container.kind ? guest_inspect_container(h, want, probe_va, &r)
			     : inspect_vm(h, want, probe_va, &r);
	if (e < 0) {
		igp_guest_report_done(&r);
		return e;
	}
	*ret = r;
	return 0;
}
