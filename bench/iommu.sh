#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/iommu.sh: how fast is `igpuctl iommu --all` next to what users run
# today?  Builds a sysfs-shaped tree of 2,000 PCI functions in 500 IOMMU
# groups (tests/fixtures/mkhost.sh), then times on that same tree:
#
#   igpuctl --root T iommu --all
#   the Proxmox guide's "Debug" loop (one `lspci -nns` per device)
#   one `lspci -nn`
#
# lspci reads /sys directly, so both lspci runs happen in a private mount
# namespace (unshare -m) where T/sys is bind-mounted over /sys; the tree
# carries 64-byte `config` files for lspci's sysfs backend.  Needs root
# (for the mount namespace), lspci (pciutils) and GNU time.  Not part of
# the test suite.
#
#   bench/iommu.sh [IGPUCTL]      default: build/igpuctl, else igpuctl in PATH
#   ENV: BENCH_FUNCS=2000 BENCH_GROUPS=500 BENCH_RUNS=20 BENCH_KEEP=1
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
funcs=${BENCH_FUNCS:-2000}
ngroups=${BENCH_GROUPS:-500}
runs=${BENCH_RUNS:-20}
igpuctl=${1:-}
if [[ -z $igpuctl ]]; then
	for c in "$src/build/igpuctl" "$(command -v igpuctl || true)"; do
		[[ -n $c && -x $c ]] && { igpuctl=$c; break; }
	done
fi
[[ -n $igpuctl && -x $igpuctl ]] || { echo "bench: no igpuctl binary (give its path)" >&2; exit 1; }
igpuctl=$(realpath "$igpuctl")
[[ $(id -u) -eq 0 ]] || { echo "bench: needs root for the mount namespace" >&2; exit 1; }
command -v lspci >/dev/null || { echo "bench: lspci missing (apt-get install pciutils)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench: GNU time missing (apt-get install time)" >&2; exit 1; }
((funcs % ngroups == 0)) || { echo "bench: BENCH_FUNCS must be a multiple of BENCH_GROUPS" >&2; exit 1; }
per=$((funcs / ngroups))
((per <= 8)) || { echo "bench: at most 8 functions per group (one multi-function slot each)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/igpuctl-bench.XXXXXX)
[[ -n ${BENCH_KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
T=$tmp/root

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# ------------------------------------------------------------ the tree
#
# Each group is one multi-function slot (functions without ACS share a
# group); 32 slots per root bus, as many root buses (pci0000:BB) as needed,
# like a large server.  Real multi-port NICs and controllers, with drivers,
# so lspci and igpuctl have names to look up.

. "$src/tests/fixtures/mkhost.sh"
t0=$(now)
MK_CONFIG=1 host_begin "$T"
iommu dmar0 dmar1 dmar2 dmar3
kernel 6.8.12-4-pve
types=("8086 1521 020000 8086:0001 igb" "14e4 1657 020000 14e4:1657 tg3"
	"8086 1572 020000 8086:0000 i40e" "15b3 1015 020000 15b3:0003 mlx5_core")
for ((g = 0; g < ngroups; g++)); do
	bus=$((g / 32)) slot=$((g % 32))
	read -r v d c s drv <<<"${types[g % ${#types[@]}]}"
	for ((f = 0; f < per; f++)); do
		printf -v addr '0000:%02x:%02x.%d' "$bus" "$slot" "$f"
		pci_dev "$addr" --vendor "$v" --device "$d" --class "$c" --subsys "$s" \
			--rev 01 --driver "$drv" --group "$g"
	done
done
host_end
t1=$(now)
n_dev=$(find "$T/sys/bus/pci/devices" -mindepth 1 -maxdepth 1 | wc -l)
n_grp=$(find "$T/sys/kernel/iommu_groups" -mindepth 1 -maxdepth 1 | wc -l)
echo "tree: $n_dev PCI functions in $n_grp IOMMU groups, generated in $(ms "$t0" "$t1") ms"

# -------------------------------------------------------------- igpuctl

"$igpuctl" --root "$T" iommu --all >"$tmp/igpuctl.out"
lines_igpuctl=$(grep -c '^	' "$tmp/igpuctl.out" || true)
t0=$(now)
for ((i = 0; i < runs; i++)); do
	"$igpuctl" --root "$T" iommu --all >/dev/null
done
t1=$(now)
t_igpuctl=$(awk -v a="$t0" -v b="$t1" -v n="$runs" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }')
rss=$(/usr/bin/time -f %M "$igpuctl" --root "$T" iommu --all 2>&1 >/dev/null | tail -n1)

# ---------------------------------------------- lspci, with T/sys as /sys

# The guide's loop, verbatim (Proxmox guide, "Debug").
cat >"$tmp/guide-loop.sh" <<'LOOP'
#!/bin/bash
shopt -s nullglob
for g in $(find /sys/kernel/iommu_groups/* -maxdepth 0 -type d | sort -V); do
    echo "IOMMU Group ${g##*/}:"
    for d in $g/devices/*; do
        echo -e "\t$(lspci -nns ${d##*/})"
    done;
done;
LOOP
cat >"$tmp/in-ns.sh" <<'NS'
#!/bin/bash
# Runs inside the private mount namespace: T/sys over /sys, then time.
set -eu
T=$1 tmp=$2 runs=$3
mount --bind "$T/sys" /sys
now() { date +%s%N; }
lspci -nn >"$tmp/lspci.out"
t0=$(now)
for ((i = 0; i < runs; i++)); do lspci -nn >/dev/null; done
t1=$(now)
echo "lspci $(( (t1 - t0) / runs ))" >"$tmp/ns-times"
t0=$(now)
bash "$tmp/guide-loop.sh" >"$tmp/loop.out"
t1=$(now)
echo "loop $((t1 - t0))" >>"$tmp/ns-times"
NS
echo "running the guide's loop ($n_dev lspci calls; this takes a while)..."
unshare -m --propagation private bash "$tmp/in-ns.sh" "$T" "$tmp" "$runs"
t_lspci=$(awk '$1 == "lspci" { printf "%.3f", $2 / 1000000 }' "$tmp/ns-times")
t_loop=$(awk '$1 == "loop" { printf "%.1f", $2 / 1000000 }' "$tmp/ns-times")
lines_lspci=$(wc -l <"$tmp/lspci.out")
lines_loop=$(grep -c '^	' "$tmp/loop.out" || true)
lspci_named=$(grep -c 'I350\|BCM5719\|X710\|MT27710' "$tmp/lspci.out" || true)

# Each tool must have seen every device, or the timing means nothing.
for pair in "igpuctl:$lines_igpuctl" "lspci -nn:$lines_lspci" "guide loop:$lines_loop"; do
	if [[ ${pair##*:} -ne $n_dev ]]; then
		echo "bench: ${pair%:*} listed ${pair##*:} devices, expected $n_dev" >&2
		exit 1
	fi
done
((lspci_named == n_dev)) || echo "bench: warning: lspci named only $lspci_named of $n_dev devices" >&2

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
echo
printf '%-44s %12s\n' "command (same tree, $n_dev functions)" "wall time"
printf '%-44s %9s ms\n' "igpuctl --root T iommu --all (mean of $runs)" "$t_igpuctl"
printf '%-44s %9s ms\n' "lspci -nn (mean of $runs)" "$t_lspci"
printf '%-44s %9s ms\n' "guide loop: lspci -nns per device" "$t_loop"
echo
echo "igpuctl is $(ratio "$t_loop" "$t_igpuctl")x faster than the loop (target: >= 100x)"
echo "igpuctl is $(ratio "$t_lspci" "$t_igpuctl")x faster than one lspci -nn (target: > 1x)"
echo "igpuctl peak RSS: $rss KiB (target: < 8192 KiB)"

ok=1
awk -v l="$t_loop" -v i="$t_igpuctl" 'BEGIN { exit !(l >= 100 * i) }' || ok=0
awk -v l="$t_lspci" -v i="$t_igpuctl" 'BEGIN { exit !(l > i) }' || ok=0
((rss < 8192)) || ok=0
((ok)) && echo "all targets met" || echo "some targets missed"
