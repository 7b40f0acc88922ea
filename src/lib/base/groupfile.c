/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/groupfile.h"
#include "base/util.h"

/* One line split into its four fields (not NUL-terminated: lengths). */
struct group_line {
	const char *name, *members;
	size_t name_len, members_len;
	unsigned long gid;
};

/* Parse the line [l, l + len): true for an entry glibc's files backend
 * reads (files-parse.c skips leading blanks; files-grp.c's INT_FIELD takes
 * the GID up to a ':' or the end of the line, so the member list may be
 * missing). */
static bool group_line_parse(const char *l, size_t len, struct group_line *g)
{
	const char *end = l + len, *c1, *c2, *c3;
	char num[24];
	char *e;

	while (l < end && (*l == ' ' || *l == '\t'))
		l++;
	len = (size_t)(end - l);
	if (len == 0 || *l == '+' || *l == '-' || *l == '#')
		return false;
	c1 = memchr(l, ':', len);
	c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
	c3 = c2 ? memchr(c2 + 1, ':', (size_t)(end - c2 - 1)) : NULL;
	if (!c2 || c1 == l)
		return false;
	if (!c3)
		c3 = end;
	if (c3 - c2 - 1 <= 0 || (size_t)(c3 - c2 - 1) >= sizeof(num))
		return false;
	memcpy(num, c2 + 1, (size_t)(c3 - c2 - 1));
	num[c3 - c2 - 1] = '\0';
	if (num[0] < '0' || num[0] > '9')
		return false;
	errno = 0;
	g->gid = strtoul(num, &e, 10);
	if (*e || errno || g->gid > 0xffffffffUL)
		return false;
	g->name = l;
	g->name_len = (size_t)(c1 - l);
	g->members = c3 < end ? c3 + 1 : end;
	g->members_len = (size_t)(end - g->members);
	return true;
}

/* Call FOUND on each entry of TEXT until it returns true; that entry, or false. */
static bool group_each(const char *text, bool (*found)(const struct group_line *, const void *),
		       const void *arg, struct group_line *ret)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len && l[len - 1] == '\r')
			len--;
		if (group_line_parse(l, len, ret) && found(ret, arg))
			return true;
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool by_name(const struct group_line *g, const void *name)
{
	return g->name_len == strlen(name) && memcmp(g->name, name, g->name_len) == 0;
}

static bool by_gid(const struct group_line *g, const void *gid)
{
	return g->gid == *(const unsigned long *)gid;
}

int igp_group_find(const char *text, const char *name, struct igp_group *ret)
{
	struct group_line g;

	if (!text || !group_each(text, by_name, name, &g))
		return -ENOENT;
	ret->gid = g.gid;
	ret->members = strndup(g.members, g.members_len);
	return ret->members ? 0 : -ENOMEM;
}

int igp_group_name(const char *text, unsigned long gid, char **ret)
{
	struct group_line g;

	if (!text || !group_each(text, by_gid, &gid, &g))
		return -ENOENT;
	*ret = strndup(g.name, g.name_len);
	return *ret ? 0 : -ENOMEM;
}

void igp_group_done(struct igp_group *g)
{
	free(g->members);
	g->members = NULL;
}
