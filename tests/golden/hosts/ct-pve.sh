# SPDX-License-Identifier: GPL-2.0-or-later
# ct-pve: the Proxmox VE node of pve8-n100-sriov with containers whose root
# file systems the host can read, for `igpuctl ct`:
#   CT 300  dev0 gives it VF 00:02.2's renderD129 already; ZFS subvol
#           (local-zfs), render group 993 inside;
#   CT 302  unprivileged, on a dir storage subvol, render group 992; dev0 and
#           dev1 are taken (a serial adapter, a pending change takes dev2),
#           with a snapshot that has a dev0 of its own;
#   CT 303  on LVM-thin (no directory while stopped), but running: its root
#           is mounted under /var/lib/lxc/303/rootfs (render 106);
#   CT 304  on LVM-thin, stopped: its render group cannot be read;
#   LXC container "frigate" (privileged, rootfs by lxc.rootfs.path),
#   Incus instance "jelly" (render 105).
# The host's render group is 104 and owns the render nodes (built as root).
from_host pve8-n100-sriov

dpkg_packages pve-container=5.2.3 qemu-server=8.3.8 pve-manager=8.3.5
put_dir sys/fs/cgroup
put_file sys/fs/cgroup/cgroup.controllers 'cpuset cpu io memory hugetlb pids rdma misc
'
put_file etc/group 'root:x:0:
video:x:44:
render:x:104:
kvm:x:993:
'
owner dev/dri/renderD128 0 104 0660
owner dev/dri/renderD129 0 104 0660
owner dev/dri/renderD130 0 104 0660

put_file etc/pve/storage.cfg <<'CONF'
dir: local
	path /var/lib/vz
	content iso,vztmpl,backup,rootdir

zfspool: local-zfs
	pool rpool/data
	sparse
	content images,rootdir

lvmthin: local-lvm
	thinpool data
	vgname pve
	content rootdir,images
CONF

put_file etc/pve/lxc/300.conf <<'CONF'
arch: amd64
cores: 2
dev0: /dev/dri/renderD129,gid=993
hostname: jellyfin
memory: 2048
ostype: debian
rootfs: local-zfs:subvol-300-disk-0,size=8G
CONF
put_file rpool/data/subvol-300-disk-0/etc/group 'root:x:0:
video:x:44:
render:x:993:jellyfin
'

put_file etc/pve/lxc/302.conf <<'CONF'
#Frigate NVR
arch: amd64
cores: 4
dev0: /dev/ttyUSB0,gid=20
dev1: /dev/bus/usb/002/003
features: nesting=1
hostname: frigate
memory: 4096
net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:5A:3C:01,ip=dhcp,type=veth
ostype: debian
parent: before-upgrade
rootfs: local:302/subvol-302-disk-0.subvol,size=16G
swap: 512
unprivileged: 1

[pve:pending]
dev2: /dev/ttyACM0

[before-upgrade]
arch: amd64
cores: 4
dev0: /dev/ttyUSB0,gid=20
hostname: frigate
memory: 4096
ostype: debian
rootfs: local:302/subvol-302-disk-0.subvol,size=16G
snaptime: 1764950400
unprivileged: 1
CONF
put_file var/lib/vz/images/302/subvol-302-disk-0.subvol/etc/group 'root:x:0:
video:x:44:
render:x:992:
'

put_file etc/pve/lxc/303.conf <<'CONF'
arch: amd64
hostname: plex2
memory: 2048
ostype: ubuntu
rootfs: local-lvm:vm-303-disk-0,size=8G
CONF
put_file var/lib/lxc/303/rootfs/etc/group 'root:x:0:
video:x:44:
render:x:106:
'
put_file etc/pve/lxc/304.conf <<'CONF'
arch: amd64
hostname: stopped
memory: 1024
ostype: debian
rootfs: local-lvm:vm-304-disk-0,size=8G
CONF
put_file proc/net/unix 'Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 23456 @/var/lib/lxc/303/command
0000000000000000: 00000003 00000000 00000000 0001 03 23457 /run/systemd/journal/stdout
'

put_file var/lib/lxc/frigate/config <<'CONF'
# Distribution configuration
lxc.include = /usr/share/lxc/config/common.conf
lxc.arch = linux64

# Container specific configuration
lxc.rootfs.path = dir:/var/lib/lxc/frigate/rootfs
lxc.uts.name = frigate

# Network configuration
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
lxc.net.0.flags = up
CONF
put_file var/lib/lxc/frigate/rootfs/etc/group 'root:x:0:
video:x:44:
render:x:107:
'
put_file var/lib/incus/containers/jelly/rootfs/etc/group 'root:x:0:
video:x:44:
render:x:105:
'
