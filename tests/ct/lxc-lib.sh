# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/ct/*.sh (bash; IGPUCTL and SRCDIR set): a real LXC
# container (Debian's lxc, a busybox root file system) on a fixture host
# that has a render node, made in the test's own directory.
#
#   ct_init                      checks, WORK (removed on exit), cleanup trap
#   ct_host R LAYOUT             fixture root R: the example host with a real
#                                character device for the VF's render node
#   ct_container R NAME          a busybox container R/var/lib/lxc/NAME
#   give_node R NAME             igpuctl ct lxc gives the container the node
#   ct_run R NAME LAYOUT CONF [-s KEY=VALUE]... -- CMD...
#                                CMD as the container's init (output on stdout,
#                                its exit status returned)
#   run_inside R NAME LAYOUT CMD...
#                                CMD in the container with the host's /usr,
#                                /lib, /lib64 and BUILD mounted read-only
#
# The configuration names host paths, as on a real host: the node
# /dev/dri/renderD129 and the root file system /var/lib/lxc/NAME/rootfs
# (where igpuctl --root R looks for the container's groups).  So each run
# is in a private mount namespace where they are R's: its /dev is a tmpfs
# that holds the machine's own /dev entries (bind-mounted, one by one) and,
# as dri, R/dev/dri (in place of the machine's, if it has one); R/var/lib/lxc
# is mounted over /var/lib/lxc (which Debian's lxc package makes).  The
# machine's /dev and /var/lib/lxc are never changed.  lxc-start is given
# R/var/lib/lxc as its lxcpath, so that the container's lock and command
# socket are this test's own.
#
# LAYOUT is the cgroup layout LXC runs on: "legacy" (cgroup v1 controllers,
# with or without a cgroup2 hierarchy at /sys/fs/cgroup/unified) or
# "unified" (cgroup2 at /sys/fs/cgroup).  LXC 5 takes device rules from
# lxc.cgroup.devices.* on a legacy layout and from lxc.cgroup2.devices.*
# (a BPF program) on a unified one, and ignores the other key with a
# warning (lxc 5.0.2, src/lxc/cgroups/cgfsng.c: cgfsng_setup_limits_legacy,
# cgfsng_setup_limits; the layout in __initialize_cgroups).  ct_layout is
# the machine's; on a legacy machine ct_run can also run LXC on a unified
# layout by mounting cgroup2 over /sys/fs/cgroup in its namespace.

# The example host and its VF with a render node of its own.
CT_HOST=pve8-n100-sriov
CT_DEVICE=0000:00:02.2
# The host group that owns the node, and the container's render group.
CT_HOST_GID=992
CT_RENDER_GID=993
# Debian's default container configuration (package lxc): the device
# allowlist (deny all, then /dev/null, /dev/zero, ...) and the mounts.
CT_COMMON_CONF=/usr/share/lxc/config/common.conf

fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
step() { echo "=== $*"; }
# die REASON: the test cannot run here; one line, and the test fails.
die() {
	echo "FAIL: $*" >&2
	exit 1
}

# ct_init: what every container test needs, WORK, and the cleanup trap.
ct_init() {
	local t
	[[ -x $IGPUCTL ]] || die "$IGPUCTL is not an executable"
	[[ $(id -u) -eq 0 ]] || die "needs root: LXC starts a privileged container, the test makes a device node"
	for t in lxc-start lxc-stop unshare mount mknod busybox readelf jq; do
		command -v "$t" >/dev/null || die "$t not installed (tools/install-deps installs lxc and busybox-static)"
	done
	[[ -r $CT_COMMON_CONF ]] || die "$CT_COMMON_CONF missing (Debian's lxc package)"
	[[ -d /var/lib/lxc ]] || die "/var/lib/lxc missing (Debian's lxc package makes it)"
	CT_BUSYBOX=$(realpath "$(command -v busybox)")
	! readelf -l "$CT_BUSYBOX" 2>/dev/null | grep -q 'program interpreter' ||
		die "$CT_BUSYBOX is linked dynamically; the container needs busybox-static"
	unshare -m --propagation private true 2>/dev/null || die "unshare -m does not work here"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-ct.XXXXXX")
	CT_CONTAINERS=()
	CT_PID=
	trap ct_cleanup EXIT
	trap 'exit 143' TERM INT HUP
	# shellcheck source-path=SCRIPTDIR source=../lib/setup-hosts.sh
	. "$SRCDIR/tests/lib/setup-hosts.sh"
}

# ct_cleanup: stop what is still running, then remove WORK and LXC's lock
# files for it.  The mounts die with their namespaces.
ct_cleanup() {
	local c
	for c in "${CT_CONTAINERS[@]}"; do
		lxc-stop -k -P "${c%|*}" -n "${c##*|}" >/dev/null 2>&1 || true
	done
	if [[ -n $CT_PID ]]; then
		kill -TERM "$CT_PID" 2>/dev/null || true
	fi
	rm -rf "/run/lxc/lock$WORK" "$WORK"
}

# ct_layout: the machine's cgroup layout as igpuctl tells them apart.
ct_layout() {
	if [[ -e /sys/fs/cgroup/cgroup.controllers ]]; then echo unified; else echo legacy; fi
}

# ct_node R: the device's render node in R, "NAME MAJOR:MINOR" (from R's
# sysfs, as the kernel has it).
ct_node() {
	local d
	for d in "$1/sys/bus/pci/devices/$CT_DEVICE/drm"/renderD*; do
		[[ -r $d/dev ]] || continue
		echo "${d##*/} $(<"$d/dev")"
		return
	done
	die "$CT_HOST: $CT_DEVICE has no render node in sysfs"
}

# ct_host R LAYOUT: a fresh copy of the example host at R.  Its render node
# of the VF (a plain file in the example) becomes a character device owned
# by root:CT_HOST_GID, mode 0660.  R/sys/fs/cgroup/cgroup.controllers
# exists exactly when LAYOUT is unified.
ct_host() {
	local r=$1 layout=$2 name dev
	mkroot "$CT_HOST" "$r" || die "cannot make the fixture host $CT_HOST"
	read -r name dev < <(ct_node "$r")
	rm -f "$r/dev/dri/$name"
	mknod "$r/dev/dri/$name" c "${dev%:*}" "${dev#*:}" || die "mknod $r/dev/dri/$name failed"
	chown "0:$CT_HOST_GID" "$r/dev/dri/$name"
	chmod 0660 "$r/dev/dri/$name"
	rm -f "$r/sys/fs/cgroup/cgroup.controllers"
	if [[ $layout == unified ]]; then
		mkdir -p "$r/sys/fs/cgroup"
		: >"$r/sys/fs/cgroup/cgroup.controllers"
	fi
}

# ct_container R NAME: a busybox container R/var/lib/lxc/NAME: Debian's
# common.conf, no network, a /dev of LXC's own (autodev), AppArmor left as
# it is ("unchanged": a test machine, often a container itself, has not
# loaded LXC's profiles; lxc 5.0.2 src/lxc/lsm/apparmor.c apparmor_prepare).
# The root file system has busybox as /bin, a `render` group and /.ct-run,
# the init ct_run starts.
ct_container() {
	local r=$1 name=$2 dir rootfs
	dir=$r/var/lib/lxc/$name
	rootfs=$dir/rootfs
	mkdir -p "$rootfs"/{bin,dev,etc,proc,sys,tmp,root}
	cp "$CT_BUSYBOX" "$rootfs/bin/busybox"
	ln -s busybox "$rootfs/bin/sh"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
	printf 'root:x:0:\nrender:x:%s:\n' "$CT_RENDER_GID" >"$rootfs/etc/group"
	# CMD's output and exit status go to files: lxc-start -F neither shows
	# the init's output without a terminal nor returns its status.
	cat >"$rootfs/.ct-run" <<-'EOF'
		#!/bin/busybox sh
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		export PATH
		"$@" >/.ct-out 2>&1
		echo $? >/.ct-status
	EOF
	chmod 0755 "$rootfs/.ct-run"
	CT_CONTAINERS+=("$r/var/lib/lxc|$name")
	cat >"$dir/config" <<-EOF
		lxc.include = $CT_COMMON_CONF
		lxc.uts.name = $name
		lxc.rootfs.path = dir:/var/lib/lxc/$name/rootfs
		lxc.net.0.type = empty
		lxc.autodev = 1
		lxc.apparmor.profile = unchanged
	EOF
}

# give_node R NAME: give container NAME of R the render node of CT_DEVICE
# the way a user does, with `igpuctl ct lxc`; its JSON (-J) on stdout.
# This is the one place where the container's configuration comes from.
give_node() {
	local r=$1 name=$2
	"$IGPUCTL" --root "$r" ct lxc "$name" "$CT_DEVICE" --apply -J 2>"$WORK/give-node.err" ||
		die "igpuctl --root $r ct lxc $name $CT_DEVICE --apply failed: $(cat "$WORK/give-node.err")"
}

# _ct_ns R LAYOUT CMD...: CMD in a private mount namespace whose /dev has
# R's dri, whose /var/lib/lxc is R's and, for a unified LAYOUT on a legacy
# machine, whose /sys/fs/cgroup is the cgroup2 hierarchy.  Run by ct_run in
# that namespace.
_ct_ns() {
	local r=$1 layout=$2 e n
	shift 2
	mount --make-rprivate /
	if [[ $layout == unified && ! -e /sys/fs/cgroup/cgroup.controllers ]]; then
		mount -t cgroup2 cgroup2 /sys/fs/cgroup || return 1
	fi
	mkdir -p "$WORK/machine-dev"
	mount --rbind /dev "$WORK/machine-dev" || return 1
	mount -t tmpfs -o mode=0755,nosuid igpuctl-ct-dev /dev || return 1
	for e in "$WORK/machine-dev"/*; do
		n=/dev/${e##*/}
		[[ $n == /dev/dri ]] && continue
		if [[ -L $e ]]; then
			cp -P "$e" "$n"
		elif [[ -d $e ]]; then
			mkdir "$n" && mount --rbind "$e" "$n"
		else
			: >"$n" && mount --bind "$e" "$n"
		fi
	done
	mkdir /dev/dri
	mount --bind "$r/dev/dri" /dev/dri || return 1
	mount --bind "$r/var/lib/lxc" /var/lib/lxc || return 1
	exec "$@"
}

# ct_run R NAME LAYOUT CONF [-s KEY=VALUE]... -- CMD...: start container
# NAME of R with CMD as its init, in the foreground, and wait until it
# stops.  CONF is the configuration file (- for the container's own),
# -s adds configuration items (lxc-start -s).  CMD's output (stdout and
# stderr) is printed, its exit status returned; 125 when LXC did not run it
# (LXC's errors then on stderr, the first in CT_ERROR).
ct_run() {
	local r=$1 name=$2 layout=$3 conf=$4 rootfs lxcpath log rc=0
	local -a opts=()
	shift 4
	while [[ $1 == -s ]]; do
		opts+=(-s "$2")
		shift 2
	done
	[[ $1 == -- ]] && shift
	[[ $conf == - ]] || opts+=(-f "$conf")
	lxcpath=$r/var/lib/lxc
	rootfs=$lxcpath/$name/rootfs
	log=$WORK/lxc-$name.log
	rm -f "$rootfs/.ct-out" "$rootfs/.ct-status" "$log"
	# The namespace dies with the last process in it, and its mounts with it.
	unshare -m --propagation private bash -c "$(declare -f _ct_ns); WORK=\$1; shift; _ct_ns \"\$@\"" _ \
		"$WORK" "$r" "$layout" timeout 120 lxc-start -F -C -P "$lxcpath" -n "$name" \
		-o "$log" -l INFO "${opts[@]}" -- /.ct-run "$@" </dev/null >"$WORK/lxc-start.out" 2>&1 &
	CT_PID=$!
	wait "$CT_PID" || rc=$?
	CT_PID=
	if [[ ! -e $rootfs/.ct-status ]]; then
		echo "lxc-start -n $name did not run /.ct-run (status $rc):" >&2
		if [[ -s $log ]]; then
			grep -E 'ERROR|WARN' "$log" | grep -v 'Inherited fd' | sed 's/^/  | /' >&2
		else
			sed 's/^/  | /' "$WORK/lxc-start.out" >&2
		fi
		CT_ERROR=$(grep -m1 ' ERROR ' "$log" 2>/dev/null | sed 's/^.* ERROR *[^ ]* - [^ ]* - //')
		CT_ERROR=${CT_ERROR:-$(grep -m1 . "$WORK/lxc-start.out")}
		return 125
	fi
	cat "$rootfs/.ct-out"
	return "$(<"$rootfs/.ct-status")"
}

# run_inside R NAME LAYOUT CMD...: CMD in container NAME (its own
# configuration) with the machine's /usr, /lib, /lib64 and BUILD (the
# directory of IGPUCTL unless set) mounted read-only at the same paths, so
# the build's binaries run inside.
run_inside() {
	local r=$1 name=$2 layout=$3 d
	local -a opts=()
	shift 3
	for d in /usr /lib /lib64 "${BUILD:-$(dirname "$IGPUCTL")}"; do
		[[ -e $d ]] || continue
		# lxc.mount.entry is an fstab line: a blank in a path is \040.
		d=${d// /\\040}
		opts+=(-s "lxc.mount.entry = $d ${d#/} none ro,bind,create=dir 0 0")
	done
	ct_run "$r" "$name" "$layout" - "${opts[@]}" -- "$@"
}
