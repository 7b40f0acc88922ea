#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Golden tests of `igpuctl setup` / `revert` on fixture hosts, one per boot
# loader x initramfs tool x mode (and the refusals).
#
#   tests/setup/run.sh IGPUCTL            run every case
#   tests/setup/run.sh IGPUCTL --update   rewrite tests/setup/expected/
#   ONLY=REGEX tests/setup/run.sh IGPUCTL  only the cases whose name matches
#
# A host is examples/hosts/NAME, or the variant of an example host that
# tests/setup/hosts/NAME.sh describes (tests/fixtures/mkhost.sh: from_host,
# then its own etc/, boot/ and efi/).
#
# Output is recorded and compared by tests/lib/golden.sh (stdout, stderr
# and the exit status apart).
#
# For each `ok` case: the --dry-run output must match expected/CASE.out;
# then setup --yes is applied and
#   - every kernel command line the boot loader reads (GRUB files sourced by
#     a real bash, /etc/kernel/cmdline, loader entries) holds each wanted
#     token exactly once and every original token (but the replaced ones);
#   - a second setup changes nothing;
#   - revert --yes brings etc/, boot/, efi/ back byte for byte.
# For each `changed` case: setup --yes, then the user edits some FILES (the
# edit leaves the word "mine" in each), then revert --yes must succeed: the
# edit stays, no WANTED token is left that the original did not have, every
# other file is back byte for byte; revert's output and the FILES as revert
# left them are the golden output.
# For each `removed` case: setup --yes, then the admin takes TOKEN out of
# FILES; a second setup must leave it out (its note in the golden output)
# and write nothing; revert then restores the tree byte for byte; setup
# --force puts TOKEN back once into each of FILES, and revert of both
# changes again restores the tree byte for byte.
# For each `refuse` case: exit status 1, the message matches, and nothing
# under the root changed (PREP=BASH refuse ...: BASH first breaks the root,
# e.g. with a NUL byte that a fixture file should not carry).
# PREP=BASH before `ok` or `changed` likewise edits the root first.
set -uo pipefail

IGPUCTL=$(realpath "$1")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRCDIR/tests/setup
WORK=$(mktemp -d /tmp/igpuctl-setup-test.XXXXXX)
# shellcheck source=../lib/golden.sh
. "$SRCDIR/tests/lib/golden.sh"
trap 'rm -rf "$WORK"; golden_cleanup' EXIT
golden_init "$HERE/expected" "${@:2}"
fails=0
count=0

# skip NAME: is the case left out by ONLY?
skip() {
	[[ -n ${ONLY:-} && ! $1 =~ $ONLY ]]
}

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# mkroot HOST DIR (examples/hosts or a tests/setup/hosts description)
. "$SRCDIR/tests/lib/setup-hosts.sh"

# snapshot DIR: a listing of every file under etc boot efi var with its checksum
# (but igpuctl's lock file, which any run that may write creates and keeps,
# as dpkg keeps /var/lib/dpkg/lock)
snapshot() {
	(cd "$1" && find etc boot efi var \( -xtype f -o -type l \) ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do
			if [[ -L $f ]]; then echo "$f -> $(readlink "$f")"; else echo "$f $(sha256sum <"$f" | cut -c1-16) $(stat -c %a "$f")"; fi
		done)
}

# entry_lines DIR...: the options of each Linux loader entry in DIR, one line each
entry_lines() {
	local d e
	for d; do
		for e in "$d"/*.conf; do
			[[ -f $e ]] && grep -q '^linux' "$e" &&
				grep '^options' "$e" | sed 's/^options[[:space:]]*//' | tr '\n' ' ' && echo
		done
	done
}

# cmdlines DIR: each kernel command line the boot loader reads, one per line
cmdlines() {
	local r=$1
	if [[ -e $r/etc/kernel/proxmox-boot-uuids || ! -e $r/etc/default/grub ]]; then
		[[ -f $r/etc/kernel/cmdline ]] && { head -n1 "$r/etc/kernel/cmdline"; echo; }
		entry_lines "$r/boot/loader/entries" "$r/efi/loader/entries"
		return 0
	fi
	# GRUB with BLS reads the entries' options, and kernel-install writes
	# new ones from /etc/kernel/cmdline: each line holds the tokens too.
	if [[ -d $r/boot/loader/entries ]]; then
		[[ -f $r/etc/kernel/cmdline ]] && { head -n1 "$r/etc/kernel/cmdline"; echo; }
		entry_lines "$r/boot/loader/entries"
	fi
	# A real bash sources the GRUB files the way grub-mkconfig does
	# (inside the root: the files' absolute references stay inside it).
	(cd "$r" && bash -c '
		set +u
		. ./etc/default/grub
		for f in ./etc/default/grub.d/*.cfg; do [ -e "$f" ] && . "$f"; done
		printf "%s %s\n" "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"' 2>/dev/null)
}

# check_tokens BEFORE AFTER WANTED: each wanted token exactly once in every
# line of AFTER, every token of BEFORE still there unless its key is wanted.
# A wanted "!KEY" is a parameter that must be gone.  Keys compare with '-'
# and '_' as one, as the kernel's parameq() does.
check_tokens() {
	local name=$1 before=$2 after=$3 wanted=$4 i=0 keys=' ' w
	local -a bl al
	mapfile -t bl <<<"$before"
	mapfile -t al <<<"$after"
	for w in $wanted; do
		w=${w#!}
		w=${w%%=*}
		keys+="${w//-/_} "
	done
	for ((i = 0; i < ${#al[@]}; i++)); do
		local line=${al[i]} t n key
		[[ -z $line ]] && continue
		for t in $wanted; do
			if [[ $t == !* ]]; then
				for n in $line; do
					key=${n%%=*}
					[[ ${key//-/_} == "${t#!}" ]] && fail "$name: '$n' left in: $line"
				done
				continue
			fi
			n=$(tr -s ' \t' '\n' <<<"$line" | grep -cxF -- "$t")
			[[ $n -eq 1 ]] || fail "$name: '$t' appears $n times in: $line"
		done
		for t in ${bl[i]:-}; do
			key=${t%%=*}
			[[ $keys == *" ${key//-/_} "* ]] && continue
			tr -s ' \t' '\n' <<<"$line" | grep -qxF -- "$t" || fail "$name: original token '$t' lost in: $line"
		done
	done
}

# golden NAME: end the case's record (tests/lib/golden.sh)
golden() {
	golden_end || fail "$1: output differs from expected/$1.out"
}

# ok NAME HOST "WANTED TOKENS" SETUP-ARGS...
ok() {
	local name=$1 host=$2 wanted=$3
	skip "$name" && return
	shift 3
	local r=$WORK/$name rc snap0 before after
	count=$((count + 1))
	mkroot "$host" "$r"
	if [[ -n ${PREP:-} ]]; then
		(cd "$r" && bash -c "$PREP") || { fail "$name: PREP failed"; return; }
	fi
	snap0=$(snapshot "$r")
	before=$(cmdlines "$r")
	golden_begin "$name"
	golden_run "$IGPUCTL" --root "$r" setup "$@" --dry-run
	rc=$GOLDEN_RC
	golden "$name"
	[[ $rc -eq 0 ]] || { fail "$name: dry run failed"; return; }
	[[ $(snapshot "$r") == "$snap0" ]] || fail "$name: --dry-run changed files"

	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/apply" 2>&1 || { fail "$name: setup --yes failed"; cat "$WORK/apply" >&2; return; }
	after=$(cmdlines "$r")
	check_tokens "$name" "$before" "$after" "$wanted"
	# Nothing was written outside the root: every changed path is in it.
	local snap1
	snap1=$(snapshot "$r")
	# Proxmox VE's qemu-server ships modules-load.d/qemu-server.conf (in
	# /usr/lib since 9.2.1, in /etc before): igpuctl never writes that name.
	[[ $(grep '^etc/modules-load.d/qemu-server.conf ' <<<"$snap1") == \
		"$(grep '^etc/modules-load.d/qemu-server.conf ' <<<"$snap0")" ]] ||
		fail "$name: setup wrote etc/modules-load.d/qemu-server.conf"
	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/again" 2>&1
	grep -q "^Nothing to change" "$WORK/again" || fail "$name: second setup was not a no-op: $(cat "$WORK/again")"
	[[ $(snapshot "$r") == "$snap1" ]] || fail "$name: second setup changed files"

	"$IGPUCTL" --root "$r" revert --yes >"$WORK/revert" 2>&1 || { fail "$name: revert failed"; cat "$WORK/revert" >&2; return; }
	# The journal directory may stay (empty); everything else is as before.
	diff <(grep -v '^var' <<<"$snap0") <(snapshot "$r" | grep -v '^var') >"$WORK/d" ||
		{ fail "$name: revert did not restore the tree"; cat "$WORK/d" >&2; }
	[[ -z $(find "$r/var/lib/igpuctl" -type f ! -name lock 2>/dev/null) ]] || fail "$name: journal left after revert"
}

# changed NAME HOST "FILES" EDIT "WANTED" SETUP-ARGS... (EDIT: bash run in the root)
changed() {
	local name=$1 host=$2 files=$3 edit=$4 wanted=$5
	skip "$name" && return
	shift 5
	local r=$WORK/$name o=$WORK/$name.orig f t rc
	count=$((count + 1))
	mkroot "$host" "$r"
	mkroot "$host" "$o"
	if [[ -n ${PREP:-} ]]; then
		(cd "$r" && bash -c "$PREP") && (cd "$o" && bash -c "$PREP") || { fail "$name: PREP failed"; return; }
	fi
	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/apply" 2>&1 || { fail "$name: setup --yes failed"; cat "$WORK/apply" >&2; return; }
	(cd "$r" && bash -c "$edit") || { fail "$name: the edit failed"; return; }
	golden_begin "$name"
	golden_run "$IGPUCTL" --root "$r" revert --yes
	rc=$GOLDEN_RC
	for f in $files; do
		golden_file "$f" "$r/$f"
		grep -q mine "$r/$f" || fail "$name: the user's edit of $f is gone"
		for t in $wanted; do
			[[ $(grep -oF -- "$t" "$r/$f" | wc -l) -eq $(grep -oF -- "$t" "$o/$f" 2>/dev/null | wc -l) ]] ||
				fail "$name: '$t' left in $f"
		done
	done
	golden "$name"
	[[ $rc -eq 0 ]] || fail "$name: revert failed"
	diff <(snapshot "$o" | grep -v '^var' | grep -vF -f <(printf '%s \n' $files)) \
		<(snapshot "$r" | grep -v '^var' | grep -vF -f <(printf '%s \n' $files)) >"$WORK/d" ||
		{ fail "$name: revert did not restore the other files"; cat "$WORK/d" >&2; }
	[[ -z $(find "$r/var/lib/igpuctl" -type f ! -name lock 2>/dev/null) ]] || fail "$name: journal left after revert"
}

# removed NAME HOST "FILES" EDIT TOKEN SETUP-ARGS... (EDIT: bash run in the root)
removed() {
	local name=$1 host=$2 files=$3 edit=$4 token=$5
	skip "$name" && return
	shift 5
	local r=$WORK/$name snap0 snap1 f n
	count=$((count + 1))
	mkroot "$host" "$r"
	snap0=$(snapshot "$r" | grep -v '^var')
	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/apply" 2>&1 || { fail "$name: setup --yes failed"; cat "$WORK/apply" >&2; return; }
	(cd "$r" && bash -c "$edit") || { fail "$name: the edit failed"; return; }
	snap1=$(snapshot "$r")
	golden_begin "$name"
	golden_run "$IGPUCTL" --root "$r" setup "$@" --yes
	[[ $GOLDEN_RC -eq 0 ]] || fail "$name: the second setup failed"
	[[ $(snapshot "$r") == "$snap1" ]] || fail "$name: the second setup wrote something"
	rm -rf "$r.revert" && cp -a "$r" "$r.revert"
	"$IGPUCTL" --root "$r.revert" revert --yes >"$WORK/revert" 2>&1 || fail "$name: revert after the removal failed"
	diff <(echo "$snap0") <(snapshot "$r.revert" | grep -v '^var') >"$WORK/d" ||
		{ fail "$name: revert after the removal did not restore the tree"; cat "$WORK/d" >&2; }
	golden_run "$IGPUCTL" --root "$r" setup "$@" --force --yes
	[[ $GOLDEN_RC -eq 0 ]] || fail "$name: setup --force failed"
	for f in $files; do
		n=$(tr -s ' \t",' '\n' <"$r/$f" | grep -cxF -- "$token")
		[[ $n -eq 1 ]] || fail "$name: '$token' is $n times in $f after --force"
	done
	golden "$name"
	"$IGPUCTL" --root "$r" revert --yes >"$WORK/revert" 2>&1 || { fail "$name: revert failed"; cat "$WORK/revert" >&2; return; }
	diff <(echo "$snap0") <(snapshot "$r" | grep -v '^var') >"$WORK/d" ||
		{ fail "$name: revert did not restore the tree"; cat "$WORK/d" >&2; }
	[[ -z $(find "$r/var/lib/igpuctl" -type f ! -name lock 2>/dev/null) ]] || fail "$name: journal left after revert"
}

# [PREP=BASH] refuse NAME HOST SETUP-ARGS... (PREP runs in the root first)
refuse() {
	local name=$1 host=$2
	skip "$name" && return
	shift 2
	local r=$WORK/$name rc snap0
	count=$((count + 1))
	mkroot "$host" "$r"
	if [[ -n ${PREP:-} ]]; then
		(cd "$r" && bash -c "$PREP") || { fail "$name: PREP failed"; return; }
	fi
	snap0=$(snapshot "$r")
	golden_begin "$name"
	golden_run "$IGPUCTL" --root "$r" setup "$@" --yes
	rc=$GOLDEN_RC
	golden "$name"
	[[ $rc -eq 1 ]] || fail "$name: expected exit 1, got $rc"
	[[ $(snapshot "$r") == "$snap0" ]] || fail "$name: a refused setup changed files"
}

# Debian/Proxmox VE GRUB + initramfs-tools
ok debian-grub-full pve8-coffeelake "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
ok debian-grub-gvtg pve8-coffeelake "i915.enable_gvt=1" --mode gvt-g
ok debian-grub-full-extras pve8-coffeelake "intel_iommu=on iommu=pt kvm.ignore_msrs=1 pcie_acs_override=downstream,multifunction modprobe.blacklist=snd_hda_intel" \
	--mode full --allow-boot-vga --kvm-ignore-msrs --acs-override --blacklist snd_hda_intel
ok debian-grub-odd debian-grub-odd "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok debian-grub-symlink debian-grub-symlink "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# New tokens after a $VAR get a blank of their own, whatever it expands to.
ok debian-grub-vars-unset debian-grub-vars-unset "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok debian-grub-vars-set debian-grub-vars-set "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Modules already listed as vfio-pci and vfio-iommu-type1: '-' and '_' are
# one to systemd-modules-load and modprobe, so only vfio is added.
ok debian-grub-dashes debian-grub-dashes "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Where /etc/modules calls itself obsolete (kmod 30+20230601: Debian 13,
# Proxmox VE 9, Ubuntu 24.04): the modules go to igpuctl's own
# /etc/modules-load.d/igpuctl.conf, the early vfio ones also to
# /etc/initramfs-tools/modules (mkinitramfs reads no other list); /etc/modules
# and qemu-server's modules-load.d file stay as they are.
ok pve9-full-modules-load-d pve9-modules-obsolete "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Proxmox VE 9.0/9.1 (qemu-server before 9.2.1) has qemu-server.conf in /etc.
PREP='printf "vhost_net\n" >etc/modules-load.d/qemu-server.conf' \
	ok pve91-full-qemu-server-etc pve9-modules-obsolete "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Ubuntu 24.04: GRUB with the admin's intel_iommu=on in GRUB_CMDLINE_LINUX
# (not added again), initramfs-tools, /etc/modules obsolete.
ok ubuntu-grub-full ubuntu2404-grub "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# kvmgt loads at run time: modules-load.d only, no initramfs list.
ok ubuntu-grub-gvtg ubuntu2404-grub "i915.enable_gvt=1" --mode gvt-g
# An old guide's merged modules in /etc/modules and a modules-load.d file
# leave them, in the same edit as the vfio lines (check fails on them on 6.8).
stale_lists='printf "vfio_virqfd\n" >>etc/modules && mkdir -p etc/modules-load.d && printf "kvmgt\nvfio-mdev\n" >etc/modules-load.d/gvt.conf'
PREP=$stale_lists ok debian-stale-full pve8-coffeelake "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
PREP=$stale_lists ok debian-stale-sriov pve8-n100-zfs "intel_iommu=on" --mode sriov
# A Fedora guide's dracut drop-in with vfio_virqfd: it leaves add_drivers
# in that file, where it is written; igpuctl's own drop-in gets the rest.
stale_dracut='printf "add_drivers+=\" vfio vfio_iommu_type1 vfio_pci vfio_virqfd \"\n" >etc/dracut.conf.d/vfio.conf'
PREP=$stale_dracut ok fedora-stale-full fedora41-bls "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
PREP=$stale_dracut ok fedora-stale-sriov fedora41-bls "intel_iommu=on" --mode sriov --force-mode
# Proxmox VE systemd-boot (ZFS) + initramfs-tools, Alder Lake-N
ok pve-sdboot-full pve8-n100-zfs "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok pve-sdboot-sriov pve8-n100-zfs "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --mode sriov
# systemd-boot passes '$' on to the kernel as it is (GRUB would not).
ok pve-sdboot-param pve8-n100-zfs "intel_iommu=on iommu=pt memmap=12G\$4G" --mode full --allow-boot-vga \
	--param 'memmap=12G$4G'
ok pve-sdboot-sriov-xe pve8-n100-zfs "intel_iommu=on xe.max_vfs=3 xe.force_probe=46d1 module_blacklist=i915" --mode sriov --sriov-driver xe --vfs 3
# max_vfs is never lowered (fewer VFs are sriov_numvfs'): the DKMS module's 7 stays.
dkms7='printf "7\n" >sys/module/i915/parameters/max_vfs && printf "3\n" >sys/module/i915/parameters/enable_guc'
PREP=$dkms7 ok pve-sdboot-sriov-keep-max pve8-n100-zfs "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --mode sriov --vfs 3
# A DKMS module whose vermagic libkmod cannot read (damaged here, or
# compressed in a way libkmod was built without): setup says its fit is not
# known, not that there is no module.
unread='mkdir -p lib/modules/6.8.12-4-pve/updates/dkms var/lib/dkms/i915-sriov-dkms/2026.03.12/source && printf "\x28\xb5\x2f\xfd damaged" >lib/modules/6.8.12-4-pve/updates/dkms/i915.ko.zst'
PREP=$unread ok pve-sdboot-sriov-dkms-unread pve8-n100-zfs "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --mode sriov
# A DKMS module built for another kernel sits in the next kernel's tree:
# setup says so, rather than that there is no module.
stale='mkdir -p lib/modules/6.17.2-1-pve/updates/dkms && cp lib/modules/6.14.8-2-pve/updates/dkms/i915.ko lib/modules/6.17.2-1-pve/updates/dkms/'
PREP=$stale ok pve9-sriov-dkms-stale pve9-n100-dkms-newkernel "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --mode sriov
# i915-sriov-dkms in use and built for the kernel that boots next (7.0),
# whose xe has SR-IOV too: a working host keeps its route.
dkms70='mkdir -p lib/modules/7.0.2-1-pve/updates/dkms && : >boot/vmlinuz-7.0.2-1-pve && sed "s/6\.14\.8-2-pve /7.0.2-1-pve  /" lib/modules/6.14.8-2-pve/updates/dkms/i915.ko >lib/modules/7.0.2-1-pve/updates/dkms/i915.ko'
PREP=$dkms70 ok pve9-sriov-dkms-kept pve9-n100-dkms-newkernel "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe !xe.force_probe" --mode sriov
# Panther Lake: xe without force_probe.
ptl='printf "0xb080\n" >sys/devices/pci0000:00/0000:00:02.0/device'
PREP=$ptl ok pve-sdboot-sriov-ptl pve8-n100-zfs "intel_iommu=on xe.max_vfs=7 module_blacklist=i915" --mode sriov --sriov-driver xe
# Kernel 7.0, whose xe defaults to unlimited VFs: no xe.max_vfs and no
# force_probe (Panther Lake), only i915 kept off.
ok pve92-sriov-ptl-default pve92-ptl-xe "intel_iommu=on module_blacklist=i915" --mode sriov
# From i915-sriov-dkms to xe: the dkms route's module_blacklist=xe goes,
# i915 is kept off instead (revert brings the old line back).
ok pve8-sriov-dkms-to-xe pve8-n100-dkms "intel_iommu=on module_blacklist=i915 xe.force_probe=46d1" --mode sriov --sriov-driver xe
# The same with VFs enabled, two of them on i915: they follow the PF's new
# driver, so they do not keep i915 from being blacklisted.
ok pve8-sriov-vfs-to-xe pve8-n100-sriov "intel_iommu=on module_blacklist=i915 xe.force_probe=46d1" --mode sriov --sriov-driver xe --vfs 5
# Fedora GRUB + dracut
ok fedora-grub-full fedora-grub-dracut "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok fedora-grub-gvtg fedora-grub-dracut "i915.enable_gvt=1" --mode gvt-g
# Fedora 41 GRUB with BLS entries: every entry's options (the rescue one
# too, as grubby --update-kernel=ALL), GRUB_CMDLINE_LINUX and
# /etc/kernel/cmdline.
ok fedora41-bls-full fedora41-bls "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
ok fedora41-bls-gvtg fedora41-bls "i915.enable_gvt=1" --mode gvt-g
# Without /etc/kernel/cmdline (kernel-install then takes /proc/cmdline).
PREP='rm etc/kernel/cmdline' ok fedora41-bls-no-kernel-cmdline fedora41-bls "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Arch: systemd-boot entries + mkinitcpio, GRUB + mkinitcpio
ok arch-sdboot-full arch-sdboot-mkinitcpio "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok arch-sdboot-gvtg arch-sdboot-mkinitcpio "i915.enable_gvt=1" --mode gvt-g
# Every Linux entry is edited, whichever one loader.conf or the EFI
# variable makes the default (check reads that one).
ok arch-sdboot-default-full arch-sdboot-default "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok arch-sdboot-efivar-gvtg arch-sdboot-efivar "i915.enable_gvt=1" --mode gvt-g
ok arch-grub-full arch-grub-mkinitcpio "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Arch with unified kernel images that mkinitcpio builds (no loader
# entries): /etc/kernel/cmdline, then `mkinitcpio -P`.
ok arch-uki-full arch-uki-mkinitcpio "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok arch-uki-gvtg arch-uki-mkinitcpio "i915.enable_gvt=1" --mode gvt-g
# MODULES from an old guide: vfio-mdev and vfio_virqfd, merged into mdev
# and vfio before the running 6.8, leave MODULES (check fails on them).
ok arch-stale-gvtg arch-stale-modules "i915.enable_gvt=1" --mode gvt-g
ok arch-stale-full arch-stale-modules "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# MODULES=(vfio-pci): vfio_pci is not added again.
ok arch-grub-dashes arch-grub-dashes "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Pop!_OS kernelstub (commands only) + initramfs-tools
ok pop-kernelstub-full pop-kernelstub "" --mode full --allow-boot-vga
# systemd-boot with kernel-install (/etc/kernel/cmdline) + dracut
ok sdboot-ki-full sdboot-kernel-install "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok sdboot-ki-gvtg sdboot-kernel-install "i915.enable_gvt=1" --mode gvt-g

# Parameters spelled with '-' where igpuctl writes '_' (the kernel's
# parameq() takes them as one): nothing is added twice, the one to go goes,
# and revert puts it back as it was written.
mixed='sed -i "s/\$/ intel-iommu=on i915.enable-guc=3 i915.enable-gvt=1 module-blacklist=nouveau/" etc/kernel/cmdline'
PREP=$mixed ok pve-sdboot-sriov-spelling pve8-n100-zfs \
	"intel-iommu=on i915.enable-guc=3 i915.max_vfs=7 module-blacklist=nouveau,xe !i915.enable_gvt" --mode sriov

# Revert after the user edited the files, igpuctl's tokens having gone into
# an empty list: only igpuctl's tokens and lines go, the user's edit stays.
changed changed-grub-empty debian-grub-empty "etc/default/grub etc/modules" '
	sed -i "s/^GRUB_CMDLINE_LINUX_DEFAULT=\"/&mine /; \$a # mine" etc/default/grub
	printf "mine_module\n" >>etc/modules' \
	"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init vfio" --mode full --allow-boot-vga
changed changed-mkinitcpio-empty arch-grub-mkinitcpio "etc/mkinitcpio.conf" '
	sed -i "s/^MODULES=(/&mine /; 1i # mine" etc/mkinitcpio.conf' \
	"vfio" --mode full --allow-boot-vga
# Revert puts the merged modules back (at the end), the user's edit stays.
PREP=$stale_lists changed changed-modules-stale pve8-coffeelake "etc/modules etc/modules-load.d/gvt.conf" '
	printf "mine\n" >>etc/modules && printf "# mine\n" >>etc/modules-load.d/gvt.conf' \
	"vfio_virqfd vfio-mdev" --mode full --allow-boot-vga
# Revert puts the stale modules back where they were, the user's edit stays.
changed changed-mkinitcpio-stale arch-stale-modules "etc/mkinitcpio.conf" '
	sed -i "s/^MODULES=(/&mine /; 1i # mine" etc/mkinitcpio.conf' \
	"vfio-mdev vfio_virqfd kvmgt" --mode gvt-g
changed changed-kernelstub-empty pop-kernelstub-empty "etc/kernelstub/configuration" '
	sed -i "s/\"config_rev\": 3/\"config_rev\": 3, \"mine\": 1/" etc/kernelstub/configuration' \
	"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
changed changed-kernel-cmdline pve8-n100-zfs "etc/kernel/cmdline" '
	sed -i -E "s/^(root=\S+ boot=zfs) (.*)\$/\2 \1 mine/" etc/kernel/cmdline' \
	"intel_iommu=on iommu=pt" --mode full --allow-boot-vga
changed changed-bls-no-options arch-sdboot-nooptions "boot/loader/entries/arch.conf" '
	sed -i "1i # mine" boot/loader/entries/arch.conf' \
	"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
# The user edits an entry after setup: revert takes out igpuctl's tokens
# only, in every entry, and keeps the edit.
changed changed-bls-entry fedora41-bls "boot/loader/entries/0f6e2cb1d7a84f3e9c5b2a18d4e7f6a3-6.11.4-301.fc41.x86_64.conf" '
	sed -i "s/^options /&mine /; \$a # mine" boot/loader/entries/0f6e2cb1d7a84f3e9c5b2a18d4e7f6a3-6.11.4-301.fc41.x86_64.conf' \
	"intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
changed changed-dracut fedora-grub-dracut "etc/dracut.conf.d/igpuctl.conf etc/default/grub" '
	echo "add_drivers+=\" mine \"" >>etc/dracut.conf.d/igpuctl.conf
	sed -i "s/^GRUB_CMDLINE_LINUX=\"/&mine /" etc/default/grub' \
	"force_drivers intel_iommu=on iommu=pt" --mode full --allow-boot-vga

# The user gives i915.max-vfs=7 after igpuctl's i915.max_vfs=7: revert
# takes out igpuctl's token only.
PREP=$mixed changed changed-kernel-cmdline-spelling pve8-n100-zfs "etc/kernel/cmdline" '
	sed -i "s/\$/ i915.max-vfs=7 mine/" etc/kernel/cmdline' \
	"i915.max_vfs=7 i915.enable_gvt" --mode sriov

# A parameter igpuctl added and the admin removed since is not put back
# (issue 13: a second setup re-added iommu=pt); --force puts it back.
removed removed-grub pve8-coffeelake "etc/default/grub" '
	sed -i "s/ iommu=pt//" etc/default/grub' iommu=pt --mode full --allow-boot-vga
removed removed-bls arch-sdboot-mkinitcpio "boot/loader/entries/arch.conf boot/loader/entries/arch-fallback.conf" '
	sed -i "s/ iommu=pt//" boot/loader/entries/*.conf' iommu=pt --mode full --allow-boot-vga
removed removed-kernel-cmdline pve8-n100-zfs "etc/kernel/cmdline" '
	sed -i "s/ intel_iommu=on//" etc/kernel/cmdline' intel_iommu=on --mode sriov
removed removed-kernelstub pop-kernelstub "etc/kernelstub/configuration" '
	sed -i "/\"iommu=pt\",/d" etc/kernelstub/configuration' iommu=pt --mode full --allow-boot-vga

# Refusals: nothing changes.
refuse refuse-unsafe-group shared-nvme-group --mode full
refuse refuse-boot-vga pve8-coffeelake --mode full
refuse refuse-gvtg-icelake icelake-laptop --mode gvt-g
refuse refuse-sriov-coffeelake pve8-coffeelake --mode sriov
refuse refuse-unknown-boot unknown-boot --mode full --allow-boot-vga
refuse refuse-blacklist-host-gpu igpu-nvidia --mode full --allow-boot-vga --blacklist nouveau
refuse refuse-bad-param pve8-coffeelake --mode gvt-g --param 'evil="x y"'
# Options are checked against what the boot loader reading them takes.
# GRUB: grub.cfg is a script, "foo;reboot" would run reboot at every boot.
refuse refuse-param-grub-script pve8-coffeelake --mode gvt-g --param 'foo;reboot'
refuse refuse-param-not-ascii pve8-coffeelake --mode gvt-g --param $'x=\xff'
refuse refuse-param-long pve8-coffeelake --mode gvt-g --param "x=$(printf "%0100000d" 0)"
refuse refuse-param-newline pve8-n100-zfs --mode full --allow-boot-vga --param $'a\nb'
refuse refuse-param-kernelstub pop-kernelstub --mode gvt-g --param 'a=b\c'
long=$(printf "%0240d" 0)
refuse refuse-cmdline-too-long pve8-n100-zfs --mode full --allow-boot-vga --param "a=$long" --param "b=$long" \
	--param "c=$long" --param "d=$long" --param "e=$long" --param "f=$long" --param "g=$long" \
	--param "h=$long"
refuse refuse-cmdline-too-long-grub pve8-coffeelake --mode gvt-g --param "a=$long" --param "b=$long" \
	--param "c=$long" --param "d=$long" --param "e=$long" --param "f=$long" --param "g=$long" \
	--param "h=$long"
refuse refuse-blacklist-name pve8-coffeelake --mode full --allow-boot-vga --blacklist 'snd;x'
refuse refuse-acs-char pve8-coffeelake --mode full --allow-boot-vga --acs-override='downstream;reboot'
refuse refuse-acs-word pve8-coffeelake --mode full --allow-boot-vga --acs-override=downstream,foo
# An empty /etc/kernel/cmdline: written with igpuctl's parameters alone, the
# host would boot without root=.
PREP=': >etc/kernel/cmdline' refuse refuse-empty-kernel-cmdline pve8-n100-zfs --mode full --allow-boot-vga
PREP='printf " \t\n" >etc/kernel/cmdline' \
	refuse refuse-blank-kernel-cmdline pve8-n100-zfs --mode full --allow-boot-vga
# Unified kernel images whose command line is not in /etc/kernel/cmdline:
# a new file with igpuctl's parameters alone would drop root=.
PREP='rm etc/kernel/cmdline' refuse refuse-uki-no-kernel-cmdline arch-uki-mkinitcpio --mode full --allow-boot-vga
# Broken files are refused, naming file and line, never edited.
refuse refuse-grub-unterminated-quote debian-grub-broken-quote --mode full --allow-boot-vga
refuse refuse-grub-trailing-backslash debian-grub-broken-backslash --mode full --allow-boot-vga
refuse refuse-mkinitcpio-hooks arch-grub-broken-hooks --mode full --allow-boot-vga
refuse refuse-mkinitcpio-modules arch-grub-broken-modules --mode full --allow-boot-vga
refuse refuse-kernelstub-json pop-kernelstub-broken --mode full --allow-boot-vga
PREP='printf "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet=\"a b\n" >etc/kernel/cmdline' \
	refuse refuse-kernel-cmdline-quote pve8-n100-zfs --mode full --allow-boot-vga
# A NUL byte anywhere in a file to edit: before, the text (and its backup)
# ended there, or the edit after it was silently lost.
PREP='{ head -n2 etc/default/grub; printf "GRUB_GFXMODE=auto\0\n"; tail -n +3 etc/default/grub; } >g &&
	mv g etc/default/grub' refuse refuse-nul-grub pve8-coffeelake --mode full --allow-boot-vga
PREP='printf "vfio\0\n" >>etc/modules' refuse refuse-nul-modules pve8-coffeelake --mode full --allow-boot-vga
PREP='printf "options kvm ignore_msrs=1\0\n" >etc/modprobe.d/igpuctl.conf' \
	refuse refuse-nul-modprobe pve8-coffeelake --mode full --allow-boot-vga
PREP='printf "root=ZFS=rpool/ROOT/pve-1\0 boot=zfs\n" >etc/kernel/cmdline' \
	refuse refuse-nul-kernel-cmdline pve8-n100-zfs --mode full --allow-boot-vga
PREP='printf "# x\0\n" >>etc/mkinitcpio.conf' \
	refuse refuse-nul-mkinitcpio arch-grub-mkinitcpio --mode full --allow-boot-vga
# Containers that use the render node of the GPU that goes to vfio-pci: a
# Proxmox VE CT by its node and an LXC container by /dev/dri/by-path lose it;
# setup names them and refuses, and with --force notes them and goes on.
ct_users='mkdir -p etc/pve/lxc var/lib/lxc/frigate &&
	printf "arch: amd64\ndev0: /dev/dri/renderD128,gid=104\nhostname: jellyfin\nunprivileged: 1\n" >etc/pve/lxc/200.conf &&
	printf "lxc.uts.name = frigate\nlxc.mount.entry = /dev/dri/by-path/pci-0000:00:02.0-render dev/dri/renderD128 none bind,optional,create=file\n" >var/lib/lxc/frigate/config'
PREP=$ct_users refuse refuse-ct-users pve8-coffeelake --mode full --allow-boot-vga
PREP=$ct_users ok full-ct-users-force pve8-coffeelake "intel_iommu=on iommu=pt" --mode full --allow-boot-vga --force
# A VF (Proxmox VE CTs 300 and 301 use 00:02.2), and its PF, whose VFs go
# away with its driver.
refuse refuse-vf-ct-users pve8-n100-sriov --mode full 00:02.2
ok full-vf-ct-users-force pve8-n100-sriov "intel_iommu=on iommu=pt" --mode full 00:02.2 --force
refuse refuse-pf-vf-ct-users pve8-n100-sriov --mode full --allow-boot-vga 00:02.0
PREP='printf "\0" >>boot/loader/entries/arch.conf' \
	refuse refuse-nul-loader-entry arch-sdboot-mkinitcpio --mode full --allow-boot-vga

# An edit made while setup waits at its prompt: after "y" nothing is
# written, setup says which file changed, and the edit stays.
prompt_edit() {
	local r=$WORK/prompt-edit
	count=$((count + 1))
	mkroot pve8-coffeelake "$r"
	python3 - "$IGPUCTL" "$r" >"$WORK/out" 2>&1 <<'PY'
import os, pty, sys, select
igpuctl, root = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(igpuctl, [igpuctl, "--root", root, "setup", "--mode", "full", "--allow-boot-vga"])
out = b""
while b"Apply these changes? [y/N]" not in out:
    r, _, _ = select.select([fd], [], [], 30)
    if not r:
        sys.exit("no prompt")
    out += os.read(fd, 4096)
with open(root + "/etc/default/grub", "a") as f:
    f.write("# edited while igpuctl asked\n")
os.write(fd, b"y\n")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("exit", os.waitstatus_to_exitcode(status))
PY
	grep -q "^exit 1" "$WORK/out" || fail "prompt-edit: setup did not fail: $(tail -3 "$WORK/out")"
	grep -q "/etc/default/grub changed since igpuctl read it; nothing was written" "$WORK/out" ||
		fail "prompt-edit: no message naming the file: $(grep igpuctl: "$WORK/out")"
	grep -q "^# edited while igpuctl asked" "$r/etc/default/grub" || fail "prompt-edit: the edit was overwritten"
	grep -q "intel_iommu" "$r/etc/default/grub" && fail "prompt-edit: the plan was written anyway"
	[[ ! -e $r/etc/modprobe.d/igpuctl.conf && ! -e $r/var/lib/igpuctl/journal.json ]] || fail "prompt-edit: something was written"
}

# A journal igpuctl cannot use (a shell record without its variables made
# revert crash): one clear line, exit 1, nothing changed.
bad_journal() {
	local name=$1 text=$2 r=$WORK/bad-journal snap rc cmd
	count=$((count + 1))
	mkroot pve8-coffeelake "$r"
	mkdir -p "$r/var/lib/igpuctl"
	printf '%s' "$text" >"$r/var/lib/igpuctl/journal.json"
	snap=$(snapshot "$r")
	for cmd in "revert --yes" "revert --list" "setup --mode full --allow-boot-vga --yes"; do
		# shellcheck disable=SC2086
		"$IGPUCTL" --root "$r" $cmd >"$WORK/out" 2>&1
		rc=$?
		[[ $rc -eq 1 ]] || fail "$name: $cmd: exit $rc"
		[[ $(grep -c "^igpuctl: the journal .* cannot be used" "$WORK/out") -eq 1 ]] ||
			fail "$name: $cmd: no clear error: $(head -3 "$WORK/out")"
		[[ $(snapshot "$r") == "$snap" ]] || fail "$name: $cmd changed files"
	done
}

prompt_edit
bad_journal journal-shell-no-vars '{"version":2,"next_id":2,"changes":[{"id":1,"targets":[{"path":"/etc/default/grub","before":"1-1.before","after":"1-2.after","undo":{"kind":"shell","ops":[{"op":"add","token":"x=1"}]}}]}]}'
bad_journal journal-not-json '{"version":2,"changes":['
bad_journal journal-newer '{"version":7,"changes":[]}'
bad_journal journal-escape '{"version":2,"next_id":2,"changes":[{"id":1,"targets":[{"path":"/etc/x","before":"../../../etc/shadow","undo":{"kind":"lines"}}]}]}'

[[ -z ${ONLY:-} ]] && { golden_finish || fails=$((fails + 1)); }
echo "setup golden: $count cases, $fails failures"
[[ $fails -eq 0 ]]
