/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure parsers behind the checks: kernel versions, limits.conf, /proc/iomem. */
#include <ctype.h>
#include <inttypes.h>

#include "checks/checks.h"
#include "base/util.h"

IGP_ENUM_IMPL(igp_check_status, enum igp_check_status, IGP_CHECK_FAIL + 1, [IGP_CHECK_PASS] = "pass",
	      [IGP_CHECK_SKIP] = "skip", [IGP_CHECK_WARN] = "warn", [IGP_CHECK_FAIL] = "fail");

int igp_kernel_version_parse(const char *release, int *ret_major, int *ret_minor)
{
	int maj, min, n = 0;

	if (!release || sscanf(release, "%d.%d%n", &maj, &min, &n) != 2 || n == 0 || maj < 0 || min < 0)
		return -EINVAL;
	*ret_major = maj;
	*ret_minor = min;
	return 0;
}

int igp_kernel_version_cmp(const char *release, int major, int minor, int *ret_cmp)
{
	int maj, min, r;

	r = igp_kernel_version_parse(release, &maj, &min);
	if (r < 0)
		return r;
	*ret_cmp = maj != major ? (maj > major ? 1 : -1) : (min > minor) - (min < minor);
	return 0;
}

/* "unlimited"/"infinity"/"-1" or a number of KiB. */
static int parse_memlock_value(const char *s, long long *ret)
{
	char *end;
	long long v;

	if (streq(s, "unlimited") || streq(s, "infinity") || streq(s, "-1")) {
		*ret = -1;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int set_limit(long long *val, int *prio, char **where, long long v, int p, const char *file,
		     unsigned line)
{
	char *w;

	/* A more specific domain beats "*"; at equal rank the later line wins. */
	if (p < *prio)
		return 0;
	w = strdupf("%s:%u", file, line);
	if (!w)
		return -ENOMEM;
	free(*where);
	*where = w;
	*val = v;
	*prio = p;
	return 0;
}

int igp_limits_memlock_feed(struct igp_memlock *m, const char *text, const char *file, const char *group)
{
	_cleanup_free_ char *grp = strdupf("@%s", group);
	unsigned lineno = 0;
	const char *l = text;

	if (!grp)
		return -ENOMEM;
	while (l && *l) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		_cleanup_free_ char *line = strndup(l, len);
		char dom[256], type[16], item[32], value[64];
		long long v;
		int prio, r;

		lineno++;
		l = nl ? nl + 1 : NULL;
		if (!line)
			return -ENOMEM;
		line[strcspn(line, "#")] = '\0';
		if (sscanf(line, "%255s %15s %31s %63s", dom, type, item, value) != 4)
			continue;
		if (!streq(item, "memlock"))
			continue;
		if (streq(dom, grp))
			prio = 2;
		else if (streq(dom, "*"))
			prio = 1;
		else
			continue;
		if (parse_memlock_value(value, &v) < 0)
			continue;
		if (streq(type, "soft") || streq(type, "-")) {
			r = set_limit(&m->soft, &m->soft_prio, &m->soft_where, v, prio, file, lineno);
			if (r < 0)
				return r;
		}
		if (streq(type, "hard") || streq(type, "-")) {
			r = set_limit(&m->hard, &m->hard_prio, &m->hard_where, v, prio, file, lineno);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

void igp_memlock_done(struct igp_memlock *m)
{
	free(m->soft_where);
	free(m->hard_where);
	m->soft_where = m->hard_where = NULL;
}

static bool is_framebuffer_name(const char *name, size_t len)
{
	static const char *const names[] = {
	    "efifb",	       "simplefb",	   "vesafb",	"BOOTFB", "simple-framebuffer",
	    "efi-framebuffer", "vesa-framebuffer", "simpledrm",
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		size_t n = strlen(names[i]);
		/* "simple-framebuffer.0", "efi-framebuffer.0" */
		if (len >= n && strncmp(name, names[i], n) == 0 && (len == n || name[n] == '.'))
			return true;
	}
	return false;
}

int igp_iomem_framebuffer(const char *iomem, uint64_t start, uint64_t end, char **ret_name)
{
	bool any_nonzero = false;
	const char *l = iomem;

	while (l && *l) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *p = l, *le = l + len, *sep, *name;
		size_t nlen;
		uint64_t s, e;
		char *endp;

		l = nl ? nl + 1 : NULL;
		/* "  4000000000-40002fffff : efifb" (nesting by indentation) */
		while (*p == ' ')
			p++;
		errno = 0;
		s = strtoull(p, &endp, 16);
		if (errno || *endp != '-')
			continue;
		e = strtoull(endp + 1, &endp, 16);
		if (errno)
			continue;
		sep = strstr(endp, " : ");
		if (!sep || sep >= le)
			continue;
		if (s || e)
			any_nonzero = true;
		name = sep + 3;
		nlen = (size_t)(le - name);
		if (!is_framebuffer_name(name, nlen))
			continue;
		if (s <= end && e >= start) {
			*ret_name = strndup(name, nlen);
			return *ret_name ? 0 : -ENOMEM;
		}
	}
	return any_nonzero ? -ENOENT : -EACCES;
}

int igp_vtd_ecap_has_ir(const char *ecap_hex)
{
	unsigned long long v;
	char *end;

	if (!ecap_hex || !*ecap_hex)
		return -EINVAL;
	errno = 0;
	v = strtoull(ecap_hex, &end, 16);
	if (errno || end == ecap_hex)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	/* VT-d spec, Extended Capability Register: bit 3 is IR. */
	return (int)((v >> 3) & 1);
}
