#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/findings/agree.sh BIN: one set of findings.  On every fixture host
# with GPUs (examples/hosts, tests/vgpu/hosts, tests/vm-config/hosts), for
# every GPU and every mode, `status -J`'s method_support[M].missing_checks
# are exactly the warn/fail results of `check -J --mode M ADDR`, the
# text "Missing for M" lists the recommended mode's findings, and the notes
# `vm qemu ADDR` gives about the host are check --mode full's findings.
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-agree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

mapfile -t roots < <(every_host "$tmp/hosts")
[[ ${#roots[@]} -ge 10 ]] || bad "only ${#roots[@]} fixture hosts found"
for root in "${roots[@]}"; do
	agree "$root"
	for addr in $("$bin" --root "$root" -J status | jq -r '.gpus[].address'); do
		vm_agree "$root" "$addr"
	done
done

# The comparison itself must see a difference: drop one finding of status,
# or change one message, and it has to say they differ.
root=$tmp/hosts/example-pve8-coffeelake
st=$("$bin" --root "$root" -J status)
chk=$("$bin" --root "$root" -J check --mode gvt-g 0000:00:02.0)
same_findings "$st" 0000:00:02.0 gvt-g "$chk" && good || bad "self-test: equal findings seen as different"
st2=$(jq '.gpus[0].method_support["gvt-g"].missing_checks |= .[1:]' <<<"$st")
same_findings "$st2" 0000:00:02.0 gvt-g "$chk" && bad "self-test: a dropped finding went unnoticed" || good
st2=$(jq '.gpus[0].method_support["gvt-g"].missing_checks[0].remedy = "x"' <<<"$st")
same_findings "$st2" 0000:00:02.0 gvt-g "$chk" && bad "self-test: a changed remedy went unnoticed" || good

# The same for vm: a dropped or reworded note has to be seen.
root=$tmp/hosts/example-iommu-off
vm=$("$bin" --root "$root" -J vm qemu 0000:00:02.0 2>/dev/null)
chk=$("$bin" --root "$root" -J check --mode full 0000:00:02.0)
same_vm_notes "$vm" "$chk" && good || bad "self-test: equal vm notes seen as different"
same_vm_notes "$(jq '.notes |= .[1:]' <<<"$vm")" "$chk" && bad "self-test: a dropped vm note went unnoticed" || good
same_vm_notes "$(jq '.notes[0] |= sub("IOMMU"; "iommu")' <<<"$vm")" "$chk" &&
	bad "self-test: a reworded vm note went unnoticed" || good

echo "findings agree: $npass passed, $nfail failed"
[[ $nfail -eq 0 ]]
