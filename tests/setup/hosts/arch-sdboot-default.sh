# SPDX-License-Identifier: GPL-2.0-or-later
# arch-sdboot-default: Arch with systemd-boot, two kernels and their
# fallback entries.  The fallback entry is first by name, linux-zen is
# first in systemd-boot's order (ids compare newest version first), and
# loader.conf's `default` names the LTS kernel: the next boot starts
# arch-lts.conf.

based_on arch-sdboot-mkinitcpio
remove boot

put_file boot/loader/entries/arch-fallback.conf <<'EOF'
title   Arch Linux (fallback initramfs)
linux   /vmlinuz-linux
initrd  /initramfs-linux-fallback.img
options root=UUID=4b1c-22 rw
EOF

put_file boot/loader/entries/arch-lts.conf <<'EOF'
title   Arch Linux LTS
linux   /vmlinuz-linux-lts
initrd  /initramfs-linux-lts.img
options root=UUID=4b1c-22 rw quiet
EOF

put_file boot/loader/entries/linux-zen.conf <<'EOF'
title   Arch Linux (zen)
linux   /vmlinuz-linux-zen
initrd  /initramfs-linux-zen.img
options root=UUID=4b1c-22 rw quiet loglevel=3
EOF

put_file boot/loader/loader.conf <<'EOF'
# The LTS kernel boots unless chosen otherwise.
default  arch-lts*
timeout 4
EOF
