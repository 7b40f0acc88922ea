/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "report/redact.h"

enum { KIND_HW, KIND_V4, KIND_V6 };

/* Host names that are installers' and distributions' defaults: they tell
 * no machine apart, and they are also words that paths and files need
 * (Proxmox VE's /etc/pve, os-release's ID=debian). */
static const char *const generic_names[] = {
    "localhost", "localdomain", "pve",	 "proxmox", "debian", "ubuntu", "fedora",   "arch",
    "archlinux", "raspberrypi", "linux", "host",    "server", "(none)", "redacted", IGP_REDACTED_HOST,
};

bool igp_redact_name_generic(const char *name)
{
	/* Not a host name (RFC 1123: letters, digits, '-', labels joined by
	 * '.'), or digits alone, which are parts of addresses. */
	if (strlen(name) < 2 || name[strspn(name, "0123456789.")] == '\0' ||
	    name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")])
		return true;
	for (size_t i = 0; i < ELEMENTSOF(generic_names); i++)
		if (strcasecmp(name, generic_names[i]) == 0)
			return true;
	return startswith(name, "localhost.");
}

static bool wordc(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static int add_name(struct igp_redactor *r, const char *name, size_t len)
{
	_cleanup_free_ char *n = strndup(name, len);

	if (!n)
		return -ENOMEM;
	if (igp_redact_name_generic(n))
		return 0;
	for (char **p = r->names; p && *p; p++)
		if (strcasecmp(*p, n) == 0)
			return 0;
	return strv_push(&r->names, n);
}

static int by_length_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a, *(char *const *)b);
}

int igp_redactor_init(struct igp_redactor *r, char *const *names)
{
	*r = (struct igp_redactor){0};
	for (char *const *n = names; n && *n; n++) {
		if (!**n)
			continue;
		if (add_name(r, *n, strlen(*n)) < 0 || add_name(r, *n, strcspn(*n, ".")) < 0)
			goto oom;
	}
	if (r->names)
		qsort(r->names, strv_length(r->names), sizeof(char *), by_length_desc);
	return 0;
oom:
	igp_redactor_done(r);
	return -ENOMEM;
}

void igp_redactor_done(struct igp_redactor *r)
{
	strv_free(r->names);
	for (size_t k = 0; k < ELEMENTSOF(r->seen); k++) {
		for (size_t i = 0; i < r->n_seen[k]; i++)
			free(r->seen[k][i]);
		free(r->seen[k]);
	}
	*r = (struct igp_redactor){0};
}

/* The 1-based number of VALUE among the distinct values of KIND; 0 on ENOMEM. */
static size_t seen_index(struct igp_redactor *r, int kind, const char *value, size_t len)
{
	char **v;

	for (size_t i = 0; i < r->n_seen[kind]; i++)
		if (strlen(r->seen[kind][i]) == len && strncasecmp(r->seen[kind][i], value, len) == 0)
			return i + 1;
	v = reallocarray(r->seen[kind], r->n_seen[kind] + 1, sizeof(char *));
	if (!v)
		return 0;
	r->seen[kind] = v;
	if (!(v[r->n_seen[kind]] = strndup(value, len)))
		return 0;
	return ++r->n_seen[kind];
}

static bool hex2(const char *p, size_t n)
{
	return n >= 2 && isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]);
}

/* A hardware address at P: its length and group count, 0 if none. */
static size_t hw_match(const char *p, size_t n, size_t *ret_groups)
{
	size_t g = 0, i = 0;
	char sep;

	if (n < 17 || !hex2(p, n) || (p[2] != ':' && p[2] != '-'))
		return 0;
	sep = p[2];
	for (;;) {
		if (!hex2(p + i, n - i))
			return 0;
		g++;
		i += 2;
		if (i + 2 < n && p[i] == sep && hex2(p + i + 1, n - i - 1))
			i++;
		else
			break;
	}
	if (g < 6 || (i < n && (isxdigit((unsigned char)p[i]) || p[i] == sep)))
		return 0;
	*ret_groups = g;
	return i;
}

/* All zeros, all ones, or a replacement (02:00:...:NN): not redacted. */
static bool hw_keep(const char *p, size_t groups, size_t step)
{
	bool zero = true, ones = true, ours = strncmp(p, "02", 2) == 0;

	for (size_t g = 0; g < groups; g++) {
		const char *x = p + g * step;
		zero = zero && strncmp(x, "00", 2) == 0;
		ones = ones && strncasecmp(x, "ff", 2) == 0;
		if (g > 0 && g + 2 < groups)
			ours = ours && strncmp(x, "00", 2) == 0;
	}
	return zero || ones || ours;
}

static int hw_put(struct strbuf *out, size_t idx, size_t groups, char sep)
{
	for (size_t g = 0; g < groups; g++) {
		unsigned v = g == 0	       ? 2
			     : g == groups - 1 ? idx & 0xff
			     : g == groups - 2 ? (idx >> 8) & 0xff
					       : 0;
		if (g && strbuf_putc(out, sep) < 0)
			return -ENOMEM;
		if (strbuf_printf(out, "%02x", v) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* A MAC, EUI-64 or InfiniBand address at P: redacted into OUT; returns the
 * bytes consumed, 0 for none, -ENOMEM. */
static long redact_hw(struct igp_redactor *r, const char *p, size_t n, struct strbuf *out)
{
	char canon[3 * 64 + 1];
	size_t groups, len = hw_match(p, n, &groups), idx;

	if (!len)
		return 0;
	if (hw_keep(p, groups, 3))
		return strbuf_add(out, p, len) < 0 ? -ENOMEM : (long)len;
	if (groups > 64)
		return 0;
	for (size_t g = 0; g < groups; g++)
		snprintf(canon + 3 * g, 4, "%c%c:", p[3 * g], p[3 * g + 1]);
	if (!(idx = seen_index(r, KIND_HW, canon, 3 * groups - 1)))
		return -ENOMEM;
	return hw_put(out, idx, groups, p[2]) < 0 ? -ENOMEM : (long)len;
}

/* A Linux bridge id, "8000.001122334455": the priority and a MAC. */
static long redact_bridge_id(struct igp_redactor *r, const char *p, size_t n, struct strbuf *out)
{
	char canon[19];
	size_t idx;

	if (n < 17 || p[4] != '.')
		return 0;
	for (size_t i = 0; i < 17; i++)
		if (i != 4 && !isxdigit((unsigned char)p[i]))
			return 0;
	if (n > 17 && isxdigit((unsigned char)p[17]))
		return 0;
	if (strncmp(p + 5, "0200000", 7) == 0 || strspn(p + 5, "0") >= 12 ||
	    strncasecmp(p + 5, "ffffffffffff", 12) == 0)
		return strbuf_add(out, p, 17) < 0 ? -ENOMEM : 17;
	for (size_t g = 0; g < 6; g++)
		snprintf(canon + 3 * g, 4, "%c%c:", p[5 + 2 * g], p[6 + 2 * g]);
	if (!(idx = seen_index(r, KIND_HW, canon, 17)))
		return -ENOMEM;
	if (strbuf_add(out, p, 5) < 0 || strbuf_printf(out, "0200000%05zx", idx & 0xfffff) < 0)
		return -ENOMEM;
	return 17;
}

static bool v6c(char c)
{
	return isxdigit((unsigned char)c) || c == ':' || c == '.';
}

/* An IPv6 address at P (the longest prefix of the run of hex digits,
 * colons and dots that inet_pton() takes, with two colons or more). */
static long redact_v6(struct igp_redactor *r, const char *p, size_t n, struct strbuf *out)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN + 8];
	size_t len = 0, colons = 0, idx;

	while (len < n && v6c(p[len]))
		colons += p[len++] == ':';
	if (colons < 2)
		return 0;
	/* "fe80::1." ends a sentence; "fe80::1:" a list. */
	while (len > 2 && (p[len - 1] == '.' || (p[len - 1] == ':' && p[len - 2] != ':')))
		len--;
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	if (streq(buf, "::") || streq(buf, "::1") ||
	    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8))
		return strbuf_add(out, p, len) < 0 ? -ENOMEM : (long)len;
	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	if (!(idx = seen_index(r, KIND_V6, buf, strlen(buf))))
		return -ENOMEM;
	return strbuf_printf(out, "2001:db8::%zx", idx) < 0 ? -ENOMEM : (long)len;
}

/* A dotted quad at P. */
static long redact_v4(struct igp_redactor *r, const char *p, size_t n, struct strbuf *out)
{
	unsigned oct[4];
	size_t len = 0, i = 0, idx;
	char canon[16];

	while (len < n && (isdigit((unsigned char)p[len]) || p[len] == '.'))
		len++;
	while (len && p[len - 1] == '.')
		len--;
	for (int k = 0; k < 4; k++) {
		size_t d = 0;
		oct[k] = 0;
		while (i < len && isdigit((unsigned char)p[i]) && d < 4)
			oct[k] = oct[k] * 10 + (unsigned)(p[i++] - '0'), d++;
		/* inet_pton()'s dotted quad: no leading zeros ("09" is no octet). */
		if (d == 0 || d > 3 || oct[k] > 255 || (d > 1 && p[i - d] == '0'))
			return 0;
		if (k < 3 && (i >= len || p[i++] != '.'))
			return 0;
	}
	if (i != len)
		return 0;
	if ((oct[0] | oct[1] | oct[2] | oct[3]) == 0 || oct[0] == 127 || oct[0] == 255 ||
	    (oct[0] == 192 && oct[1] == 0 && oct[2] == 2))
		return strbuf_add(out, p, len) < 0 ? -ENOMEM : (long)len;
	snprintf(canon, sizeof(canon), "%u.%u.%u.%u", oct[0], oct[1], oct[2], oct[3]);
	if (!(idx = seen_index(r, KIND_V4, canon, strlen(canon))))
		return -ENOMEM;
	/* 192.0.2.0/24 has 254 hosts; more addresses than that share them. */
	return strbuf_printf(out, "192.0.2.%zu", (idx - 1) % 254 + 1) < 0 ? -ENOMEM : (long)len;
}

/* The keys serial numbers follow: udev's database (ID_SERIAL=), the
 * kernel's USB log line ("SerialNumber: "), lspci's "Device Serial
 * Number" (PCIe DSN) and dmidecode's "Serial Number: ". */
static const char *const serial_keys[] = {
    "ID_SERIAL_SHORT=", "ID_SERIAL=",	   "ID_SCSI_SERIAL=",
    "SerialNumber: ",	"Serial Number: ", "Serial Number ",
};

static long redact_serial_key(const char *p, size_t n, struct strbuf *out)
{
	for (size_t k = 0; k < ELEMENTSOF(serial_keys); k++) {
		size_t kl = strlen(serial_keys[k]), end, v;

		if (n < kl || memcmp(p, serial_keys[k], kl) != 0)
			continue;
		for (v = kl; v < n && (p[v] == ' ' || p[v] == '\t');)
			v++;
		for (end = v; end < n && p[end] != '\n';)
			end++;
		if (end == v ||
		    (end - v == strlen(IGP_REDACTED) && memcmp(p + v, IGP_REDACTED, end - v) == 0))
			return strbuf_add(out, p, end) < 0 ? -ENOMEM : (long)end;
		if (strbuf_add(out, p, v) < 0 || strbuf_puts(out, IGP_REDACTED) < 0)
			return -ENOMEM;
		return (long)end;
	}
	return 0;
}

/* A name of hex digits ("cafe", "db8") next to a colon is part of an
 * address (IPv6, MAC, or a replacement), not the host. */
static bool in_address(const char *name, size_t l, char prev, char next)
{
	return strspn(name, "0123456789abcdefABCDEF") == l && (prev == ':' || next == ':');
}

static long redact_host(struct igp_redactor *r, const char *p, size_t n, struct strbuf *out, char prev)
{
	for (char **name = r->names; name && *name; name++) {
		size_t l = strlen(*name);

		if (n >= l && strncasecmp(p, *name, l) == 0 && (n == l || !wordc(p[l])) &&
		    !in_address(*name, l, prev, n == l ? ' ' : p[l]))
			return strbuf_puts(out, IGP_REDACTED_HOST) < 0 ? -ENOMEM : (long)l;
	}
	return 0;
}

static const char *const serial_files[] = {
    "serial", "product_serial", "board_serial", "chassis_serial", "wwid",
};

static bool serial_file(const char *name)
{
	for (size_t i = 0; name && i < ELEMENTSOF(serial_files); i++)
		if (streq(name, serial_files[i]))
			return true;
	return false;
}

/* What starts at TEXT + i, redacted into OUT: the bytes consumed (0: none
 * of the patterns starts here), or -ENOMEM. */
static long redact_at(struct igp_redactor *r, const char *text, size_t i, size_t len, struct strbuf *out)
{
	const char *p = text + i;
	size_t n = len - i;
	char prev = i ? text[i - 1] : ' ';
	long m = 0;

	if (wordc(prev))
		return 0;
	if (prev != '.' && (m = redact_host(r, p, n, out, prev)))
		return m;
	if ((m = redact_serial_key(p, n, out)))
		return m;
	if (prev == '.')
		return 0;
	if (prev != ':' && ((m = redact_hw(r, p, n, out)) || (m = redact_bridge_id(r, p, n, out)) ||
			    (m = redact_v6(r, p, n, out))))
		return m;
	if (isdigit((unsigned char)*p))
		return redact_v4(r, p, n, out);
	return 0;
}

int igp_redact(struct igp_redactor *r, const char *file_name, const char *text, size_t len,
	       struct strbuf *out)
{
	size_t i = 0;

	if (serial_file(file_name) && len) {
		/* The attribute as a whole, its newline kept. */
		bool nl = text[len - 1] == '\n';
		if (strbuf_puts(out, IGP_REDACTED) < 0 || (nl && strbuf_putc(out, '\n') < 0))
			return -ENOMEM;
		return 0;
	}
	while (i < len) {
		long m = redact_at(r, text, i, len, out);

		if (m < 0)
			return m;
		if (m > 0) {
			i += (size_t)m;
			continue;
		}
		/* A byte that starts nothing: copy the rest of its word. */
		do {
			if (strbuf_putc(out, text[i++]) < 0)
				return -ENOMEM;
		} while (i < len && wordc(text[i]) && wordc(text[i - 1]));
	}
	return out->oom ? -ENOMEM : 0;
}

int igp_redact_str(struct igp_redactor *r, const char *s, char **ret)
{
	struct strbuf b = {0};
	int k = igp_redact(r, NULL, s, strlen(s), &b);

	if (k < 0 || !b.s) {
		strbuf_done(&b);
		if (k < 0)
			return k;
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	}
	*ret = strbuf_steal(&b);
	return 0;
}
