/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shellvar/grub: GRUB defaults edited with shell semantics, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "grub.h"
#include "shellvar.h"
#include "util.h"

static const struct igp_kwant full[] = {
	{ IGP_KWANT_LIST_ABSENT, "intel_iommu", "off" },
	{ IGP_KWANT_LIST, "intel_iommu", "on" },
	{ IGP_KWANT_SET, "iommu", "pt" },
};

/* Edit files a (and b, the grub.d file) and compare the results. */
static int edit(const char *a, const char *b, const char *ea, const char *eb)
{
	struct igp_shdoc d = { 0 };
	struct igp_grub g;
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	int *files = NULL, r;
	char **texts = NULL, *bad = NULL;

	assert_int_equal(igp_shdoc_add(&d, "/etc/default/grub", a, strlen(a)), 0);
	if (b)
		assert_int_equal(igp_shdoc_add(&d, "/etc/default/grub.d/x.cfg", b, strlen(b)), 0);
	igp_grub_init(&g, d);
	r = igp_grub_edit(&g, full, ELEMENTSOF(full), &ops, &n_ops, &files, &texts, &bad);
	if (r == 0) {
		assert_string_equal(texts[0], ea);
		if (b)
			assert_string_equal(texts[1], eb);
		strv_free(texts);
		igp_kops_free(ops, n_ops);
		free(files);
	}
	free(bad);
	igp_grub_done(&g);
	return r;
}

static void test_debian_default(void **state)
{
	assert_int_equal(edit("GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n", NULL,
			      "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n",
			      NULL), 0);
}

static void test_fedora_only_linux(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX=\"rhgb quiet\"", NULL,
			      "GRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on iommu=pt\"", NULL), 0);
}

static void test_single_quotes_comment_replace(void **state)
{
	assert_int_equal(edit("#GRUB_CMDLINE_LINUX_DEFAULT=\"x iommu=pt\"\n"
			      "GRUB_CMDLINE_LINUX_DEFAULT='quiet intel_iommu=off' # keep me\n", NULL,
			      "#GRUB_CMDLINE_LINUX_DEFAULT=\"x iommu=pt\"\n"
			      "GRUB_CMDLINE_LINUX_DEFAULT='quiet intel_iommu=on iommu=pt' # keep me\n", NULL), 0);
}

/* The append in grub.d wins: new tokens go there, the replaced one is
 * edited where it is written. */
static void test_grubd_append(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash\"",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash iommu=pt\""), 0);
}

/* grub.d overrides /etc/default/grub: its tokens are dead and untouched. */
static void test_grubd_override(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"console=ttyS0\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"console=ttyS0 intel_iommu=on iommu=pt\"\n"), 0);
}

static void test_unquoted_and_missing(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=quiet\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n", NULL), 0);
	assert_int_equal(edit("GRUB_TIMEOUT=5", NULL,
			      "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt\"\n", NULL), 0);
}

/* A token to replace that is not one plain stretch of text (here split
 * over two quoted strings) cannot be edited safely: refused. */
static void test_not_editable(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=\"'off'\n", NULL, NULL, NULL),
			 -EBADMSG);
}

static const struct igp_kwant gvtg[] = {
	{ IGP_KWANT_SET, "i915.enable_gvt", "1" },
	{ IGP_KWANT_ABSENT, "i915.enable_guc", "3" },
};

/* One file, any wants: the edit, or the error. */
static int edit_one(const char *a, const struct igp_kwant *w, size_t nw, const char *ea)
{
	struct igp_shdoc d = { 0 };
	struct igp_grub g;
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	int *files = NULL, r;
	char **texts = NULL, *bad = NULL;

	assert_int_equal(igp_shdoc_add(&d, "/etc/default/grub", a, strlen(a)), 0);
	igp_grub_init(&g, d);
	r = igp_grub_edit(&g, w, nw, &ops, &n_ops, &files, &texts, &bad);
	if (r == 0) {
		assert_string_equal(texts[0], ea);
		strv_free(texts);
		igp_kops_free(ops, n_ops);
		free(files);
	}
	free(bad);
	igp_grub_done(&g);
	return r;
}

/* Backslashes: an escaped blank between two tokens goes with the token
 * removed after it; in double quotes the backslash before a blank ends the
 * token before and must not escape the closing quote; a token that starts
 * with an escaped character cannot be edited in place. */
static void test_backslashes(void **state)
{
	assert_int_equal(edit_one("GRUB_CMDLINE_LINUX_DEFAULT=quiet\\ i915.enable_guc=3\\ splash\n", gvtg, 2,
				  "GRUB_CMDLINE_LINUX_DEFAULT=quiet\\ splash\" i915.enable_gvt=1\"\n"),
			 0);
	assert_int_equal(edit_one("GRUB_CMDLINE_LINUX_DEFAULT=\"a\\ i915.enable_guc=3\"\n", gvtg, 2,
				  "GRUB_CMDLINE_LINUX_DEFAULT=\"a\\  i915.enable_gvt=1\"\n"),
			 0);
	assert_int_equal(edit_one("GRUB_CMDLINE_LINUX_DEFAULT=\\i915.enable_guc=3\n", gvtg, 2, NULL), -EBADMSG);
}

/* Command substitutions are one word, blanks and all: new tokens go after
 * it, not into it. */
static void test_substitution_word(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=$(hostname -s)/x\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=$(hostname -s)/x\" intel_iommu=on iommu=pt\"\n", NULL),
			 0);
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=`hostname -s`/x\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=`hostname -s`/x\" intel_iommu=on iommu=pt\"\n", NULL),
			 0);
}

/* A file whose last line ends in a backslash gets its new line after an
 * empty one, not as a continuation. */
static void test_trailing_backslash(void **state)
{
	assert_int_equal(edit("GRUB_TIMEOUT=5 \\", NULL,
			      "GRUB_TIMEOUT=5 \\\n\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt\"\n", NULL),
			 0);
}

/* A revert puts back a user's token with quotes or parentheses of its own:
 * it is written so that the shell reads it as it was. */
static void test_add_quoted(void **state)
{
	static char *const vars[] = { "V", NULL };
	static const struct {
		const char *text, *token, *expected;
		bool array;
	} cases[] = {
		{ "V=\"quiet\"\n", "a=\"b c\"$x", "V=\"quiet a=\\\"b c\\\"\\$x\"\n", false },
		{ "V='quiet'\n", "it's", "V='quiet it'\\''s'\n", false },
		{ "V=(a)\n", "x(y", "V=(a 'x(y')\n", true },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct igp_shdoc d = { 0 };
		struct igp_kop add = { IGP_KOP_ADD, (char *)cases[i].token, NULL, -1 };
		char **out;
		assert_int_equal(igp_shdoc_add(&d, "/f", cases[i].text, strlen(cases[i].text)), 0);
		assert_int_equal(igp_shdoc_apply(&d, vars, "V", cases[i].array, &add, 1, NULL, &out, NULL), 0);
		assert_string_equal(out[0], cases[i].expected);
		strv_free(out);
		igp_shdoc_done(&d);
	}
}

static void test_array(void **state)
{
	static char *const vars[] = { "MODULES", NULL };
	static const struct igp_kwant w[] = { { IGP_KWANT_SET, "vfio_pci", NULL },
					      { IGP_KWANT_SET, "vfio", NULL } };
	const char *text = "# MODULES=(usbhid)\nMODULES=(i915 # early KMS\n  vfio-pci)\nHOOKS=(base)\n";
	struct igp_shdoc d = { 0 };
	struct igp_shtok *t;
	size_t n, n_ops;
	char *tt[8] = { 0 }, **out;
	struct igp_kop *ops;

	assert_int_equal(igp_shdoc_add(&d, "/etc/mkinitcpio.conf", text, strlen(text)), 0);
	assert_int_equal(igp_shdoc_tokens(&d, vars, &t, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		tt[i] = t[i].text;
	assert_int_equal(igp_kparams_plan(tt, n, w, 2, &ops, &n_ops), 0);
	assert_int_equal(n_ops, 1); /* vfio-pci is vfio_pci */
	assert_int_equal(igp_shdoc_apply(&d, vars, "MODULES", true, ops, n_ops, NULL, &out, NULL), 0);
	assert_string_equal(out[0], "# MODULES=(usbhid)\nMODULES=(i915 # early KMS\n  vfio-pci vfio)\nHOOKS=(base)\n");
	strv_free(out);
	igp_kops_free(ops, n_ops);
	igp_shtoks_free(t, n);
	igp_shdoc_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_fedora_only_linux),
		cmocka_unit_test(test_single_quotes_comment_replace),
		cmocka_unit_test(test_grubd_append),
		cmocka_unit_test(test_grubd_override),
		cmocka_unit_test(test_unquoted_and_missing),
		cmocka_unit_test(test_not_editable),
		cmocka_unit_test(test_backslashes),
		cmocka_unit_test(test_substitution_word),
		cmocka_unit_test(test_trailing_backslash),
		cmocka_unit_test(test_add_quoted),
		cmocka_unit_test(test_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
