# SPDX-License-Identifier: GPL-2.0-or-later
# The vgpu suite's i915-sriov-dkms host (tests/vgpu/hosts/sriov-sysfsutils.sh:
# per-VF scheduling attributes under drm/card0/prelim_iov/) with VF 1's
# execution quantum set at boot, as `igpuctl vfs 00:02.0 --set 1
# exec_quantum_ms=20` leaves it: for vfs --sched.
. tests/vgpu/hosts/sriov-sysfsutils.sh
put_file etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf '# Written by igpuctl (igpuctl vfs --set): SR-IOV settings of 0000:00:02.0 at boot.
devices/pci0000:00/0000:00:02.0/drm/card0/prelim_iov/vf1/gt0/exec_quantum_ms = 20
'
put_file sys/devices/pci0000:00/0000:00:02.0/drm/card0/prelim_iov/vf1/gt0/exec_quantum_ms '20
'
