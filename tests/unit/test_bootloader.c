/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootloader: command line files igpuctl refuses to edit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/bootloader.h"
#include "boot/cmdline_file.h"
#include "base/util.h"

/* The problem igp_cmdline_file_check() finds in TEXT: "OFF: WHAT", or "ok". */
static char *problem(enum igp_cmdline_file kind, const char *text, size_t len)
{
	size_t off = 0;
	const char *what = NULL;
	int r = igp_cmdline_file_check(kind, text, len, &off, &what);

	if (r == 0)
		return strdup("ok");
	assert_int_equal(r, -EBADMSG);
	return strdupf("%zu: %s", off, what);
}

static void expect(enum igp_cmdline_file kind, const char *text, const char *expected)
{
	char *p = problem(kind, text, strlen(text));
	assert_string_equal(p, expected);
	free(p);
}

static void test_kline(void **state)
{
	char *p;

	expect(IGP_CMDLINE_KLINE, "root=/dev/sda1 quiet acpi_osi=\"!Windows 2015\"\n", "ok");
	/* The kernel would take everything after it, igpuctl's too, as one value. */
	expect(IGP_CMDLINE_KLINE, "root=/dev/sda1 dyndbg=\"file x +p\n", "22: unterminated double quote");
	expect(IGP_CMDLINE_KLINE, "", "ok");
	p = problem(IGP_CMDLINE_KLINE, "root=/x\0 ro\n", 12);
	assert_string_equal(p, "7: a NUL byte");
	free(p);
}

static void test_bls(void **state)
{
	expect(IGP_CMDLINE_BLS, "title \"x\nlinux /vmlinuz\noptions root=/x quiet\n", "ok");
	expect(IGP_CMDLINE_BLS, "linux /vmlinuz\noptions root=/x a=\"b c\noptions d\n",
	       "33: unterminated double quote");
}

static void test_kernelstub(void **state)
{
	expect(IGP_CMDLINE_KERNELSTUB, "{\"user\": {\"kernel_options\": [\"quiet\"]}}\n", "ok");
	/* A missing comma: Python's json module would refuse it, and so would kernelstub. */
	expect(IGP_CMDLINE_KERNELSTUB, "{\"user\": {\"kernel_options\": [\"a\"\n \"b\"]}}\n",
	       "34: not valid JSON");
	expect(IGP_CMDLINE_KERNELSTUB, "{\"user\": {\"kernel_options\": [\"a\",]}}", "33: not valid JSON");
	expect(IGP_CMDLINE_KERNELSTUB, "{\"user\": {}} x", "13: not valid JSON");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kline),
	    cmocka_unit_test(test_bls),
	    cmocka_unit_test(test_kernelstub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
