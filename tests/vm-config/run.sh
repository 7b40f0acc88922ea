#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/vm-config/run.sh IGPUCTL MERGE_DOMAIN [--update]
#
# Golden tests of `igpuctl vm qemu|libvirt|proxmox` and `igpuctl guest` on
# fixture hosts: every case in tests/vm-config/cases runs the real binary and
# its stdout, stderr and exit status are compared with expected/NAME.out
# (--update rewrites them after an intended change).  On top of the bytes:
#   - every libvirt fragment is merged into a full domain (merge-domain), and
#     that domain, like every --xml result, must pass virt-xml-validate and
#     `virsh -c test:///default define`;
#   - every QEMU argument list must be accepted by the installed QEMU: each
#     property exists (`-device DRIVER,help`) and QEMU, started with the
#     arguments, fails only because the host device is not there;
#   - every Proxmox --apply writes exactly the shown change: the new files
#     are part of the golden output, and everything from the first section
#     ([PENDING], snapshots) on stays byte for byte.
set -euo pipefail

IGPUCTL=$(realpath "$1")
MERGE=$(realpath "$2")
UPDATE=0
[[ ${3:-} == --update ]] && UPDATE=1
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRC/tests/vm-config
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail=0
pass=0
say() { printf '%s\n' "$*" >&2; }
bad() {
	say "FAIL $CASE: $*"
	fail=$((fail + 1))
	CASE_OK=0
}

# ---- fixture hosts: the bundled examples plus our own descriptions ----
mkdir -p "$T/base"
for h in pve8-coffeelake igpu-nvidia; do
	cp -a "$SRC/examples/hosts/$h" "$T/base/$h"
done
(
	# shellcheck source=../fixtures/mkhost.sh
	. "$SRC/tests/fixtures/mkhost.sh"
	for d in "$HERE"/hosts/*.sh; do
		n=${d##*/}
		n=${n%.sh}
		(
			host_begin "$T/base/$n"
			# shellcheck source=/dev/null
			. "$d"
			host_end
		)
	done
)
# Proxmox VE state on every host: the VM configs, this node's name (pmxcfs'
# /etc/pve/local link), a running VM 102 (pid file and a live /proc entry)
# and VM 105 with a stale pid file.
for h in "$T"/base/*; do
	mkdir -p "$h/etc/pve/qemu-server" "$h/etc/pve/nodes/pve1" "$h/var/run/qemu-server" "$h/proc/4242"
	rm -f "$h"/etc/pve/qemu-server/*.conf
	cp "$HERE"/pve/*.conf "$h/etc/pve/qemu-server/"
	ln -sfn nodes/pve1 "$h/etc/pve/local"
	echo 4242 >"$h/var/run/qemu-server/102.pid"
	echo 999999 >"$h/var/run/qemu-server/105.pid"
done
mkdir -p "$T/base/igpu-nvidia/etc/pve/mapping" "$T/base/gvtg/etc/pve/mapping"
cp "$HERE/pve/pci.cfg" "$T/base/igpu-nvidia/etc/pve/mapping/pci.cfg"
cp "$HERE/pve/pci.cfg" "$T/base/gvtg/etc/pve/mapping/pci.cfg"
cp "$HERE/node.xml" "$T/node.xml"

QEMU=$(command -v qemu-system-x86_64 || true)
declare -A QEMU_PROPS=()
qemu_props() { # the property names of a -device driver
	[[ -n ${QEMU_PROPS[$1]:-} ]] ||
		QEMU_PROPS[$1]=" $("$QEMU" -device "$1,help" 2>/dev/null | sed -n 's/^  \([a-z0-9_-]*\)=.*/\1/p' | tr '\n' ' ') "
	printf '%s' "${QEMU_PROPS[$1]}"
}

check_qemu() { # $1 = stdout of vm qemu
	local -a args=()
	local line
	[[ -n $QEMU ]] || return 0
	while IFS= read -r line; do
		eval "set -- $line"
		args+=("$@")
	done <"$1"
	local i
	for ((i = 0; i < ${#args[@]}; i += 2)); do
		[[ ${args[i]} == -device ]] || continue
		local dev=${args[i + 1]} drv props p
		drv=${dev%%,*}
		props=$(qemu_props "$drv")
		[[ $props != "  " ]] || { bad "QEMU has no device $drv"; continue; }
		# Split on single commas (",," is an escaped comma in a value).
		while IFS= read -r p; do
			p=${p%%=*}
			# id and bus are generic to every -device.
			[[ $p == id || $p == bus || $props == *" $p "* ]] || bad "$drv has no property '$p'"
		done < <(printf '%s' "${dev#"$drv"}" | sed 's/,,/\x01/g' | tr ',' '\n' | sed '/^$/d')
	done
	local err
	err=$(timeout 30 "$QEMU" -nodefaults -S -accel tcg "${args[@]}" -display none -monitor none 2>&1 </dev/null) &&
		{ bad "QEMU started without the host device"; return; }
	if ! grep -Eq 'vfio .*(no such host device|no iommu_group found|No such file or directory)' <<<"$err" ||
		grep -Eqi "property|not found|expects|invalid|unsupported" <<<"${err//No such file or directory/}"; then
		bad "QEMU rejected the arguments: $err"
	fi
}

validate_domain() { # $1 = a full domain XML file
	local out
	out=$(virt-xml-validate "$1" 2>&1) || bad "virt-xml-validate: $out"
	out=$(virsh -q -c test:///default define "$1" 2>&1) || bad "virsh define: $out"
}

check_libvirt_fragment() { # $1 = stdout, $2 = the case's arguments
	local tmpl=$HERE/domain-q35.xml
	[[ $2 == *--legacy-igd* || $2 == *"--machine pc"* ]] && tmpl=$HERE/domain-pc.xml
	if ! "$MERGE" "$tmpl" "$1" >"$T/merged.xml" 2>"$T/merge.err"; then
		bad "merge-domain: $(cat "$T/merge.err")"
		return
	fi
	validate_domain "$T/merged.xml"
}

# The part of a Proxmox config from its first section on.
sections() { sed -n '/^\[/,$p' "$1"; }

run_case() { # NAME HOST ARGS
	CASE=$1
	local host=$2 argstr=$3 out=$T/out exp=$HERE/expected/$1.out
	CASE_OK=1
	argstr=${argstr//@SRC@/$SRC}
	argstr=${argstr//@T@/$T}
	rm -rf "$T/root"
	cp -a "$T/base/$host" "$T/root"
	cp "$T/root/etc/pve/qemu-server/"*.conf "$T/" 2>/dev/null || true
	local -a args
	eval "args=($argstr)"
	local rc=0
	"$IGPUCTL" --root "$T/root" "${args[@]}" >"$T/stdout" 2>"$T/stderr" </dev/null || rc=$?
	{
		printf '$ igpuctl %s\n' "$3"
		echo "--- stdout"
		cat "$T/stdout"
		echo "--- stderr"
		cat "$T/stderr"
		echo "--- exit $rc"
	} >"$out"

	if ((rc == 0)) && [[ " ${args[*]} " != *" -J "* ]]; then
		case "${args[0]} ${args[1]:-}" in
		"vm qemu") check_qemu "$T/stdout" ;;
		"vm libvirt")
			if [[ " ${args[*]} " == *" --xml "* ]]; then
				validate_domain "$T/stdout"
			elif [[ " ${args[*]} " != *" --domain "* ]]; then
				check_libvirt_fragment "$T/stdout" "$argstr"
			fi
			;;
		"vm proxmox")
			if [[ " ${args[*]} " == *" --apply "* ]]; then
				local vmid=${args[2]} f
				f=$T/root/etc/pve/qemu-server/$vmid.conf
				[[ "$(sections "$f")" == "$(sections "$HERE/pve/$vmid.conf")" ]] ||
					bad "the sections after the current config changed"
				{
					echo "--- file /etc/pve/qemu-server/$vmid.conf"
					cat "$f"
					if [[ -f $T/root/etc/pve/mapping/pci.cfg ]]; then
						echo "--- file /etc/pve/mapping/pci.cfg"
						cat "$T/root/etc/pve/mapping/pci.cfg"
					fi
				} >>"$out"
			fi
			;;
		esac
	fi
	# Temporary files of the atomic writes must not stay behind.
	if find "$T/root/etc" -name '*igpuctl-tmp*' | grep -q .; then
		bad "a temporary file was left behind"
	fi
	sed -i "s|$T|@T@|g; s|$SRC|@SRC@|g" "$out"

	if ((UPDATE)); then
		cp "$out" "$exp"
	elif [[ ! -f $exp ]]; then
		bad "no expected output (run with --update)"
	elif ! diff -u "$exp" "$out" >"$T/diff"; then
		bad "output differs:"
		cat "$T/diff" >&2
	fi
	((CASE_OK)) && pass=$((pass + 1))
	return 0
}

while IFS='|' read -r name host args; do
	[[ -z $name || $name == \#* ]] && continue
	run_case "$name" "$host" "$args"
done <"$HERE/cases"

echo "$pass passed, $fail failed"
((fail == 0))
