# SPDX-License-Identifier: GPL-2.0-or-later
# debian-grub-dashes: debian-grub-empty with the files below.

based_on debian-grub-empty

put_file etc/modules <<'EOF'
# /etc/modules: kernel modules to load at boot time.
vfio-pci
vfio-iommu-type1
EOF
