# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/boot/initramfs-tools.sh and initramfs-dracut.sh: the
# distributions' own initramfs builders run on what `igpuctl setup` wrote
# into a fixture root.  Needs IGPUCTL and SRCDIR; sets WORK and KVER.
#
# The builders read modprobe.d from the absolute path /etc/modprobe.d (to
# copy it into the image, and through modprobe for the softdeps), so they
# run in a private mount namespace where the fixture's etc/modprobe.d is
# bind-mounted over it; the rest of the machine is never touched.

EXIT_SKIP=77
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
skip() {
	echo "SKIP: $*"
	exit "$EXIT_SKIP"
}
step() { echo "=== $*"; }

# Prerequisites every initramfs test shares; TOOLS are its own.
initrd_init() {
	local t
	[[ -x $IGPUCTL ]] || { echo "FAIL: $IGPUCTL is not an executable" >&2; exit 1; }
	for t in unshare mount "$@"; do
		command -v "$t" >/dev/null || skip "$t not installed (tools/install-deps)"
	done
	[[ $(id -u) -eq 0 ]] || skip "needs root (a private mount namespace over /etc/modprobe.d)"
	unshare -m --propagation private true 2>/dev/null || skip "unshare -m does not work here"
	# shellcheck source-path=SCRIPTDIR source=../lib/kver.sh
	. "$SRCDIR/tests/lib/kver.sh"
	KVER=${KVER:-$(default_kver)}
	[[ -n $KVER ]] || skip "no kernel with modules in /boot (apt-get install linux-image-amd64)"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-boot-initrd.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	# shellcheck source-path=SCRIPTDIR source=../lib/setup-hosts.sh
	. "$SRCDIR/tests/lib/setup-hosts.sh"
}

# in_root ROOT CMD...: run CMD with ROOT's etc/modprobe.d as /etc/modprobe.d
# (an empty one when ROOT has none).
in_root() {
	local root=$1 md=$1/etc/modprobe.d
	shift
	if [[ ! -d $md ]]; then
		md=$WORK/empty-modprobe.d
		mkdir -p "$md"
	fi
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m --propagation private bash -c 'mount --bind "$1" /etc/modprobe.d && shift && exec "$@"' \
		_ "$md" "$@"
}

# setup_root ROOT ARGS...: igpuctl setup on ROOT, the output in ROOT.setup
setup_root() {
	local root=$1
	shift
	"$IGPUCTL" --root "$root" setup "$@" --yes --no-initramfs >"$root.setup" 2>&1 ||
		{ fail "setup $* failed:"; cat "$root.setup" >&2; return 1; }
}

# revert_root ROOT: igpuctl revert on ROOT
revert_root() {
	"$IGPUCTL" --root "$1" revert --yes --no-initramfs >"$1.revert" 2>&1 ||
		{ fail "revert failed:"; cat "$1.revert" >&2; return 1; }
}

# modules_in LIST: the module names (.ko files, '-' as '_') in a listing of
# an image, one a line
modules_in() {
	sed -n 's|.*/\([^/]*\)\.ko\(\.[a-z]*\)\{0,1\}$|\1|p' "$1" | tr - _ | sort -u
}

# has_module LIST NAME: is module NAME in the image listed in LIST?
# (grep -q stops reading early: no pipe, which pipefail would count as a
# failure of the writer)
has_module() {
	grep -qx "${2//-/_}" < <(modules_in "$1")
}

# has_path LIST PATH: does the listing hold PATH (relative, as listed)?
has_path() {
	grep -qx -- "$2" <(sed 's|^\./||' "$1")
}

# The modules of full passthrough setup plans for the initramfs.
VFIO_MODULES=(vfio vfio_pci vfio_iommu_type1)

# expect_modules LIST WANT WHAT: every VFIO module is in the image (WANT=1)
# or none is (WANT=0)
expect_modules() {
	local list=$1 want=$2 what=$3 m
	for m in "${VFIO_MODULES[@]}"; do
		if has_module "$list" "$m"; then
			if [[ $want == 1 ]]; then
				echo "ok: $m is in the image ($what)"
			else
				fail "$m is in the image ($what)"
			fi
		else
			if [[ $want == 0 ]]; then
				echo "ok: $m is not in the image ($what)"
			else
				fail "$m is not in the image ($what)"
			fi
		fi
	done
}
