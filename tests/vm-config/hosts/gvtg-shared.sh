# The GVT-g host (gvtg.sh) on a board whose IOMMU puts the iGPU into one
# group with the AHCI controller of the root disk (as on boards without
# ACS, examples/hosts/shared-nvme-group): the iGPU cannot go to a VM whole,
# but each vGPU has an IOMMU group of its own (12).

based_on gvtg
pci_dev 0000:00:17.0 --vendor 8086 --device a352 --class 010601 --subsys 1028:0869 --rev 10 --group 1 --driver ahci
sata_disk 0000:00:17.0 sda 2
mount_fs /dev/sda2 / ext4 rw,relatime,errors=remount-ro
mount_fs /dev/sda1 /boot/efi vfat rw,relatime
