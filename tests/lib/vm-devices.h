/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host devices as the VM config generators take them: the shapes the unit
 * tests and the fuzz targets attach. */
#ifndef IGP_TESTS_VM_DEVICES_H
#define IGP_TESTS_VM_DEVICES_H

#include "vm/vmconf.h"

/* The iGPU at 00:02.0, a discrete GPU with its audio function, an SR-IOV VF. */
static struct igp_vm_func vmdev_igd_funcs[1] = {
    {.address = "0000:00:02.0",
     .addr = {0, 0, 2, 0},
     .vendor = 0x8086,
     .device = 0x3e92,
     .subsys_vendor = 0x1028,
     .subsys_device = 0x0869,
     .class = 0x030000,
     .iommu_group = 2},
};
static struct igp_vm_func vmdev_dgpu_funcs[2] = {
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
static struct igp_vm_func vmdev_vf_funcs[1] = {
    {.address = "0000:00:02.1",
     .addr = {0, 0, 2, 1},
     .vendor = 0x8086,
     .device = 0xa7a0,
     .subsys_vendor = 0x8086,
     .subsys_device = 0x0000,
     .class = 0x030000,
     .iommu_group = -1},
};
static const struct igp_vm_device vmdev_igd = {
    .kind = IGP_VM_PCI, .funcs = vmdev_igd_funcs, .n_funcs = 1, .igd = true};
static const struct igp_vm_device vmdev_dgpu = {
    .kind = IGP_VM_PCI, .funcs = vmdev_dgpu_funcs, .n_funcs = 2, .all_functions = true};
static const struct igp_vm_device vmdev_vf = {
    .kind = IGP_VM_PCI, .funcs = vmdev_vf_funcs, .n_funcs = 1, .vf = true};
/* A GVT-g vGPU of the iGPU. */
static const struct igp_vm_device vmdev_mdev = {.kind = IGP_VM_MDEV,
						.funcs = vmdev_igd_funcs,
						.n_funcs = 1,
						.igd = true,
						.uuid = "8f2b0a52-7f3c-4b0e-9a1d-2c3e4f5a6b7c",
						.mdev_type = (char *)"i915-GVTg_V5_4"};

#endif
