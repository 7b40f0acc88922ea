# An Alder Lake-N (N100) Debian 12 host with i915-sriov-dkms and sysfsutils
# 2.1.1-4 (its init script reads /etc/sysfs.conf, then /etc/sysfs.d/*.conf):
# 7 VFs possible, none enabled, nothing persisted yet.  The dkms module's
# per-VF scheduling attributes are under drm/card0/prelim_iov/vfN/gt0/.

kernel 6.12.22-amd64
cmdline 'BOOT_IMAGE=/boot/vmlinuz-6.12.22-amd64 root=/dev/nvme0n1p2 ro intel_iommu=on i915.enable_guc=3 i915.max_vfs=7'
os_release debian12
cpuinfo "Intel(R) N100" 4 6 190 0
iommu dmar0 dmar1
dpkg_packages sysfsutils=2.1.1-4 i915-sriov-dkms=2025.07.22

pci_dev 0000:00:00.0 --vendor 8086 --device 461c --class 060000 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --group 1 --driver i915 --boot-vga 1 --drm --sriov 7:0

modules i915 vfio vfio_iommu_type1 vfio_pci vfio_pci_core
modparam i915 enable_guc 3
modparam i915 max_vfs 7

put_file etc/sysfs.conf <<'CONF'
# /etc/sysfs.conf - Configuration file for setting sysfs attributes.
#
# The sysfs mount directory is automatically prepended to the attribute paths.
CONF
put_dir etc/sysfs.d
for vf in 1 2 3 4 5 6 7; do
	put_file "sys/devices/pci0000:00/0000:00:02.0/drm/card0/prelim_iov/vf$vf/gt0/exec_quantum_ms" "0
"
	put_file "sys/devices/pci0000:00/0000:00:02.0/drm/card0/prelim_iov/vf$vf/gt0/preempt_timeout_us" "0
"
done
grub_default "quiet intel_iommu=on"
