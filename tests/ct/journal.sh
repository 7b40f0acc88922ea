#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/ct/journal.sh IGPUCTL [--update]
#
# `igpuctl ct ... --apply` is a change of the journal like every other
# write (tests/lib/golden.sh records each step in expected/NAME.out):
#   - it writes exactly the shown diff; every line of a Proxmox VE CT
#     configuration from the first section on ([pve:pending], snapshots)
#     stays byte for byte;
#   - a second identical run changes nothing and adds no journal entry;
#   - revert --list names it, revert (or revert ID) brings etc/ and var/
#     back byte for byte; a file the admin changed since is left alone with
#     the line to take out by hand.
set -euo pipefail

IGPUCTL=$(realpath "$1")
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRC/tests/ct
T=$(mktemp -d)
# shellcheck source=../lib/golden.sh
. "$SRC/tests/lib/golden.sh"
trap 'rm -rf "$T"; golden_cleanup' EXIT
golden_init "$HERE/expected" "${@:2}"
golden_mask "s|$T|@T@|g"

fail=0
pass=0
bad() {
	printf 'FAIL %s: %s\n' "$CASE" "$*" >&2
	fail=$((fail + 1))
	CASE_OK=0
}

(
	# shellcheck source=../fixtures/mkhost.sh
	. "$SRC/tests/fixtures/mkhost.sh"
	host_build "$SRC/tests/golden/hosts/ct-pve.sh" "$T/base"
)

snap() { # every file under etc/ and var/ of the root, with checksum and mode
	(cd "$T/root" && find etc var -type f ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16) $(stat -c %a "$f")"; done)
}
from_section() { sed -n '/^\[/,$p' "$1"; } # the pending and snapshot sections
jbegin() {
	CASE=$1
	CASE_OK=1
	rm -rf "$T/root"
	cp -a "$T/base" "$T/root"
	golden_begin "$CASE"
	golden_mask_case 's/^([0-9]+ +)[0-9-]+ [0-9:]+Z/\1@TIME@/'
	# revert --list -J: the time keeps its shape (docs/schema/revert-list.schema.json)
	golden_mask_case 's/^( *"time": ")[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"/\10000-00-00T00:00:00Z"/'
	SNAP0=$(snap)
}
jstep() {
	GOLDEN_LABEL="igpuctl $*" golden_run "$IGPUCTL" --root "$T/root" "$@"
	JRC=$GOLDEN_RC
}
jrc() { [[ $JRC == "$1" ]] || bad "step exit $JRC, expected $1"; }
jrestored() { [[ $(snap) == "$SNAP0" ]] || bad "etc/ or var/ not restored: $(diff <(echo "$SNAP0") <(snap))"; }
jend() {
	golden_end || CASE_OK=0
	((CASE_OK)) && pass=$((pass + 1))
	((CASE_OK)) || fail=$((fail + 1))
	return 0
}
# The diff ct printed, applied to a copy of the original, gives the file written.
jdiff_is_write() { # CONF (relative to the root)
	cp "$T/base/$1" "$T/patched"
	patch -s "$T/patched" <"$GOLDEN_STDOUT" || bad "the printed diff does not apply"
	cmp -s "$T/patched" "$T/root/$1" || bad "$1 is not what the diff showed"
}

CONF=etc/pve/lxc/302.conf
jbegin proxmox-apply-revert
jstep ct proxmox 302 00:02.2 --apply
jrc 0
jdiff_is_write $CONF
[[ $(from_section "$T/root/$CONF") == "$(from_section "$T/base/$CONF")" ]] || bad "a section changed"
grep -qx 'dev3: /dev/dri/renderD129,gid=992' "$T/root/$CONF" || bad "no dev3 line"
jstep ct proxmox 302 00:02.2 --apply
jrc 0
jstep revert --list
jstep revert --yes
jrc 0
jrestored
jend

jbegin proxmox-two-revert-id
jstep ct proxmox 302 00:02.2 --apply
jstep ct proxmox 303 00:02.5 --apply
jrc 0
jstep revert 1 --yes
jrc 0
cmp -s "$T/root/$CONF" "$T/base/$CONF" || bad "revert 1 did not restore 302.conf"
cmp -s "$T/root/etc/pve/lxc/303.conf" "$T/base/etc/pve/lxc/303.conf" && bad "revert 1 undid change 2"
jstep revert --list
jstep -J revert --list
jstep revert --yes
jrc 0
jrestored
jend

jbegin proxmox-changed-since
jstep ct proxmox 300 00:02.5 --apply
jrc 0
sed -i 's/^memory: 2048$/memory: 4096/' "$T/root/etc/pve/lxc/300.conf"
jstep revert --yes
jrc 1
grep -qx 'memory: 4096' "$T/root/etc/pve/lxc/300.conf" || bad "the admin's edit was lost"
jend

jbegin lxc-apply-revert
jstep ct lxc frigate 00:02.2 --apply
jrc 0
jdiff_is_write var/lib/lxc/frigate/config
jstep ct lxc frigate 00:02.2
jrc 0
jstep revert --yes
jrc 0
jrestored
jend

golden_finish || fail=$((fail + 1))
echo "ct journal: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
