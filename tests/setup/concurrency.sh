#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Two igpuctl runs at once on one root: pairs of setup, revert and
# bind --persist started together, many times over.  Each run either
# succeeds or is refused with "another igpuctl (pid N) is changing this
# host" (the lock); none fails otherwise, and no journal entry is lost:
# afterwards `revert` brings every file back byte for byte and leaves no
# journal.
#
#   tests/setup/concurrency.sh IGPUCTL [ROUNDS]
set -uo pipefail

IGPUCTL=$(realpath "$1")
ROUNDS=${2:-12}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d /tmp/igpuctl-concurrency.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
runs=0
refused=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# mkroot HOST DIR
. "$SRCDIR/tests/lib/setup-hosts.sh"

# "path hash" of every configuration file, igpuctl's lock file left out.
state() {
	(cd "$1" && find etc boot efi var -type f ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done)
}

# judge NAME OUT RC: success, or the lock's refusal and nothing else.
judge() {
	local name=$1 out=$2 rc=$3
	runs=$((runs + 1))
	if [[ $rc -eq 0 ]]; then
		return
	fi
	if [[ $rc -eq 1 ]] && grep -q "^igpuctl: another igpuctl (pid [0-9]*) is changing this host" "$out"; then
		refused=$((refused + 1))
		return
	fi
	fail "$name: exit $rc: $(grep '^igpuctl:' "$out" | head -3)"
}

# pair NAME ROOT TIMEOUT "ARGS A" "ARGS B": both at once.
pair() {
	local name=$1 r=$2 timeout=$3 a=$4 b=$5 pa pb ra rb
	# shellcheck disable=SC2086 # the arguments are word lists
	IGPUCTL_LOCK_TIMEOUT=$timeout "$IGPUCTL" --root "$r" $a >"$WORK/a" 2>&1 &
	pa=$!
	# shellcheck disable=SC2086
	IGPUCTL_LOCK_TIMEOUT=$timeout "$IGPUCTL" --root "$r" $b >"$WORK/b" 2>&1 &
	pb=$!
	wait $pa
	ra=$?
	wait $pb
	rb=$?
	judge "$name: $a" "$WORK/a" $ra
	judge "$name: $b" "$WORK/b" $rb
}

# scenario HOST MODE: MODE is the second mode setup alternates with full.
scenario() {
	local host=$1 mode=$2 r=$WORK/$1 orig i t
	local full="setup --mode full --allow-boot-vga --yes" other="setup --mode $mode --yes"
	local bind="bind 00:02.0 --persist --allow-boot-vga" revert="revert --yes"
	mkroot "$host" "$r"
	orig=$(state "$r")
	for ((i = 0; i < ROUNDS; i++)); do
		# Half the rounds wait for the lock (the default), half give up at once.
		t=5
		((i % 2)) && t=0
		pair "$host round $i" "$r" $t "$full" "$full"
		pair "$host round $i" "$r" $t "$other" "$revert"
		pair "$host round $i" "$r" $t "$bind" "$full"
		pair "$host round $i" "$r" $t "$revert" "$bind"
		pair "$host round $i" "$r" $t "unbind 00:02.0" "$revert"
		pair "$host round $i" "$r" $t "$other" "$full"
	done
	"$IGPUCTL" --root "$r" revert --yes >"$WORK/final" 2>&1 || fail "$host: final revert failed: $(cat "$WORK/final")"
	[[ $(state "$r") == "$orig" ]] || {
		fail "$host: the final revert did not bring back every byte"
		diff <(echo "$orig") <(state "$r") >&2
	}
	[[ ! -e $r/var/lib/igpuctl/journal.json ]] || fail "$host: journal left after the final revert"
}

scenario pve8-coffeelake gvt-g
scenario pve8-n100-zfs sriov

echo "concurrency: $runs runs ($refused refused by the lock), $fails failures"
[[ $fails -eq 0 ]]
