# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by the host side of VM tests that run several guest cases
# (tests/vm/test-check.sh, test-iommu.sh); they set $here (tests/vm),
# $igpuctl and failures=0, and exit 1 when fail() made it non-zero.

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
show() { echo "--- $1"; cat "$1"; echo "---"; }

# guest [RUN-GUEST OPTIONS...] SCRIPT: runs a guest script; 77/99 from the
# harness end the whole test with that status (skip / harness error), any
# other status is the script's and counts as a failure.
# shellcheck disable=SC2154 # here and igpuctl: set by the sourcing script
guest() {
	local rc=0
	"$here/run-guest.sh" --igpuctl "$igpuctl" "$@" || rc=$?
	case "$rc" in
	0) ;;
	77|99) exit "$rc" ;;
	*) fail "guest script exited with $rc" ;;
	esac
}
