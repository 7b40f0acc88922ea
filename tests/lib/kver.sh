# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/vm/run-guest.sh, tests/vm/mkinitramfs.sh and
# tests/vgpu/vm-lifecycle.sh, which must agree on the kernel the guest boots.

# default_kver: the newest kernel in /boot that has its modules installed
# (the running kernel is irrelevant: the guest boots the distribution's
# kernel); prints nothing when there is none.
default_kver() {
	local k v
	for k in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -rV); do
		v=${k#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/kernel" ] && { echo "$v"; return 0; }
	done
	return 0
}
