/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-boot's rules, without the host (sdboot.h): version order, the
 * glob of loader.conf's `default`, the menu order of entries, which entry
 * the next boot starts, and the readers of loader.conf, loader entries and
 * efivarfs strings.
 */
#include <ctype.h>
#include <stdint.h>

#include "boot/sdboot.h"
#include "base/util.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static bool version_char(char c)
{
	return isdigit((unsigned char)c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("~-^.", c) != NULL;
}

static bool alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The separator PREFIX before the next segment: the string that has it is
 * older (0 when both or neither have it; then both are stepped over). */
static int separator(const char **a, const char **b, char prefix)
{
	if (**a != prefix && **b != prefix)
		return 0;
	if (**a != prefix || **b != prefix)
		return **a == prefix ? -1 : 1;
	(*a)++;
	(*b)++;
	return 0;
}

/* Compare the next segment, numeric or alphabetic, and step over it. */
static int segment(const char **pa, const char **pb)
{
	const char *a = *pa, *b = *pb, *ea = a, *eb = b;
	int r;

	if (isdigit((unsigned char)*a) || isdigit((unsigned char)*b)) {
		while (isdigit((unsigned char)*ea))
			ea++;
		while (isdigit((unsigned char)*eb))
			eb++;
		/* A number is newer than letters. */
		if ((r = CMP(a != ea, b != eb)))
			return r;
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		if ((r = CMP(ea - a, eb - b)) || (r = CMP(strncmp(a, b, (size_t)(ea - a)), 0)))
			return r;
	} else {
		while (alpha(*ea))
			ea++;
		while (alpha(*eb))
			eb++;
		r = CMP(strncmp(a, b, (size_t)((ea - a) < (eb - b) ? ea - a : eb - b)), 0);
		if (r || (r = CMP(ea - a, eb - b)))
			return r;
	}
	*pa = ea;
	*pb = eb;
	return 0;
}

int igp_bootspec_verscmp(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	for (;;) {
		int r;
		while (*a && !version_char(*a))
			a++;
		while (*b && !version_char(*b))
			b++;
		/* '~' marks a pre-release: older than anything else. */
		if ((r = separator(&a, &b, '~')))
			return r;
		/* More segments are newer. */
		if (!*a || !*b)
			return CMP(*a, *b);
		/* '-' (version-release) is older than '^' (patched) and '.' (point release). */
		if ((r = separator(&a, &b, '-')) || (r = separator(&a, &b, '^')) ||
		    (r = separator(&a, &b, '.')) || (r = segment(&a, &b)))
			return r;
	}
}

/* A bracket set at P ('[' passed) against C: 1 matched, 0 not, -1 broken;
 * *END after its ']'. */
static int bracket(const char *p, char c, const char **end)
{
	bool first = true, can_range = true, match = false;

	for (;; first = false) {
		p++;
		if (!*p)
			return -1;
		if (*p == '\\') {
			if (!*++p)
				return -1;
			match |= *p == c;
			can_range = true;
			continue;
		}
		if (*p == ']' && !first)
			break;
		/* A range unless '-' is first or last; ranges do not chain. */
		if (*p == '-' && can_range && !first && p[1] != ']') {
			char low = p[-1];
			p++;
			if (*p == '\\')
				p++;
			if (!*p)
				return -1;
			match |= low <= c && c <= *p;
			can_range = false;
			continue;
		}
		match |= *p == c;
		can_range = true;
	}
	*end = p;
	return match;
}

/* Does the pattern element at P (not '*') match C?  *NEXT: the element after
 * it.  A broken element ("[a", a trailing '\\') matches nothing. */
static bool match_one(const char *p, char c, const char **next)
{
	switch (*p) {
	case '\\':
		*next = p + 2;
		return p[1] && p[1] == c;
	case '?':
		*next = p + 1;
		return true;
	case '[':
		if (bracket(p, c, next) != 1)
			return false;
		(*next)++;
		return true;
	default:
		*next = p + 1;
		return *p == c;
	}
}

/* systemd-boot recurses once for each run of '*', 32 deep at most: with
 * more runs nothing matches, and the 32nd matches only at the end. */
static bool too_deep(const char *p)
{
	unsigned runs = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '*' && p[1] != '*' && ++runs == 32)
			return p[1] != '\0';
	}
	return false;
}

bool igp_sdboot_fnmatch(const char *pattern, const char *id)
{
	const char *p = pattern, *h = id, *star = NULL, *star_h = NULL, *next;

	if (!pattern || !id || too_deep(pattern))
		return false;
	/* The last '*' takes one more character on each mismatch: linear
	 * in each, where systemd-boot's recursion is exponential. */
	while (*h) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star = p;
			star_h = h;
		} else if (*p && match_one(p, *h, &next)) {
			p = next;
			h++;
		} else if (star) {
			p = star;
			h = ++star_h;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return CMP(a != NULL, b != NULL);
	return CMP(strcmp(a, b), 0);
}

int igp_sdboot_entry_compare(const struct igp_sdboot_entry *a, const struct igp_sdboot_entry *b)
{
	int r;

	/* No tries left: last. */
	if ((r = CMP(a->tries_left == 0, b->tries_left == 0)))
		return r;
	/* With a sort-key before without. */
	if ((r = CMP(!a->sort_key, !b->sort_key)))
		return r;
	if (a->sort_key && b->sort_key) {
		if ((r = strcmp_null(a->sort_key, b->sort_key)) ||
		    (r = strcmp_null(a->machine_id, b->machine_id)))
			return r;
		/* Newest first. */
		if ((r = -igp_bootspec_verscmp(a->version, b->version)))
			return r;
	}
	/* The id likely holds the version: newest first. */
	if ((r = -igp_bootspec_verscmp(a->id, b->id)))
		return r;
	if (a->tries_left < 0 || b->tries_left < 0)
		return 0;
	if ((r = -CMP(a->tries_left, b->tries_left)))
		return r;
	return CMP(a->tries_done, b->tries_done);
}

void igp_sdboot_entries_sort(struct igp_sdboot_entry *v, size_t n)
{
	/* Insertion sort: stable, and a menu has few entries. */
	for (size_t i = 1; i < n; i++) {
		struct igp_sdboot_entry e = v[i];
		size_t k = i;
		for (; k > 0 && igp_sdboot_entry_compare(&v[k - 1], &e) > 0; k--)
			v[k] = v[k - 1];
		v[k] = e;
	}
}

static size_t find(const struct igp_sdboot_entry *v, size_t n, const char *pattern)
{
	for (size_t i = 0; pattern && i < n; i++)
		if (igp_sdboot_fnmatch(pattern, v[i].id))
			return i;
	return n;
}

size_t igp_sdboot_pick(const struct igp_sdboot_entry *v, size_t n, const struct igp_sdboot_vars *vars,
		       enum igp_sdboot_source *ret_source)
{
	bool saved_efivar = vars->efivar_default && streq(vars->efivar_default, "@saved");
	bool saved_conf = vars->conf_default && streq(vars->conf_default, "@saved");
	size_t i;

	if ((i = find(v, n, vars->oneshot)) < n) {
		*ret_source = IGP_SDBOOT_ONESHOT;
		return i;
	}
	if ((i = find(v, n, saved_efivar ? vars->saved : vars->efivar_default)) < n) {
		*ret_source = saved_efivar ? IGP_SDBOOT_EFIVAR_SAVED : IGP_SDBOOT_EFIVAR;
		return i;
	}
	/* "@saved" in both: the saved entry was tried above. */
	i = saved_conf ? (saved_efivar ? n : find(v, n, vars->saved)) : find(v, n, vars->conf_default);
	if (i < n) {
		*ret_source = saved_conf ? IGP_SDBOOT_CONF_SAVED : IGP_SDBOOT_CONF;
		return i;
	}
	*ret_source = IGP_SDBOOT_FIRST;
	return 0;
}

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* The next "key value" line of TEXT from *POS as systemd-boot reads it
 * (blanks around, '#' comments, KEY and VALUE split at SEP, one pair of
 * double quotes around VALUE dropped): 1, or 0 at the end. */
static int key_value(const char *text, size_t *pos, const char *sep, char **key, char **value)
{
	while (text[*pos]) {
		const char *l = text + *pos;
		size_t len = strcspn(l, "\n\r"), k, v;
		*pos += len + (l[len] != '\0');
		while (len && strchr(" \t", *l))
			l++, len--;
		while (len && strchr(" \t", l[len - 1]))
			len--;
		if (!len || *l == '#')
			continue;
		for (k = 0; k < len && !strchr(sep, l[k]);)
			k++;
		if (k == len)
			continue;
		for (v = k; v < len && strchr(sep, l[v]);)
			v++;
		if (v < len && l[v] == '"' && l[len - 1] == '"' && len - v >= 2)
			v++, len--;
		*key = strndup(l, k);
		*value = strndup(l + v, len - v);
		if (!*key || !*value) {
			free(*key);
			free(*value);
			return -ENOMEM;
		}
		return 1;
	}
	return 0;
}

int igp_loader_conf_default(const char *text, char **ret)
{
	char *found = NULL, *key, *value;
	size_t pos = 0;
	int r;

	while ((r = key_value(text, &pos, " \t", &key, &value)) > 0) {
		if (streq(key, "default") && (value[0] != '@' || strcasecmp(value, "@saved") == 0)) {
			free(found);
			found = TAKE_PTR(value);
		}
		free(key);
		free(value);
	}
	if (r < 0) {
		free(found);
		return r;
	}
	lower(found);
	*ret = found;
	return found ? 1 : 0;
}

/* Boot counting: "+LEFT[-DONE]" just before SUFFIX at the end of NAME. */
static void parse_tries(const char *name, const char *suffix, struct igp_sdboot_entry *e)
{
	const char *plus = strrchr(name, '+');
	unsigned long left, done = 0;
	char *end;

	if (!plus || !isdigit((unsigned char)plus[1]))
		return;
	left = strtoul(plus + 1, &end, 10);
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return;
		done = strtoul(end + 1, &end, 10);
	}
	if (strcasecmp(end, suffix) != 0 || left > INT32_MAX || done > INT32_MAX)
		return;
	e->tries_left = (int)left;
	e->tries_done = (int)done;
}

static int set_field(char **field, char **value)
{
	free(*field);
	*field = TAKE_PTR(*value);
	return 0;
}

int igp_sdboot_entry_parse(const char *name, const char *text, struct igp_sdboot_entry *ret)
{
	struct igp_sdboot_entry e = {.tries_left = -1, .tries_done = -1};
	bool other_arch = false;
	char type = 0; /* 'l'inux, 'e'fi, 'u'ki; '!': more than one, an entry systemd-boot drops */
	char *key, *value;
	size_t pos = 0;
	int r;

	while ((r = key_value(text, &pos, " \t", &key, &value)) > 0) {
		if (streq(key, "sort-key"))
			set_field(&e.sort_key, &value);
		else if (streq(key, "version"))
			set_field(&e.version, &value);
		else if (streq(key, "machine-id"))
			set_field(&e.machine_id, &value);
		else if (streq(key, "linux") || streq(key, "efi") || streq(key, "uki"))
			type = type && type != key[0] ? '!' : key[0];
		else if (streq(key, "architecture"))
			other_arch |= strcasecmp(value, "x64") != 0;
		free(key);
		free(value);
	}
	e.id = strdup(name);
	if (r < 0 || !e.id) {
		igp_sdboot_entry_done(&e);
		return -ENOMEM;
	}
	lower(e.id);
	parse_tries(name, ".conf", &e);
	e.is_linux = type == 'l';
	*ret = e;
	return type && type != '!' && !other_arch;
}

void igp_sdboot_entry_done(struct igp_sdboot_entry *e)
{
	free(e->id);
	free(e->path);
	free(e->sort_key);
	free(e->machine_id);
	free(e->version);
	*e = (struct igp_sdboot_entry){0};
}

/* UTF-8 of the code point U into *P. */
static void put_utf8(char **p, unsigned u)
{
	char *o = *p;

	if (u < 0x80) {
		*o++ = (char)u;
	} else if (u < 0x800) {
		*o++ = (char)(0xc0 | (u >> 6));
		*o++ = (char)(0x80 | (u & 0x3f));
	} else if (u < 0x10000) {
		*o++ = (char)(0xe0 | (u >> 12));
		*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
		*o++ = (char)(0x80 | (u & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (u >> 18));
		*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
		*o++ = (char)(0x80 | (u & 0x3f));
	}
	*p = o;
}

int igp_efivar_string(const void *data, size_t size, char **ret)
{
	const unsigned char *d = data;
	size_t n;
	char *s, *o;

	if (size < 4 || (size - 4) % 2)
		return -EBADMSG;
	n = (size - 4) / 2;
	/* At most 3 bytes of UTF-8 for each unit of UTF-16 (4 for a pair). */
	s = o = malloc(3 * n + 1);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned u = d[4 + 2 * i] | (unsigned)d[5 + 2 * i] << 8, lo;
		if (u == 0)
			break;
		if (u >= 0xdc00 && u <= 0xdfff)
			goto bad;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (++i == n)
				goto bad;
			lo = d[4 + 2 * i] | (unsigned)d[5 + 2 * i] << 8;
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		}
		put_utf8(&o, u);
	}
	*o = '\0';
	*ret = s;
	return 0;
bad:
	free(s);
	return -EBADMSG;
}
