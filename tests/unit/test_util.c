/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "model/host.h"
#include "base/enumstr.h"
#include "base/util.h"

/* An enum with a table, as a header and a .c file would declare it. */
enum fruit {
	FRUIT_APPLE,
	FRUIT_PEAR,
	FRUIT_PLUM,
	_FRUIT_MAX,
};
IGP_ENUM_DECL(fruit, enum fruit);
IGP_ENUM_IMPL(fruit, enum fruit,
	      _FRUIT_MAX, [FRUIT_APPLE] = "apple", [FRUIT_PEAR] = "pear", [FRUIT_PLUM] = "plum");

static void test_enum_table(void **state)
{
	for (int v = 0; v < _FRUIT_MAX; v++) {
		assert_non_null(fruit_name((enum fruit)v));
		assert_int_equal(fruit_from_name(fruit_name((enum fruit)v)), v);
	}
	assert_string_equal(fruit_name(FRUIT_PEAR), "pear");
	assert_null(fruit_name(_FRUIT_MAX));
	assert_null(fruit_name((enum fruit) - 1));
	assert_int_equal(fruit_from_name("plum"), FRUIT_PLUM);
	assert_int_equal(fruit_from_name("Plum"), -EINVAL);
	assert_int_equal(fruit_from_name(""), -EINVAL);
	assert_int_equal(fruit_from_name(NULL), -EINVAL);
}

/* The trivial cleanup: called for a value, skipped for NULL. */
struct counted {
	int *freed;
};
static void counted_free(struct counted *c)
{
	(*c->freed)++;
	free(c);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(struct counted *, counted_free);

static void test_trivial_cleanup(void **state)
{
	int freed = 0;

	{
		_cleanup_(counted_freep) struct counted *c = malloc(sizeof(*c));
		_cleanup_(counted_freep) struct counted *none = NULL;
		assert_non_null(c);
		c->freed = &freed;
		(void)none;
	}
	assert_int_equal(freed, 1);
	{
		_cleanup_(counted_freep) struct counted *c = malloc(sizeof(*c)), *kept = NULL;
		assert_non_null(c);
		c->freed = &freed;
		kept = TAKE_PTR(c);
		free(kept);
		kept = NULL;
	}
	assert_int_equal(freed, 1);
}

static void test_strv_split(void **state)
{
	_cleanup_strv_free_ char **v = NULL;
	assert_int_equal(strv_split("  quiet  intel_iommu=on\tiommu=pt ", " \t", &v), 0);
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[0], "quiet");
	assert_string_equal(v[2], "iommu=pt");
	assert_true(strv_contains(v, "intel_iommu=on"));
	assert_false(strv_contains(v, "intel_iommu"));
}

static void test_strv_split_empty(void **state)
{
	_cleanup_strv_free_ char **v = NULL;
	assert_int_equal(strv_split("", " ", &v), 0);
	assert_non_null(v);
	assert_int_equal(strv_length(v), 0);
}

static void test_strextendf(void **state)
{
	_cleanup_free_ char *s = NULL;
	/* NULL starts as "", so a list can grow from nothing. */
	assert_int_equal(strextendf(&s, "%s=%d", "max_vfs", 7), 0);
	assert_int_equal(strextendf(&s, " %s", "enable_guc=3"), 0);
	assert_string_equal(s, "max_vfs=7 enable_guc=3");
}

static void test_strdup_line(void **state)
{
	const char *text = "options i915\n\nblacklist xe", *l = text;
	_cleanup_free_ char *a = strdup_line(&l), *b = strdup_line(&l), *c = NULL;
	assert_string_equal(a, "options i915");
	assert_string_equal(b, "");
	assert_ptr_equal(l, text + strlen("options i915\n\n"));
	c = strdup_line(&l);
	assert_string_equal(c, "blacklist xe");
	/* No newline after the last line: the walk ends. */
	assert_null(l);
}

static void test_parse_long(void **state)
{
	long v;
	assert_int_equal(parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("101", 0, 100, &v), -ERANGE);
	assert_int_equal(parse_long("4x", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_long("", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_long("-1", 0, 100, &v), -ERANGE);
}

static void test_parse_count(void **state)
{
	long v;
	assert_int_equal(parse_count("7", 0, 255, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_count("007", 0, 255, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_count("256", 0, 255, &v), -ERANGE);
	assert_int_equal(parse_count("99999999999999999999", 0, 255, &v), -ERANGE);
	v = 1;
	assert_int_equal(parse_count(" 7", 0, 255, &v), -EINVAL);
	assert_int_equal(parse_count("+7", 0, 255, &v), -EINVAL);
	assert_int_equal(parse_count("-1", 0, 255, &v), -EINVAL);
	assert_int_equal(parse_count("7\n", 0, 255, &v), -EINVAL);
	assert_int_equal(parse_count("0x7", 0, 255, &v), -EINVAL);
	assert_int_equal(parse_count("", 0, 255, &v), -EINVAL);
	assert_int_equal(v, 1);
}

static void test_utf8(void **state)
{
	assert_int_equal(utf8_char_len("\xc3\xa9", 2), 2);	   /* U+00E9 */
	assert_int_equal(utf8_char_len("\xe2\x82\xac", 3), 3);	   /* U+20AC */
	assert_int_equal(utf8_char_len("\xf0\x9f\x98\x80", 4), 4); /* U+1F600 */
	assert_int_equal(utf8_char_len("\xe2\x82\xac", 2), 0);	   /* cut short */
	assert_int_equal(utf8_char_len("\xc0\xaf", 2), 0);	   /* overlong '/' */
	assert_int_equal(utf8_char_len("\xed\xa0\x80", 3), 0);	   /* surrogate */
	assert_int_equal(utf8_char_len("\xc2\x9b", 2), 0);	   /* C1 CSI */
	assert_int_equal(utf8_char_len("\xff", 1), 0);
	assert_int_equal(utf8_char_len("a", 1), 0);
	assert_true(string_is_printable("vm-1 \xc3\xa9t\xc3\xa9"));
	assert_true(string_is_printable(""));
	assert_false(string_is_printable("a\nb"));
	assert_false(string_is_printable("a\x1b[31m"));
	assert_false(string_is_printable("a\x7f"));
	assert_false(string_is_printable("a\xff"));
}

static void test_version_compare(void **state)
{
	assert_true(version_compare("6.1.0-56-amd64", "6.2") < 0);
	assert_true(version_compare("6.8.12-4-pve", "6.2") > 0);
	assert_true(version_compare("5.14", "5.14.0") == 0);
	assert_true(version_compare("4.16", "4.9") > 0);
	assert_true(version_compare("2.12.0", "2.12") == 0);
}

static void test_cmdline_get(void **state)
{
	struct igp_host h = {.cmdline = (char *)"BOOT_IMAGE=/vmlinuz quiet intel_iommu=off foo "
						"intel_iommu=on splash=\"a b\" nomodeset"};
	char buf[64];
	assert_int_equal(igp_kcmdline_parse(h.cmdline, &h.kparams), 0);
	assert_string_equal(igp_host_cmdline_get(&h, "intel_iommu", buf, sizeof(buf)), "on");
	assert_string_equal(igp_host_cmdline_get(&h, "quiet", buf, sizeof(buf)), "");
	assert_string_equal(igp_host_cmdline_get(&h, "splash", buf, sizeof(buf)), "a b");
	assert_null(igp_host_cmdline_get(&h, "iommu", buf, sizeof(buf)));
	assert_null(igp_host_cmdline_get(&h, "intel", buf, sizeof(buf)));
	assert_string_equal(igp_host_cmdline_get(&h, "nomodeset", buf, sizeof(buf)), "");
	/* '-' and '_' are one in a name, as for the kernel's parameq(). */
	assert_string_equal(igp_host_cmdline_get(&h, "intel-iommu", buf, sizeof(buf)), "on");
	igp_kcmdline_done(&h.kparams);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strv_split),
	    cmocka_unit_test(test_strv_split_empty),
	    cmocka_unit_test(test_strextendf),
	    cmocka_unit_test(test_strdup_line),
	    cmocka_unit_test(test_parse_long),
	    cmocka_unit_test(test_parse_count),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_version_compare),
	    cmocka_unit_test(test_cmdline_get),
	    cmocka_unit_test(test_enum_table),
	    cmocka_unit_test(test_trivial_cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
