#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Stands in for /usr/sbin/grub-probe while tests/boot/grub-mkconfig.sh runs
# Debian's grub-mkconfig (it is bind-mounted over the real one in a private
# mount namespace, nowhere else).  The real grub-probe asks the kernel which
# block device holds a path and then reads that device: neither works on a
# container's overlay root, on the tmpfs /boot of the test, or without the
# right to open the disk.  Only device probing is replaced; every script of
# /etc/grub.d and grub-mkconfig itself are Debian's.
#
# The answers describe the disks run-guest.sh --grub-cfg boots:
#   /boot        the whole disk /dev/sda (GRUB's hd0): ext2, UUID $IGPUCTL_BOOT_UUID
#   anything else /dev/sdb1 (hd1,msdos1): ext2, UUID $IGPUCTL_ROOT_UUID
#                 (the root file system; the guest never mounts it)
# so the grub.cfg grub-mkconfig writes boots unmodified: its `search
# --fs-uuid` finds the boot disk and `linux /vmlinuz-KVER` is on it.
#
# Usage (grub-probe's): grub-probe [-t|--target=T] [-d|--device] PATH|DEVICE

boot_uuid=${IGPUCTL_BOOT_UUID:?}
root_uuid=${IGPUCTL_ROOT_UUID:?}
target=fs
is_device=0
arg=
while [ $# -gt 0 ]; do
	case "$1" in
	--target=*) target=${1#--target=} ;;
	-t|--target) target=$2; shift ;;
	-d|--device) is_device=1 ;;
	--device-map=*|-v|--verbose) ;;
	-m|--device-map) shift ;;
	-*) echo "grub-probe (test stub): unknown option $1" >&2; exit 1 ;;
	*) arg=$1 ;;
	esac
	shift
done
[ -n "$arg" ] || { echo "grub-probe (test stub): no path or device" >&2; exit 1; }

if [ "$is_device" = 1 ]; then
	dev=$arg
else
	case "$arg" in
	/boot|/boot/*) dev=/dev/sda ;;
	/*) dev=/dev/sdb1 ;;
	*) echo "grub-probe (test stub): $arg: not an absolute path" >&2; exit 1 ;;
	esac
fi
case "$dev" in
/dev/sda) uuid=$boot_uuid hint=hd0 partmap='' bios=hd0 baremetal=ahci0 ;;
/dev/sdb1) uuid=$root_uuid hint=hd1,msdos1 partmap=msdos bios=hd1,msdos1 baremetal=ahci1,msdos1 ;;
*) echo "grub-probe (test stub): unknown device $dev" >&2; exit 1 ;;
esac

case "$target" in
device) echo "$dev" ;;
fs) echo ext2 ;;
fs_uuid) echo "$uuid" ;;
partmap) [ -z "$partmap" ] || echo "$partmap" ;;
abstraction|cryptodisk_uuid) ;;
compatibility_hint) echo "$hint" ;;
hints_string) echo "--hint-bios=$bios --hint-efi=$bios --hint-baremetal=$baremetal " ;;
bios_hints) echo "$bios" ;;
drive) echo "($hint)" ;;
# No partition UUID on the whole-disk /boot; no label on either.
partuuid|fs_label) exit 1 ;;
*) echo "grub-probe (test stub): unknown target $target" >&2; exit 1 ;;
esac
