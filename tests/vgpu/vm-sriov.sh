#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# igpuctl vfs on a real kernel: an SR-IOV capable NVMe controller emulated by
# QEMU (NVMe SR-IOV exists since QEMU 7.0; no GPU or NIC with SR-IOV does in
# Debian 12's QEMU 7.2) behind a PCIe root port, 3 VFs possible, driven by
# Linux's nvme driver.  Runs tests/vgpu/guest-sriov.sh in the guest.
#
# Usage: vm-sriov.sh IGPUCTL [RUN-GUEST OPTIONS...]

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${SRCDIR:-$(cd "$here/../.." && pwd)}
igpuctl=${1:?usage: vm-sriov.sh IGPUCTL [RUN-GUEST OPTIONS...]}
shift
jq=$(command -v jq || true)
[ -n "$jq" ] || { echo "vm-sriov: SKIP: jq not installed (apt-get install jq)" >&2; exit 77; }

# sriov_vq_flexible >= 2 per VF, sriov_vi_flexible >= 1 per VF, and the PF
# keeps queues and vectors of its own (QEMU's nvme_check_constraints).
nvme="nvme,serial=igpuctl-sriov,subsys=subsys0,bus=rp1"
nvme+=",sriov_max_vfs=3,sriov_vq_flexible=6,sriov_vi_flexible=3,max_ioqpairs=8,msix_qsize=8"

exec "$src/tests/vm/run-guest.sh" --topology none --timeout 400 --igpuctl "$igpuctl" \
	--module nvme \
	--add "$jq:/usr/bin/jq" \
	--qemu-arg -device --qemu-arg pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=1c.0 \
	--qemu-arg -device --qemu-arg nvme-subsys,id=subsys0 \
	--qemu-arg -device --qemu-arg "$nvme" \
	"$@" "$here/guest-sriov.sh"
