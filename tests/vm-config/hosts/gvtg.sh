# Proxmox VE 8 on a Coffee Lake box with GVT-g on (i915.enable_gvt=1, kvmgt
# loaded): the UHD 630 at 00:02.0 offers i915-GVTg_V5_4 and _8 (a 256 MB
# aperture) and one vGPU of type _4 is active.  The mdev sits under its
# parent, with mdev_type and iommu_group links, as the kernel lays it out.

kernel 6.8.12-4-pve
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet i915.enable_gvt=1"
os_release pve8
efi
cpuinfo "Intel(R) Core(TM) i5-8400 CPU @ 2.80GHz" 2 6 158 10
iommu dmar0 dmar1

pci_dev 0000:00:00.0 --vendor 8086 --device 3ec2 --class 060000 --subsys 1028:0869 --rev 07 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 3e92 --class 030000 --subsys 1028:0869 --driver i915 --group 1 --boot-vga 1 --drm
pci_dev 0000:00:1f.6 --vendor 8086 --device 15bc --class 020000 --subsys 1028:0869 --rev 10 --group 9 --driver e1000e
netif 0000:00:1f.6 enp0s31f6 d8:9e:f3:11:22:33
netbridge vmbr0 d8:9e:f3:11:22:33 enp0s31f6
default_route vmbr0 192.168.1.1 192.168.1.0/24
modules i915 kvmgt mdev vfio_iommu_type1 vfio kvm_intel kvm e1000e
modparam i915 enable_gvt Y

gvt=${_MK_PATH[0000:00:02.0]}
for t in 4:128:512:1920x1200:1 8:64:384:1024x768:2; do
	IFS=: read -r n low high res avail <<<"$t"
	d=$gvt/mdev_supported_types/i915-GVTg_V5_$n
	_mk_attr "$d/name" "GVTg_V5_$n"
	_mk_attr "$d/device_api" vfio-pci
	_mk_attr "$d/available_instances" "$avail"
	_mk_file "$d/description" "low_gm_size: ${low}MB
high_gm_size: ${high}MB
fence: 4
resolution: $res
weight: $((16 / n))
"
	_mk_file "$d/create" ""
	_mk_dir "$d/devices"
done
uuid=4b20d080-1b54-4048-85b3-a6a62d165c01
_mk_link "$gvt/$uuid/mdev_type" "$gvt/mdev_supported_types/i915-GVTg_V5_4"
_mk_link "$gvt/mdev_supported_types/i915-GVTg_V5_4/devices/$uuid" "$gvt/$uuid"
_mk_attr "sys/kernel/iommu_groups/12/type" DMA
_mk_link "$gvt/$uuid/iommu_group" "sys/kernel/iommu_groups/12"
_mk_link "sys/kernel/iommu_groups/12/devices/$uuid" "$gvt/$uuid"
_mk_file "$gvt/$uuid/remove" ""
_mk_link "sys/bus/mdev/devices/$uuid" "$gvt/$uuid"
_mk_file "dev/vfio/12" ""

# The GVT-g guide's UEFI ROM for the vGPU's display.
option_rom vbios_gvt_uefi.rom 8086 3e92 efi
