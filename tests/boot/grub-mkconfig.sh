#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run Debian's grub-mkconfig over a fixture root's /etc/default/grub and
# /etc/default/grub.d/*.cfg, as update-grub would on that host, and write the
# grub.cfg it generates to OUT.  See tests/boot/README.md.
#
# Usage: grub-mkconfig.sh ROOT OUT [--kver KVER]
#
# It runs in a private mount namespace (unshare -m; -rm as a user), where
#   /etc/default        is a copy of ROOT/etc/default in which symbolic
#                       links are replaced by what they point to inside
#                       ROOT (a /etc/default/grub that links to
#                       /etc/alternatives/... reads the root's file, as
#                       igpuctl --root does, not this machine's),
#   /boot               is an empty tmpfs with the kernel KVER of this
#                       machine's /boot (vmlinuz, config), an empty
#                       initrd.img-KVER and grub/: 10_linux writes one entry
#                       per kernel it finds there, and a /boot of its own
#                       file system is the separate /boot partition of many
#                       installs (paths on it start at its root: /vmlinuz-KVER),
#   /usr/sbin/grub-probe is tests/boot/grub-probe-stub.sh (why: see there),
# and the environment holds nothing but PATH, LC_ALL=C and the stub's
# UUIDs, so no GRUB_* variable of the caller leaks into the result.
# grub-mkconfig, /etc/grub.d/* and grub-script-check are the installed ones;
# nothing outside the namespace changes.
#
# Exit status: grub-mkconfig's; 77 when GRUB's tools, the kernel or
# mount namespaces are missing (the meson "skipped" code).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
EXIT_SKIP=77
# The disks run-guest.sh --grub-cfg boots (tests/boot/grub-probe-stub.sh).
export IGPUCTL_BOOT_UUID=${IGPUCTL_BOOT_UUID:-6b1e0c8a-5f3d-4d2b-9e47-b007b007b007}
export IGPUCTL_ROOT_UUID=${IGPUCTL_ROOT_UUID:-2f4c7d91-0a6e-4c38-8b15-7007f5f5f5f5}

skip() { echo "grub-mkconfig.sh: SKIP: $*" >&2; exit "$EXIT_SKIP"; }
usage() { sed -n '/^# Usage:/p' "$0" | sed 's/^# //' >&2; exit 2; }

[ $# -ge 2 ] || usage
root=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
# shellcheck source-path=SCRIPTDIR source=../lib/kver.sh
. "$here/../lib/kver.sh"
kver=${KVER:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done
[ -n "$kver" ] || kver=$(default_kver)

for t in grub-mkconfig grub-script-check unshare mount; do
	PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null || skip "$t not installed (apt-get install grub-common)"
done
[ -x /usr/sbin/grub-probe ] || skip "/usr/sbin/grub-probe not installed (apt-get install grub-common)"
[ -d /etc/grub.d ] || skip "/etc/grub.d not installed (apt-get install grub-common)"
if [ -z "$kver" ] || [ ! -r "/boot/vmlinuz-$kver" ]; then
	skip "no readable kernel in /boot (apt-get install linux-image-amd64)"
fi
[ -d "$root/etc/default" ] || { echo "grub-mkconfig.sh: $root has no etc/default" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
	ns=(unshare -m --propagation private)
else
	ns=(unshare -rm --propagation private)
fi
"${ns[@]}" true 2>/dev/null || skip "cannot make a mount namespace here (${ns[*]})"

stage=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-grub-mkconfig.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# in_root PATH: PATH (under ROOT) with its symbolic links followed inside
# ROOT, the way the host itself would follow them.
in_root() {
	local p=$1 t n=0
	while [ -L "$p" ]; do
		n=$((n + 1))
		[ "$n" -le 40 ] || { echo "grub-mkconfig.sh: too many links at $1" >&2; exit 1; }
		t=$(readlink "$p")
		case "$t" in
		/*) p=$root$t ;;
		*) p=$(dirname "$p")/$t ;;
		esac
	done
	echo "$p"
}
# The copy of etc/default: every entry by its contents, links resolved.
mkdir "$stage/default"
(cd "$root/etc/default" && find . -mindepth 1 \( -type f -o -type l -o -type d \) -print) | sort |
	while read -r f; do
		src=$(in_root "$root/etc/default/$f")
		if [ -d "$src" ] && [ -L "$root/etc/default/$f" ]; then
			cp -rL "$src" "$stage/default/$f"
		elif [ -d "$src" ]; then
			mkdir -p "$stage/default/$f"
		elif [ -e "$src" ]; then
			cp "$src" "$stage/default/$f"
		fi
		# A dangling link stays away, as grub-mkconfig's `test -f` skips it.
	done

# What the tmpfs /boot gets (the machine's /boot is out of sight there).
mkdir "$stage/boot"
cp "/boot/vmlinuz-$kver" "$stage/boot/"
[ ! -r "/boot/config-$kver" ] || cp "/boot/config-$kver" "$stage/boot/"

# shellcheck disable=SC2016 # expanded by the inner bash
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
	IGPUCTL_BOOT_UUID="$IGPUCTL_BOOT_UUID" IGPUCTL_ROOT_UUID="$IGPUCTL_ROOT_UUID" \
	"${ns[@]}" bash -euc '
	root=$1 out=$2 kver=$3 stage=$4 stub=$5
	mount -t tmpfs -o mode=755 igpuctl-boot /boot
	cp "$stage/boot/"* /boot/
	: >"/boot/initrd.img-$kver"
	mkdir /boot/grub
	mount --bind "$stage/default" /etc/default
	mount --bind "$stub" /usr/sbin/grub-probe
	grub-mkconfig -o "$out"
' grub-mkconfig.sh "$root" "$out" "$kver" "$stage" "$here/grub-probe-stub.sh"
