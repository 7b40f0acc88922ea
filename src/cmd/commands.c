/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command table: one line per command, in the order `igpuctl --help` lists them. */
#include "cmd.h"

const struct igp_command igp_commands[] = {
    {"status", cmd_status, "the GPUs, what each supports, and what is missing"},
    {"list", cmd_list, "GPUs with IDs, platform, driver, IOMMU group, methods"},
    {"iommu", cmd_iommu, "IOMMU groups and their devices (--all for every group)"},
    {"show", cmd_show, "everything known about one PCI device"},
    {"check", cmd_check, "preflight checks for a mode, each problem with its remedy"},
    {"vgpu", cmd_vgpu, "GVT-g vGPUs (mediated devices): types, create, list, remove, define"},
    {"vfs", cmd_vfs, "SR-IOV virtual functions of a GPU: show, set the count, bind, persist"},
    {"vm", cmd_vm, "QEMU arguments, libvirt XML or a Proxmox VE config for a device or vGPU"},
    {"ct", cmd_ct, "give a container (Proxmox VE, LXC, Incus, Docker) the render node of a GPU or VF"},
    {"guest", cmd_guest, "inside a VM: is the passed GPU there and usable"},
    {"report", cmd_report, "a redacted bundle of this host for a bug report"},
    {"setup", cmd_setup, "set the host up for full, gvt-g or sriov (boot, modules, drivers)"},
    {"revert", cmd_revert, "undo what setup changed"},
    {"bind", cmd_bind, "move a device to a driver now (vfio-pci), optionally persistently"},
    {"unbind", cmd_unbind, "give a device back to its default driver"},
    {NULL, NULL, NULL},
};

const struct igp_command igp_hidden_commands[] = {
    {"__complete", cmd_complete, "what the shell completion scripts ask (docs/cli.md)"},
    {NULL, NULL, NULL},
};
