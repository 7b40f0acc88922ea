# SPDX-License-Identifier: GPL-2.0-or-later
# pve9-modules-obsolete: the example host pve9-n100-dkms-newkernel (Proxmox
# VE 9, systemd-boot through proxmox-boot-tool, initramfs-tools) as a fresh
# install has it: /etc/modules with the header kmod 30+20230601 writes
# (Debian's kmod.postinst: it calls itself obsolete), and qemu-server's own
# modules-load.d file under /usr/lib (qemu-server >= 9.2.1), which an /etc
# file of the same name would mask.

from_host pve9-n100-dkms-newkernel

put_file etc/modules <<'EOG'
# /etc/modules is obsolete and has been replaced by /etc/modules-load.d/.
# Please see modules-load.d(5) and modprobe.d(5) for details.
#
# Updating this file still works, but it is undocumented and unsupported.
EOG
put_link etc/modules-load.d/modules.conf ../modules

put_file usr/lib/modules-load.d/qemu-server.conf <<'EOG'
vhost_net
EOG

put_file etc/initramfs-tools/modules <<'EOG'
# List of modules that you want to include in your initramfs.
# They will be loaded at boot time in the order below.
#
# Syntax:  module_name [args ...]
#
# You must run update-initramfs(8) to effect this change.
#
# Examples:
#
# raid1
# sd_mod
EOG
