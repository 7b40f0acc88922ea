/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host facts the checks share: thin wrappers over the host model (model/),
 * which reads each once per run; and modprobe.d (modules/modprobe.h).
 */
#include "boot/bootloader.h"
#include "checks/checks_int.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "model/bootinfo.h"
#include "model/kernels.h"
#include "model/modules.h"
#include "model/sysinfo.h"
#include "model/versions.h"

const char *ctx_cpuinfo(struct check_ctx *c)
{
	return igp_host_cpuinfo(c->h);
}

const char *ctx_cpu_virt_flag(struct check_ctx *c, bool *ret_amd)
{
	const struct igp_cpu *cpu;

	if (igp_host_cpu(c->h, &cpu) < 0) {
		if (ret_amd)
			*ret_amd = false;
		return NULL;
	}
	if (ret_amd)
		*ret_amd = cpu->amd;
	return cpu->virt_flag;
}

bool ctx_iommu_amd(struct check_ctx *c)
{
	bool amd;

	for (char **u = c->h->iommu_units; u && *u; u++) {
		if (startswith(*u, "dmar"))
			return false;
		if (startswith(*u, "ivhd"))
			return true;
	}
	if (igp_exists(IGP_SYS_ACPI_TABLE_DMAR))
		return false;
	if (igp_exists(IGP_SYS_ACPI_TABLE_IVRS))
		return true;
	ctx_cpu_virt_flag(c, &amd);
	return amd;
}

const struct igp_pci_dev *ctx_igpu_untranslated(struct check_ctx *c)
{
	if (!c->h->iommu_active)
		return NULL;
	for (size_t t = 0; t < c->n_targets; t++) {
		const struct igp_pci_dev *g = c->targets[t].gpu;
		if (c->targets[t].mode != IGP_METHOD_GVTG && igp_pci_dev_is_intel_igpu(g) &&
		    g->iommu_group < 0)
			return g;
	}
	return NULL;
}

int ctx_iommu_table(struct check_ctx *c)
{
	if (!igp_is_dir(IGP_SYS_ACPI_TABLES))
		return -1;
	return igp_exists(ctx_iommu_amd(c) ? IGP_SYS_ACPI_TABLE_IVRS : IGP_SYS_ACPI_TABLE_DMAR);
}

const char *ctx_dmesg(struct check_ctx *c, const char **ret_why)
{
	return igp_host_dmesg(c->h, ret_why);
}

/* ---- modules ---- */

bool ctx_module_builtin(struct check_ctx *c, const char *name)
{
	return igp_host_module_builtin(c->h, name);
}

bool ctx_module_loaded(struct check_ctx *c, const char *name)
{
	return igp_host_module_loaded(c->h, name);
}

int ctx_module_available(struct check_ctx *c, const char *name)
{
	return igp_host_module_available(c->h, name);
}

struct kmod_ctx *ctx_kmod(struct check_ctx *c)
{
	return igp_host_kmod(c->h);
}

char *ctx_module_param(struct check_ctx *c, const char *module, const char *param)
{
	const char *v = igp_host_module_param(c->h, module, param);
	return v ? strdup(v) : NULL;
}

const struct igp_modprobe *ctx_modprobe(struct check_ctx *c)
{
	if (!c->modprobe_done) {
		c->modprobe_done = true;
		/* On ENOMEM the checks see no configuration rather than half of it. */
		if (igp_modprobe_read(c->h->cmdline, &c->modprobe) < 0)
			igp_modprobe_done(&c->modprobe);
	}
	return &c->modprobe;
}

char *ctx_modprobe_option(struct check_ctx *c, const char *module, const char *param, unsigned flags,
			  const struct igp_modprobe_entry **ret_entry)
{
	char *v = NULL;

	if (igp_modprobe_option(ctx_modprobe(c), module, param, flags, &v, ret_entry) <= 0)
		return NULL;
	return v;
}

const char *ctx_running_param(struct check_ctx *c, const char *key, char *buf, size_t size)
{
	return igp_host_cmdline_get(c->h, key, buf, size);
}

bool ctx_is_proxmox(struct check_ctx *c)
{
	return igp_host_is_proxmox(c->h);
}

const char *ctx_kernel(struct check_ctx *c)
{
	return c->h->kernel_release ? c->h->kernel_release : "the running kernel";
}

const struct igp_next_boot *ctx_next_kernel(struct check_ctx *c)
{
	const struct igp_next_boot *nb;
	return igp_host_next_kernel(c->h, &nb) >= 0 ? nb : NULL;
}

bool ctx_kernel_at_least(struct check_ctx *c, int major, int minor)
{
	int cmp;
	return igp_kernel_version_cmp(c->h->kernel_release, major, minor, &cmp) >= 0 && cmp >= 0;
}

const char *initramfs_command(struct check_ctx *c)
{
	return igp_host_initramfs_command(c->h);
}
