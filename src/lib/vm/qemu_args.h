/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU command-line arguments that attach a device (vmconf.h) to a VM:
 * -device vfio-pci,host=... for every function of a passed-through device,
 * -device vfio-pci[-nohotplug],sysfsdev=... for a vGPU, plus the -machine,
 * -vga and -display arguments the chosen variant needs (QEMU
 * docs/igd-assign.txt, hw/vfio/pci.c's property list).
 */
#ifndef IGP_QEMU_ARGS_H
#define IGP_QEMU_ARGS_H

#include "vm/vmconf.h"

/*
 * Build the arguments as option/value pairs ("-device", "vfio-pci,...") in
 * *ret_args (NULL-terminated; an even count), and append QEMU-specific advice
 * to *notes.  Call igp_vm_check() first: this refuses nothing.
 */
int igp_qemu_args(const struct igp_vm_device *d, const struct igp_vm_options *o, char ***ret_args,
		  char ***notes);

/*
 * Refuse arguments that QEMU C would exit on: a vfio-pci property or a
 * machine type it lacks (-ENOTSUP, the sentence naming the QEMU in
 * *ret_why).  0 when C is NULL or unprobed and unversioned.
 */
struct igp_qemu_caps;
int igp_qemu_args_check(const struct igp_qemu_caps *c, char *const *args, char **ret_why);

/* What vm qemu --full adds around the device's arguments. */
struct igp_qemu_full {
	const char *binary;	 /* "qemu-system-x86_64" */
	unsigned memory_mib;	 /* -m */
	unsigned cpus;		 /* -smp */
	const char *ovmf_code;	 /* NULL: the machine's own BIOS (SeaBIOS) */
	const char *ovmf_vars;	 /* the variable store template, copied next to the VM */
	const char *ovmf_source; /* "package ovmf 2022.11-6", for the note */
};

/*
 * A whole command line that runs: *args (from igp_qemu_args(), "-machine"
 * first) becomes the binary followed by -machine with KVM, -cpu host, -m,
 * -smp, the OVMF flash images and the device's arguments.  The binary is
 * the first element, then option/value pairs.  Notes say which OVMF files
 * and what to add (a disk).
 */
int igp_qemu_full_args(const struct igp_qemu_full *f, char ***args, char ***notes);

/* A value inside a QEMU option list: commas are doubled (QemuOpts escaping). */
char *igp_qemu_escape(const char *s);

#endif
