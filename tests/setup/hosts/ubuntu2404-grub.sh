# SPDX-License-Identifier: GPL-2.0-or-later
# ubuntu2404-grub: the example host pve8-coffeelake as Ubuntu 24.04 (GRUB,
# initramfs-tools), with its etc/ and boot/ replaced by the files below.
# /etc/modules has the header kmod 30+20230601 writes (Debian's
# kmod.postinst; Ubuntu 24.04, Debian 13): it calls itself obsolete.  The
# admin put intel_iommu=on into GRUB_CMDLINE_LINUX.

from_host pve8-coffeelake
remove etc boot efi

put_file etc/default/grub <<'EOG'
# If you change this file or any /etc/default/grub.d/*.cfg file,
# run 'update-grub' afterwards to update /boot/grub/grub.cfg.
# For full documentation of the options in these files, see:
#   info -f grub -n 'Simple configuration'

GRUB_DEFAULT=0
GRUB_TIMEOUT_STYLE=hidden
GRUB_TIMEOUT=0
GRUB_DISTRIBUTOR=`( . /etc/os-release; echo ${NAME:-Ubuntu} ) 2>/dev/null || echo Ubuntu`
GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"
GRUB_CMDLINE_LINUX="intel_iommu=on"
EOG

put_file etc/modules <<'EOG'
# /etc/modules is obsolete and has been replaced by /etc/modules-load.d/.
# Please see modules-load.d(5) and modprobe.d(5) for details.
#
# Updating this file still works, but it is undocumented and unsupported.
EOG
put_link etc/modules-load.d/modules.conf ../modules

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

put_file etc/os-release <<'EOG'
PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
EOG

kernel 6.8.0-45-generic
cmdline 'BOOT_IMAGE=/boot/vmlinuz-6.8.0-45-generic root=UUID=0f3c9a6e-61b2-4e0c-9d3a-2f5c1b7e8a90 ro quiet splash'
installed_kernel 6.8.0-45-generic
