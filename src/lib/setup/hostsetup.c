/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>

#include "boot/cmdline.h"
#include "boot/cmdline_file.h"
#include "boot/grub.h"
#include "setup/hostsetup.h"
#include "model/sysinfo.h"
#include "model/isolation.h"
#include "base/paths.h"
#include "vgpu/sriov.h"
#include "base/util.h"

void igp_setup_info_done(struct igp_setup_info *i)
{
	igp_bootloader_done(&i->boot);
	igp_initramfs_done(&i->initramfs);
	free(i->device_desc);
	strv_free(i->revert_cmds);
	for (size_t k = 0; i->revert_argvs && i->revert_argvs[k]; k++)
		strv_free(i->revert_argvs[k]);
	free(i->revert_argvs);
	*i = (struct igp_setup_info){0};
}

/* igp_modconf_plan_owned() and _lines(), refusing by name a file that
 * holds a NUL byte. */
static int plan_owned(struct igp_plan *p, const char *path, const char *content, unsigned refresh,
		      const char *why, char **ret_error)
{
	int r = igp_text_check(path, ret_error);
	return r < 0 ? r : igp_modconf_plan_owned(p, path, content, refresh, why);
}

static int plan_lines(struct igp_plan *p, const char *path, char *const *lines, unsigned refresh,
		      const char *why, char **ret_error)
{
	int r = igp_text_check(path, ret_error);
	return r < 0 ? r : igp_modconf_plan_lines(p, path, lines, refresh, why);
}

/* Does another GPU (not in SKIP) use DRIVER? */
static const struct igp_pci_dev *gpu_using(const struct igp_host *h, const char *driver,
					   struct igp_pci_dev *const *skip, size_t n_skip)
{
	for (size_t i = 0; i < h->n_devs; i++) {
		const struct igp_pci_dev *d = h->devs[i];
		bool skipped = false;
		if (!igp_pci_dev_is_gpu(d) || !d->driver || !igp_kparam_key_eq(d->driver, driver))
			continue;
		for (size_t k = 0; k < n_skip; k++)
			if (skip[k] == d)
				skipped = true;
		if (!skipped)
			return d;
	}
	return NULL;
}

static int add_want(struct igp_kwant **w, size_t *n, enum igp_kwant_kind kind, const char *key,
		    const char *value)
{
	struct igp_kwant *nv = realloc(*w, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*w = nv;
	nv[(*n)++] = (struct igp_kwant){kind, key, value};
	return 0;
}

static int strcat_line(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int strcat_line(char **s, const char *fmt, ...)
{
	_cleanup_free_ char *line = NULL;
	va_list ap;

	va_start(ap, fmt);
	line = strdupvf(fmt, ap);
	va_end(ap);
	return line ? strextendf(s, "%s\n", line) : -ENOMEM;
}

/* The kernel module of a driver (the driver "vfio-pci" is module vfio_pci,
 * softdep accepts either). */
static const char *driver_module(const struct igp_pci_dev *d)
{
	if (d->driver && !streq(d->driver, "vfio-pci"))
		return d->driver;
	if (d->vendor == 0x8086 && igp_pci_dev_is_gpu(d))
		return "i915";
	return NULL;
}

/* VALUE as a refusal quotes it: bytes other than printable ASCII as \xHH,
 * cut after 40. */
static char *shown(const char *value)
{
	_cleanup_free_ char *s = strdup("");
	size_t i;

	for (i = 0; s && value[i] && i < 40; i++) {
		unsigned char c = (unsigned char)value[i];
		if (strextendf(&s, c >= ' ' && c < 0x7f ? "%c" : "\\x%02x", c) < 0)
			return NULL;
	}
	if (s && value[i] && strextendf(&s, "...") < 0)
		return NULL;
	return TAKE_PTR(s);
}

/* "OPT "VALUE": BYTE WHY", BYTE being VALUE[AT] as 'c' or as byte 0xHH. */
static int refuse_byte(char **ret_error, const char *opt, const char *value, size_t at, const char *why)
{
	_cleanup_free_ char *v = shown(value);
	unsigned char c = (unsigned char)value[at];

	if (!v)
		return -ENOMEM;
	if (c > ' ' && c < 0x7f)
		return igp_refuse(ret_error, -EINVAL, "%s \"%s\": '%c' %s", opt, v, c, why);
	return igp_refuse(ret_error, -EINVAL, "%s \"%s\": byte 0x%02x %s", opt, v, c, why);
}

/* Why byte C of a parameter cannot reach the kernel through SYNTAX. */
static const char *param_byte_why(unsigned char c, enum igp_ksyntax syntax)
{
	if (c == ' ' || c == '\t')
		return "would split the parameter in two";
	if (c < ' ' || c >= 0x7f)
		return "is not printable ASCII, and kernel parameters are";
	if (c == '"')
		return "would start a quoted value for the kernel, taking in what follows";
	if (syntax == IGP_KSYNTAX_KERNELSTUB)
		return "cannot go into kernelstub's JSON configuration";
	return "cannot go into the GRUB configuration: grub.cfg is a script, and only letters, "
	       "digits and . _ , : = + / @ % - pass through it as they are";
}

/* Each --param must reach the kernel through the loader's syntax as it is. */
static int check_params(const struct igp_setup_opts *o, enum igp_ksyntax syntax, char **ret_error)
{
	for (char **s = o->params; s && *s; s++) {
		_cleanup_free_ char *v = NULL;
		size_t at;
		int r = igp_kparam_check(*s, syntax, &at);

		if (r == 0)
			continue;
		if (r == -EINVAL && **s && **s != '=')
			return refuse_byte(ret_error, "--param", *s, at,
					   param_byte_why((unsigned char)(*s)[at], syntax));
		v = shown(*s);
		if (!v)
			return -ENOMEM;
		if (r == -E2BIG)
			return igp_refuse(ret_error, -EINVAL,
					  "--param \"%s\": %zu bytes, more than the %d igpuctl writes as one "
					  "kernel parameter",
					  v, strlen(*s), IGP_KPARAM_MAX);
		return igp_refuse(ret_error, -EINVAL, "--param \"%s\": %s", v,
				  **s ? "a parameter starts with its name" : "an empty parameter");
	}
	return 0;
}

/* --blacklist: module names, of no module a GPU that stays on the host uses. */
static int check_blacklist(const struct igp_host *h, const struct igp_setup_opts *o,
			   struct igp_pci_dev *const *passed, size_t n_passed, char **ret_error)
{
	for (char **s = o->blacklist; s && *s; s++) {
		const struct igp_pci_dev *other;
		size_t at;
		int r = igp_module_name_check(*s, &at);

		if (r == -EINVAL && !**s)
			return igp_refuse(ret_error, r, "--blacklist \"\": an empty module name");
		if (r == -EINVAL)
			return refuse_byte(ret_error, "--blacklist", *s, at,
					   "is not in a module name (letters, digits, _ and -)");
		if (r == -E2BIG)
			return igp_refuse(ret_error, -EINVAL,
					  "--blacklist \"%.40s...\": longer than a module name can be (%d)",
					  *s, IGP_MODULE_NAME_MAX);
		other = gpu_using(h, *s, passed, n_passed);
		if (other)
			return igp_refuse(ret_error, -EINVAL,
					  "--blacklist %s: the GPU %s, which stays on the host, uses it", *s,
					  other->address);
	}
	return 0;
}

/* --acs-override: the words the kernel's ACS override takes. */
static int check_acs_override(const struct igp_setup_opts *o, char **ret_error)
{
	static const char words[] = "the words the kernel takes: downstream, multifunction and "
				    "id:VVVV:DDDD (hexadecimal vendor and device), comma separated";
	const char *a = o->acs_override;
	_cleanup_free_ char *v = NULL, *why = NULL;
	size_t at, len;

	if (!a || igp_acs_override_check(a, &at, &len) == 0)
		return 0;
	for (size_t i = at; i < at + len; i++)
		if (!isalnum((unsigned char)a[i]) && a[i] != ':') {
			why = strdupf("is in none of %s", words);
			return why ? refuse_byte(ret_error, "--acs-override", a, i, why) : -ENOMEM;
		}
	v = shown(a);
	if (!v)
		return -ENOMEM;
	if (!len)
		return igp_refuse(ret_error, -EINVAL, "--acs-override \"%s\": an empty word; %s", v, words);
	return igp_refuse(ret_error, -EINVAL, "--acs-override \"%s\": \"%.*s\" is not one of %s", v, (int)len,
			  a + at, words);
}

int igp_setup_plan(const struct igp_host *h, const struct igp_setup_opts *o, struct igp_plan *ret,
		   struct igp_setup_info *ret_info, char **ret_error)
{
	struct igp_setup_info info = {0};
	struct igp_plan p = {0};
	struct igp_pci_dev *dev = NULL;
	struct igp_isolation_report iso = {0};
	bool have_iso = false;
	struct igp_pci_dev *passed[16];
	size_t n_passed = 0;
	_cleanup_free_ struct igp_kwant *w = NULL;
	size_t nw = 0;
	_cleanup_free_ char *modprobe = NULL, *reason = NULL, *vfs_s = NULL, *force_probe = NULL;
	_cleanup_strv_free_ char **param_keys = NULL, **param_vals = NULL;
	enum igp_support sup;
	const struct igp_cpu *cpu;
	bool amd = igp_host_cpu(h, &cpu) >= 0 && cpu->amd;
	const char *kver = h->kernel_release;
	int r;

	/* The device. */
	if (o->address) {
		r = igp_host_find(h, o->address, &dev);
		if (r == -EINVAL)
			return igp_refuse(ret_error, r, "\"%s\" is not a PCI address", o->address);
		if (r == -EADDRNOTAVAIL)
			return igp_refuse(ret_error, r,
					  "\"%s\" matches devices in several PCI domains; "
					  "give the full address",
					  o->address);
		if (r < 0)
			return igp_refuse(ret_error, -ENODEV, "no PCI device %s on this host", o->address);
	} else {
		dev = igp_host_default_igpu(h);
		if (!dev)
			return igp_refuse(ret_error, -ENODEV,
					  "this host has no single Intel iGPU; name the device (ADDR)");
	}
	memcpy(info.device, dev->address, sizeof(info.device));
	info.device_desc = strdupf("%s%s%s (%04x:%04x)", dev->platform ? "Intel " : "",
				   dev->platform      ? dev->platform->name
				   : dev->device_name ? dev->device_name
						      : "PCI device",
				   dev->platform ? " iGPU" : "", dev->vendor, dev->device);
	if (!info.device_desc) {
		r = -ENOMEM;
		goto out;
	}
	if (o->mode != IGP_METHOD_FULL && !igp_pci_dev_is_intel_igpu(dev)) {
		r = igp_refuse(ret_error, -EOPNOTSUPP, "%s is not an Intel iGPU: only --mode full applies",
			       dev->address);
		goto out;
	}

	/* The mode on this platform. */
	sup = igp_platform_supports(dev->platform, o->mode, &reason);
	if (sup == IGP_SUPPORT_NO && !o->force_mode) {
		r = igp_refuse(ret_error, -EOPNOTSUPP,
			       "%s: %s (--force-mode proceeds anyway, e.g. for a device ID igpuctl "
			       "does not know yet)",
			       igp_method_name(o->mode), reason ? reason : "not supported");
		goto out;
	}
	if (sup == IGP_SUPPORT_NO)
		igp_plan_add_note(&p, "%s is not supported here (%s); proceeding because of --force-mode.",
				  igp_method_name(o->mode), reason ? reason : "");
	else if (sup == IGP_SUPPORT_DKMS)
		igp_plan_add_note(&p, "%s", reason ? reason : "needs an out-of-tree driver");

	/* What goes to the VM (full): the device and its own functions. */
	passed[n_passed++] = dev;
	if (o->mode == IGP_METHOD_FULL) {
		r = igp_isolation_judge(h, dev, &iso);
		if (r < 0)
			goto out;
		have_iso = true;
		if (iso.verdict == IGP_ISO_UNSAFE && !o->allow_unsafe_group) {
			_cleanup_free_ char *who = strdup("");
			for (size_t i = 0; who && i < iso.n_peers; i++)
				if (iso.peers[i].kind == IGP_PEER_CRITICAL) {
					char *n = strdupf(
					    "%s%s%s (%s)", who, *who ? ", " : "", iso.peers[i].dev->address,
					    iso.peers[i].dev->role_detail ? iso.peers[i].dev->role_detail
									  : "needed by the host");
					free(who);
					who = n;
				}
			r = igp_refuse(
			    ret_error, -EBUSY,
			    "IOMMU group %d of %s also holds %s: a VM start would take it from "
			    "the host. Move that device to another slot, or, on a kernel with the ACS "
			    "override patch, pass --acs-override --allow-unsafe-group (weakens "
			    "isolation)",
			    iso.group, dev->address, who ? who : "a device the host needs");
			goto out;
		}
		if (iso.verdict == IGP_ISO_UNSAFE)
			igp_plan_add_note(&p,
					  "IOMMU group %d holds a device the host needs; proceeding "
					  "because of --allow-unsafe-group.",
					  iso.group);
		else if (iso.verdict == IGP_ISO_NO_IOMMU)
			igp_plan_add_note(&p,
					  "The IOMMU is not active yet, so the group of %s is "
					  "unknown: run `igpuctl check` after the reboot.",
					  dev->address);
		for (size_t i = 0; i < iso.n_peers; i++) {
			if (iso.peers[i].kind == IGP_PEER_FUNCTION && n_passed < ELEMENTSOF(passed))
				passed[n_passed++] = iso.peers[i].dev;
			else if (iso.peers[i].kind == IGP_PEER_ENDPOINT)
				igp_plan_add_note(&p,
						  "%s shares IOMMU group %d and must go to the same "
						  "VM.",
						  iso.peers[i].dev->address, iso.group);
		}
		if (dev->boot_vga == 1 && !o->allow_boot_vga) {
			r = igp_refuse(
			    ret_error, -EPERM,
			    "%s is the boot VGA device: once vfio-pci takes it the host has no "
			    "local console (screen) any more. Pass --allow-boot-vga to accept that",
			    dev->address);
			goto out;
		}
	}

	/* Bad option values. */
	r = check_blacklist(h, o, passed, n_passed, ret_error);
	if (r >= 0)
		r = check_acs_override(o, ret_error);
	if (r < 0)
		goto out;

	/* The boot loader. */
	r = igp_bootloader_detect(o->bootloader, &info.boot);
	if (r == -EINVAL) {
		r = igp_refuse(ret_error, r,
			       "--bootloader \"%s\": use grub, proxmox-systemd-boot, "
			       "systemd-boot or kernelstub",
			       o->bootloader);
		goto out;
	}
	if (r < 0)
		goto out;
	if (info.boot.kind == IGP_BOOT_UNKNOWN) {
		r = igp_refuse(ret_error, -ENOMEDIUM,
			       "no known boot loader configuration found (%s); pass --bootloader "
			       "grub|proxmox-systemd-boot|systemd-boot|kernelstub if you know it",
			       info.boot.reason);
		goto out;
	}
	r = check_params(o, igp_bootloader_syntax(&info.boot), ret_error);
	if (r < 0)
		goto out;
	r = igp_initramfs_detect(&info.initramfs);
	if (r < 0)
		goto out;

	/* Kernel parameters. */
	if (o->mode == IGP_METHOD_FULL || o->mode == IGP_METHOD_SRIOV) {
		if (amd) {
			r = add_want(&w, &nw, IGP_KWANT_ABSENT, "amd_iommu", "off");
		} else {
			/* intel_iommu takes a comma list: "on,igfx_off" would
			 * leave the iGPU without translation. */
			r = add_want(&w, &nw, IGP_KWANT_LIST_ABSENT, "intel_iommu", "off");
			if (r >= 0)
				r = add_want(&w, &nw, IGP_KWANT_LIST_ABSENT, "intel_iommu", "igfx_off");
			if (r >= 0)
				r = add_want(&w, &nw, IGP_KWANT_LIST, "intel_iommu", "on");
		}
		if (r >= 0 && o->mode == IGP_METHOD_FULL)
			r = add_want(&w, &nw, IGP_KWANT_SET, "iommu", "pt");
		if (r < 0)
			goto out;
	}
	if (o->mode == IGP_METHOD_FULL && dev->boot_vga == 1) {
		/* Linux >= 5.15 registers the firmware framebuffer through
		 * sysfb; older kernels through efifb directly. */
		bool sysfb = !kver || version_compare(kver, "5.15") >= 0;
		r = sysfb ? add_want(&w, &nw, IGP_KWANT_LIST, "initcall_blacklist", "sysfb_init")
			  : add_want(&w, &nw, IGP_KWANT_LIST, "video", "efifb:off");
		if (r < 0)
			goto out;
		igp_plan_add_note(&p,
				  "%s: the firmware framebuffer would otherwise keep %s's memory "
				  "(\"Failed to mmap ... BAR\" in the VM); the host shows no boot "
				  "messages on this screen after the kernel starts.",
				  sysfb ? "initcall_blacklist=sysfb_init" : "video=efifb:off", dev->address);
	}
	if (o->mode == IGP_METHOD_GVTG) {
		r = add_want(&w, &nw, IGP_KWANT_SET, "i915.enable_gvt", "1");
		/* GuC submission (enable_guc bit 1) and GVT-g exclude each other. */
		if (r >= 0)
			r = add_want(&w, &nw, IGP_KWANT_ABSENT, "i915.enable_guc", "2");
		if (r >= 0)
			r = add_want(&w, &nw, IGP_KWANT_ABSENT, "i915.enable_guc", "3");
		if (r < 0)
			goto out;
	}
	if (o->mode == IGP_METHOD_SRIOV) {
		/* Upstream xe where it is the supported way (Panther Lake on);
		 * elsewhere i915-sriov-dkms, the common choice (xe there
		 * needs force_probe: --sriov-driver xe). */
		const char *drv =
		    o->sriov_driver ? o->sriov_driver
		    : dev->platform && dev->platform->xe_sriov &&
			    (dev->platform->sriov == IGP_SUPPORT_YES || !dev->platform->i915_binds)
			? "xe"
			: "i915";
		const char *other = streq(drv, "xe") ? "i915" : "xe";
		const struct igp_pci_dev *user;
		int n = o->vfs > 0 ? o->vfs : dev->sriov_totalvfs > 0 ? dev->sriov_totalvfs : 7;

		if (!streq(drv, "xe") && !streq(drv, "i915")) {
			r = igp_refuse(ret_error, -EINVAL, "--sriov-driver must be i915 or xe");
			goto out;
		}
		if (dev->sriov_totalvfs > 0 && n > dev->sriov_totalvfs) {
			r = igp_refuse(ret_error, -ERANGE, "--vfs %d is more than sriov_totalvfs (%d)", n,
				       dev->sriov_totalvfs);
			goto out;
		}
		vfs_s = strdupf("%d", n);
		force_probe = strdupf("%04x", dev->device);
		if (!vfs_s || !force_probe) {
			r = -ENOMEM;
			goto out;
		}
		r = add_want(&w, &nw, IGP_KWANT_ABSENT, "i915.enable_gvt", NULL);
		if (r >= 0 && streq(drv, "i915")) {
			r = add_want(&w, &nw, IGP_KWANT_SET, "i915.enable_guc", "3");
			if (r >= 0)
				r = add_want(&w, &nw, IGP_KWANT_SET, "i915.max_vfs", vfs_s);
		} else if (r >= 0) {
			r = add_want(&w, &nw, IGP_KWANT_SET, "xe.max_vfs", vfs_s);
			if (r >= 0)
				r = add_want(&w, &nw, IGP_KWANT_SET, "xe.force_probe", force_probe);
		}
		if (r < 0)
			goto out;
		/* Keep the other driver off the iGPU, unless a GPU that stays
		 * on the host needs it. */
		user = gpu_using(h, other, passed, n_passed);
		if (user)
			igp_plan_add_note(&p, "Not blacklisting %s: %s uses it.", other, user->address);
		else if ((r = add_want(&w, &nw, IGP_KWANT_LIST, "module_blacklist", other)) < 0)
			goto out;
		if (streq(drv, "i915") && !igp_exists(IGP_SYS_MODULE "/i915/parameters/max_vfs"))
			igp_plan_add_note(&p, "The running i915 has no max_vfs parameter: install "
					      "i915-sriov-dkms for this kernel, or the VFs will not appear.");
		r = strcat_line(&modprobe, "# Written by igpuctl setup --mode sriov for %s.", dev->address);
		if (r >= 0)
			r = streq(drv, "i915")
				? strcat_line(&modprobe, "options i915 enable_guc=3 max_vfs=%d", n)
				: strcat_line(&modprobe, "options xe max_vfs=%d force_probe=%04x", n,
					      dev->device);
		if (r < 0)
			goto out;

		/* The VF count after a reboot. */
		{
			const char *rel = igp_sysfs_relative(dev->sysfs_path);
			_cleanup_free_ char *line = NULL;
			if (rel && igp_is_dir(IGP_ETC_SYSFS_D)) {
				line = strdupf("# Written by igpuctl setup --mode sriov.\n"
					       "%s/sriov_numvfs = %d\n",
					       rel, n);
				r = line ? plan_owned(&p, IGP_ETC_SYSFS_D_IGPUCTL, line, 0,
						      "VF count at boot (sysfsutils)", ret_error)
					 : -ENOMEM;
			} else if (rel && igp_exists(IGP_ETC_SYSFS_CONF)) {
				char *lines[2] = {NULL, NULL};
				line = strdupf("%s/sriov_numvfs = %d", rel, n);
				lines[0] = line;
				r = line ? plan_lines(&p, IGP_ETC_SYSFS_CONF, lines, 0,
						      "VF count at boot (sysfsutils)", ret_error)
					 : -ENOMEM;
			} else {
				/* The same rule `igpuctl vfs --persist` writes. */
				_cleanup_free_ char *rule_path = igp_sriov_udev_rule_path(dev->address);
				r = rule_path ? igp_text_check(rule_path, ret_error) : -ENOMEM;
				if (r >= 0)
					r = igp_sriov_plan_udev_rule(&p, dev->address, n,
								     "VF count at boot (udev rule)");
			}
			if (r < 0)
				goto out;
		}
	}
	if (o->mode == IGP_METHOD_FULL) {
		if (o->acs_override) {
			r = add_want(&w, &nw, IGP_KWANT_SET, "pcie_acs_override", o->acs_override);
			if (r < 0)
				goto out;
			igp_plan_add_note(&p,
					  "pcie_acs_override=%s splits IOMMU groups by pretending "
					  "devices isolate each other: it weakens isolation, and only "
					  "patched kernels (Proxmox VE's) know it.",
					  o->acs_override);
		}
		for (char **s = o->blacklist; s && *s; s++) {
			r = add_want(&w, &nw, IGP_KWANT_LIST, "modprobe.blacklist", *s);
			if (r < 0)
				goto out;
			igp_plan_add_note(&p, "modprobe.blacklist=%s: the host never loads %s.", *s, *s);
		}
	}
	if (o->kvm_ignore_msrs) {
		r = add_want(&w, &nw, IGP_KWANT_SET, "kvm.ignore_msrs", "1");
		if (r < 0)
			goto out;
		igp_plan_add_note(&p, "kvm.ignore_msrs=1: guests' accesses to unknown MSRs are "
				      "ignored instead of failing (some Windows guests need it; it can "
				      "hide guest bugs).");
	}
	for (char **s = o->params; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		char *k = strndup(*s, eq ? (size_t)(eq - *s) : strlen(*s));
		if (!k || strv_consume(&param_keys, k) < 0 || strv_push(&param_vals, eq ? eq + 1 : "") < 0) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; param_keys && param_keys[i]; i++) {
		r = add_want(&w, &nw, IGP_KWANT_SET, param_keys[i],
			     strchr(o->params[i], '=') ? param_vals[i] : NULL);
		if (r < 0)
			goto out;
	}
	r = igp_bootloader_plan_cmdline(&info.boot, &p, w, nw, &info.revert_argvs, ret_error);
	if (r < 0)
		goto out;

	/* Modules and driver configuration. */
	if (o->mode == IGP_METHOD_FULL) {
		_cleanup_strv_free_ char **mods = NULL, **ids = NULL, **soft = NULL, **shared = NULL;
		bool virqfd = kver && version_compare(kver, "6.2") < 0;

		if (strv_push(&mods, "vfio") < 0 || strv_push(&mods, "vfio_iommu_type1") < 0 ||
		    strv_push(&mods, "vfio_pci") < 0 || (virqfd && strv_push(&mods, "vfio_virqfd") < 0)) {
			r = -ENOMEM;
			goto out;
		}
		r = igp_modconf_plan_modules(&p, &info.initramfs, mods, true,
					     "vfio modules for PCI passthrough", ret_error);
		if (r < 0)
			goto out;
		for (size_t k = 0; k < n_passed; k++) {
			const struct igp_pci_dev *d = passed[k];
			const char *mod = driver_module(d);
			bool unique = true;
			_cleanup_free_ char *id = strdupf("%04x:%04x", d->vendor, d->device);
			if (!id) {
				r = -ENOMEM;
				goto out;
			}
			/* ids= binds every device with the ID: only when none
			 * other than the passed ones has it. */
			for (size_t i = 0; i < h->n_devs; i++) {
				bool is_passed = false;
				for (size_t q = 0; q < n_passed; q++)
					if (passed[q] == h->devs[i])
						is_passed = true;
				if (!is_passed && h->devs[i]->vendor == d->vendor &&
				    h->devs[i]->device == d->device)
					unique = false;
			}
			if (unique && !strv_contains(ids, id) && strv_push(&ids, id) < 0)
				r = -ENOMEM;
			if (!unique && strv_push(&shared, d->address) < 0)
				r = -ENOMEM;
			if (mod && !strv_contains(soft, mod) && strv_push(&soft, mod) < 0)
				r = -ENOMEM;
			if (r < 0)
				goto out;
		}
		r = strcat_line(&modprobe, "# Written by igpuctl setup --mode full for %s.", dev->address);
		if (r >= 0 && strv_length(ids)) {
			_cleanup_free_ char *list = strdup("");
			for (char **s = ids; list && *s; s++) {
				char *n = strdupf("%s%s%s", list, *list ? "," : "", *s);
				free(list);
				list = n;
			}
			r = list ? strcat_line(&modprobe, "options vfio-pci ids=%s", list) : -ENOMEM;
		}
		/* vfio-pci must be loaded before the GPU driver claims the device. */
		for (char **s = soft; r >= 0 && s && *s; s++)
			r = strcat_line(&modprobe, "softdep %s pre: vfio-pci", *s);
		if (r < 0)
			goto out;
		if (strv_length(shared)) {
			bool driverctl = igp_exists(IGP_USR_LIB_UDEV_DRIVERCTL_RULES) ||
					 igp_exists(IGP_LIB_UDEV_DRIVERCTL_RULES);
			_cleanup_free_ char *rules = strdup("# Written by igpuctl setup --mode full: other "
							    "devices share these IDs, so only these "
							    "addresses go to vfio-pci.\n");
			for (char **a = shared; r >= 0 && a && *a; a++) {
				if (driverctl) {
					_cleanup_free_ char *path =
					    strdupf("%s/pci-%s", IGP_ETC_DRIVERCTL_D, *a);
					r = path ? plan_owned(&p, path, "vfio-pci\n", 0,
							      "driverctl override (another device "
							      "shares the ID)",
							      ret_error)
						 : -ENOMEM;
				} else {
					r = strcat_line(
					    &rules,
					    "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", "
					    "ATTR{driver_override}=\"vfio-pci\"",
					    *a);
				}
			}
			if (r >= 0 && !driverctl)
				r = plan_owned(&p, IGP_ETC_UDEV_RULES_VFIO, rules, IGP_REFRESH_INITRAMFS,
					       "per-device driver_override (another device shares "
					       "the ID)",
					       ret_error);
			if (r < 0)
				goto out;
			igp_plan_add_note(&p,
					  "Other devices have the same PCI ID as %s, so vfio-pci "
					  "\"ids=\" is not used; the device is claimed by address.",
					  shared[0]);
		}
	} else if (o->mode == IGP_METHOD_GVTG) {
		_cleanup_strv_free_ char **mods = NULL;
		/* vfio_mdev was merged into mdev in 5.14; listing it after
		 * that fails. */
		if (strv_push(&mods, "kvmgt") < 0 ||
		    (kver && version_compare(kver, "5.14") < 0 && strv_push(&mods, "vfio_mdev") < 0)) {
			r = -ENOMEM;
			goto out;
		}
		r = igp_modconf_plan_modules(&p, &info.initramfs, mods, false, "kvmgt for GVT-g vGPUs",
					     ret_error);
		if (r >= 0)
			r = strcat_line(&modprobe, "# Written by igpuctl setup --mode gvt-g for %s.",
					dev->address);
		if (r >= 0)
			r = strcat_line(&modprobe, "options i915 enable_gvt=1");
		if (r < 0)
			goto out;
	}
	if (modprobe) {
		_cleanup_free_ char *content = strdupf("%s# `igpuctl revert` removes this file.\n", modprobe);
		r = content ? plan_owned(&p, IGP_ETC_MODPROBE_D_IGPUCTL, content, IGP_REFRESH_INITRAMFS,
					 "driver configuration", ret_error)
			    : -ENOMEM;
		if (r < 0)
			goto out;
	}

	/* Commands: rebuild the initramfs first, then refresh the loader
	 * (proxmox-boot-tool also copies the new initramfs to the ESPs). */
	if (info.initramfs.argv) {
		char **a = NULL;
		for (char **s = info.initramfs.argv; *s; s++)
			if (strv_push(&a, *s) < 0) {
				strv_free(a);
				r = -ENOMEM;
				goto out;
			}
		r = igp_plan_add_cmd(&p, a, IGP_REFRESH_INITRAMFS, "rebuild the initramfs");
		if (r < 0)
			goto out;
		/* First: kernelstub and proxmox-boot-tool copy the new
		 * initramfs to the ESP when they run. */
		{
			struct igp_plan_cmd last = p.cmds[p.n_cmds - 1];
			memmove(p.cmds + 1, p.cmds, (p.n_cmds - 1) * sizeof(*p.cmds));
			p.cmds[0] = last;
		}
	}
	if (info.boot.refresh) {
		char **a = NULL;
		for (char **s = info.boot.refresh; *s; s++)
			if (strv_push(&a, *s) < 0) {
				strv_free(a);
				r = -ENOMEM;
				goto out;
			}
		r = igp_plan_add_cmd(&p, a,
				     info.boot.kind == IGP_BOOT_PVE_SDBOOT || info.boot.grub == IGP_GRUB_PVE
					 ? IGP_REFRESH_BOOT | IGP_REFRESH_INITRAMFS
					 : IGP_REFRESH_BOOT,
				     "apply the boot loader configuration");
		if (r < 0)
			goto out;
	}
	if (o->mode == IGP_METHOD_FULL && info.initramfs.ops && info.initramfs.ops->modprobe_d_missing) {
		_cleanup_free_ char *why = info.initramfs.ops->modprobe_d_missing();
		if (why)
			igp_plan_add_note(&p, "%s: the initramfs will not carry %s; add it.", why,
					  IGP_ETC_MODPROBE_D_IGPUCTL);
	}
	*ret = p;
	p = (struct igp_plan){0};
	*ret_info = info;
	info = (struct igp_setup_info){0};
	r = 0;
out:
	if (have_iso)
		igp_isolation_report_done(&iso);
	igp_plan_done(&p);
	igp_setup_info_done(&info);
	return r;
}
