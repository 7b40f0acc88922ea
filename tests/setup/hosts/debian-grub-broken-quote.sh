# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-broken-quote: debian-grub-empty with the files below.

based_on debian-grub-empty

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
