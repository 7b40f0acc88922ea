/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The LXC configuration reader (src/lib/ct/lxcconf.c), the id maps it shares
 * with the Proxmox VE CT reader, and LXC containers in the host model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/util.h"
#include "ct/lxcconf.h"
#include "model/workloads.h"
#include "tmproot.h"
#include "vm/pveconf.h"

/* The lines as liblxc's parse_line() reads them: blanks around '='
 * optional, comments, blank and martian lines, values stripped of blanks
 * and one pair of quotes, '\r' ending a line too. */
static void test_parse(void **state)
{
	struct igp_lxc_conf c;
	const char *text = "# Template used to create this container\n"
			   "lxc.include = /usr/share/lxc/config/debian.common.conf\n"
			   "\n"
			   "  \tlxc.arch=linux64\n"
			   "lxc.uts.name =frigate  \t\n"
			   "lxc.net.0.type= veth\n"
			   "not.lxc = x\n"
			   "lxc.no_equals_sign\n"
			   "lxc.bad key = x\n"
			   "lxc. = x\n"
			   "lxc.environment = \"TZ=Europe/Berlin\"\n"
			   "lxc.environment = 'PATH=/bin\n"
			   "lxc.apparmor.profile = \"\n"
			   "lxc.idmap =\n"
			   "lxc.a = 1\rlxc.b = 2\r\n"
			   "    # lxc.c = 3\n"
			   "lxc.cgroup.devices.allow = c 226:128 rwm";

	assert_int_equal(igp_lxc_conf_parse(text, &c), 0);
	assert_int_equal(c.n, 11);
	assert_string_equal(c.kv[0].key, "lxc.include");
	assert_string_equal(c.kv[0].value, "/usr/share/lxc/config/debian.common.conf");
	assert_int_equal(c.kv[0].line, 2);
	assert_string_equal(c.kv[1].key, "lxc.arch");
	assert_string_equal(c.kv[1].value, "linux64");
	assert_int_equal(c.kv[1].line, 4);
	assert_string_equal(c.kv[2].value, "frigate");
	assert_string_equal(c.kv[3].key, "lxc.net.0.type");
	assert_string_equal(c.kv[3].value, "veth");
	assert_string_equal(c.kv[4].value, "TZ=Europe/Berlin");
	assert_int_equal(c.kv[4].line, 11);
	/* Unmatched quotes, and a lone one, stay. */
	assert_string_equal(c.kv[5].value, "'PATH=/bin");
	assert_string_equal(c.kv[6].value, "\"");
	assert_string_equal(c.kv[7].key, "lxc.idmap");
	assert_string_equal(c.kv[7].value, "");
	assert_string_equal(c.kv[8].key, "lxc.a");
	assert_string_equal(c.kv[8].value, "1");
	assert_string_equal(c.kv[9].key, "lxc.b");
	assert_string_equal(c.kv[9].value, "2");
	assert_int_equal(c.kv[8].line, 15);
	assert_int_equal(c.kv[9].line, 15);
	assert_string_equal(c.kv[10].key, "lxc.cgroup.devices.allow");
	assert_int_equal(c.kv[10].line, 17);
	igp_lxc_conf_done(&c);

	assert_int_equal(igp_lxc_conf_parse("", &c), 0);
	assert_int_equal(c.n, 0);
	igp_lxc_conf_done(&c);
}

/* The grammar for editors: the value as written, trailing bytes kept. */
static void test_line_kv(void **state)
{
	char key[64];

	assert_string_equal(
	    igp_lxc_line_kv("lxc.mount.entry = /dev/dri dev/dri none bind  ", key, sizeof(key)),
	    "/dev/dri dev/dri none bind  ");
	assert_string_equal(key, "lxc.mount.entry");
	assert_string_equal(igp_lxc_line_kv("\tlxc.uts.name=\"a b\"", key, sizeof(key)), "\"a b\"");
	assert_string_equal(key, "lxc.uts.name");
	assert_string_equal(igp_lxc_line_kv("lxc.idmap =", key, sizeof(key)), "");
	assert_null(igp_lxc_line_kv("# lxc.idmap = g 0 1 1", key, sizeof(key)));
	assert_null(igp_lxc_line_kv("", key, sizeof(key)));
	assert_null(igp_lxc_line_kv("lxc.rootfs.path", key, sizeof(key)));
	assert_null(igp_lxc_line_kv("LXC.rootfs.path = /", key, sizeof(key)));
	assert_null(igp_lxc_line_kv("lxc.roo/tfs = /", key, sizeof(key)));
	/* A key that does not fit is no key. */
	assert_null(igp_lxc_line_kv("lxc.rootfs.path = /", key, 10));
}

/* The last line wins; an empty one clears. */
static void test_get(void **state)
{
	struct igp_lxc_conf c;

	assert_int_equal(igp_lxc_conf_parse("lxc.uts.name = a\nlxc.uts.name = b\nlxc.apparmor.profile = x\n"
					    "lxc.apparmor.profile =\n",
					    &c),
			 0);
	assert_string_equal(igp_lxc_conf_get(&c, "lxc.uts.name"), "b");
	assert_null(igp_lxc_conf_get(&c, "lxc.apparmor.profile"));
	assert_null(igp_lxc_conf_get(&c, "lxc.arch"));
	igp_lxc_conf_done(&c);
}

static void rootfs_is(const char *value, const char *want)
{
	_cleanup_free_ char *text = strdupf("lxc.rootfs.path = %s\n", value), *dir = NULL;
	struct igp_lxc_conf c;
	int r;

	assert_int_equal(igp_lxc_conf_parse(text, &c), 0);
	r = igp_lxc_rootfs_dir(&c, &dir);
	if (want) {
		assert_int_equal(r, 0);
		assert_string_equal(dir, want);
	} else
		assert_int_equal(r, -ENOENT);
	igp_lxc_conf_done(&c);
}

/* lxc.rootfs.path per storage backend (liblxc's src/lxc/storage/). */
static void test_rootfs(void **state)
{
	struct igp_lxc_conf c;
	char *dir = NULL;

	rootfs_is("dir:/var/lib/lxc/frigate/rootfs", "/var/lib/lxc/frigate/rootfs");
	rootfs_is("/var/lib/lxc/frigate/rootfs", "/var/lib/lxc/frigate/rootfs");
	rootfs_is("btrfs:/var/lib/lxc/frigate/rootfs", "/var/lib/lxc/frigate/rootfs");
	rootfs_is("zfs:/var/lib/lxc/frigate/rootfs", "/var/lib/lxc/frigate/rootfs");
	rootfs_is("zfs:tank/lxc/frigate", NULL);
	rootfs_is("overlay:/var/lib/lxc/base/rootfs:/var/lib/lxc/frigate/delta0", "/var/lib/lxc/base/rootfs");
	rootfs_is("overlayfs:/var/lib/lxc/base/rootfs:/var/lib/lxc/frigate/delta0",
		  "/var/lib/lxc/base/rootfs");
	rootfs_is("lvm:/dev/lxc/frigate", NULL);
	rootfs_is("loop:/var/lib/lxc/frigate/rootdev", NULL);
	rootfs_is("rbd:lxc/frigate", NULL);
	rootfs_is("/dev/lxc/frigate", NULL);
	rootfs_is("dir:rootfs", NULL);
	rootfs_is("", NULL);

	assert_int_equal(igp_lxc_conf_parse("lxc.arch = x86_64\n", &c), 0);
	assert_int_equal(igp_lxc_rootfs_dir(&c, &dir), -ENOENT);
	assert_null(dir);
	igp_lxc_conf_done(&c);
}

static void test_idmap_parse(void **state)
{
	struct igp_lxc_idmap m;

	assert_int_equal(igp_lxc_idmap_parse("g 0 100000 65536", &m), 0);
	assert_int_equal(m.type, 'g');
	assert_int_equal(m.ct, 0);
	assert_int_equal(m.host, 100000);
	assert_int_equal(m.count, 65536);
	assert_int_equal(igp_lxc_idmap_parse("u\t1000 \t 1000 1 ", &m), 0);
	assert_int_equal(m.type, 'u');
	assert_int_equal(m.ct, 1000);
	assert_int_equal(igp_lxc_idmap_parse("g 4294967294 0 1", &m), 0);
	assert_int_equal(igp_lxc_idmap_parse("x 0 100000 65536", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g0 100000 65536", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 100000", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 100000 65536 1", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 -1 65536", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 +1 65536", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 100000 0", &m), -EINVAL);
	/* The kernel's u32 ids: (u32)-1 is none, an extent does not wrap. */
	assert_int_equal(igp_lxc_idmap_parse("g 4294967295 0 1", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 4294967295 1", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 4294967295 0 2", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 4294967296 1", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("g 0 99999999999999999999999 1", &m), -EINVAL);
	/* 2^64 + 5 is no 5. */
	assert_int_equal(igp_lxc_idmap_parse("g 0 18446744073709551621 1", &m), -EINVAL);
	assert_int_equal(igp_lxc_idmap_parse("", &m), -EINVAL);
}

static void gid_is(const char *text, unsigned long ct_gid, int want, unsigned long want_host, bool unpriv)
{
	struct igp_lxc_conf c;
	unsigned long host = 7;

	assert_int_equal(igp_lxc_conf_parse(text, &c), 0);
	assert_int_equal(igp_lxc_idmap_gid(&c, ct_gid, &host), want);
	assert_int_equal(host, want ? want_host : 7);
	assert_int_equal(igp_lxc_conf_unprivileged(&c), unpriv);
	igp_lxc_conf_done(&c);
}

/* A gid of the container on the host: through the g maps in force. */
static void test_idmap_gid(void **state)
{
	const char *split = "lxc.idmap = u 0 100000 65536\n"
			    "lxc.idmap = g 0 100000 44\n"
			    "lxc.idmap = g 44 44 1\n"
			    "lxc.idmap = g 45 100045 59\n"
			    "lxc.idmap = g 104 104 1\n"
			    "lxc.idmap = g 105 100105 65431\n";

	gid_is(split, 104, 1, 104, true);
	gid_is(split, 0, 1, 100000, true);
	gid_is(split, 106, 1, 100106, true);
	gid_is(split, 65535, 1, 165535, true);
	gid_is(split, 65536, 0, 0, true);
	/* A privileged container has the host's gids. */
	gid_is("lxc.arch = linux64\n", 104, 1, 104, false);
	/* Only uids mapped: every gid is nobody's. */
	gid_is("lxc.idmap = u 0 100000 65536\n", 104, 0, 0, true);
	/* An empty lxc.idmap clears the maps before it. */
	gid_is("lxc.idmap = g 0 100000 65536\nlxc.idmap =\nlxc.idmap = g 0 200000 65536\n", 104, 1, 200104,
	       true);
	gid_is("lxc.idmap = g 0 100000 65536\nlxc.idmap =\n", 104, 1, 104, false);
	/* A line liblxc refuses is skipped. */
	gid_is("lxc.idmap = g 0 100000\nlxc.idmap = g 0 300000 65536\n", 5, 1, 300005, true);
	gid_is("lxc.idmap = g 0 100000\n", 5, 1, 5, false);
}

static void pve_gid_is(const char *text, unsigned long ct_gid, int want, unsigned long want_host, bool unpriv)
{
	struct igp_pve_conf c;
	unsigned long host = 7;

	assert_int_equal(igp_pve_conf_parse(text, true, &c), 0);
	assert_int_equal(igp_pve_ct_idmap_gid(&c, ct_gid, &host), want);
	assert_int_equal(host, want == 1 ? want_host : 7);
	assert_int_equal(igp_pve_ct_unprivileged(&c), unpriv);
	igp_pve_conf_done(&c);
}

/* Proxmox VE CTs: raw lxc.idmap lines (':' or '='), else the default map of
 * an unprivileged CT (PVE::LXC::parse_id_maps()). */
static void test_pve_idmap_gid(void **state)
{
	pve_gid_is("arch: amd64\nunprivileged: 1\n", 104, 1, 100104, true);
	pve_gid_is("arch: amd64\nunprivileged: 1\n", 65536, 0, 0, true);
	pve_gid_is("arch: amd64\n", 104, 1, 104, false);
	pve_gid_is("arch: amd64\nunprivileged: 0\n", 104, 1, 104, false);
	pve_gid_is("unprivileged: 1\nlxc.idmap: u 0 100000 65536\nlxc.idmap: g 0 100000 104\n"
		   "lxc.idmap: g 104 104 1\nlxc.idmap = g 105 100105 65431\n",
		   104, 1, 104, true);
	pve_gid_is("unprivileged: 1\nlxc.idmap: u 0 100000 65536\nlxc.idmap: g 0 100000 104\n"
		   "lxc.idmap: g 104 104 1\nlxc.idmap = g 105 100105 65431\n",
		   105, 1, 100105, true);
	/* Custom maps without "unprivileged" make the CT unprivileged too. */
	pve_gid_is("lxc.idmap: g 0 200000 65536\n", 104, 1, 200104, true);
	/* Only the current configuration counts. */
	pve_gid_is("unprivileged: 1\n[snap]\nlxc.idmap: g 0 200000 65536\n", 104, 1, 100104, true);
	/* pve-container dies on a line its regex refuses: the CT does not start. */
	pve_gid_is("unprivileged: 1\nlxc.idmap: g 0 100000\n", 104, -EINVAL, 0, true);
	pve_gid_is("unprivileged: 1\nlxc.idmap:\n", 104, -EINVAL, 0, true);
}

/* LXC containers in the host model: the lxcpath's NAME/config, their DRM
 * nodes, and pve-container's own LXCPATH/CTID/config left out. */
static void test_lxc_workloads(void **state)
{
	char root[] = "/tmp/igpuctl-lxc-XXXXXX";
	struct igp_workloads *w;
	struct igp_pci_dev pf = {.address = "0000:00:02.0",
				 .addr = {0, 0, 2, 0},
				 .render_node = "/dev/dri/renderD128",
				 .card_node = "/dev/dri/card0"};
	struct igp_pci_dev vf = {
	    .address = "0000:00:02.2", .addr = {0, 0, 2, 2}, .render_node = "/dev/dri/renderD129"};
	char **u;
	bool conflict;

	tmproot_setup(root, "etc/pve/lxc", "var/lib/lxc/empty", NULL);
	tmproot_put(root, "/etc/pve/lxc/300.conf", "hostname: jellyfin\ndev0: /dev/dri/renderD129,gid=104\n");
	tmproot_put(root, "/var/lib/lxc/300/config",
		    "lxc.mount.entry = /dev/dri/renderD128 dev/dri/renderD128\n");
	tmproot_put(root, "/var/lib/lxc/.old/config", "lxc.mount.entry = /dev/dri dev/dri none bind\n");
	tmproot_put(
	    root, "/var/lib/lxc/frigate/config",
	    "lxc.uts.name = frigate\n"
	    "lxc.cgroup2.devices.allow = c 226:129 rwm\n"
	    "lxc.mount.entry = /dev/dri/by-path/pci-0000:00:02.2-render dev/dri/renderD128 none bind\n");
	/* The cgroup v1 key, and a line that clears the mount entries. */
	tmproot_put(root, "/var/lib/lxc/plex/config",
		    "lxc.uts.name = media\n"
		    "lxc.mount.entry = /dev/dri/renderD129 dev/dri/renderD129 none bind\n"
		    "lxc.mount.entry =\n"
		    "lxc.cgroup.devices.allow = c 226:128 rwm\n");
	tmproot_put(root, "/var/lib/lxc/cleared/config",
		    "lxc.cgroup2.devices.allow = c 226:128 rwm\nlxc.cgroup2 =\n");

	assert_int_equal(igp_workloads_load(&w), 0);
	assert_string_equal(w->lxcpath, "/var/lib/lxc");
	/* proxmox-ct:300, then the containers by name (.old, empty and 300
	 * are none). */
	assert_int_equal(w->n, 4);
	assert_int_equal(igp_device_users(w, &vf, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 2);
	assert_string_equal(u[0], "proxmox-ct:300");
	assert_string_equal(u[1], "lxc:frigate");
	assert_false(conflict);
	strv_free(u);
	assert_int_equal(igp_device_users(w, &pf, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 1);
	assert_string_equal(u[0], "lxc:plex");
	strv_free(u);
	assert_int_equal(igp_device_users_of(w, &vf, IGP_WORKLOADS_VMS, &u, &conflict), 0);
	assert_null(u[0]);
	strv_free(u);
	for (size_t i = 0; i < w->n; i++) {
		_cleanup_free_ char *label = igp_workload_label(&w->v[i]);
		if (streq(w->v[i].id, "300"))
			assert_string_equal(label, "proxmox-ct:300 (jellyfin)");
		else if (streq(w->v[i].id, "frigate"))
			assert_string_equal(label, "lxc:frigate");
		else if (streq(w->v[i].id, "plex"))
			assert_string_equal(label, "lxc:plex (media)");
		else
			assert_string_equal(label, "lxc:cleared");
	}
	igp_workloads_free(w);

	/* Another lxcpath (lxc.conf's lxc.lxcpath, its trailing '/' dropped). */
	tmproot_put(root, "/etc/lxc/lxc.conf", "lxc.lxcpath = /srv/lxc/\nlxc.lxcpath = /nope\n");
	tmproot_put(root, "/srv/lxc/web/config",
		    "lxc.mount.entry = /dev/dri/card0 dev/dri/card0 none bind\n");
	assert_int_equal(igp_workloads_load(&w), 0);
	assert_string_equal(w->lxcpath, "/srv/lxc");
	assert_int_equal(igp_device_users(w, &pf, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 1);
	assert_string_equal(u[0], "lxc:web");
	strv_free(u);
	igp_workloads_free(w);
	tmproot_teardown(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	  cmocka_unit_test(test_line_kv),
	    cmocka_unit_test(test_get),		  cmocka_unit_test(test_rootfs),
	    cmocka_unit_test(test_idmap_parse),	  cmocka_unit_test(test_idmap_gid),
	    cmocka_unit_test(test_pve_idmap_gid), cmocka_unit_test(test_lxc_workloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
