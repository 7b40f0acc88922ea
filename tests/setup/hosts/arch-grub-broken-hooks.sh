# SPDX-License-Identifier: GPL-2.0-or-later
# arch-grub-broken-hooks: arch-grub-mkinitcpio with the
# mkinitcpio.conf below.

based_on arch-grub-mkinitcpio

put_file etc/mkinitcpio.conf <<'EOF'
MODULES=()
BINARIES=()
FILES=()
HOOKS=(base udev autodetect modconf block
       filesystems keyboard fsck
EOF
