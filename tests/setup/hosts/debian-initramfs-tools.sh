# SPDX-License-Identifier: GPL-2.0-or-later
# debian-initramfs-tools: the example host pve8-coffeelake with the
# /etc/initramfs-tools that Debian 12's initramfs-tools-core installs
# (MODULES=most, an empty modules list), so that the real mkinitramfs can
# build an image from it (tests/boot/initramfs-tools.sh).

from_host pve8-coffeelake

put_file etc/initramfs-tools/initramfs.conf <<'EOT'
#
# initramfs.conf
# Configuration file for mkinitramfs(8). See initramfs.conf(5).
#
# Note that configuration options from this file can be overridden
# by config files in the /etc/initramfs-tools/conf.d directory.

MODULES=most
BUSYBOX=auto
KEYMAP=n
COMPRESS=zstd
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=auto
EOT

put_file etc/initramfs-tools/modules <<'EOT'
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
EOT

put_file etc/initramfs-tools/update-initramfs.conf <<'EOT'
#
# Configuration file for update-initramfs(8)
#
update_initramfs=yes
backup_initramfs=no
EOT

put_dir etc/initramfs-tools/conf.d
put_dir etc/initramfs-tools/hooks
for d in init-bottom init-premount init-top local-bottom local-premount local-top \
	nfs-bottom nfs-premount nfs-top panic; do
	put_dir "etc/initramfs-tools/scripts/$d"
done
