/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journal: backups, byte-for-byte revert, and revert of a file the user
 * changed after igpuctl (only igpuctl's part goes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "change/change.h"
#include "change/journal.h"
#include "change/removed.h"
#include "modules/modconf.h"
#include "base/paths.h"
#include "base/util.h"

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

static void unlink_rel(const char *rel)
{
	char *p = strdupf("%s%s", root, rel);
	unlink(p);
	free(p);
}

static int setup(void **state)
{
	tmproot_setup(root, "etc/kernel", "etc/modprobe.d", "var/lib/igpuctl", NULL);
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
	struct igp_undo u = {.kind = IGP_UNDO_KLINE};
	struct igp_kop op = {IGP_KOP_ADD, "iommu=pt", NULL, -1};
	struct igp_undo one = {.ops = &op, .n_ops = 1};
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

static void apply_plan(struct igp_plan *p, const char *command)
{
	struct igp_change c = {.lock_fd = -1};
	struct igp_change_report rep = {0};
	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	assert_int_equal(igp_change_apply(&c, p, command, NULL, NULL, &rep), 0);
	assert_int_equal(igp_change_finish(&c), 0);
	igp_change_end(&c);
	igp_change_report_done(&rep);
}

/* Revert change ID (0: all); returns what was left to do by hand. */
static int revert_id(long id)
{
	struct igp_change c = {.lock_fd = -1};
	struct igp_change_report rep = {0};
	struct igp_revert rv = {0};
	int left;

	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	assert_true(c.j.existed);
	assert_int_equal(igp_change_revert_plan(&c, id, &rv), 0);
	left = igp_change_revert_apply(&c, &rv, &rep);
	assert_true(left >= 0);
	assert_int_equal((int)strv_length(rep.manual), left);
	igp_revert_done(&rv);
	igp_change_report_done(&rep);
	igp_change_end(&c);
	return left;
}

static void revert_all(void)
{
	assert_int_equal(revert_id(0), 0);
}

static void test_apply_and_restore_bytes(void **state)
{
	struct igp_plan p = {0};
	char *s;

	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs\n");
	make_plan(&p);
	assert_int_equal(p.n_files, 2);
	apply_plan(&p, "setup --mode full");
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
	struct igp_change c = {.lock_fd = -1};
	struct igp_plan p = {0};
	struct igp_revert rv = {0};
	char *s;

	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs\n");
	make_plan(&p);
	apply_plan(&p, "setup --mode full");
	igp_plan_done(&p);

	/* The user adds a token and a line of their own. */
	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs iommu=pt quiet\n");
	put("/etc/modprobe.d/igpuctl.conf", "# igpuctl\noptions vfio-pci ids=8086:3e92\noptions kvm x=1\n");

	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	assert_int_equal(igp_change_revert_plan(&c, 0, &rv), 0);
	assert_int_equal(rv.plan.n_files, 2);
	assert_non_null(rv.plan.files[0].note); /* says what it did */
	igp_revert_done(&rv);
	igp_change_end(&c);
	revert_all();
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=ZFS=rpool boot=zfs quiet\n");
	free(s);
	s = get(IGP_ETC_MODPROBE_D_IGPUCTL);
	assert_string_equal(s, "options kvm x=1\n");
	free(s);
	unlink_rel("/etc/modprobe.d/igpuctl.conf");
}

/* One token added to /etc/kernel/cmdline as a change of its own. */
static void add_token(const char *token)
{
	struct igp_plan p = {0};
	struct igp_kop op = {IGP_KOP_ADD, (char *)token, NULL, -1};
	struct igp_undo u = {.kind = IGP_UNDO_KLINE}, one = {.ops = &op, .n_ops = 1};
	char *before = get(IGP_ETC_KERNEL_CMDLINE), *after;

	size_t n;

	assert_non_null(before);
	n = strlen(before);
	assert_true(n > 0 && before[n - 1] == '\n');
	after = strdupf("%.*s %s\n", (int)(n - 1), before, token);
	assert_int_equal(igp_undo_merge(&u, &one), 0);
	assert_int_equal(igp_plan_add_file(&p, IGP_ETC_KERNEL_CMDLINE, before, after, 0644, &u, 0, "t"), 0);
	apply_plan(&p, token);
	igp_plan_done(&p);
}

/* Two changes of one file: the older one undone alone keeps the newer one's token. */
static void test_revert_one_change(void **state)
{
	struct igp_change c = {.lock_fd = -1};
	long first;
	char *s;

	put("/etc/kernel/cmdline", "root=/dev/sda1\n");
	add_token("a=1");
	add_token("b=2");
	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	assert_int_equal(c.j.n, 2);
	first = c.j.c[0].id;
	assert_string_equal(c.j.c[0].command, "a=1");
	igp_change_end(&c);

	assert_int_equal(revert_id(first), 0);
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=/dev/sda1 b=2\n");
	free(s);
	revert_all();
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=/dev/sda1\n");
	free(s);
	assert_null(get(IGP_VAR_LIB_IGPUCTL_JOURNAL));
}

/* An edit between plan and write stops the write: nothing changes. */
static void test_stale_plan(void **state)
{
	struct igp_change c = {.lock_fd = -1};
	struct igp_change_report rep = {0};
	struct igp_plan p = {0};
	char *s;

	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs\n");
	make_plan(&p);
	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs quiet\n");
	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	assert_int_equal(igp_change_apply(&c, &p, "x", NULL, NULL, &rep), -ESTALE);
	assert_string_equal(rep.failed, IGP_ETC_KERNEL_CMDLINE);
	igp_change_end(&c);
	igp_change_report_done(&rep);
	igp_plan_done(&p);
	s = get(IGP_ETC_KERNEL_CMDLINE);
	assert_string_equal(s, "root=ZFS=rpool boot=zfs quiet\n");
	free(s);
	assert_null(get(IGP_ETC_MODPROBE_D_IGPUCTL));
	assert_null(get(IGP_VAR_LIB_IGPUCTL_JOURNAL));
}

/* A second igpuctl is refused with the holder's pid. */
static void test_lock_busy(void **state)
{
	struct igp_change c = {.lock_fd = -1};
	int fds[2];
	pid_t pid, holder = 0;
	char b;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct igp_change mine = {.lock_fd = -1};
		if (igp_change_begin(&mine, NULL, NULL) < 0)
			_exit(1);
		(void)!write(fds[1], "x", 1);
		sleep(30);
		_exit(0);
	}
	assert_int_equal(read(fds[0], &b, 1), 1);
	setenv("IGPUCTL_LOCK_TIMEOUT", "0", 1);
	assert_int_equal(igp_change_begin(&c, &holder, NULL), -EBUSY);
	assert_int_equal(holder, pid);
	unsetenv("IGPUCTL_LOCK_TIMEOUT");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The lock goes with its holder. */
	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	igp_change_end(&c);
	close(fds[0]);
	close(fds[1]);
}

static void expect_bad(const char *text, int err, const char *why_part)
{
	struct igp_journal j;
	char *why = NULL;
	assert_int_equal(igp_journal_parse(text, strlen(text), &j, &why), err);
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("\"%s\" does not say \"%s\"", why, why_part);
	free(why);
}

static void test_journal_validation(void **state)
{
	static const char tgt[] = "{\"version\":2,\"next_id\":5,\"changes\":[{\"id\":1,\"targets\":[%s]}]}";
	char *t;

	expect_bad("", -EBADMSG, "JSON");
	expect_bad("{\"version\":2", -EBADMSG, "JSON");
	expect_bad("[]", -EBADMSG, "object");
	expect_bad("{\"version\":3,\"changes\":[]}", -EPROTONOSUPPORT, "newer");
	expect_bad("{\"version\":2}", -EBADMSG, "changes");
	expect_bad("{\"version\":2,\"changes\":[{\"id\":1,\"targets\":[]},{\"id\":1,\"targets\":[]}],"
		   "\"next_id\":3}",
		   -EBADMSG, "two changes");
	/* A shell undo record without its variables (revert crashed on it). */
	t = strdupf(tgt, "{\"path\":\"/etc/default/grub\",\"before\":\"1-1.before\",\"after\":\"1-2.after\","
			 "\"undo\":{\"kind\":\"shell\",\"ops\":[]}}");
	expect_bad(t, -EBADMSG, "shell");
	free(t);
	t = strdupf(tgt,
		    "{\"path\":\"/etc/x\",\"before\":\"../../etc/shadow\",\"undo\":{\"kind\":\"lines\"}}");
	expect_bad(t, -EBADMSG, "backup name");
	free(t);
	t = strdupf(tgt, "{\"path\":\"etc/../x\",\"undo\":{\"kind\":\"lines\"}}");
	expect_bad(t, -EBADMSG, "path");
	free(t);
	t = strdupf(tgt, "{\"path\":\"/etc/x\",\"undo\":{\"kind\":\"kline\",\"ops\":[{\"op\":\"add\"}]}}");
	expect_bad(t, -EBADMSG, "token");
	free(t);
	t = strdupf(tgt, "{\"path\":\"/etc/x\",\"mode\":\"x\",\"undo\":{\"kind\":\"lines\"}}");
	expect_bad(t, -EBADMSG, "mode");
	free(t);
	expect_bad("{\"version\":2,\"changes\":[],\"pending\":[[]]}", -EBADMSG, "empty command");
	{
		const char nul[] = "{\"version\":2,\0\"changes\":[]}";
		struct igp_journal j;
		assert_int_equal(igp_journal_parse(nul, sizeof(nul) - 1, &j, NULL), -EBADMSG);
	}
}

/* What igpuctl 0.1 wrote is read as one change; format and parse agree. */
static void test_journal_v1_and_round_trip(void **state)
{
	static const char v1[] =
	    "{\"version\":1,\"next_id\":3,\"gen\":4,\"entries\":[{\"id\":1,\"path\":\"/etc/kernel/cmdline\","
	    "\"before\":\"1-1.before\",\"after\":\"1-2.after\",\"mode\":420,\"refresh\":1,"
	    "\"undo\":{\"kind\":\"kline\",\"ops\":[{\"op\":\"add\",\"token\":\"iommu=pt\"}]}}],"
	    "\"pending\":[[\"update-initramfs\",\"-u\"]],\"revert_commands\":[[\"kernelstub\",\"-d\",\"x\"]]"
	    "}";
	struct igp_journal j, k;
	char *a, *b;

	assert_int_equal(igp_journal_parse(v1, strlen(v1), &j, NULL), 0);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.c[0].n, 1);
	assert_string_equal(j.c[0].t[0].path, "/etc/kernel/cmdline");
	assert_string_equal(j.c[0].t[0].undo.ops[0].token, "iommu=pt");
	assert_string_equal(j.c[0].revert_cmds[0][0], "kernelstub");
	assert_string_equal(j.pending[0][0], "update-initramfs");
	a = igp_journal_format(&j);
	assert_int_equal(igp_journal_parse(a, strlen(a), &k, NULL), 0);
	b = igp_journal_format(&k);
	assert_string_equal(a, b);
	free(a);
	free(b);
	igp_journal_done(&j);
	igp_journal_done(&k);
}

/* A target whose backup is gone is left to the user; the others are undone. */
static void test_revert_partial(void **state)
{
	struct igp_change c = {.lock_fd = -1};
	struct igp_plan p = {0};
	char *s, *bk;

	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs\n");
	make_plan(&p);
	apply_plan(&p, "setup --mode full");
	igp_plan_done(&p);
	assert_int_equal(igp_change_begin(&c, NULL, NULL), 0);
	bk = strdupf("%s%s/%s", root, IGP_VAR_LIB_IGPUCTL_BACKUP, c.j.c[0].t[0].before_file);
	igp_change_end(&c);
	assert_int_equal(unlink(bk), 0);
	free(bk);
	/* The user edited it: only the backups could tell igpuctl's part. */
	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs iommu=pt quiet\n");
	put("/etc/kernel/cmdline", "root=ZFS=rpool boot=zfs iommu=pt\n");
	assert_int_equal(revert_id(0), 1);
	assert_null(get(IGP_ETC_MODPROBE_D_IGPUCTL)); /* the other target was undone */
	s = get(IGP_VAR_LIB_IGPUCTL_JOURNAL);
	assert_non_null(s); /* the one left stays recorded */
	assert_non_null(strstr(s, "/etc/kernel/cmdline"));
	assert_null(strstr(s, "igpuctl.conf"));
	free(s);
	put(IGP_VAR_LIB_IGPUCTL_JOURNAL, "{\"version\":2,\"next_id\":1,\"changes\":[]}\n");
}

/* The kernel parameters a change added that are gone from their file now:
 * what each file holds decides, '-' and '_' are one, a list counts only
 * the items igpuctl added; not counted are files that are gone, other
 * variables of the GRUB files, parameters a later change replaced or
 * removed itself, and a second record of the same one. */
static const char removed_journal[] =
    "{\"version\":2,\"next_id\":3,\"changes\":["
    "{\"id\":1,\"command\":\"setup\",\"targets\":["
    "{\"path\":\"/etc/kernel/cmdline\",\"undo\":{\"kind\":\"kline\",\"ops\":["
    "{\"op\":\"add\",\"token\":\"iommu=pt\"},"
    "{\"op\":\"set\",\"token\":\"intel_iommu=on,sm_on\",\"old\":\"intel_iommu=sm_on\"},"
    "{\"op\":\"set\",\"token\":\"modprobe.blacklist=nouveau,snd_hda_intel\","
    "\"old\":\"modprobe.blacklist=nouveau\"},"
    "{\"op\":\"add\",\"token\":\"i915.enable_gvt=1\"},"
    "{\"op\":\"add\",\"token\":\"kvm.ignore_msrs=1\"},"
    "{\"op\":\"add\",\"token\":\"initcall_blacklist=sysfb_init\"},"
    "{\"op\":\"remove\",\"old\":\"quiet\"}]}},"
    "{\"path\":\"/boot/loader/entries/old.conf\",\"undo\":{\"kind\":\"bls\",\"ops\":["
    "{\"op\":\"add\",\"token\":\"iommu=pt\"}]}},"
    "{\"path\":\"/etc/default/grub\",\"undo\":{\"kind\":\"shell\","
    "\"vars\":[\"GRUB_CMDLINE_LINUX\",\"GRUB_CMDLINE_LINUX_DEFAULT\"],"
    "\"add_var\":\"GRUB_CMDLINE_LINUX_DEFAULT\",\"ops\":["
    "{\"op\":\"add\",\"token\":\"iommu=pt\"},{\"op\":\"add\",\"token\":\"intel_iommu=on\"}]}},"
    "{\"kind\":\"libvirt\",\"path\":\"win11\",\"undo\":{\"kind\":\"none\"}}]},"
    "{\"id\":2,\"command\":\"setup\",\"targets\":["
    "{\"path\":\"/etc/kernel/cmdline\",\"undo\":{\"kind\":\"kline\",\"ops\":["
    "{\"op\":\"add\",\"token\":\"iommu=pt\"},"
    "{\"op\":\"remove\",\"old\":\"kvm.ignore_msrs=1\"},"
    "{\"op\":\"set\",\"token\":\"initcall_blacklist=x\",\"old\":\"initcall_blacklist=sysfb_init\"}]}}"
    "]}],\"pending\":[]}\n";

static void test_removed_kparams(void **state)
{
	struct igp_journal j = {0};
	struct igp_kremoved *r = NULL;
	size_t n = 0;

	put("/etc/kernel/cmdline", "root=ZFS=rpool intel_iommu=sm_on,on modprobe.blacklist=nouveau "
				   "i915.enable-gvt=1 initcall_blacklist=x\n");
	tmproot_put(root, "/etc/default/grub",
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"iommu=pt\"\n");
	assert_int_equal(igp_journal_parse(removed_journal, strlen(removed_journal), &j, NULL), 0);
	assert_int_equal(igp_journal_removed_kparams(&j, &r, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].path, "/etc/kernel/cmdline");
	assert_string_equal(r[0].param, "iommu=pt");
	assert_string_equal(r[0].key, "iommu");
	assert_int_equal(r[0].change_id, 1);
	assert_string_equal(r[1].param, "modprobe.blacklist=snd_hda_intel");
	assert_int_equal(strv_length(r[1].items), 1);
	assert_true(igp_kremoved_in_token(&r[1], "modprobe.blacklist=a,snd_hda_intel"));
	assert_false(igp_kremoved_in_token(&r[1], "modprobe.blacklist=nouveau"));
	assert_string_equal(r[2].path, "/etc/default/grub");
	assert_string_equal(r[2].param, "intel_iommu=on");
	igp_kremoved_free(r, n);
	igp_journal_done(&j);

	/* Nothing gone: no list. */
	put("/etc/kernel/cmdline", "root=ZFS=rpool iommu=pt intel_iommu=on,sm_on "
				   "modprobe.blacklist=snd_hda_intel,nouveau i915.enable_gvt=1 "
				   "initcall_blacklist=x\n");
	tmproot_put(root, "/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt\"\n");
	assert_int_equal(igp_journal_parse(removed_journal, strlen(removed_journal), &j, NULL), 0);
	assert_int_equal(igp_journal_removed_kparams(&j, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);
	igp_journal_done(&j);

	/* A pending change (a crash after the journal, before its files) took
	 * nothing out of anything: nothing is reported of it; the flag
	 * survives a save and a load. */
	put("/etc/kernel/cmdline", "root=ZFS=rpool\n");
	tmproot_put(root, "/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	assert_int_equal(igp_journal_parse(removed_journal, strlen(removed_journal), &j, NULL), 0);
	for (size_t i = 0; i < j.n; i++)
		j.c[i].pending = true;
	{
		_cleanup_free_ char *text = igp_journal_format(&j);
		igp_journal_done(&j);
		assert_non_null(text);
		assert_int_equal(igp_journal_parse(text, strlen(text), &j, NULL), 0);
	}
	assert_true(j.n > 0 && j.c[0].pending);
	assert_int_equal(igp_journal_removed_kparams(&j, &r, &n), 0);
	assert_int_equal(n, 0);
	igp_journal_done(&j);
	unlink_rel("/etc/default/grub");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_apply_and_restore_bytes),
	    cmocka_unit_test(test_revert_after_user_edit),
	    cmocka_unit_test(test_revert_one_change),
	    cmocka_unit_test(test_stale_plan),
	    cmocka_unit_test(test_lock_busy),
	    cmocka_unit_test(test_journal_validation),
	    cmocka_unit_test(test_journal_v1_and_round_trip),
	    cmocka_unit_test(test_revert_partial),
	    cmocka_unit_test(test_removed_kparams),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
