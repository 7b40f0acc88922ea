/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary.md of `igpuctl report`: the host at a glance, for a forum post. */
#include <json-c/json.h>
#include <stdio.h>

#include "base/strbuf.h"
#include "boot/bootloader.h"
#include "cmd.h"
#include "config.h"
#include "model/bootinfo.h"
#include "model/host.h"
#include "model/pci.h"
#include "model/sysinfo.h"
#include "report_int.h"

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : NULL;
}

static void host_table(const struct report_ctx *c, struct strbuf *b)
{
	const struct igp_host *h = c->host;
	const struct igp_cpu *cpu = NULL;
	const struct igp_bootloader *bl = igp_host_bootloader(h);
	_cleanup_free_ char *os = igp_os_release_value("PRETTY_NAME");

	igp_host_cpu(h, &cpu);
	strbuf_printf(b, "| | |\n|---|---|\n| Host | %s |\n",
		      c->keep_hostname && c->names ? c->names[0] : "(redacted)");
	strbuf_printf(b, "| OS | %s |\n| Kernel | %s |\n", os ?: "unknown", h->kernel_release ?: "unknown");
	strbuf_printf(b, "| Command line | `%s` |\n", h->cmdline ?: "");
	strbuf_printf(b, "| CPU | %s |\n",
		      cpu && cpu->model	   ? cpu->model
		      : cpu && cpu->vendor ? cpu->vendor
					   : "unknown");
	strbuf_printf(b, "| IOMMU | %s", h->iommu_active ? "active (" : "not active");
	for (char **u = h->iommu_units; h->iommu_active && u && *u; u++)
		strbuf_printf(b, "%s%s", u == h->iommu_units ? "" : ", ", *u);
	strbuf_printf(b, "%s, %zu groups |\n", h->iommu_active ? ")" : "", h->n_groups);
	strbuf_printf(b, "| Boot loader | %s |\n", bl ? bl->name : "unknown");
	strbuf_printf(b, "| igpuctl | %s |\n\n", IGPUCTL_VERSION);
}

static void gpus(const struct report_ctx *c, struct strbuf *b)
{
	_cleanup_free_ struct igp_pci_dev **g = NULL;
	size_t n = igp_host_gpus(c->host, &g);

	strbuf_puts(b, "## GPUs\n\n");
	for (size_t i = 0; i < n; i++)
		strbuf_printf(b, "- `%s` %s %s [%04x:%04x], driver %s, IOMMU group %d\n", g[i]->address,
			      g[i]->vendor_name ?: "", g[i]->device_name ?: "", g[i]->vendor, g[i]->device,
			      g[i]->driver ?: "none", g[i]->iommu_group);
	if (!n)
		strbuf_puts(b, "none\n");
	strbuf_putc(b, '\n');
}

static void versions(const struct report_ctx *c, struct strbuf *b)
{
	_cleanup_free_ char *p = strdupf("%s/versions.json", c->top);
	struct json_object *o = p ? json_object_from_file(p) : NULL, *v, *m;

	strbuf_puts(b, "## Versions (versions.json)\n\n");
	if (json_object_object_get_ex(o, "qemu", &v) && v)
		strbuf_printf(b, "- QEMU %s (%s)\n", str(v, "version") ?: "?", str(v, "source") ?: "");
	if (json_object_object_get_ex(o, "libvirt", &v) && v)
		strbuf_printf(b, "- libvirt %s (%s)\n", str(v, "version") ?: "?", str(v, "source") ?: "");
	if (str(o, "pve_manager"))
		strbuf_printf(b, "- pve-manager %s\n", str(o, "pve_manager"));
	if (str(o, "kernel_package"))
		strbuf_printf(b, "- kernel package %s\n", str(o, "kernel_package"));
	if (json_object_object_get_ex(o, "dkms", &v))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			m = json_object_array_get_idx(v, i);
			strbuf_printf(b, "- DKMS %s %s\n", str(m, "name") ?: "?", str(m, "version") ?: "?");
		}
	strbuf_putc(b, '\n');
	json_object_put(o);
}

static void checks(const struct report_ctx *c, struct strbuf *b)
{
	_cleanup_free_ char *p = strdupf("%s/check.json", c->top);
	struct json_object *o = p ? json_object_from_file(p) : NULL, *list;
	size_t n = 0;

	strbuf_puts(b, "## Check: failures and warnings (check.json)\n\n");
	if (json_object_object_get_ex(o, "checks", &list))
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *k = json_object_array_get_idx(list, i);
			const char *st = str(k, "status");
			if (!st || (!streq(st, "fail") && !streq(st, "warn")))
				continue;
			strbuf_printf(b, "- **%s** `%s`: %s\n", st, str(k, "id") ?: "?",
				      str(k, "message") ?: "");
			n++;
		}
	strbuf_puts(b, n ? "\n" : "none\n\n");
	json_object_put(o);
}

static const char contents[] =
    "## In this bundle\n\n"
    "- `capture/`: the host as igpuctl reads it (`igpuctl --root capture ...`)\n"
    "- `status.json`, `check.json`, `iommu.json`: igpuctl's answers\n"
    "- `versions.json`: the versions igpuctl probed\n"
    "- `dmesg.txt`: the kernel log's i915, xe, vfio and DMAR lines\n"
    "- `vms.txt`: the running VMs' command lines\n"
    "- `dkms.txt`: DKMS's modules\n"
    "- `commands.log`: what the commands printed on stderr, and their exit status\n\n"
    "MAC and IP addresses, serial numbers%s are replaced.\n";

int report_summary(struct report_ctx *c)
{
	_cleanup_strbuf_ struct strbuf b = {0};
	_cleanup_free_ char *p = strdupf("%s/summary.md", c->top);
	FILE *f;

	report_step("writing summary.md");
	strbuf_puts(&b, "# igpuctl report\n\n");
	host_table(c, &b);
	gpus(c, &b);
	versions(c, &b);
	checks(c, &b);
	strbuf_printf(&b, contents, c->keep_hostname ? "" : " and the host's name");
	if (b.oom || !p || !(f = fopen(p, "we")))
		return log_error_errno(-ENOMEM, "Failed to write summary.md");
	fputs(strbuf_str(&b), f);
	if (fclose(f) != 0)
		return log_error_errno(-EIO, "Failed to write summary.md");
	return 0;
}
