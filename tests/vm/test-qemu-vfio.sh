#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real-kernel test of `igpuctl vm qemu`: in a QEMU guest with the emulated
# VT-d, bind the e1000e NIC to vfio-pci with `igpuctl bind`, then start
# Debian's QEMU *inside the guest* with exactly the arguments
# `igpuctl vm qemu ADDR [MODE]` prints for every mode it offers for the
# device (--machine q35|pc, --display none, --rombar off, --x-vga where it
# emits it), paused before the guest CPU runs (-S), and check that each
# realized the vfio-pci device: it keeps running, and it holds
# the device's /dev/vfio/GROUP open.  A bad argument, a wrong host= address
# or a device QEMU cannot open makes QEMU exit at once.
#
# Usage: test-qemu-vfio.sh IGPUCTL
# Exit: 0 pass, 1 fail, 77 skipped, 99 the guest did not boot or finish.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
igpuctl=${1:?usage: test-qemu-vfio.sh IGPUCTL}
qemu=/usr/bin/qemu-system-x86_64
bios=$(readlink -f /usr/share/seabios/bios-256k.bin 2>/dev/null || true)
# Debian builds TCG as a loadable QEMU module.
tcg=/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so
[ -x "$qemu" ] && [ -f "$bios" ] && [ -f "$tcg" ] || { echo "SKIP: $qemu, its SeaBIOS image or its TCG module is missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-test-qemu-vfio.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/qemu-vfio.sh" <<'EOF'
. /test/guest.sh
# Count failures and go on (guest.sh's fail stops at the first).
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

addr=$(first_with_driver e1000e) || { echo "FAIL: no e1000e device in the guest"; exit 1; }
group=$(basename "$(readlink "/sys/bus/pci/devices/$addr/iommu_group")")

igpuctl bind "$addr" >/tmp/bind 2>&1 || { cat /tmp/bind; fail "bind exited $?"; exit 1; }
# One start of QEMU per mode igpuctl offers for this device: the default
# (q35), each --machine, no display, no ROM BAR, and --x-vga when igpuctl
# emits x-vga for the NIC at all (QEMU refuses x-vga on a device without
# VGA ranges: hw/vfio/pci.c vfio_populate_vga(), so emitting it is a bug).
try_mode() { # $1 = a name for the mode, the rest igpuctl's options
	name=$1
	shift
	if ! igpuctl vm qemu "$addr" "$@" >/tmp/args 2>/tmp/notes; then
		echo "igpuctl vm qemu $addr $*: refused ($(grep -v '^Note: ' /tmp/notes | head -1)), not a mode for this device"
		return 0
	fi
	echo "igpuctl vm qemu $addr $*:"
	cat /tmp/args
	grep -q "^-device vfio-pci,host=$addr," /tmp/args || { fail "$name: no vfio-pci device for $addr in the arguments"; return 0; }

	# The guest's CPU is wider than its emulated VT-d, so igpuctl limits the
	# address bits with -cpu host,host-phys-bits-limit=N; "host" needs KVM,
	# and under TCG the same properties are tried on "max" (target/i386/cpu.c).
	sed -i -e 's/^-cpu host,/-cpu max,/' -e 's/^-cpu host$/-cpu max/' /tmp/args
	# As documented for scripts: qemu-system-x86_64 ... $(igpuctl vm qemu ADDR)
	# shellcheck disable=SC2046 # word splitting is the documented use
	set -- $(cat /tmp/args)
	qemu-system-x86_64 -nodefaults -display none -serial none -monitor none -m 64 -accel tcg -S "$@" \
		>/tmp/qemu.out 2>&1 &
	pid=$!
	# Up to 60 s for QEMU to come up under two levels of emulation.
	opened=
	i=0
	while [ $i -lt 60 ] && kill -0 $pid 2>/dev/null; do
		for fd in /proc/$pid/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "/dev/vfio/$group" ] && opened=1
		done
		[ -n "$opened" ] && break
		sleep 1
		i=$((i + 1))
	done
	# QEMU opens the group before it realizes the device
	# (hw/vfio/pci.c vfio_realize(): vfio_get_group() first, the checks
	# of x-vga, ROM and quirks after): a refused property exits only then.
	# With -S it then waits; still running 10 s later, it realized it.
	i=0
	while [ -n "$opened" ] && [ $i -lt 10 ] && kill -0 $pid 2>/dev/null; do
		sleep 1
		i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		[ -n "$opened" ] || fail "$name: QEMU runs but does not hold /dev/vfio/$group open"
		kill $pid
		wait $pid 2>/dev/null
	else
		wait $pid
		fail "$name: QEMU exited ($?) with igpuctl's arguments: $(cat /tmp/qemu.out)"
		opened=
	fi
	[ -n "$opened" ] && echo "$name: QEMU opened $addr through /dev/vfio/$group with igpuctl's arguments"
	return 0
}

try_mode default
try_mode q35 --machine q35
try_mode pc --machine pc
try_mode display-none --display none
try_mode rombar-off --rombar off
if igpuctl vm qemu "$addr" --x-vga 2>/dev/null | grep -q 'x-vga=on'; then
	try_mode x-vga --x-vga
else
	echo "igpuctl vm qemu $addr --x-vga: no x-vga for this device"
fi

igpuctl unbind "$addr" >/dev/null 2>&1 || fail "unbind exited $?"
[ "$(drv "$addr")" = e1000e ] || fail "driver after unbind is $(drv "$addr")"
[ $fails -eq 0 ] && echo "vm qemu in a real guest: all checks passed"
exit $fails
EOF

rc=0
"$here/run-guest.sh" --igpuctl "$igpuctl" --add "$qemu" --add "$bios:/usr/share/seabios/bios-256k.bin" --add "$tcg" \
	--timeout 900 "$work/qemu-vfio.sh" || rc=$?
case $rc in
0) exit 0 ;;
77 | 99) exit $rc ;;
*) exit 1 ;;
esac
