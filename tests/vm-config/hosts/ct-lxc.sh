# Inside a Proxmox VE container (LXC) that was given the host's UHD 770
# render node the way `devN: /dev/dri/renderD128,gid=993` does: a character
# device 226:128 owned by the container's render group (993), mode 0660.
# The container sees the host's sysfs read-only, so /sys/dev/char/226:128
# leads to the iGPU at 0000:00:02.0.  PID 1 (systemd) wrote the manager's
# name to /run/systemd/container; the CPU has no hypervisor flag.
kernel 6.8.12-4-pve
os_release debian12
cpuinfo "13th Gen Intel(R) Core(TM) i5-13500" 2 6 191 2
pci_dev 0000:00:00.0 --vendor 8086 --device a704 --class 060000 --subsys 1043:8882 --rev 01 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device a780 --class 030000 --subsys 1043:8882 --rev 04 --group 2 --driver i915 --drm
put_file run/systemd/container lxc
put_file etc/group 'root:x:0:
video:x:44:jellyfin
render:x:993:jellyfin
jellyfin:x:105:
'
# No card node, and the render node a real device.
remove dev/dri
dev_node dev/dri/renderD128 226:128 0 993 0660
put_link sys/dev/char/226:128 ../../devices/pci0000:00/0000:00:02.0/drm/renderD128
