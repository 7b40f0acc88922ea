/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The string builder: appends, list separators, and a failure that sticks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/strbuf.h"

static void test_appends(void **state)
{
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *s = NULL;

	assert_true(strbuf_empty(&b));
	assert_string_equal(strbuf_str(&b), "");
	assert_int_equal(strbuf_puts(&b, "--- a"), 0);
	assert_int_equal(strbuf_add(&b, "/etc/default/grubXYZ", strlen("/etc/default/grub")), 0);
	assert_int_equal(strbuf_putc(&b, '\n'), 0);
	assert_int_equal(strbuf_printf(&b, "@@ -%zu,%zu +%d @@\n", (size_t)1, (size_t)3, 1), 0);
	assert_false(strbuf_empty(&b));
	assert_string_equal(strbuf_str(&b), "--- a/etc/default/grub\n@@ -1,3 +1 @@\n");
	assert_int_equal(b.len, strlen(strbuf_str(&b)));
	s = strbuf_steal(&b);
	assert_string_equal(s, "--- a/etc/default/grub\n@@ -1,3 +1 @@\n");
	/* Empty again, and usable. */
	assert_null(b.s);
	assert_true(strbuf_empty(&b));
	assert_int_equal(strbuf_puts(&b, "x"), 0);
	assert_string_equal(strbuf_str(&b), "x");
}

/* Past the first allocation, many times over. */
static void test_growth(void **state)
{
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *s = NULL;

	for (int i = 0; i < 10000; i++)
		assert_int_equal(strbuf_printf(&b, "%04d", i), 0);
	assert_int_equal(b.len, 40000);
	s = strbuf_steal(&b);
	assert_int_equal(strlen(s), 40000);
	assert_memory_equal(s, "000000010002", 12);
	assert_string_equal(s + 39996, "9999");
}

static void test_words(void **state)
{
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *s = NULL, *empty = NULL;

	/* No separator before the first word. */
	assert_int_equal(strbuf_sep(&b, ", "), 0);
	assert_true(strbuf_empty(&b));
	assert_int_equal(strbuf_word(&b, ", ", "i915"), 0);
	assert_int_equal(strbuf_word(&b, ", ", "kvmgt"), 0);
	assert_int_equal(strbuf_wordf(&b, ", ", "vfio-pci.ids=%04x:%04x", 0x8086, 0x3e92), 0);
	s = strbuf_steal(&b);
	assert_string_equal(s, "i915, kvmgt, vfio-pci.ids=8086:3e92");
	/* Nothing added: "", not NULL. */
	empty = strbuf_steal(&b);
	assert_non_null(empty);
	assert_string_equal(empty, "");
}

/* An append that fails makes every later one fail and steal() say so. */
static void test_failure_sticks(void **state)
{
	_cleanup_strbuf_ struct strbuf b = {};

	assert_int_equal(strbuf_puts(&b, "kept"), 0);
	assert_int_equal(strbuf_add(&b, "x", SIZE_MAX / 2), -ENOMEM);
	assert_true(b.oom);
	assert_int_equal(strbuf_puts(&b, "more"), -ENOMEM);
	assert_int_equal(strbuf_printf(&b, "%d", 1), -ENOMEM);
	assert_int_equal(strbuf_sep(&b, ","), -ENOMEM);
	assert_int_equal(strbuf_word(&b, ",", "w"), -ENOMEM);
	assert_string_equal(strbuf_str(&b), "kept");
	assert_null(strbuf_steal(&b));
	/* steal() freed the text and reset the buffer. */
	assert_false(b.oom);
	assert_null(b.s);
	assert_int_equal(strbuf_puts(&b, "again"), 0);
	assert_string_equal(strbuf_str(&b), "again");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_growth),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_failure_sticks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
