# SPDX-License-Identifier: GPL-2.0-or-later
# arch-sdboot-mkinitcpio: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file boot/loader/entries/arch-fallback.conf <<'EOF'
title   Arch Linux (fallback initramfs)
linux   /vmlinuz-linux
initrd  /initramfs-linux-fallback.img
options root=UUID=4b1c-22 rw
EOF

put_file boot/loader/entries/arch.conf <<'EOF'
title   Arch Linux
linux   /vmlinuz-linux
initrd  /initramfs-linux.img
options root=UUID=4b1c-22 rw quiet
EOF

put_file boot/loader/entries/memtest.conf <<'EOF'
title Memtest86+
efi /memtest86+/memtest.efi
EOF

put_file boot/loader/loader.conf <<'EOF'
default arch.conf
timeout 4
EOF

# mkinitcpio_conf MODULES: Arch's /etc/mkinitcpio.conf with MODULES=(MODULES).
mkinitcpio_conf() {
	put_file etc/mkinitcpio.conf <<EOF
# vim:set ft=sh
# MODULES
# The following modules are loaded before any boot hooks are
# run.  Advanced users may wish to specify all system modules
# in this array.  For instance:
#     MODULES=(usbhid xhci_hcd)
MODULES=($1)

BINARIES=()
FILES=()
HOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck)
EOF
}
mkinitcpio_conf i915

put_file etc/os-release <<'EOF'
NAME="Arch Linux"
ID=arch
BUILD_ID=rolling
EOF
