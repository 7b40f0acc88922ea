/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mdev: GVT-g descriptions, type names as users type them, mdevctl's JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgpu/mdev.h"
#include "base/util.h"

/* ---- GVT-g descriptions ---- */

static void test_desc_gvtg_types(void **state)
{
	struct igp_gvtg_desc d;

	/* Exactly what intel_vgpu_show_description() prints for GVTg_V5_4. */
	assert_int_equal(igp_gvtg_desc_parse("low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n"
					     "resolution: 1920x1200\nweight: 4\n",
					     &d),
			 0);
	assert_int_equal(d.low_gm_mb, 128);
	assert_int_equal(d.high_gm_mb, 512);
	assert_int_equal(d.fence, 4);
	assert_string_equal(d.resolution, "1920x1200");
	assert_int_equal(d.weight, 4);

	/* The kernfs reader strips the trailing newline; same result. */
	assert_int_equal(igp_gvtg_desc_parse("low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\n"
					     "resolution: 1024x768\nweight: 2",
					     &d),
			 0);
	assert_int_equal(d.low_gm_mb, 64);
	assert_int_equal(d.high_gm_mb, 384);
	assert_string_equal(d.resolution, "1024x768");
	assert_int_equal(d.weight, 2);
}

static void test_desc_not_gvtg(void **state)
{
	struct igp_gvtg_desc d = {.low_gm_mb = 42};
	static const char *bad[] = {
	    /* another driver's free text (mtty) */
	    "This type supports 1 port",
	    "",
	    /* a line missing */
	    "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\n",
	    /* a line too many */
	    "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\nx: 1\n",
	    /* unit missing, wrong unit, not a number, negative */
	    "low_gm_size: 128\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n",
	    "low_gm_size: 128GB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n",
	    "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: four\nresolution: 1920x1200\nweight: 4\n",
	    "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: -4\nresolution: 1920x1200\nweight: 4\n",
	    /* lines out of order */
	    "high_gm_size: 512MB\nlow_gm_size: 128MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n",
	    /* a resolution that is not WxH digits */
	    "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: big\nweight: 4\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(igp_gvtg_desc_parse(bad[i], &d), -EINVAL);
	assert_int_equal(igp_gvtg_desc_parse(NULL, &d), -EINVAL);
	/* ret untouched on failure */
	assert_int_equal(d.low_gm_mb, 42);
}

/* ---- type names ---- */

static struct igp_mdev_type gvt_types[] = {
    {.id = (char *)"i915-GVTg_V5_1", .name = (char *)"GVTg_V5_1"},
    {.id = (char *)"i915-GVTg_V5_2", .name = (char *)"GVTg_V5_2"},
    {.id = (char *)"i915-GVTg_V5_4", .name = (char *)"GVTg_V5_4"},
    {.id = (char *)"i915-GVTg_V5_8", .name = (char *)"GVTg_V5_8"},
};
static const struct igp_mdev_parent gvt = {
    .name = (char *)"0000:00:02.0", .types = gvt_types, .n_types = ELEMENTSOF(gvt_types)};

static const char *match(const struct igp_mdev_parent *p, const char *spec, int *r)
{
	const struct igp_mdev_type *t = NULL;
	*r = igp_mdev_type_match(p, spec, &t);
	return *r == 0 ? t->id : NULL;
}

static void test_type_match_forms(void **state)
{
	int r;

	assert_string_equal(match(&gvt, "i915-GVTg_V5_4", &r), "i915-GVTg_V5_4");
	assert_string_equal(match(&gvt, "GVTg_V5_4", &r), "i915-GVTg_V5_4");
	assert_string_equal(match(&gvt, "V5_4", &r), "i915-GVTg_V5_4");
	assert_string_equal(match(&gvt, "v5_8", &r), "i915-GVTg_V5_8");
	assert_string_equal(match(&gvt, "gvtg_v5_1", &r), "i915-GVTg_V5_1");
	/* The divisor alone is a unique tail after '_' here. */
	assert_string_equal(match(&gvt, "2", &r), "i915-GVTg_V5_2");
}

static void test_type_match_refusals(void **state)
{
	static struct igp_mdev_type mixed_types[] = {
	    {.id = (char *)"i915-GVTg_V4_1", .name = (char *)"GVTg_V4_1"},
	    {.id = (char *)"i915-GVTg_V5_1", .name = (char *)"GVTg_V5_1"},
	};
	static const struct igp_mdev_parent mixed = {
	    .name = (char *)"x", .types = mixed_types, .n_types = ELEMENTSOF(mixed_types)};
	int r;

	/* Not at a '-'/'_' boundary, not present, empty. */
	assert_null(match(&gvt, "5_4", &r));
	assert_int_equal(r, -ENOENT);
	assert_null(match(&gvt, "V5_16", &r));
	assert_int_equal(r, -ENOENT);
	assert_null(match(&gvt, "GVTg_V5", &r));
	assert_int_equal(r, -ENOENT);
	assert_null(match(&gvt, "", &r));
	assert_int_equal(r, -ENOENT);
	/* "1" ends both types: ambiguous, never a guess. */
	assert_null(match(&mixed, "1", &r));
	assert_int_equal(r, -ENOTUNIQ);
	assert_string_equal(match(&mixed, "V4_1", &r), "i915-GVTg_V4_1");
}

static void test_type_match_exact_wins(void **state)
{
	/* Other drivers: names without a '_' tail, and a type id that is
	 * itself the tail of another. */
	static struct igp_mdev_type t[] = {
	    {.id = (char *)"mtty-1", .name = (char *)"Single port serial"},
	    {.id = (char *)"mtty-2", .name = (char *)"Dual port serial"},
	    {.id = (char *)"a-b", .name = NULL},
	    {.id = (char *)"x-a-b", .name = NULL},
	};
	static const struct igp_mdev_parent p = {
	    .name = (char *)"mtty", .types = t, .n_types = ELEMENTSOF(t)};
	int r;

	assert_string_equal(match(&p, "mtty-2", &r), "mtty-2");
	assert_string_equal(match(&p, "single port serial", &r), "mtty-1");
	assert_string_equal(match(&p, "a-b", &r), "a-b");
	assert_string_equal(match(&p, "x-a-b", &r), "x-a-b");
}

/* ---- UUIDs ---- */

static void test_uuid(void **state)
{
	char u[IGP_MDEV_UUID_MAX], g[IGP_MDEV_UUID_MAX];

	assert_int_equal(igp_mdev_uuid_normalize("A1B2C3D4-0000-4000-8000-00000000ABCD", u), 0);
	assert_string_equal(u, "a1b2c3d4-0000-4000-8000-00000000abcd");
	assert_int_equal(igp_mdev_uuid_normalize("a1b2c3d4-0000-4000-8000-00000000abc", u), -EINVAL);
	assert_int_equal(igp_mdev_uuid_normalize("a1b2c3d4-0000-4000-8000-00000000abcde", u), -EINVAL);
	assert_int_equal(igp_mdev_uuid_normalize("a1b2c3d40000-4000-8000-00000000abcd0", u), -EINVAL);
	assert_int_equal(igp_mdev_uuid_normalize("g1b2c3d4-0000-4000-8000-00000000abcd", u), -EINVAL);
	assert_int_equal(igp_mdev_uuid_normalize(NULL, u), -EINVAL);

	igp_mdev_uuid_generate(g);
	assert_int_equal(strlen(g), 36);
	assert_int_equal(igp_mdev_uuid_normalize(g, u), 0);
	assert_string_equal(u, g); /* already canonical */
	igp_mdev_uuid_generate(u);
	assert_string_not_equal(u, g);
}

static void test_uuid_pve(void **state)
{
	unsigned index = 99;
	unsigned long vmid = 0;

	/* generate_mdev_uuid(): sprintf("%08d-0000-0000-0000-%012d", $index, $vmid) */
	assert_int_equal(igp_mdev_uuid_pve("00000000-0000-0000-0000-000000000100", &index, &vmid), 1);
	assert_true(index == 0 && vmid == 100);
	assert_int_equal(igp_mdev_uuid_pve("00000015-0000-0000-0000-000999999999", &index, &vmid), 1);
	assert_true(index == 15 && vmid == 999999999);
	/* Not an index of hostpciN, not a VMID, not decimal, not the middle. */
	assert_int_equal(igp_mdev_uuid_pve("00000016-0000-0000-0000-000000000100", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve("00000001-0000-0000-0000-000000000099", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve("00000001-0000-0000-0000-001000000000", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve("0000000a-0000-0000-0000-000000000100", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve("00000001-0000-4000-0000-000000000100", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve("4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve("00000001-0000-0000-0000-0000000001000", &index, &vmid), 0);
	assert_int_equal(igp_mdev_uuid_pve(NULL, &index, &vmid), 0);
	assert_true(index == 15 && vmid == 999999999);
}

/* ---- mdevctl JSON ---- */

static void test_config_mdevctl_pretty(void **state)
{
	struct igp_mdev_config c;

	/* mdevctl writes its files pretty-printed (serde_json). */
	assert_int_equal(igp_mdev_config_parse("{\n  \"mdev_type\": \"i915-GVTg_V5_4\",\n"
					       "  \"start\": \"auto\",\n  \"attrs\": [\n"
					       "    {\n      \"assign_adapter\": \"5\"\n    },\n"
					       "    {\n      \"assign_domain\": \"0x47\"\n    }\n  ]\n}\n",
					       &c),
			 0);
	assert_string_equal(c.type, "i915-GVTg_V5_4");
	assert_true(c.autostart);
	assert_int_equal(c.n_attrs, 2);
	assert_string_equal(c.attrs[0].name, "assign_adapter");
	assert_string_equal(c.attrs[0].value, "5");
	assert_string_equal(c.attrs[1].name, "assign_domain");
	assert_string_equal(c.attrs[1].value, "0x47");
	igp_mdev_config_done(&c);

	/* "start" absent means manual; "attrs" absent means none. */
	assert_int_equal(igp_mdev_config_parse("{\"mdev_type\":\"mtty-2\"}", &c), 0);
	assert_false(c.autostart);
	assert_int_equal(c.n_attrs, 0);
	igp_mdev_config_done(&c);
}

static void test_config_round_trip(void **state)
{
	struct igp_mdev_attr attrs[] = {
	    {(char *)"b_first", (char *)"2"},
	    {(char *)"a_second", (char *)"/x\"y"},
	};
	struct igp_mdev_config in = {.type = (char *)"i915-GVTg_V5_4", .autostart = true}, out;
	char *s, *s2;

	s = igp_mdev_config_format(&in);
	/* The file mdevctl writes (/etc/mdevctl.d/PARENT/UUID, mdevctl(8)),
	 * byte for byte. */
	assert_string_equal(s, "{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"auto\",\"attrs\":[]}\n");
	free(s);

	in.autostart = false;
	in.attrs = attrs;
	in.n_attrs = ELEMENTSOF(attrs);
	s = igp_mdev_config_format(&in);
	assert_string_equal(s, "{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"manual\",\"attrs\":"
			       "[{\"b_first\":\"2\"},{\"a_second\":\"/x\\\"y\"}]}\n");
	assert_int_equal(igp_mdev_config_parse(s, &out), 0);
	assert_string_equal(out.type, in.type);
	assert_false(out.autostart);
	/* Attribute order is the order mdevctl writes them in: kept. */
	assert_int_equal(out.n_attrs, 2);
	assert_string_equal(out.attrs[0].name, "b_first");
	assert_string_equal(out.attrs[1].name, "a_second");
	assert_string_equal(out.attrs[1].value, "/x\"y");
	s2 = igp_mdev_config_format(&out);
	assert_string_equal(s2, s);
	free(s);
	free(s2);
	igp_mdev_config_done(&out);
}

static void test_config_refusals(void **state)
{
	struct igp_mdev_config c = {.type = (char *)"untouched"};
	static const char *bad[] = {
	    "",
	    "[]",
	    "\"i915-GVTg_V5_4\"",
	    "{}",
	    "{\"mdev_type\":\"\"}",
	    "{\"mdev_type\":4}",
	    "{\"mdev_type\":\"t\",\"start\":\"sometimes\"}",
	    "{\"mdev_type\":\"t\",\"start\":true}",
	    "{\"mdev_type\":\"t\",\"attrs\":{}}",
	    "{\"mdev_type\":\"t\",\"attrs\":[\"x\"]}",
	    "{\"mdev_type\":\"t\",\"attrs\":[{}]}",
	    "{\"mdev_type\":\"t\",\"attrs\":[{\"a\":\"1\",\"b\":\"2\"}]}",
	    "{\"mdev_type\":\"t\",\"attrs\":[{\"a\":1}]}",
	    "{\"mdev_type\":\"t\"} trailing",
	    "{\"mdev_type\":\"t\"",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		int r = igp_mdev_config_parse(bad[i], &c);
		if (r != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	}
	assert_string_equal(c.type, "untouched");
	assert_null(igp_mdev_config_format(&(struct igp_mdev_config){}));
}

/* The words of `vgpu start-defined -J` (docs/cli.md), both ways. */
static void test_start_status_names(void **state)
{
	static const char *const words[] = {
	    [IGP_MDEV_STARTED] = "started",	[IGP_MDEV_ALREADY_ACTIVE] = "active",
	    [IGP_MDEV_NO_PARENT] = "no-parent", [IGP_MDEV_FAILED] = "failed",
	    [IGP_MDEV_REQUESTED] = "requested",
	};

	for (int s = IGP_MDEV_STARTED; s <= IGP_MDEV_REQUESTED; s++) {
		assert_string_equal(igp_mdev_start_status_name((enum igp_mdev_start_status)s), words[s]);
		assert_int_equal(igp_mdev_start_status_from_name(words[s]), s);
	}
	assert_null(igp_mdev_start_status_name((enum igp_mdev_start_status)(IGP_MDEV_REQUESTED + 1)));
	assert_int_equal(igp_mdev_start_status_from_name("Started"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_start_status_names),
	    cmocka_unit_test(test_desc_gvtg_types),
	    cmocka_unit_test(test_desc_not_gvtg),
	    cmocka_unit_test(test_type_match_forms),
	    cmocka_unit_test(test_type_match_refusals),
	    cmocka_unit_test(test_type_match_exact_wins),
	    cmocka_unit_test(test_uuid),
	    cmocka_unit_test(test_uuid_pve),
	    cmocka_unit_test(test_config_mdevctl_pretty),
	    cmocka_unit_test(test_config_round_trip),
	    cmocka_unit_test(test_config_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
