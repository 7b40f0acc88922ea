/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>

#include "fault.h"
#include "util.h"

int igp_fault(const char *point)
{
	static unsigned long passes;
	const char *spec = getenv("IGPUCTL_FAULT");
	const char *colon, *action;
	unsigned long n;
	char *end;

	if (!spec || !*spec)
		return 0;
	colon = strchr(spec, ':');
	if (!colon || (size_t)(colon - spec) != strlen(point) ||
	    strncmp(spec, point, strlen(point)) != 0)
		return 0;
	n = strtoul(colon + 1, &end, 10);
	action = *end == ':' ? end + 1 : "error";
	if (++passes != n)
		return 0;
	if (streq(action, "kill"))
		raise(SIGKILL);
	return -EIO;
}
