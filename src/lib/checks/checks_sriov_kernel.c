/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SR-IOV across kernel updates and Secure Boot: the i915-sriov-dkms module
 * built for the kernel that boots next (model/sriov_route.h), and a module
 * that Secure Boot keeps from loading.
 */
#include "base/paths.h"
#include "checks/checks_int.h"
#include "model/sriov_route.h"
#include "model/versions.h"

/* `dkms autoinstall -k KVER` with its headers package, or on Proxmox VE the
 * running kernel pinned (proxmox-boot-tool, proxmox-kernel-helper) when its
 * own module is built and fits. */
static char *rebuild_remedy(struct check_ctx *c, const struct igp_pci_dev *gpu, const char *kver)
{
	_cleanup_free_ char *headers = NULL;
	const char *running = c->h->kernel_release;
	const struct igp_sriov_routes *now = NULL;

	if (igp_host_kernel_headers_package(c->h, kver, &headers) < 0 || !headers)
		return NULL;
	if (ctx_is_proxmox(c) && running && !streq(running, kver) &&
	    igp_host_sriov_routes(c->h, gpu, running, &now) >= 0 && now->dkms_built)
		return strdupf(
		    "Before the reboot, build it (`dkms autoinstall -k %s`, with %s installed), or "
		    "stay on the running kernel, whose module is built "
		    "(`proxmox-boot-tool kernel pin %s`).",
		    kver, headers, running);
	return strdupf("Before the reboot, build it: `dkms autoinstall -k %s` (with %s installed).", kver,
		       headers);
}

/* KVER outside the installed release's kernels: the release that supports
 * it (model/sriov_route.h), or the kernels the installed one does. */
static char *range_remedy(const struct igp_sriov_routes *r, const char *kver)
{
	const char *min, *max, *rel = igp_sriov_dkms_release_for(kver, &min, &max);

	if (rel)
		return strdupf("Install i915-sriov-dkms %s or newer (Linux %s to %s), or boot a "
			       "kernel from %s to %s.",
			       rel, min, max, r->dkms_min, r->dkms_max);
	return strdupf("No i915-sriov-dkms release igpuctl knows supports %s: boot a kernel from %s "
		       "to %s (or check github.com/strongtz/i915-sriov-dkms for a newer release).",
		       kver, r->dkms_min, r->dkms_max);
}

/* R's module exists but libkmod read no vermagic from it: a damaged file,
 * or a compression libkmod was built without (kmod --version: +XZ +ZSTD
 * +ZLIB; Ubuntu's DKMS modules are .ko.zst).  Whether it fits KVER is not
 * known, so a warning, with a way to read it that needs no libkmod. */
static int next_kernel_unread(struct check_ctx *c, const struct igp_pci_dev *gpu,
			      const struct igp_sriov_routes *r, const char *kver, const char *why)
{
	const char *m = r->dkms_module;
	const char *cat = endswith(m, ".xz")	? "xzcat"
			  : endswith(m, ".zst") ? "zstdcat"
			  : endswith(m, ".gz")	? "zcat"
						: NULL;
	_cleanup_free_ char *show = cat ? strdupf("%s %s | grep -ao 'vermagic=[^[:cntrl:]]*'", cat, m)
					: strdupf("grep -ao 'vermagic=[^[:cntrl:]]*' %s", m);

	if (!show)
		return -ENOMEM;
	return check_add(
	    c, "sriov.next_kernel", gpu, IGP_CHECK_WARN,
	    strdupf("`%s` shows the kernel it was built for; if that is not %s, or the file is damaged, "
		    "build it again: `dkms install --force i915-sriov-dkms/%s -k %s`.",
		    show, kver, r->dkms_version ? r->dkms_version : "VERSION", kver),
	    "libkmod cannot read the vermagic of %s%s, so whether it was built for %s, the kernel that "
	    "boots next (%s), is not known.",
	    m,
	    cat ? " (damaged, or compressed in a way this libkmod was built without: `kmod --version` "
		  "lists +XZ +ZSTD +ZLIB)"
		: "",
	    kver, why);
}

int check_sriov_next_kernel(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.next_kernel";
	const struct igp_next_boot *nb = ctx_next_kernel(c);
	const struct igp_sriov_routes *r;
	const char *kver;
	int k;

	if (ctx_sriov_route(c, gpu) != IGP_SRIOV_ROUTE_DKMS)
		return check_add(
		    c, id, gpu, IGP_CHECK_SKIP, NULL,
		    "The SR-IOV route of %s is not i915-sriov-dkms: no out-of-tree module to rebuild.",
		    gpu->address);
	if (!nb || !nb->kernel)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "No installed kernel was found, so the one that boots next cannot be told.");
	kver = nb->kernel->release;
	k = igp_host_sriov_routes(c->h, gpu, kver, &r);
	if (k < 0)
		return k;
	if (!r->dkms_module && !r->dkms_version)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "i915-sriov-dkms is not installed (no DKMS tree, no package): there "
				 "is no module to check for %s, the kernel that boots next.",
				 kver);
	if (!r->dkms_module)
		return check_add(c, id, gpu, IGP_CHECK_FAIL, rebuild_remedy(c, gpu, kver),
				 "%s, the kernel that boots next (%s), has no i915-sriov-dkms module in "
				 "%s/%s/updates/dkms: SR-IOV is gone after the reboot.",
				 kver, nb->why, IGP_LIB_MODULES, kver);
	if (!r->dkms_vermagic)
		return next_kernel_unread(c, gpu, r, kver, nb->why);
	if (!r->dkms_built)
		return check_add(
		    c, id, gpu, IGP_CHECK_FAIL, rebuild_remedy(c, gpu, kver),
		    "%s was built for another kernel (vermagic \"%s\"), not for %s, the kernel that "
		    "boots next (%s): it will not load.",
		    r->dkms_module, r->dkms_vermagic, kver, nb->why);
	if (r->dkms_in_range == 0)
		return check_add(
		    c, id, gpu, IGP_CHECK_WARN, range_remedy(r, kver),
		    "i915-sriov-dkms %s (%s) supports Linux %s to %s, and %s, the kernel that boots "
		    "next, is outside that range.",
		    r->dkms_version, r->dkms_source, r->dkms_min, r->dkms_max, kver);
	return check_add(
	    c, id, gpu, IGP_CHECK_PASS, NULL, "%s is built for %s, the kernel that boots next (%s)%s%s%s.",
	    r->dkms_module, kver, nb->why, r->dkms_in_range < 0 ? "; i915-sriov-dkms " : "",
	    r->dkms_in_range < 0 ? (r->dkms_version ? r->dkms_version : "(release unknown)") : "",
	    r->dkms_in_range < 0 ? " is a release whose supported kernels are not known" : "");
}

/* The kernel's words when module signature checking keeps a module out
 * (kernel/module/signing.c: "Loading of %s is rejected" with "module with
 * unavailable key" or "unsigned module"; security/lockdown/lockdown.c:
 * "unsigned module loading is restricted"). */
static const char *signature_refusal(const char *log)
{
	static const char *const words[] = {
	    "Loading of module with unavailable key is rejected",
	    "Loading of unsigned module is rejected",
	    "unsigned module loading is restricted",
	};

	for (size_t i = 0; log && i < ELEMENTSOF(words); i++)
		if (strstr(log, words[i]))
			return words[i];
	return NULL;
}

#define MOK_REMEDY                                                                                           \
	"`mokutil --import " IGP_VAR_LIB_DKMS_MOK_PUB "`, then reboot and enrol the key at the MOK "         \
	"manager screen (Enroll MOK) before the system starts."

int check_sriov_secure_boot(struct check_ctx *c, const struct igp_pci_dev *gpu)
{
	const char *id = "sriov.secure_boot", *why = NULL, *log, *refused;
	_cleanup_free_ char *nolog = NULL;
	const struct igp_sriov_routes *r;
	int sb = igp_host_secure_boot(c->h), k;

	if (sb < 0)
		return check_add(c, id, gpu, IGP_CHECK_SKIP, NULL,
				 "The Secure Boot state is unknown (no %s).", IGP_SYS_EFIVAR_SECURE_BOOT);
	if (sb == 0)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "Secure Boot is off (efivars SecureBoot): any module loads.");
	if (ctx_sriov_route(c, gpu) != IGP_SRIOV_ROUTE_DKMS)
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "Secure Boot is on (efivars SecureBoot); xe is part of the signed kernel.");
	k = igp_host_sriov_routes(c->h, gpu, NULL, &r);
	if (k < 0)
		return k;
	/* A module built for another kernel is sriov.next_kernel's matter: it
	 * would not load whatever its signature. */
	if (!r->dkms_built || !(sriov_stock_i915(c) || !ctx_module_loaded(c, "i915")))
		return check_add(c, id, gpu, IGP_CHECK_PASS, NULL,
				 "Secure Boot is on (efivars SecureBoot) and nothing shows "
				 "i915-sriov-dkms's module being refused on %s.",
				 r->kernel);
	log = ctx_dmesg(c, &why);
	refused = signature_refusal(log);
	if (refused)
		return check_add(c, id, gpu, IGP_CHECK_FAIL, strdup(MOK_REMEDY),
				 "Secure Boot is on (efivars SecureBoot) and the kernel refused a module "
				 "(\"%s\", %s): %s is signed with a key it does not trust, so the "
				 "i915 with SR-IOV is not in use.",
				 refused, why ? why : "kernel log", r->dkms_module);
	nolog = log ? strdup("") : strdupf(" (no kernel log: %s)", why ? why : "none");
	if (!nolog)
		return -ENOMEM;
	return check_add(c, id, gpu, IGP_CHECK_WARN, strdup(MOK_REMEDY),
			 "Secure Boot is on (efivars SecureBoot) and %s is built for %s, but the i915 "
			 "with SR-IOV is not in use: if the kernel log says \"Loading of module with "
			 "unavailable key is rejected\", its key is not enrolled%s.",
			 r->dkms_module, r->kernel, nolog);
}
