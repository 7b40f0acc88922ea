# A Meteor Lake host on i915-sriov-dkms with one VF on vfio-pci: xe has no
# SR-IOV for Meteor Lake, so the guest's only driver is i915-sriov-dkms.

kernel 6.8.12-9-pve
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.12-9-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on i915.enable_guc=3 i915.max_vfs=7"
os_release pve8
efi
cpuinfo "Intel(R) Core(TM) Ultra 5 125H" 2 6 170 4
iommu dmar0 dmar1

pci_dev 0000:00:00.0 --vendor 8086 --device 7d14 --class 060000 --subsys 8086:2212 --rev 04 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 7d55 --class 030000 --subsys 8086:2212 --rev 08 --driver i915 --group 1 --boot-vga 1 --drm --sriov 7:1
pci_dev 0000:00:02.1 --vendor 8086 --device 7d55 --class 030000 --subsys 8086:2212 --rev 08 --driver vfio-pci --group 20 --physfn 0000:00:02.0
modules i915 vfio_pci vfio_iommu_type1 vfio kvm_intel kvm
pve_qemu 9.2.0-5
