/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdarg.h>

#include "base/util.h"

bool endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

char *strdupvf(const char *fmt, va_list ap)
{
	char *s;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = strdupvf(fmt, ap);
	va_end(ap);
	return s;
}

int strextendf(char **s, const char *fmt, ...)
{
	_cleanup_free_ char *tail = NULL;
	va_list ap;
	char *n;

	va_start(ap, fmt);
	tail = strdupvf(fmt, ap);
	va_end(ap);
	n = tail ? strdupf("%s%s", *s ? *s : "", tail) : NULL;
	if (!n)
		return -ENOMEM;
	free(*s);
	*s = n;
	return 0;
}

int igp_refuse(char **ret_error, int r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = strdupvf(fmt, ap);
	va_end(ap);
	if (ret_error)
		*ret_error = s;
	else
		free(s);
	return r;
}

int strv_pushf(char ***v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = strdupvf(fmt, ap);
	va_end(ap);
	return strv_consume(v, s);
}

char *strdup_line(const char **p)
{
	const char *l = *p, *nl = strchr(l, '\n');

	*p = nl ? nl + 1 : NULL;
	return strndup(l, nl ? (size_t)(nl - l) : strlen(l));
}

char *strstrip_trailing(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int strv_push(char ***v, const char *s)
{
	return strv_consume(v, strdup(s));
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v)
{
	qsort(v, strv_length(v), sizeof(char *), cmp_strp);
}

int strv_split(const char *s, const char *sep, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	const char *p = s;

	/* An empty input still yields an (empty) vector, never NULL. */
	v = calloc(1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	while (*p) {
		size_t n;
		p += strspn(p, sep);
		n = strcspn(p, sep);
		if (n == 0)
			break;
		if (strv_consume(&v, strndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

size_t utf8_char_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp;
	size_t len;

	if (n == 0 || s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = s[0] & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF, C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
		return 0;
	return len;
}

bool string_is_printable(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t u;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		u = utf8_char_len(s + i, n - i);
		if (!u)
			return false;
		i += u;
	}
	return true;
}

int cmp_version_strings(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

int parse_long(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_count(const char *s, long min, long max, long *ret)
{
	if (!s || !*s)
		return -EINVAL;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return -EINVAL;
	return parse_long(s, min, max, ret);
}

int version_compare(const char *a, const char *b)
{
	while (*a || *b) {
		long x = 0, y = 0;
		while (*a && !isdigit((unsigned char)*a))
			a++;
		while (*b && !isdigit((unsigned char)*b))
			b++;
		if (!*a && !*b)
			break;
		x = strtol(a, (char **)&a, 10);
		y = strtol(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}
