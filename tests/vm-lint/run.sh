#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/vm-lint/run.sh IGPUCTL [--update]
#
# Golden tests of `igpuctl vm lint proxmox|libvirt|qemu` on fixture hosts
# (examples/hosts and tests/vm-config/hosts): every case in
# tests/vm-lint/cases runs the real binary, and its stdout, stderr and exit
# status are compared with expected/NAME.out (tests/lib/golden.sh; --update
# rewrites them after an intended change).  Every host gets the Proxmox VE
# VMs of tests/vm-config/pve and of pve/ here, the container lxc/300.conf,
# the mapping pci.cfg (this node is pve1) and the libvirt domains of
# libvirt/; files/ holds domain files named on the command line.
#
# On top of the bytes, each case runs again with -J, and every rule id of
# `vm lint --list` must pass in some case and fail (or warn) in another.
set -euo pipefail

IGPUCTL=$(realpath "$1")
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRC/tests/vm-lint
T=$(mktemp -d)
export LC_ALL=C
unset IGPUCTL_ROOT
# shellcheck source=../lib/golden.sh
. "$SRC/tests/lib/golden.sh"
trap 'rm -rf "$T"; golden_cleanup' EXIT
golden_init "$HERE/expected" "${@:2}"
golden_mask "s|$T|@T@|g"
golden_mask "s|$SRC|@SRC@|g"

fail=0
pass=0
bad() {
	printf 'FAIL %s: %s\n' "$CASE" "$*" >&2
	fail=$((fail + 1))
	CASE_OK=0
}

# ---- fixture hosts ----
mkdir -p "$T/base"
for h in pve8-coffeelake igpu-nvidia pve8-n100-zfs; do
	cp -a "$SRC/examples/hosts/$h" "$T/base/$h"
done
(
	# shellcheck source=../fixtures/mkhost.sh
	. "$SRC/tests/fixtures/mkhost.sh"
	for d in "$SRC"/tests/vm-config/hosts/gvtg.sh "$SRC"/tests/vm-config/hosts/sriov.sh; do
		n=${d##*/}
		host_build "$d" "$T/base/${n%.sh}"
	done
)
for h in "$T"/base/*; do
	mkdir -p "$h/etc/pve/qemu-server" "$h/etc/pve/lxc" "$h/etc/pve/mapping" "$h/etc/pve/nodes/pve1" \
		"$h/etc/libvirt/qemu"
	rm -f "$h"/etc/pve/qemu-server/*.conf
	cp "$SRC"/tests/vm-config/pve/*.conf "$HERE"/pve/*.conf "$h/etc/pve/qemu-server/"
	cp "$HERE"/lxc/*.conf "$h/etc/pve/lxc/"
	cp "$HERE/pci.cfg" "$h/etc/pve/mapping/pci.cfg"
	cp "$HERE"/libvirt/*.xml "$h/etc/libvirt/qemu/"
	ln -sfn nodes/pve1 "$h/etc/pve/local"
done
# The domain fixtures are domains libvirt accepts.
if command -v virt-xml-validate >/dev/null; then
	for x in "$HERE"/libvirt/*.xml "$HERE"/files/*.xml; do
		virt-xml-validate "$x" >/dev/null 2>&1 || {
			CASE=${x##*/}
			bad "virt-xml-validate refuses the fixture"
		}
	done
fi

declare -A seen_pass seen_bad
run_case() { # NAME HOST ARGS
	local args
	CASE=$1
	CASE_OK=1
	eval "args=(${3//@SRC@/$SRC})"
	golden_begin "$CASE"
	GOLDEN_LABEL="igpuctl ${3}" golden_run "$IGPUCTL" --root "$T/base/$2" "${args[@]}"
	golden_end || bad "output differs from expected/$CASE.out"
	# The same run as JSON: which rule passed, which failed.
	local json id st
	json=$("$IGPUCTL" --root "$T/base/$2" -J "${args[@]}" 2>/dev/null) || true
	if [[ $json == "{"* ]]; then
		while read -r id st; do
			case $st in
			pass) seen_pass[$id]=1 ;;
			warn | fail) seen_bad[$id]=1 ;;
			esac
		done < <(jq -r '.checks[] | "\(.id) \(.status)"' <<<"$json")
	fi
	((CASE_OK)) && pass=$((pass + 1))
	return 0
}

while IFS='|' read -r name host args; do
	[[ -z $name || $name == \#* ]] && continue
	run_case "$name" "$host" "$args"
done <"$HERE/cases"

CASE=coverage
CASE_OK=1
while read -r id _; do
	[[ -n ${seen_pass[$id]:-} ]] || bad "no case where $id passes"
	[[ -n ${seen_bad[$id]:-} ]] || bad "no case where $id fails or warns"
done < <("$IGPUCTL" vm lint --list)
((CASE_OK)) && pass=$((pass + 1))

golden_finish || fail=$((fail + 1))
echo "vm-lint: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
