# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by guest scripts (busybox sh inside the QEMU guest) as /test/guest.sh:
# tests/vm/run-guest.sh puts it next to the script.  Every step prints the
# command and what it printed; the first failed expectation ends the script
# with status 1.

step() { echo; echo "=== $*"; }
fail() {
	echo "FAIL: $*"
	echo "--- kernel log (last 20 lines)"
	dmesg | tail -n 20
	exit 1
}
ok() { echo "ok: $*"; }

# run CMD...: run it, show stdout (|) and stderr (!), keep them in $out and
# $err and the status in $rc.
run() {
	echo "\$ $*"
	"$@" >/tmp/out 2>/tmp/err
	rc=$?
	out=$(cat /tmp/out)
	err=$(cat /tmp/err)
	sed 's/^/  | /' /tmp/out
	sed 's/^/  ! /' /tmp/err
	[ "$rc" = 0 ] || echo "  (exit $rc)"
}
expect_rc() { [ "$rc" = "$1" ] || fail "expected exit $1, got $rc"; }
expect_err() { echo "$err" | grep -q -- "$1" || fail "stderr lacks '$1'"; }
expect_out() { echo "$out" | grep -q -- "$1" || fail "stdout lacks '$1'"; }
# jqt FILTER: evaluate a jq boolean on $out
jqt() { echo "$out" | jq -e "$1" >/dev/null || fail "JSON check failed: $1"; }

# drv ADDR: the driver bound to a PCI device, or "none".
drv() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}
# first_with_driver DRIVER: the first PCI address DRIVER is bound to.
first_with_driver() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(drv "${d##*/}")" = "$1" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}
