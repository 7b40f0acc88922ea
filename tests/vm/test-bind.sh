#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real-kernel test of `igpuctl bind` / `unbind`: in a QEMU guest with the
# emulated VT-d, move the e1000e NIC to vfio-pci (driver_override, unbind,
# drivers_probe), check the driver link, the override and that
# /dev/vfio/GROUP appears; persist it in driverctl's format; then unbind
# and check that e1000e has it back, the override is cleared, the group
# node is gone and the driverctl file removed.
#
# Usage: test-bind.sh IGPUCTL
# Exit: 0 pass, 1 fail, 77 skipped (QEMU, kernel or busybox missing),
#       99 the guest did not boot or finish.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
igpuctl=${1:?usage: test-bind.sh IGPUCTL}
[ -x "$igpuctl" ] || { echo "FAIL: $igpuctl is not an executable"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-test-bind.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/bind.sh" <<'EOF'
. /test/guest.sh
# Count failures and go on (guest.sh's fail stops at the first).
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

addr=$(first_with_driver e1000e) || { echo "FAIL: no e1000e device in the guest"; exit 1; }
group=$(basename "$(readlink "/sys/bus/pci/devices/$addr/iommu_group")")
echo "device $addr, group $group, driver $(drv "$addr")"

igpuctl bind "$addr" --dry-run >/tmp/dry 2>&1 || fail "bind --dry-run exited $?"
grep -q "vfio-pci  >  /sys/bus/pci/devices/$addr/driver_override" /tmp/dry || fail "dry run does not show the override: $(cat /tmp/dry)"
[ "$(drv "$addr")" = e1000e ] || fail "--dry-run changed the driver"

igpuctl bind "$addr" --persist >/tmp/bind 2>&1 || { fail "bind exited $?"; cat /tmp/bind; }
cat /tmp/bind
[ "$(drv "$addr")" = vfio-pci ] || fail "driver after bind is $(drv "$addr")"
[ "$(cat "/sys/bus/pci/devices/$addr/driver_override")" = vfio-pci ] || fail "override is $(cat "/sys/bus/pci/devices/$addr/driver_override")"
[ -c "/dev/vfio/$group" ] || fail "/dev/vfio/$group did not appear"
[ "$(cat "/etc/driverctl.d/pci-$addr" 2>/dev/null)" = vfio-pci ] || fail "driverctl file: $(cat "/etc/driverctl.d/pci-$addr" 2>&1)"
[ -f /var/lib/igpuctl/journal.json ] || fail "--persist left no journal entry"

# Binding again is a no-op that still succeeds.
igpuctl bind "$addr" >/dev/null 2>&1 || fail "second bind exited $?"

igpuctl unbind "$addr" >/tmp/unbind 2>&1 || { fail "unbind exited $?"; cat /tmp/unbind; }
cat /tmp/unbind
[ "$(drv "$addr")" = e1000e ] || fail "driver after unbind is $(drv "$addr")"
[ "$(cat "/sys/bus/pci/devices/$addr/driver_override")" = "(null)" ] || fail "override not cleared: $(cat "/sys/bus/pci/devices/$addr/driver_override")"
[ ! -e "/dev/vfio/$group" ] || fail "/dev/vfio/$group still there"
[ ! -e "/etc/driverctl.d/pci-$addr" ] || fail "driverctl file not removed"

# A driver that does not exist: refused, the device keeps its driver.
igpuctl bind "$addr" --driver no-such-driver >/tmp/bad 2>&1 && fail "bind to a missing driver succeeded"
[ "$(drv "$addr")" = e1000e ] || fail "failed bind left the driver at $(drv "$addr")"
[ "$(cat "/sys/bus/pci/devices/$addr/driver_override")" = "(null)" ] || fail "failed bind left an override"

[ $fails -eq 0 ] && echo "bind/unbind: all checks passed"
exit $fails
EOF

rc=0
"$here/run-guest.sh" --igpuctl "$igpuctl" "$work/bind.sh" || rc=$?
case $rc in
0) exit 0 ;;
77 | 99) exit $rc ;;
*) exit 1 ;;
esac
