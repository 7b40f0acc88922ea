/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host-wide checks: CPU, KVM, kernel, QEMU, IOMMU, modules, initramfs, memlock. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "base/strbuf.h"
#include "base/groupfile.h"
#include "checks/checks_int.h"
#include "base/paths.h"
#include "model/bootinfo.h"
#include "modules/modconf.h"
#include "model/versions.h"
#include "modules/modload.h"

/* The guide's value: "@kvm hard memlock 8388608" (KiB, 8 GiB). */
#define MEMLOCK_GUIDE_KIB 8388608LL

/* ---- CPU and KVM ---- */

int check_cpu_virtualization(struct check_ctx *c)
{
	const char *id = "cpu.virtualization", *flag;
	bool amd;

	if (!ctx_cpuinfo(c))
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL, "Cannot read %s.", IGP_PROC_CPUINFO);
	flag = ctx_cpu_virt_flag(c, &amd);
	if (flag)
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "The CPU has hardware virtualization (%s, %s).", flag,
				 streq(flag, "svm") ? "AMD-V" : "Intel VT-x");
	return check_add(
	    c, id, NULL, IGP_CHECK_FAIL,
	    strdupf("Enable %s in the firmware setup; inside a VM, turn on nested virtualization "
		    "on its host.",
		    amd ? "SVM (AMD-V)" : "Intel Virtualization Technology (VT-x)"),
	    "The CPU flags in %s have neither vmx nor svm: hardware virtualization is off or "
	    "missing.",
	    IGP_PROC_CPUINFO);
}

int check_kvm_device(struct check_ctx *c)
{
	const char *id = "kvm.device";
	bool amd;
	const char *flag = ctx_cpu_virt_flag(c, &amd);

	if (igp_exists(IGP_DEV_KVM))
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "%s exists.", IGP_DEV_KVM);
	if (!flag && ctx_cpuinfo(c))
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL,
		    strdup("Turn on hardware virtualization first (see cpu.virtualization), then "
			   "reboot."),
		    "%s is missing: without VT-x/AMD-V there is no KVM.", IGP_DEV_KVM);
	return check_add(c, id, NULL, IGP_CHECK_FAIL,
			 strdupf("Load KVM: `modprobe %s`; if it fails, `dmesg | grep -i kvm` tells why "
				 "(\"disabled by bios\" means the firmware setting).",
				 amd ? "kvm_amd" : "kvm_intel"),
			 "%s is missing: the KVM module is not loaded.", IGP_DEV_KVM);
}

int check_kvm_ignore_msrs(struct check_ctx *c)
{
	const char *id = "kvm.ignore_msrs", *log;
	_cleanup_free_ char *v = ctx_module_param(c, "kvm", "ignore_msrs");

	if (!v)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "Cannot read %s/kvm/parameters/ignore_msrs%s.", IGP_SYS_MODULE,
				 ctx_module_loaded(c, "kvm") ? "" : " (kvm is not loaded)");
	if (streq(v, "Y") || streq(v, "1"))
		return check_add(
		    c, id, NULL, IGP_CHECK_PASS, NULL,
		    "kvm.ignore_msrs is on: guest reads of MSRs that KVM does not emulate return "
		    "0 instead of crashing the guest.");
	log = ctx_dmesg(c, NULL);
	if (log && (strstr(log, "unhandled rdmsr") || strstr(log, "unhandled wrmsr")))
		return check_add(
		    c, id, NULL, IGP_CHECK_WARN,
		    strdup("Add `options kvm ignore_msrs=1 report_ignored_msrs=0` to " IGP_ETC_MODPROBE_D
			   "/kvm.conf (applies at the next boot; now: "
			   "`echo 1 > " IGP_SYS_MODULE "/kvm/parameters/ignore_msrs`)."),
		    "A guest accessed MSRs that KVM does not handle (\"unhandled rdmsr/wrmsr\" in "
		    "the kernel log) and kvm.ignore_msrs is off: Windows guests crash on this "
		    "(the full-passthrough guide sets kvm.ignore_msrs=1).");
	return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
			 "kvm.ignore_msrs is off and no guest has tripped over an unhandled MSR%s; set it "
			 "(options kvm ignore_msrs=1) only if a Windows guest crashes at boot.",
			 log ? "" : " as far as igpuctl can tell (the kernel log is not readable)");
}

/* ---- kernel and QEMU ---- */

/* Does the next boot start another kernel, of major.minor or newer? */
static bool next_kernel_at_least(struct check_ctx *c, int major, int minor)
{
	const struct igp_next_boot *nb = ctx_next_kernel(c);
	int cmp;

	return nb && !streq_ptr(nb->kernel->release, c->h->kernel_release) &&
	       igp_kernel_version_cmp(nb->kernel->release, major, minor, &cmp) >= 0 && cmp >= 0;
}

int check_kernel_version(struct check_ctx *c)
{
	const char *id = "kernel.version";
	int maj, min;

	if (igp_kernel_version_parse(c->h->kernel_release, &maj, &min) < 0)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL, "Cannot read the kernel release (%s).",
				 IGP_PROC_OSRELEASE);
	if (ctx_kernel_at_least(c, 4, 16))
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "Linux %s (GVT-g with KVMGT needs 4.16 or newer).", c->h->kernel_release);
	return check_add(
	    c, id, NULL, IGP_CHECK_FAIL,
	    next_kernel_at_least(c, 4, 16)
		? strdupf("Reboot: the next boot starts Linux %s (%s).", ctx_next_kernel(c)->kernel->release,
			  ctx_next_kernel(c)->why)
		: strdup("Install and boot a kernel of 4.16 or newer (the distribution's current "
			 "kernel package)."),
	    "Linux %s is older than 4.16, the first release with GVT-g for KVM that the guide "
	    "supports.",
	    c->h->kernel_release);
}

int check_qemu_version(struct check_ctx *c)
{
	const char *id = "qemu.version";
	const struct igp_version *q;
	bool gvtg = c->modes & MODE_BIT(IGP_METHOD_GVTG);
	int r;

	r = igp_host_qemu(c->h, &q);
	if (r == -ENOENT)
		return check_add(c, id, NULL, IGP_CHECK_WARN,
				 strdup(ctx_is_proxmox(c) ? "Install it: `apt install pve-qemu-kvm`."
							  : "Install QEMU: qemu-system-x86 (Debian, Ubuntu), "
							    "qemu-kvm (Fedora) or qemu-desktop (Arch)."),
				 "QEMU (%s) is not installed.", IGP_USR_BIN_QEMU);
	if (r < 0)
		return r;
	if (!q->version)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "QEMU is installed (%s); its version cannot be told%s.", q->source,
				 igp_root_is_host()
				     ? ""
				     : " without running it (igpuctl never runs programs of a --root tree)");
	if (gvtg && version_compare(q->version, "2.12") < 0)
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL,
		    strdup("Upgrade QEMU to 2.12 or newer (the distribution's current QEMU package)."),
		    "QEMU %s (%s) is older than 2.12, which GVT-g needs.", q->version, q->source);
	return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "QEMU %s (%s)%s.", q->version, q->source,
			 gvtg ? "; GVT-g needs 2.12 or newer" : "");
}

/* ---- IOMMU ---- */

static bool param_has_item(const char *v, const char *item)
{
	_cleanup_strv_free_ char **items = NULL;
	return v && strv_split(v, ",", &items) >= 0 && strv_contains(items, item);
}

int check_iommu_enabled(struct check_ctx *c)
{
	const char *id = "iommu.enabled", *log;
	_cleanup_free_ char *units = NULL, *cmd = NULL;
	char buf[128];
	bool amd = ctx_iommu_amd(c);
	int table = ctx_iommu_table(c);
	const char *v;

	if (c->h->iommu_active) {
		_cleanup_strbuf_ struct strbuf b = {};
		for (char **u = c->h->iommu_units; *u; u++)
			strbuf_word(&b, ", ", *u);
		if (!(units = strbuf_steal(&b)))
			return -ENOMEM;
		if (c->h->n_groups == 0)
			return check_add(
			    c, id, NULL, IGP_CHECK_FAIL,
			    strdup("Reboot, then look at `dmesg | grep -e DMAR -e IOMMU` for errors; "
				   "check that nothing disables DMA translation (iommu=off)."),
			    "IOMMU units exist (%s) but there are no IOMMU groups.", units);
		log = ctx_dmesg(c, NULL);
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "The IOMMU is active (%s) with %zu groups%s.", units, c->h->n_groups,
				 log && strstr(log, "DMAR: IOMMU enabled")
				     ? "; the kernel log says \"DMAR: IOMMU enabled\""
				     : "");
	}
	/* Firmware with the IOMMU switched off publishes no DMAR/IVRS table. */
	if (table == 0)
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL,
		    strdupf("Enable %s in the firmware setup%s, then reboot.",
			    amd ? "the IOMMU (AMD-Vi)"
				: "VT-d (\"Intel Virtualization Technology for Directed I/O\")",
			    amd || ctx_running_param(c, "intel_iommu", buf, sizeof(buf))
				? ""
				: " (and give the kernel intel_iommu=on, see cmdline.intel_iommu)"),
		    "No IOMMU is active, and the firmware offers none (no %s ACPI table): it is "
		    "switched off in the firmware setup or missing.",
		    amd ? "IVRS" : "DMAR");
	if (amd)
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL,
		    strdup("Enable the IOMMU (AMD-Vi, often \"IOMMU\" or \"SVM/IOMMU\") in the firmware "
			   "setup; Linux turns it on by default on AMD unless amd_iommu=off is given."),
		    "No IOMMU is active: %s is empty and there are no IOMMU groups.", IGP_SYS_CLASS_IOMMU);
	v = ctx_running_param(c, "intel_iommu", buf, sizeof(buf));
	if (param_has_item(v, "on"))
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL,
		    strdup("Enable VT-d (\"Intel Virtualization Technology for Directed I/O\") in the "
			   "firmware setup, then reboot."),
		    "The kernel booted with intel_iommu=%s but no IOMMU came up: VT-d is off in the "
		    "firmware or not supported.",
		    v);
	cmd = remedy_cmdline(c, "intel_iommu=on", NULL, IGP_METHOD_FULL);
	if (!cmd)
		return -ENOMEM;
	if (table == 1)
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL, TAKE_PTR(cmd),
		    "No IOMMU is active: the firmware has VT-d (a DMAR ACPI table), but the kernel "
		    "booted %s.",
		    v ? "with intel_iommu=off" : "without intel_iommu=on and leaves it off");
	return check_add(
	    c, id, NULL, IGP_CHECK_FAIL,
	    strdupf("Enable VT-d (\"Intel Virtualization Technology for Directed I/O\") in the firmware "
		    "setup, and %c%s",
		    tolower(cmd[0]), cmd + 1),
	    "No IOMMU is active: %s is empty and there are no IOMMU groups (the kernel booted "
	    "%s).",
	    IGP_SYS_CLASS_IOMMU, v ? "with intel_iommu=off" : "without intel_iommu=on");
}

/* /proc/interrupts names remapped interrupt chips "IR-PCI-MSI", "IR-IO-APIC". */
static int interrupts_remapped(void)
{
	_cleanup_free_ char *text = NULL;

	if (igp_read_file(IGP_PROC_INTERRUPTS, &text, NULL) < 0)
		return -ENOENT;
	return strstr(text, " IR-") != NULL;
}

static bool unsafe_interrupts_allowed(struct check_ctx *c, char **ret_where)
{
	_cleanup_free_ char *sys = ctx_module_param(c, "vfio_iommu_type1", "allow_unsafe_interrupts");
	const struct igp_modprobe_entry *opt_e = NULL;
	_cleanup_free_ char *opt = ctx_modprobe_option(c, "vfio_iommu_type1", "allow_unsafe_interrupts",
						       IGP_MODPROBE_FILES_ONLY, &opt_e);
	char buf[32];
	const char *run = ctx_running_param(c, "vfio_iommu_type1.allow_unsafe_interrupts", buf, sizeof(buf));

	if (run && (streq(run, "1") || streq(run, "Y") || streq(run, "y") || streq(run, ""))) {
		*ret_where = strdup("the kernel command line (vfio_iommu_type1.allow_unsafe_interrupts=1)");
		return true;
	}
	if (opt && (streq(opt, "1") || streq(opt, "Y") || streq(opt, "y"))) {
		*ret_where =
		    strdupf("%s (options vfio_iommu_type1 allow_unsafe_interrupts=%s)", opt_e->where, opt);
		return true;
	}
	if (sys && streq(sys, "Y")) {
		*ret_where = strdup(IGP_SYS_MODULE "/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
		return true;
	}
	return false;
}

int check_iommu_interrupt_remapping(struct check_ctx *c)
{
	const char *id = "iommu.interrupt_remapping", *log;
	_cleanup_free_ char *unsafe_where = NULL;
	bool unsafe, off_param, on = false, off = false;
	int hw = -1, irq;
	char buf[64];

	if (!c->h->iommu_active)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "No IOMMU is active (see iommu.enabled).");
	unsafe = unsafe_interrupts_allowed(c, &unsafe_where);
	off_param = param_has_item(ctx_running_param(c, "intremap", buf, sizeof(buf)), "off") ||
		    ctx_running_param(c, "nointremap", buf, sizeof(buf));

	/* Evidence, strongest first: remapped interrupt chips, the boot log,
	 * then what the VT-d units can do (the kernel turns remapping on
	 * whenever they can, unless told not to). */
	irq = interrupts_remapped();
	if (irq > 0)
		on = true;
	log = ctx_dmesg(c, NULL);
	if (log && (strstr(log, "DMAR-IR: Enabled IRQ remapping") ||
		    strstr(log, "AMD-Vi: Interrupt remapping enabled")))
		on = true;
	else if (irq == 0)
		off = true;
	for (char **u = c->h->iommu_units; *u; u++) {
		_cleanup_free_ char *p = strdupf("%s/%s/intel-iommu/ecap", IGP_SYS_CLASS_IOMMU, *u),
				    *ecap = NULL;
		int r;
		if (!p)
			return -ENOMEM;
		if (igp_read_attr(p, &ecap) < 0 || (r = igp_vtd_ecap_has_ir(ecap)) < 0)
			continue;
		hw = hw < 0 ? r : (hw && r);
	}
	if (!on && !off && hw == 1 && !off_param)
		on = true;
	if (!on && !off && hw < 0)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "Cannot tell whether interrupt remapping is on (%s is not readable and %s).",
				 IGP_PROC_INTERRUPTS,
				 ctx_dmesg(c, NULL) ? "the kernel log does not say"
						    : "neither is the kernel log");
	if (on) {
		if (unsafe)
			return check_add(
			    c, id, NULL, IGP_CHECK_WARN,
			    strdupf("Remove allow_unsafe_interrupts from %s.", unsafe_where),
			    "Interrupt remapping is on, yet unsafe interrupts are allowed in %s: "
			    "not needed here, and it lets a passed-through device inject interrupts "
			    "into the host.",
			    unsafe_where);
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "Interrupt remapping is on (%s).",
				 irq > 0 ? "remapped interrupts in " IGP_PROC_INTERRUPTS
				 : log && strstr(log, "Enabled IRQ remapping")
				     ? "\"DMAR-IR: Enabled IRQ remapping\" in the kernel log"
				     : "the VT-d units support it and the command line does not turn it off");
	}
	if (unsafe)
		return check_add(
		    c, id, NULL, IGP_CHECK_WARN,
		    strdup(hw == 1 ? "Remove intremap=off/nointremap from the kernel command line, then "
				     "drop allow_unsafe_interrupts."
				   : "Keep it only knowingly: this platform has no interrupt remapping, "
				     "so a VM's device could inject interrupts into the host."),
		    "Interrupt remapping is off; VFIO works only because unsafe interrupts are allowed in "
		    "%s.",
		    unsafe_where);
	if (hw == 1 || off_param)
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL, remedy_cmdline(c, NULL, "intremap nointremap", -1),
		    "Interrupt remapping is off although the IOMMU supports it%s: VFIO refuses to "
		    "assign devices (\"No interrupt remapping support\").",
		    off_param ? " (intremap=off on the command line)" : "");
	return check_add(
	    c, id, NULL, IGP_CHECK_FAIL,
	    strdup("This platform has no interrupt remapping. To use VFIO anyway, accept the risk "
		   "knowingly: add `options vfio_iommu_type1 allow_unsafe_interrupts=1` "
		   "to " IGP_ETC_MODPROBE_D_IGPUCTL
		   " (the guide's vfio_iommu_type1.allow_unsafe_interrupts=1)."),
	    "Interrupt remapping is off and the IOMMU cannot do it: VFIO refuses to assign devices "
	    "(\"No interrupt remapping support\").");
}

int check_cmdline_intel_iommu(struct check_ctx *c)
{
	const char *id = "cmdline.intel_iommu", *v;
	char buf[128], pt[32];
	bool amd = ctx_iommu_amd(c), has_pt;

	if (!c->h->cmdline)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL, "Cannot read %s.", IGP_PROC_CMDLINE);
	v = ctx_running_param(c, "iommu", pt, sizeof(pt));
	has_pt = v && streq(v, "pt");
	if (amd) {
		v = ctx_running_param(c, "amd_iommu", buf, sizeof(buf));
		if (v && param_has_item(v, "off"))
			return check_add(c, id, NULL, IGP_CHECK_FAIL,
					 remedy_cmdline(c, NULL, "amd_iommu", IGP_METHOD_FULL),
					 "The kernel booted with amd_iommu=off.");
		return check_add(
		    c, id, NULL, IGP_CHECK_PASS, NULL,
		    "An AMD CPU: Linux turns the AMD IOMMU on by default (no parameter needed).");
	}
	v = ctx_running_param(c, "intel_iommu", buf, sizeof(buf));
	if (param_has_item(v, "on"))
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "The kernel booted with intel_iommu=%s%s.", v,
				 has_pt ? " and iommu=pt (host devices skip DMA translation; fine)" : "");
	if (param_has_item(v, "off"))
		return check_add(c, id, NULL, IGP_CHECK_FAIL,
				 remedy_cmdline(c, "intel_iommu=on", "intel_iommu", IGP_METHOD_FULL),
				 "The kernel booted with intel_iommu=%s: the IOMMU is switched off.", v);
	if (c->h->iommu_active && ctx_igpu_untranslated(c))
		return check_add(
		    c, id, NULL, IGP_CHECK_FAIL, remedy_cmdline(c, "intel_iommu=on", NULL, IGP_METHOD_FULL),
		    "No intel_iommu= on the command line: %s turns the Intel IOMMU on by default but "
		    "leaves the integrated GPU %s out of it (no IOMMU group), as Debian's kernels do.",
		    ctx_kernel(c), ctx_igpu_untranslated(c)->address);
	if (c->h->iommu_active)
		return check_add(
		    c, id, NULL, IGP_CHECK_PASS, NULL,
		    "No intel_iommu= on the command line, but this kernel turns the Intel IOMMU on "
		    "by default (as Proxmox VE 8's 6.8 kernels do).");
	return check_add(c, id, NULL, IGP_CHECK_FAIL,
			 remedy_cmdline(c, "intel_iommu=on", NULL, IGP_METHOD_FULL),
			 "The kernel booted without intel_iommu=on, and no IOMMU is active.");
}

/* ---- modules ---- */

/* The modules the checked modes need on this kernel (static strings): the
 * guides' lists, less what modprobe pulls in by itself. */
static size_t required_modules(struct check_ctx *c, const char **out, size_t cap, bool with_kvmgt)
{
	size_t n = 0;
	/* Unknown releases count as new: the merged modules are the common case. */
	bool unknown = igp_kernel_version_cmp(c->h->kernel_release, 0, 0, &(int){0}) < 0;
	bool vfio_mdev = !unknown && !ctx_kernel_at_least(c, 5, 14);
#define ADD(m)                                                                                               \
	do {                                                                                                 \
		bool dup_ = false;                                                                           \
		for (size_t i_ = 0; i_ < n; i_++)                                                            \
			dup_ |= streq(out[i_], (m));                                                         \
		if (!dup_ && n < cap)                                                                        \
			out[n++] = (m);                                                                      \
	} while (0)

	if (c->modes & (MODE_BIT(IGP_METHOD_FULL) | MODE_BIT(IGP_METHOD_SRIOV))) {
		ADD("vfio");
		ADD("vfio_iommu_type1");
		/* vfio_virqfd (before 6.2) needs no line: vfio_pci_core depends on it. */
		ADD("vfio_pci");
	}
	if (c->modes & MODE_BIT(IGP_METHOD_GVTG)) {
		if (with_kvmgt)
			ADD("kvmgt");
		ADD("vfio_iommu_type1");
		ADD(vfio_mdev ? "vfio_mdev" : "mdev");
	}
#undef ADD
	return n;
}

static char *join(const char *const *v, size_t n, const char *sep)
{
	_cleanup_strbuf_ struct strbuf b = {};

	for (size_t i = 0; i < n; i++)
		strbuf_word(&b, sep, v[i]);
	return strbuf_steal(&b);
}

int check_modules_available(struct check_ctx *c)
{
	const char *id = "modules.available", *req[8], *missing[8];
	size_t n = required_modules(c, req, ELEMENTSOF(req), true), n_missing = 0;
	_cleanup_free_ char *all = join(req, n, ", "), *miss = NULL;

	if (!all)
		return -ENOMEM;
	if (!c->h->kernel_release)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "The kernel release is unknown (%s), so its modules cannot be looked up.",
				 IGP_PROC_OSRELEASE);
	for (size_t i = 0; i < n; i++) {
		int r = ctx_module_available(c, req[i]);
		if (r == -ENOENT) {
			if (igp_root_is_host())
				return check_add(
				    c, id, NULL, IGP_CHECK_WARN,
				    strdupf("Reboot into an installed kernel (the running one was removed "
					    "or upgraded), or run `depmod %s` if its modules are there.",
					    ctx_kernel(c)),
				    "There is no module index for the running kernel %s (%s/%s/"
				    "modules.dep.bin).",
				    ctx_kernel(c), IGP_LIB_MODULES, ctx_kernel(c));
			return check_add(
			    c, id, NULL, IGP_CHECK_SKIP, NULL,
			    "The tree has no module index %s/%s/modules.dep.bin, so the available "
			    "modules cannot be told.",
			    IGP_LIB_MODULES, ctx_kernel(c));
		}
		if (r < 0)
			return r;
		if (r == 0)
			missing[n_missing++] = req[i];
	}
	if (n_missing == 0)
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "Available for %s: %s.", ctx_kernel(c),
				 all);
	miss = join(missing, n_missing, ", ");
	if (!miss)
		return -ENOMEM;
	for (size_t i = 0; i < n_missing; i++)
		if (streq(missing[i], "kvmgt"))
			return check_add(
			    c, id, NULL, IGP_CHECK_FAIL,
			    strdup("Boot a kernel built with KVMGT (CONFIG_DRM_I915_GVT_KVMGT): "
				   "Debian's, Ubuntu's, Proxmox VE's and Arch's kernels have it."),
			    "Missing for %s: %s.", ctx_kernel(c), miss);
	return check_add(
	    c, id, NULL, IGP_CHECK_FAIL,
	    strdupf("Install the modules of %s (on Ubuntu the linux-modules-extra-%s package), or "
		    "boot a kernel built with VFIO.",
		    ctx_kernel(c), ctx_kernel(c)),
	    "Missing for %s: %s.", ctx_kernel(c), miss);
}

int check_modules_loaded(struct check_ctx *c)
{
	const char *id = "modules.loaded", *req[8], *missing[8];
	/* kvmgt has its own check (gvt.kvmgt) with a GVT-g specific remedy. */
	size_t n = required_modules(c, req, ELEMENTSOF(req), false), n_missing = 0;
	_cleanup_free_ char *all = join(req, n, ", "), *miss = NULL, *sp = NULL;

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!ctx_module_loaded(c, req[i]) && !ctx_module_builtin(c, req[i]))
			missing[n_missing++] = req[i];
	if (n_missing == 0)
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "Loaded: %s.", all);
	miss = join(missing, n_missing, ", ");
	sp = join(missing, n_missing, " ");
	if (!miss || !sp)
		return -ENOMEM;
	return check_add(
	    c, id, NULL, IGP_CHECK_WARN,
	    strdupf("`modprobe -a %s` loads them now; modules.configured makes it permanent.", sp),
	    "Not loaded: %s.", miss);
}

/* The modules of full passthrough, which setup puts into the initramfs
 * (vfio-pci before the GPU driver). */
static bool module_early(const struct check_ctx *c, const char *m)
{
	return (c->modes & MODE_BIT(IGP_METHOD_FULL)) &&
	       (streq(m, "vfio") || streq(m, "vfio_iommu_type1") || streq(m, "vfio_pci"));
}

/* A clause of the remedy: the first starts the sentence, later ones
 * follow after "; " in lower case. */
static void clause(struct strbuf *b, const char *text)
{
	bool first = strbuf_empty(b);

	strbuf_word(b, "; ", first ? text : "");
	if (!first)
		strbuf_printf(b, "%c%s", tolower((unsigned char)text[0]), text + 1);
}

/* "Add one line each to F: M" or "Create F with one line each: M". */
static void load_clause(struct strbuf *b, const char *file, const char *mods)
{
	_cleanup_free_ char *t = streq(file, IGP_ETC_MODULES)
				     ? strdupf("Add one line each to %s: %s", file, mods)
				     : strdupf("Create %s with one line each: %s", file, mods);
	if (t)
		clause(b, t);
}

/* Where setup would write MODS (igp_modules_place(), the one answer), as
 * the remedy. */
static char *modules_remedy(struct check_ctx *c, const char *const *mods, size_t n)
{
	const struct igp_initramfs *ir = igp_host_initramfs(c->h);
	_cleanup_strbuf_ struct strbuf b = {}, early = {}, late = {};
	_cleanup_free_ char *sp = join(mods, n, " "), *img = NULL;
	struct igp_modules_place pe = {0}, pl;

	if (!sp)
		return NULL;
	for (size_t i = 0; i < n; i++)
		strbuf_word(module_early(c, mods[i]) ? &early : &late, " ", mods[i]);
	if (!strbuf_empty(&early))
		igp_modules_place(ir, true, &pe);
	igp_modules_place(ir, false, &pl);
	if (pe.image && pe.image_var &&
	    (img = strdupf("Add %s to %s in %s", strbuf_str(&early), pe.image_var, pe.image)))
		clause(&b, img);
	if (pe.load && !strbuf_empty(&late) && streq(pe.load, pl.load))
		load_clause(&b, pe.load, sp);
	else {
		if (pe.load)
			load_clause(&b, pe.load, strbuf_str(&early));
		if (!strbuf_empty(&late))
			load_clause(&b, pl.load, strbuf_str(&late));
	}
	if (pe.image && !pe.image_var && strbuf_empty(&late))
		strbuf_printf(&b, "; add the same lines to %s (the modules of the initramfs)", pe.image);
	else if (pe.image && !pe.image_var)
		strbuf_printf(&b, "; add one line each to %s (the modules of the initramfs): %s", pe.image,
			      strbuf_str(&early));
	strbuf_printf(&b, "; then run `%s` and reboot (or `modprobe -a %s` now).", initramfs_command(c), sp);
	return strbuf_steal(&b);
}

int check_modules_configured(struct check_ctx *c)
{
	const char *id = "modules.configured", *req[8], *missing[8];
	size_t n = required_modules(c, req, ELEMENTSOF(req), true), n_missing = 0;
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *found = NULL, *miss = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *where = ctx_module_configured(c, req[i]);
		if (where)
			strbuf_wordf(&b, ", ", "%s (%s)", req[i], where);
		else
			missing[n_missing++] = req[i];
	}
	if (!(found = strbuf_steal(&b)))
		return -ENOMEM;
	if (n_missing == 0)
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "Configured to load at boot: %s.", found);
	miss = join(missing, n_missing, ", ");
	if (!miss)
		return -ENOMEM;
	return check_add(c, id, NULL, IGP_CHECK_WARN, modules_remedy(c, missing, n_missing),
			 "Not configured to load at boot: %s%s%s.", miss,
			 found && *found ? "; configured: " : "", found && *found ? found : "");
}

/* A module listed for boot that a newer kernel merged into another one. */
static int check_merged_module(struct check_ctx *c, const char *id, const char *module, const char *into,
			       int major, int minor)
{
	const struct modconf_entry *e;
	size_t n;
	int r, maj, min;

	r = ctx_modconf(c, &e, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (e[i].dependency || !streq(e[i].name, module))
			continue;
		if (igp_kernel_version_parse(c->h->kernel_release, &maj, &min) < 0)
			return check_add(
			    c, id, NULL, IGP_CHECK_WARN,
			    strdupf("Remove %s from %s unless the kernel is older than %d.%d.", module,
				    e[i].where, major, minor),
			    "%s is listed in %s; kernels since %d.%d have no such module (merged into "
			    "%s).",
			    module, e[i].where, major, minor, into);
		if (ctx_kernel_at_least(c, major, minor))
			return check_add(c, id, NULL, IGP_CHECK_FAIL,
					 strdupf("Remove the %s line from %s, then run `%s`.", module,
						 e[i].where, initramfs_command(c)),
					 "%s is listed in %s, but Linux %d.%d merged it into %s: on %s "
					 "systemd-modules-load fails at boot and initramfs tools complain.",
					 module, e[i].where, major, minor, into, ctx_kernel(c));
		/* Right for the running kernel, wrong for the one that boots next. */
		if (next_kernel_at_least(c, major, minor))
			return check_add(
			    c, id, NULL, IGP_CHECK_WARN,
			    strdupf("Remove the %s line from %s and run `%s` before rebooting.", module,
				    e[i].where, initramfs_command(c)),
			    "%s is listed in %s, which is right for %s (older than %d.%d), but the "
			    "next boot starts Linux %s (%s), where %s is merged into %s.",
			    module, e[i].where, ctx_kernel(c), major, minor,
			    ctx_next_kernel(c)->kernel->release, ctx_next_kernel(c)->why, module, into);
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "%s is listed in %s, which is right for %s (older than %d.%d); remove it "
				 "when moving to %d.%d or newer.",
				 module, e[i].where, ctx_kernel(c), major, minor, major, minor);
	}
	/* Before the merge the module exists and is loaded when needed
	 * (vfio_pci_core depends on vfio_virqfd; vfio_mdev binds new mdevs). */
	return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "%s is not listed for boot%s.", module,
			 igp_kernel_version_parse(c->h->kernel_release, &maj, &min) >= 0 &&
				 !ctx_kernel_at_least(c, major, minor)
			     ? " (on this kernel it exists and loads when needed)"
			     : "");
}

/* The check of NAME in the table setup removes them by (modload.h). */
static int check_merged(struct check_ctx *c, const char *name)
{
	const struct igp_merged_module *m = igp_merged_module_find(name);
	int major = 0, minor = 0;

	if (!m || sscanf(m->since, "%d.%d", &major, &minor) != 2)
		return -EINVAL;
	return check_merged_module(c, m->check_id, m->name, m->into, major, minor);
}

int check_modules_vfio_virqfd(struct check_ctx *c)
{
	return check_merged(c, "vfio_virqfd");
}

int check_modules_vfio_mdev(struct check_ctx *c)
{
	return check_merged(c, "vfio_mdev");
}

/* ---- initramfs ---- */

static int path_mtime(const char *path, struct timespec *ret)
{
	struct stat st;
	int fd = igp_open(path, O_PATH, 0);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	*ret = st.st_mtim;
	return 0;
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

int check_initramfs_current(struct check_ctx *c)
{
	const char *id = "initramfs.current";
	const struct igp_initramfs *ir = igp_host_initramfs(c->h);
	_cleanup_free_ char *img = NULL, *newest = NULL;
	_cleanup_strv_free_ char **cfg = NULL;
	struct timespec t_img, t_newest = {};
	const char *rel = c->h->kernel_release;
	int r;

	if (!rel)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL, "The kernel release is unknown.");
	if (!ir)
		return -ENOMEM; /* igp_host_load() made the host: detection failed only so */
	/* The tool's image and what goes into it: module lists and
	 * modprobe.d (vfio-pci ids=, softdep, blacklist). */
	r = igp_initramfs_inputs(ir, rel, ctx_modprobe(c)->files, &img, &cfg);
	if (r == -ENOENT)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL, "No initramfs tool was found (%s).",
				 ir->reason ? ir->reason : "unknown");
	if (r < 0)
		return r;
	if (path_mtime(img, &t_img) < 0)
		return check_add(c, id, NULL, IGP_CHECK_SKIP, NULL,
				 "No initramfs for %s: %s, which %s builds, does not exist.", rel, img,
				 ir->name);
	for (char **p = cfg; *p; p++) {
		struct timespec t;
		if (path_mtime(*p, &t) < 0 || !newer(&t, &t_img) || (newest && !newer(&t, &t_newest)))
			continue;
		free(newest);
		newest = strdup(*p);
		if (!newest)
			return -ENOMEM;
		t_newest = t;
	}
	if (!newest)
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "%s is newer than the module configuration it contains.", img);
	return check_add(c, id, NULL, IGP_CHECK_WARN, strdupf("Run `%s`, then reboot.", initramfs_command(c)),
			 "%s changed after %s was built: the next boot does not see the change yet.", newest,
			 img);
}

/* ---- memlock ---- */

/* Members of GROUP in the host's group file ("alice,bob"); -ENOENT if no such group. */
static int group_members(const char *group, char **ret)
{
	_cleanup_free_ char *text = NULL;
	struct igp_group g;
	int r;

	if (igp_read_file(IGP_ETC_GROUP, &text, NULL) < 0)
		return -ENOENT;
	r = igp_group_find(text, group, &g);
	if (r < 0)
		return r;
	*ret = g.members;
	return 0;
}

static char *kib_text(long long v)
{
	if (v == -1)
		return strdup("unlimited");
	if (v >= 1024 * 1024 && v % (1024 * 1024) == 0)
		return strdupf("%lld KiB (%lld GiB)", v, v / (1024 * 1024));
	return strdupf("%lld KiB", v);
}

int check_memlock(struct check_ctx *c)
{
	const char *id = "memlock", *log;
	struct igp_memlock m = IGP_MEMLOCK_INIT;
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *text = NULL, *members = NULL, *soft = NULL, *hard = NULL, *remedy = NULL;
	bool libvirt, evidence, ok;
	int r;

	if (ctx_is_proxmox(c))
		return check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
				 "Proxmox VE runs QEMU as root, which may pin guest memory without a memlock "
				 "limit (CAP_IPC_LOCK).");
	if (igp_read_file(IGP_ETC_SECURITY_LIMITS_CONF, &text, NULL) >= 0) {
		r = igp_limits_memlock_feed(&m, text, IGP_ETC_SECURITY_LIMITS_CONF, "kvm");
		if (r < 0)
			goto out;
	}
	if (igp_list_dir(IGP_ETC_SECURITY_LIMITS_D, &names) >= 0)
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = NULL, *t = NULL;
			if (!endswith(*n, ".conf"))
				continue;
			p = igp_path_join(IGP_ETC_SECURITY_LIMITS_D, *n);
			if (!p) {
				r = -ENOMEM;
				goto out;
			}
			if (igp_read_file(p, &t, NULL) < 0)
				continue;
			r = igp_limits_memlock_feed(&m, t, p, "kvm");
			if (r < 0)
				goto out;
		}
	libvirt = igp_is_dir(IGP_ETC_LIBVIRT);
	log = ctx_dmesg(c, NULL);
	evidence = log && (strstr(log, "RLIMIT_MEMLOCK") || strstr(log, "rlimit memory exceeded"));
	ok = (m.soft == -1 || m.soft >= MEMLOCK_GUIDE_KIB) && (m.hard == -1 || m.hard >= MEMLOCK_GUIDE_KIB);
	remedy =
	    strdupf("Add `@kvm soft memlock %lld` and `@kvm hard memlock %lld` (KiB; at least the guest's "
		    "RAM) to %s/90-vfio-memlock.conf, put the user who runs QEMU in the kvm group "
		    "(`usermod -aG kvm USER`) and log in again.",
		    MEMLOCK_GUIDE_KIB, MEMLOCK_GUIDE_KIB, IGP_ETC_SECURITY_LIMITS_D);
	soft = m.soft == -2 ? strdup("not set") : kib_text(m.soft);
	hard = m.hard == -2 ? strdup("not set") : kib_text(m.hard);
	if (!remedy || !soft || !hard) {
		r = -ENOMEM;
		goto out;
	}
	if (evidence && !ok) {
		r = check_add(
		    c, id, NULL, IGP_CHECK_FAIL, TAKE_PTR(remedy),
		    "The kernel log shows VFIO hitting the memlock limit (RLIMIT_MEMLOCK): the "
		    "\"bad memory\" hang of Windows guests; the kvm group's limit is soft %s, hard %s.",
		    soft, hard);
		goto out;
	}
	if (m.soft == -2 && m.hard == -2) {
		if (libvirt)
			r = check_add(
			    c, id, NULL, IGP_CHECK_PASS, NULL,
			    "No memlock limit for the kvm group; libvirt's system instance sets the limit "
			    "of the VMs it starts itself. QEMU started by a user (qemu:///session, the "
			    "command line) would need `@kvm soft/hard memlock` in %s.",
			    IGP_ETC_SECURITY_LIMITS_CONF);
		else
			r = check_add(
			    c, id, NULL, IGP_CHECK_WARN, TAKE_PTR(remedy),
			    "No memlock limit for the kvm group in %s or %s: QEMU run by a user can pin "
			    "only the default (8 MiB), so a VM with a passed-through GPU fails (\"rlimit "
			    "memory exceeded\").",
			    IGP_ETC_SECURITY_LIMITS_CONF, IGP_ETC_SECURITY_LIMITS_D);
		goto out;
	}
	if (!ok) {
		r = check_add(
		    c, id, NULL, IGP_CHECK_WARN, TAKE_PTR(remedy),
		    "The kvm group's memlock limit is soft %s, hard %s (%s): below the %lld KiB the "
		    "GVT-g guide sets; VFIO pins all of a guest's RAM.",
		    soft, hard, m.soft_where ? m.soft_where : m.hard_where, MEMLOCK_GUIDE_KIB);
		goto out;
	}
	r = group_members("kvm", &members);
	if (r == -ENOMEM)
		goto out;
	if (r >= 0 && !*members && m.soft_prio == 2) {
		r = check_add(
		    c, id, NULL, IGP_CHECK_WARN,
		    strdup("Add the user who runs QEMU to the kvm group: `usermod -aG kvm USER`, then log in "
			   "again."),
		    "The kvm group may lock soft %s, hard %s (%s), but no user is in the kvm group.", soft,
		    hard, m.soft_where);
		goto out;
	}
	r = check_add(c, id, NULL, IGP_CHECK_PASS, NULL,
		      "The kvm group may lock soft %s, hard %s (%s)%s%s%s.", soft, hard, m.soft_where,
		      members && *members ? "; members: " : "", members && *members ? members : "",
		      evidence ? "; the kernel log still has an older RLIMIT_MEMLOCK failure" : "");
out:
	igp_memlock_done(&m);
	return r;
}
