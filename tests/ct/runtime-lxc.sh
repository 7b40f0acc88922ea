#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A real container runtime on the configuration `igpuctl ct lxc` writes:
# Debian's LXC starts a busybox container on the example host
# pve8-n100-sriov, whose VF 0000:00:02.2 has the render node renderD129.
# The machine has no such GPU, so the node is a character device 226:129
# made in the test's own fixture root (owner root:992, mode 0660); with no
# driver behind it, opening it gives "No such device or address" where the
# device cgroup lets it through and "Operation not permitted" where it
# does not (tests/ct/lxc-lib.sh).
#
# The container's configuration is what `igpuctl --root R ct lxc media
# 0000:00:02.2 --apply` made of it (give_node).  Inside the container:
#   the node is there: a character device 226:129, owner 0:992 (a
#   privileged container keeps the host's owner, and igpuctl's node_gid
#   says so), mode 0660, and opening it read-write gives what it gives on
#   the host itself;
# and the two lines matter:
#   without the devices.allow line the open is refused (EPERM),
#   with the other cgroup key (cgroup vs cgroup2) too: LXC reads only the
#   key of the layout it runs on,
#   without the lxc.mount.entry line there is no node.
# This runs on the machine's cgroup layout (R says the same to igpuctl);
# on a legacy machine also on a unified layout (cgroup2 mounted over
# /sys/fs/cgroup in the test's namespace).  Last, run_inside runs
# /usr/bin/env, `ls -l /dev/dri` and `igpuctl --version` in the container.
#
# Usage: runtime-lxc.sh IGPUCTL
# Exit: 0 pass, 1 fail (also when LXC cannot start a container here).

set -euo pipefail

IGPUCTL=$(realpath "${1:?usage: runtime-lxc.sh IGPUCTL}")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=lxc-lib.sh
. "$SRCDIR/tests/ct/lxc-lib.sh"
ct_init

NAME=media
NODE=/dev/dri/renderD129

# The probe, the container's init: the node as the container sees it.
# shellcheck disable=SC2016 # busybox sh expands it in the container
PROBE='n=$1
if [ -e "$n" ]; then
	set -- $(busybox stat -c "%t %T %u %g %a" "$n")
	echo "type=$(busybox stat -c %F "$n")"
	echo "rdev=$((0x$1)):$((0x$2))"
	echo "owner=$3:$4"
	echo "mode=$5"
else
	echo "type=none"
fi
if err=$( (exec 3<>"$n") 2>&1 ); then echo "open=ok"; else echo "open=${err##*: }"; fi'

# open_result PATH: what opening PATH read-write gives here: ok, or the
# error's text.
open_result() {
	local err
	if err=$( (exec 3<>"$1") 2>&1); then echo ok; else echo "${err##*: }"; fi
}

# probe R LAYOUT CASE CONF: the probe in the container; its lines in
# WORK/CASE.out, which is printed.  1 when the container did not run.
probe() {
	local r=$1 layout=$2 case=$3 conf=$4 rc=0
	ct_run "$r" "$NAME" "$layout" "$conf" -- /bin/busybox sh -c "$PROBE" probe "$NODE" \
		>"$WORK/$case.out" || rc=$?
	sed "s/^/  $case: /" "$WORK/$case.out"
	[[ $rc -ne 125 ]] || die "$case: LXC cannot start the container here: $CT_ERROR"
	[[ $rc -eq 0 ]] || { fail "$case: the probe exited $rc"; return 1; }
}

# want CASE KEY VALUE: the probe of CASE printed KEY=VALUE.
want() {
	local got
	got=$(sed -n "s/^$2=//p" "$WORK/$1.out")
	[[ $got == "$3" ]] || fail "$1: $2 is '$got', wanted '$3'"
}

# variant CONF OUT SED: OUT is CONF edited by SED, which must change it.
variant() {
	sed "$3" "$1" >"$2"
	! cmp -s "$1" "$2" || die "'sed $3' does not change the configuration $1"
}

ALLOW='^lxc\.cgroup2\{0,1\}\.devices\.allow *= *c 226:129 '
MOUNT='^lxc\.mount\.entry *= */dev/dri/renderD129 '

# layout_case LAYOUT: every case on a fixture root for LAYOUT.
layout_case() {
	local layout=$1 r=$WORK/$1 conf host_open
	step "$layout cgroup layout"
	ct_host "$r" "$layout"
	ct_container "$r" "$NAME"
	give_node "$r" "$NAME" >"$WORK/$layout-give.json"
	conf=$r/var/lib/lxc/$NAME/config
	echo "  igpuctl ct lxc $NAME $CT_DEVICE --apply gave:"
	grep -e "$ALLOW" -e "$MOUNT" "$conf" | sed 's/^/    /' || true
	jq -r '.notes[]' "$WORK/$layout-give.json" | sed 's/^/    note: /'

	# The machine itself must be allowed the node, or nothing is shown.
	host_open=$(open_result "$r$NODE")
	echo "  open on the host: $host_open"
	case $host_open in
	ok | "No such device or address" | "No such device") ;;
	*) die "the test itself cannot open its node c 226:129 ($host_open): this machine's own device cgroup denies it (a container that is not privileged?)" ;;
	esac

	probe "$r" "$layout" "$layout-given" - || return 0
	want "$layout-given" type "character special file"
	want "$layout-given" rdev 226:129
	want "$layout-given" owner "0:$CT_HOST_GID"
	# igpuctl tells whose the node is inside: what the container shows.
	want "$layout-given" owner "0:$(jq -r .node_gid "$WORK/$layout-give.json")"
	want "$layout-given" mode 660
	want "$layout-given" open "$host_open"

	variant "$conf" "$WORK/$layout-noallow.conf" "\\|$ALLOW|d"
	probe "$r" "$layout" "$layout-noallow" "$WORK/$layout-noallow.conf" || return 0
	want "$layout-noallow" type "character special file"
	want "$layout-noallow" open "Operation not permitted"

	variant "$conf" "$WORK/$layout-otherkey.conf" \
		"/$ALLOW/{s/^lxc\\.cgroup2\\./lxc.cgroup./;t;s/^lxc\\.cgroup\\./lxc.cgroup2./}"
	probe "$r" "$layout" "$layout-otherkey" "$WORK/$layout-otherkey.conf" || return 0
	want "$layout-otherkey" type "character special file"
	want "$layout-otherkey" open "Operation not permitted"

	variant "$conf" "$WORK/$layout-nomount.conf" "\\|$MOUNT|d"
	probe "$r" "$layout" "$layout-nomount" "$WORK/$layout-nomount.conf" || return 0
	want "$layout-nomount" type none
}

# inside R LAYOUT: run_inside runs the machine's and the build's programs
# in the container, which sees the node.
inside() {
	local r=$1 layout=$2 rc=0
	step "run_inside on the $layout layout"
	# shellcheck disable=SC2016 # expanded in the container
	run_inside "$r" "$NAME" "$layout" /bin/busybox sh -c \
		'/usr/bin/env; ls -ln /dev/dri; "$1" --version' sh "$IGPUCTL" >"$WORK/inside.out" || rc=$?
	sed 's/^/  inside: /' "$WORK/inside.out"
	[[ $rc -ne 125 ]] || die "run_inside: LXC cannot start the container here: $CT_ERROR"
	[[ $rc -eq 0 ]] || { fail "run_inside: exited $rc"; return; }
	grep -qx 'container=lxc' "$WORK/inside.out" || fail "run_inside: /usr/bin/env shows no container=lxc"
	grep -Eq "^crw-rw---- +1 +0 +$CT_HOST_GID +226, +129 .* renderD129\$" "$WORK/inside.out" ||
		fail "run_inside: ls -ln /dev/dri shows no renderD129 226,129 owned by 0:$CT_HOST_GID"
	grep -q '^igpuctl ' "$WORK/inside.out" || fail "run_inside: igpuctl --version printed no version"

	# igpuctl guest in the container: it knows it is in one, finds the node
	# by its device number, and sees that the node's group (the host's) is
	# not the container's render group.
	step "igpuctl guest in the container ($layout layout)"
	rc=0
	run_inside "$r" "$NAME" "$layout" "$IGPUCTL" -J guest >"$WORK/guest.json" 2>"$WORK/guest.err" || rc=$?
	[[ $rc -ne 125 ]] || die "run_inside: LXC cannot start the container here: $CT_ERROR"
	jq -e --argjson hg "$CT_HOST_GID" '.container == "lxc" and .render_gid == 993 and
		(.render_nodes | length) == 1 and .render_nodes[0].path == "/dev/dri/renderD129" and
		.render_nodes[0].char_device and .render_nodes[0].major == 226 and .render_nodes[0].minor == 129 and
		.render_nodes[0].gid == $hg and .render_nodes[0].render_group_can_open == false and
		.verdict == "render-node-group"' "$WORK/guest.json" >/dev/null ||
		fail "guest in the container: $(head -c 1500 "$WORK/guest.json") $(head -c 500 "$WORK/guest.err")"
}

start=$SECONDS
machine=$(ct_layout)
echo "LXC $(lxc-start --version), this machine's cgroup layout: $machine"
layout_case "$machine"
if [[ $machine == legacy ]]; then
	layout_case unified
fi
inside "$WORK/$machine" "$machine"

echo "took $((SECONDS - start)) s"
if ((fails)); then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "PASS: the render node reaches the LXC container as configured, and only so"
