#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/vm-config/run.sh IGPUCTL MERGE_DOMAIN [--update]
#
# Golden tests of `igpuctl vm qemu|libvirt|proxmox` and `igpuctl guest` on
# fixture hosts: every case in tests/vm-config/cases runs the real binary and
# its stdout, stderr and exit status are compared with expected/NAME.out by
# tests/lib/golden.sh (--update rewrites them after an intended change).  On top of the bytes:
#   - every libvirt fragment is merged into a full domain (merge-domain), and
#     that domain, like every --xml result, must pass virt-xml-validate and
#     `virsh -c test:///default define`;
#   - every QEMU argument list must be accepted by the installed QEMU: each
#     property exists (`-device DRIVER,help`) and QEMU, started with the
#     arguments, fails only because the host device is not there; a --full
#     line is started as printed (TCG where there is no KVM), its OVMF
#     images files of the fixture host;
#   - every Proxmox --apply writes exactly the shown change: the new files
#     are part of the golden output, and everything from the first section
#     ([PENDING], snapshots) on stays byte for byte.
#   - every --apply is a change of the journal (expected/journal-*.out, one
#     output per step): revert --list names it, revert (or revert ID) brings
#     etc/ and var/ back byte for byte, a libvirt domain through libvirt (a
#     private libvirtd serving the test driver), a target changed since is
#     left with a step by hand; an error puts everything back; a second
#     igpuctl is refused while the lock is held.
set -euo pipefail

IGPUCTL=$(realpath "$1")
MERGE=$(realpath "$2")
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRC/tests/vm-config
T=$(mktemp -d)
# shellcheck source=../lib/golden.sh
. "$SRC/tests/lib/golden.sh"
trap 'rm -rf "$T"; golden_cleanup' EXIT
golden_init "$HERE/expected" "${@:3}"
# The temporary and source paths differ from run to run.
golden_mask "s|$T|@T@|g"
golden_mask "s|$SRC|@SRC@|g"
# A --domain's libvirt version is the installed libvirt's (the test driver).
golden_mask 's/this is libvirt [0-9.]+, from the connection/this is libvirt @VERSION@, from the connection/'

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
	hosts_build "$HERE/hosts" "$T/base"
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
# VM 104 passes "All Functions" of 0000:00:02, which on an SR-IOV host are
# the VFs too: every VF would be in use, and the VF cases refused.
rm -f "$T"/base/sriov*/etc/pve/qemu-server/104.conf "$T"/base/*-vfs/etc/pve/qemu-server/104.conf
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
	local i full=0
	# vm qemu --full: the binary first, then option/value pairs.
	if [[ ${args[0]} != -* ]]; then
		[[ ${args[0]} == *qemu-system-x86_64 || ${args[0]} == */kvm ]] || bad "the --full line starts with '${args[0]}'"
		args=("${args[@]:1}")
		full=1
	fi
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
	local -a run=(-accel tcg)
	if ((full)) && [[ -z ${KVM_CPU_HOST:-} ]]; then
		# A writable /dev/kvm whose KVM cannot run "-cpu host" (nested
		# KVM refusing an MSR, say) counts as none.
		KVM_CPU_HOST=0
		[[ -w /dev/kvm ]] && echo quit | timeout 30 "$QEMU" -accel kvm -cpu host -machine q35 -nodefaults \
			-display none -S -monitor stdio >/dev/null 2>&1 && KVM_CPU_HOST=1
	fi
	if ((full)); then
		# The --full line as printed, started with -S; where this machine
		# has no working KVM, with TCG and its "max" CPU instead of accel=kvm and
		# -cpu host.  The OVMF images must be the fixture host's files;
		# QEMU gets blank flash images of their size class instead.
		run=()
		for ((i = 0; i < ${#args[@]}; i += 2)); do
			case ${args[i]} in
			-machine) ((KVM_CPU_HOST)) || args[i + 1]=${args[i + 1]/accel=kvm/accel=tcg} ;;
			-cpu) ((KVM_CPU_HOST)) || args[i + 1]=max ;;
			-drive)
				[[ ${args[i + 1]} == *if=pflash* ]] || continue
				local f=${args[i + 1]##*file=}
				[[ $f != /* || -f $T/root$f ]] || bad "the host has no OVMF image $f"
				truncate -s 4M "$T/${f##*/}"
				args[i + 1]=${args[i + 1]%file=*}file=$T/${f##*/}
				;;
			esac
		done
	fi
	local err
	# -cpu host needs KVM: under TCG its properties are tried on "max",
	# which has them too (target/i386/cpu.c).
	for ((i = 0; i < ${#args[@]}; i += 2)); do
		[[ ${args[i]} == -cpu && ${args[i + 1]} == host,* ]] && args[i + 1]=max,${args[i + 1]#host,}
	done
	err=$(timeout 30 "$QEMU" -nodefaults -S "${run[@]}" "${args[@]}" -display none -monitor none 2>&1 </dev/null) &&
		{ bad "QEMU started without the host device"; return; }
	if ! grep -Eq 'vfio .*(no such host device|no iommu_group found|No such file or directory)' <<<"$err" ||
		grep -Eqi "property|not found|expects|invalid|unsupported" <<<"${err//No such file or directory/}"; then
		bad "QEMU rejected the arguments: $err"
	fi
}

# <maxphysaddr limit=...> is libvirt 9.3's (cputypes.rng): an older
# installed schema validates the domain without that one attribute.
SCHEMA_LIMIT=1
grep -qs "maxphysaddr" /usr/share/libvirt/schemas/cputypes.rng &&
	! sed -n '/name="maxphysaddr"/,/<\/element>/p' /usr/share/libvirt/schemas/cputypes.rng | grep -q '"limit"' &&
	SCHEMA_LIMIT=0

validate_domain() { # $1 = a full domain XML file
	local out f=$1
	if ((!SCHEMA_LIMIT)) && grep -q "<maxphysaddr" "$f"; then
		sed -E "s/(<maxphysaddr [^>]*) limit=\"[0-9]+\"/\1/" "$f" >"$T/nolimit.xml"
		f=$T/nolimit.xml
	fi
	out=$(virt-xml-validate "$f" 2>&1) || bad "virt-xml-validate: $out"
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

# golden: end the case's record (tests/lib/golden.sh).
golden() {
	golden_end || bad "output differs from expected/$CASE.out"
}

run_case() { # NAME HOST ARGS
	CASE=$1
	local host=$2 argstr=$3
	CASE_OK=1
	argstr=${argstr//@SRC@/$SRC}
	argstr=${argstr//@T@/$T}
	rm -rf "$T/root"
	cp -a "$T/base/$host" "$T/root"
	cp "$T/root/etc/pve/qemu-server/"*.conf "$T/" 2>/dev/null || true
	local -a args
	eval "args=($argstr)"
	local rc
	golden_begin "$CASE"
	GOLDEN_LABEL="igpuctl $3" golden_run "$IGPUCTL" --root "$T/root" "${args[@]}"
	rc=$GOLDEN_RC

	if ((rc == 0)) && [[ " ${args[*]} " != *" -J "* ]]; then
		case "${args[0]} ${args[1]:-}" in
		"vm qemu") check_qemu "$GOLDEN_STDOUT" ;;
		"vm libvirt")
			if [[ " ${args[*]} " == *" --xml "* ]]; then
				validate_domain "$GOLDEN_STDOUT"
			elif [[ " ${args[*]} " != *" --domain "* ]]; then
				check_libvirt_fragment "$GOLDEN_STDOUT" "$argstr"
			fi
			;;
		"vm proxmox")
			if [[ " ${args[*]} " == *" --apply "* ]]; then
				local vmid=${args[2]} f
				f=$T/root/etc/pve/qemu-server/$vmid.conf
				[[ "$(sections "$f")" == "$(sections "$HERE/pve/$vmid.conf")" ]] ||
					bad "the sections after the current config changed"
				golden_file "/etc/pve/qemu-server/$vmid.conf" "$f"
				if [[ -f $T/root/etc/pve/mapping/pci.cfg ]]; then
					golden_file /etc/pve/mapping/pci.cfg "$T/root/etc/pve/mapping/pci.cfg"
				fi
			fi
			;;
		esac
	fi
	# Temporary files of the atomic writes must not stay behind.
	if [[ -n $(find "$T/root/etc" -name '*igpuctl-tmp*') ]]; then
		bad "a temporary file was left behind"
	fi
	golden
	((CASE_OK)) && pass=$((pass + 1))
	return 0
}

while IFS='|' read -r name host args; do
	[[ -z $name || $name == \#* ]] && continue
	run_case "$name" "$host" "$args"
done <"$HERE/cases"

# ---- the change path: --apply is a change that revert undoes ----
# Each journal case runs several steps in one root; expected/journal-*.out
# holds every step's output (the times of `revert --list` and the pids of
# lock holders masked).  After a full revert,
# etc/ and var/ are back byte for byte (but the lock file, which stays).

snap() { # every file and link under etc/ and var/ of the root, with checksum and mode
	(cd "$T/root" && find etc var \( -xtype f -o -type l \) ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do
			if [[ -L $f ]]; then echo "$f -> $(readlink "$f")"; else echo "$f $(sha256sum <"$f" | cut -c1-16) $(stat -c %a "$f")"; fi
		done)
}

IGENV=(env)
jbegin() { # NAME HOST
	CASE=$1
	CASE_OK=1
	rm -rf "$T/root"
	cp -a "$T/base/$2" "$T/root"
	golden_begin "$CASE"
	golden_mask_case 's/^([0-9]+ +)[0-9-]+ [0-9:]+Z/\1@TIME@/'
	golden_mask_case 's/\(pid [0-9]+\)/(pid @PID@)/'
	SNAP0=$(snap)
}
jstep() { # igpuctl ARGS..., its output appended to the case's
	GOLDEN_LABEL="igpuctl $*" golden_run "${IGENV[@]}" "$IGPUCTL" --root "$T/root" "$@"
	JRC=$GOLDEN_RC
}
jrc() { [[ $JRC == "$1" ]] || bad "step exit $JRC, expected $1"; }
jrestored() { [[ $(snap) == "$SNAP0" ]] || bad "etc/ or var/ not restored: $(diff <(echo "$SNAP0") <(snap))"; }
jend() {
	golden
	((CASE_OK)) && pass=$((pass + 1))
	return 0
}

jbegin journal-pve pve8-coffeelake
jstep vm proxmox 100 00:02.0 --mapping igpu --apply
jrc 0
jstep revert --list
jstep revert --dry-run
jrc 0
jstep revert --yes
jrc 0
jrestored
jstep revert --list
jend

jbegin journal-pve-revert-id pve8-coffeelake
jstep vm proxmox 100 00:02.0 --apply
jstep vm proxmox 101 00:02.0 --apply
jstep revert 1 --yes
jrc 0
cmp -s "$T/root/etc/pve/qemu-server/100.conf" "$HERE/pve/100.conf" || bad "revert 1 did not restore 100.conf"
cmp -s "$T/root/etc/pve/qemu-server/101.conf" "$HERE/pve/101.conf" && bad "revert 1 undid change 2"
jstep revert --list
jstep revert --yes
jrc 0
jrestored
jend

jbegin journal-pve-changed-since pve8-coffeelake
jstep vm proxmox 100 00:02.0 --mapping igpu --apply
sed -i 's/^memory: 8192$/memory: 4096/' "$T/root/etc/pve/qemu-server/100.conf"
jstep revert --yes
jrc 1
[[ -e $T/root/etc/pve/mapping/pci.cfg ]] && bad "the mapping was not undone"
grep -qx 'memory: 4096' "$T/root/etc/pve/qemu-server/100.conf" || bad "the user's edit was lost"
jstep revert --list
jend

jbegin journal-pve-error pve8-coffeelake
# The 6th rename is the VM configuration's (after 3 backups, the journal and
# the mapping): the mapping written just before goes again.
IGENV=(env IGPUCTL_FAULT=rename:6:error)
jstep vm proxmox 100 00:02.0 --mapping igpu --apply
IGENV=(env)
jrc 1
jrestored
jstep revert --list
jend

# A second igpuctl: refused while the lock is held; dry runs need no lock.
jbegin journal-lock pve8-coffeelake
mkdir -p "$T/root/var/lib/igpuctl"
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(60)' \
	"$T/root/var/lib/igpuctl/lock" >"$T/lock.out" &
holder=$!
for _ in $(seq 100); do grep -q locked "$T/lock.out" 2>/dev/null && break; sleep 0.05; done
SNAP0=$(snap)
IGENV=(env IGPUCTL_LOCK_TIMEOUT=0)
jstep vm proxmox 100 00:02.0 --apply
jrc 1
jstep vm libvirt 00:02.0 --domain demo --connect "test://$T/node.xml" --apply
jrc 1
jstep vm proxmox 100 00:02.0
jrc 0
IGENV=(env)
kill "$holder"
wait "$holder" 2>/dev/null || true
jrestored
jend

# libvirt: a daemon serving the test driver's shared "default" node, so that
# a definition outlives the connection (test:///FILE keeps a state per
# connection, and revert is another run).  No driver module is loaded; a
# virsh that stays connected keeps the node alive.
lvd_start() {
	mkdir -p "$T/lvd/drivers"
	printf '%s\n' "unix_sock_dir = \"$T/lvd\"" 'unix_sock_rw_perms = "0700"' 'auth_unix_rw = "none"' \
		'auth_unix_ro = "none"' >"$T/lvd/libvirtd.conf"
	LIBVIRT_DRIVER_DIR=$T/lvd/drivers libvirtd --config "$T/lvd/libvirtd.conf" --pid-file "$T/lvd/pid" \
		>"$T/lvd/log" 2>&1 &
	LVD=$!
	LVURI="test+unix:///default?socket=$T/lvd/libvirt-sock"
	for _ in $(seq 100); do [[ -S $T/lvd/libvirt-sock ]] && break; sleep 0.1; done
	mkfifo "$T/lvd/hold"
	virsh -c "$LVURI" <"$T/lvd/hold" >/dev/null 2>&1 &
	exec 9>"$T/lvd/hold"
	xmllint --xpath '/node/domain[name="demo"]' "$HERE/node.xml" >"$T/demo.xml"
	# ASan intercepts xdrmem_create, but libtirpc, which libvirt's remote
	# driver uses, comes only with the libvirt module, after the
	# interceptors were set up: an ASan build gets it preloaded.
	LVENV=(env)
	if [[ $(ldd "$IGPUCTL") == *libasan* ]]; then
		local libvirt tirpc
		# awk reads to the end: an early exit would kill ldconfig with
		# SIGPIPE, and pipefail would make that the test's failure.
		libvirt=$(ldconfig -p | awk '/libvirt\.so\.0 /{p = $NF} END {print p}')
		tirpc=$(ldd "$libvirt" | awk '/libtirpc/{print $3}')
		# LeakSanitizer's stop-the-world walk of the threads' dynamic TLS
		# crashes ("Tracer caught signal 11", a DTLS range it cannot read)
		# once the remote driver's threads have run in the process: leak
		# checks stay on for every step that does not talk to libvirtd.
		LVENV=(env "LD_PRELOAD=$tirpc" "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:${ASAN_OPTIONS:-}")
	fi
}
lvd_stop() {
	exec 9>&-
	kill "$LVD" 2>/dev/null || true
	wait "$LVD" 2>/dev/null || true
}
demo_define() { virsh -q -c "$LVURI" define "$1" >/dev/null; }
demo_xml() { virsh -c "$LVURI" dumpxml --inactive --security-info demo; }

lvd_start
trap 'lvd_stop; rm -rf "$T"; golden_cleanup' EXIT
UUID=4b20d080-1b54-4048-85b3-a6a62d165c01

jbegin journal-libvirt gvtg
demo_define "$T/demo.xml"
demo_xml >"$T/demo-before.xml"
IGENV=("${LVENV[@]}")
jstep vm libvirt $UUID --display vnc --domain demo --connect "$LVURI" --apply
jrc 0
[[ $(demo_xml) == *ua-igpuctl0* ]] || bad "the domain was not defined"
jstep revert --list
jstep revert --yes
jrc 0
demo_xml | diff -u "$T/demo-before.xml" - >&2 || bad "revert did not restore the domain"
jrestored
jstep revert --list
IGENV=(env)
jend

jbegin journal-libvirt-changed-since gvtg
demo_define "$T/demo.xml"
IGENV=("${LVENV[@]}")
jstep vm proxmox 100 $UUID --apply
jstep vm libvirt $UUID --display vnc --domain demo --connect "$LVURI" --apply
demo_xml | sed "s|<memory unit='KiB'>1048576<|<memory unit='KiB'>2097152<|" >"$T/demo-changed.xml"
demo_define "$T/demo-changed.xml"
demo_xml >"$T/demo-changed-now.xml"
grep -q 2097152 "$T/demo-changed-now.xml" || bad "the test did not change the domain"
jstep revert --yes
jrc 1
demo_xml | diff -u "$T/demo-changed-now.xml" - >&2 || bad "revert touched the changed domain"
cmp -s "$T/root/etc/pve/qemu-server/100.conf" "$HERE/pve/100.conf" || bad "the rest was not undone"
jstep revert --list
IGENV=(env)
jend

jbegin journal-libvirt-error gvtg
demo_define "$T/demo.xml"
demo_xml >"$T/demo-before.xml"
# The second journal save records what libvirt holds after the define:
# when it fails, the old definition is put back.
IGENV=("${LVENV[@]}" IGPUCTL_FAULT=journal:2:error)
jstep vm libvirt $UUID --display vnc --domain demo --connect "$LVURI" --apply
IGENV=(env)
jrc 1
demo_xml | diff -u "$T/demo-before.xml" - >&2 || bad "the domain was not put back"
jrestored
jstep revert --list
jend

golden_finish || fail=$((fail + 1))
echo "$pass passed, $fail failed"
((fail == 0))
