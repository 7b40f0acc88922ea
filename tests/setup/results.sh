#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/setup/results.sh IGPUCTL [--update]
#
# What setup and revert tell scripts and people about a change
# (tests/lib/golden.sh records each step in results/NAME.out):
#   - -J prints the result alone on stdout ({"changed", "reboot_required",
#     "applied", "files", "commands", "manual"}), the plan and every message
#     on stderr; a dry run is "applied": false; a second identical setup is
#     "changed": false and runs nothing; revert of a container edit needs no
#     reboot and does not say to reboot;
#   - each command run (stand-ins on PATH; IGPUCTL_TEST_RUN_COMMANDS lets
#     them run under --root) is announced on stderr with the time it took,
#     a failing or missing one with its failure; its own output goes to
#     stderr too; no escape codes when stderr is no terminal, a line that
#     counts the seconds on a terminal.
# Times are masked as @S@.
set -uo pipefail

IGPUCTL=$(realpath "$1")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d /tmp/igpuctl-results-test.XXXXXX)
# shellcheck source=../lib/golden.sh
. "$SRCDIR/tests/lib/golden.sh"
trap 'rm -rf "$WORK"; golden_cleanup' EXIT
golden_init "$SRCDIR/tests/setup/results" "${@:2}"
golden_mask 's/\([0-9]+\.[0-9] s\)/(@S@ s)/g'
. "$SRCDIR/tests/lib/setup-hosts.sh"
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
# jqt FILTER: the last run's stdout is JSON and FILTER is true on it
jqt() {
	jq -e "$1" "$GOLDEN_STDOUT" >/dev/null 2>&1 || fail "$CASE: not true: $1: $(head -c 300 "$GOLDEN_STDOUT")"
}
run() {
	golden_run "$IGPUCTL" --root "$R" "$@"
	grep -q $'\e' "$GOLDEN_STDERR" && fail "$CASE: escape codes on stderr that is no terminal"
}
snapshot() {
	(cd "$1" && find etc boot var -type f ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done)
}

# Stand-ins for the boot loader and initramfs commands: they print, and log.
bin=$WORK/bin log=$WORK/log
mkdir -p "$bin"
standin() { # NAME EXIT
	printf '#!/bin/sh\necho "%s says: $*"\necho "%s $*" >>"%s"\nexit %s\n' "$1" "$1" "$log" "$2" >"$bin/$1"
	chmod +x "$bin/$1"
}
standin update-initramfs 0
standin update-grub 0
export PATH=$bin:$PATH IGPUCTL_TEST_RUN_COMMANDS=1

CASE=setup-json
R=$WORK/$CASE
mkroot pve8-coffeelake "$R"
snap0=$(snapshot "$R")
golden_begin $CASE
run -J setup --mode full --allow-boot-vga --dry-run
jqt '.changed and .reboot_required and (.applied | not) and ([.files[].path] == ["/etc/default/grub", "/etc/modules", "/etc/modprobe.d/igpuctl.conf"]) and ([.commands[] | select(.ran | not)] | length) == 2'
[[ -s $log ]] && fail "$CASE: the dry run ran commands"
run -J setup --mode full --allow-boot-vga --yes
jqt '.changed and .reboot_required and .applied and ([.commands[] | [.command, .ran, .exit_status]] == [["update-initramfs -u -k all", true, 0], ["update-grub", true, 0]])'
grep -qx 'update-grub says: ' "$GOLDEN_STDERR" || fail "$CASE: a command's output is not on stderr"
: >"$log"
run -J setup --mode full --allow-boot-vga --yes
jqt '(.changed | not) and (.reboot_required | not) and .files == [] and .commands == []'
[[ -s $log ]] && fail "$CASE: the second setup ran commands"
run -J revert --dry-run
jqt '.changed and .reboot_required and (.applied | not) and (.files | length) == 3'
run -J revert --yes
jqt '.changed and .reboot_required and .applied and ([.files[] | .action] == ["remove", "modify", "modify"]) and (.commands | length) == 2'
[[ $(snapshot "$R" | grep -v '^var') == "$(grep -v '^var' <<<"$snap0")" ]] || fail "$CASE: revert did not restore the tree"
run -J revert --yes
jqt '(.changed | not) and (.reboot_required | not)'
golden_end || fail "$CASE: output differs from results/$CASE.out"

# Under --root, commands are not run: listed with "ran": false.
CASE=setup-json-root
R=$WORK/$CASE
mkroot pve8-n100-zfs "$R"
golden_begin $CASE
IGPUCTL_TEST_RUN_COMMANDS=0 run -J setup --mode sriov --yes
jqt '.changed and .reboot_required and .applied and ([.commands[] | .ran] == [false, false])'
golden_end || fail "$CASE: output differs from results/$CASE.out"

# A command that fails, one that is missing: each says so, with its time;
# exit 1, and the result still says what was written.
CASE=command-fails
R=$WORK/$CASE
mkroot pve8-coffeelake "$R"
standin update-initramfs 3
rm "$bin/update-grub"
golden_begin $CASE
run -J setup --mode full --allow-boot-vga --yes
[[ $GOLDEN_RC -eq 1 ]] || fail "$CASE: exit $GOLDEN_RC"
jqt '.changed and ([.commands[] | [.ran, .exit_status]] == [[true, 3], [true, null]]) and .commands[1].error == "No such file or directory"'
grep -qx '\.\.\. failed, exit status 3 (@S@ s)' <(sed -E 's/\([0-9]+\.[0-9] s\)/(@S@ s)/' "$GOLDEN_STDERR") ||
	fail "$CASE: no failure line with its time"
golden_end || fail "$CASE: output differs from results/$CASE.out"
standin update-initramfs 0
standin update-grub 0

# Revert of a container's configuration: no reboot.
CASE=revert-ct
R=$WORK/$CASE
(
	. "$SRCDIR/tests/fixtures/mkhost.sh"
	host_build "$SRCDIR/tests/golden/hosts/ct-pve.sh" "$R"
)
golden_begin $CASE
run ct proxmox 302 00:02.2 --apply
run -J revert --yes
jqt '.changed and (.reboot_required | not) and .files == [{"path": "/etc/pve/lxc/302.conf", "kind": "file", "action": "modify", "reboot_required": false}]'
grep -q Reboot "$GOLDEN_STDERR" && fail "$CASE: revert says to reboot"
golden_end || fail "$CASE: output differs from results/$CASE.out"

# On a terminal: the line counts the seconds, then says how long it took.
CASE=progress-tty
R=$WORK/$CASE
mkroot pve8-coffeelake "$R"
printf '#!/bin/sh\nsleep 1.5\n' >"$bin/update-initramfs"
script -qec "$IGPUCTL --root $R setup --mode full --allow-boot-vga --yes" /dev/null >"$WORK/tty" 2>&1 </dev/null
grep -qF $'Running update-initramfs -u -k all ... 1 s\r\e[KRunning update-initramfs -u -k all ... done (1.' "$WORK/tty" ||
	fail "$CASE: no counting line: $(grep -a Running "$WORK/tty" | od -c | head)"

golden_finish || fails=$((fails + 1))
echo "setup results: $fails failures"
[[ $fails -eq 0 ]]
