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

/* Does one "POINT:N[:ACTION]" of the list name this pass?  *ret_kill: kill. */
static bool spec_fires(const char *spec, size_t len, const char *point, unsigned long pass, bool *ret_kill)
{
	const char *colon = memchr(spec, ':', len), *end_spec = spec + len;
	unsigned long n;
	char *end;

	if (!colon || (size_t)(colon - spec) != strlen(point) || strncmp(spec, point, strlen(point)) != 0)
		return false;
	n = strtoul(colon + 1, &end, 10);
	if (n != pass)
		return false;
	*ret_kill = end < end_spec && *end == ':' && (size_t)(end_spec - end - 1) == 4 &&
		    strncmp(end + 1, "kill", 4) == 0;
	return true;
}

int igp_fault(const char *point)
{
	const char *spec = getenv("IGPUCTL_FAULT");
	unsigned long *passes;
	bool kill = false, fire = false;

	if (!spec || !*spec || !(passes = pass_counter(point)))
		return 0;
	++*passes;
	while (*spec && !fire) {
		size_t len = strcspn(spec, ",");
		fire = spec_fires(spec, len, point, *passes, &kill);
		spec += len + (spec[len] == ',');
	}
	if (!fire)
		return 0;
	if (kill)
		raise(SIGKILL);
	return -EIO;
}
