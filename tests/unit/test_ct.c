/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Containers: the group file, storage.cfg volumes, and the configuration edits of ct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/groupfile.h"
#include "base/util.h"
#include "ct/ctplan.h"
#include "ct/lxcconf.h"
#include "vm/pveconf.h"

static void test_group(void **state)
{
	const char *text = "root:x:0:\n+nis::::\nbad:x:NaN:\n#render:x:1:\nvideo:x:44:a,b\r\n"
			   "render:x:993:jellyfin\nrender:x:5:\n  kvm:x:36\nlast:x:7:";
	struct igp_group g;
	_cleanup_free_ char *name = NULL;

	assert_int_equal(igp_group_find(text, "render", &g), 0);
	assert_int_equal(g.gid, 993); /* the first entry counts, not the comment's */
	assert_string_equal(g.members, "jellyfin");
	igp_group_done(&g);
	assert_int_equal(igp_group_find(text, "video", &g), 0);
	assert_string_equal(g.members, "a,b"); /* CRLF */
	igp_group_done(&g);
	assert_int_equal(igp_group_find(text, "last", &g), 0); /* no final newline */
	assert_int_equal(g.gid, 7);
	igp_group_done(&g);
	assert_int_equal(igp_group_find(text, "kvm", &g), 0); /* leading blanks, no member list */
	assert_int_equal(g.gid, 36);
	assert_string_equal(g.members, "");
	igp_group_done(&g);
	assert_int_equal(igp_group_find(text, "bad", &g), -ENOENT);
	assert_int_equal(igp_group_find(text, "rend", &g), -ENOENT);
	assert_int_equal(igp_group_find(text, "+nis", &g), -ENOENT);
	assert_int_equal(igp_group_name(text, 44, &name), 0);
	assert_string_equal(name, "video");
}

static void test_storage(void **state)
{
	const char *cfg = "dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\n"
			  "zfspool: local-zfs\n\tpool rpool/data\n\tsparse\n\n"
			  "zfspool: tank\n\tpool tank/ct\n\tmountpoint /srv/ct\n\n"
			  "lvmthin: local-lvm\n\tthinpool data\n\n"
			  "dir: local\n\tpath /elsewhere\n";
	struct igp_pve_storage s;
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	assert_int_equal(igp_pve_storage_find(cfg, "local", &s), 0);
	assert_string_equal(s.type, "dir");
	assert_string_equal(s.path, "/var/lib/vz"); /* the first definition */
	assert_int_equal(igp_pve_volume_dir(&s, "302/subvol-302-disk-0.subvol", &a), 0);
	assert_string_equal(a, "/var/lib/vz/images/302/subvol-302-disk-0.subvol");
	assert_int_equal(igp_pve_volume_dir(&s, "302/vm-302-disk-0.raw", &b), -ENOENT);
	assert_int_equal(igp_pve_volume_dir(&s, "302/../../subvol-x.subvol", &b), -ENOENT);
	igp_pve_storage_done(&s);
	assert_int_equal(igp_pve_storage_find(cfg, "local-zfs", &s), 0);
	assert_int_equal(igp_pve_volume_dir(&s, "subvol-300-disk-0", &c), 0);
	assert_string_equal(c, "/rpool/data/subvol-300-disk-0");
	igp_pve_storage_done(&s);
	assert_int_equal(igp_pve_storage_find(cfg, "tank", &s), 0);
	assert_int_equal(igp_pve_volume_dir(&s, "subvol-301-disk-1", &d), 0);
	assert_string_equal(d, "/srv/ct/subvol-301-disk-1");
	igp_pve_storage_done(&s);
	assert_int_equal(igp_pve_storage_find(cfg, "local-lvm", &s), 0);
	assert_int_equal(igp_pve_volume_dir(&s, "vm-303-disk-0", &b), -ENOENT);
	igp_pve_storage_done(&s);
	assert_int_equal(igp_pve_storage_find(cfg, "nfs", &s), -ENOENT);
}

static struct igp_render_node rn = {.node = "/dev/dri/renderD129",
				    .by_path = "/dev/dri/by-path/pci-0000:00:02.2-render",
				    .major = 226,
				    .minor = 129};

static char *edit(enum igp_ct_target t, bool pve_dev, long gid, const char *old, char **ret_key)
{
	struct igp_ct_request rq = {
	    .target = t, .address = "0000:00:02.2", .rn = &rn, .gid = gid, .pve_dev = pve_dev};
	struct igp_ct_edit e;
	_cleanup_free_ char *why = NULL;
	char *s;

	assert_int_equal(igp_ct_edit_conf(old, &rq, &e, &why), 0);
	s = strdup(e.new_text);
	if (ret_key)
		*ret_key = e.key ? strdup(e.key) : e.present ? strdupf("=%s", e.present) : NULL;
	igp_ct_edit_done(&e);
	return s;
}

static void test_edit_proxmox(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *ka = NULL, *kb = NULL, *kc = NULL;

	/* Sorted in, description kept, no final newline mended. */
	a = edit(IGP_CT_PROXMOX, true, 993, "#note\narch: amd64\nmemory: 512", &ka);
	assert_string_equal(a, "#note\narch: amd64\ndev0: /dev/dri/renderD129,gid=993\nmemory: 512");
	assert_string_equal(ka, "dev0");
	/* A by-path mount entry gives it already; its cgroup rule, without
	 * which the node does not open, is added. */
	b = edit(IGP_CT_PROXMOX, true, 993,
		 "arch: amd64\nlxc.mount.entry: /dev/dri/by-path/pci-0000:00:02.2-render dev/dri/renderD128 "
		 "none bind\n",
		 &kb);
	assert_string_equal(kb, "=lxc.mount.entry");
	assert_string_equal(
	    b, "arch: amd64\nlxc.mount.entry: /dev/dri/by-path/pci-0000:00:02.2-render dev/dri/renderD128 "
	       "none bind\nlxc.cgroup2.devices.allow: c 226:129 rw\n");
	/* The pair, only the half that is missing, after the last key of the
	 * current configuration, never in a snapshot. */
	c = edit(IGP_CT_PROXMOX, false, 993,
		 "arch: amd64\nlxc.cgroup2.devices.allow: c 226:129 rw\n\n[snap]\narch: amd64\n", &kc);
	assert_string_equal(
	    c, "arch: amd64\nlxc.cgroup2.devices.allow: c 226:129 rw\nlxc.mount.entry: "
	       "/dev/dri/renderD129 dev/dri/renderD129 none bind,optional,create=file\n\n[snap]\n"
	       "arch: amd64\n");
}

static void test_edit_full(void **state)
{
	struct igp_ct_request rq = {
	    .target = IGP_CT_PROXMOX, .address = "0000:00:02.2", .rn = &rn, .gid = 1, .pve_dev = true};
	struct igp_ct_edit e;
	_cleanup_free_ char *why = NULL;
	char *text = NULL;

	for (int i = 0; i < 256; i++) {
		char *n = strdupf("%sdev%d: /dev/null\n", text ? text : "", i);
		free(text);
		text = n;
	}
	assert_int_equal(igp_ct_edit_conf(text, &rq, &e, &why), -ENOSPC);
	assert_non_null(strstr(why, "dev255"));
	free(text);
}

static void test_edit_lxc(void **state)
{
	_cleanup_free_ char *a = NULL, *k = NULL;

	a = edit(IGP_CT_LXC, false, -1, "lxc.uts.name = x\n# end", &k);
	assert_string_equal(
	    a, "lxc.uts.name = x\nlxc.cgroup2.devices.allow = c 226:129 rw\n"
	       "lxc.mount.entry = /dev/dri/renderD129 dev/dri/renderD129 none bind,optional,create=file\n"
	       "# end");
	assert_null(k);
}

static void test_lines(void **state)
{
	struct igp_ct_request rq = {
	    .target = IGP_CT_INCUS, .address = "0000:00:02.2", .rn = &rn, .gid = 105, .name = "jelly"};
	_cleanup_strv_free_ char **i = NULL, **d = NULL, **l = NULL;

	assert_int_equal(igp_ct_lines(&rq, &i), 0);
	assert_string_equal(i[0], "incus config device add jelly igpu gpu pci=0000:00:02.2 gid=105");
	assert_null(i[1]);
	rq.target = IGP_CT_DOCKER;
	rq.gid = -1;
	assert_int_equal(igp_ct_lines(&rq, &d), 0);
	assert_string_equal(d[0], "--device /dev/dri/renderD129");
	assert_null(d[1]);
	rq.target = IGP_CT_LXC;
	rq.cgroup_v1 = true;
	assert_int_equal(igp_ct_lines(&rq, &l), 0);
	assert_string_equal(l[0], "lxc.cgroup.devices.allow = c 226:129 rw");
}

static void test_idmap_inside(void **state)
{
	struct igp_lxc_conf c;
	struct igp_pve_conf p;
	unsigned long g;

	assert_int_equal(igp_lxc_conf_parse("lxc.idmap = g 0 100000 993\nlxc.idmap = g 993 104 1\n", &c), 0);
	assert_int_equal(igp_lxc_idmap_gid_inside(&c, 104, &g), 1);
	assert_int_equal(g, 993);
	assert_int_equal(igp_lxc_idmap_gid_inside(&c, 100044, &g), 1);
	assert_int_equal(g, 44);
	assert_int_equal(igp_lxc_idmap_gid_inside(&c, 105, &g), 0); /* nogroup inside */
	igp_lxc_conf_done(&c);
	assert_int_equal(igp_lxc_conf_parse("lxc.uts.name = x\n", &c), 0);
	assert_int_equal(igp_lxc_idmap_gid_inside(&c, 104, &g), 1); /* privileged: the same */
	assert_int_equal(g, 104);
	igp_lxc_conf_done(&c);
	/* Proxmox VE's default map of an unprivileged CT. */
	assert_int_equal(igp_pve_conf_parse("unprivileged: 1\n", true, &p), 0);
	assert_int_equal(igp_pve_ct_idmap_gid_inside(&p, 100993, &g), 1);
	assert_int_equal(g, 993);
	assert_int_equal(igp_pve_ct_idmap_gid_inside(&p, 104, &g), 0);
	igp_pve_conf_done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_group),	 cmocka_unit_test(test_storage),
	    cmocka_unit_test(test_edit_proxmox), cmocka_unit_test(test_edit_full),
	    cmocka_unit_test(test_edit_lxc),	 cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_idmap_inside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
