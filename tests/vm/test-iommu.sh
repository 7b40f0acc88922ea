#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real-kernel test of `igpuctl iommu --all`: boot Debian's kernel under QEMU
# with the emulated VT-d and the default topology (shared and single IOMMU
# groups), and compare what igpuctl reports with /sys/kernel/iommu_groups as
# read by the guest's shell; then boot without an IOMMU and check that
# igpuctl explains that instead of failing.
#
# Usage: test-iommu.sh IGPUCTL [iommu|no-iommu]...   (default: both cases)
# Exit: 0 pass, 1 fail, 77 skipped (QEMU, kernel, busybox or jq missing),
#       99 the guest did not boot or finish.

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
igpuctl=${1:?usage: test-iommu.sh IGPUCTL [iommu|no-iommu]...}
shift
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(iommu no-iommu)

command -v jq >/dev/null || { echo "SKIP: jq not installed (tools/install-deps)"; exit 77; }
[ -x "$igpuctl" ] || { echo "FAIL: $igpuctl is not an executable"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-test-iommu.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# fail, show, guest
# shellcheck source-path=SCRIPTDIR source=../lib/vm-cases.sh
. "$here/../lib/vm-cases.sh"

# --- case 1: emulated VT-d, shared and single groups -------------------------
case_iommu() {
	local out=$work/iommu
	cat >"$work/iommu.sh" <<'EOF'
# igpuctl's view, JSON and table.
igpuctl -J iommu --all >/out/igpuctl.json 2>/out/igpuctl.json.err
echo $? >/out/igpuctl.json.rc
igpuctl iommu --all >/out/igpuctl.txt 2>&1
echo $? >/out/igpuctl.txt.rc
# The shell's view: one line per device, "group address vendor device class
# driver", straight from sysfs.
for d in /sys/kernel/iommu_groups/*/devices/*; do
	[ -e "$d" ] || continue
	g=${d#/sys/kernel/iommu_groups/}
	g=${g%%/*}
	drv=-
	[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	echo "$g ${d##*/} $(cat "$d/vendor") $(cat "$d/device") $(cat "$d/class") $drv"
done >/out/sysfs.txt
EOF
	guest --out "$out" "$work/iommu.sh"

	for f in igpuctl.json igpuctl.json.rc igpuctl.txt igpuctl.txt.rc sysfs.txt; do
		[ -e "$out/$f" ] || { fail "iommu: the guest produced no $f"; return; }
	done
	if [ "$(cat "$out/igpuctl.json.rc")" != 0 ]; then
		fail "iommu: 'igpuctl -J iommu --all' exited $(cat "$out/igpuctl.json.rc")"
		show "$out/igpuctl.json.err"
		return
	fi
	if [ -s "$out/igpuctl.json.err" ]; then
		fail "iommu: 'igpuctl -J iommu --all' wrote to stderr"
		show "$out/igpuctl.json.err"
	fi
	if ! jq -e . "$out/igpuctl.json" >/dev/null; then
		fail "iommu: igpuctl's output is not JSON"
		show "$out/igpuctl.json"
		return
	fi

	# The contract's shape (docs cli.md): lowercase 4-digit ids, 6-digit
	# class, full DDDD:BB:DD.F address, driver a string or null.
	local bad
	bad=$(jq -c '
		if (.groups | type) != "array" then "groups is not an array"
		else .groups[] | select((.group | type) != "number" or (.devices | type) != "array"
			or (.devices | length) == 0
			or any(.devices[];
				(.address | type != "string" or (test("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$") | not))
				or (.vendor | type != "string" or (test("^[0-9a-f]{4}$") | not))
				or (.device | type != "string" or (test("^[0-9a-f]{4}$") | not))
				or (.class | type != "string" or (test("^[0-9a-f]{6}$") | not))
				or (.driver | type != "null" and type != "string")))
		end' "$out/igpuctl.json")
	[ -z "$bad" ] || fail "iommu: entries that break the JSON contract: $bad"
	[ "$(jq '.iommu_active' "$out/igpuctl.json")" = true ] ||
		fail "iommu: iommu_active is not true with the emulated VT-d"

	# Same (group, device) pairs and attributes as sysfs, each exactly once.
	jq -r '.groups[] | .group as $g | .devices[] |
		"\($g) \(.address) \(.vendor) \(.device) \(.class) \(.driver // "-")"' \
		"$out/igpuctl.json" | LC_ALL=C sort >"$work/from-igpuctl"
	sed -E 's/ 0x([0-9a-fA-F]{4}) 0x([0-9a-fA-F]{4}) 0x([0-9a-fA-F]{6}) / \1 \2 \3 /' \
		"$out/sysfs.txt" | tr 'A-F' 'a-f' | LC_ALL=C sort >"$work/from-sysfs"
	if [ ! -s "$work/from-sysfs" ]; then
		fail "iommu: the guest has no IOMMU groups at all (is the emulated VT-d on?)"
	elif ! diff -u "$work/from-sysfs" "$work/from-igpuctl" >"$work/diff"; then
		fail "iommu: igpuctl disagrees with /sys/kernel/iommu_groups (- sysfs, + igpuctl)"
		cat "$work/diff"
	fi
	local ngroups_sysfs ngroups_json
	ngroups_sysfs=$(cut -d' ' -f1 "$out/sysfs.txt" | sort -u | wc -l)
	ngroups_json=$(jq '[.groups[].group] | length' "$out/igpuctl.json")
	[ "$ngroups_sysfs" = "$ngroups_json" ] ||
		fail "iommu: $ngroups_json groups in the JSON, $ngroups_sysfs in sysfs (a group listed twice?)"

	# The topology really covers both cases: a group that holds two or more
	# endpoints (bridges, class 0600/0604, do not count) and a group of one.
	awk '$5 !~ /^0x060[04]/ { n[$1]++ } END { for (g in n) if (n[g] >= 2) found = 1; exit !found }' \
		"$out/sysfs.txt" || fail "iommu: no IOMMU group with two or more endpoints in the guest"
	awk '{ n[$1]++ } END { for (g in n) if (n[g] == 1) found = 1; exit !found }' \
		"$out/sysfs.txt" || fail "iommu: no IOMMU group with a single device in the guest"
	# Later tests rely on the iGPU stand-in: QEMU's std VGA alone at 00:02.0.
	jq -e '.groups[] | select(any(.devices[]; .address == "0000:00:02.0"))
		| .devices == [.devices[0]] and .devices[0].vendor == "1234"
		  and .devices[0].device == "1111" and .devices[0].class == "030000"' \
		"$out/igpuctl.json" >/dev/null ||
		fail "iommu: 0000:00:02.0 is not the std VGA (1234:1111) alone in its group"

	# The table names every device once, under its group.
	if [ "$(cat "$out/igpuctl.txt.rc")" != 0 ]; then
		fail "iommu: 'igpuctl iommu --all' exited $(cat "$out/igpuctl.txt.rc")"
		show "$out/igpuctl.txt"
	else
		local g a rest
		while read -r g a rest; do
			[ "$(grep -c -- "$a" "$out/igpuctl.txt")" = 1 ] ||
				fail "iommu: the table does not list $a exactly once"
			awk -v g="$g" -v a="$a" '
				/^IOMMU [Gg]roup / { cur = $3; sub(/:.*/, "", cur) }
				index($0, a) { exit !(cur == g) }' "$out/igpuctl.txt" ||
				fail "iommu: the table does not list $a under group $g"
		done <"$out/sysfs.txt"
	fi
	[ "$failures" = 0 ] && echo "ok: iommu: $ngroups_json groups, $(wc -l <"$out/sysfs.txt") devices match sysfs"
}

# --- case 2: no IOMMU at all -------------------------------------------------
case_no_iommu() {
	local out=$work/no-iommu before=$failures
	cat >"$work/no-iommu.sh" <<'EOF'
igpuctl -J iommu --all >/out/igpuctl.json 2>/out/igpuctl.json.err
echo $? >/out/igpuctl.json.rc
igpuctl iommu --all >/out/igpuctl.txt 2>&1
echo $? >/out/igpuctl.txt.rc
ls -A /sys/kernel/iommu_groups | wc -l >/out/sysfs-groups
ls -A /sys/class/iommu | wc -l >/out/sysfs-iommus
EOF
	# TCG on purpose: where KVM works, the other case uses it, so both
	# accelerators stay tested.
	guest --no-iommu --topology minimal --accel tcg --out "$out" "$work/no-iommu.sh"

	for f in igpuctl.json igpuctl.json.rc igpuctl.txt igpuctl.txt.rc sysfs-groups sysfs-iommus; do
		[ -e "$out/$f" ] || { fail "no-iommu: the guest produced no $f"; return; }
	done
	[ "$(cat "$out/sysfs-groups")" = 0 ] && [ "$(cat "$out/sysfs-iommus")" = 0 ] ||
		fail "no-iommu: the guest has an IOMMU after all (harness problem)"
	if [ "$(cat "$out/igpuctl.json.rc")" != 0 ]; then
		fail "no-iommu: 'igpuctl -J iommu --all' exited $(cat "$out/igpuctl.json.rc")"
		show "$out/igpuctl.json.err"
	else
		jq -e '.groups == []' "$out/igpuctl.json" >/dev/null ||
			{ fail "no-iommu: groups is not []"; show "$out/igpuctl.json"; }
		jq -e '.iommu_active == false' "$out/igpuctl.json" >/dev/null ||
			{ fail "no-iommu: iommu_active is not false"; show "$out/igpuctl.json"; }
	fi
	if [ "$(cat "$out/igpuctl.txt.rc")" != 0 ]; then
		fail "no-iommu: 'igpuctl iommu --all' exited $(cat "$out/igpuctl.txt.rc")"
		show "$out/igpuctl.txt"
	else
		# The table case explains the state instead of printing nothing.
		grep -qi 'no IOMMU' "$out/igpuctl.txt" ||
			{ fail "no-iommu: the text output does not say that no IOMMU is active"; show "$out/igpuctl.txt"; }
	fi
	[ "$failures" = "$before" ] && echo "ok: no-iommu: igpuctl reports no IOMMU, no groups"
}

for c in "${cases[@]}"; do
	case "$c" in
	iommu) case_iommu ;;
	no-iommu) case_no_iommu ;;
	*) echo "unknown case $c"; exit 2 ;;
	esac
done

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
exit 0
