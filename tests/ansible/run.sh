#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/ansible/run.sh IGPUCTL
#
# The role of contrib/ansible (contrib/ansible/playbook.yml) with Debian's
# ansible-core, local connection, against a fixture root (igpuctl_root):
#   - --check reports a change and writes nothing (igpuctl --dry-run);
#   - the first run reports changed=1, says a reboot is needed, and leaves
#     exactly the files `igpuctl setup --yes` writes on a copy of the root;
#   - a second run reports changed=0;
#   - igpuctl_state=absent reports changed=1 and gives the tree back byte
#     for byte; again, changed=0.
# Ansible's home, temp and fact directories are inside the test's own.
set -uo pipefail

IGPUCTL=$(realpath "$1")
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d /tmp/igpuctl-ansible-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK/home ANSIBLE_LOCAL_TEMP=$WORK/tmp ANSIBLE_REMOTE_TEMP=$WORK/rtmp \
	ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ANSIBLE_PYTHON_INTERPRETER=auto_silent ANSIBLE_CONFIG=$WORK/ansible.cfg ANSIBLE_STDOUT_CALLBACK=default
mkdir -p "$HOME" && : >"$ANSIBLE_CONFIG"
. "$SRCDIR/tests/lib/setup-hosts.sh"
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

snapshot() { # every file under etc boot var but the lock, with its checksum and mode
	(cd "$1" && find etc boot var -type f ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16) $(stat -c %a "$f")"; done)
}

# play NAME ARGS...: run the example playbook on the root; its output in $WORK/NAME
play() {
	local name=$1
	shift
	ansible-playbook -i localhost, -c local "$SRCDIR/contrib/ansible/playbook.yml" \
		-e ansible_become=false -e "igpuctl_binary=$IGPUCTL" -e "igpuctl_root=$R" \
		-e '{"igpuctl_setup_args": ["--allow-boot-vga"]}' "$@" >"$WORK/$name" 2>&1 ||
		fail "$name: ansible-playbook failed: $(tail -20 "$WORK/$name")"
}
# changed NAME N: the PLAY RECAP says changed=N
changed() {
	local got
	got=$(sed -nE 's/^localhost +:.* changed=([0-9]+) .*/\1/p' "$WORK/$1")
	[[ $got == "$2" ]] || fail "$1: changed=${got:-?}, expected $2: $(grep -A2 'PLAY RECAP' "$WORK/$1")"
}

R=$WORK/root
mkroot pve8-coffeelake "$R"
mkroot pve8-coffeelake "$WORK/direct"
snap0=$(snapshot "$R")
"$IGPUCTL" --root "$WORK/direct" setup --mode full --allow-boot-vga --yes >/dev/null 2>&1 || fail "igpuctl setup failed"

play check --check
changed check 1
[[ $(snapshot "$R") == "$snap0" ]] || fail "check: --check wrote files"

play first
changed first 1
grep -q 'igpuctl_reboot_required=True' "$WORK/first" || fail "first: no reboot_required fact: $(grep -A3 'Say whether' "$WORK/first")"
grep -q "files=\['/etc/default/grub', '/etc/modules', '/etc/modprobe.d/igpuctl.conf'\]" "$WORK/first" ||
	fail "first: the result's files: $(grep files= "$WORK/first")"
diff <(snapshot "$WORK/direct" | grep -v '^var') <(snapshot "$R" | grep -v '^var') >"$WORK/d" ||
	fail "first: the files differ from what igpuctl setup writes: $(cat "$WORK/d")"

play second
changed second 0
grep -q 'igpuctl_reboot_required=False' "$WORK/second" || fail "second: reboot_required is not false"

play revert -e igpuctl_state=absent
changed revert 1
diff <(echo "$snap0" | grep -v '^var') <(snapshot "$R" | grep -v '^var') >"$WORK/d" ||
	fail "revert: the tree is not restored: $(cat "$WORK/d")"

play revert-again -e igpuctl_state=absent
changed revert-again 0

echo "ansible: $fails failures"
[[ $fails -eq 0 ]]
