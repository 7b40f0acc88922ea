/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which modules are configured to load at boot, and where.  The sources:
 *   /etc/modules (Debian: one name a line; systemd-modules-load reads it
 *     through the /etc/modules-load.d/modules.conf link);
 *   modules-load.d(5): the *.conf files of /etc, /run, /usr/local/lib and
 *     /usr/lib modules-load.d, a name in an earlier directory masking the
 *     same name in a later one, read in order of their names (systemd's
 *     conf_files_list(), as systemd-modules-load reads them);
 *   the lists the host's initramfs tool puts into the image (initramfs.h);
 *   "softdep X pre: a post: b" of modprobe.d, which loads a and b with X.
 * Hard dependencies (modules.dep) are libkmod's to tell, for the running
 * kernel; they are not here.
 */
#ifndef IGP_MODLOAD_H
#define IGP_MODLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "modules/modprobe.h"

struct igp_initramfs;
struct igp_shdoc;

struct igp_modload_entry {
	char *name;  /* '-' as '_' */
	char *where; /* "/etc/modules:12", "/etc/modprobe.d/vfio.conf:2, softdep of i915" */
};

struct igp_modload {
	struct igp_modload_entry *entries; /* in the order above */
	size_t n;
};

/*
 * Read every source: IR the host's initramfs tool (NULL or one without
 * ops: none), MP modprobe.d (NULL: no softdeps).  Unreadable files add
 * nothing: 0 or -ENOMEM.  Free with igp_modload_done().
 */
int igp_modload_read(const struct igp_initramfs *ir, const struct igp_modprobe *mp, struct igp_modload *ret);
void igp_modload_done(struct igp_modload *l);
/* The modules-load.d directories in systemd's order (etc first), NULL-ended. */
extern const char *const igp_modules_load_dirs[];

/* The first entry of NAME ('-' and '_' equal), or NULL. */
const struct igp_modload_entry *igp_modload_find(const struct igp_modload *l, const char *name);

/*
 * Modules a newer kernel merged into another one: listed for boot on such a
 * kernel, systemd-modules-load fails and the initramfs tools complain.  One
 * table for check (modules.NAME) and setup (which removes them).
 */
struct igp_merged_module {
	const char *name;     /* "vfio_virqfd" */
	const char *into;     /* "vfio" */
	const char *since;    /* "6.2": the first release without it */
	const char *check_id; /* "modules.vfio_virqfd" */
};
/* The table, ended by a NULL name. */
extern const struct igp_merged_module igp_merged_modules[];
/* The entry of NAME ('-' and '_' equal), or NULL. */
const struct igp_merged_module *igp_merged_module_find(const char *name);
/* Is NAME merged away in kernel RELEASE ("6.8.12-4-pve")?  false when
 * RELEASE is NULL or NAME is not in the table. */
bool igp_module_merged_in(const char *name, const char *release);
/* The names of the table merged away in RELEASE into *RET (NULL for none). */
int igp_merged_modules_in(const char *release, char ***ret);

/* For the initramfs tools (initramfs.h): add NAME (LEN bytes); WHERE is taken over. */
int igp_modload_add(struct igp_modload *l, const char *name, size_t len, char *where);
/* Add the names of a one-module-a-line file; COMMENTS: the comment characters. */
int igp_modload_scan_list(struct igp_modload *l, const char *path, const char *comments);
/*
 * Add the words of the shell variables VARS (NULL-terminated; arrays and
 * += too) of FIRST and then DIR/NAME.conf in order of their names, as a
 * tool sourcing them would see them (boot/shellvar.h).
 */
int igp_modload_scan_shell(struct igp_modload *l, const char *first, const char *dir, char *const *vars);
/*
 * The shell document those are read from: FIRST (an error when it cannot
 * be read and NEED_FIRST), then DIR/NAME.conf in order of their names
 * (mkinitcpio >= 36 and dracut source them after the main file).
 */
int igp_modload_shell_doc(struct igp_shdoc *doc, const char *first, const char *dir, bool need_first);

#endif
