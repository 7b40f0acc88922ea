# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-broken-backslash: debian-grub-empty with the files below.

based_on debian-grub-empty

put_file etc/default/grub $'# If you change this file, run \'update-grub\' afterwards.\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\nGRUB_DISABLE_OS_PROBER=true \\'
