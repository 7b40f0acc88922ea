/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installed packages, from the host's package databases: the one reader
 * of each format.
 *   dpkg:   /var/lib/dpkg/status, deb822 stanzas; a package is installed
 *           when the third word of its Status field is "installed" (or a
 *           triggers state), whatever the first (install, hold, deinstall)
 *           says was wanted (dpkg(1), "Package states").
 *   pacman: /var/lib/pacman/local/NAME-VERSION/desc, "%NAME%" and
 *           "%VERSION%" each followed by its value line (libalpm's be_local.c).
 *   rpm:    the database is sqlite (rpm >= 4.16), so igpuctl asks rpm
 *           itself: `rpm -qa` on the real host only (a --root tree's
 *           database is never opened by a program, which could write to it);
 *           for a --root tree the list tools/capture-host wrote with the same
 *           query (/var/log/igpuctl-capture/rpm-packages), "NAME<TAB>VERSION"
 *           lines.
 */
#ifndef IGP_PKGDB_H
#define IGP_PKGDB_H

#include <stddef.h>

enum igp_pkgdb_kind {
	IGP_PKGDB_DPKG,
	IGP_PKGDB_PACMAN,
	IGP_PKGDB_RPM,
};

struct igp_pkg {
	char *name;
	char *version; /* as the database has it: "1:8.2.2+ds-0ubuntu1", "9.0.2-1" */
	enum igp_pkgdb_kind db;
};

/* Every installed package the host's databases list, sorted by name. */
struct igp_pkgdb {
	struct igp_pkg *pkgs;
	size_t n;
};

/* "dpkg", "pacman", "rpm". */
const char *igp_pkgdb_kind_name(enum igp_pkgdb_kind k);

/* Add the installed packages of dpkg status TEXT to DB (-ENOMEM only;
 * stanzas without Package or Version are skipped). */
int igp_pkgdb_parse_dpkg(struct igp_pkgdb *db, const char *text);
/* Add the package of one pacman desc file; -EINVAL when it names none. */
int igp_pkgdb_parse_pacman_desc(struct igp_pkgdb *db, const char *text);
/* Add the "NAME<TAB>VERSION" lines of an rpm query. */
int igp_pkgdb_parse_rpm_list(struct igp_pkgdb *db, const char *text);
/* Sort DB by name, after the parse_* calls and before igp_pkgdb_find(). */
void igp_pkgdb_sort(struct igp_pkgdb *db);

/* Read every database the host behind the root has (none: an empty DB). */
int igp_pkgdb_load(struct igp_pkgdb *ret);
void igp_pkgdb_done(struct igp_pkgdb *db);

/* The installed package NAME, or NULL. */
const struct igp_pkg *igp_pkgdb_find(const struct igp_pkgdb *db, const char *name);

/*
 * The upstream part of a package version, for comparing with version_compare():
 * "1:7.2+dfsg-7+deb12u6" -> "7.2", "8.1.5-6" -> "8.1.5", "9.0.2-1" -> "9.0.2".
 * -EINVAL when it does not start with a digit.
 */
int igp_pkg_upstream_version(const char *version, char **ret);

#endif
