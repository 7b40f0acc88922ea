# gvtg-two-parents.sh with VM 100 of Proxmox VE running: qemu-server made
# the vGPU of its hostpci1 (mdev=i915-GVTg_V5_4) at VM start, under the
# UUID it derives from the index and the VMID (PVE/QemuServer/PCI/Mdev.pm).

based_on gvtg-two-parents
mdev_active "$IGPU" 00000001-0000-0000-0000-000000000100 i915-GVTg_V5_4 14
