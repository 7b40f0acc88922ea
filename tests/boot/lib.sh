# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/boot/test-*.sh (bash; SRCDIR set): their work
# directory WORK, removed on exit, and fail(), which counts in $fails.

WORK=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-boot-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# The /boot file system's UUID: what the grub-probe stub tells grub-mkconfig
# and what run-guest.sh --grub-cfg gives the disk it boots.
BOOT_UUID=6b1e0c8a-5f3d-4d2b-9e47-b007b007b007
export IGPUCTL_BOOT_UUID=$BOOT_UUID

# mkconfig ROOT OUT: Debian's grub-mkconfig over ROOT's GRUB files
# (tests/boot/grub-mkconfig.sh); exits the test with 77 when it cannot run
# here, fails the case (status 1) when grub-mkconfig fails.
mkconfig() {
	local rc=0
	"$SRCDIR/tests/boot/grub-mkconfig.sh" "$1" "$2" >"$WORK/mkconfig.log" 2>&1 || rc=$?
	if [[ $rc -eq 77 ]]; then
		cat "$WORK/mkconfig.log" >&2
		exit 77
	fi
	if [[ $rc -ne 0 ]]; then
		fail "grub-mkconfig over $1 failed (status $rc):"
		sed 's/^/  | /' "$WORK/mkconfig.log" >&2
		return 1
	fi
	# grub-mkconfig -o checks its output with grub-script-check itself; this
	# makes sure, whatever its version does.
	grub-script-check "$2" >"$WORK/check.log" 2>&1 ||
		{ fail "grub-script-check rejects the grub.cfg made from $1: $(cat "$WORK/check.log")"; return 1; }
}

# linux_lines CFG: one line per `linux` command of CFG, "normal ARGS" or
# "recovery ARGS" (the menu entry is a recovery one: Debian's 10_linux gives
# it GRUB_CMDLINE_LINUX and "single", never GRUB_CMDLINE_LINUX_DEFAULT).
# ARGS are the words after the kernel image, as GRUB's script reads them.
linux_lines() {
	awk '
		/^[ \t]*menuentry / { kind = ($0 ~ /\(recovery mode\)/) ? "recovery" : "normal" }
		/^[ \t]*linux[ \t]/ {
			$1 = ""; $2 = ""
			sub(/^[ \t]+/, "")
			print kind " " $0
		}
	' "$1"
}

# count_token TOKEN WORDS...: how many of WORDS are TOKEN.
count_token() {
	local t=$1 n=0 w
	shift
	for w in "$@"; do [[ $w == "$t" ]] && n=$((n + 1)); done
	echo "$n"
}

# has_key KEY WORDS...: does a word have KEY ('-' and '_' as one, as the
# kernel's parameq() compares)?
has_key() {
	local k=${1//-/_} w
	shift
	for w in "$@"; do
		w=${w%%=*}
		[[ ${w//-/_} == "$k" ]] && return 0
	done
	return 1
}

# gone WANTED WORDS...: is the wanted "!KEY" (no word with that key) or
# "!KEY=VALUE" (no such word) true of WORDS?
gone() {
	local t=${1#!}
	shift
	if [[ $t == *=* ]]; then
		[[ $(count_token "$t" "$@") -eq 0 ]]
	else
		! has_key "$t" "$@"
	fi
}

# check_linux NAME CFG "WANTED": in every normal linux line of CFG each
# wanted token exactly once, in every recovery line at most once; a wanted
# "!KEY" or "!KEY=VALUE" must be in no line (gone).  At least one normal line.
check_linux() {
	local name=$1 cfg=$2 wanted=$3 kind args t n normal=0
	while read -r kind args; do
		[[ $kind == normal ]] && normal=$((normal + 1))
		# shellcheck disable=SC2086 # the words of the line
		set -- $args
		for t in $wanted; do
			if [[ $t == !* ]]; then
				gone "$t" "$@" || fail "$name: ${t#!} left in the $kind line: $args"
				continue
			fi
			n=$(count_token "$t" "$@")
			if [[ $kind == normal && $n -ne 1 ]] || [[ $n -gt 1 ]]; then
				fail "$name: '$t' appears $n times in the $kind line: $args"
			fi
		done
	done < <(linux_lines "$cfg")
	[[ $normal -gt 0 ]] || fail "$name: grub-mkconfig wrote no linux line to boot the kernel ($cfg)"
}

# check_edit NAME BEFORE AFTER "WANTED": AFTER is BEFORE with only the
# wanted parameters changed: every line but the linux lines the same, and in
# each linux line every word of BEFORE kept (but those of a wanted key) and
# no word added that is not wanted.
check_edit() {
	local name=$1 before=$2 after=$3 wanted=$4 i w keys=()
	local -a bl al
	for w in $wanted; do
		w=${w#!}
		keys+=("${w%%=*}")
	done
	diff <(grep -v '^[[:space:]]*linux[[:space:]]' "$before") \
		<(grep -v '^[[:space:]]*linux[[:space:]]' "$after") >"$WORK/d" ||
		{ fail "$name: lines other than the linux lines changed:"; cat "$WORK/d" >&2; }
	mapfile -t bl < <(linux_lines "$before")
	mapfile -t al < <(linux_lines "$after")
	[[ ${#bl[@]} -eq ${#al[@]} ]] ||
		{ fail "$name: ${#bl[@]} linux lines before, ${#al[@]} after"; return; }
	for ((i = 0; i < ${#bl[@]}; i++)); do
		# shellcheck disable=SC2086 # the words of the lines
		for w in ${bl[i]#* }; do
			((${#keys[@]})) && has_key "${w%%=*}" "${keys[@]}" && continue
			# shellcheck disable=SC2086
			[[ $(count_token "$w" ${al[i]#* }) -gt 0 ]] || fail "$name: '$w' lost from: ${al[i]}"
		done
		# shellcheck disable=SC2086
		for w in ${al[i]#* }; do
			# shellcheck disable=SC2086
			[[ $(count_token "$w" ${bl[i]#* } $wanted) -gt 0 ]] || fail "$name: '$w' added, not wanted: ${al[i]}"
		done
	done
}
