# Proxmox VE 8.4 on a Meteor Lake mini PC (Core Ultra 5 125H, Arc graphics
# 8086:7d55, Gen 12.7) with pve-qemu-kvm 9.2: the generation QEMU's IGD
# quirks know only from 10.1 on (hw/vfio/igd.c), so the QEMU matrix sees a
# Gen 12.5+ iGPU refused before 10.1 and taken after.

kernel 6.8.12-9-pve
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.12-9-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on iommu=pt"
os_release pve8
efi
cpuinfo "Intel(R) Core(TM) Ultra 5 125H" 2 6 170 4
iommu dmar0 dmar1

pci_dev 0000:00:00.0 --vendor 8086 --device 7d14 --class 060000 --subsys 8086:2212 --rev 04 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 7d55 --class 030000 --subsys 8086:2212 --rev 08 --driver vfio-pci --group 1 --boot-vga 1
modules vfio_pci vfio_iommu_type1 vfio kvm_intel kvm
pve_qemu 9.2.0-5
put_dir etc/pve
