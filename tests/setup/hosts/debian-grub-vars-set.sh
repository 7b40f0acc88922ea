# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-vars-set: debian-grub-empty with the files below.

based_on debian-grub-empty

put_file etc/default/grub <<'EOF'
# If you change this file, run 'update-grub' afterwards.
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
EXTRA_OPTS="splash "
GRUB_CMDLINE_LINUX_DEFAULT="quiet ${EXTRA_OPTS}"
GRUB_CMDLINE_LINUX="$EXTRA_OPTS"
EOF
