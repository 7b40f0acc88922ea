#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The value lists are used by name (each LIST ...), which shellcheck cannot see.
# shellcheck disable=SC2034
#
# Bad-input sweep: the real igpuctl binary (under ASan/UBSan in the test
# build) over every command and option with malformed values.  The rule of
# docs/hacking.md is "bad input is refused before anything is touched"; here
# each case must
#
#   - exit with $USAGE_EXIT (a usage error) or $REFUSE_EXIT (a refusal), as
#     the case says; never crash (exit >= 128) and never hang;
#   - print nothing on stdout;
#   - print exactly one error line on stderr, first, starting with "igpuctl: ":
#     one line (a newline in a value must not start a second one), valid
#     UTF-8 without control characters, and short (a 100 KB value is not
#     echoed whole).  A usage error adds the "Try 'igpuctl ... --help'." hint
#     and nothing else; a refusal may add indented lines that say what to do;
#   - leave no sanitizer report;
#   - change nothing under the fixture root: no path's mtime moves (a write,
#     a new, removed or renamed file) in any case, and every path's type,
#     size, mode and link target and every file's hash are as before at the
#     end.
#
# The hosts are copies of examples/hosts/ (pve8-coffeelake, pve8-n100-zfs),
# the vGPU host of tests/vgpu/hosts/gvtg-two-parents.sh and a host with a
# second PCI domain (for ambiguous short addresses), so that the commands that
# take a device have real devices to be wrong about.  No case runs without a
# root of its own: the ones about an empty root only read.
#
#   tests/input/sweep.sh IGPUCTL [-v] [--known] [PATTERN]
#
# -v prints every case; --known also runs the known failures (what they
# write is put back) and says which of them pass now; PATTERN (a bash glob)
# runs only the cases whose label matches.  SWEEP_JOBS=N sets the number of
# workers (default: the number of CPUs).
set -uo pipefail
T0=$SECONDS

IGPUCTL=$(realpath "${1:?usage: sweep.sh IGPUCTL [-v] [--known] [PATTERN]}")
shift
VERBOSE=0 RUN_KNOWN=0
while [[ ${1:-} == -v || ${1:-} == --known ]]; do
	[[ $1 == -v ]] && VERBOSE=1
	[[ $1 == --known ]] && RUN_KNOWN=1
	shift
done
PATTERN=${1:-*}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

# Exit statuses (src/cmd/cmd.h).  The usage status is defined here only.
USAGE_EXIT=64
REFUSE_EXIT=1
# `igpuctl check` documents its own: 2 also when the checks cannot run
# (docs/cli.md), which is what a refused ADDR gives.
CHECK_REFUSE_EXIT=2
# Longest acceptable error line, and all of stderr, in bytes.
MAX_LINE=1100
MAX_STDERR=4096
# Seconds one run may take.
TIMEOUT=20

# ---------------------------------------------------------------------------
# KNOWN FAILURES: cases that fail today in files this work may not change
# (setup.c, revert.c, bind.c and the setup planner are being rewritten).
# Each entry is a case label exactly as printed.  They are reported as
# skipped, never as passed; --known runs them to see which pass again.
known_failures=(
	# Nothing is known to fail; a case that fails for a reason outside this
	# project's reach goes here with the reason, and is reported as skipped.
)

export LC_ALL=C
unset IGPUCTL_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-input-sweep.XXXXXX")
trap 'chmod -R u+rwx "$WORK"/w*/roots 2>/dev/null; rm -rf "$WORK"' EXIT
cases=0 failures=0 skipped=0

# ---------------------------------------------------------------- the hosts

# The cases are dealt round-robin to $JOBS workers, each with its own copy
# of every host ($WORK/wN/...), so that none sees another's files.
JOBS=${SWEEP_JOBS:-$(nproc 2>/dev/null || echo 1)}
((JOBS >= 1 && JOBS <= 8)) || JOBS=2
BASE=$WORK/base
mkdir -p "$BASE"

# build NAME SCRIPT: $BASE/NAME built by tests/fixtures/mkhost.sh (with the
# mdev helpers) from SCRIPT, sourced.
build() {
	(
		set -e
		# shellcheck disable=SC1091
		. "$SRCDIR/tests/fixtures/mkhost.sh"
		# shellcheck disable=SC1091
		. "$SRCDIR/tests/vgpu/mkmdev.sh"
		host_begin "$BASE/$1"
		# shellcheck disable=SC1090
		. "$2"
		host_end
	) || {
		echo "sweep: cannot build host $1" >&2
		exit 1
	}
}

# Two PCI domains (an Intel VMD domain 10000 beside 0000) with the same
# bus:slot.func: short forms of that address are ambiguous.
cat >"$WORK/dom.sh" <<'EOF'
kernel 6.8.12-4-pve
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/nvme0n1p2 ro quiet intel_iommu=on"
os_release pve8
iommu dmar0
pci_dev 0000:00:00.0 --vendor 8086 --device 4660 --class 060000 --group 0
pci_dev 0000:00:02.0 --vendor 8086 --device 4680 --class 030000 --driver i915 --group 1 --boot-vga 1 --drm
pci_dev 10000:00:02.0 --vendor 144d --device a808 --class 010802 --driver nvme --group 2
EOF
cp -a "$SRCDIR/examples/hosts/pve8-coffeelake" "$BASE/cl"
cp -a "$SRCDIR/examples/hosts/pve8-n100-zfs" "$BASE/n100"
build gvt "$SRCDIR/tests/vgpu/hosts/gvtg-two-parents.sh"
build dom "$WORK/dom.sh"
# Containers (ct): a Proxmox VE node with CTs, an LXC container (built as
# root: its render nodes belong to a group).
build ct "$SRCDIR/tests/golden/hosts/ct-pve.sh"
HOSTS=(cl n100 gvt dom ct)
# Hosts igpuctl has run on: a command that may write takes its lock
# (/var/lib/igpuctl/lock, created once and kept, as dpkg's) before it reads
# what its plan rests on, so a refusal found while planning would otherwise
# show up as that one-time creation.
for h in "${HOSTS[@]}"; do
	mkdir -p "$BASE/$h/var/lib/igpuctl"
	: >"$BASE/$h/var/lib/igpuctl/lock"
done

# make_roots: roots that are no usable root tree, in $R.
make_roots() {
	chmod -R u+rwx "$R" 2>/dev/null
	rm -rf "$R"
	mkdir -p "$R/empty" "$R/nosys/etc" "$R/sysfile/sys/bus/pci" "$R/syslink" \
		"$R/unreadable/sys/bus/pci/devices"
	: >"$R/file"
	: >"$R/sysfile/sys/bus/pci/devices"
	# Resolved inside the root, /sys is the link itself: a loop, never the
	# host's sysfs.
	ln -s /sys "$R/syslink/sys"
	ln -s loop "$R/loop"
	chmod 000 "$R/unreadable/sys/bus/pci/devices"
}

# Every path of a fresh copy gets the mtime of OLD, so that after a case
# touched() finds what was written, created, removed (the directory's mtime)
# or renamed, with one find that stops at the first hit.  snap DIR (type,
# size, mtime, mode, link target of every path) says what it was, and is
# compared once more at the end with the file hashes.
OLD=@946684800 # 2000-01-01
age() {
	find "$1" -exec touch -h -d "$OLD" {} + 2>/dev/null
}
touched() {
	[[ -n $(find "$1" -newermt "$OLD" -print -quit 2>/dev/null) ]]
}
snap() {
	find "$1" -printf '%P %y %s %T@ %m %l\n' 2>/dev/null
}
# hashes DIR: the content of every file (compared once more at the end).
hashes() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}
# fresh HOST|roots: (re)create the worker's copy and take its snapshot.
declare -A SNAP HASH
fresh() {
	if [[ $1 == roots ]]; then
		make_roots
		age "$R"
		SNAP[roots]=$(snap "$R")
	else
		rm -rf "${W:?}/$1"
		cp -a "$BASE/$1" "$W/$1"
		age "$W/$1"
		SNAP[$1]=$(snap "$W/$1")
		HASH[$1]=$(hashes "$W/$1")
	fi
}

# ---------------------------------------------------------------- values

# 100 KB values: arguments (MAX_ARG_STRLEN is 128 KiB) and environment.
# (By doubling: bash's ${s//x/y} takes seconds on 100 KB.)
HUGE=a HUGE_DIGITS=9
for _ in {1..17}; do
	HUGE+=$HUGE HUGE_DIGITS+=$HUGE_DIGITS
done
HUGE=${HUGE:0:102400} HUGE_DIGITS=${HUGE_DIGITS:0:102400}

# Each list is NAME VALUE pairs; a case's label shows NAME, never the value,
# so that labels stay one short line.  The *_SOME lists are a few of the
# same kind for the commands that share a parser already swept in full.

# Malformed PCI addresses: a usage error everywhere.
ADDR_BAD=(
	empty ''
	word zz
	no-func 00:02
	empty-func 00:02.
	func-8 00:02.8
	slot-20 00:20.0
	trailing-x 0000:00:02.0x
	domain-1-digit 0:00:02.0
	domain-6-digits 100000:00:02.0
	bus-1-digit 0:02.0
	slot-3-digits 00:002.0
	four-fields 0000:00:00:02.0
	two-dots 0000:00:02.0.0
	colon-func 0000:00:02:0
	0x-prefix 0x00:02.0
	lead-space ' 00:02.0'
	injected-line $'00:02.0\nigpuctl: all good'
	escape $'\e[31m00:02.0\e[0m'
	non-utf8 $'\xff\xfe:02.0'
	fullwidth '００:０２.０'
	dash -
	huge "$HUGE"
)
ADDR_SOME=(
	word zz
	injected-line $'00:02.0\nigpuctl: all good'
	huge "$HUGE"
)
# Well-formed addresses that name no device: a refusal.
ADDR_ABSENT=(
	absent-full 0000:00:03.0
	absent-bus 99:02.0
	absent-short 1f.7
	absent-domain 10000:00:02.0
)
ADDR_ABSENT_SOME=(
	absent-bus 99:02.0
)
UA=4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41 # gvt: active, defined auto
UD=9e2f4c1a-3b5d-4e6f-8a7b-1c2d3e4f5a6b # gvt: defined auto, not active
UNONE=12345678-1234-4234-8234-123456789abc
# Malformed UUIDs: a usage error.
UUID_BAD=(
	empty ''
	word bad
	no-hyphens 4b0d9f8e6a2c4e1b9f3d2c8a7e6b5d41
	non-hex zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz
	injected-line "$UA"$'\nigpuctl: all good'
	path ../../../../etc/passwd
	non-utf8 $'\xff\xfe'
	huge "$HUGE"
)
UUID_SOME=(
	no-hyphens 4b0d9f8e6a2c4e1b9f3d2c8a7e6b5d41
	injected-line "$UA"$'\nigpuctl: all good'
	huge "$HUGE"
)
# Unknown mdev types (of a parent that has types): a refusal.
TYPE_BAD=(
	unknown nope
	dotdot ../mtty-1
	injected-line $'V5_4\nigpuctl: all good'
	non-utf8 $'\xff\xfe'
	huge "$HUGE"
)
TYPE_SOME=(
	unknown nope
	injected-line $'V5_4\nigpuctl: all good'
	huge "$HUGE"
)
# Malformed VMIDs (100 to 999999999, plain digits): a usage error.
VMID_BAD=(
	empty ''
	too-small 99
	leading-zero 0100
	hex 0x64
	too-big 1000000000
	newline $'100\n'
	fullwidth '１００'
	huge-digits "$HUGE_DIGITS"
)
# Malformed counts (vfs --count, setup --vfs): a usage error.
NUM_BAD=(
	negative -1
	too-big 65536
	hex 0x10
	empty ''
	lead-space ' 7'
	newline $'7\n'
	plus +7
	huge-digits "$HUGE_DIGITS"
)
# Malformed group ids (65536 and up are ids too): a usage error.
GID_BAD=(
	negative -1
	too-big 4294967295
	hex 0x10
	empty ''
	lead-space ' 7'
	newline $'7\n'
	plus +7
	huge-digits "$HUGE_DIGITS"
)
NUM_SOME=(
	negative -1
	lead-space ' 7'
	plus +7
	huge-digits "$HUGE_DIGITS"
)
# Unknown modes and other keywords: a usage error.
MODE_BAD=(
	empty ''
	unknown nope
	list 'full,sriov'
	non-utf8 $'\xff'
	huge "$HUGE"
)
WORD_SOME=(
	empty ''
	injected-line $'nope\nigpuctl: all good'
)
# Unknown columns: a usage error.
COL_BAD=(
	empty ''
	comma ','
	unknown NOPE
	injected-line $'NOPE\nigpuctl: all good'
	huge "$HUGE"
)
COL_SOME=(
	comma ','
	injected-line $'NOPE\nigpuctl: all good'
)
# Malformed file paths (a ROM for QEMU or libvirt): a usage error.
PATH_BAD=(
	empty ''
	newline $'a.rom\nb'
	escape $'a\e[31m.rom'
	non-utf8 $'a\xff.rom'
	huge "$HUGE"
)
# Malformed names (drivers, Proxmox VE ROM files, mdev types): a usage error.
NAME_BAD=(
	empty ''
	slash a/b
	space 'a b'
	newline $'a\nb'
	escape $'a\e[31mb'
	non-utf8 $'a\xffb'
	huge "$HUGE"
)
NAME_SOME=(
	slash a/b
	injected-line $'a\nigpuctl: all good'
	non-utf8 $'a\xffb'
	huge "$HUGE"
)
# Malformed libvirt domain names (libvirt itself takes blanks): a usage error.
DOMAIN_BAD=(
	empty ''
	slash a/b
	newline $'a\nb'
	escape $'a\e[31mb'
	non-utf8 $'a\xffb'
	huge "$HUGE"
)
# Malformed Proxmox VE ids (--mapping, --node): a usage error.
PVEID_BAD=(
	empty ''
	digit-first 1x
	injected-line $'a\nigpuctl: all good'
	too-long "a$HUGE_DIGITS"
)
# Kernel parameters and driver names for setup: refused (exit 1) against
# what the boot loader that reads them takes.
# shellcheck disable=SC2016 # literal shell syntax
PARAM_BAD=(
	empty ''
	space 'a b'
	quote 'a="x y"'
	shell '$(reboot)'
	backquote '`reboot`'
	semicolon 'a;b'
	newline $'a\nb'
	escape $'a\e[31m'
	non-utf8 $'a\xff'
	huge "$HUGE"
)

# ---------------------------------------------------------------- the runner

is_known() {
	local k
	for k in "${known_failures[@]}"; do
		[[ $k == "$1" ]] && return 0
	done
	return 1
}

# say TEXT...: a line of this worker's report, keyed by the case's number
# so that the reports of all workers merge in the order of the cases.
say() {
	printf '%d\t%s\n' "$CASE" "$*"
}

# check_output EXPECT WANTED-EXIT RC: the rules of the header, on $W/out and
# $W/err; sets WHY to what is wrong.
check_output() {
	local expect=$1 want=$2 rc=$3 err='' i n=0
	local -a lines
	WHY=()
	if ((rc >= 128)); then
		WHY+=("crashed (exit $rc)")
	elif ((rc == 124)); then
		WHY+=("did not finish in ${TIMEOUT}s")
	elif ((rc != want)); then
		WHY+=("exit $rc, expected $want")
	fi
	if [[ -s $W/out ]]; then
		local out=''
		IFS= read -r -d '' -n 200 out <"$W/out"
		WHY+=("stdout is not empty: ${out@Q}")
	fi
	IFS= read -r -d '' err <"$W/err"
	mapfile -t lines <"$W/err"
	[[ $err == *Sanitizer* || $err == *"runtime error:"* ]] && WHY+=("sanitizer report")
	[[ ${lines[0]:-} == "igpuctl: "?* ]] || WHY+=("stderr does not start with 'igpuctl: '")
	for ((i = 0; i < ${#lines[@]}; i++)); do
		[[ ${lines[i]} == igpuctl:* ]] && n=$((n + 1))
	done
	((n <= 1)) || WHY+=("$n lines start with 'igpuctl:'")
	if [[ $expect == usage ]]; then
		# The message and the hint, nothing else.
		if ((${#lines[@]} != 2)) || ! [[ ${lines[1]} =~ ^Try\ \'igpuctl\ ([a-z-]+\ )*--help\'\.$ ]]; then
			WHY+=("a usage error is its line and the --help hint, not ${#lines[@]} lines")
		fi
	else
		for ((i = 1; i < ${#lines[@]}; i++)); do
			if [[ ${lines[i]} != "  "* ]]; then
				WHY+=("stderr line $((i + 1)) is neither the error nor indented advice")
				break
			fi
		done
	fi
	((${#lines[0]} <= MAX_LINE)) || WHY+=("error line of ${#lines[0]} bytes")
	((${#err} <= MAX_STDERR)) || WHY+=("stderr of ${#err} bytes")
	[[ $err == *[$'\x01'-$'\x09'$'\x0b'-$'\x1f'$'\x7f']* ]] && WHY+=("stderr has control characters")
	if [[ $err == *[$'\x80'-$'\xff']* ]] && ! iconv -f UTF-8 -t UTF-8 "$W/err" >/dev/null 2>&1; then
		WHY+=("stderr is not valid UTF-8")
	fi
	((${#WHY[@]} == 0))
}

# run LABEL EXPECT HOST [IGPUCTL_ROOT=VALUE] -- ARGS...
#   EXPECT  usage | refuse | check (a refusal of `igpuctl check`)
#   HOST    a host (given as --root); or - for none: the case gives its own
#           --root, or IGPUCTL_ROOT, somewhere in $R
run() {
	local label=$1 expect=$2 host=$3 want rc=0 dir key known=0 err=''
	local -a env=() root=()
	shift 3
	if [[ $1 == IGPUCTL_ROOT=* ]]; then
		env=(env "$1")
		shift
	fi
	[[ $1 == -- ]] && shift
	CASE=$((CASE + 1))
	((CASE % JOBS == WORKER)) || return 0
	# shellcheck disable=SC2053
	[[ $label == $PATTERN ]] || return 0
	case $expect in
	usage) want=$USAGE_EXIT ;;
	refuse) want=$REFUSE_EXIT ;;
	check) want=$CHECK_REFUSE_EXIT ;;
	*) echo "sweep: bad EXPECT $expect in $label" >&2; exit 1 ;;
	esac
	cases=$((cases + 1))
	if is_known "$label"; then
		known=1
		skipped=$((skipped + 1))
		if ((!RUN_KNOWN)); then
			say "SKIP $label (known failure)"
			return 0
		fi
	fi
	if [[ $host == - ]]; then
		dir=$R key=roots
	else
		dir=$W/$host key=$host
		root=(--root "$dir")
	fi
	"${env[@]}" timeout "$TIMEOUT" "$IGPUCTL" "${root[@]}" "$@" </dev/null >"$W/out" 2>"$W/err" || rc=$?
	check_output "$expect" "$want" "$rc"
	if touched "$dir"; then
		WHY+=("changed under the root: $(diff <(echo "${SNAP[$key]}") <(snap "$dir") | grep '^[<>]' | head -n 4 | tr '\n' ' ')")
		# Put it back for the cases that follow.
		fresh "$key"
	fi
	if ((known)); then
		if ((${#WHY[@]} == 0)); then
			say "SKIP $label (known failure; passes now: take it out of known_failures)"
		else
			say "SKIP $label (known failure: ${WHY[0]})"
		fi
		return 0
	fi
	if ((${#WHY[@]} == 0)); then
		((VERBOSE)) && say "ok   $label"
		return 0
	fi
	failures=$((failures + 1))
	say "FAIL $label"
	for err in "${WHY[@]}"; do
		say "  $err"
	done
	IFS= read -r -d '' -n 600 err <"$W/err"
	say "  stderr: ${err@Q}"
}

# each LIST LABEL-PREFIX EXPECT HOST ARGS...: one case per value of LIST; an
# argument @ is the value, one ending in =@ gets it after the '='.
each() {
	local -n list=$1
	local prefix=$2 expect=$3 host=$4 i a
	shift 4
	for ((i = 0; i < ${#list[@]}; i += 2)); do
		local -a args=()
		for a in "$@"; do
			case $a in
			@) args+=("${list[i + 1]}") ;;
			*=@) args+=("${a%@}${list[i + 1]}") ;;
			*) args+=("$a") ;;
			esac
		done
		run "$prefix<${list[i]}>" "$expect" "$host" -- "${args[@]}"
	done
}

# opts LABEL HOST ARGS...: an unknown option after ARGS.
# opts_all LABEL HOST ARGS...: also with a value, and odd ones.
opts() {
	local label=$1 host=$2
	shift 2
	run "$label: unknown long option" usage "$host" -- "$@" --nope
}
opts_all() {
	local label=$1 host=$2
	shift 2
	opts "$label" "$host" "$@"
	run "$label: unknown short option" usage "$host" -- "$@" -Z
	run "$label: unknown long option with a value" usage "$host" -- "$@" --nope=1
	run "$label: unknown short option, non-UTF-8" usage "$host" -- "$@" $'-\xff'
	run "$label: unknown long option, injected line" usage "$host" -- "$@" $'--x\nigpuctl: all good'
	run "$label: unknown long option, huge" usage "$host" -- "$@" "--$HUGE"
	run "$label: option without a name" usage "$host" -- "$@" --=x
}

# The cases, in one function that each worker runs (doing its share).
all_cases() {

	# ---------------------------------------------------------------- global

	run "global: unknown command" usage cl -- nope
	run "global: unknown command, non-UTF-8" usage cl -- $'\xff\xfe'
	run "global: unknown command, injected line" usage cl -- $'nope\nigpuctl: all good'
	run "global: unknown command, huge" usage cl -- "$HUGE"
	run "global: unknown long option" usage cl -- --nope status
	run "global: unknown short option" usage cl -- -Z status
	run "global: --json with a value" usage cl -- --json=1 status
	run "global: --root without a value" usage - -- status --root
	run "global: --root= empty" usage - -- --root= status
	run "global: --root empty" usage - -- --root '' status
	run "global: --root empty, vgpu list" usage - -- --root '' vgpu list --defined
	run "global: --root empty, setup dry run" usage - -- --root '' setup --mode full --dry-run
	run "global: --root missing" refuse - -- --root "$R/missing" status
	run "global: --root empty directory" refuse - -- --root "$R/empty" status
	run "global: --root without sys" refuse - -- --root "$R/nosys" list
	run "global: --root with sys/bus/pci/devices a file" refuse - -- --root "$R/sysfile" list
	run "global: --root with sys a link to /sys" refuse - -- --root "$R/syslink" list
	if ((EUID != 0)); then
		run "global: --root unreadable" refuse - -- --root "$R/unreadable" list
	fi
	run "global: --root a regular file" refuse - -- --root "$R/file" status
	run "global: --root /dev/null" refuse - -- --root /dev/null status
	run "global: --root a symlink loop" refuse - -- --root "$R/loop" status
	run "global: --root with a newline" refuse - -- --root "$R/a"$'\nigpuctl: all good' status
	run "global: --root with an escape" refuse - -- --root "$R/a"$'\e[31m' status
	run "global: --root non-UTF-8" refuse - -- --root "$R/a"$'\xff' status
	run "global: --root huge" refuse - -- --root "$R/$HUGE" status
	run "env: IGPUCTL_ROOT empty" usage - IGPUCTL_ROOT= -- status
	run "env: IGPUCTL_ROOT empty, vgpu list" usage - IGPUCTL_ROOT= -- vgpu list --defined
	run "env: IGPUCTL_ROOT missing" refuse - IGPUCTL_ROOT="$R/missing" -- status
	run "env: IGPUCTL_ROOT a regular file" refuse - IGPUCTL_ROOT="$R/file" -- status
	run "env: IGPUCTL_ROOT with a newline" refuse - IGPUCTL_ROOT="$R/a"$'\nigpuctl: all good' -- status
	run "env: IGPUCTL_ROOT huge" refuse - IGPUCTL_ROOT="$R/$HUGE" -- vgpu list --defined

	# ---------------------------------------------------------------- read-only commands

	opts status cl status
	run "status: extra argument" usage cl -- status extra
	run "status: --help with a value" usage cl -- status --help=1

	opts_all list cl list
	run "list: extra argument" usage cl -- list extra
	each COL_BAD "list -o " usage cl list -o @
	run "list: -o without a value" usage cl -- list -o
	run "list: --output= empty" usage cl -- list --output=
	run "list: --noheadings with a value" usage cl -- list --noheadings=1
	run "list: -J -o unknown" usage cl -- -J list -o NOPE

	opts iommu cl iommu
	run "iommu: extra argument" usage cl -- iommu extra
	run "iommu: --all with a value" usage cl -- iommu --all=yes

	opts show cl show 00:02.0
	run "show: no address" usage cl -- show
	run "show: two addresses" usage cl -- show 00:02.0 00:1f.3
	each ADDR_BAD "show " usage cl show @
	each ADDR_ABSENT "show " refuse cl show @
	run "show <ambiguous-short>" refuse dom -- show 00:02.0
	run "show <ambiguous-shortest>" refuse dom -- show 2.0
	run "show -J <word>" usage cl -- -J show zz

	opts check cl check
	run "check: two addresses" usage cl -- check 00:02.0 00:1f.3
	each ADDR_SOME "check " usage cl check @
	each ADDR_ABSENT_SOME "check " check cl check @
	run "check <ambiguous-shortest>" check dom -- check 2.0
	each MODE_BAD "check --mode " usage cl check --mode @
	run "check: --mode without a value" usage cl -- check --mode
	run "check: -m without a value" usage cl -- check -m
	each COL_SOME "check -o " usage cl check -o @
	run "check: --list with a value" usage cl -- check --list=1

	opts guest cl guest
	run "guest: extra argument" usage cl -- guest extra
	run "guest: --device without a value" usage cl -- guest --device
	run "guest: --no-va with a value" usage cl -- guest --no-va=1
	each ADDR_SOME "guest --device " usage cl guest --device @
	each ADDR_ABSENT_SOME "guest --device " refuse cl guest --device @
	run "guest --device <ambiguous-shortest>" refuse dom -- guest --device 2.0

	# ---------------------------------------------------------------- vfs (writes sriov_numvfs)

	opts vfs n100 vfs 00:02.0 --count 1 --persist
	run "vfs: no address" usage n100 -- vfs
	run "vfs: two addresses" usage n100 -- vfs 00:02.0 00:1f.3 --count 1
	each ADDR_SOME "vfs --count 7 --persist " usage n100 vfs @ --count 7 --persist
	each ADDR_ABSENT_SOME "vfs --count 7 --persist --bind " refuse n100 vfs @ --count 7 --persist --bind
	run "vfs --count 7 <ambiguous-shortest>" refuse dom -- vfs 2.0 --count 7
	each NUM_BAD "vfs --persist --bind --count " usage n100 vfs 00:02.0 --persist --bind --count @
	run "vfs: --count without a value" usage n100 -- vfs 00:02.0 --count
	run "vfs: -c without a value" usage n100 -- vfs 00:02.0 -c
	run "vfs: --count= empty --persist" usage n100 -- vfs 00:02.0 --count= --persist
	run "vfs: --count more than sriov_totalvfs --persist" refuse n100 -- vfs 00:02.0 --count 8 --persist
	run "vfs: --persist with a value" usage n100 -- vfs 00:02.0 --persist=1
	each COL_SOME "vfs --count 1 -o " usage n100 vfs 00:02.0 --count 1 -o @
	run "vfs -J --count <negative>" usage n100 -- -J vfs 00:02.0 --count -1

	# ---------------------------------------------------------------- vgpu (writes create, remove, definitions)

	run "vgpu: no subcommand" usage gvt -- vgpu
	run "vgpu: unknown subcommand" usage gvt -- vgpu nope
	run "vgpu: unknown subcommand, injected line" usage gvt -- vgpu $'nope\nigpuctl: all good'
	run "vgpu: unknown subcommand, huge" usage gvt -- vgpu "$HUGE"
	run "vgpu: an option before the subcommand" usage gvt -- vgpu --nope list
	opts "vgpu types" gvt vgpu types
	opts "vgpu list" gvt vgpu list
	opts "vgpu create" gvt vgpu create --type V5_4
	opts "vgpu define" gvt vgpu define --type V5_4
	opts "vgpu remove" gvt vgpu remove "$UA"
	opts "vgpu start-defined" gvt vgpu start-defined

	run "vgpu types: two parents" usage gvt -- vgpu types 0000:00:02.0 mtty
	each ADDR_SOME "vgpu types " usage gvt vgpu types @
	each ADDR_ABSENT_SOME "vgpu types " refuse gvt vgpu types @
	each COL_SOME "vgpu types -o " usage gvt vgpu types -o @
	run "vgpu list: extra argument" usage gvt -- vgpu list extra
	run "vgpu list: --defined with a value" usage gvt -- vgpu list --defined=yes
	each COL_SOME "vgpu list -o " usage gvt vgpu list -o @

	run "vgpu create: no --type" usage gvt -- vgpu create
	run "vgpu create: --type without a value" usage gvt -- vgpu create --type
	run "vgpu create: --uuid without a value" usage gvt -- vgpu create --type V5_4 --uuid
	run "vgpu create: --type empty" usage gvt -- vgpu create --type ''
	run "vgpu create: --auto with a value" usage gvt -- vgpu create --type V5_4 --auto=1
	run "vgpu create: --manual" usage gvt -- vgpu create --type V5_4 --manual
	run "vgpu create: two parents" usage gvt -- vgpu create 0000:00:02.0 mtty --type V5_4
	each UUID_SOME "vgpu create --auto --uuid " usage gvt vgpu create --type V5_4 --auto --uuid @
	each TYPE_BAD "vgpu create --auto --type " refuse gvt vgpu create 0000:00:02.0 --auto --type @
	each ADDR_SOME "vgpu create --auto " usage gvt vgpu create @ --type V5_4 --auto
	each ADDR_ABSENT_SOME "vgpu create --auto " refuse gvt vgpu create @ --type V5_4 --auto
	run "vgpu create: UUID of an active vGPU" refuse gvt -- vgpu create --type V5_4 --uuid "$UA"
	run "vgpu create: --auto, UUID defined already" refuse gvt -- vgpu create --type V5_4 --auto --uuid "$UD"

	run "vgpu define: neither --type nor --uuid" usage gvt -- vgpu define
	run "vgpu define: --auto" usage gvt -- vgpu define --type V5_4 --auto
	run "vgpu define: PARENT without --type" usage gvt -- vgpu define 0000:00:02.0 --uuid "$UNONE"
	run "vgpu define: --type empty" usage gvt -- vgpu define --type ''
	run "vgpu define: --manual with a value" usage gvt -- vgpu define --type V5_4 --manual=1
	each UUID_SOME "vgpu define --uuid " usage gvt vgpu define --type V5_4 --uuid @
	each UUID_SOME "vgpu define (active) --uuid " usage gvt vgpu define --uuid @
	each TYPE_SOME "vgpu define --type " refuse gvt vgpu define --type @
	each ADDR_SOME "vgpu define " usage gvt vgpu define @ --type V5_4
	each ADDR_ABSENT_SOME "vgpu define " refuse gvt vgpu define @ --type V5_4
	run "vgpu define: UUID of no active vGPU" refuse gvt -- vgpu define --uuid "$UNONE"
	run "vgpu define: UUID defined already" refuse gvt -- vgpu define --type V5_4 --uuid "$UD"

	run "vgpu remove: no UUID" usage gvt -- vgpu remove
	run "vgpu remove: two UUIDs" usage gvt -- vgpu remove "$UA" "$UD"
	run "vgpu remove: --undefine with a value" usage gvt -- vgpu remove "$UA" --undefine=1
	each UUID_BAD "vgpu remove --undefine " usage gvt vgpu remove --undefine @
	run "vgpu remove: UUID of nothing" refuse gvt -- vgpu remove "$UNONE"
	run "vgpu remove: UUID of nothing, --undefine" refuse gvt -- vgpu remove "$UNONE" --undefine
	run "vgpu remove -J <word>" usage gvt -- -J vgpu remove bad

	run "vgpu start-defined: two parents" usage gvt -- vgpu start-defined 0000:00:02.0 mtty
	each ADDR_SOME "vgpu start-defined " usage gvt vgpu start-defined @
	run "vgpu start-defined <dotdot>" usage gvt -- vgpu start-defined ../../etc
	run "vgpu start-defined <no-such-parent>" usage gvt -- vgpu start-defined nope
	each ADDR_ABSENT_SOME "vgpu start-defined " refuse gvt vgpu start-defined @

	# ---------------------------------------------------------------- ct (proxmox, lxc --apply write)

	run "ct: no target" usage ct -- ct
	run "ct: unknown target" usage ct -- ct nope 00:02.2
	run "ct: unknown target, injected line" usage ct -- ct $'nope\nigpuctl: all good'
	opts_all "ct proxmox --apply" ct ct proxmox 302 00:02.2 --apply
	opts_all "ct lxc --apply" ct ct lxc frigate 00:02.2 --apply
	opts "ct incus" ct ct incus jelly 00:02.5
	opts "ct docker" ct ct docker 00:02.2
	run "ct proxmox: no device" usage ct -- ct proxmox 302 --apply
	run "ct proxmox: extra argument" usage ct -- ct proxmox 302 00:02.2 extra --apply
	run "ct docker: a container" usage ct -- ct docker frigate 00:02.2
	run "ct proxmox: --apply with a value" usage ct -- ct proxmox 302 00:02.2 --apply=1
	each VMID_BAD "ct proxmox --apply " usage ct ct proxmox @ 00:02.2 --apply
	each ADDR_SOME "ct proxmox 302 --apply " usage ct ct proxmox 302 @ --apply
	each ADDR_ABSENT_SOME "ct proxmox 302 --apply " refuse ct ct proxmox 302 @ --apply
	each GID_BAD "ct proxmox --apply --gid " usage ct ct proxmox 302 00:02.2 --apply --gid @
	run "ct proxmox --apply <absent-ct>" refuse ct -- ct proxmox 555 00:02.2 --apply
	run "ct proxmox --apply <vfio-pci device>" refuse ct -- ct proxmox 302 00:02.1 --apply
	run "ct proxmox --apply <no GPU>" refuse ct -- ct proxmox 302 00:00.0 --apply
	run "ct proxmox --apply <unreadable root>" refuse ct -- ct proxmox 304 00:02.5 --apply
	each NAME_BAD "ct lxc --apply " usage ct ct lxc @ 00:02.2 --apply
	run "ct lxc --apply <dot name>" usage ct -- ct lxc .. 00:02.2 --apply
	run "ct lxc --apply <no config>" refuse ct -- ct lxc other 00:02.2 --apply
	each PATH_BAD "ct lxc --apply --lxcpath " usage ct ct lxc frigate 00:02.2 --apply --lxcpath @
	run "ct lxc --apply --lxcpath <relative>" usage ct -- ct lxc frigate 00:02.2 --apply --lxcpath lxc
	run "ct incus --lxcpath" usage ct -- ct incus jelly 00:02.5 --lxcpath /var/lib/lxc
	run "ct incus --apply" usage ct -- ct incus jelly 00:02.5 --apply
	run "ct docker --apply" usage ct -- ct docker 00:02.2 --apply
	each NAME_BAD "ct incus " usage ct ct incus @ 00:02.5
	run "ct incus <unreadable root>" refuse ct -- ct incus nothere 00:02.5
	run "ct -J proxmox --apply <too-small>" usage ct -- -J ct proxmox 99 00:02.2 --apply

	# ---------------------------------------------------------------- report (refused before it writes)
	opts_all "report" ct report
	run "report: an argument" usage ct -- report extra
	run "report: -o without a value" usage ct -- report -o
	run "report: -o empty" usage ct -- report -o ''
	run "report: --keep-hostname with a value" usage ct -- report --keep-hostname=1
	run "report -o <existing file>" refuse ct -- report -o /dev/null

	# ---------------------------------------------------------------- vm (proxmox --apply writes)

	run "vm: no target" usage cl -- vm
	run "vm: unknown target" usage cl -- vm nope
	run "vm: unknown target, injected line" usage cl -- vm $'nope\nigpuctl: all good'
	run "vm: unknown target, huge" usage cl -- vm "$HUGE"
	opts "vm qemu" cl vm qemu 00:02.0
	opts "vm libvirt" cl vm libvirt 00:02.0
	opts "vm proxmox --apply" cl vm proxmox 100 00:02.0 --apply
	run "vm proxmox --apply: unknown long option with a value" usage cl -- vm proxmox 100 00:02.0 --apply --nope=1

	run "vm qemu: no device" usage cl -- vm qemu
	run "vm qemu: two devices" usage cl -- vm qemu 00:02.0 00:1f.3
	run "vm qemu: --x-vga with a value" usage cl -- vm qemu 00:02.0 --x-vga=1
	for o in --display --romfile; do
		run "vm qemu: $o without a value" usage cl -- vm qemu 00:02.0 "$o"
	done
	each ADDR_SOME "vm qemu " usage cl vm qemu @
	each UUID_SOME "vm qemu " usage cl vm qemu @
	each ADDR_ABSENT_SOME "vm qemu " refuse cl vm qemu @
	run "vm qemu <ambiguous-short>" refuse dom -- vm qemu 00:02.0
	run "vm qemu <absent-uuid>" refuse gvt -- vm qemu "$UNONE"
	each WORD_SOME "vm qemu --display " usage cl vm qemu 00:02.0 --display @
	each WORD_SOME "vm qemu --machine " usage cl vm qemu 00:02.0 --machine @
	run "vm qemu --machine <with-options>" usage cl -- vm qemu 00:02.0 --machine 'q35,accel=tcg'
	run "vm qemu --machine <version-newline>" usage cl -- vm qemu 00:02.0 --machine $'pc-q35-8.1\nx'
	each WORD_SOME "vm qemu --rombar " usage cl vm qemu 00:02.0 --rombar @
	each PATH_BAD "vm qemu --romfile " usage cl vm qemu 00:02.0 --romfile @
	run "vm qemu --ovmf <empty>" usage cl -- vm qemu 00:02.0 --ovmf ''
	run "vm qemu --ovmf <escape>" usage cl -- vm qemu 00:02.0 --ovmf $'a\e[31m.rom'
	each NUM_SOME "vm qemu --full --memory " usage cl vm qemu 00:02.0 --full --memory @
	run "vm qemu --memory <hex>" usage cl -- vm qemu 00:02.0 --full --memory 0x1000
	run "vm qemu --memory <empty>" usage cl -- vm qemu 00:02.0 --full --memory ''
	run "vm qemu --memory <too-small>" usage cl -- vm qemu 00:02.0 --full --memory 127
	run "vm qemu --memory <too-big>" usage cl -- vm qemu 00:02.0 --full --memory 16777217
	run "vm qemu --memory without --full" usage cl -- vm qemu 00:02.0 --memory 4096
	run "vm qemu --full with a value" usage cl -- vm qemu 00:02.0 --full=1
	run "vm qemu --vf without a value" usage cl -- vm qemu 00:02.0 --vf
	each WORD_SOME "vm qemu --vf " usage cl vm qemu 00:02.0 --vf @
	each NUM_SOME "vm qemu --vf " usage cl vm qemu 00:02.0 --vf @
	run "vm qemu --vf <no-sr-iov>" refuse cl -- vm qemu 00:02.0 --vf next
	run "vm qemu --force with a value" usage cl -- vm qemu 00:02.0 --force=1

	run "vm libvirt: ambiguous --d" usage cl -- vm libvirt 00:02.0 --d x
	run "vm libvirt: --apply without --domain" usage cl -- vm libvirt 00:02.0 --apply
	run "vm libvirt: --connect without --domain" usage cl -- vm libvirt 00:02.0 --connect qemu:///system
	run "vm libvirt: --domain and --xml" usage cl -- vm libvirt 00:02.0 --domain x --xml "$R/file"
	run "vm libvirt: --domain without a value" usage cl -- vm libvirt 00:02.0 --domain
	each ADDR_SOME "vm libvirt " usage cl vm libvirt @
	run "vm libvirt --display <unknown>" usage cl -- vm libvirt 00:02.0 --display nope
	run "vm libvirt --machine <with-options>" usage cl -- vm libvirt 00:02.0 --machine 'pc,accel=tcg'
	run "vm libvirt --rombar <unknown>" usage cl -- vm libvirt 00:02.0 --rombar maybe
	run "vm libvirt --romfile <non-utf8>" usage cl -- vm libvirt 00:02.0 --romfile $'a\xff.rom'
	run "vm libvirt --ovmf <newline>" usage cl -- vm libvirt 00:02.0 --ovmf $'a.rom\nb'
	each DOMAIN_BAD "vm libvirt --apply --domain " usage cl vm libvirt 00:02.0 --apply --domain @
	run "vm libvirt --connect <empty>" usage cl -- vm libvirt 00:02.0 --domain x --connect ''
	run "vm libvirt --connect <newline>" usage cl -- vm libvirt 00:02.0 --domain x --connect $'qemu:///system\nx'
	run "vm libvirt --connect <space>" usage cl -- vm libvirt 00:02.0 --domain x --connect 'qemu:///sys tem'
	run "vm libvirt --xml <empty>" usage cl -- vm libvirt 00:02.0 --xml ''
	run "vm libvirt --xml <missing>" refuse cl -- vm libvirt 00:02.0 --xml "$R/missing"
	run "vm libvirt --xml <directory>" refuse cl -- vm libvirt 00:02.0 --xml "$R/empty"
	run "vm libvirt --xml <not-xml>" refuse cl -- vm libvirt 00:02.0 --xml "$SRCDIR/README.md"
	run "vm libvirt --xml <newline>" refuse cl -- vm libvirt 00:02.0 --xml "$R/a"$'\nigpuctl: all good'
	run "vm libvirt --xml <huge>" refuse cl -- vm libvirt 00:02.0 --xml "$R/$HUGE"

	run "vm proxmox: no arguments" usage cl -- vm proxmox
	run "vm proxmox: no device" usage cl -- vm proxmox 100
	run "vm proxmox: extra argument" usage cl -- vm proxmox 100 00:02.0 extra --apply
	run "vm proxmox: --apply with a value" usage cl -- vm proxmox 100 00:02.0 --apply=1
	for o in --mapping --mdev; do
		run "vm proxmox --apply: $o without a value" usage cl -- vm proxmox 100 00:02.0 --apply "$o"
	done
	run "vm proxmox --apply: --ovmf" usage cl -- vm proxmox 100 00:02.0 --apply --ovmf x.rom
	each VMID_BAD "vm proxmox --apply " usage cl vm proxmox @ 00:02.0 --apply
	run "vm proxmox --apply <negative>" usage cl -- vm proxmox -1 00:02.0 --apply
	run "vm proxmox --apply <absent-vm>" refuse cl -- vm proxmox 555 00:02.0 --apply
	each ADDR_SOME "vm proxmox 100 --apply " usage cl vm proxmox 100 @ --apply
	each ADDR_ABSENT_SOME "vm proxmox 100 --apply " refuse cl vm proxmox 100 @ --apply
	run "vm proxmox --apply --display <unknown>" usage cl -- vm proxmox 100 00:02.0 --apply --display nope
	run "vm proxmox --apply --machine <with-options>" usage cl -- vm proxmox 100 00:02.0 --apply --machine 'q35,viommu=x'
	run "vm proxmox --apply --rombar <unknown>" usage cl -- vm proxmox 100 00:02.0 --apply --rombar maybe
	each NAME_SOME "vm proxmox --apply --romfile " usage cl vm proxmox 100 00:02.0 --apply --romfile @
	run "vm proxmox --apply --romfile <space>" usage cl -- vm proxmox 100 00:02.0 --apply --romfile 'a b.rom'
	run "vm proxmox --apply --romfile <comma>" usage cl -- vm proxmox 100 00:02.0 --apply --romfile a,b.rom
	run "vm proxmox --apply --romfile <equals>" usage cl -- vm proxmox 100 00:02.0 --apply --romfile a=b.rom
	each PVEID_BAD "vm proxmox --apply --mapping " usage cl vm proxmox 100 00:02.0 --apply --mapping @
	each PVEID_BAD "vm proxmox --apply --node " usage cl vm proxmox 100 00:02.0 --apply --mapping igpu --node @
	run "vm proxmox --apply: --node without --mapping" usage cl -- vm proxmox 100 00:02.0 --apply --node pve
	each NAME_SOME "vm proxmox --apply --mdev " usage cl vm proxmox 100 00:02.0 --apply --mdev @
	run "vm proxmox --apply --mdev <unknown>" refuse cl -- vm proxmox 100 00:02.0 --apply --mdev i915-GVTg_V5_99
	run "vm proxmox -J --apply <too-small>" usage cl -- -J vm proxmox 99 00:02.0 --apply

	# ---------------------------------------------------------------- vm lint (reads only)

	opts_all "vm lint proxmox" cl vm lint proxmox 100
	opts "vm lint libvirt" cl vm lint libvirt x
	opts "vm lint qemu" cl vm lint qemu
	run "vm lint: no target" usage cl -- vm lint
	run "vm lint: unknown target" usage cl -- vm lint hyperv 100
	run "vm lint proxmox: no VMID" usage cl -- vm lint proxmox
	run "vm lint proxmox: two VMIDs" usage cl -- vm lint proxmox 100 101
	run "vm lint proxmox: arguments after --" usage cl -- vm lint proxmox 100 -- -M q35
	run "vm lint proxmox: --connect" usage cl -- vm lint proxmox 100 --connect qemu:///system
	each VMID_BAD "vm lint proxmox " usage cl vm lint proxmox @
	run "vm lint proxmox <absent-vm>" check cl -- vm lint proxmox 555
	each COL_SOME "vm lint proxmox -o " usage cl vm lint proxmox 100 -o @
	run "vm lint libvirt: no domain" usage cl -- vm lint libvirt
	run "vm lint libvirt: two domains" usage cl -- vm lint libvirt a b
	run "vm lint libvirt <empty>" usage cl -- vm lint libvirt ''
	run "vm lint libvirt <newline>" usage cl -- vm lint libvirt $'a\nigpuctl: all good'
	run "vm lint libvirt <escape>" usage cl -- vm lint libvirt $'a\e[31mb'
	run "vm lint libvirt <non-utf8>" usage cl -- vm lint libvirt $'a\xffb'
	run "vm lint libvirt <huge>" usage cl -- vm lint libvirt "$HUGE"
	run "vm lint libvirt <absent-domain>" check cl -- vm lint libvirt nosuch
	run "vm lint libvirt <missing-file>" check cl -- vm lint libvirt "$R/missing.xml"
	run "vm lint libvirt <directory>" check cl -- vm lint libvirt "$R/empty"
	run "vm lint libvirt <not-xml>" check cl -- vm lint libvirt "$SRCDIR/README.md"
	run "vm lint libvirt --connect <empty>" usage cl -- vm lint libvirt x --connect ''
	run "vm lint libvirt --connect <newline>" usage cl -- vm lint libvirt x --connect $'qemu:///system\nx'
	run "vm lint qemu: no --" usage cl -- vm lint qemu -device vfio-pci,host=00:02.0
	run "vm lint qemu: nothing after --" usage cl -- vm lint qemu --
	run "vm lint qemu: an argument before --" usage cl -- vm lint qemu x -- -M q35
	run "vm lint qemu -device <missing>" check cl -- vm lint qemu -- -device
	run "vm lint qemu -device <empty-key>" check cl -- vm lint qemu -- -device 'vfio-pci,=on'
	run "vm lint qemu -device <flag-comma>" check cl -- vm lint qemu -- -device 'vfio-pci,x-vga,,'
	run "vm lint qemu -device <bad-host>" check cl -- vm lint qemu -- -device vfio-pci,host=zz
	run "vm lint qemu -device <bad-addr>" check cl -- vm lint qemu -- -device vfio-pci,host=00:02.0,addr=0x40
	run "vm lint qemu -device <injected-line>" check cl -- vm lint qemu -- -device $'vfio-pci,host=zz\nigpuctl: all good'
	run "vm lint qemu -device <huge>" check cl -- vm lint qemu -- -device "vfio-pci,host=$HUGE"
	run "vm lint qemu -machine <empty-key>" check cl -- vm lint qemu -- -machine 'q35,=x'
	run "vm lint qemu -display <empty-key>" check cl -- vm lint qemu -- -display 'gtk,=on'

	# ---------------------------------------------------------------- bind / unbind (--persist writes)

	opts bind cl bind 00:02.0 --allow-boot-vga --persist
	opts unbind cl unbind 00:02.0
	run "bind: no address" usage cl -- bind
	run "bind: two addresses" usage cl -- bind 00:02.0 00:1f.3 --persist
	run "bind: --driver without a value" usage cl -- bind 00:02.0 --allow-boot-vga --persist --driver
	run "bind: --persist with a value" usage cl -- bind 00:02.0 --allow-boot-vga --persist=1
	each ADDR_SOME "bind --persist " usage cl bind @ --persist
	each ADDR_ABSENT_SOME "bind --persist " refuse cl bind @ --persist
	run "bind --persist <ambiguous-short>" refuse dom -- bind 00:02.0 --persist --allow-boot-vga
	each NAME_BAD "bind --persist --driver " usage cl bind 00:02.0 --allow-boot-vga --persist --driver @
	run "bind --persist --driver <dotdot>" usage cl -- bind 00:02.0 --allow-boot-vga --persist --driver ..
	run "bind --persist --driver <semicolon>" usage cl -- bind 00:02.0 --allow-boot-vga --persist --driver 'vfio-pci;reboot'
	run "unbind: no address" usage cl -- unbind
	run "unbind: two addresses" usage cl -- unbind 00:02.0 00:1f.3
	run "unbind: --driver" usage cl -- unbind 00:02.0 --driver vfio-pci
	run "unbind: --persist" usage cl -- unbind 00:02.0 --persist
	each ADDR_SOME "unbind " usage cl unbind @
	each ADDR_ABSENT_SOME "unbind " refuse cl unbind @

	# ---------------------------------------------------------------- setup / revert (--yes writes)

	opts setup cl setup --mode full --allow-boot-vga --yes
	opts revert cl revert --yes
	run "setup: no --mode" usage cl -- setup --yes
	run "setup: two addresses" usage cl -- setup --mode full 00:02.0 00:1f.3 --yes
	run "setup: ambiguous --a" usage cl -- setup --mode full --a --yes
	run "setup: --yes with a value" usage cl -- setup --mode full --allow-boot-vga --yes=1
	for o in --mode --param --blacklist --vfs --sriov-driver --bootloader; do
		run "setup: $o without a value" usage cl -- setup --mode full --allow-boot-vga --yes "$o"
	done
	each WORD_SOME "setup --yes --mode " usage cl setup --yes --mode @
	each ADDR_SOME "setup --yes " usage cl setup --mode full --allow-boot-vga --yes @
	each ADDR_ABSENT_SOME "setup --yes " refuse cl setup --mode full --allow-boot-vga --yes @
	run "setup --yes <ambiguous-short>" refuse dom -- setup --mode full --allow-boot-vga --yes 00:02.0
	each NUM_SOME "setup --yes --vfs " usage n100 setup --mode sriov --yes --vfs @
	each WORD_SOME "setup --yes --sriov-driver " usage n100 setup --mode sriov --yes --sriov-driver @
	each WORD_SOME "setup --yes --bootloader " usage cl setup --mode full --allow-boot-vga --yes --bootloader @
	each PARAM_BAD "setup --yes --param " refuse cl setup --mode full --allow-boot-vga --yes --param @
	each PARAM_BAD "setup --yes --blacklist " refuse cl setup --mode full --allow-boot-vga --yes --blacklist @
	each PARAM_BAD "setup --yes --acs-override=" refuse cl setup --mode full --allow-boot-vga --yes --acs-override=@
	run "revert: extra argument" usage cl -- revert --yes extra
	run "revert: --dry-run with a value" usage cl -- revert --dry-run=1
}

# ---------------------------------------------------------------- the end

# worker N: run the share of worker N in $WORK/wN; its report in
# $WORK/wN.log, its counts in $WORK/wN.counts.
worker() {
	WORKER=$1 W=$WORK/w$1 R=$WORK/w$1/roots CASE=0
	mkdir -p "$W"
	for h in "${HOSTS[@]}" roots; do
		fresh "$h"
	done
	all_cases
	# Nothing wrote under any host: every path and the content of every
	# file, once more.
	for h in "${HOSTS[@]}"; do
		if [[ $(snap "$W/$h") != "${SNAP[$h]}" || $(hashes "$W/$h") != "${HASH[$h]}" ]]; then
			CASE=999999
			say "FAIL $h: file contents changed during the sweep (worker $WORKER)"
			failures=$((failures + 1))
		fi
	done
	echo "$cases $failures $skipped" >"$W.counts"
}

for ((j = 0; j < JOBS; j++)); do
	worker "$j" >"$WORK/w$j.log" &
done
wait
sort -t $'\t' -k1,1n -s "$WORK"/w*.log | cut -f2- | tee "$WORK/report"
total=0 failed=0 skip=0
# Every known failure names a case that exists.
if [[ $PATTERN == '*' ]]; then
	for k in "${known_failures[@]}"; do
		if ! grep -qF "SKIP $k (known failure" "$WORK/report"; then
			echo "FAIL known_failures names no case: $k"
			failed=$((failed + 1))
		fi
	done
fi
for ((j = 0; j < JOBS; j++)); do
	read -r c f s <"$WORK/w$j.counts" || { echo "sweep: worker $j did not finish"; failed=$((failed + 1)); continue; }
	total=$((total + c)) failed=$((failed + f)) skip=$((skip + s))
done
echo "input sweep: $total cases, $failed failures, $skip skipped (known_failures), $((SECONDS - T0))s"
((failed == 0))
