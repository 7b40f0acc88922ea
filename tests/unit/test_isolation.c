/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Isolation rules on hand-built host models. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "model/isolation.h"
#include "model/methods.h"
#include "base/util.h"

static struct igp_pci_dev mk(const char *addr, uint32_t class, unsigned roles, int group)
{
	struct igp_pci_dev d = {.class = class, .roles = roles, .iommu_group = group, .boot_vga = -1};
	igp_pci_addr_parse(addr, &d.addr);
	snprintf(d.address, sizeof(d.address), "%s", addr);
	return d;
}

static enum igp_isolation judge(struct igp_pci_dev **devs, size_t n, struct igp_pci_dev *target,
				enum igp_peer_kind *kinds)
{
	struct igp_iommu_group g = {.id = 1, .n_devs = n, .devs = devs};
	struct igp_host h = {.groups = &g, .n_groups = 1, .iommu_active = true};
	struct igp_isolation_report r;
	enum igp_isolation v;

	assert_int_equal(igp_isolation_judge(&h, target, &r), 0);
	v = r.verdict;
	for (size_t i = 0; kinds && i < r.n_peers; i++)
		kinds[i] = r.peers[i].kind;
	igp_isolation_report_done(&r);
	return v;
}

static void test_alone(void **state)
{
	struct igp_pci_dev gpu = mk("0000:00:02.0", 0x030000, 0, 1);
	struct igp_pci_dev *devs[] = {&gpu};
	assert_int_equal(judge(devs, 1, &gpu, NULL), IGP_ISO_ISOLATED);
}

static void test_bridge_and_own_function(void **state)
{
	struct igp_pci_dev rp = mk("0000:00:01.0", 0x060400, 0, 1);
	struct igp_pci_dev gpu = mk("0000:01:00.0", 0x030000, 0, 1);
	struct igp_pci_dev audio = mk("0000:01:00.1", 0x040300, 0, 1);
	struct igp_pci_dev *devs[] = {&rp, &gpu, &audio};
	enum igp_peer_kind k[2];
	assert_int_equal(judge(devs, 3, &gpu, k), IGP_ISO_ISOLATED);
	assert_int_equal(k[0], IGP_PEER_BRIDGE);
	assert_int_equal(k[1], IGP_PEER_FUNCTION);
}

static void test_shared_endpoint(void **state)
{
	struct igp_pci_dev gpu = mk("0000:00:02.0", 0x030000, 0, 1);
	struct igp_pci_dev usb = mk("0000:00:14.0", 0x0c0330, 0, 1);
	struct igp_pci_dev *devs[] = {&gpu, &usb};
	assert_int_equal(judge(devs, 2, &gpu, NULL), IGP_ISO_SHARED);
}

static void test_critical_storage(void **state)
{
	struct igp_pci_dev gpu = mk("0000:00:02.0", 0x030000, 0, 1);
	struct igp_pci_dev usb = mk("0000:00:14.0", 0x0c0330, 0, 1);
	struct igp_pci_dev nvme = mk("0000:00:1d.0", 0x010802, IGP_ROLE_MOUNTED_STORAGE, 1);
	struct igp_pci_dev *devs[] = {&gpu, &usb, &nvme};
	enum igp_peer_kind k[2];
	assert_int_equal(judge(devs, 3, &gpu, k), IGP_ISO_UNSAFE);
	assert_int_equal(k[0], IGP_PEER_ENDPOINT);
	assert_int_equal(k[1], IGP_PEER_CRITICAL);
}

static void test_critical_nic_and_boot_gpu(void **state)
{
	struct igp_pci_dev gpu = mk("0000:01:00.0", 0x030000, 0, 1);
	struct igp_pci_dev nic = mk("0000:01:00.1", 0x020000, IGP_ROLE_DEFAULT_NIC, 1);
	struct igp_pci_dev *devs[] = {&gpu, &nic};
	/* Even a function of the same device is critical when the host needs it. */
	assert_int_equal(judge(devs, 2, &gpu, NULL), IGP_ISO_UNSAFE);

	struct igp_pci_dev vga = mk("0000:02:00.0", 0x030000, IGP_ROLE_BOOT_VGA, 1);
	struct igp_pci_dev *devs2[] = {&gpu, &vga};
	assert_int_equal(judge(devs2, 2, &gpu, NULL), IGP_ISO_UNSAFE);
}

static void test_no_group(void **state)
{
	struct igp_pci_dev gpu = mk("0000:00:02.0", 0x030000, 0, -1);
	struct igp_host h = {0};
	struct igp_isolation_report r;
	assert_int_equal(igp_isolation_judge(&h, &gpu, &r), 0);
	assert_int_equal(r.verdict, IGP_ISO_NO_IOMMU);
	assert_int_equal(r.n_peers, 0);
	igp_isolation_report_done(&r);
}

static void test_gvtg_capacity(void **state)
{
	/* A 256 MiB aperture offers only the _8 and _4 types (i915
	 * gvt/vgpu.c: low GM 64 and 128 MiB fit beside the host's 128). */
	assert_int_equal(igp_gvtg_capacity(256, 8), 2);
	assert_int_equal(igp_gvtg_capacity(256, 4), 1);
	assert_int_equal(igp_gvtg_capacity(256, 2), 0);
	assert_int_equal(igp_gvtg_capacity(256, 1), 0);
	/* Fences (28 free / 4) cap large apertures at 7. */
	assert_int_equal(igp_gvtg_capacity(1024, 8), 7);
	assert_int_equal(igp_gvtg_capacity(512, 8), 6);
	assert_int_equal(igp_gvtg_capacity(128, 8), 0);
	assert_int_equal(igp_gvtg_capacity(512, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alone),
	    cmocka_unit_test(test_bridge_and_own_function),
	    cmocka_unit_test(test_shared_endpoint),
	    cmocka_unit_test(test_critical_storage),
	    cmocka_unit_test(test_critical_nic_and_boot_gpu),
	    cmocka_unit_test(test_no_group),
	    cmocka_unit_test(test_gvtg_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
