/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shellvar/grub: GRUB defaults edited with shell semantics, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/grub.h"
#include "boot/shellvar.h"
#include "base/util.h"

static const struct igp_kwant full[] = {
    {IGP_KWANT_LIST_ABSENT, "intel_iommu", "off"},
    {IGP_KWANT_LIST, "intel_iommu", "on"},
    {IGP_KWANT_SET, "iommu", "pt"},
};

/* Edit files a (and b, the grub.d file) and compare the results. */
static int edit(const char *a, const char *b, const char *ea, const char *eb)
{
	struct igp_shdoc d = {0};
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
	assert_int_equal(
	    edit("GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n", NULL,
		 "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on "
		 "iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n",
		 NULL),
	    0);
}

static void test_fedora_only_linux(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX=\"rhgb quiet\"", NULL,
			      "GRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on iommu=pt\"", NULL),
			 0);
}

static void test_single_quotes_comment_replace(void **state)
{
	assert_int_equal(edit("#GRUB_CMDLINE_LINUX_DEFAULT=\"x iommu=pt\"\n"
			      "GRUB_CMDLINE_LINUX_DEFAULT='quiet intel_iommu=off' # keep me\n",
			      NULL,
			      "#GRUB_CMDLINE_LINUX_DEFAULT=\"x iommu=pt\"\n"
			      "GRUB_CMDLINE_LINUX_DEFAULT='quiet intel_iommu=on iommu=pt' # keep me\n",
			      NULL),
			 0);
}

/* The append in grub.d wins: new tokens go there, the replaced one is
 * edited where it is written. */
static void test_grubd_append(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash\"",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash iommu=pt\""),
			 0);
}

/* grub.d overrides /etc/default/grub: its tokens are dead and untouched. */
static void test_grubd_override(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"console=ttyS0\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off\"\n",
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"console=ttyS0 intel_iommu=on iommu=pt\"\n"),
			 0);
}

/* Each effective token with the variable and file that hold it, in the
 * order of igp_grub_tokens(): GRUB_CMDLINE_LINUX first. */
static void test_places(void **state)
{
	static const char a[] =
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"intel_iommu=off\"\n";
	static const char b[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt\"\n";
	struct igp_shdoc d = {0};
	struct igp_grub g;
	char **toks = NULL, **places = NULL;
	(void)state;

	assert_int_equal(igp_shdoc_add(&d, "/etc/default/grub", a, strlen(a)), 0);
	assert_int_equal(igp_shdoc_add(&d, "/etc/default/grub.d/x.cfg", b, strlen(b)), 0);
	igp_grub_init(&g, d);
	assert_int_equal(igp_grub_tokens(&g, &toks), 0);
	assert_int_equal(igp_grub_places(&g, &places), 0);
	assert_int_equal(strv_length(toks), 3);
	assert_int_equal(strv_length(places), 3);
	assert_string_equal(toks[0], "intel_iommu=off");
	assert_string_equal(places[0], "GRUB_CMDLINE_LINUX in /etc/default/grub");
	assert_string_equal(places[1], "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub");
	assert_string_equal(toks[2], "iommu=pt");
	assert_string_equal(places[2], "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub.d/x.cfg");
	strv_free(toks);
	strv_free(places);
	igp_grub_done(&g);
}

static void test_unquoted_and_missing(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=quiet\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n", NULL),
			 0);
	assert_int_equal(edit("GRUB_TIMEOUT=5", NULL,
			      "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt\"\n",
			      NULL),
			 0);
}

/* New tokens never glue onto what ends the value: after a $VAR (set, set
 * with a trailing blank, or not set), an escaped blank or a quote there is
 * always a blank of their own. */
static void test_blank_after_variable(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA_OPTS\"\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA_OPTS intel_iommu=on iommu=pt\"\n",
			      NULL),
			 0);
	assert_int_equal(
	    edit("X=\"splash \"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet ${X}\"\n", NULL,
		 "X=\"splash \"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet ${X} intel_iommu=on iommu=pt\"\n", NULL),
	    0);
	assert_int_equal(
	    edit("GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT\"\n",
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on iommu=pt\"\n"),
	    0);
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT='quiet'\"$X\"\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT='quiet'\"$X intel_iommu=on iommu=pt\"\n", NULL),
			 0);
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=$X\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=$X\" intel_iommu=on iommu=pt\"\n", NULL),
			 0);
	/* After a blank nothing is added; an empty value gets none either. */
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \"\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n", NULL),
			 0);
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n", NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt\"\n", NULL),
			 0);
}

/* In an array an escaped blank belongs to the word before. */
static void test_array_escaped_blank(void **state)
{
	static char *const vars[] = {"MODULES", NULL};
	static const struct igp_kop add = {IGP_KOP_ADD, "vfio", NULL, -1};
	const char *text = "MODULES=(a\\ )\n";
	struct igp_shdoc d = {0};
	char **out;

	assert_int_equal(igp_shdoc_add(&d, "/etc/mkinitcpio.conf", text, strlen(text)), 0);
	assert_int_equal(igp_shdoc_apply(&d, vars, "MODULES", true, &add, 1, NULL, &out, NULL), 0);
	assert_string_equal(out[0], "MODULES=(a\\  vfio)\n");
	strv_free(out);
	igp_shdoc_done(&d);
}

/* A token to replace that is not one plain stretch of text (here split
 * over two quoted strings) cannot be edited safely: refused. */
static void test_not_editable(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=\"'off'\n", NULL, NULL, NULL),
			 -EBADMSG);
}

/* The refusal igp_shdoc_check() gives for TEXT (a single file), or NULL. */
static char *checked(const char *text, size_t len)
{
	struct igp_shdoc d = {0};
	char *err = NULL;
	int r;

	assert_int_equal(igp_shdoc_add(&d, "/etc/default/grub", text, len), 0);
	r = igp_shdoc_check(&d, &err);
	assert_int_equal(r, err ? -EBADMSG : 0);
	igp_shdoc_done(&d);
	return err;
}

static void refused(const char *text, const char *expected)
{
	char *err = checked(text, strlen(text));
	assert_non_null(err);
	assert_string_equal(err, expected);
	free(err);
}

#define FIX "; fix the file, then run igpuctl again"

/* Files sh would not read as they are are refused, naming the line. */
static void test_check_broken(void **state)
{
	char *err;

	refused("A=1\n\nB=\"quiet\nC=2\n", "/etc/default/grub:3: unterminated double quote" FIX);
	refused("B='quiet\n", "/etc/default/grub:1: unterminated single quote" FIX);
	refused("A=1\nB=\"x\" \\", "/etc/default/grub:2: the last line ends in a backslash, "
				   "continuing into nothing" FIX);
	refused("A=1 \\\n", "/etc/default/grub:1: the last line ends in a backslash, "
			    "continuing into nothing" FIX);
	refused("HOOKS=(base\n udev\n", "/etc/default/grub:1: unterminated array: no ')' closes it" FIX);
	refused("X=1\nMODULES=(i915 # early KMS)\nY=2\n",
		"/etc/default/grub:2: unterminated array: no ')' closes it" FIX);
	refused("A=$(date\n", "/etc/default/grub:1: unterminated $(" FIX);
	refused("A=\"${B\"\n", "/etc/default/grub:1: unterminated ${" FIX);
	/* A name broken by a newline: where would the value end? */
	refused("A=\"${GRUB_CMD\nB=\" x\"\n}\"\n",
		"/etc/default/grub:1: a ${...} that is no parameter expansion (sh: bad substitution)" FIX);
	refused("A=${}\n",
		"/etc/default/grub:1: a ${...} that is no parameter expansion (sh: bad substitution)" FIX);
	refused("A=${B\n", "/etc/default/grub:1: unterminated ${" FIX);
	refused("A=`date\n", "/etc/default/grub:1: unterminated backquote" FIX);
	err = checked("A=1\nB=2\0\n", sizeof("A=1\nB=2\0\n") - 1);
	assert_non_null(err);
	assert_string_equal(err, "/etc/default/grub:2: a NUL byte" FIX);
	free(err);
}

/* What sh reads fine passes, quotes in comments and escapes included. */
static void test_check_fine(void **state)
{
	static const char *const ok[] = {
	    "# don't \"quote\" me\nA=1\n",
	    "A=\"it's\" B='say \"x\"' C=\\\"\n",
	    "A=\"$(echo \")\")\" B=${C:-\"}\"}\n",
	    "MODULES=(i915 # early KMS\n  vfio)\nHOOKS=(base)\n",
	    "A=\"a \\\nb\"\nB=x#y\n",
	    "case $x in a) A=1 ;; esac\n",
	    "A=\"${#B} ${1} ${10} ${#} ${@} ${B%x} ${B:+y}\"\n",
	    "A=1",
	    "",
	};
	for (size_t i = 0; i < ELEMENTSOF(ok); i++)
		assert_null(checked(ok[i], strlen(ok[i])));
}

/* Plan WANTS on MODULES of mkinitcpio.conf TEXT (N_TOKS tokens), apply
 * them and compare the file with EXPECT. */
static void modules_edit(const char *text, const struct igp_kwant *w, size_t nw, size_t n_toks,
			 size_t n_expect_ops, const char *expect)
{
	static char *const vars[] = {"MODULES", NULL};
	struct igp_shdoc d = {0};
	struct igp_shtok *t;
	size_t n, n_ops;
	char *tt[8] = {0}, **out;
	struct igp_kop *ops;

	assert_int_equal(igp_shdoc_add(&d, "/etc/mkinitcpio.conf", text, strlen(text)), 0);
	assert_int_equal(igp_shdoc_tokens(&d, vars, &t, &n), 0);
	assert_int_equal(n, n_toks);
	for (size_t i = 0; i < n; i++)
		tt[i] = t[i].text;
	assert_int_equal(igp_kparams_plan(tt, n, w, nw, &ops, &n_ops), 0);
	assert_int_equal(n_ops, n_expect_ops);
	assert_int_equal(igp_shdoc_apply(&d, vars, "MODULES", true, ops, n_ops, NULL, &out, NULL), 0);
	assert_string_equal(out[0], expect);
	strv_free(out);
	igp_kops_free(ops, n_ops);
	igp_shtoks_free(t, n);
	igp_shdoc_done(&d);
}

static void test_array(void **state)
{
	static const struct igp_kwant w[] = {{IGP_KWANT_SET, "vfio_pci", NULL},
					     {IGP_KWANT_SET, "vfio", NULL}};

	/* vfio-pci is vfio_pci: one op */
	modules_edit("# MODULES=(usbhid)\nMODULES=(i915 # early KMS\n  vfio-pci)\nHOOKS=(base)\n", w, 2, 2, 1,
		     "# MODULES=(usbhid)\nMODULES=(i915 # early KMS\n  vfio-pci vfio)\nHOOKS=(base)\n");
}

/* Quotes inside ${...} and $(...) belong to the expansion, as sh reads
 * them (XCU 2.6.2): the words after it are still seen and edited. */
static void test_quotes_inside_expansions(void **state)
{
	assert_int_equal(edit("X=${G=\"}\"}\nGRUB_CMDLINE_LINUX_DEFAULT=\"$(echo \")\") quiet\"\n", NULL,
			      "X=${G=\"}\"}\nGRUB_CMDLINE_LINUX_DEFAULT=\"$(echo \")\") quiet intel_iommu=on "
			      "iommu=pt\"\n",
			      NULL),
			 0);
}

/* `NAME=x cmd` sets NAME for cmd alone (XCU 2.9.1): the shell's value is
 * the one before, and new words go there. */
static void test_prefix_assignment(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"x\" true\n",
			      NULL,
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n"
			      "GRUB_CMDLINE_LINUX_DEFAULT=\"x\" true\n",
			      NULL),
			 0);
}

/* An edit that would read back otherwise is refused: here the edited
 * variable is expanded, glued to more text, inside the other one. */
static void test_refuse_glued_expansion(void **state)
{
	assert_int_equal(edit("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
			      "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX_DEFAULT}=x\"\n",
			      NULL, NULL, NULL),
			 -EBADMSG);
}

/* MODULES+= after a string MODULES=x: the new words come after a blank. */
static void test_append_to_empty_append(void **state)
{
	static const struct igp_kwant w[] = {{IGP_KWANT_SET, "vfio_pci", NULL}};

	modules_edit("MODULES+=o\nMODULES+=", w, 1, 1, 1, "MODULES+=o\nMODULES+=\" vfio_pci\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_debian_default),
	    cmocka_unit_test(test_fedora_only_linux),
	    cmocka_unit_test(test_single_quotes_comment_replace),
	    cmocka_unit_test(test_grubd_append),
	    cmocka_unit_test(test_grubd_override),
	    cmocka_unit_test(test_places),
	    cmocka_unit_test(test_unquoted_and_missing),
	    cmocka_unit_test(test_blank_after_variable),
	    cmocka_unit_test(test_array_escaped_blank),
	    cmocka_unit_test(test_not_editable),
	    cmocka_unit_test(test_check_broken),
	    cmocka_unit_test(test_check_fine),
	    cmocka_unit_test(test_array),
	    cmocka_unit_test(test_quotes_inside_expansions),
	    cmocka_unit_test(test_prefix_assignment),
	    cmocka_unit_test(test_refuse_glued_expansion),
	    cmocka_unit_test(test_append_to_empty_append),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
