# pve8-n100-sriov with plain LXC containers too (LXCPATH /var/lib/lxc):
# frigate uses VF 00:02.5 by /dev/dri/by-path (and its cgroup line), plex an
# old config that passes the PF's render node with the cgroup v1 key.
# 300/config is what pve-container writes for CT 300 when it starts: that is
# proxmox-ct:300, no LXC container of its own.

from_host pve8-n100-sriov

put_file var/lib/lxc/frigate/config <<'CONF'
# Template used to create this container: /usr/share/lxc/templates/lxc-download
# Parameters passed to the template: -d debian -r bookworm -a amd64

# Distribution configuration
lxc.include = /usr/share/lxc/config/common.conf
lxc.include = /usr/share/lxc/config/userns.conf
lxc.arch = linux64

# Container specific configuration
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 65536
lxc.rootfs.path = dir:/var/lib/lxc/frigate/rootfs
lxc.uts.name = frigate

# The VF's render node (D130 here; the by-path name stays when numbers move)
lxc.cgroup2.devices.allow = c 226:130 rwm
lxc.mount.entry = /dev/dri/by-path/pci-0000:00:02.5-render dev/dri/renderD128 none bind,optional,create=file
CONF
put_file var/lib/lxc/plex/config <<'CONF'
lxc.rootfs.path = /var/lib/lxc/plex/rootfs
lxc.uts.name = media
lxc.cgroup.devices.allow = c 226:128 rwm
lxc.mount.entry = /dev/dri/renderD128 dev/dri/renderD128 none bind,optional,create=file
CONF
put_file var/lib/lxc/300/config <<'CONF'
lxc.cgroup.relative = 0
lxc.cgroup.dir.monitor = lxc.monitor/300
lxc.cgroup.dir.container = lxc/300
lxc.cgroup.dir.container.inner = ns
lxc.arch = amd64
lxc.include = /usr/share/lxc/config/debian.common.conf
lxc.monitor.unshare = 1
lxc.tty.max = 2
lxc.environment = TERM=linux
lxc.uts.name = jellyfin
lxc.cgroup2.memory.max = 2147483648
lxc.rootfs.path = /var/lib/lxc/300/rootfs
lxc.net.0.type = veth
CONF
