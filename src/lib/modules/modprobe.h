/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.d(5), read exactly as modprobe reads it (kmod's
 * libkmod/libkmod-config.c, kmod_config_new()):
 *
 *   - the *.conf files of /etc/modprobe.d, /run/modprobe.d,
 *     /usr/local/lib/modprobe.d, /usr/lib/modprobe.d and /lib/modprobe.d
 *     (libkmod.c's default_config_paths); a file name met in an earlier
 *     directory hides the same name in every later one
 *     (conf_files_insert_sorted() drops the duplicate);
 *   - every file then read in strcmp() order of its name, whatever its
 *     directory: 10-b.conf before 9-a.conf;
 *   - after the files, MODULE.PARAM=VALUE and modprobe.blacklist=A,B of the
 *     kernel command line (kmod_config_parse_kcmdline()).
 *
 * A module's options are all its "options" lines in that order, joined; the
 * kernel applies them left to right (kernel/params.c, parse_args()), so the
 * last PARAM= wins.  Module names are kept with '-' as '_' (kmod's
 * underscores()); parameter names compare with '-' and '_' equal (the
 * kernel's parameq()).
 */
#ifndef IGP_MODPROBE_H
#define IGP_MODPROBE_H

#include <stdbool.h>
#include <stddef.h>

enum igp_modprobe_cmd {
	IGP_MODPROBE_ALIAS,
	IGP_MODPROBE_BLACKLIST,
	IGP_MODPROBE_OPTIONS,
	IGP_MODPROBE_INSTALL,
	IGP_MODPROBE_REMOVE,
	IGP_MODPROBE_SOFTDEP,
	IGP_MODPROBE_WEAKDEP,
};

struct igp_modprobe_entry {
	enum igp_modprobe_cmd cmd;
	char *module; /* '-' as '_'; for an alias, the alias (a pattern) */
	char *args;   /* what follows it: the options (tabs as blanks), the
		       * command, "pre: a post: b", the aliased module; "" for
		       * a blacklist */
	char *where;  /* "/etc/modprobe.d/vfio.conf:3" (the line it starts on),
		       * or "the kernel command line" */
	bool cmdline; /* from the kernel command line */
};

struct igp_modprobe {
	struct igp_modprobe_entry *entries; /* in the order modprobe applies them */
	size_t n;
	char **files; /* the files read, in that order (NULL when none) */
};

/*
 * Read modprobe.d and then the kernel command line CMDLINE (NULL: none)
 * into *ret (free with igp_modprobe_done()).  Unreadable files and
 * directories are skipped, as kmod skips them: 0 or -ENOMEM.
 */
int igp_modprobe_read(const char *cmdline, struct igp_modprobe *ret);
/* Add the entries of one file PATH with TEXT (LEN bytes; may hold NUL bytes). */
int igp_modprobe_parse(struct igp_modprobe *m, const char *path, const char *text, size_t len);
/* Add the module options and modprobe.blacklist= of a kernel command line. */
int igp_modprobe_parse_cmdline(struct igp_modprobe *m, const char *cmdline);
void igp_modprobe_done(struct igp_modprobe *m);

/* Leave out what the kernel command line adds (for "configured for the next boot"). */
#define IGP_MODPROBE_FILES_ONLY 1u

/*
 * The value modprobe gives PARAM of MODULE: 1 with *ret_value (caller frees;
 * "" for a bare PARAM) and the entry that sets it (borrowed from M), 0 when
 * no option sets it.  Either out-parameter may be NULL.
 */
int igp_modprobe_option(const struct igp_modprobe *m, const char *module, const char *param, unsigned flags,
			char **ret_value, const struct igp_modprobe_entry **ret_entry);
/* Where MODULE is blacklisted first (borrowed), or NULL. */
const char *igp_modprobe_blacklisted(const struct igp_modprobe *m, const char *module, unsigned flags);
/*
 * The modules a "softdep" entry loads along with its module (pre: and
 * post:, '-' as '_'), as a NULL-terminated vector (caller frees).
 */
int igp_modprobe_softdep_modules(const struct igp_modprobe_entry *e, char ***ret);

/* Module names as kmod's underscores() makes them: '-' to '_' outside
 * [...] patterns; -EINVAL for an unbalanced bracket. */
int igp_module_underscores(char *name);
/* Module names equal with '-' == '_'. */
bool igp_module_name_eq(const char *a, const char *b);

#endif
