#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The vGPU lifecycle on a real kernel: build tests/kmod (a GVT-g test double
# for QEMU's standard VGA) against the headers of the kernel the QEMU guest
# boots, boot that kernel with the module, igpuctl, jq and Debian's mdevctl
# in the initramfs, and run tests/vgpu/guest-lifecycle.sh inside.
#
# Usage: vm-lifecycle.sh IGPUCTL [RUN-GUEST OPTIONS...]
# Exit status: the guest script's; 77 (skip) when the kernel headers, make,
# QEMU, the kernel or mdevctl are missing.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${SRCDIR:-$(cd "$here/../.." && pwd)}
igpuctl=${1:?usage: vm-lifecycle.sh IGPUCTL [RUN-GUEST OPTIONS...]}
shift

skip() { echo "vm-lifecycle: SKIP: $*" >&2; exit 77; }

# The kernel run-guest.sh boots: the newest in /boot with its modules.
# shellcheck source-path=SCRIPTDIR source=../lib/kver.sh
. "$src/tests/lib/kver.sh"
kver=${KVER:-$(default_kver)}
[ -n "$kver" ] || skip "no kernel with modules in /boot (apt-get install linux-image-amd64)"
kdir=/lib/modules/$kver/build
[ -e "$kdir/Makefile" ] ||
	skip "no headers for the guest kernel $kver in $kdir (apt-get install linux-headers-amd64, matching linux-image-amd64)"
command -v make >/dev/null || skip "make not installed (apt-get install build-essential)"
mdevctl=$(command -v mdevctl || true)
[ -n "$mdevctl" ] || skip "mdevctl not installed (apt-get install mdevctl)"
jq=$(command -v jq || true)
[ -n "$jq" ] || skip "jq not installed (apt-get install jq)"

work=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-vgpu-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "vm-lifecycle: building tests/kmod against $kdir" >&2
make -s -C "$src/tests/kmod" KDIR="$kdir" BUILD_DIR="$work/kmod" >"$work/kmod.log" 2>&1 || {
	cat "$work/kmod.log" >&2
	echo "vm-lifecycle: the test module does not build against $kver" >&2
	exit 1
}

# The udev rule as it is installed, for the guest to emulate (no udevd there).
sed 's|@BINDIR@|/usr/bin|' "$src/data/90-igpuctl-vgpus.rules.in" >"$work/90-igpuctl-vgpus.rules"

# mdevctl refuses to run without its callout directories; the guest script
# makes them.  The module goes where depmod (run by mkinitramfs.sh) indexes
# it, so modprobe resolves its dependencies (mdev, vfio).
rc=0
"$src/tests/vm/run-guest.sh" --kver "$kver" --topology minimal --timeout 600 \
	--igpuctl "$igpuctl" \
	--add "$work/kmod/igpuctl_mdev_test.ko:/lib/modules/$kver/extra/igpuctl_mdev_test.ko" \
	--add "$mdevctl:/usr/bin/mdevctl" \
	--add "$jq:/usr/bin/jq" \
	--add "$work/90-igpuctl-vgpus.rules:/lib/udev/rules.d/90-igpuctl-vgpus.rules" \
	"$@" "$here/guest-lifecycle.sh" || rc=$?
exit "$rc"
