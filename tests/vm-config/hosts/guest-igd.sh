# Inside a q35 guest: QEMU's standard VGA (bochs-drm) at 00:01.0 and a
# passed-through UHD 630 at 00:10.0 that no driver has bound (i915 not
# loaded).  The CPU reports the hypervisor flag.
kernel 6.1.0-26-amd64
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.1.0-26-amd64 root=/dev/sda1 ro quiet"
os_release debian12
cpuinfo "Intel(R) Core(TM) i5-8400 CPU @ 2.80GHz" 1 6 158 10 hypervisor
pci_dev 0000:00:00.0 --vendor 8086 --device 29c0 --class 060000 --subsys 1af4:1100 --rev 02
pci_dev 0000:00:01.0 --vendor 1234 --device 1111 --class 030000 --subsys 1af4:1100 --rev 02 --driver bochs-drm --boot-vga 1 --drm
pci_dev 0000:00:10.0 --vendor 8086 --device 3e92 --class 030000 --subsys 1028:0869
