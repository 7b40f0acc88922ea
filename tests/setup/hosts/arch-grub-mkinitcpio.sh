# SPDX-License-Identifier: GPL-2.0-or-later
# arch-grub-mkinitcpio: the example host pve8-coffeelake, with its etc/, boot/ and efi/
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
MODULES=()
BINARIES=()
FILES=()
HOOKS=(base udev autodetect modconf block filesystems keyboard fsck)
EOF

put_file etc/os-release <<'EOF'
NAME="Arch Linux"
ID=arch
EOF
