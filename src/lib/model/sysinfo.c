/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <fcntl.h>

#include "base/paths.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "model/host_cache.h"
#include "model/sysinfo.h"

void igp_sysinfo_cache_done(struct igp_host_cache *c)
{
	free(c->cpuinfo);
	free(c->cpu.vendor);
	free(c->cpu.model);
	free(c->dmesg);
}

const char *igp_host_cpuinfo(const struct igp_host *h)
{
	struct igp_host_cache *c = h->cache;

	if (!c)
		return NULL;
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

int igp_host_cpu(const struct igp_host *h, const struct igp_cpu **ret)
{
	struct igp_host_cache *c = h->cache;
	const char *text = igp_host_cpuinfo(h);

	if (!text)
		return -ENOENT;
	if (!c->cpu_done) {
		_cleanup_free_ char *flags = NULL;
		_cleanup_strv_free_ char **v = NULL;

		c->cpu.vendor = cpuinfo_field(text, "vendor_id");
		c->cpu.model = cpuinfo_field(text, "model name");
		c->cpu.amd = c->cpu.vendor && streq(c->cpu.vendor, "AuthenticAMD");
		flags = cpuinfo_field(text, "flags");
		if (flags && strv_split(flags, " \t", &v) < 0)
			return -ENOMEM;
		c->cpu.virt_flag = strv_contains(v, "vmx") ? "vmx" : strv_contains(v, "svm") ? "svm" : NULL;
		/* X86_FEATURE_HYPERVISOR: the CPUID bit hypervisors set for their guests. */
		c->cpu.hypervisor = strv_contains(v, "hypervisor");
		c->cpu_done = true;
	}
	*ret = &c->cpu;
	return 0;
}

int igp_cpuinfo_phys_bits(const char *cpuinfo)
{
	_cleanup_free_ char *v = cpuinfo ? cpuinfo_field(cpuinfo, "address sizes") : NULL;
	unsigned long n;
	char *end;

	if (!v)
		return -ENOENT;
	/* arch/x86/kernel/cpu/proc.c: "address sizes\t: %u bits physical, %u bits virtual" */
	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || n == 0 || n > 64 || !startswith(end, " bits physical"))
		return -EINVAL;
	return (int)n;
}

int igp_dmar_cap_mgaw(const char *cap)
{
	unsigned long long c;
	char *end;

	if (!cap)
		return -EINVAL;
	while (*cap == ' ' || *cap == '\t')
		cap++;
	if (!isxdigit((unsigned char)cap[0]))
		return -EINVAL;
	errno = 0;
	c = strtoull(cap, &end, 16);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || *end)
		return -EINVAL;
	return (int)((c >> 16) & 0x3f) + 1;
}

const struct igp_phys_bits *igp_host_phys_bits(const struct igp_host *h)
{
	static const struct igp_phys_bits unknown = {-1, -1};
	struct igp_host_cache *c = h->cache;

	if (!c)
		return &unknown;
	if (!c->phys_bits_done) {
		int r = igp_cpuinfo_phys_bits(igp_host_cpuinfo(h));
		c->phys_bits = unknown;
		c->phys_bits.cpu = r > 0 ? r : -1;
		/* Every unit maps DMA for its devices: the narrowest decides. */
		for (char **u = h->iommu_units; u && *u; u++) {
			_cleanup_free_ char *cap = NULL;
			if (!startswith(*u, "dmar") ||
			    igp_read_attrf(&cap, IGP_SYS_CLASS_IOMMU "/%s/intel-iommu/cap", *u) < 0)
				continue;
			r = igp_dmar_cap_mgaw(cap);
			if (r > 0 && (c->phys_bits.iommu < 0 || r < c->phys_bits.iommu))
				c->phys_bits.iommu = r;
		}
		c->phys_bits_done = true;
	}
	return &c->phys_bits;
}

/* Messages of /dev/kmsg records ("6,339,5140900,-;text\n key=value..."). */
static char *read_kmsg(int fd)
{
	_cleanup_strbuf_ struct strbuf b = {};
	char buf[8192];

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
		strbuf_printf(&b, "%s\n", semi + 1);
	}
	return strbuf_steal(&b);
}

static void dmesg_load(struct igp_host_cache *c)
{
	int fd;

	if (igp_read_file(IGP_CAPTURED_DMESG, &c->dmesg, NULL) >= 0) {
		c->dmesg_source = "the captured kernel log";
		return;
	}
	c->dmesg = NULL;
	if (!igp_root_is_host()) {
		c->dmesg_source = "no kernel log was captured with this tree";
		return;
	}
	fd = igp_open(IGP_DEV_KMSG, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		c->dmesg_source = fd == -EPERM || fd == -EACCES
				      ? "the kernel log is not readable (run as root)"
				      : "the kernel log is not readable";
		return;
	}
	c->dmesg = read_kmsg(fd);
	close(fd);
	c->dmesg_source = "the kernel log";
}

const char *igp_host_dmesg(const struct igp_host *h, const char **ret_source)
{
	struct igp_host_cache *c = h->cache;

	if (!c) {
		if (ret_source)
			*ret_source = "the kernel log is not readable";
		return NULL;
	}
	if (!c->dmesg_done) {
		c->dmesg_done = true;
		dmesg_load(c);
	}
	if (ret_source)
		*ret_source = c->dmesg_source;
	return c->dmesg;
}
