# The VF guest with mainline i915 bound (no max_vfs parameter, nothing
# logs VF mode): only the missing I/O BAR says it is a VF.
kernel 6.17.2-1-pve
os_release debian12
cpuinfo "Intel(R) N100" 1 6 190 0 hypervisor
pci_dev 0000:00:00.0 --vendor 8086 --device 29c0 --class 060000 --subsys 1af4:1100 --rev 02
pci_dev 0000:00:01.0 --vendor 1234 --device 1111 --class 030000 --subsys 1af4:1100 --rev 02 --driver bochs-drm --boot-vga 1 --drm
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.17.2-1-pve root=/dev/sda1 ro quiet"
pci_dev 0000:00:10.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --driver i915 --bar 0:mem64:16M --bar 2:mem64p:256M
modules i915
modparam i915 enable_guc -1
