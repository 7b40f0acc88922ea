/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader of GRUB's environment block, as grub-core/lib/envblk.c reads
 * it: lines starting with '#' are skipped (the signature, the padding),
 * a name ends at the first '=', and its value runs to the first newline
 * that no backslash escapes.  A name without '=' ends the block.
 */
#include <string.h>

#include "boot/grubenv.h"
#include "base/util.h"

/* The end of the line at P (before END): a backslash takes the byte after it. */
static const char *line_end(const char *p, const char *end)
{
	while (p < end && *p != '\n')
		p += *p == '\\' && p + 1 < end ? 2 : 1;
	return p < end ? p : end;
}

/* The value [P, END) without its escapes. */
static char *unescape(const char *p, const char *end)
{
	char *v = malloc((size_t)(end - p) + 1), *q = v;

	if (!v)
		return NULL;
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		*q++ = *p;
	}
	*q = '\0';
	return v;
}

int igp_grubenv_get(const char *text, size_t len, const char *key, char **ret)
{
	const char *p = text, *end = text + len;
	size_t kl = strlen(key);

	while (p < end) {
		const char *eq, *le;
		if (*p == '#') {
			p = memchr(p, '\n', (size_t)(end - p));
			p = p ? p + 1 : end;
			continue;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return 0;
		le = line_end(eq + 1, end);
		if ((size_t)(eq - p) == kl && memcmp(p, key, kl) == 0) {
			/* A name is read up to '=' even across a newline, as GRUB does. */
			*ret = unescape(eq + 1, le);
			return *ret ? 1 : -ENOMEM;
		}
		p = le < end ? le + 1 : end;
	}
	return 0;
}
