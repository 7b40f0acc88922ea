# SPDX-License-Identifier: GPL-2.0-or-later
# arch-sdboot-nooptions: arch-sdboot-mkinitcpio with one Linux entry, which
# has no options line, and no MODULES.

based_on arch-sdboot-mkinitcpio
remove boot/loader/entries/arch-fallback.conf

put_file boot/loader/entries/arch.conf <<'EOF'
title   Arch Linux
linux   /vmlinuz-linux
initrd  /initramfs-linux.img
EOF

mkinitcpio_conf ''
