#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/vm-config/qemu-matrix.sh IGPUCTL [-v]
#
# The VM lines igpuctl writes must use only what the QEMU that runs the VM
# has.  For every fixture host with an Intel iGPU (examples/hosts/* and the
# tests/vm-config/hosts/*.sh descriptions) x every QEMU probe in
# tests/vm-config/qemu/*.probe (the answers of a QEMU release, see
# docs/fixtures.md) x target (qemu, libvirt, proxmox on Proxmox VE hosts) x
# mode (default UPT, --legacy-igd --machine pc, --machine q35, --machine pc)
# x display (default, none, and dmabuf/ramfb for a vGPU), it runs
# `igpuctl --root COPY vm TARGET ...` on a copy of the host holding the
# probe at var/log/igpuctl-capture/qemu-probe, and checks:
#
#   props     every property given to vfio-pci[-nohotplug] is in that
#             probe's `-device DRIVER,help`: the -device lines (qemu),
#             <qemu:property name=...> and -set device.X.PROP= (libvirt),
#             args: -set device.hostpciN.PROP= and the hostpciN options
#             qemu-server turns into properties (proxmox:
#             PVE/QemuServer/PCI.pm print_hostpci_devices(): rombar,
#             romfile, x-vga, mdev -> sysfsdev, legacy-igd -> addr);
#   lpc       never x-igd-lpc on q35 (hw/vfio/igd.c: the LPC bridge goes to
#             00:1f.0, which q35's ICH9 holds), never x-igd-lpc or
#             x-igd-legacy-mode when the probe lacks them;
#   legacy    IGD legacy mode only on i440fx with the iGPU at guest 02.0,
#             and from QEMU 10.1 on only for Gen 6-9 iGPUs
#             (hw/vfio/igd.c vfio_pci_igd_setup_legacy_mode());
#   gen11     a Gen 11+ iGPU on a QEMU before 9.2 (no 64-bit BDSM, IDs
#             unknown to igd.c) is refused, exit 1, naming 9.2;
#   gen125    a Gen 12.5+ iGPU on QEMU 9.2 to 10.0 (igd.c stops at Gen 12)
#             is refused, exit 1, naming 10.1;
#   refusal   a refusal that depends on the QEMU is one line naming the
#             QEMU version.
#
# Every violation is printed as "VIOLATION CHECK HOST PROBE TARGET DEVICE
# MODE DISPLAY: what"; the exit status is 1 when there is one.  -v also
# prints the command lines of the runs that violate.
set -uo pipefail

SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRC/tests/vm-config
SELF=$HERE/qemu-matrix.sh
# QEMU_PROBES=DIR: other probes (to see a check fail); HOSTS='a b': only these.
PROBES=${QEMU_PROBES:-$HERE/qemu}

# ----------------------------------------------------------- one run
#
# --one T HOST PROBE TARGET DEVICE KIND MODE DISPLAY: run igpuctl once and
# print the violations that need this run alone; leave a record for the
# checks that compare probes.
if [[ ${1-} == --one ]]; then
	T=$2 host=$3 probe=$4 target=$5 dev=$6 kind=$7 mode=$8 disp=$9
	IGPUCTL=$(<"$T/igpuctl")
	root=$T/roots/$host.$probe
	id="$host $probe $target $dev $mode $disp"
	out=$T/res/${id// /_}
	args=()
	case $mode in
	upt) ;;
	legacy) args+=(--legacy-igd --machine pc) ;;
	q35) args+=(--machine q35) ;;
	pc) args+=(--machine pc) ;;
	esac
	[[ $disp == default ]] || args+=(--display "$disp")
	case $target in
	qemu | libvirt) cmd=(vm "$target" "$dev" "${args[@]}") ;;
	proxmox) cmd=(vm proxmox 900 "$dev" "${args[@]}") ;;
	esac
	rc=0
	# Leaks are the other suites' business; LeakSanitizer's exit scan would
	# double the time of these many short runs.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$IGPUCTL" --root "$root" "${cmd[@]}" \
		>"$out.out" 2>"$out.err" </dev/null || rc=$?
	echo "$rc" >"$out.rc"
	echo "igpuctl --root $host+$probe ${cmd[*]}" >"$out.cmd"

	v() { printf 'VIOLATION %s %s: %s\n' "$1" "$id" "$2"; }
	declare -A PROPS=([vfio-pci]=" $(<"$T/probes/$probe.vfio-pci") "
		[vfio-pci-nohotplug]=" $(<"$T/probes/$probe.vfio-pci-nohotplug") ")
	has_prop() { [[ ${PROPS[$1]-} == *" $2 "* ]]; }
	ver=$(<"$T/probes/$probe.version")
	vnum=$(<"$T/probes/$probe.vnum")
	gen=$(<"$T/roots/$host.gen")

	if ((rc > 2 && rc != 64)) || grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$out.err"; then
		v crash "exit $rc: $(head -c 300 "$out.err")"
	fi

	machine='' addr='' legacy=0 lpc=0
	if ((rc == 0)); then
		case $target in
		qemu)
			machine=$(sed -n 's/^-machine \([^ ,]*\).*/\1/p' "$out.out" | head -1)
			while IFS= read -r line; do
				d=${line#-device }
				drv=${d%%,*}
				# Split on single commas (",," escapes a comma in a value).
				while IFS= read -r p; do
					p=${p%%=*}
					# driver, bus and id are -device's own, not the device's
					# (system/qdev-monitor.c qdev_device_add_from_qdict()).
					[[ $p == id || $p == bus ]] && continue
					has_prop "$drv" "$p" || v props "$drv has no property '$p' in QEMU $ver"
					[[ $p == x-igd-lpc ]] && lpc=1
				done < <(printf '%s' "${d#"$drv"}" | sed 's/,,/\x01/g' | tr ',' '\n' | sed '/^$/d')
				[[ ,$d, == *,addr=02.0,* ]] && addr=02.0
				[[ ,$d, == *,x-igd-legacy-mode=on,* ]] && legacy=1
			done < <(grep -E '^-device vfio-pci(-nohotplug)?,' "$out.out")
			;;
		libvirt)
			machine=q35
			[[ $mode == legacy || $mode == pc ]] && machine=pc
			drv=vfio-pci
			# libvirt starts a vGPU with ramfb as vfio-pci-nohotplug
			# (src/qemu/qemu_command.c qemuBuildHostdevMediatedDevProps()).
			grep -q 'ramfb="on"' "$out.out" && drv=vfio-pci-nohotplug
			{
				sed -n 's/.*<qemu:property name="\([^"]*\)".*/\1/p' "$out.out"
				sed -n 's/.*<qemu:arg value="device\.[^.]*\.\([^=]*\)=.*/\1/p' "$out.out"
				# What libvirt itself turns into properties.
				grep -q '<hostdev[^>]* display="on"' "$out.out" && echo display
				grep -q '<hostdev[^>]* ramfb="on"' "$out.out" && echo ramfb
				grep -q '<rom[^>]* bar=' "$out.out" && echo rombar
				grep -q '<rom[^>]* file=' "$out.out" && echo romfile
			} >"$out.props"
			while IFS= read -r p; do
				has_prop "$drv" "$p" || v props "$drv has no property '$p' in QEMU $ver"
				[[ $p == x-igd-lpc ]] && lpc=1
			done <"$out.props"
			grep -Eq 'x-igd-legacy-mode=on|name="x-igd-legacy-mode"[^>]*value="on"' "$out.out" && legacy=1
			# The guest address: the hostdev's <address type="pci"> beside
			# <source>, not the host address inside it.
			sed '/<source>/,/<\/source>/d' "$out.out" |
				grep -Eq '<address[^>]*type="pci"[^>]*bus="0x00"[^>]*slot="0x02"[^>]*function="0x0"' && addr=02.0
			;;
		proxmox)
			machine=$(sed -n 's/^+machine: *//p' "$out.out" | head -1)
			if [[ -z $machine ]]; then
				machine=$(sed -n 's/^machine: *//p' "$root/etc/pve/qemu-server/900.conf")
				grep -q '^-machine:' "$out.out" && machine=
			fi
			[[ -n $machine ]] || machine=pc
			while IFS= read -r line; do
				opts=${line#*: }
				while IFS= read -r o; do
					k=${o%%=*}
					case $k in
					rombar | romfile | x-vga) p=$k ;;
					mdev) p=sysfsdev ;;
					legacy-igd) p=addr ;;
					*) continue ;;
					esac
					has_prop vfio-pci "$p" || v props "hostpci option $k needs vfio-pci.$p, not in QEMU $ver"
					[[ $o == legacy-igd=1 ]] && legacy=1 addr=02.0
				done < <(tr ',' '\n' <<<"$opts")
			done < <(grep -E '^\+hostpci[0-9]+:' "$out.out")
			while IFS= read -r p; do
				has_prop vfio-pci "$p" || v props "args sets $p, not in QEMU $ver"
				[[ $p == x-igd-lpc ]] && lpc=1
				[[ $p == x-igd-legacy-mode ]] && grep -q 'x-igd-legacy-mode=on' "$out.out" && legacy=1
			done < <(grep -E '^\+args:' "$out.out" | grep -o -- '-set device\.hostpci[0-9]*\.[^= ]*' | sed 's/.*\.//')
			;;
		esac
		[[ $mode == legacy ]] && legacy=1
		is_q35=0
		[[ $machine == q35 || $machine == pc-q35-* || $machine == *q35* ]] && is_q35=1
		((lpc && is_q35)) && v lpc "x-igd-lpc on a q35 machine ($machine)"
		for p in x-igd-lpc x-igd-legacy-mode; do
			if grep -q -- "$p" "$out.out" && ! has_prop vfio-pci "$p"; then
				v lpc "$p used, QEMU $ver has no such property"
			fi
		done
		if ((legacy)); then
			((is_q35)) && v legacy "legacy mode on a q35 machine ($machine)"
			[[ $addr == 02.0 ]] || v legacy "legacy mode without guest address 02.0"
			[[ $kind == igpu ]] || v legacy "legacy mode for a device that is not the iGPU"
			g=${gen%%[!0-9]*}
			if ((vnum >= 1001)) && ! [[ -n $g && $g -ge 6 && $g -le 9 ]]; then
				v legacy "legacy mode for a Gen $gen iGPU on QEMU $ver (10.1+: Gen 6-9 only)"
			fi
		fi
	fi
	# For the checks across probes: key, probe, rc, error lines, whether
	# they name the version and 9.2.
	nerr=0 nver=0 n92=0 n101=0
	while IFS= read -r line; do
		[[ $line == "Note: "* ]] && continue
		nerr=$((nerr + 1))
		[[ $line == *"$ver"* ]] && nver=1
		[[ $line == *9.2* ]] && n92=1
		[[ $line == *10.1* ]] && n101=1
	done <"$out.err"
	# The first error line, for the report of a violation.
	first=$(grep -v '^Note: ' "$out.err" | head -n 1 | tr '|' '/' | cut -c1-300)
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$host $target $dev $mode $disp" "$probe" \
		"$vnum" "$rc" "$nerr" "$nver" "$n92" "$gen" "$kind" "$ver" "$n101" "$first" >"$out.rec"
	exit 0
fi

# ------------------------------------------------------------- the matrix

IGPUCTL=$(realpath "$1")
VERBOSE=0
[[ ${2-} == -v ]] && VERBOSE=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/base" "$T/roots" "$T/res" "$T/probes"
echo "$IGPUCTL" >"$T/igpuctl"

# The probes: property names per driver, the version as M.m and M*100+m.
probes=()
for f in "$PROBES"/*.probe; do
	p=${f##*/}
	p=${p%.probe}
	probes+=("$p")
	for drv in vfio-pci vfio-pci-nohotplug; do
		sed -n "/^== -device $drv,help\$/,/^== /{s/^  \\([a-z0-9_-]*\\)=.*/\\1/p}" "$f" |
			tr '\n' ' ' >"$T/probes/$p.$drv"
	done
	v=$(sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p' "$f")
	[[ -n $v ]] || {
		echo "no version in $f" >&2
		exit 1
	}
	echo "$v" >"$T/probes/$p.version"
	echo $((${v%%.*} * 100 + ${v#*.})) >"$T/probes/$p.vnum"
done

# The hosts: the examples and tests/vm-config/hosts, as run.sh builds them.
for h in "$SRC"/examples/hosts/*/; do
	h=${h%/}
	cp -a "$h" "$T/base/${h##*/}"
done
(
	# shellcheck source=../fixtures/mkhost.sh
	. "$SRC/tests/fixtures/mkhost.sh"
	hosts_build "$HERE/hosts" "$T/base"
)

cases=$T/cases
: >"$cases"
nhosts=0
for h in "$T"/base/*; do
	n=${h##*/}
	[[ -z ${HOSTS-} || " $HOSTS " == *" $n "* ]] || continue
	igd=$h/sys/bus/pci/devices/0000:00:02.0
	[[ -e $igd && $(cat "$igd/vendor" 2>/dev/null) == 0x8086 &&
		$(cat "$igd/class" 2>/dev/null) == 0x03* ]] || continue
	nhosts=$((nhosts + 1))
	gen=$("$IGPUCTL" --root "$h" show 00:02.0 -J 2>/dev/null | jq -r '.generation // ""')
	pve=0
	if [[ -d $h/etc/pve ]]; then
		pve=1
		mkdir -p "$h/etc/pve/qemu-server"
		# A plain VM for the dry runs: i440fx (no machine line), SeaBIOS.
		printf '%s\n' 'boot: order=scsi0' 'cores: 2' 'memory: 4096' 'name: matrix' \
			'ostype: l26' 'scsi0: local-lvm:vm-900-disk-0,size=32G' >"$h/etc/pve/qemu-server/900.conf"
	fi
	devs=("00:02.0 igpu")
	for m in "$h"/sys/bus/mdev/devices/*; do
		[[ -e $m ]] && devs+=("${m##*/} vgpu") && break
	done
	for vf in "$h"/sys/bus/pci/devices/*; do
		[[ -L $vf/physfn && $(readlink "$vf/physfn") == */0000:00:02.0 ]] &&
			devs+=("${vf##*/} vgpu") && break
	done
	for p in "${probes[@]}"; do
		cp -a "$h" "$T/roots/$n.$p"
		mkdir -p "$T/roots/$n.$p/var/log/igpuctl-capture"
		cp "$PROBES/$p.probe" "$T/roots/$n.$p/var/log/igpuctl-capture/qemu-probe"
	done
	echo "$gen" >"$T/roots/$n.gen"
	targets=(qemu libvirt)
	((pve)) && targets+=(proxmox)
	for p in "${probes[@]}"; do
		for t in "${targets[@]}"; do
			for d in "${devs[@]}"; do
				read -r dev kind <<<"$d"
				disps=(default none)
				[[ $kind == vgpu && $t != proxmox ]] && disps+=(dmabuf ramfb)
				for mo in upt legacy q35 pc; do
					for di in "${disps[@]}"; do
						echo "$T $n $p $t $dev $kind $mo $di" >>"$cases"
					done
				done
			done
		done
	done
done
((nhosts > 0)) || {
	echo "no fixture host with an Intel iGPU" >&2
	exit 1
}

xargs -P "${JOBS:-2}" -L 1 "$SELF" --one <"$cases" >"$T/violations"

# Across probes.  gen11: a Gen 11+ iGPU on QEMU < 9.2 is refused naming 9.2,
# unless the same run is refused on every QEMU (then it is not about QEMU);
# gen125: likewise a Gen 12.5+ iGPU on QEMU 9.2 to 10.0, naming 10.1.
# refusal: a refusal on one QEMU that another QEMU accepts is one line
# naming the version.
cat "$T"/res/*.rec | awk -F'|' '
{
	key = $1; n[key]++; rc[key, $2] = $4
	if ($4 != 1) accepted[key] = 1
	rec[NR] = $0
}
END {
	for (i = 1; i <= NR; i++) {
		split(rec[i], f, "|")
		key = f[1]; probe = f[2]; vnum = f[3]; r = f[4]
		nerr = f[5]; nver = f[6]; n92 = f[7]; gen = f[8] + 0; kind = f[9]; ver = f[10]; n101 = f[11]
		split(key, k, " ")
		id = k[1] " " probe " " k[2] " " k[3] " " k[4] " " k[5]
		if (kind == "igpu" && gen >= 11 && vnum < 902 && (key in accepted)) {
			if (r != 1)
				printf "VIOLATION gen11 %s: Gen %s iGPU on QEMU %s not refused (exit %s)\n", id, f[8], ver, r
			else if (!n92)
				printf "VIOLATION gen11 %s: the refusal does not name 9.2\n", id
		}
		if (kind == "igpu" && gen >= 12.5 && vnum >= 902 && vnum < 1001 && (key in accepted)) {
			if (r != 1)
				printf "VIOLATION gen125 %s: Gen %s iGPU on QEMU %s not refused (exit %s)\n", id, f[8], ver, r
			else if (!n101)
				printf "VIOLATION gen125 %s: the refusal does not name 10.1\n", id
		}
		if (r == 1 && (key in accepted)) {
			if (nerr != 1)
				printf "VIOLATION refusal %s: %d error lines, not one: %s\n", id, nerr, f[12]
			if (!nver)
				printf "VIOLATION refusal %s: the refusal does not name QEMU %s: %s\n", id, ver, f[12]
		}
	}
}' >>"$T/violations"

total=$(wc -l <"$cases")
nviol=$(wc -l <"$T/violations")
sort "$T/violations" | while IFS= read -r line; do
	echo "$line"
	if ((VERBOSE)); then
		read -ra w <<<"$line"
		set -- "${w[@]}"
		f=$T/res/${3}_${4}_${5}_${6}_${7}_${8}
		f=${f%:}
		[[ -f $f.cmd ]] && sed 's/^/    /' "$f.cmd" "$f.err"
	fi
done
echo "qemu-matrix: $total runs on $nhosts hosts x ${#probes[@]} QEMU probes, $nviol violations"
((nviol == 0))
