#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Debian's grub-mkconfig over the GRUB files igpuctl setup edited, on fixture
# hosts (tests/boot/README.md).
#
#   tests/boot/test-grub-mkconfig.sh IGPUCTL            every case
#   ONLY=REGEX tests/boot/test-grub-mkconfig.sh IGPUCTL  the cases whose name matches
#
# For each case, on a fresh root of HOST (tests/lib/setup-hosts.sh mkroot):
#   grub-mkconfig -> before.cfg
#   igpuctl setup ARGS --yes --no-initramfs, grub-mkconfig -> setup.cfg:
#     grub-script-check accepts it; each WANTED token is in every normal
#     linux line exactly once (recovery lines: at most once), no "!KEY"
#     parameter or "!KEY=VALUE" word is left; nothing else changed from
#     before.cfg
#   igpuctl revert --yes --no-initramfs, grub-mkconfig -> revert.cfg:
#     byte for byte before.cfg, so none of the added parameters is left.
# Exit status 77 (skip) when grub-mkconfig cannot run here.
set -uo pipefail

IGPUCTL=$(realpath "$1")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
count=0

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SRCDIR/tests/boot/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/setup-hosts.sh
. "$SRCDIR/tests/lib/setup-hosts.sh"

# [PREP=BASH] grub_case NAME HOST "WANTED" SETUP-ARGS... (PREP runs in the
# root first)
grub_case() {
	local name=$1 host=$2 wanted=$3
	[[ -n ${ONLY:-} && ! $name =~ $ONLY ]] && return
	shift 3
	local r=$WORK/$name c=$WORK/$name.cfg fails0=$fails
	count=$((count + 1))
	mkdir -p "$c"
	mkroot "$host" "$r" || { fail "$name: cannot make the root"; return; }
	if [[ -n ${PREP:-} ]]; then
		(cd "$r" && bash -c "$PREP") || { fail "$name: PREP failed"; return; }
	fi
	mkconfig "$r" "$c/before.cfg" || return
	"$IGPUCTL" --root "$r" setup "$@" --yes --no-initramfs >"$WORK/setup" 2>&1 ||
		{ fail "$name: setup failed"; cat "$WORK/setup" >&2; return; }
	mkconfig "$r" "$c/setup.cfg" || return
	check_linux "$name" "$c/setup.cfg" "$wanted"
	check_edit "$name" "$c/before.cfg" "$c/setup.cfg" "$wanted"
	"$IGPUCTL" --root "$r" revert --yes --no-initramfs >"$WORK/revert" 2>&1 ||
		{ fail "$name: revert failed"; cat "$WORK/revert" >&2; return; }
	mkconfig "$r" "$c/revert.cfg" || return
	cmp -s "$c/before.cfg" "$c/revert.cfg" ||
		{ fail "$name: grub.cfg after revert differs from the original:"; diff "$c/before.cfg" "$c/revert.cfg" >&2; }
	[[ $fails -eq $fails0 ]] && echo "ok $name: linux ... $(linux_lines "$c/setup.cfg" | head -n1 | cut -d" " -f2-)"
}

# Debian 12 / Proxmox VE 8 with GRUB (the example host), and its variants
# of tests/setup/run.sh.
grub_case debian-grub-full pve8-coffeelake "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" \
	--mode full --allow-boot-vga
grub_case debian-grub-gvtg pve8-coffeelake "i915.enable_gvt=1" --mode gvt-g
# Comma lists and dotted keys as grub.cfg words.
grub_case debian-grub-full-extras pve8-coffeelake \
	"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init kvm.ignore_msrs=1 pcie_acs_override=downstream,multifunction modprobe.blacklist=snd_hda_intel" \
	--mode full --allow-boot-vga --kvm-ignore-msrs --acs-override --blacklist snd_hda_intel
# intel_iommu=off replaced where it is written, the rest appended in
# /etc/default/grub.d/50-console.cfg, whose value extends the main file's;
# GRUB_CMDLINE_LINUX holds a quoted "x" (grub-mkconfig is /bin/sh: dash).
grub_case debian-grub-odd debian-grub-odd "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init !intel_iommu=off" \
	--mode full --allow-boot-vga
grub_case debian-grub-symlink debian-grub-symlink "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
# New tokens after "quiet ${EXTRA_OPTS}" / "$EXTRA_OPTS", set or unset.
grub_case debian-grub-vars-set debian-grub-vars-set "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
grub_case debian-grub-vars-unset debian-grub-vars-unset "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
grub_case debian-grub-dashes debian-grub-dashes "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
# Ubuntu's /etc/default/grub ("quiet splash intel_iommu=on" already there).
grub_case ubuntu-grub-full shared-nvme-group "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga --allow-unsafe-group
# Ubuntu's cloud images: a grub.d file sets GRUB_CMDLINE_LINUX_DEFAULT
# outright, so /etc/default/grub's value never reaches grub.cfg; a file
# without .cfg is not read.
cloudimg='mkdir -p etc/default/grub.d &&
	printf "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0\"\n" >etc/default/grub.d/50-cloudimg-settings.cfg &&
	printf "GRUB_CMDLINE_LINUX_DEFAULT=\"not read\"\n" >etc/default/grub.d/60-old.cfg.dpkg-old'
PREP=$cloudimg grub_case ubuntu-grub-cloudimg shared-nvme-group "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" \
	--mode full --allow-boot-vga --allow-unsafe-group

echo "$count cases, $fails failures"
[[ $count -gt 0 ]] || { echo "no case matches ONLY=$ONLY" >&2; exit 1; }
[[ $fails -eq 0 ]]
