#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The strongest proof of igpuctl's GRUB edit: Debian's kernel booted by real
# GRUB from the grub.cfg that Debian's grub-mkconfig made of it, under QEMU
# (tests/boot/README.md).
#
#   tests/boot/test-grub-boot.sh IGPUCTL
#
# On the example host pve8-coffeelake (Proxmox VE 8 / Debian 12 with GRUB):
#   setup --mode full, grub-mkconfig, boot: the guest's /proc/cmdline is the
#     first menu entry's linux line (what GRUB_DEFAULT=0 boots) and holds
#     each parameter exactly once;
#   revert, grub-mkconfig, boot: none of them is left.
# On debian-grub-odd (tests/setup/hosts), whose parameters igpuctl writes
# into /etc/default/grub.d/50-console.cfg and where intel_iommu=off is
# replaced: setup, grub-mkconfig, boot.
# The grub.cfg is booted as grub-mkconfig wrote it (tests/vm/run-guest.sh
# --grub-cfg).  Exit status 77 (skip) when GRUB, QEMU or the kernel is
# missing, 99 when a guest did not boot.
set -uo pipefail

IGPUCTL=$(realpath "$1")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SRCDIR/tests/boot/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/setup-hosts.sh
. "$SRCDIR/tests/lib/setup-hosts.sh"

cat >"$WORK/guest.sh" <<'GUEST'
echo "cmdline: $(cat /proc/cmdline)"
GUEST

# boot NAME CFG: boot CFG through GRUB, leave the guest's /proc/cmdline in
# $WORK/NAME.cmdline.  A harness failure (status 77 or 99) ends the test
# with that status.
boot() {
	local name=$1 cfg=$2 rc=0
	# No emulated VT-d: its interrupt remapping makes the kernel panic
	# now and then under TCG on a loaded machine ("timer doesn't work
	# through Interrupt-remapped IO-APIC"), and without run-guest.sh's
	# panic=-1 the guest would then sit there until the timeout.
	"$SRCDIR/tests/vm/run-guest.sh" --no-iommu --topology minimal --timeout 300 \
		--grub-cfg "$cfg" --boot-uuid "$BOOT_UUID" "$WORK/guest.sh" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
	if [[ $rc -ne 0 ]]; then
		cat "$WORK/$name.out" "$WORK/$name.err" >&2
		[[ $rc -eq 77 || $rc -eq 99 ]] && exit "$rc"
		fail "$name: the guest script failed (status $rc)"
		return 1
	fi
	sed -n 's/^cmdline: //p' "$WORK/$name.out" >"$WORK/$name.cmdline"
	echo "$name: $(cat "$WORK/$name.cmdline")"
	tail -n1 "$WORK/$name.err"
}

# check_booted NAME CFG "WANTED": the kernel got the first entry's linux
# line (GRUB adds BOOT_IMAGE= and drops the quotes of its script words),
# each wanted token exactly once in it, no "!KEY" or "!KEY=VALUE" (gone).
check_booted() {
	local name=$1 cfg=$2 wanted=$3 line image t
	local -a got
	read -r -a got <"$WORK/$name.cmdline"
	line=$(awk '/^[ \t]*linux[ \t]/ { print; exit }' "$cfg")
	image=$(awk '{ print $2 }' <<<"$line")
	[[ ${got[0]:-} == "BOOT_IMAGE=$image" ]] || fail "$name: not the first entry's kernel: ${got[*]}"
	local -a words
	read -r -a words < <(awk '{ $1 = $2 = ""; print }' <<<"${line//\"/}")
	[[ "${got[*]:1}" == "${words[*]}" ]] ||
		fail "$name: /proc/cmdline is not the first entry's linux line: ${got[*]} / $line"
	for t in $wanted; do
		if [[ $t == !* ]]; then
			gone "$t" "${got[@]}" || fail "$name: ${t#!} is on the kernel's command line: ${got[*]}"
		else
			[[ $(count_token "$t" "${got[@]}") -eq 1 ]] || fail "$name: '$t' not exactly once on the kernel's command line: ${got[*]}"
		fi
	done
}

full="intel_iommu=on iommu=pt initcall_blacklist=sysfb_init"

r=$WORK/pve8
mkroot pve8-coffeelake "$r" || { echo "cannot make the root" >&2; exit 1; }
"$IGPUCTL" --root "$r" setup --mode full --allow-boot-vga --yes --no-initramfs >"$WORK/setup" 2>&1 ||
	{ cat "$WORK/setup" >&2; echo "setup failed" >&2; exit 1; }
mkconfig "$r" "$WORK/setup.cfg" || exit 1
check_linux pve8-setup "$WORK/setup.cfg" "$full"
boot pve8-setup "$WORK/setup.cfg" && check_booted pve8-setup "$WORK/setup.cfg" "$full"

"$IGPUCTL" --root "$r" revert --yes --no-initramfs >"$WORK/revert" 2>&1 ||
	{ cat "$WORK/revert" >&2; echo "revert failed" >&2; exit 1; }
mkconfig "$r" "$WORK/revert.cfg" || exit 1
none=$(printf '!%s ' intel_iommu iommu initcall_blacklist)
check_linux pve8-revert "$WORK/revert.cfg" "$none"
boot pve8-revert "$WORK/revert.cfg" && check_booted pve8-revert "$WORK/revert.cfg" "$none"

r=$WORK/odd
mkroot debian-grub-odd "$r" || { echo "cannot make the root" >&2; exit 1; }
"$IGPUCTL" --root "$r" setup --mode full --allow-boot-vga --yes --no-initramfs >"$WORK/setup" 2>&1 ||
	{ cat "$WORK/setup" >&2; echo "setup failed" >&2; exit 1; }
mkconfig "$r" "$WORK/odd.cfg" || exit 1
check_linux odd-setup "$WORK/odd.cfg" "$full !intel_iommu=off"
boot odd-setup "$WORK/odd.cfg" && check_booted odd-setup "$WORK/odd.cfg" "$full !intel_iommu=off"

echo "$fails failures"
[[ $fails -eq 0 ]]
