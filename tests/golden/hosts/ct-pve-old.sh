# SPDX-License-Identifier: GPL-2.0-or-later
# ct-pve-old: ct-pve with pve-container 5.0.5 (before devN) on a host
# booted with the legacy cgroup v1 hierarchy (no cgroup.controllers): CTs
# get the lxc.cgroup.devices.allow + lxc.mount.entry pair.
based_on ct-pve
dpkg_packages pve-container=5.0.5 qemu-server=8.0.10 pve-manager=8.0.4
remove sys/fs/cgroup/cgroup.controllers
