# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-broken-quote: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file etc/default/grub <<'EOF'
# If you change this file, run 'update-grub' afterwards.
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
# A quote the user forgot to close:
GRUB_CMDLINE_LINUX=""
GRUB_CMDLINE_LINUX_DEFAULT="quiet splash
GRUB_DISABLE_OS_PROBER=true
EOF

put_file etc/modules <<'EOF'
# /etc/modules: kernel modules to load at boot time.
EOF

put_file etc/os-release <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
EOF
