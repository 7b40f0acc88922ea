/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the checks (checks*.c): the run context with the host facts
 * the checks share, loaded on first use, and the helpers that add results.
 */
#ifndef IGP_CHECKS_INT_H
#define IGP_CHECKS_INT_H

#include "boot/bootloader.h"
#include "checks/checks.h"
#include "modules/initramfs.h"
#include "modules/modprobe.h"
#include "model/kernels.h"
#include "base/util.h"

#define MODE_BIT(m) (1u << (m))
#define MODES_ALL (MODE_BIT(IGP_METHOD_FULL) | MODE_BIT(IGP_METHOD_GVTG) | MODE_BIT(IGP_METHOD_SRIOV))

/* How the host boots, for "configured vs running" and for remedies. */
struct boot_info {
	const struct igp_boot_ops *ops; /* the loader (boot/loader.h), NULL when unknown */
	char *name;			/* "GRUB (Debian family)" */
	char *refresh;			/* "update-grub", NULL when nothing is to be run */
	char **configured;		/* tokens the next boot gets; NULL when unknown */
	char *where;			/* "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub" */
	char **grub_tokens; /* what /etc/default/grub (+ grub.d) holds where the loader leaves it unused */
	char **grub_unused_places; /* "VAR in FILE" for each of GRUB_TOKENS, or NULL */
	const char *grub_var;	   /* the GRUB variable new tokens go into */
	char **grub_places;	   /* GRUB: "VAR in FILE" for each of CONFIGURED */
	char **generated;	   /* tokens of grub.cfg's linux line, NULL when unreadable */
	const char *generated_path;
	char *entry; /* systemd-boot: the loader entry read */
};

/* Where a module is configured to load at boot. */
struct modconf_entry {
	char *name;	 /* normalized: '-' -> '_' */
	char *where;	 /* "/etc/modules:12" */
	bool dependency; /* not listed itself: a listed module needs it */
};

struct check_ctx {
	const struct igp_host *h;
	const struct igp_check_target *targets;
	size_t n_targets;
	unsigned modes; /* every mode some target needs */
	struct igp_check_report *rep;
	size_t cap;

	/* lazily loaded facts; *_done says whether they were tried (the host's
	 * own are in the host model) */
	bool modconf_done;
	struct modconf_entry *modconf;
	size_t n_modconf;
	bool modprobe_done;
	struct igp_modprobe modprobe; /* modprobe.d and the running command line */
	bool boot_done;
	struct boot_info boot;
};

/*
 * Add a result.  REMEDY is taken over (freed on failure); a warn or fail
 * needs one, so a NULL remedy there means the allocation failed: -ENOMEM.
 */
int check_add(struct check_ctx *c, const char *id, const struct igp_pci_dev *dev, enum igp_check_status st,
	      char *remedy, const char *fmt, ...) _printf_(6, 7);
/* The ids of this run's failed checks of GPU that start with PREFIX, ", "
 * between them ("" when none; NULL on -ENOMEM).  Caller frees. */
char *check_failed_before(struct check_ctx *c, const struct igp_pci_dev *gpu, const char *prefix);

/* ---- facts ---- */
const char *ctx_cpuinfo(struct check_ctx *c);
/* "vmx", "svm" or NULL; *ret_amd tells the vendor (for IOMMU remedies). */
const char *ctx_cpu_virt_flag(struct check_ctx *c, bool *ret_amd);
/*
 * Whose IOMMU this is: the active units' names (dmar* / ivhd*), else the
 * ACPI table the firmware publishes (DMAR / IVRS), else the CPU vendor.
 */
bool ctx_iommu_amd(struct check_ctx *c);
/* An Intel iGPU checked for full or sriov that the active IOMMU leaves out
 * (no IOMMU group), or NULL. */
const struct igp_pci_dev *ctx_igpu_untranslated(struct check_ctx *c);
/* The firmware's IOMMU table (DMAR on Intel, IVRS on AMD): 1 present,
 * 0 absent (the IOMMU is off in the firmware), -1 unknown (no ACPI tables
 * in sysfs, as in most captured trees). */
int ctx_iommu_table(struct check_ctx *c);
/* The kernel log, or NULL (then *ret_why says why). */
const char *ctx_dmesg(struct check_ctx *c, const char **ret_why);
/* Running-kernel modules: loaded (in /proc/modules) or built in. */
bool ctx_module_loaded(struct check_ctx *c, const char *name);
bool ctx_module_builtin(struct check_ctx *c, const char *name);
/* Is there a module (or built-in) of that name for the running kernel:
 * 1 yes, 0 no, -ENOENT when the kernel's module directory is missing. */
int ctx_module_available(struct check_ctx *c, const char *name);
/* Where the module is configured to load at boot (borrowed), or NULL. */
const char *ctx_module_configured(struct check_ctx *c, const char *name);
/* Every configured entry, for the vfio_virqfd/vfio_mdev pitfalls. */
int ctx_modconf(struct check_ctx *c, const struct modconf_entry **ret, size_t *ret_n);
/* /sys/module/MOD/parameters/PARAM, or NULL (caller frees). */
char *ctx_module_param(struct check_ctx *c, const char *module, const char *param);
/* libkmod for the running kernel's modules, or NULL. */
struct kmod_ctx *ctx_kmod(struct check_ctx *c);
/* modprobe.d as modprobe reads it, then the running kernel command line
 * (modules/modprobe.h); empty when it cannot be read. */
const struct igp_modprobe *ctx_modprobe(struct check_ctx *c);
/*
 * The value modprobe gives PARAM of MODULE (caller frees), or NULL, and
 * the entry setting it (may be NULL; its where is "FILE:LINE" or "the
 * kernel command line").  FLAGS: IGP_MODPROBE_FILES_ONLY for what the next
 * boot gets from files.
 */
char *ctx_modprobe_option(struct check_ctx *c, const char *module, const char *param, unsigned flags,
			  const struct igp_modprobe_entry **ret_entry);
/* Running command line parameter ('-' == '_' in the name); NULL if absent. */
const char *ctx_running_param(struct check_ctx *c, const char *key, char *buf, size_t size);
const struct boot_info *ctx_boot(struct check_ctx *c);
/*
 * The value of KEY in a token list (the last occurrence wins, as in Linux;
 * '-' and '_' are equal in the name): 1 and *ret_value (borrowed; "" for a
 * flag), 0 when absent.
 */
int tokens_get(char *const *toks, const char *key, const char **ret_value);
/* Is "KEY=VALUE" (or one comma-separated item of its value) in the list? */
bool tokens_have(char *const *toks, const char *key, const char *value);
/*
 * Where the configured TOKENS (space separated; keys will do) are: B->where,
 * or for GRUB the variables that hold them ("GRUB_CMDLINE_LINUX in
 * /etc/default/grub"), joined with " and " (caller frees).
 */
char *tokens_where(const struct boot_info *b, const char *tokens);
bool ctx_is_proxmox(struct check_ctx *c);
/* The kernel release, never NULL ("the running kernel" when unknown). */
const char *ctx_kernel(struct check_ctx *c);
/* The kernel the next boot starts, or NULL when unknown (model/kernels.h). */
const struct igp_next_boot *ctx_next_kernel(struct check_ctx *c);
/* Release >= major.minor; false when unknown. */
bool ctx_kernel_at_least(struct check_ctx *c, int major, int minor);

/* ---- remedies ---- */
/*
 * How to add ADD (space-separated parameters) to, and drop the parameters
 * named in REMOVE from, the configured command line on this host, ending in
 * the reboot: a sentence naming the file, the command that applies it, and
 * `igpuctl setup` when MODE is given (-1: none).  Caller frees.
 */
char *remedy_cmdline(struct check_ctx *c, const char *add, const char *remove, int mode);
/* The command that rebuilds the initramfs on this host. */
const char *initramfs_command(struct check_ctx *c);

/* ---- the checks, by area (checks_host.c, checks_full.c, checks_gvtg.c, checks_sriov.c) ---- */
typedef int (*host_check_fn)(struct check_ctx *c);
typedef int (*dev_check_fn)(struct check_ctx *c, const struct igp_pci_dev *gpu);

int check_cpu_virtualization(struct check_ctx *c);
int check_kvm_device(struct check_ctx *c);
int check_kvm_ignore_msrs(struct check_ctx *c);
int check_iommu_enabled(struct check_ctx *c);
int check_iommu_interrupt_remapping(struct check_ctx *c);
int check_cmdline_intel_iommu(struct check_ctx *c);
int check_cmdline_configured(struct check_ctx *c);
int check_cmdline_blacklist(struct check_ctx *c);
int check_kernel_version(struct check_ctx *c);
int check_qemu_version(struct check_ctx *c);
int check_modules_loaded(struct check_ctx *c);
int check_modules_available(struct check_ctx *c);
int check_modules_configured(struct check_ctx *c);
int check_modules_vfio_virqfd(struct check_ctx *c);
int check_modules_vfio_mdev(struct check_ctx *c);
int check_initramfs_current(struct check_ctx *c);
int check_memlock(struct check_ctx *c);
int check_ct_render_nodes(struct check_ctx *c);
int check_ct_gid(struct check_ctx *c);

int check_full_driver(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_vfio_ids(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_framebuffer(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_vfs(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_qemu(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_boot_vga(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_isolation(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_full_acs_override(struct check_ctx *c, const struct igp_pci_dev *gpu);

/* "gvt.platform" and "sriov.platform": support by device ID, platform named. */
int check_platform_support(struct check_ctx *c, const struct igp_pci_dev *gpu, enum igp_method m,
			   const char *id);
int check_gvt_platform(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_enable_gvt(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_kvmgt(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_guc_conflict(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_dmesg_unsupported(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_types_present(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_instances(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_gvt_persist(struct check_ctx *c, const struct igp_pci_dev *gpu);

/* The SR-IOV route of GPU in this run: the target's (setup's choice), the
 * configured one (xe.max_vfs or i915.max_vfs in modprobe.d or on the
 * command line), the one in use, else the route model's recommendation. */
enum igp_sriov_route_kind ctx_sriov_route(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_platform(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_driver(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_params(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_vfs_enabled(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_persist(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_pf_not_vfio(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_vf_users(struct check_ctx *c, const struct igp_pci_dev *gpu);
/* The VFs of GPU that guests use whose names (model/workloads.h) start with
 * PREFIX (NULL: every guest), as "0000:00:02.1 (proxmox-vm:201), ..." in
 * *ret (caller frees; NULL when none).  0 or a negative errno. */
int check_vf_users_text(struct check_ctx *c, const struct igp_pci_dev *gpu, const char *prefix, char **ret);
/* The loaded i915 is the stock one (no max_vfs parameter, or the kernel log
 * says it ignored one). */
bool sriov_stock_i915(struct check_ctx *c);
/* checks_sriov_kernel.c */
int check_sriov_next_kernel(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_sriov_secure_boot(struct check_ctx *c, const struct igp_pci_dev *gpu);

int check_vm_proxmox(struct check_ctx *c, const struct igp_pci_dev *gpu);
int check_vm_proxmox_mapping(struct check_ctx *c, const struct igp_pci_dev *gpu);
/*
 * This node's entry E of mapping M against the host, as qemu-server judges
 * it when a VM with mapping=NAME starts (PVE::Mapping::PCI::assert_valid()):
 * the one answer for vm.proxmox_mapping and vm lint.  Sentences go to BAD
 * and REM (the corrected line) or GOOD; 1 it matches, 0 not, -ENOMEM.
 */
struct strbuf;
struct igp_pve_mapping;
struct igp_pve_map;
int check_pve_map_judge(const struct igp_host *h, const char *node, const struct igp_pve_mapping *m,
			const struct igp_pve_map *e, struct strbuf *bad, struct strbuf *rem,
			struct strbuf *good);
int check_vm_libvirt(struct check_ctx *c, const struct igp_pci_dev *gpu);

#endif
