# An Alder Lake-N (N100) Proxmox VE host with i915-sriov-dkms: 7 VFs
# possible, 2 enabled.  VF 00:02.1 is bound to i915 (the dkms module binds
# VFs it can drive), VF 00:02.2 to vfio-pci for a VM.  The admin persists the
# count with sysfsutils, so igpuctl updates that line instead of adding a
# udev rule.

kernel 6.8.12-4-pve
cmdline 'initrd=\EFI\proxmox\6.8.12-4-pve\initrd.img-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on i915.enable_guc=3 i915.max_vfs=7'
os_release pve8
cpuinfo "Intel(R) N100" 4 6 190 0
iommu dmar0 dmar1

pci_dev 0000:00:00.0 --vendor 8086 --device 461c --class 060000 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --group 1 --driver i915 --boot-vga 1 --drm --sriov 7:2
pci_dev 0000:00:02.1 --vendor 8086 --device 46d1 --class 030000 --group 13 --driver i915 --physfn 0000:00:02.0
pci_dev 0000:00:02.2 --vendor 8086 --device 46d1 --class 030000 --group 14 --driver vfio-pci --physfn 0000:00:02.0
pci_dev 0000:01:00.0 --vendor 15b7 --device 5006 --class 010802 --group 11 --driver nvme

modules i915 vfio vfio_iommu_type1 vfio_pci vfio_pci_core nvme nvme_core
modparam i915 enable_guc 3
modparam i915 max_vfs 7

put_file etc/sysfs.conf <<'CONF'
# /etc/sysfs.conf - Configuration file for setting sysfs attributes.
mode class/backlight/intel_backlight/brightness = 0664
devices/pci0000:00/0000:00:02.0/sriov_numvfs = 2
CONF
