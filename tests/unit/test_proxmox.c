/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Proxmox VE config edits (src/lib/vm/proxmox.c) and the reader (pveconf.c) on text, without a host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "base/util.h"
#include "model/workloads.h"
#include "../lib/vm-devices.h"
#include "tmproot.h"
#include "vm/proxmox.h"
#include "vm/pveconf.h"

static int plan(const char *text, const struct igp_vm_options *o, struct igp_pve_plan *p, char **why)
{
	struct igp_pve_request rq = {.dev = &vmdev_dgpu, .opts = o, .pcie = -1, .vmid = 100};
	*why = NULL;
	return igp_pve_conf_plan(text, &rq, p, why);
}

static void test_vmid(void **state)
{
	unsigned long v;
	assert_int_equal(igp_pve_vmid_parse("100", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(igp_pve_vmid_parse("999999999", &v), 0);
	assert_int_equal(igp_pve_vmid_parse("99", &v), -EINVAL);
	assert_int_equal(igp_pve_vmid_parse("0100", &v), -EINVAL);
	assert_int_equal(igp_pve_vmid_parse("+100", &v), -EINVAL);
	assert_int_equal(igp_pve_vmid_parse("100 ", &v), -EINVAL);
	assert_int_equal(igp_pve_vmid_parse("1000000000", &v), -EINVAL);
}

static void test_no_trailing_newline_kept(void **state)
{
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_pve_plan p;
	_cleanup_free_ char *why = NULL;

	assert_int_equal(plan("cores: 2\nmemory: 512", &o, &p, &why), 0);
	/* i440fx (no machine line): no pcie=1; the last line keeps its missing newline. */
	assert_string_equal(p.new_text, "cores: 2\nhostpci0: 0000:01:00\nmemory: 512");
	igp_pve_plan_done(&p);
}

static void test_appended_after_last_key(void **state)
{
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_pve_plan p;
	_cleanup_free_ char *why = NULL;

	o.x_vga = 1;
	assert_int_equal(plan("#desc\nagent: 1\nbios: seabios\n\n[snap]\nzzz: 1\n", &o, &p, &why), 0);
	assert_string_equal(
	    p.new_text, "#desc\nagent: 1\nbios: seabios\nhostpci0: 0000:01:00,x-vga=1\n\n[snap]\nzzz: 1\n");
	igp_pve_plan_done(&p);
}

/* The line of TEXT that starts with PREFIX, or NULL. */
static const char *line_of(const char *text, const char *prefix)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (startswith(l, prefix))
			return l;
	return NULL;
}

/* The args line of the x-igd-* options: a word is there only as a whole
 * word ("=on" is not "=on2"), and a line whose value stays keeps its bytes. */
static void test_igd_args(void **state)
{
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_pve_request rq = {.dev = &vmdev_igd, .opts = &o, .pcie = -1, .vmid = 100};
	struct igp_pve_plan p;
	_cleanup_free_ char *why = NULL, *args = NULL, *mine = NULL, *again = NULL;
	const char *a;
	(void)state;

	assert_int_equal(igp_pve_conf_plan("machine: q35\n", &rq, &p, &why), 0);
	a = line_of(p.new_text, "args: ");
	assert_non_null(a);
	args = strndup(a + 6, strcspn(a + 6, "\n"));
	igp_pve_plan_done(&p);
	assert_non_null(args);
	assert_non_null(strstr(args, "-set device.hostpci0.x-igd-"));
	/* The admin's spelling without a blank after the colon stays. */
	mine = strdupf("machine: q35\nargs:%s\n", args);
	assert_int_equal(igp_pve_conf_plan(mine, &rq, &p, &why), 0);
	assert_non_null(line_of(p.new_text, "args:-set "));
	igp_pve_plan_done(&p);
	/* A longer value of the same option is another value. */
	again = strdupf("machine: q35\nargs: %s2\n", args);
	assert_int_equal(igp_pve_conf_plan(again, &rq, &p, &why), 0);
	a = line_of(p.new_text, "args: ");
	assert_non_null(a);
	assert_non_null(strstr(a, "2 -set device.hostpci0.x-igd-"));
	igp_pve_plan_done(&p);
}

static void test_empty_config(void **state)
{
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_pve_plan p;
	_cleanup_free_ char *why = NULL;

	o.machine = IGP_MACHINE_Q35;
	assert_int_equal(plan("", &o, &p, &why), 0);
	assert_string_equal(p.key, "hostpci0");
	assert_string_equal(p.new_text, "hostpci0: 0000:01:00,pcie=1\nmachine: q35\n");
	igp_pve_plan_done(&p);
}

static void test_duplicates_in_every_form(void **state)
{
	static const char *const taken[] = {
	    "hostpci3: 01:00\n",		     /* no domain, whole device */
	    "hostpci3: host=0000:01:00.1,pcie=1\n",  /* host= key, the audio function */
	    "hostpci3: 0000:02:00.0;0000:01:00.0\n", /* a list */
	};
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_pve_plan p;

	for (size_t i = 0; i < ELEMENTSOF(taken); i++) {
		_cleanup_free_ char *why = NULL;
		assert_int_equal(plan(taken[i], &o, &p, &why), -EEXIST);
		assert_non_null(strstr(why, "hostpci3"));
	}
	{
		_cleanup_free_ char *why = NULL;
		/* Another device and a pending hostpci0: the next free index. */
		assert_int_equal(
		    plan("hostpci1: 0000:02:00.0\n[PENDING]\nhostpci0: 0000:03:00.0\n", &o, &p, &why), 0);
		assert_string_equal(p.key, "hostpci2");
		igp_pve_plan_done(&p);
	}
}

static void test_mapping_plan(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *why = NULL;

	assert_int_equal(igp_pve_mapping_plan(NULL, "gpu", "pve1", &vmdev_dgpu, false, &a, &why), 0);
	assert_string_equal(
	    a, "gpu\n\tmap node=pve1,path=0000:01:00,id=10de:2484,iommugroup=1,subsystem-id=10de:146b\n");
	/* Same node and device again: nothing changes. */
	assert_int_equal(igp_pve_mapping_plan(a, "gpu", "pve1", &vmdev_dgpu, false, &b, &why), 0);
	assert_null(b);
	/* A file without a final newline gets a blank line before the new
	 * section; a device that offers vGPUs gets "mdev 1". */
	assert_int_equal(igp_pve_mapping_plan("other\n\tmap node=pve1,path=0000:05:00.0,id=1:2", "gpu",
					      "pve2", &vmdev_igd, true, &c, &why),
			 0);
	assert_string_equal(
	    c, "other\n\tmap node=pve1,path=0000:05:00.0,id=1:2\n\ngpu\n"
	       "\tmap node=pve2,path=0000:00:02.0,id=8086:3e92,iommugroup=2,subsystem-id=1028:0869\n"
	       "\tmdev 1\n");
	assert_int_equal(igp_pve_mapping_plan(c, "other", "pve1", &vmdev_dgpu, false, &b, &why), -EEXIST);
	assert_string_equal(why, "mapping other already maps node pve1 to 0000:05:00.0: pick another name");
	/* This node's entry for the device is corrected (upper case, no group,
	 * no subsystem), what else it says is kept; the other node's entry
	 * stays; "mdev 1" becomes "mdev 0" for a device without vGPU types. */
	assert_int_equal(
	    igp_pve_mapping_plan("gpu\n"
				 "\tmap node=pve2,path=0000:41:00,id=10de:2484\n"
				 "  map node=pve1,path=0000:01:00.0,id=10DE:2484,description=x  \n"
				 "\tmdev 1\n",
				 "gpu", "pve1", &vmdev_dgpu, false, &d, &why),
	    0);
	assert_string_equal(d, "gpu\n"
			       "\tmap node=pve2,path=0000:41:00,id=10de:2484\n"
			       "  map node=pve1,path=0000:01:00.0,id=10de:2484,description=x,iommugroup=1,"
			       "subsystem-id=10de:146b\n"
			       "\tmdev 0\n");
	/* No IOMMU group: none is written, a stale one is dropped. */
	assert_int_equal(
	    igp_pve_mapping_plan("vf\n\tmap node=pve1,path=0000:00:02.1,iommugroup=7,id=8086:a7a0,"
				 "subsystem-id=8086:0000\n",
				 "vf", "pve1", &vmdev_vf, false, &e, &why),
	    0);
	assert_string_equal(e, "vf\n\tmap node=pve1,path=0000:00:02.1,id=8086:a7a0,subsystem-id=8086:0000\n");
}

static void test_map_value(void **state)
{
	const struct igp_pve_map_want w = {.node = "pve1",
					   .path = "0000:00:02.0",
					   .vendor = 0x8086,
					   .device = 0x3E92,
					   .subsys_vendor = 0x1028,
					   .subsys_device = 0x0869,
					   .iommu_group = 0};
	_cleanup_free_ char *a = igp_pve_map_value(NULL, &w),
			    *b = igp_pve_map_value(
				"path=0000:00:02,node=x,subsystem-id=1028:0869,id=8086:3e92,"
				"id=1:2,iommugroup=3",
				&w);

	assert_string_equal(a,
			    "node=pve1,path=0000:00:02.0,id=8086:3e92,iommugroup=0,subsystem-id=1028:0869");
	/* Corrected in place, in the entry's own order; a key given twice once. */
	assert_string_equal(b, "path=0000:00:02,node=x,subsystem-id=1028:0869,id=8086:3e92,iommugroup=0");
}

static void test_line_grammar(void **state)
{
	char k[32];

	assert_string_equal(igp_pve_line_kv("hostpci0: 0000:00:02.0", false, k, sizeof(k)), "0000:00:02.0");
	assert_string_equal(k, "hostpci0");
	assert_string_equal(igp_pve_line_kv("vga:\tnone", false, k, sizeof(k)), "none");
	/* qemu-server's key is [a-z][a-z_]*\d*, and the value is not empty. */
	assert_null(igp_pve_line_kv("host-pci0: x", false, k, sizeof(k)));
	assert_null(igp_pve_line_kv("hostpci0a: x", false, k, sizeof(k)));
	assert_null(igp_pve_line_kv("vga:   ", false, k, sizeof(k)));
	assert_null(igp_pve_line_kv("#hostpci0: x", false, k, sizeof(k)));
	assert_null(igp_pve_line_kv(" hostpci0: x", false, k, sizeof(k)));
	/* Raw LXC keys only in CT configs, with ':' or '='. */
	assert_null(igp_pve_line_kv("lxc.mount.entry: /dev/dri dev/dri", false, k, sizeof(k)));
	assert_string_equal(igp_pve_line_kv("lxc.mount.entry: /dev/dri dev/dri", true, k, sizeof(k)),
			    "/dev/dri dev/dri");
	assert_string_equal(k, "lxc.mount.entry");
	assert_string_equal(igp_pve_line_kv("lxc.cgroup2.devices.allow = c 226:128 rwm", true, k, sizeof(k)),
			    "c 226:128 rwm");
	assert_null(igp_pve_line_kv("lxc.mount.entry x", true, k, sizeof(k)));

	assert_true(igp_pve_line_section("[PENDING]", k, sizeof(k)));
	assert_string_equal(k, "PENDING");
	assert_true(igp_pve_line_section("[special:cloudinit]", NULL, 0));
	assert_true(igp_pve_line_section("[pve:pending]  ", NULL, 0));
	assert_true(igp_pve_line_section("[before-gpu]", k, sizeof(k)));
	assert_string_equal(k, "before-gpu");
	assert_false(igp_pve_line_section("[a]", NULL, 0));
	assert_false(igp_pve_line_section("[1snap]", NULL, 0));
	assert_false(igp_pve_line_section("[snap] x", NULL, 0));
	assert_false(igp_pve_line_section("[sn.ap]", NULL, 0));
}

static void test_conf_sections(void **state)
{
	struct igp_pve_conf c;

	assert_int_equal(igp_pve_conf_parse("#desc\nhostpci0: 0000:00:02.0 \nvga: std\nvga: none\n"
					    "[PENDING]\nhostpci1: 01:00\n[snap1]\nhostpci0: 02:00.0\n",
					    false, &c),
			 0);
	assert_int_equal(c.n_sections, 3);
	assert_null(c.sections[0].name);
	assert_int_equal(c.sections[0].n_kv, 3);
	/* Trailing blanks go, the last line of a key wins. */
	assert_string_equal(igp_pve_conf_get(&c, "hostpci0"), "0000:00:02.0");
	assert_string_equal(igp_pve_conf_get(&c, "vga"), "none");
	/* Lines of [PENDING] and snapshots are not the current configuration. */
	assert_null(igp_pve_conf_get(&c, "hostpci1"));
	assert_string_equal(c.sections[1].name, "PENDING");
	assert_string_equal(c.sections[2].name, "snap1");
	assert_string_equal(c.sections[2].kv[0].value, "02:00.0");
	igp_pve_conf_done(&c);

	/* A config that starts with a snapshot has an empty current part. */
	assert_int_equal(igp_pve_conf_parse("[snap]\nhostpci0: 00:02.0\n", false, &c), 0);
	assert_int_equal(c.sections[0].n_kv, 0);
	igp_pve_conf_done(&c);
}

static void test_hostpci(void **state)
{
	struct igp_pve_hostpci h;
	struct igp_pci_addr a;
	bool slot;

	assert_int_equal(igp_pve_hostpci_parse("0000:00:02.0;01:00,pcie=on,x-vga=1,mdev=i915-GVTg_V5_4", &h),
			 0);
	assert_string_equal(h.hosts[0], "0000:00:02.0");
	assert_string_equal(h.hosts[1], "01:00");
	assert_null(h.hosts[2]);
	assert_null(h.mapping);
	assert_string_equal(h.mdev, "i915-GVTg_V5_4");
	assert_int_equal(h.pcie, 1);
	assert_int_equal(h.x_vga, 1);
	assert_int_equal(h.legacy_igd, -1);
	igp_pve_hostpci_done(&h);
	assert_int_equal(igp_pve_hostpci_parse("mapping=igpu,legacy-igd=0", &h), 0);
	assert_null(h.hosts);
	assert_string_equal(h.mapping, "igpu");
	assert_int_equal(h.legacy_igd, 0);
	igp_pve_hostpci_done(&h);
	/* A key given twice, or host= with mapping=, is a value qemu-server refuses. */
	assert_int_equal(igp_pve_hostpci_parse("00:02.0,host=00:02.0", &h), -EINVAL);
	assert_int_equal(igp_pve_hostpci_parse("00:02.0,mapping=igpu", &h), -EINVAL);
	assert_int_equal(igp_pve_hostpci_parse("pcie=1", &h), -EINVAL);
	/* driver= (qemu-server 9.0.25) is vfio or keep, nothing else. */
	assert_int_equal(igp_pve_hostpci_parse("0000:00:02.0,driver=keep", &h), 0);
	assert_true(h.driver_keep);
	igp_pve_hostpci_done(&h);
	assert_int_equal(igp_pve_hostpci_parse("0000:00:02.0,driver=vfio", &h), 0);
	assert_false(h.driver_keep);
	igp_pve_hostpci_done(&h);
	assert_int_equal(igp_pve_hostpci_parse("0000:00:02.0", &h), 0);
	assert_false(h.driver_keep);
	igp_pve_hostpci_done(&h);
	assert_int_equal(igp_pve_hostpci_parse("0000:00:02.0,driver=i915", &h), -EINVAL);
	assert_int_equal(igp_pve_hostpci_parse("0000:00:02.0,driver=keep,driver=vfio", &h), -EINVAL);

	assert_int_equal(igp_pve_pci_id_parse("00:02.0", &a, &slot), 0);
	assert_true(a.domain == 0 && a.bus == 0 && a.slot == 2 && a.func == 0 && !slot);
	assert_int_equal(igp_pve_pci_id_parse("0001:41:00", &a, &slot), 0);
	assert_true(a.domain == 1 && a.bus == 0x41 && a.func == 0 && slot);
	assert_int_equal(igp_pve_pci_id_parse("02.0", &a, &slot), -EINVAL);
	assert_int_equal(igp_pve_pci_id_parse("00:02.0,x", &a, &slot), -EINVAL);
}

static void test_mappings(void **state)
{
	struct igp_pve_mappings m;
	const struct igp_pve_mapping *g;

	assert_int_equal(igp_pve_mappings_parse("igpu\n"
						"\tmap node=pve2,path=0000:00:02.0,id=8086:3e92,iommugroup=1,"
						"subsystem-id=1028:0869\n"
						"# a comment does not end the section\n"
						"\tmap node=pve1,path=0000:00:02,id=8086:3e92,iommugroup=1,"
						"subsystem-id=1028:0869\n"
						"\tmdev yes \n"
						"\n"
						"\tmap node=pve3,path=0000:00:02.0\n"
						"broken\n"
						"\tmap path=0000:01:00.0\n"
						"igpu\n"
						"\tmap node=pve4,path=0000:09:00.0\n",
						&m),
			 0);
	assert_int_equal(m.n, 2);
	g = igp_pve_mapping_find(&m, "igpu");
	assert_non_null(g);
	assert_true(g->mdev);
	/* The line after the blank one belongs to no section; the second
	 * definition of igpu does not count. */
	assert_int_equal(g->n_maps, 2);
	assert_string_equal(g->maps[0].node, "pve2");
	assert_string_equal(g->maps[1].node, "pve1");
	assert_string_equal(g->maps[1].path, "0000:00:02");
	assert_string_equal(g->maps[1].id, "8086:3e92");
	assert_string_equal(g->maps[1].value, "node=pve1,path=0000:00:02,id=8086:3e92,iommugroup=1,"
					      "subsystem-id=1028:0869");
	assert_string_equal(g->maps[1].iommugroup, "1");
	assert_string_equal(g->maps[1].subsystem_id, "1028:0869");
	assert_string_equal(g->maps[0].iommugroup, "1");
	assert_string_equal(g->maps[0].subsystem_id, "1028:0869");
	/* An entry without node= maps nothing. */
	assert_int_equal(igp_pve_mapping_find(&m, "broken")->n_maps, 0);
	assert_null(igp_pve_mapping_find(&m, "nvidia"));
	igp_pve_mappings_done(&m);

	/* "mdev" is a boolean; a later line wins, anything else is 0. */
	assert_int_equal(igp_pve_mappings_parse("a\n\tmdev 1\n\tmdev off\n\nb\n\tmdev maybe\n", &m), 0);
	assert_false(igp_pve_mapping_find(&m, "a")->mdev);
	assert_false(igp_pve_mapping_find(&m, "b")->mdev);
	igp_pve_mappings_done(&m);
}

static void test_ct_devices(void **state)
{
	static const struct {
		const char *key, *value, *node;
	} cases[] = {
	    {"dev0", "/dev/dri/renderD128,gid=104,mode=0666", "/dev/dri/renderD128"},
	    {"dev1", "path=/dev/dri/card0,uid=0", "/dev/dri/card0"},
	    {"lxc.mount.entry", "/dev/dri dev/dri none bind,optional,create=dir", "/dev/dri"},
	    {"lxc.mount.entry", "/dev/dri/renderD129 dev/dri/renderD129 none bind,create=file",
	     "/dev/dri/renderD129"},
	    {"lxc.mount.entry", "/srv/data srv/data none bind", NULL},
	    {"lxc.cgroup2.devices.allow", "c 226:128 rwm", "/dev/dri/renderD128"},
	    {"lxc.cgroup2.devices.allow", "c 226:0 rwm", "/dev/dri/card0"},
	    {"lxc.cgroup2.devices.allow", "c 226:* rwm", "/dev/dri"},
	    {"lxc.cgroup.devices.allow", "c 226:129 rw", "/dev/dri/renderD129"},
	    {"lxc.cgroup2.devices.allow", "c 29:0 rwm", NULL},
	    {"lxc.cgroup2.devices.allow", "b 226:0 rwm", NULL},
	    {"memory", "512", NULL},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *node = NULL;
		int r = igp_pve_ct_device(cases[i].key, cases[i].value, &node);
		if (cases[i].node) {
			assert_int_equal(r, 1);
			assert_string_equal(node, cases[i].node);
		} else
			assert_int_equal(r, 0);
	}
}

static const struct igp_workload *find_wl(const struct igp_workloads *w, enum igp_workload_kind k,
					  const char *id)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].kind == k && streq(w->v[i].id, id))
			return &w->v[i];
	return NULL;
}

static void test_workloads(void **state)
{
	char root[] = "/tmp/igpuctl-workloads-XXXXXX";
	struct igp_workloads *w;
	const struct igp_workload *vm, *ct, *other;
	struct igp_pci_dev igpu = {.address = "0000:00:02.0",
				   .addr = {0, 0, 2, 0},
				   .render_node = "/dev/dri/renderD128",
				   .card_node = "/dev/dri/card0"};
	struct igp_pci_dev nvidia_audio = {.address = "0000:01:00.1", .addr = {0, 1, 0, 1}};

	tmproot_setup(root, "etc/pve/qemu-server", "etc/pve/lxc", "etc/pve/mapping",
		      "etc/pve/nodes/pve2/qemu-server", NULL);
	tmproot_put(root, "/etc/hostname", "pve1\n");
	tmproot_put(root, "/etc/pve/mapping/pci.cfg",
		    "igpu\n\tmap node=pve2,path=0000:00:02.0,id=8086:3e92\n\tmap "
		    "node=pve1,path=0000:01:00,id=10de:2484\n");
	/* hostpci0 by mapping (this node's entry: 01:00, all functions); the
	 * snapshot's and [PENDING]'s iGPU are not used. */
	tmproot_put(
	    root, "/etc/pve/qemu-server/100.conf",
	    "hostpci0: mapping=igpu,pcie=1\nmachine: q35\n[PENDING]\nhostpci1: 00:02.0\n[snap]\nhostpci0: "
	    "00:02.0\n");
	tmproot_put(root, "/etc/pve/lxc/200.conf",
		    "dev0: /dev/dri/renderD128,gid=104\nlxc.mount.entry: /dev/net/tun dev/net/tun none bind\n"
		    "[before]\ndev1: /dev/dri/card0\n");
	tmproot_put(root, "/etc/pve/nodes/pve2/qemu-server/300.conf", "hostpci0: 0000:00:02.0\n");
	tmproot_put(root, "/etc/pve/qemu-server/notes.txt", "hostpci0: 00:02.0\n");

	assert_int_equal(igp_workloads_load(&w), 0);
	assert_true(w->pve);
	assert_false(w->libvirt);
	assert_string_equal(w->node, "pve1");
	assert_int_equal(w->n, 3);
	vm = find_wl(w, IGP_WORKLOAD_PVE_VM, "100");
	assert_non_null(vm);
	assert_int_equal(vm->n_uses, 1);
	assert_string_equal(vm->uses[0].key, "hostpci0");
	assert_true(vm->uses[0].slot);
	assert_true(igp_device_use_names(&vm->uses[0], &nvidia_audio));
	assert_false(igp_device_use_names(&vm->uses[0], &igpu));
	ct = find_wl(w, IGP_WORKLOAD_PVE_CT, "200");
	assert_non_null(ct);
	assert_int_equal(ct->n_uses, 1);
	assert_string_equal(ct->uses[0].node, "/dev/dri/renderD128");
	assert_true(igp_device_use_names(&ct->uses[0], &igpu));
	/* Another node's VM is known, but uses nothing of this host. */
	other = find_wl(w, IGP_WORKLOAD_PVE_VM, "300");
	assert_non_null(other);
	assert_false(other->local);
	assert_int_equal(other->n_uses, 0);
	igp_workloads_free(w);
	tmproot_teardown(root);
}

/* igp_device_users(): the guests of this node that use a device, by the
 * stable names, and whether they exclude each other. */
static void test_device_users(void **state)
{
	char root[] = "/tmp/igpuctl-users-XXXXXX";
	struct igp_workloads *w;
	char **u;
	bool conflict;
	struct igp_pci_dev pf = {.address = "0000:00:02.0",
				 .addr = {0, 0, 2, 0},
				 .render_node = "/dev/dri/renderD128",
				 .card_node = "/dev/dri/card0"};
	struct igp_pci_dev vf1 = {.address = "0000:00:02.1", .addr = {0, 0, 2, 1}};
	struct igp_pci_dev vf2 = {
	    .address = "0000:00:02.2", .addr = {0, 0, 2, 2}, .render_node = "/dev/dri/renderD129"};
	struct igp_pci_dev nic3 = {.address = "0000:03:00.0", .addr = {0, 3, 0, 0}};

	tmproot_setup(root, "etc/pve/qemu-server", "etc/pve/lxc", "etc/pve/nodes/pve2/qemu-server", NULL);
	tmproot_put(root, "/etc/hostname", "pve1\n");
	tmproot_put(root, "/etc/pve/mapping/pci.cfg",
		    "two\n\tmap node=pve1,path=0000:03:00.0,id=8086:125c\n\tmap "
		    "node=pve1,path=0000:04:00.0,id=8086:125c\n");
	tmproot_put(root, "/etc/pve/qemu-server/201.conf", "hostpci0: 0000:00:02.1,pcie=1\n");
	tmproot_put(root, "/etc/pve/qemu-server/202.conf", "hostpci0: mapping=two\n");
	tmproot_put(root, "/etc/pve/qemu-server/203.conf", "hostpci0: mapping=two\n");
	/* "All Functions" of the slot: the PF and every VF. */
	tmproot_put(root, "/etc/pve/qemu-server/204.conf", "hostpci0: 00:02\n");
	/* The render node by its sysfs name and by /dev/dri/by-path; the
	 * number alone (renderD128 is the PF's) names nothing else. */
	tmproot_put(root, "/etc/pve/lxc/300.conf", "dev0: /dev/dri/renderD129,gid=104\n");
	tmproot_put(
	    root, "/etc/pve/lxc/301.conf",
	    "lxc.mount.entry: /dev/dri/by-path/pci-0000:00:02.2-render dev/dri/renderD128 none bind\n");
	tmproot_put(root, "/etc/pve/nodes/pve2/qemu-server/210.conf", "hostpci0: 0000:03:00.0\n");
	assert_int_equal(igp_workloads_load(&w), 0);

	assert_int_equal(igp_device_users(w, &vf1, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 2);
	assert_string_equal(u[0], "proxmox-vm:201");
	assert_string_equal(u[1], "proxmox-vm:204");
	assert_true(conflict);
	strv_free(u);

	/* Two CTs share a render node; with VM 204's whole slot they do not. */
	assert_int_equal(igp_device_users(w, &vf2, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 3);
	assert_string_equal(u[0], "proxmox-vm:204");
	assert_string_equal(u[1], "proxmox-ct:300");
	assert_string_equal(u[2], "proxmox-ct:301");
	assert_true(conflict);
	strv_free(u);

	/* The mapping offers two devices: each VM takes a free one at start,
	 * excluding nobody.  VM 210 is pve2's: 03:00.0 there is another device. */
	assert_int_equal(igp_device_users(w, &nic3, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 2);
	assert_string_equal(u[0], "proxmox-vm:202");
	assert_string_equal(u[1], "proxmox-vm:203");
	assert_false(conflict);
	strv_free(u);
	assert_int_equal(igp_device_users(w, &pf, &u, &conflict), 0);
	assert_int_equal(strv_length(u), 1);
	assert_string_equal(u[0], "proxmox-vm:204");
	assert_false(conflict);
	strv_free(u);
	igp_workloads_free(w);

	/* Without VMs and CTs: an empty list, never NULL. */
	assert_int_equal(igp_device_users(NULL, &vf1, &u, &conflict), 0);
	assert_non_null(u);
	assert_null(u[0]);
	assert_false(conflict);
	strv_free(u);
	tmproot_teardown(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vmid),
	    cmocka_unit_test(test_no_trailing_newline_kept),
	    cmocka_unit_test(test_appended_after_last_key),
	    cmocka_unit_test(test_empty_config),
	    cmocka_unit_test(test_igd_args),
	    cmocka_unit_test(test_duplicates_in_every_form),
	    cmocka_unit_test(test_mapping_plan),
	    cmocka_unit_test(test_map_value),
	    cmocka_unit_test(test_line_grammar),
	    cmocka_unit_test(test_conf_sections),
	    cmocka_unit_test(test_hostpci),
	    cmocka_unit_test(test_mappings),
	    cmocka_unit_test(test_ct_devices),
	    cmocka_unit_test(test_workloads),
	    cmocka_unit_test(test_device_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
