#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Golden tests of `igpuctl setup` / `revert` on fixture hosts, one per boot
# loader x initramfs tool x mode (and the refusals).
#
#   tests/setup/run.sh IGPUCTL            run every case
#   tests/setup/run.sh IGPUCTL --update   rewrite tests/setup/expected/
#
# A host is examples/hosts/NAME, or tests/setup/hosts/NAME: an overlay whose
# `base` file names the example host its sys/ and proc/ come from; its etc/
# (and boot/, efi/) replace the base's.
#
# For each `ok` case: the --dry-run output must match expected/CASE.out;
# then setup --yes is applied and
#   - every kernel command line the boot loader reads (GRUB files sourced by
#     a real bash, /etc/kernel/cmdline, loader entries) holds each wanted
#     token exactly once and every original token (but the replaced ones);
#   - a second setup changes nothing;
#   - revert --yes brings etc/, boot/, efi/ back byte for byte.
# For each `refuse` case: exit status 1, the message matches, and nothing
# under the root changed.
set -uo pipefail

IGPUCTL=$(realpath "$1")
UPDATE=${2:-}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE=$SRCDIR/tests/setup
EXP=$HERE/expected
WORK=$(mktemp -d /tmp/igpuctl-setup-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
count=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# mkroot HOST DIR (examples/hosts or a tests/setup/hosts overlay)
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

# cmdlines DIR: each kernel command line the boot loader reads, one per line
cmdlines() {
	local r=$1
	if [[ -e $r/etc/kernel/proxmox-boot-uuids || ! -e $r/etc/default/grub ]]; then
		[[ -f $r/etc/kernel/cmdline ]] && { head -n1 "$r/etc/kernel/cmdline"; echo; }
		for e in "$r"/boot/loader/entries/*.conf "$r"/efi/loader/entries/*.conf; do
			[[ -f $e ]] && grep -q '^linux' "$e" &&
				grep '^options' "$e" | sed 's/^options[[:space:]]*//' | tr '\n' ' ' && echo
		done
		return 0
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
check_tokens() {
	local name=$1 before=$2 after=$3 wanted=$4 i=0
	local -a bl al
	mapfile -t bl <<<"$before"
	mapfile -t al <<<"$after"
	for ((i = 0; i < ${#al[@]}; i++)); do
		local line=${al[i]} t n key
		[[ -z $line ]] && continue
		for t in $wanted; do
			n=$(tr -s ' \t' '\n' <<<"$line" | grep -cxF -- "$t")
			[[ $n -eq 1 ]] || fail "$name: '$t' appears $n times in: $line"
		done
		for t in ${bl[i]:-}; do
			key=${t%%=*}
			[[ " $wanted " == *" $key="* || " $wanted " == *" $key "* ]] && continue
			tr -s ' \t' '\n' <<<"$line" | grep -qxF -- "$t" || fail "$name: original token '$t' lost in: $line"
		done
	done
}

golden() {
	local name=$1 out=$2
	if [[ $UPDATE == --update ]]; then
		cp "$out" "$EXP/$name.out"
	elif ! diff -u "$EXP/$name.out" "$out" >"$WORK/d" 2>&1; then
		fail "$name: output differs from expected/$name.out"
		cat "$WORK/d" >&2
	fi
}

# ok NAME HOST "WANTED TOKENS" SETUP-ARGS...
ok() {
	local name=$1 host=$2 wanted=$3
	shift 3
	local r=$WORK/$name rc snap0 before after
	count=$((count + 1))
	mkroot "$host" "$r"
	snap0=$(snapshot "$r")
	before=$(cmdlines "$r")
	"$IGPUCTL" --root "$r" setup "$@" --dry-run >"$WORK/out" 2>&1
	rc=$?
	echo "exit $rc" >>"$WORK/out"
	golden "$name" "$WORK/out"
	[[ $rc -eq 0 ]] || { fail "$name: dry run failed"; return; }
	[[ $(snapshot "$r") == "$snap0" ]] || fail "$name: --dry-run changed files"

	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/apply" 2>&1 || { fail "$name: setup --yes failed"; cat "$WORK/apply" >&2; return; }
	after=$(cmdlines "$r")
	check_tokens "$name" "$before" "$after" "$wanted"
	# Nothing was written outside the root: every changed path is in it.
	local snap1
	snap1=$(snapshot "$r")
	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/again" 2>&1
	grep -q "^Nothing to change" "$WORK/again" || fail "$name: second setup was not a no-op: $(cat "$WORK/again")"
	[[ $(snapshot "$r") == "$snap1" ]] || fail "$name: second setup changed files"

	"$IGPUCTL" --root "$r" revert --yes >"$WORK/revert" 2>&1 || { fail "$name: revert failed"; cat "$WORK/revert" >&2; return; }
	# The journal directory may stay (empty); everything else is as before.
	diff <(grep -v '^var' <<<"$snap0") <(snapshot "$r" | grep -v '^var') >"$WORK/d" ||
		{ fail "$name: revert did not restore the tree"; cat "$WORK/d" >&2; }
	[[ -z $(find "$r/var/lib/igpuctl" -type f ! -name lock 2>/dev/null) ]] || fail "$name: journal left after revert"
}

# refuse NAME HOST SETUP-ARGS...
refuse() {
	local name=$1 host=$2
	shift 2
	local r=$WORK/$name rc snap0
	count=$((count + 1))
	mkroot "$host" "$r"
	snap0=$(snapshot "$r")
	"$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/out" 2>&1
	rc=$?
	echo "exit $rc" >>"$WORK/out"
	golden "$name" "$WORK/out"
	[[ $rc -eq 1 ]] || fail "$name: expected exit 1, got $rc"
	[[ $(snapshot "$r") == "$snap0" ]] || fail "$name: a refused setup changed files"
}

mkdir -p "$EXP"

# Debian/Proxmox VE GRUB + initramfs-tools
ok debian-grub-full pve8-coffeelake "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init" --mode full --allow-boot-vga
ok debian-grub-gvtg pve8-coffeelake "i915.enable_gvt=1" --mode gvt-g
ok debian-grub-full-extras pve8-coffeelake "intel_iommu=on iommu=pt kvm.ignore_msrs=1 pcie_acs_override=downstream,multifunction modprobe.blacklist=snd_hda_intel" \
	--mode full --allow-boot-vga --kvm-ignore-msrs --acs-override --blacklist snd_hda_intel
ok debian-grub-odd debian-grub-odd "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok debian-grub-symlink debian-grub-symlink "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Proxmox VE systemd-boot (ZFS) + initramfs-tools, Alder Lake-N
ok pve-sdboot-full pve8-n100-zfs "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok pve-sdboot-sriov pve8-n100-zfs "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe" --mode sriov
ok pve-sdboot-sriov-xe pve8-n100-zfs "intel_iommu=on xe.max_vfs=3 xe.force_probe=46d1 module_blacklist=i915" --mode sriov --sriov-driver xe --vfs 3
# Fedora GRUB + dracut
ok fedora-grub-full fedora-grub-dracut "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok fedora-grub-gvtg fedora-grub-dracut "i915.enable_gvt=1" --mode gvt-g
# Arch: systemd-boot entries + mkinitcpio, GRUB + mkinitcpio
ok arch-sdboot-full arch-sdboot-mkinitcpio "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok arch-sdboot-gvtg arch-sdboot-mkinitcpio "i915.enable_gvt=1" --mode gvt-g
ok arch-grub-full arch-grub-mkinitcpio "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
# Pop!_OS kernelstub (commands only) + initramfs-tools
ok pop-kernelstub-full pop-kernelstub "" --mode full --allow-boot-vga
# systemd-boot with kernel-install (/etc/kernel/cmdline) + dracut
ok sdboot-ki-full sdboot-kernel-install "intel_iommu=on iommu=pt" --mode full --allow-boot-vga
ok sdboot-ki-gvtg sdboot-kernel-install "i915.enable_gvt=1" --mode gvt-g

# Refusals: nothing changes.
refuse refuse-unsafe-group shared-nvme-group --mode full
refuse refuse-boot-vga pve8-coffeelake --mode full
refuse refuse-gvtg-icelake icelake-laptop --mode gvt-g
refuse refuse-sriov-coffeelake pve8-coffeelake --mode sriov
refuse refuse-unknown-boot unknown-boot --mode full --allow-boot-vga
refuse refuse-blacklist-host-gpu igpu-nvidia --mode full --allow-boot-vga --blacklist nouveau
refuse refuse-bad-param pve8-coffeelake --mode gvt-g --param 'evil="x y"'

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

echo "setup golden: $count cases, $fails failures"
[[ $fails -eq 0 ]]
