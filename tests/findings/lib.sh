# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by tests/findings/*.sh (source it after setting $bin and $tmp):
# building the fixture hosts the suites use, and the comparison of
# `status -J`'s missing_checks with `check -J --mode M ADDR`.

src=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export LC_ALL=C
unset IGPUCTL_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
nfail=0 npass=0

bad() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
good() { npass=$((npass + 1)); }

# build_host DIR DESCRIPTION [EXTRA...]: a host from a mkhost.sh description,
# with the EXTRA files sourced first (tests/vgpu/mkmdev.sh).
build_host() {
	local dir=$1 desc=$2
	shift 2
	(
		set -e
		. "$src/tests/fixtures/mkhost.sh"
		for x in "$@"; do
			. "$x"
		done
		host_begin "$dir"
		. "$desc"
		host_end
	) || {
		echo "cannot build host $desc" >&2
		exit 1
	}
}

# every_host DIR: every fixture host with GPUs the test suites use, into DIR
# (examples/hosts, tests/vgpu/hosts, tests/vm-config/hosts); prints the roots.
every_host() {
	local d=$1 f n
	mkdir -p "$d"
	for f in "$src"/examples/hosts/*/; do
		n=$(basename "$f")
		cp -a "$f" "$d/example-$n"
		echo "$d/example-$n"
	done
	for f in "$src"/tests/vgpu/hosts/*.sh; do
		n=$(basename "$f" .sh)
		build_host "$d/vgpu-$n" "$f" "$src/tests/vgpu/mkmdev.sh"
		echo "$d/vgpu-$n"
	done
	for f in "$src"/tests/vm-config/hosts/*.sh; do
		n=$(basename "$f" .sh)
		build_host "$d/vmconf-$n" "$f"
		echo "$d/vmconf-$n"
	done
}

# The warn and fail results of a `check -J` output, as status gives them.
findings_of_check='[.checks[] | select(.status == "warn" or .status == "fail") | {id, status, message, remedy}]'

# same_findings STATUS_JSON ADDR MODE CHECK_JSON: 0 when status's
# missing_checks of ADDR for MODE equal the warn/fail results of check.
same_findings() {
	local a b
	a=$(jq -S --arg a "$2" --arg m "$3" \
		'.gpus[] | select(.address == $a) | .method_support[$m].missing_checks' <<<"$1") || return 2
	b=$(jq -S "$findings_of_check" <<<"$4") || return 2
	[[ -n $a && $a != null && $a == "$b" ]]
}

# agree ROOT: for every GPU of ROOT and every mode, status -J's
# missing_checks equal check's findings, and the text "Missing for M" lines
# are the recommended mode's findings.
agree() {
	local root=$1 name st text addr mode rec chk ids_text ids_json
	name=$(basename "$root")
	st=$("$bin" --root "$root" -J status 2>"$tmp/stderr") || {
		bad "$name: status -J failed: $(head -c 300 "$tmp/stderr")"
		return
	}
	[[ -s $tmp/stderr ]] && bad "$name: status -J stderr: $(head -c 300 "$tmp/stderr")"
	text=$("$bin" --root "$root" status 2>/dev/null)
	for addr in $(jq -r '.gpus[].address' <<<"$st"); do
		for mode in full gvt-g sriov; do
			chk=$("$bin" --root "$root" -J check --mode "$mode" "$addr" 2>"$tmp/stderr")
			[[ -s $tmp/stderr ]] && bad "$name: check $mode $addr stderr: $(head -c 300 "$tmp/stderr")"
			if same_findings "$st" "$addr" "$mode" "$chk"; then
				good
			else
				bad "$name $addr $mode: status -J missing_checks differ from check -J --mode $mode"
				diff <(jq -S --arg a "$addr" --arg m "$mode" \
					'.gpus[] | select(.address == $a) | .method_support[$m].missing_checks' <<<"$st") \
					<(jq -S "$findings_of_check" <<<"$chk") | head -20
			fi
		done
		rec=$(jq -r --arg a "$addr" '.gpus[] | select(.address == $a) | .recommended' <<<"$st")
		# The text block of this GPU: from its header line to the next blank line.
		ids_text=$(awk -v a="$addr" '$1 == a {on = 1; next} on && /^$/ {on = 0} on' <<<"$text" |
			sed -n 's/^    - .* \[\([a-z_.]*\), \(warn\|fail\)\]$/\1 \2/p')
		ids_json=$(jq -r --arg a "$addr" --arg m "$rec" \
			'.gpus[] | select(.address == $a) | .method_support[$m].missing_checks[] | "\(.id) \(.status)"' <<<"$st")
		if [[ $ids_text == "$ids_json" ]]; then
			good
		else
			bad "$name $addr: the text 'Missing for $rec' lines are not its findings"
			diff <(echo "$ids_text") <(echo "$ids_json") | head -10
		fi
	done
}

# The ids whose findings `vm` gives as notes (vm_note_checks in src/cmd/vm.c).
vm_note_ids='["iommu.enabled", "full.boot_vga", "full.isolation"]'

# same_vm_notes VM_JSON CHECK_JSON: 0 when the notes of `vm qemu -J` that
# carry a check id are exactly check's findings of those ids, in order and
# word for word ("MESSAGE REMEDY [ID]").
same_vm_notes() {
	local a b
	a=$(jq '[.notes[] | select(test(" \\[[a-z_.]+\\]$"))]' <<<"$1") || return 2
	b=$(jq --argjson ids "$vm_note_ids" \
		'[.checks[] | select((.status == "warn" or .status == "fail") and (.id as $i | $ids | index($i)))
		  | "\(.message) \(.remedy) [\(.id)]"]' <<<"$2") || return 2
	[[ -n $a && $a == "$b" ]]
}

# used_by ROOT ADDR: the guests that `vfs PF -J` says use the VF ADDR ("" when
# ADDR is no VF or no guest uses it).
used_by() {
	local pf
	pf=$("$bin" --root "$1" -J show "$2" 2>/dev/null | jq -r '.physfn // empty')
	[[ -n $pf ]] || return 0
	"$bin" --root "$1" -J vfs "$pf" 2>/dev/null |
		jq -r --arg a "$2" '.vfs[] | select(.address == $a) | .used_by | join(", ")'
}

# containers_named ROOT ADDR FILE: FILE holds the refusal of a device whose
# render node containers use, naming each container `status -J` gives as a
# user of ADDR.
containers_named() {
	local c n=0
	grep -qF "refusing: $2 gives" "$3" || return 1
	while read -r c; do
		grep -qF "$c" "$3" || return 1
		n=$((n + 1))
	done < <("$bin" --root "$1" -J status 2>/dev/null |
		jq -r --arg a "$2" '.gpus[] | select(.address == $a) | .used_by[] | select(test("^(proxmox-ct|lxc):"))')
	((n > 0))
}

# vm_agree ROOT ADDR: vm's notes about the host are check's findings; when
# vm refuses the device, check fails it for the same reason: its group
# (full.isolation), its enabled VFs (full.vfs) or a QEMU that cannot assign
# its generation (full.qemu).  A VF that VMs use already, or a device whose
# render node containers use, is refused for them, not for the host: the
# refusal names the guests `vfs` and `status` give.
vm_agree() {
	local root=$1 addr=$2 name vm chk users
	name=$(basename "$root")
	chk=$("$bin" --root "$root" -J check --mode full "$addr" 2>/dev/null)
	if ! vm=$("$bin" --root "$root" -J vm qemu "$addr" 2>"$tmp/stderr"); then
		users=$(used_by "$root" "$addr")
		if [[ -n $users ]] && grep -qF "is used by $users already" "$tmp/stderr"; then
			good
		elif containers_named "$root" "$addr" "$tmp/stderr"; then
			good
		elif jq -e '.checks[] | select((.id == "full.isolation" or .id == "full.vfs" or .id == "full.qemu") and .status == "fail")' \
			<<<"$chk" >/dev/null; then
			good
		else
			bad "$name $addr: vm qemu refused ($(head -c 200 "$tmp/stderr")) but check passes full.isolation, full.vfs and full.qemu"
		fi
		return
	fi
	if same_vm_notes "$vm" "$chk"; then
		good
	else
		bad "$name $addr: vm qemu's notes differ from check --mode full's findings"
		diff <(jq '[.notes[] | select(test(" \\[[a-z_.]+\\]$"))]' <<<"$vm") \
			<(jq --argjson ids "$vm_note_ids" '[.checks[] | select((.status == "warn" or .status == "fail") and (.id as $i | $ids | index($i))) | "\(.message) \(.remedy) [\(.id)]"]' <<<"$chk") | head -10
	fi
}
