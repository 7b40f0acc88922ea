# SPDX-License-Identifier: GPL-2.0-or-later
# ct-pve: the example host pve8-n100-ct (a Proxmox VE node with CTs on ZFS,
# dir and LVM-thin storage, an LXC container and an Incus instance) with its
# render nodes owned by the host's render group 104, as udev makes them:
# what a committed tree cannot keep (built as root).
from_host pve8-n100-ct
owner dev/dri/renderD128 0 104 0660
owner dev/dri/renderD129 0 104 0660
owner dev/dri/renderD130 0 104 0660
# Whole group files, with members and other groups, as a real root has them.
put_file etc/group 'root:x:0:
video:x:44:
render:x:104:
kvm:x:993:
'
put_file rpool/data/subvol-300-disk-0/etc/group 'root:x:0:
video:x:44:
render:x:993:jellyfin
'
# An unprivileged LXC container (id maps) whose root lies elsewhere.
put_file var/lib/lxc/plex/config <<'CONF'
lxc.include = /usr/share/lxc/config/common.conf
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 65536
lxc.rootfs.path = dir:/srv/lxc/plex
lxc.uts.name = plex
CONF
put_file srv/lxc/plex/etc/group 'video:x:44:
render:x:109:
'
# An unprivileged LXC container that maps the host's render group (104)
# to its own (993): a bind-mounted node is its render group's inside.
put_file var/lib/lxc/emby/config <<'CONF'
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 993
lxc.idmap = g 993 104 1
lxc.idmap = g 994 100994 64542
lxc.uts.name = emby
CONF
put_file var/lib/lxc/emby/rootfs/etc/group 'render:x:993:
'
