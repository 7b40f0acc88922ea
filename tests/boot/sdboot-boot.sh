#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A real boot through systemd-boot from the loader entries `igpuctl setup`
# edited: Debian's systemd-boot (systemd-boot-efi) under OVMF in QEMU, on a
# FAT disk (mtools) holding EFI/BOOT/BOOTX64.EFI and the fixture's
# loader/loader.conf and loader/entries/*.conf as setup left them; the
# kernel (Debian's) and the busybox initramfs of tests/vm/mkinitramfs.sh
# sit at the paths the entries name, so no line of an entry is changed.
#
#   1. The fixture's entries get `console=ttyS0 panic=-1` (fixture content:
#      the guest's kernel log must reach the serial console).
#   2. setup --mode full --allow-boot-vga; the tokens it added are the
#      difference between the options lines before and after.
#   3. Boot: the guest's /proc/cmdline, without the initrd= systemd-boot
#      adds, is the options line of the entry loader.conf makes the default
#      (token for token, each added token once, every original token
#      kept), and systemd-boot says it booted that entry (the
#      LoaderEntrySelected EFI variable).
#   4. revert --yes: the entries are back byte for byte, and a new boot
#      shows the original options and none of the added tokens.
#
# Usage: sdboot-boot.sh IGPUCTL [HOST]   (HOST: a tests/setup/hosts fixture
#        with loader entries; default arch-sdboot-mkinitcpio)
# Exit: 0 pass, 1 fail, 77 skipped (QEMU, OVMF, systemd-boot, mtools, the
#       kernel or busybox missing), 99 the guest did not boot or finish.

set -uo pipefail

IGPUCTL=$(realpath "${1:?usage: sdboot-boot.sh IGPUCTL [HOST]}")
HOST=${2:-arch-sdboot-mkinitcpio}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SDBOOT=${SDBOOT_EFI:-/usr/lib/systemd/boot/efi/systemd-bootx64.efi}
# systemd's vendor GUID for the boot loader interface variables
LOADER_GUID=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f

fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
step() { echo "=== $*"; }

[[ -x $IGPUCTL ]] || { echo "FAIL: $IGPUCTL is not an executable" >&2; exit 1; }
[[ -r $SDBOOT ]] || { echo "SKIP: $SDBOOT missing (apt-get install systemd-boot-efi)"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-boot-sdboot.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# shellcheck source-path=SCRIPTDIR source=../lib/setup-hosts.sh
. "$SRCDIR/tests/lib/setup-hosts.sh"

r=$WORK/root
mkroot "$HOST" "$r" || { echo "FAIL: mkroot $HOST" >&2; exit 1; }
# The ESP (or XBOOTLDR) directory of the root: where loader/entries is.
espdir=
for d in boot efi boot/efi; do
	[[ -d $r/$d/loader/entries ]] && { espdir=$d; break; }
done
[[ -n $espdir ]] || { echo "FAIL: $HOST has no loader/entries" >&2; exit 1; }
entries=$r/$espdir/loader/entries

# 1. The serial console, in the fixture copy (and /etc/kernel/cmdline, which
# kernel-install would copy into new entries).
for e in "$entries"/*.conf; do
	grep -q '^linux' "$e" && sed -i 's/^options.*/& console=ttyS0 panic=-1/' "$e"
done
[[ -f $r/etc/kernel/cmdline ]] && sed -i '1s/$/ console=ttyS0 panic=-1/' "$r/etc/kernel/cmdline"
cp -a "$r/$espdir/loader" "$WORK/loader.orig"

# The entry systemd-boot boots: loader.conf's `default`, else the only
# Linux entry.
default=$(awk '$1 == "default" { print $2 }' "$r/$espdir/loader/loader.conf" 2>/dev/null)
if [[ -z $default ]]; then
	mapfile -t linux_entries < <(grep -l '^linux' "$entries"/*.conf)
	[[ ${#linux_entries[@]} -eq 1 ]] || { echo "FAIL: $HOST: no default entry and not one Linux entry" >&2; exit 1; }
	default=$(basename "${linux_entries[0]}")
fi
[[ -f $entries/$default ]] || { echo "FAIL: $HOST: the default entry $default is not there" >&2; exit 1; }
echo "default entry: $default"

# options FILE: the options line(s) of an entry, as tokens on one line
options() {
	sed -n 's/^options[[:space:]]\{1,\}//p' "$1" | tr -s ' \t' '  ' | sed 's/^ //; s/ $//' | tr '\n' ' ' | sed 's/ $//'
}
before=$(options "$entries/$default")

# The guest: its command line and the entry systemd-boot says it booted.
cat >"$WORK/guest.sh" <<EOS
echo "cmdline: \$(cat /proc/cmdline)"
mkdir -p /sys/firmware/efi/efivars
mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null
f=/sys/firmware/efi/efivars/LoaderEntrySelected-$LOADER_GUID
if [ -r "\$f" ]; then echo "entry: \$(tail -c +5 "\$f" | tr -d '\\000')"; else echo "entry: (no LoaderEntrySelected)"; fi
EOS

# boot NAME: the ESP of the root as it is now, booted; WORK/NAME.out
boot() {
	local name=$1 esp=$WORK/esp-$1 e p rc=0
	local -a args=()
	mkdir -p "$esp/EFI/BOOT" "$esp/loader"
	cp "$SDBOOT" "$esp/EFI/BOOT/BOOTX64.EFI"
	cp -a "$r/$espdir/loader/." "$esp/loader/"
	for e in "$esp"/loader/entries/*.conf; do
		while read -r p; do args+=(--esp-kernel "$p"); done < <(awk '$1 == "linux" { print $2 }' "$e")
		while read -r p; do args+=(--esp-initrd "$p"); done < <(awk '$1 == "initrd" { print $2 }' "$e")
	done
	"$SRCDIR/tests/vm/run-guest.sh" --no-iommu --topology none --module efivarfs --timeout 300 \
		--esp "$esp" "${args[@]}" --log "$WORK/$name.console" "$WORK/guest.sh" >"$WORK/$name.out" || rc=$?
	sed 's/^/  guest| /' "$WORK/$name.out"
	case $rc in
	0) ;;
	77) echo "SKIP: run-guest.sh skipped"; exit 77 ;;
	*) fail "$name: the guest failed (run-guest.sh exit $rc)"; exit "$rc" ;;
	esac
}

# cmdline_of NAME: the guest's /proc/cmdline without initrd= tokens
cmdline_of() {
	sed -n 's/^cmdline: //p' "$WORK/$1.out" | tr ' ' '\n' | grep -v '^initrd=' | grep . | tr '\n' ' ' | sed 's/ $//'
}

# expect_boot NAME OPTIONS: the guest booted the default entry with OPTIONS
expect_boot() {
	local name=$1 want=$2 got entry
	got=$(cmdline_of "$name")
	if [[ $got == "$want" ]]; then
		echo "ok: /proc/cmdline is the options line of $default"
	else
		fail "$name: /proc/cmdline is '$got', the options line of $default is '$want'"
	fi
	entry=$(sed -n 's/^entry: //p' "$WORK/$name.out")
	if [[ $entry == "$default" ]]; then
		echo "ok: systemd-boot booted $entry"
	else
		fail "$name: systemd-boot booted '$entry', not $default"
	fi
}

step "setup --mode full --allow-boot-vga on $HOST"
"$IGPUCTL" --root "$r" setup --mode full --allow-boot-vga --yes --no-initramfs >"$WORK/setup" 2>&1 ||
	{ cat "$WORK/setup" >&2; echo "FAIL: setup failed" >&2; exit 1; }
after=$(options "$entries/$default")
added=$(comm -13 <(tr ' ' '\n' <<<"$before" | sort -u) <(tr ' ' '\n' <<<"$after" | sort -u) | tr '\n' ' ')
echo "options before: $before"
echo "options after:  $after"
echo "added: $added"
[[ " $added " == *" intel_iommu=on "* ]] || fail "setup did not add intel_iommu=on to $default"

step "boot after setup"
boot setup
expect_boot setup "$after"
got=" $(cmdline_of setup) "
for t in $before; do
	[[ $got == *" $t "* ]] || fail "setup: the original token $t is not on /proc/cmdline"
done
for t in $added; do
	n=$(grep -o " $t " <<<"$got" | wc -l)
	if [[ $n -eq 1 ]]; then
		echo "ok: $t once"
	else
		fail "setup: $t is $n times on /proc/cmdline"
	fi
done

step "revert --yes"
"$IGPUCTL" --root "$r" revert --yes --no-initramfs >"$WORK/revert" 2>&1 ||
	{ cat "$WORK/revert" >&2; fail "revert failed"; }
if diff -r "$WORK/loader.orig" "$r/$espdir/loader" >"$WORK/d"; then
	echo "ok: the loader entries are back byte for byte"
else
	fail "revert did not restore $espdir/loader"
	cat "$WORK/d" >&2
fi

step "boot after revert"
boot revert
expect_boot revert "$before"
got=" $(cmdline_of revert) "
for t in $added; do
	if [[ $got == *" $t "* ]]; then
		fail "revert: $t is still on /proc/cmdline"
	else
		echo "ok: $t is gone"
	fi
done

if [[ $fails -gt 0 ]]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "all systemd-boot checks passed ($HOST)"
