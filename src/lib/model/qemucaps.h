/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the QEMU that will run the VM can do: its version, the properties of
 * the devices vfio-pci and vfio-pci-nohotplug and its machine types.  QEMU
 * exits on a property it does not know ("Property 'vfio-pci.x-igd-lpc' not
 * found"), so the VM renderers ask this before they emit one.
 *
 * Where the answer comes from, best first:
 *   - the binary itself, on the real host: `QEMU --version`,
 *     `-device vfio-pci,help`, `-device vfio-pci-nohotplug,help`,
 *     `-machine help`; kept in /var/cache/igpuctl/ under a key of the
 *     binary's path, size and mtime, so that a warm call reads one file;
 *   - under --root, the probe tools/capture-host captured
 *     (ROOT/var/log/igpuctl-capture/qemu-probe), the same format as the cache;
 *   - else the version in the package database (versions.h): properties are
 *     then known only for the IGD properties whose first release QEMU's
 *     source tells (below), and the answer says it rests on the package.
 *
 * The probe format (one reader, igp_qemu_probe_parse(); also the cache):
 *
 *   # igpuctl qemu probe 1
 *   path=/usr/bin/qemu-system-x86_64
 *   size=12345
 *   mtime=1700000000
 *   == --version
 *   QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)
 *   == -device vfio-pci,help
 *   vfio-pci options:
 *     acpi-index=<uint32>    -  (default: 0)
 *   ...
 *   == -device vfio-pci-nohotplug,help
 *   == -machine help
 *   Supported machines are:
 *   pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)
 *
 * A section starts with "== " and the arguments QEMU ran with; its body is
 * QEMU's output as printed.
 */
#ifndef IGP_QEMUCAPS_H
#define IGP_QEMUCAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/host.h"

#define IGP_QEMU_PROBE_PATH "/var/log/igpuctl-capture/qemu-probe"
#define IGP_QEMU_CACHE_DIR "/var/cache/igpuctl"
/* Proxmox VE runs its VMs with /usr/bin/kvm (pve-qemu-kvm's link). */
#define IGP_PVE_KVM "/usr/bin/kvm"

enum igp_qemu_driver {
	IGP_QEMU_VFIO_PCI,
	IGP_QEMU_VFIO_PCI_NOHOTPLUG,
	_IGP_QEMU_DRIVER_MAX,
};

struct igp_qemu_prop {
	char *name; /* "x-igd-opregion" */
	char *type; /* "bool", "OnOffAuto", "str" */
	char *def;  /* "false", "\"off\"" as printed; NULL when none is printed */
};

struct igp_qemu_caps {
	char *path;					   /* the binary */
	char *version;					   /* "7.2.19"; NULL when unknown */
	char *source;					   /* what the answer rests on, for messages */
	bool probed;					   /* properties and machines are the binary's own */
	uint64_t size;					   /* the binary's, when probed (the cache key) */
	int64_t mtime;					   /* likewise, seconds */
	struct igp_qemu_prop *props[_IGP_QEMU_DRIVER_MAX]; /* sorted by name */
	size_t n_props[_IGP_QEMU_DRIVER_MAX];
	char **machines; /* names and aliases: "pc", "pc-i440fx-7.2", "q35" */
};

/* "vfio-pci", "vfio-pci-nohotplug" */
const char *igp_qemu_driver_name(enum igp_qemu_driver d);

/* Parse a probe (format above) into *ret (zeroed first; free with
 * igp_qemu_caps_done()).  -EINVAL with no "== --version" section or a
 * version that cannot be read, -ENOMEM.  Sets probed. */
int igp_qemu_probe_parse(const char *text, struct igp_qemu_caps *ret);
/* The probe text of caps (what igp_qemu_probe_parse() reads back); only
 * for probed caps. */
int igp_qemu_probe_format(const struct igp_qemu_caps *c, char **ret);
void igp_qemu_caps_done(struct igp_qemu_caps *c);

/* The binary a VM of this host runs with: Proxmox VE's /usr/bin/kvm, else
 * qemu-system-x86_64 on PATH (the real host), else its usual place.  Caller frees. */
int igp_qemu_default_binary(const struct igp_host *h, char **ret);

/*
 * The capabilities of the QEMU at PATH (NULL: igp_qemu_default_binary()),
 * read as described above and kept in the host's cache (borrowed).  With an
 * explicit PATH on the real host, -ENOENT when it cannot be run.  Without
 * any QEMU (no binary, probe or package), -ENOENT.
 */
int igp_host_qemu_caps(const struct igp_host *h, const char *path, const struct igp_qemu_caps **ret);

/* "QEMU 10.1.0 (/usr/bin/kvm 10.1.0)": the QEMU and what its answer rests
 * on, for messages (caller frees; NULL on -ENOMEM). */
char *igp_qemu_caps_name(const struct igp_qemu_caps *c);

/* Does DRIVER have PROP?  1 yes, 0 no, -ENODATA when it cannot be told (no
 * probe, and a property whose first release is not known). */
int igp_qemu_has_prop(const struct igp_qemu_caps *c, enum igp_qemu_driver d, const char *prop);
/* PROP's default as printed ("false", "true"), or the default QEMU's source
 * gives for the version; NULL when unknown. */
const char *igp_qemu_prop_default(const struct igp_qemu_caps *c, enum igp_qemu_driver d, const char *prop);
/* Is the version at least V ("9.2")?  1, 0, -ENODATA without a version. */
int igp_qemu_at_least(const struct igp_qemu_caps *c, const char *v);
/* Does it know machine type NAME ("q35", "pc")?  1, 0, -ENODATA unprobed. */
int igp_qemu_has_machine(const struct igp_qemu_caps *c, const char *name);

#endif
