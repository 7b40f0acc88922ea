# SPDX-License-Identifier: GPL-2.0-or-later
# arch-stale-modules: arch-sdboot-mkinitcpio whose MODULES follows an old
# GVT-g guide: vfio-mdev (merged into mdev in Linux 5.14) and vfio_virqfd
# (merged into vfio in 6.2), which the running 6.8 kernel does not have.

based_on arch-sdboot-mkinitcpio
mkinitcpio_conf "i915 vfio-mdev kvmgt vfio_virqfd"
