/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host facts the checks share, each read once per run through the path context. */
#include <ctype.h>
#include <fcntl.h>
#include <libkmod.h>

#include "boot/bootloader.h"
#include "checks/checks_int.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "model/versions.h"

const char *ctx_cpuinfo(struct check_ctx *c)
{
	if (!c->cpuinfo_done) {
		c->cpuinfo_done = true;
		if (igp_read_file(IGP_PROC_CPUINFO, &c->cpuinfo, NULL) < 0)
			c->cpuinfo = NULL;
	}
	return c->cpuinfo;
}

/* The value of the first "KEY\t: value" line of /proc/cpuinfo, or NULL. */
static char *cpuinfo_field(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len > kl && strncmp(l, key, kl) == 0 && (l[kl] == '\t' || l[kl] == ' ' || l[kl] == ':')) {
			const char *colon = memchr(l, ':', len);
			if (colon) {
				const char *v = colon + 1;
				while (*v == ' ')
					v++;
				return strndup(v, (size_t)(l + len - v));
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

const char *ctx_cpu_virt_flag(struct check_ctx *c, bool *ret_amd)
{
	const char *text = ctx_cpuinfo(c);
	_cleanup_free_ char *flags = NULL, *vendor = NULL;
	_cleanup_strv_free_ char **v = NULL;

	if (ret_amd)
		*ret_amd = false;
	if (!text)
		return NULL;
	vendor = cpuinfo_field(text, "vendor_id");
	if (ret_amd && vendor && streq(vendor, "AuthenticAMD"))
		*ret_amd = true;
	flags = cpuinfo_field(text, "flags");
	if (!flags || strv_split(flags, " \t", &v) < 0)
		return NULL;
	if (strv_contains(v, "vmx"))
		return "vmx";
	if (strv_contains(v, "svm"))
		return "svm";
	return NULL;
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

/* Messages of /dev/kmsg records ("6,339,5140900,-;text\n key=value..."). */
static char *read_kmsg(int fd)
{
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char buf[8192];

	if (!f)
		return NULL;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		char *semi, *end;

		if (n < 0) {
			if (errno == EINTR || errno == EPIPE) /* EPIPE: a record was overwritten */
				continue;
			break; /* EAGAIN: no more records */
		}
		if (n == 0)
			break;
		buf[n] = '\0';
		semi = strchr(buf, ';');
		if (!semi)
			continue;
		end = strchr(semi + 1, '\n');
		if (end)
			*end = '\0';
		fprintf(f, "%s\n", semi + 1);
	}
	if (fclose(f) != 0)
		return NULL;
	return TAKE_PTR(out);
}

const char *ctx_dmesg(struct check_ctx *c, const char **ret_why)
{
	if (!c->dmesg_done) {
		c->dmesg_done = true;
		/* A captured tree carries its own log; on the running host the
		 * kernel's ring buffer is read without blocking (it needs
		 * CAP_SYSLOG when kernel.dmesg_restrict is 1). */
		if (igp_read_file(IGP_CAPTURED_DMESG, &c->dmesg, NULL) >= 0) {
			c->dmesg_source = "the captured kernel log";
		} else if (igp_root_is_host()) {
			int fd = igp_open(IGP_DEV_KMSG, O_RDONLY | O_NONBLOCK, 0);
			if (fd >= 0) {
				c->dmesg = read_kmsg(fd);
				close(fd);
				c->dmesg_source = "the kernel log";
			} else {
				c->dmesg = NULL;
				c->dmesg_source = fd == -EPERM || fd == -EACCES
						      ? "the kernel log is not readable (run as root)"
						      : "the kernel log is not readable";
			}
		} else {
			c->dmesg = NULL;
			c->dmesg_source = "no kernel log was captured with this tree";
		}
	}
	if (ret_why)
		*ret_why = c->dmesg_source;
	return c->dmesg;
}

/* ---- modules ---- */

static void normalize_module(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static void kmod_load(struct check_ctx *c)
{
	_cleanup_free_ char *dir = NULL, *fdpath = NULL, *softdep = NULL, *builtin_path = NULL, *text = NULL;
	static const char *const no_config[] = {NULL};

	if (c->kmod_done)
		return;
	c->kmod_done = true;
	if (!c->h->kernel_release)
		return;
	dir = strdupf("%s/%s", IGP_LIB_MODULES, c->h->kernel_release);
	if (!dir)
		return;
	c->moddir_fd = igp_open(dir, O_PATH | O_DIRECTORY, 0);
	if (c->moddir_fd < 0) {
		c->moddir_fd = -1;
		return;
	}
	/* libkmod opens files by path; handing it the directory fd opened
	 * inside the root keeps --root reads inside the root.  No modprobe.d
	 * configuration: only the kernel's own indexes matter here. */
	fdpath = strdupf("%s/%d", IGP_PROC_SELF_FD, c->moddir_fd);
	softdep = fdpath ? strdupf("%s/modules.softdep", fdpath) : NULL;
	if (fdpath && softdep) {
		/* The kernel's MODULE_SOFTDEP lines (depmod's modules.softdep)
		 * are read as configuration, like modprobe does. */
		const char *const config[] = {softdep, NULL};
		c->kmod = kmod_new(fdpath, igp_access(softdep) == 0 ? config : no_config);
	}

	builtin_path = strdupf("%s/modules.builtin", dir);
	if (builtin_path && igp_read_file(builtin_path, &text, NULL) >= 0) {
		_cleanup_strv_free_ char **lines = NULL;
		if (strv_split(text, "\n", &lines) >= 0)
			for (char **l = lines; *l; l++) {
				/* "kernel/drivers/vfio/vfio.ko" */
				char *b = strrchr(*l, '/');
				char *name = strdup(b ? b + 1 : *l);
				char *dot;
				if (!name)
					break;
				dot = strstr(name, ".ko");
				if (dot)
					*dot = '\0';
				normalize_module(name);
				if (strv_consume(&c->builtin, name) < 0)
					break;
			}
	}
}

bool ctx_module_builtin(struct check_ctx *c, const char *name)
{
	_cleanup_free_ char *n = strdup(name);

	kmod_load(c);
	if (!n)
		return false;
	normalize_module(n);
	return strv_contains(c->builtin, n);
}

bool ctx_module_loaded(struct check_ctx *c, const char *name)
{
	_cleanup_free_ char *text = NULL;

	if (igp_read_file(IGP_PROC_MODULES, &text, NULL) >= 0)
		for (const char *l = text; l && *l;) {
			size_t n = strcspn(l, " \n");
			_cleanup_free_ char *m = strndup(l, n);
			if (m && igp_module_name_eq(m, name))
				return true;
			l = strchr(l, '\n');
			l = l ? l + 1 : NULL;
		}
	return false;
}

int ctx_module_available(struct check_ctx *c, const char *name)
{
	struct kmod_list *list = NULL;
	int r;

	kmod_load(c);
	if (ctx_module_builtin(c, name))
		return 1;
	if (!c->kmod)
		return -ENOENT;
	r = kmod_module_new_from_lookup(c->kmod, name, &list);
	if (r < 0)
		return r == -ENOSYS ? -ENOENT : r; /* ENOSYS: no modules.dep.bin */
	r = list != NULL;
	kmod_module_unref_list(list);
	return r;
}

char *ctx_module_param(const char *module, const char *param)
{
	_cleanup_free_ char *p = strdupf("%s/%s/parameters/%s", IGP_SYS_MODULE, module, param);
	char *v = NULL;

	if (!p || igp_read_attr(p, &v) < 0)
		return NULL;
	return v;
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
	_cleanup_free_ char *alt = strdup(key);
	const char *v = igp_host_cmdline_get(c->h, key, buf, size);

	/* The kernel compares names with '-' and '_' as equal (parameq). */
	if (v || !alt)
		return v;
	for (char *p = alt; *p && *p != '='; p++)
		if (*p == '_')
			*p = '-';
		else if (*p == '-')
			*p = '_';
	return streq(alt, key) ? NULL : igp_host_cmdline_get(c->h, alt, buf, size);
}

bool ctx_is_proxmox(struct check_ctx *c)
{
	return igp_host_is_proxmox(c->h);
}

const char *ctx_kernel(struct check_ctx *c)
{
	return c->h->kernel_release ? c->h->kernel_release : "the running kernel";
}

bool ctx_kernel_at_least(struct check_ctx *c, int major, int minor)
{
	int cmp;
	return igp_kernel_version_cmp(c->h->kernel_release, major, minor, &cmp) >= 0 && cmp >= 0;
}

const char *initramfs_command(struct check_ctx *c)
{
	if (!c->initramfs_cmd) {
		struct igp_initramfs ir;
		_cleanup_free_ char *ids = NULL;

		if (igp_initramfs_detect(&ir) >= 0) {
			if (ir.argv) {
				size_t len = 0;
				FILE *f = open_memstream(&c->initramfs_cmd, &len);
				if (f) {
					for (char **a = ir.argv; *a; a++)
						fprintf(f, "%s%s", a == ir.argv ? "" : " ", *a);
					if (fclose(f) != 0) {
						free(c->initramfs_cmd);
						c->initramfs_cmd = NULL;
					}
				}
			}
			igp_initramfs_done(&ir);
		}
		if (c->initramfs_cmd)
			return c->initramfs_cmd;
		/* No initramfs tool's configuration in the tree: name the
		 * distribution's own. */
		if (igp_os_ids(&ids) >= 0 && (igp_os_is(ids, "fedora") || igp_os_is(ids, "rhel")))
			return "dracut --regenerate-all --force";
		if (ids && igp_os_is(ids, "arch"))
			return "mkinitcpio -P";
		return "update-initramfs -u -k all";
	}
	return c->initramfs_cmd;
}
