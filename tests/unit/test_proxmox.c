/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Proxmox VE config edits (src/lib/vm/proxmox.c) on text, without a host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "vm/proxmox.h"
#include "base/util.h"

static struct igp_vm_func dgpu_funcs[2] = {
    {.address = "0000:01:00.0",
     .addr = {0, 1, 0, 0},
     .vendor = 0x10de,
     .device = 0x2484,
     .subsys_vendor = 0x10de,
     .subsys_device = 0x146b,
     .class = 0x030000,
     .iommu_group = 1},
    {.address = "0000:01:00.1",
     .addr = {0, 1, 0, 1},
     .vendor = 0x10de,
     .device = 0x228b,
     .subsys_vendor = 0x10de,
     .subsys_device = 0x146b,
     .class = 0x040300,
     .iommu_group = 1},
};
static const struct igp_vm_device dgpu = {
    .kind = IGP_VM_PCI, .funcs = dgpu_funcs, .n_funcs = 2, .all_functions = true};

static int plan(const char *text, const struct igp_vm_options *o, struct igp_pve_plan *p, char **why)
{
	struct igp_pve_request rq = {.dev = &dgpu, .opts = o, .pcie = -1, .vmid = 100};
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
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *why = NULL;

	assert_int_equal(igp_pve_mapping_plan(NULL, "gpu", "pve1", &dgpu, false, &a, &why), 0);
	assert_string_equal(
	    a, "gpu\n\tmap node=pve1,path=0000:01:00,id=10de:2484,iommugroup=1,subsystem-id=10de:146b\n");
	/* Same node and device again: nothing changes. */
	assert_int_equal(igp_pve_mapping_plan(a, "gpu", "pve1", &dgpu, false, &b, &why), 0);
	assert_null(b);
	/* A file without a final newline gets a blank line before the new section. */
	assert_int_equal(igp_pve_mapping_plan("other\n\tmap node=pve1,path=0000:05:00.0,id=1:2", "gpu",
					      "pve2", &dgpu, true, &c, &why),
			 0);
	assert_string_equal(
	    c, "other\n\tmap node=pve1,path=0000:05:00.0,id=1:2\n\ngpu\n"
	       "\tmap node=pve2,path=0000:01:00.0,id=10de:2484,iommugroup=1,subsystem-id=10de:146b\n"
	       "\tmdev 1\n");
	assert_int_equal(igp_pve_mapping_plan(c, "other", "pve1", &dgpu, false, &b, &why), -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vmid),
	    cmocka_unit_test(test_no_trailing_newline_kept),
	    cmocka_unit_test(test_appended_after_last_key),
	    cmocka_unit_test(test_empty_config),
	    cmocka_unit_test(test_duplicates_in_every_form),
	    cmocka_unit_test(test_mapping_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
