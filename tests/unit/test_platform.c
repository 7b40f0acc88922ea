/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Intel platform table: every ID resolves to its platform and to no
 * other, neighbours of listed IDs stay unknown, the method verdicts follow
 * the facts table, and docs/platforms.md says the same as the data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/platform.h"
#include "base/util.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

static const struct igp_platform *by_key(const char *key)
{
	for (const struct igp_platform *const *p = igp_platforms(); *p; p++)
		if (streq((*p)->key, key))
			return *p;
	fail_msg("no platform with key %s", key);
	return NULL;
}

static size_t n_platforms(void)
{
	size_t n = 0;
	for (const struct igp_platform *const *p = igp_platforms(); *p; p++)
		n++;
	return n;
}

static void test_method_names(void **state)
{
	(void)state;
	for (int m = 0; m < _IGP_METHOD_MAX; m++) {
		enum igp_method back = _IGP_METHOD_MAX;
		const char *name = igp_method_name(m);

		assert_non_null(name);
		assert_int_equal(igp_method_parse(name, &back), 0);
		assert_int_equal(back, m);
	}
	assert_string_equal(igp_method_name(IGP_METHOD_FULL), "full");
	assert_string_equal(igp_method_name(IGP_METHOD_GVTG), "gvt-g");
	assert_string_equal(igp_method_name(IGP_METHOD_SRIOV), "sriov");
	assert_null(igp_method_name(_IGP_METHOD_MAX));
	assert_null(igp_method_name((enum igp_method) - 1));
}

static void test_method_parse(void **state)
{
	static const struct {
		const char *s;
		enum igp_method m;
	} good[] = {
	    {"full", IGP_METHOD_FULL}, {"gvt-d", IGP_METHOD_FULL},  {"gvt-g", IGP_METHOD_GVTG},
	    {"gvtg", IGP_METHOD_GVTG}, {"sriov", IGP_METHOD_SRIOV},
	};
	static const char *const bad[] = {
	    "",	     "Full",  "GVT-g", "gvt",	      "gvt_g", "gvtd", "sr-iov",
	    "SRIOV", "full ", " full", "passthrough", "vfio",  "mdev",
	};
	(void)state;

	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		enum igp_method m = _IGP_METHOD_MAX;
		assert_int_equal(igp_method_parse(good[i].s, &m), 0);
		assert_int_equal(m, good[i].m);
	}
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		enum igp_method m = _IGP_METHOD_MAX;
		assert_int_equal(igp_method_parse(bad[i], &m), -EINVAL);
		/* ret_* is only written on success. */
		assert_int_equal(m, _IGP_METHOD_MAX);
	}
	assert_int_equal(igp_method_parse(NULL, NULL), -EINVAL);
}

static void test_every_id_resolves(void **state)
{
	size_t total = 0;
	(void)state;

	for (const struct igp_platform *const *p = igp_platforms(); *p; p++) {
		const uint16_t *ids = NULL;
		size_t n = igp_platform_ids(*p, &ids);

		assert_true(n > 0);
		assert_non_null(ids);
		for (size_t i = 0; i < n; i++) {
			const struct igp_platform *got = igp_platform_lookup(ids[i]);
			if (got != *p)
				fail_msg("0x%04x: expected %s, got %s", ids[i], (*p)->key,
					 got ? got->key : "NULL");
		}
		total += n;
	}
	/* Sum of the per-platform counts checked in test_id_counts. */
	assert_int_equal(total, 337);
}

static void test_ids_sorted_and_unique(void **state)
{
	static const struct igp_platform *owner[65536];
	(void)state;

	memset(owner, 0, sizeof(owner));
	for (const struct igp_platform *const *p = igp_platforms(); *p; p++) {
		const uint16_t *ids;
		size_t n = igp_platform_ids(*p, &ids);

		for (size_t i = 0; i < n; i++) {
			/* Strictly ascending: the lookup bisects each list. */
			if (i > 0 && ids[i - 1] >= ids[i])
				fail_msg("%s: 0x%04x before 0x%04x", (*p)->key, ids[i - 1], ids[i]);
			if (owner[ids[i]])
				fail_msg("0x%04x in both %s and %s", ids[i], owner[ids[i]]->key, (*p)->key);
			owner[ids[i]] = *p;
		}
	}

	/* The converse of test_every_id_resolves: no ID outside the lists
	 * resolves, so the lookup never guesses from a range. */
	for (uint32_t id = 0; id <= 0xFFFF; id++) {
		const struct igp_platform *got = igp_platform_lookup((uint16_t)id);

		if (got != owner[id])
			fail_msg("0x%04x resolves to %s but is listed for %s", id, got ? got->key : "NULL",
				 owner[id] ? owner[id]->key : "nothing");
	}
}

/* Counts of the INTEL_*_IDS macros in include/drm/intel/pciids.h (plus the
 * four Comet Lake IDs that only Mesa still lists): a dropped line fails. */
static void test_id_counts(void **state)
{
	static const struct {
		const char *key;
		size_t n;
	} counts[] = {
	    {"ilk", 2},	  {"snb", 7},  {"ivb", 6},  {"vlv", 4},	 {"hsw", 60}, {"bdw", 24}, {"chv", 4},
	    {"skl", 25},  {"bxt", 5},  {"glk", 2},  {"kbl", 22}, {"cfl", 17}, {"whl", 5},  {"cml", 21},
	    {"cnl", 14},  {"icl", 15}, {"ehl", 6},  {"jsl", 5},	 {"tgl", 11}, {"rkl", 6},  {"adls", 8},
	    {"adlp", 18}, {"adln", 5}, {"rpls", 8}, {"rplp", 5}, {"rplu", 5}, {"mtl", 5},  {"arl", 5},
	    {"lnl", 3},	  {"ptl", 12}, {"wcl", 2},
	};
	(void)state;

	assert_int_equal(n_platforms(), ELEMENTSOF(counts));
	for (size_t i = 0; i < ELEMENTSOF(counts); i++) {
		const uint16_t *ids;
		size_t n = igp_platform_ids(by_key(counts[i].key), &ids);
		if (n != counts[i].n)
			fail_msg("%s: %zu IDs, expected %zu", counts[i].key, n, counts[i].n);
	}
}

static void test_platform_fields(void **state)
{
	struct igp_platform fake = {.key = "fake", .name = "Fake"};
	const uint16_t *ids = NULL;
	(void)state;

	for (const struct igp_platform *const *p = igp_platforms(); *p; p++) {
		const struct igp_platform *x = *p;

		assert_non_null(x->key);
		assert_non_null(x->name);
		assert_non_null(x->gen);
		assert_non_null(x->macro);
		assert_true(startswith(x->macro, "INTEL_") && endswith(x->macro, "_IDS"));
		/* Keys are stable identifiers: unique. */
		for (const struct igp_platform *const *q = p + 1; *q; q++)
			assert_string_not_equal(x->key, (*q)->key);
		/* GVT-g types exactly where GVT-g exists. */
		assert_int_equal(x->gvtg_types != NULL, x->gvtg != IGP_SUPPORT_NO);
		if (x->gvtg_types)
			assert_true(streq(x->gvtg_types, "GVTg_V4") || streq(x->gvtg_types, "GVTg_V5"));
		/* A caveated verdict must carry its caveat. */
		if (x->sriov == IGP_SUPPORT_DKMS || x->gvtg == IGP_SUPPORT_DKMS) {
			assert_non_null(x->note);
			assert_non_null(strstr(x->note, "i915-sriov-dkms"));
		}
		if (x->note)
			assert_true(strlen(x->note) > 0);
		/* Upstream-xe SR-IOV only where SR-IOV is claimed at all. */
		if (x->xe_sriov_since)
			assert_int_not_equal(x->sriov, IGP_SUPPORT_NO);
	}
	assert_string_equal(by_key("bdw")->gvtg_types, "GVTg_V4");
	assert_string_equal(by_key("cml")->gvtg_types, "GVTg_V5");
	assert_false(by_key("cnl")->i915_binds);
	assert_true(by_key("cfl")->i915_binds);
	assert_true(by_key("mtl")->i915_binds);
	assert_null(by_key("mtl")->xe_sriov_since);
	assert_non_null(by_key("ptl")->xe_sriov_since);

	/* Only structs from the table have IDs; *ret stays untouched. */
	assert_int_equal(igp_platform_ids(&fake, &ids), 0);
	assert_null(ids);
	assert_int_equal(igp_platform_ids(NULL, &ids), 0);
	assert_null(ids);
}

/* The example IDs of the facts table, with their expected verdicts. */
static void test_facts_examples(void **state)
{
	static const struct {
		uint16_t id;
		const char *key;
		const char *name;
		enum igp_support gvtg, sriov;
	} ex[] = {
	    {0x1616, "bdw", "Broadwell", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x1626, "bdw", "Broadwell", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x22B1, "chv", "Braswell", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x1912, "skl", "Skylake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x1916, "skl", "Skylake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x5A85, "bxt", "Apollo Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x3185, "glk", "Gemini Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x5912, "kbl", "Kaby Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x5917, "kbl", "Kaby Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x87C0, "kbl", "Kaby Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x3E92, "cfl", "Coffee Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x3E91, "cfl", "Coffee Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x3E98, "cfl", "Coffee Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x87CA, "cfl", "Coffee Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x3EA0, "whl", "Whiskey Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x9BC8, "cml", "Comet Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x9BC5, "cml", "Comet Lake", IGP_SUPPORT_YES, IGP_SUPPORT_NO},
	    {0x5A52, "cnl", "Cannon Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x8A52, "icl", "Ice Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x8A56, "icl", "Ice Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x4571, "ehl", "Elkhart Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x4E61, "jsl", "Jasper Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x4E71, "jsl", "Jasper Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x9A49, "tgl", "Tiger Lake", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x9A60, "tgl", "Tiger Lake", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x4C8A, "rkl", "Rocket Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x4680, "adls", "Alder Lake-S", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x4692, "adls", "Alder Lake-S", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x46A6, "adlp", "Alder Lake-P", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x46D1, "adln", "Alder Lake-N", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0xA780, "rpls", "Raptor Lake-S", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0xA7A0, "rplp", "Raptor Lake-P", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0xA7A1, "rplu", "Raptor Lake-U", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x7D55, "mtl", "Meteor Lake", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x7D51, "arl", "Arrow Lake", IGP_SUPPORT_NO, IGP_SUPPORT_DKMS},
	    {0x64A0, "lnl", "Lunar Lake", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0xB080, "ptl", "Panther Lake", IGP_SUPPORT_NO, IGP_SUPPORT_YES},
	    {0xFD80, "wcl", "Wildcat Lake", IGP_SUPPORT_NO, IGP_SUPPORT_YES},
	    {0x0412, "hsw", "Haswell", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x0162, "ivb", "Ivy Bridge", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	    {0x0116, "snb", "Sandy Bridge", IGP_SUPPORT_NO, IGP_SUPPORT_NO},
	};
	(void)state;

	for (size_t i = 0; i < ELEMENTSOF(ex); i++) {
		const struct igp_platform *p = igp_platform_lookup(ex[i].id);

		if (!p || !streq(p->key, ex[i].key))
			fail_msg("0x%04x: expected %s, got %s", ex[i].id, ex[i].key, p ? p->key : "NULL");
		assert_string_equal(p->name, ex[i].name);
		assert_int_equal(igp_platform_supports(p, IGP_METHOD_FULL, NULL), IGP_SUPPORT_YES);
		assert_int_equal(igp_platform_supports(p, IGP_METHOD_GVTG, NULL), ex[i].gvtg);
		assert_int_equal(igp_platform_supports(p, IGP_METHOD_SRIOV, NULL), ex[i].sriov);
	}
	assert_string_equal(by_key("mtl")->gen, "12.70");
	assert_string_equal(by_key("arl")->gen, "12.74");
	assert_string_equal(by_key("bxt")->gen, "9 LP");
	assert_string_equal(by_key("lnl")->gen, "20");
	assert_string_equal(by_key("ptl")->gen, "30");
}

/* Neighbours of listed IDs: the gaps inside a family stay unknown. */
static void test_boundaries(void **state)
{
	static const struct {
		uint16_t id;
		const char *key; /* NULL: unknown */
	} b[] = {
	    {0x3E8F, NULL},   {0x3E90, "cfl"},	{0x3E95, NULL},	  {0x3E97, NULL},   {0x3E9C, "cfl"},
	    {0x3E9D, NULL},   {0x3E9F, NULL},	{0x3EA0, "whl"},  {0x3EA4, "whl"},  {0x3EA5, "cfl"},
	    {0x3EA9, "cfl"},  {0x3EAA, NULL},	{0x9B20, NULL},	  {0x9B21, "cml"},  {0x9BC7, NULL},
	    {0x9BF6, "cml"},  {0x9BF7, NULL},	{0x5A83, NULL},	  {0x5A84, "bxt"},  {0x5A86, NULL},
	    {0x5A5C, "cnl"},  {0x5A5D, NULL},	{0x0A84, "bxt"},  {0x0A2E, "hsw"},  {0x0A2F, NULL},
	    {0x46C3, "adlp"}, {0x46C4, NULL},	{0x46D0, "adln"}, {0x46D4, "adln"}, {0x46D5, NULL},
	    {0x4693, "adls"}, {0x4694, NULL},	{0x7D40, "mtl"},  {0x7D41, "arl"},  {0x7D45, "mtl"},
	    {0x7D46, NULL},   {0xA720, "rplp"}, {0xA721, "rplu"}, {0xA722, NULL},   {0xA7A0, "rplp"},
	    {0xA7A1, "rplu"}, {0xA7AE, NULL},	{0xA78B, "rpls"}, {0xA78C, NULL},   {0x8A4F, NULL},
	    {0x8A50, "icl"},  {0x8A55, NULL},	{0x8A71, "icl"},  {0x8A72, NULL},   {0x9A49, "tgl"},
	    {0x9A4A, NULL},   {0xB07F, NULL},	{0xB080, "ptl"},  {0xB088, NULL},   {0xB0B0, "ptl"},
	    {0xB0B1, NULL},   {0xFD7F, NULL},	{0xFD81, "wcl"},  {0xFD82, NULL},   {0x163E, "bdw"},
	    {0x163F, NULL},   {0x193D, "skl"},	{0x193E, NULL},	  {0x87C1, NULL},   {0x87C9, NULL},
	    {0x22B4, NULL},   {0x3186, NULL},
	};
	(void)state;

	for (size_t i = 0; i < ELEMENTSOF(b); i++) {
		const struct igp_platform *p = igp_platform_lookup(b[i].id);
		if (!streq_ptr(p ? p->key : NULL, b[i].key))
			fail_msg("0x%04x: expected %s, got %s", b[i].id, b[i].key ? b[i].key : "NULL",
				 p ? p->key : "NULL");
	}
}

static void test_unknown_ids(void **state)
{
	static const uint16_t unknown[] = {
	    0x0000, 0xFFFF, 0x56A0, 0x56A5, 0x5690, /* Arc Alchemist (DG2) */
	    0xE202, 0xE20B, 0xE220,		    /* Arc Battlemage */
	    0x4905, 0x4908,			    /* DG1 */
	    0x56C0,				    /* ATS-M (Flex) */
	    0x0BD5,				    /* Ponte Vecchio */
	    0x2A42, 0x2E12, 0xA011,		    /* pre-Ironlake chipset graphics: not listed */
	    0x1234, 0x8086,
	};
	(void)state;

	for (size_t i = 0; i < ELEMENTSOF(unknown); i++)
		if (igp_platform_lookup(unknown[i]))
			fail_msg("0x%04x should be unknown, is %s", unknown[i],
				 igp_platform_lookup(unknown[i])->key);
}

static void test_supports_not_an_igpu(void **state)
{
	_cleanup_free_ char *full = NULL, *gvtg = NULL, *sriov = NULL;
	(void)state;

	assert_int_equal(igp_platform_supports(NULL, IGP_METHOD_FULL, &full), IGP_SUPPORT_YES);
	assert_int_equal(igp_platform_supports(NULL, IGP_METHOD_GVTG, &gvtg), IGP_SUPPORT_NO);
	assert_int_equal(igp_platform_supports(NULL, IGP_METHOD_SRIOV, &sriov), IGP_SUPPORT_NO);
	assert_non_null(full);
	assert_non_null(gvtg);
	assert_non_null(sriov);
	assert_non_null(strstr(full, "discrete GPUs"));
	assert_non_null(strstr(full, "full passthrough only"));
	assert_non_null(strstr(gvtg, "use full passthrough."));
	assert_non_null(strstr(sriov, "use full passthrough."));
}

static void test_supports_every_platform(void **state)
{
	(void)state;

	for (const struct igp_platform *const *p = igp_platforms(); *p; p++) {
		for (int m = 0; m < _IGP_METHOD_MAX; m++) {
			_cleanup_free_ char *reason = NULL;
			enum igp_support s = igp_platform_supports(*p, m, &reason);
			enum igp_support want = m == IGP_METHOD_FULL   ? IGP_SUPPORT_YES
						: m == IGP_METHOD_GVTG ? (*p)->gvtg
								       : (*p)->sriov;

			assert_int_equal(s, want);
			assert_int_equal(igp_platform_supports(*p, m, NULL), want);
			assert_non_null(reason);
			/* One sentence that names the platform and its generation. */
			if (!startswith(reason, (*p)->name))
				fail_msg("%s/%s: reason does not name the platform: %s", (*p)->key,
					 igp_method_name(m), reason);
			assert_non_null(strstr(reason, (*p)->gen));
			assert_true(endswith(reason, "."));
			assert_null(strstr(reason, ". "));
			/* A "no" always points to the alternative. */
			if (s == IGP_SUPPORT_NO)
				assert_non_null(strstr(reason, "; use "));
		}
	}
}

static void test_reason_texts(void **state)
{
	static const struct {
		const char *key;
		enum igp_method m;
		const char *text;
	} r[] = {
	    {"icl", IGP_METHOD_GVTG,
	     "Ice Lake (Gen 11) has no GVT-g (i915 supports it only on Broadwell, Skylake, "
	     "Apollo Lake, Kaby Lake, Coffee Lake, Whiskey Lake and Comet Lake); use full "
	     "passthrough."},
	    {"adln", IGP_METHOD_GVTG, "; use SR-IOV or full passthrough."},
	    {"cfl", IGP_METHOD_GVTG, "Coffee Lake (Gen 9) supports GVT-g"},
	    {"cfl", IGP_METHOD_GVTG, "GVTg_V5_*"},
	    {"bdw", IGP_METHOD_GVTG, "GVTg_V4_*"},
	    {"cfl", IGP_METHOD_SRIOV, "; use GVT-g or full passthrough."},
	    {"rkl", IGP_METHOD_SRIOV, "Rocket Lake (Gen 12) has no SR-IOV"},
	    {"tgl", IGP_METHOD_SRIOV, "i915-sriov-dkms"},
	    {"tgl", IGP_METHOD_SRIOV, "xe.force_probe"},
	    {"mtl", IGP_METHOD_SRIOV, "not with mainline i915 or xe."},
	    {"arl", IGP_METHOD_SRIOV, "Arrow Lake (Gen 12.74) supports SR-IOV only with"},
	    {"ptl", IGP_METHOD_SRIOV, "with the upstream xe driver."},
	    {"cnl", IGP_METHOD_FULL, "Cannon Lake (Gen 10) supports full passthrough"},
	    {"bxt", IGP_METHOD_FULL, "with a working IOMMU."},
	};
	(void)state;

	for (size_t i = 0; i < ELEMENTSOF(r); i++) {
		_cleanup_free_ char *reason = NULL;

		igp_platform_supports(by_key(r[i].key), r[i].m, &reason);
		assert_non_null(reason);
		if (!strstr(reason, r[i].text))
			fail_msg("%s/%s: \"%s\" lacks \"%s\"", r[i].key, igp_method_name(r[i].m), reason,
				 r[i].text);
	}
}

static void test_supports_unknown_method(void **state)
{
	_cleanup_free_ char *reason = NULL;
	(void)state;

	assert_int_equal(igp_platform_supports(by_key("cfl"), _IGP_METHOD_MAX, &reason), IGP_SUPPORT_NO);
	assert_non_null(reason);
}

/* docs/platforms.md is written from this table: it must agree with it. */
static const char *support_text(const struct igp_platform *p, enum igp_method m, char *buf, size_t size)
{
	enum igp_support s = m == IGP_METHOD_GVTG ? p->gvtg : p->sriov;

	if (s == IGP_SUPPORT_NO)
		return "no";
	if (m == IGP_METHOD_GVTG)
		snprintf(buf, size, "yes (`%s_*`)", p->gvtg_types);
	else if (s == IGP_SUPPORT_YES)
		snprintf(buf, size, "yes (%s)", p->xe_sriov_since ? "upstream xe" : "upstream i915");
	else
		snprintf(buf, size, "%s",
			 p->xe_sriov_since ? "i915-sriov-dkms, or xe with force_probe"
					   : "i915-sriov-dkms only");
	return buf;
}

static void test_docs_agree(void **state)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *doc = NULL;
	size_t size = 0;
	(void)state;

	f = fopen(SRCDIR "/docs/platforms.md", "re");
	assert_non_null(f);
	doc = calloc(1, 256 * 1024);
	assert_non_null(doc);
	size = fread(doc, 1, 256 * 1024 - 1, f);
	assert_true(size > 0);

	for (const struct igp_platform *const *p = igp_platforms(); *p; p++) {
		char g[128], s[128], row[512], ids_line[2048];
		const uint16_t *ids;
		size_t n = igp_platform_ids(*p, &ids), off = 0;

		snprintf(row, sizeof(row), "\n| %s | `%s` | %s | %zu | %s | %s |", (*p)->name, (*p)->key,
			 (*p)->gen, n, support_text(*p, IGP_METHOD_GVTG, g, sizeof(g)),
			 support_text(*p, IGP_METHOD_SRIOV, s, sizeof(s)));
		if (!strstr(doc, row))
			fail_msg("docs/platforms.md lacks the row: %s", row + 1);

		off = snprintf(ids_line, sizeof(ids_line), "\n`%s` (%s):", (*p)->key, (*p)->macro);
		for (size_t i = 0; i < n; i++)
			off += snprintf(ids_line + off, sizeof(ids_line) - off, " %04x", ids[i]);
		snprintf(ids_line + off, sizeof(ids_line) - off, "\n");
		if (!strstr(doc, ids_line))
			fail_msg("docs/platforms.md lacks the ID line: %s", ids_line + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_method_names),
	    cmocka_unit_test(test_method_parse),
	    cmocka_unit_test(test_every_id_resolves),
	    cmocka_unit_test(test_ids_sorted_and_unique),
	    cmocka_unit_test(test_id_counts),
	    cmocka_unit_test(test_platform_fields),
	    cmocka_unit_test(test_facts_examples),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_unknown_ids),
	    cmocka_unit_test(test_supports_not_an_igpu),
	    cmocka_unit_test(test_supports_every_platform),
	    cmocka_unit_test(test_reason_texts),
	    cmocka_unit_test(test_supports_unknown_method),
	    cmocka_unit_test(test_docs_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
