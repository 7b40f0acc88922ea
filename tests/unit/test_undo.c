/* SPDX-License-Identifier: GPL-2.0-or-later */
/* undo: in every format, `revert` of a file the user changed after setup
 * takes out igpuctl's tokens and keeps the user's change, whatever the list
 * held before (an empty one in particular). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/bls.h"
#include "boot/kernelstub_conf.h"
#include "change/plan.h"
#include "boot/shellvar.h"
#include "base/util.h"

static const struct igp_kwant full[] = {
    {IGP_KWANT_LIST_ABSENT, "intel_iommu", "off"},
    {IGP_KWANT_LIST, "intel_iommu", "on"},
    {IGP_KWANT_SET, "iommu", "pt"},
    {IGP_KWANT_SET, "initcall_blacklist", "sysfb_init"},
};

static const struct igp_kwant vfio[] = {
    {IGP_KWANT_SET, "vfio", NULL},
    {IGP_KWANT_SET, "vfio_iommu_type1", NULL},
    {IGP_KWANT_SET, "vfio_pci", NULL},
};

static char *const grub_vars[] = {"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", NULL};
static char *const modules_var[] = {"MODULES", NULL};

static int tokens_of(enum igp_undo_kind kind, const char *text, struct igp_kline *l)
{
	switch (kind) {
	case IGP_UNDO_BLS:
		return igp_bls_tokens(text, l);
	case IGP_UNDO_KERNELSTUB:
		return igp_kernelstub_tokens(text, l);
	default:
		return igp_kline_parse(text, strlen(text), l);
	}
}

static int apply_ops(enum igp_undo_kind kind, const char *text, const struct igp_kop *ops, size_t n,
		     char **ret)
{
	switch (kind) {
	case IGP_UNDO_BLS:
		return igp_bls_apply(text, ops, n, ret);
	case IGP_UNDO_KERNELSTUB:
		return igp_kernelstub_apply(text, ops, n, ret);
	default:
		return igp_kline_apply(text, strlen(text), ops, n, ret);
	}
}

/* Setup on TEXT: the new text and the undo record, as setup journals them. */
static char *setup(struct igp_undo *u, const char *text, const struct igp_kwant *w, size_t nw)
{
	char **t, *out;

	if (u->kind == IGP_UNDO_SHELL) {
		struct igp_shdoc d = {0};
		struct igp_shtok *st;
		size_t n;
		char **texts;
		assert_int_equal(igp_shdoc_add(&d, "/etc/x", text, strlen(text)), 0);
		assert_int_equal(igp_shdoc_tokens(&d, u->vars, &st, &n), 0);
		t = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			t[i] = st[i].text;
		assert_int_equal(igp_kparams_plan(t, n, w, nw, &u->ops, &u->n_ops), 0);
		assert_int_equal(
		    igp_shdoc_apply(&d, u->vars, u->add_var, u->array, u->ops, u->n_ops, NULL, &texts, NULL),
		    0);
		out = strdup(texts[0]);
		strv_free(texts);
		free(t);
		igp_shtoks_free(st, n);
		igp_shdoc_done(&d);
	} else {
		struct igp_kline l;
		assert_int_equal(tokens_of(u->kind, text, &l), 0);
		t = igp_kline_texts(&l);
		assert_int_equal(igp_kparams_plan(t, l.n, w, nw, &u->ops, &u->n_ops), 0);
		assert_int_equal(apply_ops(u->kind, text, u->ops, u->n_ops, &out), 0);
		free(t);
		igp_kline_done(&l);
	}
	return out;
}

/* TEXT with FROM replaced by TO (the user's edit). */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	assert_non_null(p);
	return strdupf("%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
}

/*
 * Setup W on BEFORE must give AFTER; the user then replaces FROM by TO;
 * revert must give REVERTED, and revert of AFTER itself BEFORE.
 */
static void check(struct igp_undo *u, const char *before, const struct igp_kwant *w, size_t nw,
		  const char *after, const char *from, const char *to, const char *reverted)
{
	char *a = setup(u, before, w, nw), *edited, *back;
	bool del = true;

	assert_string_equal(a, after);
	assert_int_equal(igp_undo_unapply(u, "/etc/x", a, &back, &del), 0);
	assert_false(del);
	assert_string_equal(back, before);
	free(back);
	edited = edit(a, from, to);
	assert_int_equal(igp_undo_unapply(u, "/etc/x", edited, &back, &del), 0);
	assert_string_equal(back, reverted);
	free(back);
	free(edited);
	free(a);
	igp_undo_done(u);
}

static void shell_undo(struct igp_undo *u, char *const *vars, const char *add_var, bool array)
{
	*u = (struct igp_undo){.kind = IGP_UNDO_SHELL, .array = array};
	for (size_t i = 0; vars[i]; i++)
		assert_int_equal(strv_push(&u->vars, vars[i]), 0);
	u->add_var = strdup(add_var);
}

static void test_grub_empty(void **state)
{
	struct igp_undo u;

	shell_undo(&u, grub_vars, "GRUB_CMDLINE_LINUX_DEFAULT", false);
	check(&u, "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\nGRUB_CMDLINE_LINUX=\"\"\n", full, ELEMENTSOF(full),
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init\"\n"
	      "GRUB_CMDLINE_LINUX=\"\"\n",
	      "sysfb_init\"", "sysfb_init quiet\"\n# mine",
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n# mine\nGRUB_CMDLINE_LINUX=\"\"\n");
}

/* The user put a token in front: the stretch of igpuctl's tokens goes
 * with the blank before it. */
static void test_grub_user_token_first(void **state)
{
	struct igp_undo u;

	shell_undo(&u, grub_vars, "GRUB_CMDLINE_LINUX_DEFAULT", false);
	check(&u, "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n", full, ELEMENTSOF(full),
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init\"\n",
	      "=\"intel", "=\"splash intel", "GRUB_CMDLINE_LINUX_DEFAULT=\"splash\"\n");
}

static void test_mkinitcpio_empty(void **state)
{
	struct igp_undo u;

	shell_undo(&u, modules_var, "MODULES", true);
	check(&u, "MODULES=()\nHOOKS=(base udev)\n", vfio, ELEMENTSOF(vfio),
	      "MODULES=(vfio vfio_iommu_type1 vfio_pci)\nHOOKS=(base udev)\n", "HOOKS=(base",
	      "# mine\nHOOKS=(base", "MODULES=()\n# mine\nHOOKS=(base udev)\n");
}

static void test_mkinitcpio_user_module(void **state)
{
	struct igp_undo u;

	shell_undo(&u, modules_var, "MODULES", true);
	check(&u, "MODULES=()\n", vfio, ELEMENTSOF(vfio), "MODULES=(vfio vfio_iommu_type1 vfio_pci)\n",
	      "vfio_pci)", "vfio_pci i915)", "MODULES=(i915)\n");
}

/* /etc/kernel/cmdline: the user moved the root= tokens behind igpuctl's. */
static void test_kline_moved(void **state)
{
	struct igp_undo u = {.kind = IGP_UNDO_KLINE};

	check(&u, "root=/dev/sda1 ro\n", full, ELEMENTSOF(full),
	      "root=/dev/sda1 ro intel_iommu=on iommu=pt initcall_blacklist=sysfb_init\n",
	      "root=/dev/sda1 ro intel_iommu=on iommu=pt initcall_blacklist=sysfb_init",
	      "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init root=/dev/sda1 ro quiet",
	      "root=/dev/sda1 ro quiet\n");
}

/* A loader entry without an options line: the line igpuctl added goes. */
static void test_bls_no_options(void **state)
{
	struct igp_undo u = {.kind = IGP_UNDO_BLS};

	check(&u, "title Arch\nlinux /vmlinuz\n", full, ELEMENTSOF(full),
	      "title Arch\nlinux /vmlinuz\noptions intel_iommu=on iommu=pt initcall_blacklist=sysfb_init\n",
	      "title Arch", "# mine\ntitle Arch", "# mine\ntitle Arch\nlinux /vmlinuz\n");
}

/* The user added a token to that line: it stays, and so does the line. */
static void test_bls_user_token(void **state)
{
	struct igp_undo u = {.kind = IGP_UNDO_BLS};

	check(&u, "linux /vmlinuz\n", full, ELEMENTSOF(full),
	      "linux /vmlinuz\noptions intel_iommu=on iommu=pt initcall_blacklist=sysfb_init\n", "sysfb_init",
	      "sysfb_init quiet", "linux /vmlinuz\noptions quiet\n");
}

static void test_kernelstub_empty(void **state)
{
	struct igp_undo u = {.kind = IGP_UNDO_KERNELSTUB};

	check(&u, "{\"user\": {\"kernel_options\": [], \"x\": 1}}\n", full, ELEMENTSOF(full),
	      "{\"user\": {\"kernel_options\": [\"intel_iommu=on\", \"iommu=pt\", "
	      "\"initcall_blacklist=sysfb_init\"], \"x\": 1}}\n",
	      "\"x\": 1", "\"x\": 2", "{\"user\": {\"kernel_options\": [], \"x\": 2}}\n");
}

static void test_kernelstub_user_first(void **state)
{
	struct igp_undo u = {.kind = IGP_UNDO_KERNELSTUB};

	check(&u, "{\"user\": {\"kernel_options\": [\n  \"quiet\"\n]}}", full, ELEMENTSOF(full),
	      "{\"user\": {\"kernel_options\": [\n  \"quiet\",\n  \"intel_iommu=on\",\n  "
	      "\"iommu=pt\",\n  \"initcall_blacklist=sysfb_init\"\n]}}",
	      "\"quiet\",\n  \"intel_iommu=on\",\n  \"iommu=pt\",\n  \"initcall_blacklist=sysfb_init\"",
	      "\"intel_iommu=on\",\n  \"iommu=pt\",\n  \"initcall_blacklist=sysfb_init\",\n  \"splash\"",
	      "{\"user\": {\"kernel_options\": [\n  \"splash\"\n]}}");
}

/* A token setup removed from a grub.d file comes back into the variable
 * that file assigns: a new GRUB_CMDLINE_LINUX_DEFAULT line there would
 * override /etc/default/grub's. */
static void test_grubd_token_back(void **state)
{
	static const struct igp_kwant amd[] = {{IGP_KWANT_ABSENT, "amd_iommu", "off"}};
	struct igp_undo u;

	shell_undo(&u, grub_vars, "GRUB_CMDLINE_LINUX_DEFAULT", false);
	check(&u, "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX amd_iommu=off\"\n", amd, 1,
	      "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX\"\n", "\n", "\n# mine\n",
	      "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX amd_iommu=off\"\n# mine\n");
}

/* A file the user broke after setup is not edited by revert either. */
static void test_broken_since(void **state)
{
	struct igp_undo u;
	char *a, *broken, *back = NULL;
	bool del = false;

	shell_undo(&u, grub_vars, "GRUB_CMDLINE_LINUX_DEFAULT", false);
	a = setup(&u, "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n", full, ELEMENTSOF(full));
	broken = edit(a, "sysfb_init\"", "sysfb_init");
	assert_int_equal(igp_undo_unapply(&u, "/etc/default/grub", broken, &back, &del), -EBADMSG);
	assert_null(back);
	free(broken);
	free(a);
	igp_undo_done(&u);

	u = (struct igp_undo){.kind = IGP_UNDO_KLINE};
	a = setup(&u, "root=/dev/sda1\n", full, ELEMENTSOF(full));
	broken = edit(a, "root=", "x=\"a root=");
	assert_int_equal(igp_undo_unapply(&u, "/etc/kernel/cmdline", broken, &back, &del), -EBADMSG);
	assert_null(back);
	free(broken);
	free(a);
	igp_undo_done(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grub_empty),
	    cmocka_unit_test(test_grub_user_token_first),
	    cmocka_unit_test(test_mkinitcpio_empty),
	    cmocka_unit_test(test_mkinitcpio_user_module),
	    cmocka_unit_test(test_kline_moved),
	    cmocka_unit_test(test_bls_no_options),
	    cmocka_unit_test(test_bls_user_token),
	    cmocka_unit_test(test_kernelstub_empty),
	    cmocka_unit_test(test_kernelstub_user_first),
	    cmocka_unit_test(test_grubd_token_back),
	    cmocka_unit_test(test_broken_since),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
