#!/bin/bash
# Shell completion (data/completion/) on fixture hosts, through each shell's
# real completion machinery, with the build's igpuctl first on PATH:
#   bash: the script sourced, COMP_LINE/COMP_POINT/COMP_WORDS/COMP_CWORD
#         set, _igpuctl called, COMPREPLY compared;
#   fish: `complete -C LINE` after sourcing igpuctl.fish;
#   zsh:  compinit over data/completion in a zsh in a pseudo-terminal
#         (zsh-complete.zsh), what _igpuctl adds.
# Also: every getopt table of src/cmd is one that __complete offers, and
# the subcommands it offers are those each command's --help names.
#
#   tests/completion/run.sh BIN
set -u
bin=$(realpath "$1")
src=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 1
export PATH=$(dirname "$bin"):$PATH LC_ALL=C
unset IGPUCTL_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
[[ $(command -v igpuctl) == "$bin" ]] || { echo "igpuctl on PATH is not $bin"; exit 1; }
hosts=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-completion.XXXXXX")
trap 'rm -rf "$hosts"' EXIT
(
	. tests/fixtures/mkhost.sh
	. tests/vgpu/mkmdev.sh
	host_build tests/golden/hosts/sriov-libvirt.sh "$hosts/libvirt"
	host_build tests/vgpu/hosts/gvtg-proxmox.sh "$hosts/gvtg"
) >/dev/null || exit 1
ct=$src/examples/hosts/pve8-n100-ct gv=$hosts/gvtg lv=$hosts/libvirt
# An empty working directory: what the shells offer for file names must not
# depend on what the source tree holds.
mkdir "$hosts/cwd" && cd "$hosts/cwd" || exit 1
fail=0

# check SHELL LINE GOT WANTED...: GOT, what SHELL completed for LINE, is WANTED.
check() {
	local sh=$1 line=$2 got want
	got=$(sort <<<"$3" | grep -v '^$' | tr '\n' ' ')
	shift 3
	want=
	(($#)) && want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	if [[ $got != "$want" ]]; then
		echo "FAIL $sh: '$line'"
		echo "  want: $want"
		echo "  got:  $got"
		fail=1
	fi
}
bash_complete() {
	bash -c 'source "$0"/data/completion/igpuctl.bash
		COMP_LINE=$1 COMP_POINT=${#1}
		read -ra COMP_WORDS <<<"$1"; [[ $1 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_igpuctl; printf "%s\n" "${COMPREPLY[@]}"' "$src" "$1"
}
fish_complete() { fish -N -c "source $(printf %q "$src")/data/completion/igpuctl.fish; complete -C $(printf %q "$1")" | cut -f1; }
both() {
	local line=$1
	shift
	check bash "$line" "$(bash_complete "$line")" "$@"
	check fish "$line" "$(fish_complete "$line")" "$@"
	zsh_lines+=("$line") zsh_want+=("$*")
}
declare -a zsh_lines zsh_want

# commands, subcommands, options of a command and of a subcommand
both "igpuctl " status list iommu show check vgpu vfs vm ct guest report setup revert bind unbind
both "igpuctl vm l" libvirt lint
both "igpuctl vm lint " proxmox libvirt qemu
both "igpuctl iommu --" --all --help --root --json --verbose
both "igpuctl vgpu create --" --type --uuid --auto --dry-run --help --root --json --verbose
both "igpuctl ct docker --" --gid --help --root --json --verbose
both "igpuctl report --" --output --keep-hostname --help --root --json --verbose
both "igpuctl setup --mode " full gvt-g sriov
# GPU and VF addresses (bash replaces what follows the last ':')
both "igpuctl --root $ct vfs " 0000:00:02.0
check bash "ct docker" "$(bash_complete "igpuctl --root $ct ct docker 0000:00:02.1")" 02.1
check fish "ct docker" "$(fish_complete "igpuctl --root $ct ct docker 0000:00:02.1")" 0000:00:02.1
check bash "show 0000:00:0" "$(bash_complete "igpuctl --root $lv show 0000:00:0")" 00.0 02.0 02.1 02.2 02.3 02.4 02.5
check fish "ct lxc frigate" "$(fish_complete "igpuctl --root $ct ct lxc frigate ")" \
	0000:00:02.0 0000:00:02.1 0000:00:02.2 0000:00:02.3 0000:00:02.4 0000:00:02.5
# vGPU UUIDs (active and defined; vm takes active ones), mdev types
both "igpuctl --root $gv vgpu remove " 00000001-0000-0000-0000-000000000100 \
	4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41 9e2f4c1a-3b5d-4e6f-8a7b-1c2d3e4f5a6b \
	c0ffee00-1111-4222-8333-444455556666 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9
both "igpuctl --root $gv vm qemu 4" 4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41
both "igpuctl --root $gv vgpu create --type " i915-GVTg_V5_4 i915-GVTg_V5_8 mtty-1 mtty-2
both "igpuctl --root $gv vgpu types " 0000:00:02.0 mtty
# Proxmox VE VMIDs and CTIDs, LXC containers, libvirt domains
both "igpuctl --root $ct vm proxmox " 201 202
both "igpuctl --root $ct vm lint proxmox " 201 202
both "igpuctl --root $ct ct proxmox 30" 300 301 302 303 304
both "igpuctl --root $ct ct lxc " frigate
both "igpuctl --root $lv vm libvirt 0000:00:02.1 --domain " debian win11
both "igpuctl --root $lv vm lint libvirt de" debian
# IGPUCTL_ROOT when the line names no root
check bash "IGPUCTL_ROOT" "$(IGPUCTL_ROOT=$ct bash_complete "igpuctl ct lxc ")" frigate
# a host with nothing: nothing, and no error
check bash "empty root" "$(bash_complete "igpuctl --root $hosts vm proxmox ")"

# zsh: the real _igpuctl through compinit, every line in one shell
i=0
while IFS= read -r l; do
	if [[ $l == "== "* ]]; then
		((i > 0)) && check zsh "${zsh_lines[i - 1]}" "$got" ${zsh_want[i - 1]}
		got= i=$((i + 1))
	else
		got+=$l$'\n'
	fi
done < <(zsh -f "$src/tests/completion/zsh-complete.zsh" "$src/data/completion" "${zsh_lines[@]}")
check zsh "${zsh_lines[i - 1]}" "$got" ${zsh_want[i - 1]}
((i == ${#zsh_lines[@]})) || { echo "FAIL zsh: $i of ${#zsh_lines[@]} lines completed"; fail=1; }

# Drift: every getopt table of a command is one __complete knows, and
# each command's subcommands are those its --help names.
tables=$(grep -ho 'struct option [a-z_]*\[\] *=' "$src"/src/cmd/*.c | awk '{print $3}' | tr -d '[]')
[[ -n $tables ]] || { echo "FAIL: no getopt table found in $src/src/cmd"; fail=1; }
for t in $tables; do
	grep -q "\b$t\b" "$src/src/cmd/complete.c" || [[ $t == cmd_opts_global ]] ||
		{ echo "FAIL: getopt table $t is not in src/cmd/complete.c"; fail=1; }
done
for c in $(igpuctl __complete commands); do
	igpuctl __complete options "$c" | grep -qx -- --help ||
		igpuctl __complete commands "$c" | grep -q . ||
		{ echo "FAIL: __complete knows no options of '$c'"; fail=1; }
done
check help "vgpu" "$(igpuctl __complete commands vgpu)" \
	$(igpuctl vgpu --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
check help "vm" "$(igpuctl __complete commands vm)" \
	$(igpuctl vm --help | sed -n 's/^ *\(Usage: \)\{0,1\}igpuctl vm \([a-z]*\) .*/\2/p')
check help "vm lint" "$(igpuctl __complete commands vm lint)" \
	$(igpuctl vm lint --help | sed -n 's/^ *\(Usage: \)\{0,1\}igpuctl vm lint \([a-z]*\) .*/\2/p')
check help "ct" "$(igpuctl __complete commands ct)" \
	$(igpuctl ct --help | sed -n 's/^ *\(Usage: \)\{0,1\}igpuctl ct \([a-z]*\) .*/\2/p')
check help "commands" "$(igpuctl __complete commands)" \
	$(igpuctl --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
igpuctl --help | grep -q __complete && { echo "FAIL: __complete is in --help"; fail=1; }

((fail == 0)) && echo "completion: all passed"
exit "$fail"
