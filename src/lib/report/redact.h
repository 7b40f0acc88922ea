/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Redaction of a bug report (`igpuctl report`): the one place that decides
 * what identifies a machine or its owner and what it becomes.
 *
 *  - hardware addresses: six or more two-digit hex groups joined by ':' or
 *    '-' (MAC, EUI-64, InfiniBand), and the MAC in a Linux bridge id
 *    ("8000.001122334455") -> "02:00:00:00:00:NN";
 *  - IPv4 addresses -> 192.0.2.N (RFC 5737), but 0.0.0.0, 127.0.0.0/8 and
 *    255.x.x.x (masks), which identify nobody;
 *  - IPv6 addresses (what inet_pton() accepts, two colons or more)
 *    -> 2001:db8::N (RFC 3849), but "::" and "::1";
 *  - serial numbers: the whole text of a file named serial, product_serial,
 *    board_serial, chassis_serial or wwid, and the value after the keys
 *    udev, the kernel log and lspci print them with (ID_SERIAL=, SerialNumber:,
 *    Serial Number ...) up to the end of the line -> "REDACTED";
 *  - the host's names, as whole words (not inside a longer name such as
 *    "pve1-data"), in any case -> "redacted-host"; not the names nobody is
 *    told apart by ("localhost", a distribution's default such as "debian"
 *    or "pve"), which are also words that other files need.
 *
 * The same value always becomes the same replacement (the Nth distinct
 * address of its kind gives N), so that a capture still reads as one
 * consistent host with --root.  Replacements are in the documentation
 * ranges and are left alone: redacting twice changes nothing.
 */
#ifndef IGP_REDACT_H
#define IGP_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"

#define IGP_REDACTED_HOST "redacted-host"
#define IGP_REDACTED "REDACTED"

struct igp_redactor {
	char **names;	/* host names to replace, longest first */
	char **seen[3]; /* the distinct values met, per kind */
	size_t n_seen[3];
};

/*
 * NAMES: the host's names (NULL-terminated, may be NULL; an FQDN also
 * stands for its first label).  Generic names are dropped.  Returns 0 or
 * -ENOMEM.
 */
int igp_redactor_init(struct igp_redactor *r, char *const *names);
void igp_redactor_done(struct igp_redactor *r);
/* Is NAME a host name that identifies nobody (and is therefore kept)? */
bool igp_redact_name_generic(const char *name);

/*
 * Append the redacted form of TEXT[0..len) to OUT.  FILE_NAME, the last
 * component of the file it comes from (NULL if none), picks the files that
 * are serial numbers as a whole.  Returns 0 or -ENOMEM.
 */
int igp_redact(struct igp_redactor *r, const char *file_name, const char *text, size_t len,
	       struct strbuf *out);
/* A NUL-terminated string (a path, a link target, a name): *ret is new. */
int igp_redact_str(struct igp_redactor *r, const char *s, char **ret);

#endif
