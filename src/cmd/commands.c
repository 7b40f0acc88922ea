/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command table: one line per command, in the order `igpuctl --help` lists them. */
#include "cmd.h"

const struct igp_command igp_commands[] = {
	{ "status", cmd_status, "the GPUs, what each supports, and what is missing" },
	{ "list", cmd_list, "GPUs with IDs, platform, driver, IOMMU group, methods" },
	{ "iommu", cmd_iommu, "IOMMU groups and their devices (--all for every group)" },
	{ "show", cmd_show, "everything known about one PCI device" },
	{ "vgpu", cmd_vgpu, "GVT-g vGPUs (mediated devices): types, create, list, remove, define" },
	{ "vfs", cmd_vfs, "SR-IOV virtual functions of a GPU: show, set the count, bind, persist" },
	{ "vm", cmd_vm, "QEMU arguments, libvirt XML or a Proxmox VE config for a device or vGPU" },
	{ "guest", cmd_guest, "inside a VM: is the passed GPU there and usable" },
	{ NULL, NULL, NULL },
};
