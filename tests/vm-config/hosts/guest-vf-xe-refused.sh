# The VF guest of guest-vf-xe.sh without xe.force_probe: xe refuses the
# Gen 12 device (xe_pci_probe()) and nothing binds it.
kernel 6.17.2-1-pve
os_release debian12
cpuinfo "Intel(R) N100" 1 6 190 0 hypervisor
pci_dev 0000:00:00.0 --vendor 8086 --device 29c0 --class 060000 --subsys 1af4:1100 --rev 02
pci_dev 0000:00:01.0 --vendor 1234 --device 1111 --class 030000 --subsys 1af4:1100 --rev 02 --driver bochs-drm --boot-vga 1 --drm
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.17.2-1-pve root=/dev/sda1 ro quiet"
pci_dev 0000:00:10.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --bar 0:mem64:16M --bar 2:mem64p:256M
modules xe
put_file var/log/igpuctl-capture/dmesg <<'LOG'
[    3.101234] xe 0000:00:10.0: Your graphics device 46d1 is not officially supported
by xe driver in this kernel version. To force Xe probe,
use xe.force_probe='46d1' and i915.force_probe='!46d1'
module parameters or CONFIG_DRM_XE_FORCE_PROBE='46d1' and
CONFIG_DRM_I915_FORCE_PROBE='!46d1' configuration options.
LOG
