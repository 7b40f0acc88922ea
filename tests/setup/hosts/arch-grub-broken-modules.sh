# SPDX-License-Identifier: GPL-2.0-or-later
# arch-grub-broken-modules: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file boot/grub/grub.cfg <<'EOF'
# generated
EOF

put_file etc/default/grub <<'EOF'
# GRUB boot loader configuration

GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR="Arch"
GRUB_CMDLINE_LINUX_DEFAULT="loglevel=3 quiet"
GRUB_CMDLINE_LINUX=""
EOF

put_file etc/mkinitcpio.conf <<'EOF'
# The ')' below is inside the comment: the array never closes.
MODULES=(i915 # early KMS)
BINARIES=()
FILES=()
HOOKS=(base udev autodetect modconf block filesystems keyboard fsck)
EOF

put_file etc/os-release <<'EOF'
NAME="Arch Linux"
ID=arch
EOF
