#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A failed write to stdout is a failure: igpuctl with its output going to
# /dev/full (every write fails with ENOSPC) prints what it prints to
# /dev/null on stderr plus one error line, and exits 1 (a command that fails
# anyway keeps its own status), whether the output is small (written when
# stdout is closed at exit) or larger than stdio's buffer (failing on the
# way).  To /dev/null the commands must not fail, so the error is no false
# alarm.
#
#   tests/input/write-error.sh IGPUCTL
set -uo pipefail

IGPUCTL=$(realpath "${1:?usage: write-error.sh IGPUCTL}")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export LC_ALL=C
unset IGPUCTL_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

[[ -w /dev/full ]] || {
	echo "SKIP: no writable /dev/full"
	exit 77
}
ERR=$(mktemp)
trap 'rm -f "$ERR" "$ERR.null"' EXIT
failures=0 cases=0

fail() {
	echo "FAIL: $*"
	sed 's/^/    /' "$ERR"
	failures=$((failures + 1))
}

# run_case HOST ARGS...: to /dev/null, then to /dev/full.
run_case() {
	local host=$1 label st want
	shift
	label="igpuctl --root $host $*"
	cases=$((cases + 1))
	"$IGPUCTL" --root "$SRCDIR/examples/hosts/$host" "$@" >/dev/null 2>"$ERR.null"
	st=$?
	if ((st >= 128)) || grep -q 'Failed to write' "$ERR.null"; then
		cp "$ERR.null" "$ERR"
		fail "$label >/dev/null: exit $st"
		return
	fi
	want=$((st == 0 ? 1 : st))
	"$IGPUCTL" --root "$SRCDIR/examples/hosts/$host" "$@" >/dev/full 2>"$ERR"
	st=$?
	if ((st != want)); then
		fail "$label >/dev/full: exit $st, not $want"
	# The reason is known when the write at exit failed; a write that
	# failed earlier left only stdout's error flag.
	elif ! head -n -1 "$ERR" | cmp -s - "$ERR.null" ||
		! tail -n 1 "$ERR" | grep -Eqx 'igpuctl: Failed to write the output(: No space left on device)?'; then
		fail "$label >/dev/full: stderr is not what it is to /dev/null and the one error line"
	fi
}

run_case pve8-coffeelake list
run_case pve8-coffeelake -J list
run_case pve8-coffeelake iommu
run_case pve8-coffeelake -J iommu
run_case pve8-coffeelake show 00:02.0
run_case pve8-coffeelake status
run_case pve8-coffeelake --help
run_case pve8-coffeelake --version
run_case pve8-coffeelake vm qemu 00:02.0
# More than stdio's buffer (4 KiB here and glibc's default): the write
# fails before exit, and check keeps its own exit status.
big=$("$IGPUCTL" --root "$SRCDIR/examples/hosts/igpu-nvidia" -J check 2>/dev/null | wc -c)
if ((big <= 8192)); then
	echo "FAIL: igpuctl -J check writes $big bytes, too few to overflow the buffer"
	failures=$((failures + 1))
fi
run_case igpu-nvidia -J check

echo "$cases cases, $failures failures"
((failures == 0))
