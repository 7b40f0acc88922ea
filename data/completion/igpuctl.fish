# fish completion for igpuctl.  What to offer comes from igpuctl itself
# (`igpuctl __complete line WORD...`, docs/cli.md), so the commands, their
# options and the host's values (GPU and VF addresses, vGPU UUIDs, mdev
# types, Proxmox VE VMIDs and CTIDs, libvirt domains, LXC containers) are
# those of the igpuctl that runs, under the --root of the line completed.
# SPDX-License-Identifier: GPL-2.0-or-later

function __igpuctl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    for c in ($words[1] __complete line -- $words[2..-1] "$cur" 2>/dev/null)
        switch $c
            case :files
                __fish_complete_path "$cur"
            case :dirs
                __fish_complete_directories "$cur"
            case '*'
                echo $c
        end
    end
end

complete -c igpuctl -f -a '(__igpuctl_complete)'
