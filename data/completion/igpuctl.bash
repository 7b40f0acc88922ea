# bash completion for igpuctl.  What to offer comes from igpuctl itself
# (`igpuctl __complete line WORD...`, docs/cli.md), so the commands, their
# options and the host's values (GPU and VF addresses, vGPU UUIDs, mdev
# types, Proxmox VE VMIDs and CTIDs, libvirt domains, LXC containers) are
# those of the igpuctl that runs, under the --root of the line completed.
# SPDX-License-Identifier: GPL-2.0-or-later

_igpuctl() {
	local line=${COMP_LINE:0:COMP_POINT} cur pre c
	local -a words out

	# The words up to the cursor, split at blanks; the last one (empty
	# after a blank) is the word completed.
	read -ra words <<<"$line"
	[[ ${#words[@]} -eq 0 || $line == *[[:blank:]] ]] && words+=("")
	cur=${words[-1]}
	mapfile -t out < <("${words[0]}" __complete line -- "${words[@]:1}" 2>/dev/null)
	COMPREPLY=()
	for c in "${out[@]}"; do
		case $c in
		:files)
			compopt -o filenames 2>/dev/null
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
			;;
		:dirs)
			compopt -o filenames 2>/dev/null
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
			;;
		*) COMPREPLY+=("$c") ;;
		esac
	done
	# bash replaces only what follows the last ':' or '=' of the word
	# (COMP_WORDBREAKS): "0000:00:02.0", "--mode=full".
	pre=${cur%"${cur##*[:=]}"}
	if [[ -n $pre && $COMP_WORDBREAKS == *"${pre: -1}"* ]]; then
		COMPREPLY=("${COMPREPLY[@]#"$pre"}")
	fi
}
complete -F _igpuctl igpuctl
