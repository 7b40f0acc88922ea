/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libvirt domain's definition as a target of the change path (change.h,
 * kind "libvirt"): `vm libvirt --domain --apply` journals the definition
 * before and after, `revert` defines the old one again.  Both reach
 * libvirt through the libvirt module (libvirt_module.h), which is loaded
 * only when a domain is actually read or written.
 *
 * The key is "URI<TAB>NAME", URI as libvirt names the connection
 * ("qemu:///system" for the default one), so that revert reaches the same
 * libvirt whatever the default is when it runs.  One connection per URI
 * serves the whole run: libvirt's test driver keeps a separate state per
 * connection, and a real daemon is asked once.
 */
#ifndef IGP_LIBVIRT_TARGET_H
#define IGP_LIBVIRT_TARGET_H

#include <stdbool.h>

#include "change/journal.h"
#include "vm/libvirt_xml.h"

#define LIBVIRT_TARGET_KIND "libvirt"

/* Register the target ops for this run (nothing is loaded yet). */
void libvirt_target_register(void);
/* Does J hold a libvirt target (then revert needs the ops)? */
bool libvirt_target_in_journal(const struct igp_journal *j);

/*
 * The run's connection to URI (NULL: libvirt's default) and the target key
 * of domain NAME on it (caller frees).  -ELIBACC: the module is missing;
 * other errors with libvirt's message in *ret_why (caller frees).
 */
int libvirt_target_open(const char *uri, const char *name, struct igp_libvirt_conn **ret_conn, char **ret_key,
			char **ret_why);
/* The <hostdev> aliases the next definition written must keep (libvirt
 * drops silently what it does not understand); the write consumes them. */
int libvirt_target_expect(char *const *aliases);
/* libvirt's message for the last read or write that failed, or NULL. */
const char *libvirt_target_error(void);
/* Close the run's connections. */
void libvirt_target_close(void);

#endif
