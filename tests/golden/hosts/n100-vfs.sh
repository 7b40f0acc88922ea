# SPDX-License-Identifier: GPL-2.0-or-later
# n100-vfs: an Alder Lake-N host with two SR-IOV VFs enabled (as
# tests/vm-config/hosts/sriov.sh): status and show name each VF as a
# virtual function of its PF, not as a second iGPU.

kernel 6.8.12-4-pve
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet i915.enable_guc=3 i915.max_vfs=7"
os_release pve8
efi
cpuinfo "Intel(R) N100" 2 6 190 0
iommu dmar0

pci_dev 0000:00:00.0 --vendor 8086 --device 461c --class 060000 --subsys 8086:7270 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --driver i915 --group 1 --boot-vga 1 --drm --sriov 7:2
pci_dev 0000:00:02.1 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --driver vfio-pci --group 20 --physfn 0000:00:02.0
pci_dev 0000:00:02.2 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --driver i915 --group 21 --physfn 0000:00:02.0 --drm
modules i915 vfio_pci vfio_iommu_type1 vfio kvm_intel kvm
