/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The group file reader (base/groupfile.h): read the input as /etc/group
 * and look up every name it holds and the GID found, asserting what the
 * reader promises: a group found has a GID below 2^32 and members within
 * its line, and the name of that GID is a group that exists.  Then the
 * input made into a name joins a known file as one line more and reads
 * back by name and by GID with its members, its neighbours unchanged.
 */
#include "base/groupfile.h"
#include "base/util.h"
#include "fuzz.h"

/* Look up the group named [name, name + len) of TEXT. */
static void lookup(const char *text, const char *name, size_t len)
{
	_cleanup_free_ char *n = strndup(name, len), *back = NULL;
	struct igp_group g;
	int r;

	FZ_OOM(n);
	r = igp_group_find(text, n, &g);
	FZ_OOM(r != -ENOMEM);
	if (r < 0)
		return;
	FZ_ASSERT(g.gid <= 0xffffffffUL, "GID %lu of %s", g.gid, n);
	FZ_ASSERT(!strchr(g.members, '\n'), "members of %s run past the line", n);
	r = igp_group_name(text, g.gid, &back);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0, "GID %lu of %s has no name", g.gid, n);
	igp_group_done(&g);
	FZ_OOM(igp_group_find(text, back, &g) != -ENOMEM);
	igp_group_done(&g);
}

static void read_raw(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);

	FZ_OOM(text);
	for (const char *l = text; *l;) {
		const char *nl = strchrnul(l, '\n'), *colon = memchr(l, ':', (size_t)(nl - l));
		lookup(text, l, colon ? (size_t)(colon - l) : (size_t)(nl - l));
		l = *nl ? nl + 1 : nl;
	}
}

/* The input's bytes a group name can hold: no ':', newline, ',' or blank,
 * not a first '+', '-' or '#'. */
static char *as_name(const uint8_t *data, size_t size)
{
	char *n = fz_cstring(data, size), *q = n;

	FZ_OOM(n);
	for (const char *p = n; *p; p++)
		if (!strchr(":\n, \t\r\v\f", *p) && !(q == n && strchr("+-#", *p)))
			*q++ = *p;
	*q = '\0';
	return n;
}

static void expect(const char *text, const char *name, unsigned long gid, const char *members)
{
	_cleanup_free_ char *back = NULL;
	struct igp_group g;

	FZ_OOM(igp_group_find(text, name, &g) != -ENOMEM);
	FZ_ASSERT(g.gid == gid && streq(g.members, members), "%s: GID %lu, members \"%s\" in\n%s", name,
		  g.gid, g.members, text);
	igp_group_done(&g);
	FZ_ASSERT(igp_group_name(text, gid, &back) == 0 && streq(back, name), "GID %lu is not %s", gid, name);
}

static void roundtrip(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *name = as_name(data, size), *text = NULL, *members = NULL;
	unsigned long gid = 1000 + size;

	if (!*name || streq(name, "root") || streq(name, "video"))
		return;
	members = strdupf("alice,%s", name);
	text = strdupf("root:x:0:\n%s:x:%lu:%s\nvideo:x:44:\n%s:x:7:\n", name, gid, members, name);
	FZ_OOM(members && text);
	expect(text, name, gid, members);
	expect(text, "root", 0, "");
	expect(text, "video", 44, "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_raw(data, size);
	roundtrip(data, size);
	return 0;
}
