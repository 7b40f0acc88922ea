/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure parsers of checks_parse.c, each given the whole input as the C
 * string the checks read: a kernel release, `qemu --version` output, the
 * package databases (model/pkgdb.h), limits.conf, /proc/iomem, a VT-d ecap register.  Asserts
 * what each answer promises:
 *   - a parsed kernel release compares equal to its own numbers, and older
 *     than the next minor and major;
 *   - QEMU and package versions are taken from the text, start with a digit
 *     and hold only what a version holds; every package read is found by name;
 *   - limits: a value is -1 (unlimited) or KiB, with the "file:line" it
 *     came from, and a lower-ranked domain never beats a higher one;
 *   - iomem: a framebuffer found is one of the framebuffer names and
 *     overlaps the window asked for;
 *   - ecap: the bit is bit 3 of the number.
 */
#include <ctype.h>
#include <limits.h>
#include <inttypes.h>

#include "checks/checks.h"
#include "model/pkgdb.h"
#include "model/versions.h"
#include "fuzz.h"
#include "base/util.h"

static void kernel_version(const char *s)
{
	int maj, min, cmp;

	if (igp_kernel_version_parse(s, &maj, &min) < 0)
		return;
	FZ_ASSERT(maj >= 0 && min >= 0, "%d.%d", maj, min);
	FZ_ASSERT(igp_kernel_version_cmp(s, maj, min, &cmp) == 0 && cmp == 0, "not equal to itself");
	if (min < INT_MAX)
		FZ_ASSERT(igp_kernel_version_cmp(s, maj, min + 1, &cmp) == 0 && cmp < 0, "not older than .%d",
			  min + 1);
	if (maj < INT_MAX)
		FZ_ASSERT(igp_kernel_version_cmp(s, maj + 1, 0, &cmp) == 0 && cmp < 0, "not older than %d.0",
			  maj + 1);
}

/* Every package read from S as dpkg's status file, a pacman desc file and an
 * rpm list: name and version are text of S, on one line, without the blanks
 * around them, and each is found again by name. */
static void packages(const char *s)
{
	struct igp_pkgdb db = {0};

	FZ_ASSERT(igp_pkgdb_parse_dpkg(&db, s) == 0, "dpkg");
	(void)igp_pkgdb_parse_pacman_desc(&db, s);
	FZ_ASSERT(igp_pkgdb_parse_rpm_list(&db, s) == 0, "rpm");
	igp_pkgdb_sort(&db);
	for (size_t i = 0; i < db.n; i++) {
		const struct igp_pkg *p = &db.pkgs[i];
		_cleanup_free_ char *up = NULL;
		FZ_ASSERT(*p->name && *p->version && strstr(s, p->name) && strstr(s, p->version), "[%s] [%s]",
			  p->name, p->version);
		FZ_ASSERT(!strchr(p->name, '\n') && !strchr(p->version, '\n'), "across lines [%s] [%s]",
			  p->name, p->version);
		FZ_ASSERT(p->db == IGP_PKGDB_RPM ||
			      (!isspace((unsigned char)p->version[0]) &&
			       !isspace((unsigned char)p->version[strlen(p->version) - 1])),
			  "blanks around [%s]", p->version);
		FZ_ASSERT(igp_pkgdb_find(&db, p->name) && streq(igp_pkgdb_find(&db, p->name)->name, p->name),
			  "%s not found", p->name);
		if (igp_pkg_upstream_version(p->version, &up) == 0)
			FZ_ASSERT(isdigit((unsigned char)up[0]) && strstr(p->version, up) &&
				      !strpbrk(up, "+~"),
				  "upstream [%s] of [%s]", up, p->version);
	}
	igp_pkgdb_done(&db);
}

static void versions(const char *s)
{
	_cleanup_free_ char *q = NULL;

	if (igp_qemu_version_from_output(s, &q) == 0) {
		FZ_ASSERT(isdigit((unsigned char)q[0]) && strspn(q, "0123456789.") == strlen(q) &&
			      q[strlen(q) - 1] != '.' && strstr(s, q),
			  "QEMU version [%s]", q);
	}
	packages(s);
}

static void limits(const char *s)
{
	struct igp_memlock m = {.soft = -2, .hard = -2}, m2;
	int r = igp_limits_memlock_feed(&m, s, "/etc/security/limits.conf", "kvm");

	FZ_ASSERT(r == 0, "limits: %d", r);
	FZ_ASSERT(!m.soft_where == (m.soft_prio == 0) && !m.hard_where == (m.hard_prio == 0),
		  "where without a rank");
	FZ_ASSERT(!m.soft_where || (m.soft >= -1 && startswith(m.soft_where, "/etc/security/limits.conf:")),
		  "soft %lld from %s", m.soft, m.soft_where);
	FZ_ASSERT(!m.hard_where || (m.hard >= -1 && startswith(m.hard_where, "/etc/security/limits.conf:")),
		  "hard %lld from %s", m.hard, m.hard_where);
	/* A drop-in read after with only a "*" line cannot beat a "@kvm" line. */
	m2 = m;
	m2.soft_where = m.soft_where ? strdup(m.soft_where) : NULL;
	m2.hard_where = m.hard_where ? strdup(m.hard_where) : NULL;
	FZ_ASSERT(igp_limits_memlock_feed(&m2, "* - memlock 64\n", "/etc/security/limits.d/x.conf", "kvm") ==
		      0,
		  "feed");
	if (m.soft_prio == 2)
		FZ_ASSERT(m2.soft == m.soft && streq(m2.soft_where, m.soft_where), "@kvm beaten by *");
	if (m.hard_prio == 2)
		FZ_ASSERT(m2.hard == m.hard && streq(m2.hard_where, m.hard_where), "@kvm beaten by *");
	igp_memlock_done(&m);
	igp_memlock_done(&m2);
}

static void iomem(const char *s)
{
	static const uint64_t windows[][2] = {
	    {0x4000000000ull, 0x400fffffffull}, {0xc0000000ull, 0xcfffffffull}, {0, UINT64_MAX}};

	for (size_t i = 0; i < ELEMENTSOF(windows); i++) {
		_cleanup_free_ char *name = NULL;
		int r = igp_iomem_framebuffer(s, windows[i][0], windows[i][1], &name);
		FZ_ASSERT(r == 0 || r == -ENOENT || r == -EACCES, "iomem: %d", r);
		if (r == 0)
			FZ_ASSERT(strstr(s, name) && (strstr(name, "fb") || strstr(name, "FB") ||
						      strstr(name, "drm") || strstr(name, "framebuffer")),
				  "framebuffer [%s]", name);
	}
}

static void ecap(const char *s)
{
	int r = igp_vtd_ecap_has_ir(s);

	FZ_ASSERT(r == 0 || r == 1 || r == -EINVAL, "ecap: %d", r);
	if (r >= 0)
		FZ_ASSERT(r == (int)((strtoull(s, NULL, 16) >> 3) & 1), "ecap bit of [%s]", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);

	kernel_version(text);
	versions(text);
	limits(text);
	iomem(text);
	ecap(text);
	(void)igp_check_status_name((enum igp_check_status)(size % 5));
	return 0;
}
