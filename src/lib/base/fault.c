/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>

#include "base/fault.h"
#include "base/util.h"

/* Passes through each named point so far (the points are few). */
static unsigned long *pass_counter(const char *point)
{
	static struct {
		const char *point;
		unsigned long passes;
	} seen[16];
	for (size_t i = 0; i < ELEMENTSOF(seen); i++) {
		if (!seen[i].point)
			seen[i].point = point;
		if (streq(seen[i].point, point))
			return &seen[i].passes;
	}
	return NULL;
}

/* The ACTIONs: an errno for igp_fault() to return, or kill. */
static const struct {
	const char *name;
	int r;
} actions[] = {
    {"error", -EIO},
    {"enoent", -ENOENT},
    {"ebusy", -EBUSY},
    {"kill", 1},
};

/* Does one "POINT:N[:ACTION]" of the list name this pass?  0 if not, else
 * its action's code (actions[]). */
static int spec_fires(const char *spec, size_t len, const char *point, unsigned long pass)
{
	const char *colon = memchr(spec, ':', len), *end_spec = spec + len;
	unsigned long n;
	char *end;

	if (!colon || (size_t)(colon - spec) != strlen(point) || strncmp(spec, point, strlen(point)) != 0)
		return 0;
	n = strtoul(colon + 1, &end, 10);
	if (n != pass)
		return 0;
	if (end >= end_spec || *end != ':')
		return -EIO;
	for (size_t i = 0; i < ELEMENTSOF(actions); i++)
		if ((size_t)(end_spec - end - 1) == strlen(actions[i].name) &&
		    strncmp(end + 1, actions[i].name, strlen(actions[i].name)) == 0)
			return actions[i].r;
	return -EIO;
}

int igp_fault(const char *point)
{
	const char *spec = getenv("IGPUCTL_FAULT");
	unsigned long *passes;
	int fire = 0;

	if (!spec || !*spec || !(passes = pass_counter(point)))
		return 0;
	++*passes;
	while (*spec && !fire) {
		size_t len = strcspn(spec, ",");
		fire = spec_fires(spec, len, point, *passes);
		spec += len + (spec[len] == ',');
	}
	if (fire > 0)
		raise(SIGKILL);
	return fire;
}
