/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one root-aware path context.  Every file igpuctl reads or writes goes
 * through these helpers, so that `--root DIR` (or IGPUCTL_ROOT) makes the
 * whole tool run on a captured tree, like `lscpu --sysroot`.
 *
 * Paths given to these functions are host paths ("/sys/bus/pci/devices");
 * they are resolved *inside* the root with openat2(RESOLVE_IN_ROOT), so an
 * absolute or ".." symlink in a fixture or on a --root target can never lead
 * outside it.  Every well-known host location is named here and nowhere else.
 */
#ifndef IGP_PATHS_H
#define IGP_PATHS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <dirent.h>

#define _igp_printf_(a, b) __attribute__((format(printf, a, b)))

/* sysfs */
#define IGP_SYS_PREFIX "/sys/"
#define IGP_SYS_PCI_DEVICES "/sys/bus/pci/devices"
#define IGP_SYS_PCI_DRIVERS "/sys/bus/pci/drivers"
#define IGP_SYS_PCI_DRIVERS_PROBE "/sys/bus/pci/drivers_probe"
#define IGP_SYS_IOMMU_GROUPS "/sys/kernel/iommu_groups"
#define IGP_SYS_CLASS_IOMMU "/sys/class/iommu"
#define IGP_SYS_CLASS_NET "/sys/class/net"
#define IGP_SYS_CLASS_DRM "/sys/class/drm"
/* xe's configfs: per-device settings read when xe probes the device */
#define IGP_SYS_KERNEL_CONFIG_XE "/sys/kernel/config/xe"
#define IGP_SYS_CLASS_MDEV_BUS "/sys/class/mdev_bus"
#define IGP_SYS_MDEV_DEVICES "/sys/bus/mdev/devices"
#define IGP_SYS_DEV_BLOCK "/sys/dev/block"
/* A character device's node by its number: /sys/dev/char/MAJOR:MINOR */
#define IGP_SYS_DEV_CHAR "/sys/dev/char"
#define IGP_SYS_CLASS_BLOCK "/sys/class/block"
#define IGP_SYS_MODULE "/sys/module"
#define IGP_SYS_FIRMWARE_EFI "/sys/firmware/efi"
/* The UEFI SecureBoot variable in efivarfs (EFI_GLOBAL_VARIABLE's GUID). */
#define IGP_SYS_EFIVAR_SECURE_BOOT "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0ca4d5d3f4c"
#define IGP_SYS_MODULE_KVMGT "/sys/module/kvmgt"
/* procfs */
#define IGP_PROC_CMDLINE "/proc/cmdline"
#define IGP_PROC_MOUNTS "/proc/self/mounts"
/* igpuctl's own binary (to find its modules): never under --root */
#define IGP_PROC_SELF_EXE "/proc/self/exe"
#define IGP_PROC_NET_ROUTE "/proc/net/route"
#define IGP_PROC_NET_IPV6_ROUTE "/proc/net/ipv6_route"
#define IGP_PROC_OSRELEASE "/proc/sys/kernel/osrelease"
#define IGP_PROC_CPUINFO "/proc/cpuinfo"
#define IGP_PROC_MODULES "/proc/modules"
#define IGP_PROC_IOMEM "/proc/iomem"
/* Container detection (model/container.c, after systemd's virt.c). */
#define IGP_PROC_1_ENVIRON "/proc/1/environ"
#define IGP_PROC_VZ "/proc/vz"
#define IGP_PROC_BC "/proc/bc"
#define IGP_RUN_HOST_CONTAINER_MANAGER "/run/host/container-manager"
#define IGP_RUN_SYSTEMD_CONTAINER "/run/systemd/container"
#define IGP_RUN_CONTAINERENV "/run/.containerenv"
#define IGP_DOCKERENV "/.dockerenv"
#define IGP_SYS_FS_CGROUP_EVENTS "/sys/fs/cgroup/cgroup.events"
#define IGP_SYS_FS_CGROUP_TYPE "/sys/fs/cgroup/cgroup.type"
#define IGP_SYS_KERNEL_CGROUP_FEATURES "/sys/kernel/cgroup/features"
/* /dev */
#define IGP_DEV_DRI "/dev/dri"
#define IGP_DEV_VFIO "/dev/vfio"
#define IGP_DEV_KVM "/dev/kvm"
#define IGP_DEV_KMSG "/dev/kmsg"
/* What unified diffs call an absent file (GNU diff's convention). */
#define IGP_DEV_NULL "/dev/null"
/* /etc, /var, /boot */
#define IGP_ETC_DEFAULT_GRUB "/etc/default/grub"
#define IGP_ETC_DEFAULT_GRUB_D "/etc/default/grub.d"
#define IGP_ETC_KERNEL_CMDLINE "/etc/kernel/cmdline"
#define IGP_ETC_PROXMOX_BOOT_UUIDS "/etc/kernel/proxmox-boot-uuids"
/* proxmox-boot-tool kernel pin [--next-boot]: the release, on the first line */
#define IGP_ETC_PROXMOX_BOOT_PIN "/etc/kernel/proxmox-boot-pin"
#define IGP_ETC_NEXT_BOOT_PIN "/etc/kernel/next-boot-pin"
/* GRUB's environment block (grub-set-default, grub-reboot) */
#define IGP_BOOT_GRUB_GRUBENV "/boot/grub/grubenv"
#define IGP_BOOT_GRUB2_GRUBENV "/boot/grub2/grubenv"
#define IGP_ETC_MODULES "/etc/modules"
#define IGP_ETC_MODULES_LOAD_D "/etc/modules-load.d"
#define IGP_ETC_MODPROBE_D "/etc/modprobe.d"
#define IGP_ETC_MDEVCTL_D "/etc/mdevctl.d"
#define IGP_ETC_OS_RELEASE "/etc/os-release"
#define IGP_ETC_PVE "/etc/pve"
#define IGP_VAR_LIB_IGPUCTL "/var/lib/igpuctl"
#define IGP_BOOT "/boot"
/* udev's database: ID_FS_TYPE/ID_FS_LABEL of block devices (ZFS pool members) */
#define IGP_RUN_UDEV_DATA "/run/udev/data"
#define IGP_DEV_PREFIX "/dev/"
#define IGP_DEV_MAPPER_PREFIX "/dev/mapper/"
/* Where a captured tree may carry its own dmesg (tools/capture-host). */
#define IGP_CAPTURED_DMESG "/var/log/igpuctl-capture/dmesg"
/* VM wiring (vm, guest): Proxmox VE's pmxcfs files, its run-time pid files,
 * where it looks for ROM files, and the guest-side udev by-path links. */
#define IGP_ETC_PVE_QEMU_SERVER "/etc/pve/qemu-server"
#define IGP_ETC_PVE_LXC "/etc/pve/lxc"
#define IGP_ETC_PVE_NODES "/etc/pve/nodes"
#define IGP_ETC_PVE_MAPPING_PCI "/etc/pve/mapping/pci.cfg"
#define IGP_ETC_PVE_LOCAL "/etc/pve/local"
#define IGP_ETC_HOSTNAME "/etc/hostname"
#define IGP_RUN_QEMU_SERVER "/var/run/qemu-server"
#define IGP_PROC "/proc"
#define IGP_USR_SHARE_KVM "/usr/share/kvm"
#define IGP_USR_SHARE_MISC_PCI_IDS "/usr/share/misc/pci.ids"
#define IGP_USR_SHARE_HWDATA_PCI_IDS "/usr/share/hwdata/pci.ids"
#define IGP_DEV_DRI_BY_PATH "/dev/dri/by-path"
#define IGP_ETC_LIBVIRT_QEMU "/etc/libvirt/qemu"
/* Containers (ct): Proxmox VE's storage configuration, LXC's default
 * lxcpath (also where Proxmox VE mounts a running CT's root file system),
 * Incus's containers, the command sockets of running containers, and the
 * cgroup v2 marker that decides the device cgroup's configuration key. */
#define IGP_ETC_PVE_STORAGE_CFG "/etc/pve/storage.cfg"
#define IGP_VAR_LIB_LXC "/var/lib/lxc"
#define IGP_VAR_LIB_INCUS_CONTAINERS "/var/lib/incus/containers"
#define IGP_PROC_NET_UNIX "/proc/net/unix"
#define IGP_SYS_FS_CGROUP_CONTROLLERS "/sys/fs/cgroup/cgroup.controllers"
/* LXC's global configuration, which may set another lxcpath than the
 * default above (lxc.lxcpath). */
#define IGP_ETC_LXC_LXC_CONF "/etc/lxc/lxc.conf"
/* check: what the preflight checks read besides the above. */
#define IGP_LIB_MODULES "/lib/modules"
#define IGP_USR_LIB_MODULES_LOAD_D "/usr/lib/modules-load.d"
#define IGP_RUN_MODULES_LOAD_D "/run/modules-load.d"
#define IGP_USR_LOCAL_LIB_MODULES_LOAD_D "/usr/local/lib/modules-load.d"
#define IGP_LIB_MODULES_LOAD_D "/lib/modules-load.d" /* systemd on a split /usr */
/* modprobe.d(5): kmod's default_config_paths (libkmod/libkmod.c) after /etc. */
#define IGP_RUN_MODPROBE_D "/run/modprobe.d"
#define IGP_USR_LOCAL_LIB_MODPROBE_D "/usr/local/lib/modprobe.d"
#define IGP_USR_LIB_MODPROBE_D "/usr/lib/modprobe.d"
#define IGP_LIB_MODPROBE_D "/lib/modprobe.d"
#define IGP_ETC_INITRAMFS_TOOLS "/etc/initramfs-tools"
#define IGP_ETC_INITRAMFS_TOOLS_MODULES "/etc/initramfs-tools/modules"
#define IGP_ETC_DRACUT_CONF "/etc/dracut.conf"
#define IGP_ETC_DRACUT_CONF_D "/etc/dracut.conf.d"
#define IGP_ETC_MKINITCPIO_CONF "/etc/mkinitcpio.conf"
#define IGP_ETC_MKINITCPIO_CONF_D "/etc/mkinitcpio.conf.d"
#define IGP_VAR_LIB_DPKG_STATUS "/var/lib/dpkg/status"
#define IGP_VAR_LIB_PACMAN_LOCAL "/var/lib/pacman/local"
#define IGP_VAR_LIB_DKMS "/var/lib/dkms"
/* dkms itself: Debian's and Fedora's, Arch's (`igpuctl report` runs `dkms status`). */
#define IGP_SBIN_DKMS "/usr/sbin/dkms"
#define IGP_BIN_DKMS "/usr/bin/dkms"
/* GNU tar, which packs `igpuctl report`'s bundle (/bin is /usr/bin on merged systems). */
#define IGP_BIN_TAR "/bin/tar"
/* The key DKMS signs modules with (dkms 3: mok_signing_key's certificate). */
#define IGP_VAR_LIB_DKMS_MOK_PUB "/var/lib/dkms/mok.pub"
/* rpm of the real host (its database is sqlite: rpm is asked, see pkgdb.h). */
#define IGP_USR_BIN_RPM "/usr/bin/rpm"
/* What `rpm -qa` said when tools/capture-host captured the tree. */
#define IGP_CAPTURED_RPM_PACKAGES "/var/log/igpuctl-capture/rpm-packages"
#define IGP_USR_BIN_QEMU "/usr/bin/qemu-system-x86_64"
/* OVMF (edk2's UEFI firmware for QEMU), as the distributions install it
 * (model/firmware.c). */
#define IGP_USR_SHARE_OVMF "/usr/share/OVMF"
#define IGP_USR_SHARE_EDK2_OVMF "/usr/share/edk2/ovmf"
#define IGP_USR_SHARE_EDK2_X64 "/usr/share/edk2/x64"
#define IGP_USR_SHARE_PVE_EDK2 "/usr/share/pve-edk2-firmware"
#define IGP_ETC_SECURITY_LIMITS_CONF "/etc/security/limits.conf"
#define IGP_ETC_SECURITY_LIMITS_D "/etc/security/limits.d"
#define IGP_ETC_GROUP "/etc/group"
#define IGP_ETC_LIBVIRT "/etc/libvirt"
#define IGP_PROC_INTERRUPTS "/proc/interrupts"
#define IGP_BOOT_GRUB_CFG "/boot/grub/grub.cfg"
#define IGP_BOOT_GRUB2_CFG "/boot/grub2/grub.cfg"
#define IGP_ETC_SYSFS_CONF "/etc/sysfs.conf"
#define IGP_ETC_SYSFS_D "/etc/sysfs.d"
#define IGP_ETC_UDEV_RULES_D "/etc/udev/rules.d"
/* The packages' rules, which a file of the same name in /etc hides. */
#define IGP_USR_LIB_UDEV_RULES_D "/usr/lib/udev/rules.d"
#define IGP_LIB_UDEV_RULES_D "/lib/udev/rules.d"
/* The calling process's own open files (libkmod is handed the module
 * directory opened inside the root as /proc/self/fd/N); never looked up
 * inside the root. */
#define IGP_PROC_SELF_FD "/proc/self/fd"
/* The child's stderr when igpuctl runs a program on the real host. */
#define IGP_DEV_NULL "/dev/null"
/* ACPI tables: DMAR describes Intel VT-d units, IVRS AMD-Vi ones; firmware
 * with the IOMMU switched off publishes neither. */
#define IGP_SYS_ACPI_TABLES "/sys/firmware/acpi/tables"
#define IGP_SYS_ACPI_TABLE_DMAR "/sys/firmware/acpi/tables/DMAR"
#define IGP_SYS_ACPI_TABLE_IVRS "/sys/firmware/acpi/tables/IVRS"
/* setup, revert, bind: boot loaders, initramfs tools, driver persistence. */
#define IGP_ETC_KERNELSTUB_CONFIG "/etc/kernelstub/configuration"
#define IGP_ETC_DRIVERCTL_D "/etc/driverctl.d"
#define IGP_ETC_MODULES_LOAD_D_IGPUCTL "/etc/modules-load.d/igpuctl.conf"
#define IGP_ETC_MODPROBE_D_IGPUCTL "/etc/modprobe.d/igpuctl.conf"
#define IGP_ETC_DRACUT_CONF_D_IGPUCTL "/etc/dracut.conf.d/igpuctl.conf"
#define IGP_ETC_UDEV_RULES_VFIO "/etc/udev/rules.d/60-igpuctl-vfio.rules"
#define IGP_BOOT_LOADER_ENTRIES "/boot/loader/entries"
#define IGP_EFI_LOADER_ENTRIES "/efi/loader/entries"
#define IGP_BOOT_EFI_LOADER_ENTRIES "/boot/efi/loader/entries"
#define IGP_BOOT_LOADER_CONF "/boot/loader/loader.conf"
#define IGP_EFI_LOADER_CONF "/efi/loader/loader.conf"
#define IGP_BOOT_EFI_LOADER_CONF "/boot/efi/loader/loader.conf"
/* Unified kernel images (Boot Loader Specification type #2) on the ESP. */
#define IGP_EFI_EFI_LINUX "/efi/EFI/Linux"
#define IGP_BOOT_EFI_LINUX "/boot/EFI/Linux"
#define IGP_BOOT_EFI_EFI_LINUX "/boot/efi/EFI/Linux"
/* systemd-boot's EFI variables (the Boot Loader Interface's vendor GUID). */
#define IGP_SYS_EFIVAR_LOADER(name) "/sys/firmware/efi/efivars/" name "-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
/* mkinitcpio's presets (PKGBASE.preset) and the UKI command line drop-ins. */
#define IGP_ETC_MKINITCPIO_D "/etc/mkinitcpio.d"
#define IGP_ETC_CMDLINE_D "/etc/cmdline.d"
#define IGP_BOOT_GRUB2 "/boot/grub2"
#define IGP_USR_LIB_UDEV_DRIVERCTL_RULES "/usr/lib/udev/rules.d/89-driverctl.rules"
#define IGP_LIB_UDEV_DRIVERCTL_RULES "/lib/udev/rules.d/89-driverctl.rules"
#define IGP_VAR_LIB_IGPUCTL_JOURNAL "/var/lib/igpuctl/journal.json"
#define IGP_VAR_LIB_IGPUCTL_LOCK "/var/lib/igpuctl/lock"
#define IGP_VAR_LIB_IGPUCTL_BACKUP "/var/lib/igpuctl/backup"

/*
 * Set the root for the whole process.  NULL, "" or "/" mean the real host.
 * Returns 0 or a negative errno (the root does not exist / is no directory).
 */
int igp_root_set(const char *root);
/* The root as given ("/" for the real host); never NULL. */
const char *igp_root(void);
bool igp_root_is_host(void);

/*
 * Open a host path inside the root.  flags as for open(2); mode for O_CREAT.
 * Returns an fd or a negative errno.
 */
int igp_open(const char *path, int flags, mode_t mode);
/* Open a directory stream inside the root. */
int igp_opendir(const char *path, DIR **ret);
/* 0 if the path exists (following symlinks inside the root), else -errno. */
int igp_access(const char *path);
static inline bool igp_exists(const char *path)
{
	return igp_access(path) == 0;
}
bool igp_is_dir(const char *path);

/*
 * Read a whole file (bounded to 16 MiB) into a NUL-terminated buffer; the
 * caller frees it.  ret_size may be NULL.
 */
int igp_read_file(const char *path, char **ret, size_t *ret_size);
/* The same from an open FD, read to its end (a user's file or stdin, which
 * are no host paths). */
int igp_read_fd(int fd, char **ret, size_t *ret_size);
/*
 * Read a configuration file igpuctl is to edit: igp_read_file(), but
 * -EBADMSG when the file holds a NUL byte.  The text is handled as a C
 * string, which would end there: the edit, its backup and the rest of the
 * file with it.  *ret_line (may be NULL) is then the line of that byte.
 */
int igp_read_text(const char *path, char **ret, size_t *ret_size, unsigned *ret_line);
/* The line (from 1) that byte OFF of TEXT is on. */
unsigned igp_text_line(const char *text, size_t off);
/*
 * The refusal of a file igpuctl will not edit: "PATH:LINE: WHAT; fix the
 * file, then run igpuctl again" (NULL on ENOMEM).
 */
char *igp_text_refusal(const char *path, unsigned line, const char *what);
/*
 * Check that PATH, if it exists, is text igpuctl can edit: 0, or -EBADMSG
 * and the refusal in *ret_error (may be NULL).
 */
int igp_text_check(const char *path, char **ret_error);
/* One bounded read of a kernfs attribute; trailing whitespace stripped. */
int igp_read_attr(const char *path, char **ret);
/* Attribute holding "0x8086"-style hex (or plain hex). */
int igp_read_u32_hex(const char *path, uint32_t *ret);
/* Attribute holding a decimal integer. */
int igp_read_long(const char *path, long *ret);
/* The target of a symlink, as stored (the caller frees it). */
int igp_readlink(const char *path, char **ret);
/* Only the last component of a symlink's target ("i915", "12"). */
int igp_readlink_basename(const char *path, char **ret);
/*
 * Canonical host path of a path inside the root, following symlinks the
 * way the kernel would if the root were "/" (used to follow
 * /sys/dev/block/M:m to its PCI device).
 */
int igp_realpath(const char *path, char **ret);

/* Sorted (version order) names in a directory, without "." and "..". */
int igp_list_dir(const char *path, char ***ret);

/*
 * Directory-relative access for hot loops (one resolution of the device
 * directory, then one syscall per attribute).  NAME is a single component:
 * no '/', not "..", and a symlink there is never followed (O_NOFOLLOW), so
 * these stay inside the directory that igp_open() resolved inside the root.
 */
int igp_dir_fd(const char *path);
int igp_attr_at(int dfd, const char *name, char **ret);
int igp_u32_hex_at(int dfd, const char *name, uint32_t *ret);
int igp_long_at(int dfd, const char *name, long *ret);
int igp_readlink_at(int dfd, const char *name, char **ret);
int igp_file_at(int dfd, const char *name, char **ret);
int igp_list_dir_at(int dfd, const char *name, char ***ret);
bool igp_is_dir_at(int dfd, const char *name);
/* Lexically normalise "a/b/../c" (no symlinks are read); caller frees. */
char *igp_path_normalize(const char *path);

/* Write a short string to a sysfs attribute (one write, no truncation). */
int igp_write_attr(const char *path, const char *value);

/*
 * The same with the path given printf-style, as util-linux's
 * ul_path_readf_*() (include/path.h): one call instead of building the path,
 * reading and freeing it.
 *
 *	r = igp_read_attrf(&drv, IGP_SYS_PCI_DEVICES "/%s/driver_override", addr);
 *
 * The result comes first, the format last; -ENOMEM when the path cannot be
 * built, otherwise what the plain function returns.  Values from the host
 * (a name read from a directory) go in as %s arguments, never as the format.
 */
int igp_openf(int flags, mode_t mode, const char *fmt, ...) _igp_printf_(3, 4);
int igp_read_filef(char **ret, size_t *ret_size, const char *fmt, ...) _igp_printf_(3, 4);
int igp_read_attrf(char **ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_read_u32_hexf(uint32_t *ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_read_longf(long *ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_readlinkf(char **ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_readlink_basenamef(char **ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_realpathf(char **ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_list_dirf(char ***ret, const char *fmt, ...) _igp_printf_(2, 3);
int igp_accessf(const char *fmt, ...) _igp_printf_(1, 2);
/* false also when the path cannot be built */
bool igp_existsf(const char *fmt, ...) _igp_printf_(1, 2);
bool igp_is_dirf(const char *fmt, ...) _igp_printf_(1, 2);
int igp_write_attrf(const char *value, const char *fmt, ...) _igp_printf_(2, 3);

/*
 * A canonical sysfs path relative to /sys ("devices/pci0000:00/..."), as
 * sysfsutils keys are written, or NULL when the path is not under /sys.
 */
const char *igp_sysfs_relative(const char *path);

/* Build "prefix/name" host paths; returns NULL on ENOMEM. */
char *igp_path_join(const char *a, const char *b);

#endif
