# The GVT-g Coffee Lake host (gvtg.sh) whose render node containers use:
# Proxmox VE CT 200 (jellyfin) by its node, the LXC container frigate by
# /dev/dri/by-path.  A VM given 00:02.0 takes it from them (vfio-pci); a
# vGPU of it leaves it to them.

based_on gvtg

put_file etc/pve/lxc/200.conf <<'CONF'
arch: amd64
cores: 2
dev0: /dev/dri/renderD128,gid=104
hostname: jellyfin
memory: 2048
ostype: debian
unprivileged: 1
CONF
put_file var/lib/lxc/frigate/config <<'CONF'
lxc.include = /usr/share/lxc/config/common.conf
lxc.arch = linux64
lxc.rootfs.path = dir:/var/lib/lxc/frigate/rootfs
lxc.uts.name = frigate
lxc.cgroup2.devices.allow = c 226:128 rwm
lxc.mount.entry = /dev/dri/by-path/pci-0000:00:02.0-render dev/dri/renderD128 none bind,optional,create=file
CONF
