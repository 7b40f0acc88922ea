# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-empty: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file etc/default/grub <<'EOF'
# If you change this file, run 'update-grub' afterwards.
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX=""
EOF

put_file etc/modules <<'EOF'
# /etc/modules: kernel modules to load at boot time.
EOF

os_release debian12
