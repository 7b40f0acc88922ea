/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journal: backups, byte-for-byte revert, and revert of a file the user
 * changed after igpuctl (only igpuctl's part goes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "journal.h"
#include "modconf.h"
#include "paths.h"
#include "util.h"

#include "tmproot.h"

static char root[] = "/tmp/igp-journal-XXXXXX";

static void put(const char *rel, const char *content)
{
	char *p = strdupf("%s%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	free(p);
}

static char *get(const char *rel)
{
	char *s = NULL;
	if (igp_read_optional(rel, &s) < 0)
		return NULL;
	return s;
}

static int setup(void **state)
{
	tmproot_setup(root, "etc/kernel", "etc/modprobe.d", NULL);
	return 0;
}

static int teardown(void **state)
{
	tmproot_teardown(root);
	return 0;
}

/* A plan: one token added to /etc/kernel/cmdline, one owned file. */
static void make_plan(struct igp_plan *p)
{
	struct igp_undo u = { .kind = IGP_UNDO_KLINE };
	struct igp_kop op = { IGP_KOP_ADD, "iommu=pt", NULL, -1 };
	struct igp_undo one = { .ops = &op, .n_ops = 1 };
	char *before = get(IGP_ETC_KERNEL_CMDLINE);

	assert_int_equal(igp_undo_merge(&u, &one), 0);
	assert_int_equal(igp_plan_add_file(p, IGP_ETC_KERNEL_CMDLINE, before,
					   strdup("root=ZFS=rpool boot=zfs iommu=pt\n"), 0644, &u,
					   IGP_REFRESH_BOOT, "test"),
			 0);
	assert_int_equal(igp_modconf_plan_owned(p, IGP_ETC_MODPROBE_D_IGPUCTL,
						"# igpuctl\noptions vfio-pci ids=8086:3e92\n",
						IGP_REFRESH_INITRAMFS, "test"),
			 0);
}

static void revert_all(void)
{
	struct igp_journal j;
	struct igp_plan r = { 0 };
	assert_int_equal(igp_journal_load(&j), 0);
	assert_true(j.existed);
	assert_int_equal(igp_journal_revert_plan(&j, &r), 0);
	assert_int_equal(igp_journal_revert_apply(&j, &r, NULL), 0);
	assert_int_equal(igp_journal_remove(&j), 0);
	igp_plan_done(&r);
	igp_journal_done(&j);
}

static void test_apply_and_restore_bytes(void **state)
{
	struct igp_journal j;
	struct igp_plan p = { 0 };
	char *s;

	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs\n");
	make_plan(&p);
	assert_int_equal(p.n_files, 2);
	assert_int_equal(igp_journal_load(&j), 0);
	assert_false(j.existed);
	assert_int_equal(igp_journal_apply(&j, &p, NULL), 0);
	igp_journal_done(&j);
	igp_plan_done(&p);
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=ZFS=rpool boot=zfs iommu=pt\n");
	free(s);

	revert_all();
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=ZFS=rpool boot=zfs\n");
	free(s);
	assert_null(get(IGP_ETC_MODPROBE_D_IGPUCTL));
	assert_null(get(IGP_VAR_LIB_IGPUCTL_JOURNAL));
}

static void test_revert_after_user_edit(void **state)
{
	struct igp_journal j;
	struct igp_plan p = { 0 }, r = { 0 };
	char *s;

	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs\n");
	make_plan(&p);
	assert_int_equal(igp_journal_load(&j), 0);
	assert_int_equal(igp_journal_apply(&j, &p, NULL), 0);
	igp_journal_done(&j);
	igp_plan_done(&p);

	/* The user adds a token and a line of their own. */
	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs iommu=pt quiet\n");
	put("/etc/modprobe.d/igpuctl.conf", "# igpuctl\noptions vfio-pci ids=8086:3e92\noptions kvm x=1\n");

	assert_int_equal(igp_journal_load(&j), 0);
	assert_int_equal(igp_journal_revert_plan(&j, &r), 0);
	assert_int_equal(r.n_files, 2);
	assert_non_null(r.files[0].note); /* says what it did */
	igp_plan_done(&r);
	igp_journal_done(&j);
	revert_all();
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=ZFS=rpool boot=zfs quiet\n");
	free(s);
	s = get(IGP_ETC_MODPROBE_D_IGPUCTL);
	assert_string_equal(s, "options kvm x=1\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_and_restore_bytes),
		cmocka_unit_test(test_revert_after_user_edit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
