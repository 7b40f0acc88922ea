# The VF guest with i915-sriov-dkms: its i915 has max_vfs and logs VF mode.
kernel 6.17.2-1-pve
os_release debian12
cpuinfo "Intel(R) N100" 1 6 190 0 hypervisor
pci_dev 0000:00:00.0 --vendor 8086 --device 29c0 --class 060000 --subsys 1af4:1100 --rev 02
pci_dev 0000:00:01.0 --vendor 1234 --device 1111 --class 030000 --subsys 1af4:1100 --rev 02 --driver bochs-drm --boot-vga 1 --drm
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.17.2-1-pve root=/dev/sda1 ro quiet i915.enable_guc=3"
pci_dev 0000:00:10.0 --vendor 8086 --device 46d1 --class 030000 --subsys 8086:7270 --driver i915 --drm --bar 0:mem64:16M --bar 2:mem64p:256M
modules i915
modparam i915 enable_guc 3
modparam i915 max_vfs 0
put_file var/log/igpuctl-capture/dmesg <<'LOG'
[    4.192063] i915: You are using the i915-sriov-dkms module, a ported version of the i915/xe module with SR-IOV support.
[    4.634038] i915 0000:00:10.0: Running in SR-IOV VF mode
[    4.639166] i915 0000:00:10.0: [drm] GuC firmware PRELOADED version 0.0 submission:SR-IOV VF
LOG
