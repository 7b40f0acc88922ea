#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/qemu-probe.sh: what asking QEMU costs `igpuctl vm qemu`.  The VM
# renderers ask the binary that runs the VM for its version, the properties
# of vfio-pci and vfio-pci-nohotplug and its machine types (four runs of
# QEMU), and keep the answer in a cache keyed by the binary's path, size
# and mtime.  Times on this machine, for a PCI device of its own:
#
#   cold:   igpuctl vm qemu DEVICE, the cache removed before each run
#   warm:   igpuctl vm qemu DEVICE, the cache in place
#   status: igpuctl status (the target: a warm vm qemu costs no more)
#   qemu:   the four QEMU runs alone, as a shell script would make them
#
# Needs a real host with QEMU installed (qemu-system-x86_64 on PATH, or
# QEMU=PATH); not part of the test suite.
#
#   bench/qemu-probe.sh [IGPUCTL [DEVICE]]   default: build/igpuctl, the first
#                                            PCI function lspci lists that vm qemu takes
#   ENV: BENCH_RUNS=20 QEMU=/usr/bin/qemu-system-x86_64
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
runs=${BENCH_RUNS:-20}
igpuctl=${1:-$src/build/igpuctl}
qemu=${QEMU:-$(command -v qemu-system-x86_64 || true)}
[[ -x $igpuctl ]] || { echo "bench: no igpuctl at $igpuctl (make, or give its path)" >&2; exit 1; }
[[ -n $qemu && -x $qemu ]] || { echo "bench: no QEMU (apt-get install qemu-system-x86, or QEMU=PATH)" >&2; exit 1; }

cache=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-bench-cache.XXXXXX")
trap 'rm -rf "$cache"' EXIT
export IGPUCTL_CACHE_DIR=$cache

dev=${2:-}
if [[ -z $dev ]]; then
	for d in /sys/bus/pci/devices/*; do
		a=$(basename "$d")
		if "$igpuctl" vm qemu "$a" --qemu "$qemu" >/dev/null 2>&1; then
			dev=$a
			break
		fi
	done
fi
[[ -n $dev ]] || { echo "bench: no PCI function here that vm qemu takes" >&2; exit 1; }

# time_runs CMD...: the mean wall time of $runs runs in milliseconds.
time_runs() {
	local start end
	start=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do
		"$@" >/dev/null 2>&1 || true
	done
	end=$(date +%s%N)
	echo $(((end - start) / runs / 1000000))
}
cold_run() {
	rm -f "$cache"/*.probe
	"$igpuctl" vm qemu "$dev" --qemu "$qemu"
}
qemu_alone() {
	"$qemu" --version && "$qemu" -device vfio-pci,help && "$qemu" -device vfio-pci-nohotplug,help &&
		"$qemu" -machine help
}

cold=$(time_runs cold_run)
"$igpuctl" vm qemu "$dev" --qemu "$qemu" >/dev/null 2>&1
warm=$(time_runs "$igpuctl" vm qemu "$dev" --qemu "$qemu")
status=$(time_runs "$igpuctl" status)
alone=$(time_runs qemu_alone)

echo "igpuctl vm qemu $dev --qemu $qemu ($("$qemu" --version | head -1)), $runs runs each:"
printf '  %-28s %6s ms\n' "cold (no cache)" "$cold" "warm (cached probe)" "$warm" "igpuctl status" "$status" \
	"the four QEMU runs alone" "$alone"
awk -v c="$cold" -v w="$warm" -v s="$status" 'BEGIN {
	if (w < 1) w = 1; if (s < 1) s = 1;
	printf "  cold/warm %.1fx, warm/status %.2fx\n", c / w, w / s }'
