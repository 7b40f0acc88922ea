# A guest whose VM configuration lost the GPU: only QEMU's standard VGA.
kernel 6.1.0-26-amd64
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.1.0-26-amd64 root=/dev/sda1 ro quiet"
os_release debian12
cpuinfo "QEMU Virtual CPU version 2.5+" 1 6 6 3 hypervisor
pci_dev 0000:00:00.0 --vendor 8086 --device 29c0 --class 060000 --subsys 1af4:1100 --rev 02
pci_dev 0000:00:01.0 --vendor 1234 --device 1111 --class 030000 --subsys 1af4:1100 --rev 02 --driver bochs-drm --boot-vga 1 --drm
