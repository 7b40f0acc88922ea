/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the targets of igpuctl vm share (vm.c): the options, the help, the
 * device resolved against the host, and the notes and JSON every target
 * prints.  vm.c holds qemu, vm_libvirt.c and vm_proxmox.c the other two.
 */
#ifndef IGP_CMD_VM_INT_H
#define IGP_CMD_VM_INT_H

#include <getopt.h>

#include "model/host.h"
#include "vm/vmconf.h"

struct json_object;

enum {
	OPT_DISPLAY = 0x100,
	OPT_MACHINE,
	OPT_LEGACY_IGD,
	OPT_X_VGA,
	OPT_ROMBAR,
	OPT_ROMFILE,
	OPT_OVMF,
	OPT_UEFI,
	OPT_DOMAIN,
	OPT_APPLY,
	OPT_CONNECT,
	OPT_XML,
	OPT_QEMU_COMMANDLINE,
	OPT_MAPPING,
	OPT_NODE,
	OPT_MDEV,
	OPT_NO_PCIE,
	OPT_QEMU,
	OPT_FULL,
	OPT_MEMORY,
	OPT_VF,
	OPT_FORCE,
	OPT_HELP,
};

#define COMMON_LONGOPTS                                                                                      \
	{"display", required_argument, NULL, OPT_DISPLAY},                                                   \
	    {"machine", required_argument, NULL, OPT_MACHINE},                                               \
	    {"legacy-igd", no_argument, NULL, OPT_LEGACY_IGD}, {"x-vga", no_argument, NULL, OPT_X_VGA},      \
	    {"rombar", required_argument, NULL, OPT_ROMBAR},                                                 \
	    {"romfile", required_argument, NULL, OPT_ROMFILE}, {"qemu", required_argument, NULL, OPT_QEMU},  \
	    {"vf", required_argument, NULL, OPT_VF}, {"force", no_argument, NULL, OPT_FORCE},                \
	{                                                                                                    \
		"help", no_argument, NULL, OPT_HELP                                                          \
	}

/* A libvirt URI for --connect: printable ASCII without blanks (RFC 3986). */
bool vm_uri_arg_ok(const char *s);
/* Print the usage of every target; returns EXIT_OK. */
int vm_help(void);
/* getopt_long() over a target's opts, the options every target shares and
 * --help taken care of: the next option of the target's own, 0 after the
 * last, or -1 with the exit status in *ret_status (--help, a usage error). */
int vm_getopt(int argc, char *argv[], const struct option *opts, struct igp_vm_options *o, int *ret_status);
/* Load the host, resolve DEVICE (with --vf, the VF of the PF DEVICE that
 * vm_vf_pick() picks), refuse a VF that a VM other than SELF uses
 * (model/workloads.h names: "proxmox-vm:201"; NULL when the VM has no name
 * yet) and a device whose render node containers use (but for a vGPU,
 * refuse_ct_takers()) unless --force, refuse it for its IOMMU group unless the VM gets a
 * vGPU of it (vgpu: Proxmox VE's --mdev TYPE), ask the QEMU that will run
 * the VM (sets o->qemu) and check the options against both: EXIT_OK, or the
 * exit status after the error is printed. */
int vm_prepare(const char *spec, const char *self, struct igp_vm_options *o, enum igp_vm_target t, bool vgpu,
	       struct igp_host **ret_h, struct igp_vm_device **ret_d);

/* vm_vf.c.  --vf VF of the PF SPEC: "next" (the VF SELF uses already, else
 * the first free one, those on vfio-pci or no driver before those a host
 * driver holds; the pick is said on stderr) or N (virtfnN, as `igpuctl vfs`
 * numbers them).  *ret: its address (caller frees).  EXIT_OK or the exit
 * status after the error is printed. */
int vm_vf_pick(const struct igp_host *h, const char *spec, const char *vf, const char *self, char **ret);
/* Refuse the VF at ADDRESS when a VM other than SELF uses it (exit 1, one
 * line naming them), unless FORCE (a note then).  Not a VF: EXIT_OK. */
int vm_vf_refuse_used(const struct igp_host *h, const char *address, const char *self, bool force);
/* What is wrong on the host for passing d through, as notes (check's findings). */
int vm_host_notes(const struct igp_host *h, const struct igp_vm_device *d, char ***ret);
/* The notes on stderr, "Note: " each. */
void vm_print_notes(char *const *notes);
struct json_object *vm_notes_json(char *const *notes);
struct json_object *vm_device_json(const struct igp_vm_device *d);

/* The targets: argv[0] is the target's name; cmdline the whole command
 * line, for the journal. */
int vm_libvirt(int argc, char *argv[], char *const *cmdline);
int vm_proxmox(int argc, char *argv[], char *const *cmdline);
/* vm lint TARGET ...: argv[0] is "lint" (vm_lint.c). */
int vm_lint(int argc, char *argv[]);

#endif
