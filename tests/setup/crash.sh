#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Crash safety of setup and revert: the real binary is killed (SIGKILL) or
# made to fail (-EIO) at the Nth pass through every fault-injection point
# (src/lib/base/fault.h: before/after each temp write, fsync, rename, removal
# and journal save), for every N that is reached.  After each such run:
#   - every file under etc/, boot/, efi/ is either its old or its new
#     version (never partial), ignoring igpuctl's own temp files;
#   - after an injected *error* while files are written, setup has put
#     every file back (old);
#   - running setup again reaches exactly the clean result, and revert
#     after that brings back the original bytes;
#   - running revert instead also brings back the original bytes.
# Then the same for a revert that is killed or fails half-way.
#
#   tests/setup/crash.sh IGPUCTL
set -uo pipefail

IGPUCTL=$(realpath "$1")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d /tmp/igpuctl-crash-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
POINTS="tmp-create tmp-write tmp-fsync rename renamed unlink unlinked journal"
fails=0
runs=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# mkroot HOST DIR (examples/hosts or a tests/setup/hosts description)
. "$SRCDIR/tests/lib/setup-hosts.sh"

# A fresh copy of root $1 at $2: sysfs and procfs hard-linked (igpuctl
# never writes there under --root), the configuration copied for real.
clone() {
	rm -rf "$2"
	cp -al "$1" "$2"
	for d in etc boot efi var; do
		[[ -e $2/$d ]] || continue
		rm -rf "${2:?}/$d"
		cp -a "$1/$d" "$2/$d"
	done
}

# "path hash" for every configuration file (temp files left out).
state() {
	(cd "$1" && find etc boot efi -type f 2>/dev/null | grep -v -- '.igpuctl-tmp-' | sort |
		while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done)
}

# every file of $2 (a state) is in $3 or $4 (states), and no file is missing
# that both have.
old_or_new() {
	local name=$1 now=$2 old=$3 new=$4
	python3 - "$name" <<PY || fails=$((fails + 1))
import sys
def parse(s):
    return dict(l.rsplit(" ", 1) for l in s.splitlines() if l)
now, old, new = parse("""$now"""), parse("""$old"""), parse("""$new""")
bad = []
for p in set(now) | set(old) | set(new):
    v = now.get(p)
    if v != old.get(p) and v != new.get(p):
        bad.append(p)
if bad:
    print("FAIL: %s: neither old nor new: %s" % (sys.argv[1], " ".join(sorted(bad))), file=sys.stderr)
    sys.exit(1)
PY
}

# scenario NAME HOST SETUP-ARGS...: scenario_cmd for `setup SETUP-ARGS... --yes`
scenario() {
	local name=$1 host=$2
	shift 2
	scenario_cmd "$name" "$host" setup "$@" --yes
}

# scenario_cmd NAME HOST COMMAND...: the same for any igpuctl COMMAND that
# writes without asking.  HOST is a host name for mkroot, or a directory.
# A re-run may refuse (vm proxmox: the VM has the device already) only when
# the tree already is the clean result.
scenario_cmd() {
	local name=$1 host=$2
	shift 2
	local base=$WORK/$name-base r=$WORK/$name old new point action n rc st cmd=$1
	if [[ -d $host ]]; then
		rm -rf "$base"
		cp -a "$host" "$base"
	else
		mkroot "$host" "$base"
	fi
	old=$(state "$base")
	clone "$base" "$r"
	"$IGPUCTL" --root "$r" "$@" >/dev/null 2>&1 || { fail "$name: clean $cmd failed"; return; }
	new=$(state "$r")
	[[ $old != "$new" ]] || { fail "$name: $cmd changed nothing"; return; }

	for point in $POINTS; do
		for action in kill error; do
			for ((n = 1; n < 64; n++)); do
				# --- the command interrupted
				clone "$base" "$r"
				# In the background and waited for: bash reports no
				# "Killed" line for it.
				IGPUCTL_FAULT=$point:$n:$action "$IGPUCTL" --root "$r" "$@" >"$WORK/out" 2>&1 &
				wait $!
				rc=$?
				runs=$((runs + 1))
				if [[ $action == kill && $rc -ne 137 ]]; then
					break # the Nth pass was never reached
				fi
				if [[ $action == error && $rc -eq 0 ]]; then
					break
				fi
				st=$(state "$r")
				old_or_new "$name $cmd $point:$n:$action" "$st" "$old" "$new"
				# An error while files are written puts them all
				# back; one after (the last journal update) leaves
				# the new files, which is just as consistent.
				if [[ $action == error ]] && grep -q "was put back" "$WORK/out" && [[ $st != "$old" ]]; then
					fail "$name $cmd $point:$n:error: files not put back"
				fi
				clone "$r" "$r-b"
				# recovery 1: the command again, then revert
				"$IGPUCTL" --root "$r" "$@" >/dev/null 2>&1 || [[ $st == "$new" ]] ||
					fail "$name $cmd $point:$n:$action: re-run failed"
				[[ $(state "$r") == "$new" ]] || fail "$name $cmd $point:$n:$action: re-run did not reach the clean result"
				"$IGPUCTL" --root "$r" revert --yes >/dev/null 2>&1 || fail "$name $cmd $point:$n:$action: revert after re-run failed"
				[[ $(state "$r") == "$old" ]] || fail "$name $cmd $point:$n:$action: revert after re-run is not the original"
				# recovery 2: revert directly
				"$IGPUCTL" --root "$r-b" revert --yes >/dev/null 2>&1 || fail "$name $cmd $point:$n:$action: revert failed"
				[[ $(state "$r-b") == "$old" ]] || fail "$name $cmd $point:$n:$action: revert is not the original"
				[[ -z $(find "$r" "$r-b" -name '*.igpuctl-tmp-*' -path '*/etc/*') ]] || fail "$name $cmd $point:$n:$action: temp files left after recovery"
				rm -rf "$r-b"

				# --- revert interrupted
				clone "$base" "$r"
				"$IGPUCTL" --root "$r" "$@" >/dev/null 2>&1
				IGPUCTL_FAULT=$point:$n:$action "$IGPUCTL" --root "$r" revert --yes >"$WORK/out" 2>&1 &
				wait $!
				rc=$?
				runs=$((runs + 1))
				if [[ ($action == kill && $rc -eq 137) || ($action == error && $rc -ne 0) ]]; then
					old_or_new "$name revert $point:$n:$action" "$(state "$r")" "$old" "$new"
					"$IGPUCTL" --root "$r" revert --yes >/dev/null 2>&1 || fail "$name revert $point:$n:$action: second revert failed"
					[[ $(state "$r") == "$old" ]] || fail "$name revert $point:$n:$action: second revert is not the original"
				fi
			done
		done
	done
}

# commands NAME HOST SETUP-ARGS...: the boot loader and initramfs commands
# (stand-ins on PATH that log their call; IGPUCTL_TEST_RUN_COMMANDS lets
# them run under --root) killed or failed at each one: the next setup, or
# revert, runs what did not run, so that between the two runs every command
# the change needs ran, and none is left pending.
commands() {
	local name=$1 host=$2
	shift 2
	local r=$WORK/$name-cmd n action rc log=$WORK/cmdlog bin=$WORK/bin c
	mkdir -p "$bin"
	for c in update-grub update-initramfs proxmox-boot-tool; do
		printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$c" "$log" >"$bin/$c"
		chmod +x "$bin/$c"
	done
	for action in kill error; do
		for ((n = 1; n < 8; n++)); do
			mkroot "$host" "$r"
			: >"$log"
			one_cmd_crash "$name" "$r" "$n" "$action" setup "$@" || break
			one_cmd_crash "$name" "$r" "$n" "$action" revert
			[[ ! -e $r/var/lib/igpuctl/journal.json ]] || fail "$name revert command:$n:$action: journal left"
		done
	done
}

# one_cmd_crash NAME ROOT N ACTION ARGS...: 1 when the Nth command is never reached.
one_cmd_crash() {
	local name=$1 r=$2 n=$3 action=$4 rc
	shift 4
	: >"$log"
	PATH=$bin:$PATH IGPUCTL_TEST_RUN_COMMANDS=1 IGPUCTL_FAULT=command:$n:$action \
		"$IGPUCTL" --root "$r" "$@" --yes >"$WORK/out" 2>&1 &
	wait $!
	rc=$?
	runs=$((runs + 1))
	[[ $rc -eq 0 ]] && return 1
	[[ $action == kill && $rc -ne 137 ]] && { fail "$name $1 command:$n:kill: exit $rc"; return 1; }
	PATH=$bin:$PATH IGPUCTL_TEST_RUN_COMMANDS=1 "$IGPUCTL" --root "$r" "$@" --yes >"$WORK/out" 2>&1 ||
		fail "$name $1 command:$n:$action: re-run failed: $(grep igpuctl: "$WORK/out")"
	grep -q "^update-initramfs" "$log" || fail "$name $1 command:$n:$action: the initramfs was never rebuilt"
	grep -q "^update-grub\|^proxmox-boot-tool" "$log" || fail "$name $1 command:$n:$action: the boot loader was never refreshed"
	[[ ! -e $r/var/lib/igpuctl/journal.json || $(jq '.pending | length' "$r/var/lib/igpuctl/journal.json") == 0 ]] ||
		fail "$name $1 command:$n:$action: commands left pending after the re-run"
	return 0
}

# user_edit ROOT: an admin's own edits after igpuctl's: a parameter in the
# GRUB variable igpuctl added to, and a comment line in /etc/modules.
user_edit() {
	sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="quiet/GRUB_CMDLINE_LINUX_DEFAULT="quiet splash/' "$1/etc/default/grub"
	echo "# the admin's own line" >>"$1/etc/modules"
}

# since NAME HOST SETUP-ARGS...: revert of files the admin changed after
# setup, interrupted at every point: every file is the edited one or the
# edited one without igpuctl's part, and a second revert reaches the latter
# (which is the original with the same edits).
since() {
	local name=$1 host=$2
	shift 2
	local base=$WORK/$name-since r=$WORK/$name-since-r edited want point action n rc
	mkroot "$host" "$base"
	clone "$base" "$r"
	user_edit "$r"
	want=$(state "$r")
	rm -rf "$r"
	"$IGPUCTL" --root "$base" setup "$@" --yes >/dev/null 2>&1 || { fail "$name since: setup failed"; return; }
	user_edit "$base"
	edited=$(state "$base")
	for point in $POINTS; do
		for action in kill error; do
			for ((n = 1; n < 64; n++)); do
				clone "$base" "$r"
				IGPUCTL_FAULT=$point:$n:$action "$IGPUCTL" --root "$r" revert --yes >"$WORK/out" 2>&1 &
				wait $!
				rc=$?
				runs=$((runs + 1))
				[[ ($action == kill && $rc -ne 137) || ($action == error && $rc -eq 0) ]] && break
				old_or_new "$name since revert $point:$n:$action" "$(state "$r")" "$edited" "$want"
				"$IGPUCTL" --root "$r" revert --yes >/dev/null 2>&1 || fail "$name since $point:$n:$action: second revert failed"
				[[ $(state "$r") == "$want" ]] || fail "$name since $point:$n:$action: second revert did not keep exactly the admin's edits"
			done
		done
	done
}

# rollback NAME HOST SETUP-ARGS...: a failed write whose rollback fails
# too (two renames in a row fail): setup says what it could not put back,
# with the manual step, exits 1, and revert still brings back the original.
rollback() {
	local name=$1 host=$2
	shift 2
	local base=$WORK/$name-rb r=$WORK/$name-rb-r old n rc partial=0
	mkroot "$host" "$base"
	old=$(state "$base")
	for ((n = 1; n < 40; n++)); do
		clone "$base" "$r"
		IGPUCTL_FAULT=rename:$n:error,rename:$((n + 1)):error "$IGPUCTL" --root "$r" setup "$@" --yes >"$WORK/out" 2>&1
		rc=$?
		runs=$((runs + 1))
		[[ $rc -eq 0 ]] && break
		[[ $rc -eq 1 ]] || fail "$name rollback rename:$n: exit $rc"
		if grep -q "not everything could be put back" "$WORK/out"; then
			partial=$((partial + 1))
			grep -q "^Left to do by hand:" "$WORK/out" || fail "$name rollback rename:$n: no manual step"
			grep -q "^ *cp .*/var/lib/igpuctl/backup/" "$WORK/out" || fail "$name rollback rename:$n: the manual step names no backup"
			"$IGPUCTL" --root "$r" revert --yes >/dev/null 2>&1 || fail "$name rollback rename:$n: revert failed"
		elif ! grep -q "was put back" "$WORK/out"; then
			# The files were written and only the journal's last save
			# failed: the change is recorded, and revert undoes it.
			"$IGPUCTL" --root "$r" revert --yes >/dev/null 2>&1 || fail "$name rollback rename:$n: revert failed"
		fi
		[[ $(state "$r") == "$old" ]] || fail "$name rollback rename:$n: not the original afterwards"
	done
	((partial > 0)) || fail "$name rollback: no run had a rollback fail"
}

rollback debian-grub pve8-coffeelake --mode full --allow-boot-vga
commands debian-grub pve8-coffeelake --mode full --allow-boot-vga
commands pve-sdboot pve8-n100-zfs --mode sriov
scenario debian-grub pve8-coffeelake --mode full --allow-boot-vga
scenario pve-sdboot pve8-n100-zfs --mode sriov
scenario arch-sdboot arch-sdboot-mkinitcpio --mode full --allow-boot-vga
scenario grub-d debian-grub-odd --mode full --allow-boot-vga
scenario fedora-dracut fedora-grub-dracut --mode gvt-g
scenario pop-kernelstub pop-kernelstub --mode full --allow-boot-vga
since debian-grub pve8-coffeelake --mode full --allow-boot-vga

# The other writers.  vfs --count writes sriov_numvfs in sys/, which clone()
# shares with the base: the runs after the first find the VFs enabled and
# plan the udev rule alone (state() looks at etc/ only).  The vGPU host is
# built as tests/vgpu/fixtures.sh builds it.
(
	set -e
	. "$SRCDIR/tests/fixtures/mkhost.sh"
	. "$SRCDIR/tests/vgpu/mkmdev.sh"
	host_begin "$WORK/gvtg-host"
	. "$SRCDIR/tests/vgpu/hosts/gvtg-two-parents.sh"
	host_end
) >/dev/null 2>&1 || fail "cannot build the vGPU host"
scenario_cmd bind-persist igpu-nvidia bind 01:00.0 --persist --allow-boot-vga
scenario_cmd pve-apply pve8-coffeelake vm proxmox 100 00:02.0 --mapping igpu --node pve1 --apply
scenario_cmd vfs-persist pve8-n100-zfs vfs 00:02.0 --count 7 --persist
scenario_cmd vgpu-define "$WORK/gvtg-host" vgpu define --type V5_4 --uuid 77777777-0000-4000-8000-000000000007

echo "crash injection: $runs runs, $fails failures"
[[ $fails -eq 0 ]]
