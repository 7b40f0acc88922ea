# Inside a q35 guest with an Alder Lake-N SR-IOV VF at 00:10.0, driven by
# xe with xe.force_probe=46d1: xe logs VF mode.  A VF has memory BARs only
# (no I/O BAR 4, which the iGPU itself has).
kernel 6.17.2-1-pve
os_release debian12
cpuinfo "Intel(R) N100" 1 6 190 0 hypervisor
pci_dev 0000:00:00.0 --vendor 8086 --device 29c0 --class 060000 --subsys 1af4:1100 --rev 02
pci_dev 0000:00:01.0 --vendor 1234 --device 1111 --class 030000 --subsys 1af4:1100 --rev 02 --driver bochs-drm --boot-vga 1 --drm
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.17.2-1-pve root=/dev/sda1 ro quiet xe.force_probe=46d1 i915.force_probe=!46d1"
pci_dev 0000:00:10.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --driver xe --drm --bar 0:mem64:16M --bar 2:mem64p:256M
modules xe
modparam xe force_probe 46d1
put_file var/log/igpuctl-capture/dmesg <<'LOG'
[    3.101234] xe 0000:00:10.0: [drm] Running in SR-IOV VF mode
[    3.101301] xe 0000:00:10.0: [drm] Found alderlake_p/alderlake_n (device ID 46d1) integrated display version 13.00 stepping D0
LOG
