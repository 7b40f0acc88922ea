# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-odd: debian-grub-empty with the files below.

based_on debian-grub-empty

put_file etc/default/grub $'# If you change this file, run \'update-grub\' afterwards.\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n#GRUB_CMDLINE_LINUX_DEFAULT="quiet splash intel_iommu=on"\nGRUB_CMDLINE_LINUX_DEFAULT=\'quiet intel_iommu=off mitigations=auto\' # the distribution\'s\nGRUB_CMDLINE_LINUX="console=tty0 \\"x\\""\nGRUB_DISABLE_OS_PROBER=true'

put_file etc/default/grub.d/50-console.cfg <<'EOF'
# serial console
GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT console=ttyS0,115200n8"
EOF

put_file etc/default/grub.d/init-select.cfg.dpkg-old <<'EOF'
GRUB_CMDLINE_LINUX_DEFAULT="not read"
EOF

put_file etc/modules <<'EOF'
# /etc/modules
vfio-pci
EOF
