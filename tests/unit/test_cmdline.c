/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmdline: the token planner and the plain-line container keep every other
 * byte, never duplicate, and undo only igpuctl's own tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/cmdline.h"
#include "base/util.h"

static const struct igp_kwant full[] = {
    {IGP_KWANT_LIST_ABSENT, "intel_iommu", "off"},  {IGP_KWANT_LIST_ABSENT, "intel_iommu", "igfx_off"},
    {IGP_KWANT_LIST, "intel_iommu", "on"},	    {IGP_KWANT_SET, "iommu", "pt"},
    {IGP_KWANT_LIST, "modprobe.blacklist", "i915"},
};

/* Plan FULL on LINE, apply, compare; then undo and get LINE back. */
static void roundtrip_back(const char *line, const struct igp_kwant *w, size_t nw, const char *expected,
			   const char *expected_back)
{
	struct igp_kline l, l2;
	struct igp_kop *ops, *undo;
	size_t n_ops, n_undo;
	char **t, **t2, *out, *back;

	assert_int_equal(igp_kline_parse(line, strlen(line), &l), 0);
	t = igp_kline_texts(&l);
	assert_int_equal(igp_kparams_plan(t, l.n, w, nw, &ops, &n_ops), 0);
	assert_int_equal(igp_kline_apply(line, strlen(line), ops, n_ops, &out), 0);
	assert_string_equal(out, expected);

	/* Planning again on the result changes nothing. */
	assert_int_equal(igp_kline_parse(out, strlen(out), &l2), 0);
	t2 = igp_kline_texts(&l2);
	{
		struct igp_kop *again;
		size_t n_again;
		assert_int_equal(igp_kparams_plan(t2, l2.n, w, nw, &again, &n_again), 0);
		assert_int_equal(n_again, 0);
		igp_kops_free(again, n_again);
	}
	assert_int_equal(igp_kparams_unplan(t2, l2.n, ops, n_ops, &undo, &n_undo), 0);
	assert_int_equal(igp_kline_apply(out, strlen(out), undo, n_undo, &back), 0);
	/* Undo restores every token (spacing may differ only where a token
	 * was added to an empty line). */
	assert_string_equal(back, expected_back);
	free(back);
	igp_kops_free(undo, n_undo);
	free(t2);
	igp_kline_done(&l2);
	free(out);
	igp_kops_free(ops, n_ops);
	free(t);
	igp_kline_done(&l);
}

static void roundtrip(const char *line, const struct igp_kwant *w, size_t nw, const char *expected)
{
	roundtrip_back(line, w, nw, expected, line);
}

static void test_add_keeps_everything(void **state)
{
	roundtrip("root=ZFS=rpool/ROOT/pve-1 boot=zfs\n", full, ELEMENTSOF(full),
		  "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt modprobe.blacklist=i915\n");
}

static void test_replace_conflicting(void **state)
{
	roundtrip("quiet intel_iommu=off  splash iommu=soft\n", full, ELEMENTSOF(full),
		  "quiet intel_iommu=on  splash iommu=pt modprobe.blacklist=i915\n");
	/* on,igfx_off would leave the iGPU untranslated: igfx_off goes. */
	roundtrip("intel_iommu=on,igfx_off quiet", full, ELEMENTSOF(full),
		  "intel_iommu=on quiet iommu=pt modprobe.blacklist=i915");
}

static void test_list_merge(void **state)
{
	roundtrip("modprobe.blacklist=nouveau,radeon quiet", full, ELEMENTSOF(full),
		  "modprobe.blacklist=nouveau,radeon,i915 quiet intel_iommu=on iommu=pt");
	/* already listed: untouched */
	roundtrip("modprobe-blacklist=x modprobe.blacklist=i915 intel_iommu=on iommu=pt", full,
		  ELEMENTSOF(full), "modprobe-blacklist=x modprobe.blacklist=i915 intel_iommu=on iommu=pt");
}

static void test_dash_underscore_and_quotes(void **state)
{
	static const struct igp_kwant w[] = {{IGP_KWANT_SET, "vfio_pci.ids", "8086:3e92"}};
	/* vfio-pci.ids is the same parameter: replaced, not duplicated. */
	roundtrip("vfio-pci.ids=10de:1234 foo=\"a b\"", w, 1, "vfio_pci.ids=8086:3e92 foo=\"a b\"");
}

static void test_absent(void **state)
{
	static const struct igp_kwant w[] = {{IGP_KWANT_ABSENT, "i915.enable_guc", "3"},
					     {IGP_KWANT_SET, "i915.enable_gvt", "1"}};
	/* A removed token comes back (at the end: its place is gone). */
	roundtrip_back("a i915.enable_guc=3 b", w, 2, "a b i915.enable_gvt=1", "a b i915.enable_guc=3");
}

/* Removed tokens of one key come back in their order (the kernel uses the
 * last), and a token igpuctl set itself does not keep them away. */
static void test_absent_repeated(void **state)
{
	static const struct igp_kwant gvtg[] = {{IGP_KWANT_SET, "i915.enable_gvt", "1"},
						{IGP_KWANT_ABSENT, "i915.enable_guc", "2"},
						{IGP_KWANT_ABSENT, "i915.enable_guc", "3"}};

	roundtrip_back("i915.enable_guc=3 quiet i915.enable_guc=2", gvtg, ELEMENTSOF(gvtg),
		       "quiet i915.enable_gvt=1", "quiet i915.enable_guc=3 i915.enable_guc=2");
	roundtrip_back("intel_iommu=off intel_iommu=igfx_off quiet", full, ELEMENTSOF(full),
		       "intel_iommu=on quiet iommu=pt modprobe.blacklist=i915",
		       "intel_iommu=igfx_off quiet intel_iommu=off");
}

/* igpuctl's replacement equals a later token: the undo sets back the one
 * igpuctl changed, not the later one. */
static void test_unplan_same_text(void **state)
{
	roundtrip("intel_iommu=on,igfx_off quiet intel_iommu=on", full, ELEMENTSOF(full),
		  "intel_iommu=on quiet intel_iommu=on iommu=pt modprobe.blacklist=i915");
}

/* The user edited the line after igpuctl: only igpuctl's tokens go. */
static void test_unplan_after_user_edit(void **state)
{
	const char *orig = "quiet intel_iommu=off";
	struct igp_kline l;
	struct igp_kop *ops, *undo;
	size_t n_ops, n_undo;
	char **t, *back;
	const char *edited = "quiet intel_iommu=on nomodeset iommu=pt modprobe.blacklist=i915,snd";

	assert_int_equal(igp_kline_parse(orig, strlen(orig), &l), 0);
	t = igp_kline_texts(&l);
	assert_int_equal(igp_kparams_plan(t, l.n, full, ELEMENTSOF(full), &ops, &n_ops), 0);
	free(t);
	igp_kline_done(&l);

	assert_int_equal(igp_kline_parse(edited, strlen(edited), &l), 0);
	t = igp_kline_texts(&l);
	assert_int_equal(igp_kparams_unplan(t, l.n, ops, n_ops, &undo, &n_undo), 0);
	assert_int_equal(igp_kline_apply(edited, strlen(edited), undo, n_undo, &back), 0);
	/* intel_iommu goes back to off; iommu=pt goes; the list the user
	 * changed (now i915,snd) is theirs and stays; nomodeset stays. */
	assert_string_equal(back, "quiet intel_iommu=off nomodeset modprobe.blacklist=i915,snd");
	free(back);
	free(t);
	igp_kline_done(&l);
	igp_kops_free(undo, n_undo);
	igp_kops_free(ops, n_ops);
}

/* Remove the tokens at IDX (-1 ends) of the plain line TEXT, backslashes
 * escaping blanks when BACKSLASH. */
static void removed_in(const char *text, bool backslash, const int *idx, const char *expected)
{
	struct igp_kline l;
	struct igp_cut *cuts = NULL;
	struct igp_splice *sp = NULL;
	size_t n_cuts = 0, n_sp = 0;
	char *out;

	assert_int_equal(igp_kline_parse(text, strlen(text), &l), 0);
	for (; *idx >= 0; idx++)
		assert_int_equal(
		    igp_cut_push(&cuts, &n_cuts, l.toks[*idx].start, l.toks[*idx].end, 0, strlen(text)), 0);
	assert_int_equal(igp_splices_remove(text, cuts, n_cuts, backslash, &sp, &n_sp), 0);
	assert_int_equal(igp_splices_apply(text, strlen(text), sp, n_sp, &out), 0);
	assert_string_equal(out, expected);
	free(out);
	igp_splices_free(sp, n_sp);
	free(cuts);
	igp_kline_done(&l);
}

static void removed(const char *text, const int *idx, const char *expected)
{
	removed_in(text, false, idx, expected);
}

/* Neighbouring tokens go as one stretch with one blank: before, two
 * removals each took the same blank and the splices overlapped. */
static void test_remove_adjacent(void **state)
{
	removed("a b c", (const int[]){0, 1, -1}, "c");
	removed("a b c", (const int[]){1, 0, -1}, "c");
	removed("a b c", (const int[]){1, 2, -1}, "a");
	removed("a b c", (const int[]){0, 2, -1}, "b");
	removed("a b c", (const int[]){0, 1, 2, -1}, "");
	removed("a  b\tc d", (const int[]){1, 2, -1}, "a  d");
	removed("a b", (const int[]){1, 1, -1}, "a");
	/* On the kernel's line a backslash is an ordinary character: the
	 * blank after it goes with the token after it.  In shell it escapes
	 * that blank, which then stays. */
	removed("root=\\ quiet", (const int[]){1, -1}, "root=\\");
	removed_in("a\\ b", true, (const int[]){1, -1}, "a\\ ");
}

/* The offset igp_kparam_check() refuses TOKEN at for SYNTAX, -1 when fine. */
static long bad_at(const char *token, enum igp_ksyntax syntax)
{
	size_t at = 99;
	int r = igp_kparam_check(token, syntax, &at);
	if (r == 0)
		return -1;
	assert_int_equal(r, -EINVAL);
	return (long)at;
}

static void test_kparam_check(void **state)
{
	static const enum igp_ksyntax all[] = {IGP_KSYNTAX_PLAIN, IGP_KSYNTAX_GRUB, IGP_KSYNTAX_KERNELSTUB};
	char *longest = malloc(IGP_KPARAM_MAX + 2);
	size_t at;

	for (size_t i = 0; i < ELEMENTSOF(all); i++) {
		assert_int_equal(bad_at("pcie_acs_override=downstream,multifunction", all[i]), -1);
		assert_int_equal(bad_at("vfio-pci.ids=8086:3e92", all[i]), -1);
		assert_int_equal(bad_at("root=UUID=4b1c-22/x@y%z+1", all[i]), -1);
		assert_int_equal(bad_at("a b", all[i]), 1);
		assert_int_equal(bad_at("x=\"y\"", all[i]), 2);
		assert_int_equal(bad_at("x=\n", all[i]), 2);
		assert_int_equal(bad_at("x=\xff", all[i]), 2);
		assert_int_equal(bad_at("x=\x7f", all[i]), 2);
		assert_int_equal(bad_at("=x", all[i]), 0);
		assert_int_equal(bad_at("", all[i]), 0);
	}
	/* GRUB: script syntax and wildcards are refused. */
	assert_int_equal(bad_at("foo;reboot", IGP_KSYNTAX_GRUB), 3);
	assert_int_equal(bad_at("$(reboot)", IGP_KSYNTAX_GRUB), 0);
	assert_int_equal(bad_at("a=b|c", IGP_KSYNTAX_GRUB), 3);
	assert_int_equal(bad_at("a=}", IGP_KSYNTAX_GRUB), 2);
	assert_int_equal(bad_at("a=*", IGP_KSYNTAX_GRUB), 2);
	assert_int_equal(bad_at("a=x#y", IGP_KSYNTAX_GRUB), 3);
	assert_int_equal(bad_at("memmap=12G$4G", IGP_KSYNTAX_GRUB), 10);
	/* The kernel's own syntax only knows the quote. */
	assert_int_equal(bad_at("memmap=12G$4G", IGP_KSYNTAX_PLAIN), -1);
	assert_int_equal(bad_at("a=b;c'd\\e", IGP_KSYNTAX_PLAIN), -1);
	/* kernelstub: the token goes into a JSON string as it is. */
	assert_int_equal(bad_at("a=b\\c", IGP_KSYNTAX_KERNELSTUB), 3);
	memset(longest, 'a', IGP_KPARAM_MAX + 1);
	longest[IGP_KPARAM_MAX] = '\0';
	assert_int_equal(igp_kparam_check(longest, IGP_KSYNTAX_PLAIN, &at), 0);
	longest[IGP_KPARAM_MAX] = 'a';
	longest[IGP_KPARAM_MAX + 1] = '\0';
	assert_int_equal(igp_kparam_check(longest, IGP_KSYNTAX_PLAIN, &at), -E2BIG);
	free(longest);
	assert_true(igp_kparam_key_eq("vfio-pci.ids=1", "vfio_pci.ids"));
	assert_false(igp_kparam_key_eq("iommu=pt", "intel_iommu"));
}

static void test_module_name_check(void **state)
{
	size_t at;

	assert_int_equal(igp_module_name_check("snd_hda_intel", &at), 0);
	assert_int_equal(igp_module_name_check("snd-hda-intel", &at), 0);
	assert_int_equal(igp_module_name_check("snd;x", &at), -EINVAL);
	assert_int_equal(at, 3);
	assert_int_equal(igp_module_name_check("a,b", &at), -EINVAL);
	assert_int_equal(at, 1);
	assert_int_equal(igp_module_name_check("", &at), -EINVAL);
	assert_int_equal(
	    igp_module_name_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &at), -E2BIG);
}

static void acs(const char *v, int r, size_t at, size_t len)
{
	size_t a = 99, l = 99;
	assert_int_equal(igp_acs_override_check(v, &a, &l), r);
	if (r < 0) {
		assert_int_equal(a, at);
		assert_int_equal(l, len);
	}
}

static void test_acs_override_check(void **state)
{
	acs("downstream,multifunction", 0, 0, 0);
	acs("id:8086:3e92", 0, 0, 0);
	acs("downstream,id:8086:3E92,multifunction", 0, 0, 0);
	acs("downstream;reboot", -EINVAL, 0, 17);
	acs("downstream,foo", -EINVAL, 11, 3);
	acs("downstream,", -EINVAL, 11, 0);
	acs("", -EINVAL, 0, 0);
	acs("id:808:3e92", -EINVAL, 0, 11);
	acs("id:8086:3e9g", -EINVAL, 0, 12);
}

/* The running command line as the kernel's parse_args() reads it. */
static void test_kcmdline(void **state)
{
	struct igp_kcmdline c;

	assert_int_equal(igp_kcmdline_parse("BOOT_IMAGE=/vmlinuz ro i915.enable_gvt=0 "
					    "i915.enable-gvt=1 intel-iommu=on quiet "
					    "dyndbg=\"file x +p\" \"acpi_osi=!Windows 2015\" a= "
					    "-- intel_iommu=off init_arg",
					    &c),
			 0);
	assert_int_equal(c.n, 9);
	/* The last one counts, whichever spelling it has. */
	assert_string_equal(igp_kcmdline_get(&c, "i915.enable_gvt"), "1");
	assert_string_equal(igp_kcmdline_get(&c, "i915.enable-gvt"), "1");
	/* After "--" is init's: not a kernel parameter. */
	assert_string_equal(igp_kcmdline_get(&c, "intel_iommu"), "on");
	assert_null(igp_kcmdline_get(&c, "init_arg"));
	/* A flag is "", a missing key NULL; '-' == '_' in the name only. */
	assert_string_equal(igp_kcmdline_get(&c, "quiet"), "");
	assert_string_equal(igp_kcmdline_get(&c, "a"), "");
	assert_null(igp_kcmdline_get(&c, "i915"));
	assert_string_equal(igp_kcmdline_get(&c, "BOOT-IMAGE"), "/vmlinuz");
	assert_null(igp_kcmdline_get(&c, "BOOT_IMAGE/"));
	/* Quotes around a value, or around the whole parameter, go. */
	assert_string_equal(igp_kcmdline_get(&c, "dyndbg"), "file x +p");
	assert_string_equal(igp_kcmdline_get(&c, "acpi_osi"), "!Windows 2015");
	assert_string_equal(c.tokens[2], "i915.enable_gvt=0");
	assert_string_equal(c.tokens[6], "dyndbg=file x +p");
	assert_null(c.tokens[9]);
	igp_kcmdline_done(&c);

	assert_int_equal(igp_kcmdline_parse("", &c), 0);
	assert_int_equal(c.n, 0);
	assert_null(c.tokens[0]);
	assert_null(igp_kcmdline_get(&c, "quiet"));
	igp_kcmdline_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_keeps_everything),
	    cmocka_unit_test(test_replace_conflicting),
	    cmocka_unit_test(test_list_merge),
	    cmocka_unit_test(test_dash_underscore_and_quotes),
	    cmocka_unit_test(test_kcmdline),
	    cmocka_unit_test(test_absent),
	    cmocka_unit_test(test_absent_repeated),
	    cmocka_unit_test(test_unplan_same_text),
	    cmocka_unit_test(test_unplan_after_user_edit),
	    cmocka_unit_test(test_remove_adjacent),
	    cmocka_unit_test(test_kparam_check),
	    cmocka_unit_test(test_module_name_check),
	    cmocka_unit_test(test_acs_override_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
