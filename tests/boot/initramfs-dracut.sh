#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Proof with dracut itself: `igpuctl setup --mode full` on the fixture
# fedora-grub-dracut, then the real dracut builds a generic image (this
# machine's hardware must not matter: --no-hostonly) for the installed
# kernel with the fixture's /etc/dracut.conf.d as its configuration
# directory, and lsinitrd shows what went in:
#   - force_drivers: vfio, vfio_pci and vfio_iommu_type1 are in the image,
#     and etc/cmdline.d/20-force_drivers.conf loads them first
#     (rd.driver.pre=);
#   - install_items: igpuctl's /etc/modprobe.d file is in the image byte
#     for byte (a generic image takes no /etc/modprobe.d of its own);
#   - after `igpuctl revert`, a new image has neither.
# The image is left uncompressed (--no-compress: the same files, a quarter
# of the time).
#
# Usage: initramfs-dracut.sh IGPUCTL
# Exit: 0 pass, 1 fail, 77 skipped (dracut, the kernel or a private mount
#       namespace missing).

set -uo pipefail

IGPUCTL=$(realpath "${1:?usage: initramfs-dracut.sh IGPUCTL}")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=initramfs-lib.sh
. "$SRCDIR/tests/boot/initramfs-lib.sh"
initrd_init dracut lsinitrd

HOST=fedora-grub-dracut
conf=etc/modprobe.d/igpuctl.conf
forced=etc/cmdline.d/20-force_drivers.conf

# build ROOT NAME: dracut with ROOT's etc/dracut.conf(.d); the image is
# WORK/NAME.img, its listing (paths only) WORK/NAME.list
build() {
	local root=$1 img=$WORK/$2.img main=/dev/null
	[[ -f $root/etc/dracut.conf ]] && main=$root/etc/dracut.conf
	in_root "$root" dracut --no-hostonly --no-compress --no-early-microcode --force \
		--conf "$main" --confdir "$root/etc/dracut.conf.d" --kver "$KVER" "$img" >"$WORK/$2.log" 2>&1 ||
		{ fail "$2: dracut failed:"; cat "$WORK/$2.log" >&2; return 1; }
	# lsinitrd lists like `ls -l`: the path is the 9th field on.
	lsinitrd "$img" | awk 'length($1) == 10 && $1 ~ /^[-dlcbps][-r][-w]/ { $1 = $2 = $3 = $4 = $5 = $6 = $7 = $8 = ""; sub(/^ +/, ""); sub(/ -> .*/, ""); print }' \
		>"$WORK/$2.list" || { fail "$2: lsinitrd failed"; return 1; }
	[[ $(wc -l <"$WORK/$2.list") -gt 100 ]] || { fail "$2: the listing of the image is nearly empty"; return 1; }
	echo "dracut --no-hostonly --confdir ROOT/etc/dracut.conf.d --kver $KVER: $(wc -l <"$WORK/$2.list") entries"
}

step "setup --mode full --allow-boot-vga, then dracut"
r=$WORK/root
mkroot "$HOST" "$r" || { fail "mkroot $HOST"; exit 1; }
setup_root "$r" --mode full --allow-boot-vga || exit 1
grep -q '^force_drivers' "$r/etc/dracut.conf.d/igpuctl.conf" 2>/dev/null ||
	fail "setup wrote no force_drivers into etc/dracut.conf.d/igpuctl.conf"
if build "$r" setup; then
	expect_modules "$WORK/setup.list" 1 "force_drivers"
	if has_path "$WORK/setup.list" "$conf"; then
		lsinitrd -f "$conf" "$WORK/setup.img" >"$WORK/conf.in-image" 2>/dev/null
		if cmp -s "$WORK/conf.in-image" "$r/$conf"; then
			echo "ok: $conf is in the image, the file setup wrote"
		else
			fail "$conf in the image differs from the file setup wrote"
		fi
	else
		fail "$conf is not in the image"
	fi
	lsinitrd -f "$forced" "$WORK/setup.img" >"$WORK/forced" 2>/dev/null
	for m in "${VFIO_MODULES[@]}"; do
		if grep -qx "rd.driver.pre=$m" "$WORK/forced"; then
			echo "ok: $forced loads $m first"
		else
			fail "$forced lacks rd.driver.pre=$m: $(tr '\n' ' ' <"$WORK/forced")"
		fi
	done
fi

step "revert, then dracut"
revert_root "$r"
if build "$r" revert; then
	if has_path "$WORK/revert.list" "$conf"; then
		fail "revert: $conf is still in the image"
	else
		echo "ok: $conf is no longer in the image"
	fi
	if has_path "$WORK/revert.list" "$forced"; then
		fail "revert: $forced is still in the image"
	else
		echo "ok: $forced is no longer in the image"
	fi
fi

if [[ $fails -gt 0 ]]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "all dracut checks passed"
