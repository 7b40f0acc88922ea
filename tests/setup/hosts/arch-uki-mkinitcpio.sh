# SPDX-License-Identifier: GPL-2.0-or-later
# arch-uki-mkinitcpio: Arch booting unified kernel images that mkinitcpio
# builds (the presets' default_uki=) into the ESP at /efi, through
# systemd-boot without loader entries.  The images carry the command line
# of /etc/kernel/cmdline.

based_on arch-sdboot-mkinitcpio
remove boot

put_file efi/loader/loader.conf <<'EOF'
timeout 3
EOF
put_file efi/EFI/Linux/arch-linux.efi 'MZ (a unified kernel image)'
put_file efi/EFI/Linux/arch-linux-fallback.efi 'MZ (a unified kernel image)'
put_file boot/vmlinuz-linux 'kernel'

put_file etc/kernel/cmdline <<'EOF'
root=UUID=4b1c-22 rw quiet
EOF

put_file etc/mkinitcpio.d/linux.preset <<'EOF'
# mkinitcpio preset file for the 'linux' package

#ALL_config="/etc/mkinitcpio.conf"
ALL_kver="/boot/vmlinuz-linux"

PRESETS=('default' 'fallback')

#default_config="/etc/mkinitcpio.conf"
#default_image="/boot/initramfs-linux.img"
default_uki="/efi/EFI/Linux/arch-linux.efi"
default_options="--splash /usr/share/systemd/bootctl/splash-arch.bmp"

#fallback_config="/etc/mkinitcpio.conf"
#fallback_image="/boot/initramfs-linux-fallback.img"
fallback_uki="/efi/EFI/Linux/arch-linux-fallback.efi"
fallback_options="-S autodetect"
EOF
