# A Coffee Lake desktop with GVT-g enabled (i915.enable_gvt=1, kvmgt loaded)
# and a 256MB aperture, so only GVTg_V5_8 and GVTg_V5_4 exist
# (drivers/gpu/drm/i915/gvt/vgpu.c); one V5_8 vGPU is running.  The mtty
# sample driver is loaded too: a second mdev parent of another driver,
# whose types have free-text descriptions.  /etc/mdevctl.d holds what
# mdevctl and igpuctl leave there: the running vGPU's definition, an auto
# one not yet started, a manual one, a file that is not mdevctl JSON and one
# that is not named by a UUID.

kernel 6.1.0-56-amd64
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=/dev/nvme0n1p2 ro quiet intel_iommu=on i915.enable_gvt=1"
os_release debian12
cpuinfo "Intel(R) Core(TM) i5-8400 CPU @ 2.80GHz" 2 6 158 10
iommu dmar0 dmar1

pci_dev 0000:00:00.0 --vendor 8086 --device 3ec2 --class 060000 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 3e92 --class 030000 --subsys 1028:0869 --driver i915 --group 1 --boot-vga 1 --drm \
	--bar 0:mem64:16M --bar 2:mem64p:256M --bar 4:io:64
pci_dev 0000:00:1f.3 --vendor 8086 --device a348 --class 040300 --group 2 --driver snd_hda_intel
pci_dev 0000:01:00.0 --vendor 144d --device a808 --class 010802 --group 3 --driver nvme

modules i915 kvm_intel kvm irqbypass kvmgt mdev vfio vfio_iommu_type1 mtty nvme nvme_core
modparam i915 enable_gvt Y
modparam i915 enable_guc -1

IGPU=sys/devices/pci0000:00/0000:00:02.0
mdev_bus 0000:00:02.0 "$IGPU"
gvtg_type "$IGPU" 4 0
gvtg_type "$IGPU" 8 1
mdev_active "$IGPU" 4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41 i915-GVTg_V5_8 13

MTTY=sys/devices/virtual/mtty/mtty
mdev_bus mtty "$MTTY"
mdev_type "$MTTY" mtty-1 "Single port serial" 24 "This type supports 1 port"$'\n'
mdev_type "$MTTY" mtty-2 "Dual port serial" 12 "This type supports 2 ports"$'\n'

mdevctl_def 0000:00:02.0 4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41 \
	'{"mdev_type":"i915-GVTg_V5_8","start":"auto","attrs":[]}'
# mdevctl writes pretty-printed JSON
mdevctl_def 0000:00:02.0 9e2f4c1a-3b5d-4e6f-8a7b-1c2d3e4f5a6b '{
  "mdev_type": "i915-GVTg_V5_4",
  "start": "auto",
  "attrs": []
}'
mdevctl_def 0000:00:02.0 c0ffee00-1111-4222-8333-444455556666 \
	'{"mdev_type":"i915-GVTg_V5_8","start":"manual","attrs":[]}'
mdevctl_def 0000:00:02.0 deadbeef-0000-4000-8000-000000000000 'not json'
mdevctl_def 0000:00:02.0 README 'notes'
mdevctl_def mtty 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9 \
	'{"mdev_type":"mtty-2","start":"auto","attrs":[]}'
