# SPDX-License-Identifier: GPL-2.0-or-later
# arch-grub-broken-modules: arch-grub-mkinitcpio with the
# mkinitcpio.conf below.

based_on arch-grub-mkinitcpio

put_file etc/mkinitcpio.conf <<'EOF'
# The ')' below is inside the comment: the array never closes.
MODULES=(i915 # early KMS)
BINARIES=()
FILES=()
HOOKS=(base udev autodetect modconf block filesystems keyboard fsck)
EOF
