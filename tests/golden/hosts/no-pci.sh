# SPDX-License-Identifier: GPL-2.0-or-later
# no-pci: a root whose sysfs has the PCI bus and no device on it, and
# nothing else (no /proc, no IOMMU, no /etc).
bare
put_dir sys/bus/pci/devices
