#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Proof with Debian's own initramfs-tools: `igpuctl setup --mode full` on the
# fixture debian-initramfs-tools (Proxmox VE 8 on Coffee Lake with Debian
# 12's /etc/initramfs-tools), then the real mkinitramfs builds an image from
# the fixture's configuration for the installed kernel, and lsinitramfs
# shows what went in.
#
# What initramfs-tools takes (mkinitramfs, hook-functions): the modules of
# CONFDIR/modules and the MODULES=most classes (neither vfio nor i915 is
# among them), each with what `modprobe --show-depends` adds, softdeps
# included; and a copy of /etc/modprobe.d/*.conf.  /etc/modules is not read
# (systemd-modules-load loads it after the root is mounted).  So the vfio
# modules are in the image exactly when CONFDIR/modules lists them, or when
# a GPU driver in the image has igpuctl's `softdep DRIVER pre: vfio-pci`;
# the test computes that from the files and checks the image against it:
#   plain  setup as it is: igpuctl's modprobe.d file is in the image
#          (byte for byte), the vfio modules as the rule says
#   i915   the admin lists i915 in /etc/initramfs-tools/modules (early KMS):
#          the softdep brings vfio, vfio_pci and vfio_iommu_type1 along
#   debian13  /etc/modules calls itself obsolete (Debian 13, Proxmox VE 9,
#          Ubuntu 24.04): setup lists the vfio modules in
#          /etc/initramfs-tools/modules, and they are in the image
#   revert after `igpuctl revert`, a new image has no igpuctl.conf
#
# Usage: initramfs-tools.sh IGPUCTL
# Exit: 0 pass, 1 fail, 77 skipped (initramfs-tools, the kernel or a
#       private mount namespace missing).

set -uo pipefail

IGPUCTL=$(realpath "${1:?usage: initramfs-tools.sh IGPUCTL}")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=initramfs-lib.sh
. "$SRCDIR/tests/boot/initramfs-lib.sh"
initrd_init mkinitramfs lsinitramfs unmkinitramfs

HOST=debian-initramfs-tools
SETUP=(--mode full --allow-boot-vga)

# build ROOT NAME: mkinitramfs from ROOT's etc/initramfs-tools; the image is
# WORK/NAME.img, its listing WORK/NAME.list
build() {
	local root=$1 img=$WORK/$2.img
	in_root "$root" mkinitramfs -d "$root/etc/initramfs-tools" -o "$img" "$KVER" >"$WORK/$2.log" 2>&1 ||
		{ fail "$2: mkinitramfs failed:"; cat "$WORK/$2.log" >&2; return 1; }
	lsinitramfs "$img" >"$WORK/$2.list" || { fail "$2: lsinitramfs failed"; return 1; }
	[[ $(wc -l <"$WORK/$2.list") -gt 100 ]] || { fail "$2: the listing of the image is nearly empty"; return 1; }
	echo "mkinitramfs -d ROOT/etc/initramfs-tools $KVER: $(wc -l <"$WORK/$2.list") entries"
}

# expected ROOT LIST: WANT=1 when initramfs-tools puts the vfio modules
# into the image (see the header), else WANT=0; prints the reason
expected() {
	local root=$1 list=$2 drv
	if grep -qx vfio_pci < <(grep -v '^[[:space:]]*#' "$root/etc/initramfs-tools/modules" | awk '{ print $1 }' | tr - _); then
		echo "expected: the vfio modules, as etc/initramfs-tools/modules lists vfio_pci"
		WANT=1
		return
	fi
	# The drivers that modprobe.d gives a `softdep DRIVER pre: ... vfio-pci`.
	while read -r drv; do
		if has_module "$list" "$drv"; then
			echo "expected: the vfio modules, as $drv is in the image with 'softdep $drv pre: vfio-pci'"
			WANT=1
			return
		fi
	done < <(cat "$root"/etc/modprobe.d/*.conf 2>/dev/null | tr - _ | awk '$1 == "softdep" {
		pre = 0
		for (i = 3; i <= NF; i++) {
			if ($i ~ /:$/) pre = ($i == "pre:")
			else if (pre && $i == "vfio_pci") print $2
		}
	}')
	echo "expected: no vfio modules, as etc/initramfs-tools/modules does not list vfio_pci and no driver in the image has a vfio-pci softdep"
	WANT=0
}

# same_in_image NAME PATH ROOT: PATH in image NAME is ROOT's file, byte for byte
same_in_image() {
	local name=$1 path=$2 root=$3 x=$WORK/$1.x
	rm -rf "$x"
	unmkinitramfs "$WORK/$name.img" "$x" 2>/dev/null || { fail "$name: unmkinitramfs failed"; return; }
	# An image with an early (microcode) part unpacks into early/ and main/.
	[[ -d $x/main ]] && x=$x/main
	if cmp -s "$x/$path" "$root/$path"; then
		echo "ok: $path in the image is the file setup wrote"
	else
		fail "$name: $path in the image differs from the file setup wrote"
	fi
}

conf=etc/modprobe.d/igpuctl.conf

step "plain: setup ${SETUP[*]}, then mkinitramfs"
r=$WORK/plain
mkroot "$HOST" "$r" || { fail "mkroot $HOST"; exit 1; }
setup_root "$r" "${SETUP[@]}" || exit 1
[[ -f $r/$conf ]] || fail "plain: setup wrote no $conf"
if build "$r" plain; then
	if has_path "$WORK/plain.list" "$conf"; then
		echo "ok: $conf is in the image"
	else
		fail "plain: $conf is not in the image"
	fi
	same_in_image plain "$conf" "$r"
	expected "$r" "$WORK/plain.list"
	expect_modules "$WORK/plain.list" "$WANT" "plain"
	if [[ $WANT == 0 ]] && grep -qx vfio_pci "$r/etc/modules"; then
		echo "note: setup listed the vfio modules in /etc/modules, which initramfs-tools does not read;"
		echo "      they load after the root is mounted, vfio-pci before i915 by the softdep"
	fi
fi

step "i915: the admin lists i915 in /etc/initramfs-tools/modules; setup ${SETUP[*]}, then mkinitramfs"
r=$WORK/i915
mkroot "$HOST" "$r" || { fail "mkroot $HOST"; exit 1; }
echo i915 >>"$r/etc/initramfs-tools/modules"
setup_root "$r" "${SETUP[@]}" || exit 1
if build "$r" i915; then
	if has_module "$WORK/i915.list" i915; then
		echo "ok: i915 is in the image"
	else
		fail "i915: i915 is not in the image"
	fi
	if has_path "$WORK/i915.list" "$conf"; then
		echo "ok: $conf is in the image"
	else
		fail "i915: $conf is not in the image"
	fi
	expected "$r" "$WORK/i915.list"
	[[ $WANT == 1 ]] || fail "i915: the softdep igpuctl wrote does not bring vfio-pci into this image"
	expect_modules "$WORK/i915.list" 1 "i915, by the softdep"
fi

step "debian13: /etc/modules calls itself obsolete (kmod 30+20230601); setup ${SETUP[*]}, then mkinitramfs"
r=$WORK/debian13
mkroot "$HOST" "$r" || { fail "mkroot $HOST"; exit 1; }
# The header Debian 13's kmod.postinst writes (tests/setup/hosts/pve9-modules-obsolete.sh).
printf '%s\n' '# /etc/modules is obsolete and has been replaced by /etc/modules-load.d/.' \
	'# Please see modules-load.d(5) and modprobe.d(5) for details.' '#' \
	'# Updating this file still works, but it is undocumented and unsupported.' >"$r/etc/modules"
setup_root "$r" "${SETUP[@]}" || exit 1
grep -qx vfio_pci "$r/etc/modules" && fail "debian13: setup wrote to the obsolete /etc/modules"
if build "$r" debian13; then
	expected "$r" "$WORK/debian13.list"
	[[ $WANT == 1 ]] || fail "debian13: setup did not list the vfio modules where mkinitramfs reads them"
	expect_modules "$WORK/debian13.list" 1 "debian13, from /etc/initramfs-tools/modules"
fi

step "revert: igpuctl revert, then mkinitramfs"
r=$WORK/plain
revert_root "$r"
[[ -e $r/$conf ]] && fail "revert: $conf is still in the root"
if build "$r" revert; then
	if has_path "$WORK/revert.list" "$conf"; then
		fail "revert: $conf is still in the image"
	else
		echo "ok: $conf is no longer in the image"
	fi
	expected "$r" "$WORK/revert.list"
	expect_modules "$WORK/revert.list" "$WANT" "revert"
fi

if [[ $fails -gt 0 ]]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "all initramfs-tools checks passed"
