#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/check/run.sh BIN: every check of `igpuctl check` made to pass and to
# fail (or warn) on small variants of the example hosts.  Each variant is a
# copy of examples/hosts/NAME (cp -a, in a temporary directory) with a few
# files changed; the assertions read `igpuctl -J check` with jq.  At the end,
# every id of `igpuctl check --list` must have been seen passing and not
# passing, so a new check cannot go untested.
set -u
bin=$(realpath "$1")
src=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export LC_ALL=C
unset IGPUCTL_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

npass=0 nfail=0
declare -A seen_pass=() seen_bad=()
out='' rc='' desc=''

bad() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
good() { npass=$((npass + 1)); }

# variant NAME BASE: a fresh copy of examples/hosts/BASE as $V.
variant() {
	V=$tmp/$1
	rm -rf "$V"
	cp -a "$src/examples/hosts/$2" "$V"
}
# put PATH CONTENT: write a file of $V (PATH relative to the root).
put() {
	mkdir -p "$(dirname "$V/$1")"
	printf '%s' "$2" >"$V/$1"
}
# fixture NAME HOST: $V, a fresh root of the host tests/setup/hosts/HOST.sh
# describes (tests/fixtures/mkhost.sh).
fixture() {
	V=$tmp/$1
	rm -rf "$V"
	(
		# shellcheck source=../fixtures/mkhost.sh
		. "$src/tests/fixtures/mkhost.sh"
		host_build "$src/tests/setup/hosts/$2.sh" "$V"
	) >/dev/null || bad "$1: the fixture $2 was not built"
}
# relink PATH TARGET: replace a symlink of $V.
relink() {
	rm -f "$V/$1"
	ln -s "$2" "$V/$1"
}
GPU=sys/devices/pci0000:00/0000:00:02.0

# chk ROOT [ARGS...]: igpuctl -J check, JSON in $out, status in $rc.
chk() {
	local root=$1
	shift
	desc="$(basename "$root"): check $*"
	out=$("$bin" --root "$root" -J check "$@" 2>"$tmp/stderr")
	rc=$?
	if [[ -s $tmp/stderr ]]; then
		bad "$desc: stderr: $(head -c 600 "$tmp/stderr")"
	fi
	if ! jq -e '.checks | type == "array"' <<<"$out" >/dev/null 2>&1; then
		bad "$desc: no JSON checks array"
		out='{"checks":[]}'
	fi
}

# is ID STATUS [DEVICE]: the status of a check (of DEVICE when given).
is() {
	local got
	got=$(jq -r --arg id "$1" --arg dev "${3:-}" \
		'[.checks[] | select(.id == $id and ($dev == "" or .device == $dev)) | .status] | join(",")' <<<"$out")
	if [[ $got == "$2" ]]; then
		good
		case $2 in
		pass) seen_pass[$1]=1 ;;
		warn | fail) seen_bad[$1]=1 ;;
		esac
	else
		bad "$desc: $1 is '$got', expected $2"
		jq -r --arg id "$1" '.checks[] | select(.id == $id) | "    message: \(.message)\n    remedy:  \(.remedy)"' <<<"$out"
	fi
}
# has ID FIELD TEXT: the message or remedy of a check contains TEXT.
has() {
	if jq -e --arg id "$1" --arg f "$2" --arg t "$3" \
		'any(.checks[] | select(.id == $id); (.[$f] // "") | contains($t))' <<<"$out" >/dev/null; then
		good
	else
		bad "$desc: $1 $2 lacks '$3'"
		jq -r --arg id "$1" --arg f "$2" '.checks[] | select(.id == $id) | "    \($f): \(.[$f])"' <<<"$out"
	fi
}
# lacks ID FIELD TEXT
lacks() {
	if jq -e --arg id "$1" --arg f "$2" --arg t "$3" \
		'any(.checks[] | select(.id == $id); (.[$f] // "") | contains($t))' <<<"$out" >/dev/null; then
		bad "$desc: $1 $2 has '$3'"
	else
		good
	fi
}
absent() {
	if jq -e --arg id "$1" 'any(.checks[]; .id == $id)' <<<"$out" >/dev/null; then
		bad "$desc: $1 should not run"
	else
		good
	fi
}
exit_is() {
	if [[ $rc == "$1" ]]; then good; else bad "$desc: exit $rc, expected $1"; fi
}
# The contract: every entry has exactly these keys, remedy null when passing.
contract() {
	if jq -e '.checks | all(
		(keys - ["device"]) == ["id", "message", "remedy", "status"] and
		(.status | IN("pass", "warn", "fail", "skip")) and
		(if .status == "warn" or .status == "fail" then (.remedy | type) == "string" else true end) and
		(if .status == "pass" then .remedy == null else true end))' <<<"$out" >/dev/null; then
		good
	else
		bad "$desc: JSON entries break the contract"
	fi
}

# A module directory for release REL in $V with real modules of the build
# host's kernel (and their dependencies), indexed by depmod.  Returns 1 when
# the build host has no kernel modules to borrow.
HOSTKVER=$(for d in /lib/modules/*/modules.dep; do
	[[ -f $d ]] && basename "$(dirname "$d")"
done | sort -rV | head -n 1)
moddir() {
	local rel=$1 m f
	shift
	[[ -n $HOSTKVER ]] && command -v depmod >/dev/null && command -v modprobe >/dev/null || return 1
	mkdir -p "$V/lib/modules/$rel"
	for m in "$@"; do
		modprobe --show-depends -S "$HOSTKVER" "$m" 2>/dev/null | while read -r kw f _; do
			[[ $kw == insmod ]] || continue
			mkdir -p "$V/lib/modules/$rel/$(dirname "${f#/lib/modules/"$HOSTKVER"/}")"
			cp "$f" "$V/lib/modules/$rel/${f#/lib/modules/"$HOSTKVER"/}"
		done
	done
	: >"$V/lib/modules/$rel/modules.builtin"
	: >"$V/lib/modules/$rel/modules.order"
	depmod -b "$V" "$rel" 2>/dev/null
}

########################################################################
# The bundled hosts as they are.

chk "$src/examples/hosts/pve8-coffeelake"
contract
exit_is 2
is gpu.present pass
has gpu.present message "checked for GVT-g"
is cpu.virtualization pass
is kvm.device pass
is kernel.version pass
is qemu.version pass
has qemu.version message "package pve-qemu-kvm 9.0.2-4"
is gvt.platform pass
has gvt.platform message "Coffee Lake"
is gvt.enable_gvt fail
has gvt.enable_gvt remedy "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub: add i915.enable_gvt=1"
has gvt.enable_gvt remedy "update-grub"
is gvt.kvmgt fail
is gvt.guc_conflict pass
is gvt.types_present fail
has gvt.types_present remedy "gvt.enable_gvt, gvt.kvmgt"
is gvt.instances skip
is gvt.persist pass
is memlock pass
is modules.available skip
is gvt.dmesg_unsupported skip
absent iommu.enabled
absent full.driver

chk "$src/examples/hosts/pve8-coffeelake" --mode full
contract
is iommu.enabled pass
is iommu.interrupt_remapping pass
is cmdline.intel_iommu pass
has cmdline.intel_iommu message "by default"
is cmdline.configured pass
has cmdline.configured message "No extra kernel parameters are needed"
is cmdline.blacklist pass
is full.driver warn
has full.driver remedy "ids=8086:3e92"
has full.driver remedy "softdep i915 pre: vfio-pci"
# The file setup writes, not one setup never reads back.
has full.driver remedy "into /etc/modprobe.d/igpuctl.conf"
is full.vfio_ids pass
is full.boot_vga warn
is full.isolation pass
is full.acs_override pass
is full.framebuffer skip
is modules.vfio_virqfd pass
is modules.vfio_mdev pass
is modules.loaded warn
is modules.configured warn
has modules.configured remedy "/etc/modules"
absent kernel.version
absent gvt.platform

chk "$src/examples/hosts/pve8-coffeelake" --mode sriov
is sriov.platform fail
has sriov.platform remedy "--mode gvt-g"
is sriov.driver fail
is sriov.vfs_enabled skip

chk "$src/examples/hosts/iommu-off" --mode full
exit_is 2
is iommu.enabled fail
has iommu.enabled remedy "VT-d"
has iommu.enabled remedy "add intel_iommu=on"
is iommu.interrupt_remapping skip
is cmdline.intel_iommu fail
has cmdline.intel_iommu remedy "update-grub"
is cmdline.configured fail
is full.isolation fail

chk "$src/examples/hosts/shared-nvme-group" --mode full
is full.isolation fail
has full.isolation message "0000:01:00.0"

chk "$src/examples/hosts/icelake-laptop"
has gpu.present message "checked for full passthrough"
is cmdline.configured pass
has cmdline.configured message "Configured in GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub and active: intel_iommu=on"
is memlock warn
has memlock remedy "@kvm soft memlock 8388608"
chk "$src/examples/hosts/icelake-laptop" --mode gvt-g
is gvt.platform fail
has gvt.platform message "Ice Lake"
has gvt.platform remedy "--mode full"

chk "$src/examples/hosts/pve8-n100-zfs"
has gpu.present message "checked for SR-IOV"
is sriov.platform pass
is sriov.driver fail
has sriov.driver remedy "i915-sriov-dkms"
is sriov.params fail
is sriov.vfs_enabled fail
has sriov.vfs_enabled remedy "igpuctl vfs 0000:00:02.0 --count 7 --persist"
is sriov.persist warn
is sriov.pf_not_vfio pass
is cmdline.configured fail
has cmdline.configured remedy "/etc/kernel/cmdline"
has cmdline.configured remedy "proxmox-boot-tool refresh"
lacks cmdline.configured remedy "update-grub"
chk "$src/examples/hosts/pve8-n100-zfs" --mode gvt-g
is gvt.guc_conflict fail
has gvt.guc_conflict message "enable_guc=2"

chk "$src/examples/hosts/igpu-nvidia" --mode full 00:02.0
is full.boot_vga pass
chk "$src/examples/hosts/igpu-nvidia"
has gpu.present message "0000:01:00.0"
is full.boot_vga warn 0000:01:00.0
# The dGPU's HDMI audio function goes into ids= too.
has full.driver remedy "ids=10de:2484,10de:228b"

########################################################################
# gpu.present, cpu.virtualization, kvm.device

variant nogpu pve8-coffeelake
rm "$V/sys/bus/pci/devices/0000:00:02.0"
chk "$V"
is gpu.present fail
exit_is 2

variant novmx pve8-coffeelake
sed -i 's/ vmx / /' "$V/proc/cpuinfo"
rm "$V/dev/kvm"
chk "$V"
is cpu.virtualization fail
is kvm.device fail
has kvm.device remedy "cpu.virtualization"

variant nokvm pve8-coffeelake
rm "$V/dev/kvm"
chk "$V"
is kvm.device fail
has kvm.device remedy "modprobe kvm_intel"

########################################################################
# kernel.version, qemu.version

variant old pve8-coffeelake
put proc/sys/kernel/osrelease $'4.15.0-20-generic\n'
put var/lib/dpkg/status $'Package: qemu-system-x86\nStatus: install ok installed\nVersion: 1:2.11+dfsg-1ubuntu7.41\n'
chk "$V" --mode gvt-g
is kernel.version fail
is qemu.version fail
has qemu.version message "2.11"
# Before 5.14 the module is vfio_mdev, and on such kernels listing it is right.
has modules.loaded message "vfio_mdev"
chk "$V" --mode full
is qemu.version pass
lacks modules.loaded message "vfio_virqfd"
# A newer kernel is installed and boots next: the remedy is the reboot.
put boot/vmlinuz-4.15.0-20-generic ''
put boot/vmlinuz-5.4.0-150-generic ''
chk "$V" --mode gvt-g
is kernel.version fail
has kernel.version remedy "Reboot: the next boot starts Linux 5.4.0-150-generic (the newest installed kernel)."

variant pveqemu pve8-coffeelake
put var/lib/dpkg/status $'Package: pve-qemu-kvm\nStatus: install ok installed\nVersion: 8.1.5-6\n'
chk "$V"
is qemu.version pass
has qemu.version message "QEMU 8.1.5 (package pve-qemu-kvm 8.1.5-6)"

# full.qemu: QEMU before 9.2 takes Gen 11+ for Gen 8; a captured probe of
# the binary decides before the package.
variant qemugen pve8-n100-zfs
chk "$V" --mode full
is full.qemu fail
has full.qemu message "Gen 12 iGPUs need QEMU 9.2 or newer: QEMU 9.0.2 (package pve-qemu-kvm 9.0.2-4)"
has full.qemu remedy "pve-qemu-kvm"
put var/log/igpuctl-capture/qemu-probe $'# igpuctl qemu probe 1\npath=/usr/bin/kvm\n== --version\nQEMU emulator version 10.0.2 (pve-qemu-kvm_10.0.2-4)\n'
chk "$V" --mode full
is full.qemu pass
has full.qemu message "QEMU 10.0.2 (/usr/bin/kvm 10.0.2, probed by tools/capture-host) can assign Alder Lake-N (Gen 12)"
chk "$V" --mode gvt-g
absent full.qemu

variant noqemu pve8-coffeelake
rm -f "$V/var/lib/dpkg/status"
chk "$V"
is qemu.version warn
has qemu.version remedy "pve-qemu-kvm"

variant qemubin pve8-coffeelake
rm -f "$V/var/lib/dpkg/status"
put usr/bin/qemu-system-x86_64 ''
chmod +x "$V/usr/bin/qemu-system-x86_64"
chk "$V"
is qemu.version skip

# On the real host, without package data, the version comes from running
# qemu-system-x86_64 --version (dpkg's status file hidden in a private mount
# namespace; needs root, unshare and an installed QEMU).
if [[ $(id -u) == 0 && -x /usr/bin/qemu-system-x86_64 ]] && command -v unshare >/dev/null &&
	unshare -m true 2>/dev/null; then
	want=$(/usr/bin/qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version \([0-9.]*\).*/\1/p')
	desc="host: check (dpkg status hidden)"
	# shellcheck disable=SC2016 # $0 is expanded by the inner shell
	out=$(unshare -m sh -c 'mount --bind /dev/null /var/lib/dpkg/status && exec "$0" -J check' "$bin" 2>"$tmp/stderr")
	[[ -s $tmp/stderr ]] && bad "$desc: stderr: $(head -c 300 "$tmp/stderr")"
	is qemu.version pass
	has qemu.version message "QEMU $want (/usr/bin/qemu-system-x86_64)"
else
	echo "SKIP: running qemu-system-x86_64 --version needs root, unshare and QEMU"
fi

########################################################################
# iommu.interrupt_remapping, cmdline.intel_iommu

variant noir pve8-coffeelake
for u in dmar0 dmar1; do put sys/devices/virtual/iommu/$u/intel-iommu/ecap $'f050d2\n'; done
chk "$V" --mode full
is iommu.interrupt_remapping fail
has iommu.interrupt_remapping remedy "allow_unsafe_interrupts=1"
has iommu.interrupt_remapping remedy "to /etc/modprobe.d/igpuctl.conf"
put etc/modprobe.d/vfio.conf $'options vfio-iommu-type1 allow-unsafe-interrupts=1\n'
chk "$V" --mode full
is iommu.interrupt_remapping warn
has iommu.interrupt_remapping message "/etc/modprobe.d/vfio.conf:1"
rm "$V/etc/modprobe.d/vfio.conf"
sed -i 's/ quiet$/ quiet vfio_iommu_type1.allow_unsafe_interrupts=1/' "$V/proc/cmdline"
chk "$V" --mode full
is iommu.interrupt_remapping warn
put proc/interrupts $'            CPU0       CPU1\n 122:          0         21  IR-PCI-MSI-0000:00:14.0    0-edge      xhci_hcd\n'
chk "$V" --mode full
is iommu.interrupt_remapping warn
has iommu.interrupt_remapping message "Interrupt remapping is on, yet"
sed -i 's/ vfio_iommu_type1.allow_unsafe_interrupts=1//' "$V/proc/cmdline"
chk "$V" --mode full
is iommu.interrupt_remapping pass
has iommu.interrupt_remapping message "/proc/interrupts"

variant iommuoff pve8-coffeelake
sed -i 's/ quiet$/ quiet intel_iommu=off/' "$V/proc/cmdline"
chk "$V" --mode full
is cmdline.intel_iommu fail
has cmdline.intel_iommu message "intel_iommu=off"

# The firmware's DMAR table tells "VT-d off in the firmware" from "kernel not told".
variant nodmar iommu-off
mkdir -p "$V/sys/firmware/acpi/tables"
put sys/firmware/acpi/tables/FACP ''
chk "$V" --mode full
is iommu.enabled fail
has iommu.enabled message "no DMAR ACPI table"
has iommu.enabled remedy "VT-d"
put sys/firmware/acpi/tables/DMAR ''
chk "$V" --mode full
is iommu.enabled fail
has iommu.enabled message "the firmware has VT-d"
lacks iommu.enabled remedy "firmware setup"
has iommu.enabled remedy "add intel_iommu=on"

# An IOMMU that is on by default but leaves the iGPU out (Debian's kernels).
variant intgpu pve8-coffeelake
rm "$V/$GPU/iommu_group" "$V/sys/kernel/iommu_groups/1/devices/0000:00:02.0"
chk "$V" --mode full
is iommu.enabled pass
is cmdline.intel_iommu fail
has cmdline.intel_iommu message "leaves the integrated GPU 0000:00:02.0 out"
is full.isolation fail
has full.isolation remedy "add intel_iommu=on"
is cmdline.configured fail
has cmdline.configured message "intel_iommu=on"

# AMD: no parameter needed, amd_iommu=off is the problem.
variant amd iommu-off
sed -i 's/GenuineIntel/AuthenticAMD/; s/ vmx / svm /' "$V/proc/cpuinfo"
chk "$V" --mode full
is cmdline.intel_iommu pass
has cmdline.intel_iommu message "AMD"
has iommu.enabled remedy "AMD-Vi"
sed -i 's/ quiet$/ quiet amd_iommu=off/' "$V/proc/cmdline"
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=off"/' "$V/etc/default/grub"
chk "$V" --mode full
is cmdline.intel_iommu fail
has cmdline.intel_iommu remedy "remove amd_iommu"
# Removed from GRUB already: only the reboot is missing.
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet"/' "$V/etc/default/grub"
chk "$V" --mode full
has cmdline.intel_iommu remedy "reboot"
lacks cmdline.intel_iommu remedy "remove amd_iommu"

########################################################################
# cmdline.configured: configured vs running, GRUB vs proxmox-boot-tool

# systemd-boot reads the options of the entry it starts next: loader.conf's
# `default` (a glob), overridden by `bootctl set-default` (the EFI variable
# LoaderEntryDefault), else the first in its order; never the fallback entry
# only because its name sorts first.
fixture sdboot-default arch-sdboot-default
chk "$V" --mode gvt-g
is cmdline.configured fail
has cmdline.configured message "Neither configured in the options of /boot/loader/entries/arch-lts.conf (the default entry: \`default arch-lts*\` in /boot/loader/loader.conf)"
has cmdline.configured remedy "Edit the options line of /boot/loader/entries/arch-lts.conf"
sed -i 's/^options.*/& i915.enable_gvt=1/' "$V/boot/loader/entries/arch-fallback.conf"
chk "$V" --mode gvt-g
is cmdline.configured fail
lacks cmdline.configured message "arch-fallback"
sed -i 's/^options.*/& i915.enable_gvt=1/' "$V/boot/loader/entries/arch-lts.conf"
chk "$V" --mode gvt-g
is cmdline.configured warn
has cmdline.configured message "/boot/loader/entries/arch-lts.conf (the default entry: \`default arch-lts*\` in /boot/loader/loader.conf) but not rebooted yet: i915.enable_gvt=1"
# No default: the first in systemd-boot's order, linux-zen.conf (ids
# compare as versions, newest first: "arch-fallback" is older than "arch").
sed -i '/^default/d' "$V/boot/loader/loader.conf"
chk "$V" --mode gvt-g
is cmdline.configured fail
has cmdline.configured message "/boot/loader/entries/linux-zen.conf (the default entry: the first in systemd-boot's order, no default being set)"
printf 'default nosuch.conf\n' >>"$V/boot/loader/loader.conf"
chk "$V" --mode gvt-g
has cmdline.configured message "linux-zen.conf (the default entry: the first in systemd-boot's order, as \`default nosuch.conf\` in /boot/loader/loader.conf matches no entry)"
# Unified kernel images that mkinitcpio builds: the command line is
# /etc/kernel/cmdline's, applied with `mkinitcpio -P`; the image the
# initramfs is in is the preset's default_uki.
fixture sdboot-uki arch-uki-mkinitcpio
chk "$V" --mode gvt-g
is cmdline.configured fail
has cmdline.configured message "Neither configured in /etc/kernel/cmdline nor active"
has cmdline.configured remedy "run \`mkinitcpio -P\`"
touch -d '2024-02-01 00:00' "$V/efi/EFI/Linux/arch-linux.efi"
touch -d '2024-03-01 00:00' "$V/etc/mkinitcpio.conf"
chk "$V" --mode gvt-g
is initramfs.current warn
has initramfs.current message "/etc/mkinitcpio.conf changed after /efi/EFI/Linux/arch-linux.efi"
printf 'root=UUID=4b1c-22 rw quiet i915.enable_gvt=1\n' >"$V/etc/kernel/cmdline"
chk "$V" --mode gvt-g
is cmdline.configured warn
has cmdline.configured message "Configured in /etc/kernel/cmdline but not rebooted yet"
# bootctl set-default linux-zen.conf: the EFI variable wins over loader.conf.
fixture sdboot-efivar arch-sdboot-efivar
chk "$V" --mode gvt-g
is cmdline.configured fail
has cmdline.configured message "/boot/loader/entries/linux-zen.conf (the default entry: the EFI variable LoaderEntryDefault names it, set by \`bootctl set-default\`; this boot started arch-lts.conf)"
# A one-shot choice (bootctl set-oneshot) wins over both for the next boot.
printf '\x07\x00\x00\x00a\x00r\x00c\x00h\x00-\x00f\x00a\x00l\x00l\x00b\x00a\x00c\x00k\x00.\x00c\x00o\x00n\x00f\x00\x00\x00' \
	>"$V/sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
chk "$V" --mode gvt-g
has cmdline.configured message "/boot/loader/entries/arch-fallback.conf (the default entry: the EFI variable LoaderEntryOneShot"

# GRUB without Debian's update-grub (Arch): the remedy names grub-mkconfig.
variant pending-generic iommu-off
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="quiet"/GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on"/' "$V/etc/default/grub"
put etc/os-release $'NAME="Arch Linux"\nID=arch\n'
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "not rebooted yet: intel_iommu=on"
has cmdline.configured remedy "grub-mkconfig -o /boot/grub/grub.cfg"
lacks cmdline.configured remedy "update-grub"

variant pending iommu-off
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="quiet"/GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on"/' "$V/etc/default/grub"
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "not rebooted yet: intel_iommu=on"
has cmdline.configured remedy "update-grub"
# The generated grub.cfg has it: only the reboot is missing.
put boot/grub/grub.cfg $'menuentry \'Debian GNU/Linux\' {\n\tlinux\t/boot/vmlinuz-6.1.0-26-amd64 root=UUID=61d3a2b4 ro  quiet intel_iommu=on\n\tinitrd\t/boot/initrd.img-6.1.0-26-amd64\n}\n'
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured remedy "Reboot."
lacks cmdline.configured remedy "update-grub"
# ... and iommu.enabled says the edit is there already.
has iommu.enabled remedy "configured in GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub already"
# grub.cfg without it: update-grub was not run.
put boot/grub/grub.cfg $'menuentry \'Debian GNU/Linux\' {\n\tlinux\t/boot/vmlinuz-6.1.0-26-amd64 root=UUID=61d3a2b4 ro  quiet\n}\n'
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "not yet in /boot/grub/grub.cfg"
has cmdline.configured remedy "Run \`update-grub\`, then reboot."

# Messages name the variable a parameter really is in (Ubuntu puts the
# installer's parameters into GRUB_CMDLINE_LINUX, Debian into _DEFAULT).
grub_cfg_without=$'menuentry \'Ubuntu\' {\n\tlinux\t/boot/vmlinuz-6.1.0-26-amd64 root=UUID=61d3a2b4 ro  quiet\n}\n'
variant grubvar-linux iommu-off
put etc/os-release $'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n'
sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="intel_iommu=on"/' "$V/etc/default/grub"
put boot/grub/grub.cfg "$grub_cfg_without"
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "Configured in GRUB_CMDLINE_LINUX in /etc/default/grub but not yet in /boot/grub/grub.cfg"
lacks cmdline.configured message "GRUB_CMDLINE_LINUX_DEFAULT"
has iommu.enabled remedy "configured in GRUB_CMDLINE_LINUX in /etc/default/grub already"
sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="pcie_acs_override=downstream"/' "$V/etc/default/grub"
chk "$V" --mode full
is full.acs_override warn
has full.acs_override message "configured in GRUB_CMDLINE_LINUX in /etc/default/grub"
lacks full.acs_override message "GRUB_CMDLINE_LINUX_DEFAULT"
variant grubvar-default iommu-off
put etc/os-release $'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n'
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on pcie_acs_override=downstream"/' "$V/etc/default/grub"
put boot/grub/grub.cfg "$grub_cfg_without"
chk "$V" --mode full
has cmdline.configured message "Configured in GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub but not yet in /boot/grub/grub.cfg"
has full.acs_override message "configured in GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub"

# Ubuntu's cloud images set GRUB_CMDLINE_LINUX_DEFAULT again in a grub.d
# file: that assignment wins, setup edits it, and the messages name it.
variant grubvar-grubd iommu-off
put etc/default/grub.d/50-cloudimg-settings.cfg $'GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0"\n'
chk "$V" --mode full
has cmdline.configured message "Neither configured in GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub.d/50-cloudimg-settings.cfg nor active"
has cmdline.configured remedy "Edit GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub.d/50-cloudimg-settings.cfg: add intel_iommu=on"
if "$bin" --root "$V" setup --mode full --allow-boot-vga --dry-run 2>/dev/null |
	grep -qxF -- "+++ b/etc/default/grub.d/50-cloudimg-settings.cfg"; then
	good
else
	bad "grubvar-grubd: setup does not edit the grub.d file the remedy names"
fi

variant lost icelake-laptop
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet"/' "$V/etc/default/grub"
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "the next boot loses it: intel_iommu=on"

# GRUB edited on a Proxmox host that boots systemd-boot through proxmox-boot-tool.
variant grubonly pve8-n100-zfs
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet i915.enable_guc=3 i915.max_vfs=7"/' "$V/etc/default/grub"
chk "$V" --mode sriov
is cmdline.configured fail
has cmdline.configured message "the GRUB edit does nothing"
has cmdline.configured remedy "/etc/kernel/cmdline"
# ... named in the variable that holds it.
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet"/; s/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="i915.enable_guc=3 i915.max_vfs=7 foo=1"/' "$V/etc/default/grub"
chk "$V" --mode sriov
is cmdline.configured fail
has cmdline.configured message "i915.max_vfs=N is in GRUB_CMDLINE_LINUX in /etc/default/grub, but this host boots"
has cmdline.configured message "GRUB_CMDLINE_LINUX in /etc/default/grub has foo=1"
variant grubextra pve8-n100-zfs
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt"/' "$V/etc/default/grub"
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "intel_iommu=on iommu=pt"
has cmdline.configured message "does not boot through GRUB"

# GRUB with BLS (Fedora 41): the default entry's options are what boots.
# The host of the setup goldens (tests/setup/hosts/fedora41-bls.sh), its
# IOMMU off so that intel_iommu=on is wanted.
V=$tmp/fedora41-bls
(SRCDIR=$src WORK=$tmp && . "$src/tests/lib/setup-hosts.sh" && mkroot fedora41-bls "$V")
rm -rf "$V"/sys/class/iommu/*
mid=0f6e2cb1d7a84f3e9c5b2a18d4e7f6a3
entry=/boot/loader/entries/$mid-6.11.4-301.fc41.x86_64.conf
# GRUB_CMDLINE_LINUX alone (what setup edited before) reaches no entry.
sed -i 's/^GRUB_CMDLINE_LINUX="/&intel_iommu=on /' "$V/etc/default/grub"
chk "$V" --mode full
is cmdline.configured fail
has cmdline.configured message "Neither configured in the options of GRUB's default entry $entry nor active: intel_iommu=on"
has cmdline.configured remedy "grubby --update-kernel=ALL --args=\"intel_iommu=on\""
has cmdline.configured remedy "the options line of every entry in /boot/loader/entries, the default ${entry##*/} among them, and GRUB_CMDLINE_LINUX in /etc/default/grub"
lacks cmdline.configured remedy "grub2-mkconfig"
sed -i 's/^GRUB_CMDLINE_LINUX="intel_iommu=on /GRUB_CMDLINE_LINUX="/' "$V/etc/default/grub"
# After setup: configured in the default entry, active after the reboot.
"$bin" --root "$V" setup --mode full --allow-boot-vga --yes >/dev/null 2>&1 || bad "fedora41-bls: setup failed"
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "Configured in the options of GRUB's default entry $entry but not rebooted yet: intel_iommu=on"
has cmdline.configured remedy "Reboot."
lacks cmdline.configured remedy "grub2-mkconfig"
sed -i 's/$/ intel_iommu=on iommu=pt initcall_blacklist=sysfb_init/' "$V/proc/cmdline"
chk "$V" --mode full
is cmdline.configured pass
has cmdline.configured message "Configured in the options of GRUB's default entry $entry and active: intel_iommu=on"
# saved_entry names an entry without the parameters: the next boot loses them.
old=/boot/loader/entries/$mid-6.11.3-300.fc41.x86_64.conf
sed -i 's/ intel_iommu=on iommu=pt initcall_blacklist=sysfb_init//' "$V$old"
sed -i "s/^saved_entry=.*/saved_entry=$mid-6.11.3-300.fc41.x86_64/" "$V/boot/grub2/grubenv"
chk "$V" --mode full
is cmdline.configured warn
has cmdline.configured message "missing from the options of GRUB's default entry $old, so the next boot loses it: intel_iommu=on"
has cmdline.configured remedy "the default ${old##*/} among them"

# modprobe.d options configure a module parameter too.
variant gvtopt pve8-coffeelake
put etc/modprobe.d/i915.conf $'options i915 enable_gvt=1\n'
chk "$V"
is cmdline.configured warn
has cmdline.configured message "not rebooted yet: i915.enable_gvt=1"
put etc/modprobe.d/i915.conf $'options i915 enable-gvt=1\n'
chk "$V"
is cmdline.configured warn
has cmdline.configured message "not rebooted yet: i915.enable_gvt=1"

# modprobe.d as modprobe reads it (kmod's libkmod-config.c): the files in
# strcmp() order of their names, 10-b.conf before 9-a.conf, so that 9-a.conf
# has the last word; a name in /etc hides the same name in /usr/lib; '-' and
# '_' are one in module and parameter names; MODULE.PARAM= of the kernel
# command line comes after every file.
variant gucorder pve8-coffeelake
rm "$V/sys/module/i915/parameters/enable_guc"
put etc/modprobe.d/9-a.conf $'options i915 enable_guc=3\n'
put etc/modprobe.d/10-b.conf $'options i915 enable-guc=0\n'
chk "$V" --mode gvt-g
is gvt.guc_conflict fail
has gvt.guc_conflict message "i915.enable_guc=3 (/etc/modprobe.d/9-a.conf:1)"
has gvt.guc_conflict remedy "Remove enable_guc=3 from the i915 options in /etc/modprobe.d/9-a.conf:1"
put etc/modprobe.d/9-a.conf $'# no GuC submission for GVT-g\noptions i915 enable-guc=0\n'
put etc/modprobe.d/10-b.conf $'options i915 enable_guc=3\n'
chk "$V" --mode gvt-g
is gvt.guc_conflict pass
has gvt.guc_conflict message "i915.enable_guc=0 (/etc/modprobe.d/9-a.conf:2)"
rm "$V/etc/modprobe.d/9-a.conf" "$V/etc/modprobe.d/10-b.conf"
put usr/lib/modprobe.d/i915.conf $'options i915 enable_guc=3\n'
put etc/modprobe.d/i915.conf $'options i915 enable_guc=0\n'
chk "$V" --mode gvt-g
is gvt.guc_conflict pass
has gvt.guc_conflict message "i915.enable_guc=0 (/etc/modprobe.d/i915.conf:1)"
rm "$V/etc/modprobe.d/i915.conf"
chk "$V" --mode gvt-g
is gvt.guc_conflict fail
has gvt.guc_conflict message "(/usr/lib/modprobe.d/i915.conf:1)"
put etc/modprobe.d/i915.conf $'options i915 enable_guc=0\n'
sed -i 's/ quiet$/ quiet i915.enable-guc=3/' "$V/proc/cmdline"
chk "$V" --mode gvt-g
is gvt.guc_conflict fail
has gvt.guc_conflict message "i915.enable_guc=3 (the kernel command line)"
has gvt.guc_conflict remedy "i915.enable_guc=0"

# '-' and '_' are one in a parameter's name (the kernel's parameq()), and
# of a repeated parameter the last one counts.
variant spelling pve8-coffeelake
sed -i 's/ quiet$/ quiet i915.enable_gvt=0 i915.enable-gvt=1/' "$V/proc/cmdline"
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet i915.enable-gvt=1"/' "$V/etc/default/grub"
chk "$V" --mode gvt-g
is cmdline.configured pass
has cmdline.configured message "active: i915.enable_gvt=1"
# Configured with the other spelling: not "set" to what it already is.
sed -i 's/ i915.enable_gvt=0 i915.enable-gvt=1$//' "$V/proc/cmdline"
chk "$V" --mode gvt-g
is cmdline.configured warn
has cmdline.configured message "not rebooted yet: i915.enable_gvt=1"
has gvt.enable_gvt remedy "is configured in"
lacks gvt.enable_gvt remedy "set i915.enable_gvt=1"
# Configured off: the remedy names the token as it is written.
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet i915.enable-gvt=0"/' "$V/etc/default/grub"
chk "$V" --mode gvt-g
has gvt.enable_gvt remedy "set i915.enable_gvt=1 (now i915.enable-gvt=0)"

########################################################################
# cmdline.blacklist

variant bl pve8-coffeelake
sed -i 's/ quiet$/ quiet modprobe.blacklist=i915/' "$V/proc/cmdline"
chk "$V" --mode gvt-g
# Only the running command line has it: the next boot loads i915.
is cmdline.blacklist warn
has cmdline.blacklist message "i915 is blacklisted on the running kernel's command line, not on the configured one"
has cmdline.blacklist remedy "Reboot (after \`update-grub\`)"
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="quiet/GRUB_CMDLINE_LINUX_DEFAULT="quiet modprobe.blacklist=i915/' "$V/etc/default/grub"
chk "$V" --mode gvt-g
is cmdline.blacklist fail
has cmdline.blacklist message "i915 is blacklisted"
variant blsound pve8-coffeelake
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet modprobe.blacklist=radeon,nouveau,snd_hda_intel,i915"/' "$V/etc/default/grub"
chk "$V" --mode full
is cmdline.blacklist warn
has cmdline.blacklist message "snd_hda_intel (driver of 0000:00:1f.3"
lacks cmdline.blacklist message "i915 (driver"
variant blmodprobe pve8-coffeelake
put etc/modprobe.d/blacklist.conf $'# the sound card goes to the VM\nblacklist snd-hda-intel\n'
chk "$V" --mode full
is cmdline.blacklist warn
has cmdline.blacklist message "snd_hda_intel (driver of 0000:00:1f.3, blacklisted in /etc/modprobe.d/blacklist.conf:2)"
put etc/modprobe.d/blacklist.conf $'blacklist i915\n'
chk "$V" --mode gvt-g
is cmdline.blacklist fail
has cmdline.blacklist message "i915 is blacklisted in /etc/modprobe.d/blacklist.conf:1"
has cmdline.blacklist remedy "Remove \`blacklist i915\` from /etc/modprobe.d/blacklist.conf:1"

########################################################################
# modules.*

variant mods pve8-coffeelake
if moddir 6.8.12-4-pve vfio vfio_iommu_type1 vfio_pci; then
	chk "$V" --mode full
	is modules.available pass
	chk "$V" --mode gvt-g
	is modules.available fail
	has modules.available remedy "CONFIG_DRM_I915_GVT_KVMGT"
	is gvt.kvmgt fail
	has gvt.kvmgt message "has no such module"
	# vfio comes along as a dependency of vfio_pci, vfio_iommu_type1 as
	# vfio's soft dependency (MODULE_SOFTDEP, modules.softdep).
	put etc/modules $'# /etc/modules\nvfio_pci\n'
	chk "$V" --mode full
	is modules.configured pass
	has modules.configured message "vfio (needed by vfio_pci"
	has modules.configured message "vfio_iommu_type1 (soft dependency of vfio"
else
	echo "SKIP: no kernel modules on this machine to build a module directory from"
fi
variant loaded pve8-coffeelake
printf 'vfio_pci 16384 0 - Live 0x0\nvfio_iommu_type1 49152 0 - Live 0x0\nvfio 61440 2 vfio_pci,vfio_iommu_type1, Live 0x0\n' >>"$V/proc/modules"
printf 'vfio\nvfio_iommu_type1\nvfio-pci\n' >>"$V/etc/modules"
chk "$V" --mode full
is modules.loaded pass
is modules.configured pass
has modules.configured message "vfio_pci (/etc/modules:"

# Where modules go (igp_modules_place): the remedy names the file setup
# writes, which `setup --dry-run` shows.  Debian 12 / Proxmox VE 8: /etc/modules.
# same_file ID MODE: the file the remedy of ID names is one setup writes.
same_file() {
	local f
	f=$(jq -r --arg id "$1" '.checks[] | select(.id == $id) | .remedy' <<<"$out" |
		grep -oE '/etc/[a-z./_-]+\.conf|/etc/modules\b' | head -n1)
	if [[ -n $f ]] && "$bin" --root "$V" setup --mode "$2" --allow-boot-vga --dry-run 2>/dev/null |
		grep -qxF -- "+++ b/${f#/}"; then
		good
	else
		bad "$desc: $1 names '$f', which setup --mode $2 does not write"
	fi
}
variant modules-pve8 pve8-coffeelake
chk "$V" --mode full
has modules.configured remedy "Add one line each to /etc/modules: vfio vfio_iommu_type1 vfio_pci;"
lacks modules.configured remedy "modules-load.d"
same_file modules.configured full
chk "$V" --mode gvt-g
has gvt.kvmgt remedy "add kvmgt to /etc/modules so"
# Debian 13 / Proxmox VE 9 / Ubuntu 24.04: /etc/modules calls itself
# obsolete (the header of Debian's kmod.postinst): igpuctl's own
# modules-load.d file, and the initramfs list for the early vfio modules.
obsolete=$'# /etc/modules is obsolete and has been replaced by /etc/modules-load.d/.\n# Please see modules-load.d(5) and modprobe.d(5) for details.\n#\n# Updating this file still works, but it is undocumented and unsupported.\n'
variant modules-obsolete pve8-coffeelake
put etc/modules "$obsolete"
chk "$V" --mode full
is modules.configured warn
has modules.configured remedy "Create /etc/modules-load.d/igpuctl.conf with one line each: vfio vfio_iommu_type1 vfio_pci;"
has modules.configured remedy "add the same lines to /etc/initramfs-tools/modules"
lacks modules.configured remedy "to /etc/modules:"
same_file modules.configured full
chk "$V" --mode gvt-g
has gvt.kvmgt remedy "add kvmgt to /etc/modules-load.d/igpuctl.conf so"
lacks gvt.kvmgt remedy "kvmgt.conf"
# What setup writes there satisfies the check.
"$bin" --root "$V" setup --mode full --allow-boot-vga --yes >/dev/null 2>&1 || bad "modules-obsolete: setup failed"
chk "$V" --mode full
is modules.configured pass
has modules.configured message "vfio_pci (/etc/modules-load.d/igpuctl.conf:"
variant modules-pve9 pve9-n100-dkms-newkernel
put etc/modules "$obsolete"
chk "$V" --mode full
has modules.configured remedy "Create /etc/modules-load.d/igpuctl.conf"
has modules.configured remedy "/etc/initramfs-tools/modules"
same_file modules.configured full

variant virqfd pve8-coffeelake
printf 'vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n' >>"$V/etc/modules"
chk "$V" --mode full
is modules.vfio_virqfd fail
has modules.vfio_virqfd remedy "Remove the vfio_virqfd line from /etc/modules:"
# setup takes out the line check fails on.
"$bin" --root "$V" setup --mode full --allow-boot-vga --yes >"$tmp/setup.out" 2>&1 || bad "virqfd: setup failed: $(cat "$tmp/setup.out")"
chk "$V" --mode full
is modules.vfio_virqfd pass
variant virqfd61 icelake-laptop
printf 'vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n' >>"$V/etc/modules"
chk "$V" --mode full
is modules.vfio_virqfd pass
has modules.vfio_virqfd message "right for 6.1.0-26-amd64"
# ... but not for the kernel that boots next.
put boot/vmlinuz-6.1.0-26-amd64 ''
put boot/vmlinuz-6.12.9-amd64 ''
chk "$V" --mode full
is modules.vfio_virqfd warn
has modules.vfio_virqfd message "the next boot starts Linux 6.12.9-amd64 (the newest installed kernel)"
has modules.vfio_virqfd remedy "before rebooting"
# setup agrees: it takes the line out for the kernel that boots next, and
# adds none of its own.
cp -a "$V" "$tmp/virqfd-next"
"$bin" --root "$tmp/virqfd-next" setup --mode full --allow-boot-vga --yes >"$tmp/setup.out" 2>&1 ||
	bad "virqfd61: setup failed: $(cat "$tmp/setup.out")"
grep -q vfio_virqfd "$tmp/virqfd-next/etc/modules" && bad "virqfd61: setup left vfio_virqfd in /etc/modules"
chk "$tmp/virqfd-next" --mode full
is modules.vfio_virqfd pass
rm -rf "$tmp/virqfd-next"
# GRUB's saved entry keeps 6.1 (grub-set-default).
put etc/default/grub.d/saved.cfg $'GRUB_DEFAULT=saved\n'
put boot/grub/grubenv $'# GRUB Environment Block\nsaved_entry=Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-26-amd64\n'
chk "$V" --mode full
is modules.vfio_virqfd pass

variant vfiomdev pve8-coffeelake
put etc/modules-load.d/gvt.conf $'kvmgt\nvfio-iommu-type1\nvfio-mdev\n'
chk "$V"
is modules.vfio_mdev fail
has modules.vfio_mdev message "/etc/modules-load.d/gvt.conf:3"

# The merged modules setup takes out of MODULES are the ones check flags:
# after setup, both pass.
fixture stale-arch arch-stale-modules
chk "$V" --mode gvt-g
is modules.vfio_mdev fail
is modules.vfio_virqfd fail
has modules.vfio_mdev message "/etc/mkinitcpio.conf:7"
"$bin" --root "$V" setup --mode gvt-g --yes >"$tmp/setup.out" 2>&1 || bad "stale-arch: setup failed: $(cat "$tmp/setup.out")"
chk "$V" --mode gvt-g
is modules.vfio_mdev pass
is modules.vfio_virqfd pass
# ... and out of dracut's driver lists (a Fedora guide's drop-in).
fixture stale-dracut fedora41-bls
put etc/dracut.conf.d/vfio.conf $'add_drivers+=" vfio vfio_iommu_type1 vfio_pci vfio_virqfd "\n'
chk "$V" --mode full
is modules.vfio_virqfd fail
has modules.vfio_virqfd message "/etc/dracut.conf.d/vfio.conf"
"$bin" --root "$V" setup --mode full --allow-boot-vga --yes >"$tmp/setup.out" 2>&1 ||
	bad "stale-dracut: setup failed: $(cat "$tmp/setup.out")"
chk "$V" --mode full
is modules.vfio_virqfd pass

variant initrd pve8-coffeelake
put boot/initrd.img-6.8.12-4-pve 'initramfs'
touch -d '2024-01-01 00:00' "$V/etc/modules" "$V/etc/modprobe.d/pve-blacklist.conf"
touch -d '2024-02-01 00:00' "$V/boot/initrd.img-6.8.12-4-pve"
chk "$V"
is initramfs.current pass
# mkinitramfs does not read /etc/modules (tests/boot/initramfs-tools.sh):
# a newer /etc/modules leaves the image current; its own list does not.
touch -d '2024-03-01 00:00' "$V/etc/modules"
chk "$V"
is initramfs.current pass
put etc/initramfs-tools/modules $'vfio_pci\n'
touch -d '2024-03-01 00:00' "$V/etc/initramfs-tools/modules"
chk "$V"
is initramfs.current warn
has initramfs.current message "/etc/initramfs-tools/modules changed after /boot/initrd.img-6.8.12-4-pve"
has initramfs.current remedy "update-initramfs -u -k all"
# The host's initramfs tool names its image, the files it builds in and
# the command: mkinitcpio's image is named after the kernel package
# (/lib/modules/REL/pkgbase), and only its own MODULES count for boot.
variant initrd-arch pve8-coffeelake
put etc/mkinitcpio.conf $'MODULES=(vfio-pci)\nHOOKS=(base udev modconf)\n'
put lib/modules/6.8.12-4-pve/pkgbase $'linux-lts\n'
put etc/initramfs-tools/modules $'vfio_iommu_type1\n'
chk "$V" --mode full
is initramfs.current skip
has initramfs.current message "/boot/initramfs-linux-lts.img, which mkinitcpio builds, does not exist"
has modules.configured message "vfio_pci (/etc/mkinitcpio.conf:1)"
has modules.configured message "Not configured to load at boot: vfio, vfio_iommu_type1"
put boot/initramfs-linux-lts.img 'initramfs'
touch -d '2024-02-01 00:00' "$V/boot/initramfs-linux-lts.img"
touch -d '2024-01-01 00:00' "$V/etc/modules" "$V/etc/modprobe.d/pve-blacklist.conf"
touch -d '2024-03-01 00:00' "$V/etc/mkinitcpio.conf"
chk "$V" --mode full
is initramfs.current warn
has initramfs.current message "/etc/mkinitcpio.conf changed after /boot/initramfs-linux-lts.img"
has initramfs.current remedy "mkinitcpio -P"
has full.driver remedy "run \`mkinitcpio -P\`"
# No pkgbase file (a captured root without /lib/modules): the one preset
# names the kernel package, and its default_image the file.
variant initrd-arch-preset pve8-coffeelake
put etc/mkinitcpio.conf $'MODULES=(vfio-pci)\nHOOKS=(base udev modconf)\n'
put etc/mkinitcpio.d/linux-zen.preset $'ALL_kver="/boot/vmlinuz-linux-zen"\nPRESETS=(\'default\')\ndefault_image="/boot/initramfs-linux-zen.img"\n'
chk "$V" --mode full
is initramfs.current skip
has initramfs.current message "/boot/initramfs-linux-zen.img, which mkinitcpio builds, does not exist"
put boot/initramfs-linux-zen.img 'initramfs'
touch -d '2024-01-01 00:00' "$V/etc/modules" "$V/etc/modprobe.d/pve-blacklist.conf" "$V/etc/mkinitcpio.conf"
touch -d '2024-02-01 00:00' "$V/boot/initramfs-linux-zen.img"
chk "$V" --mode full
is initramfs.current pass
has initramfs.current message "/boot/initramfs-linux-zen.img is newer"
variant initrd-fedora pve8-coffeelake
printf 'ID=fedora\n' >"$V/etc/os-release"
put boot/initramfs-6.8.12-4-pve.img 'initramfs'
chk "$V"
is initramfs.current pass
has initramfs.current message "/boot/initramfs-6.8.12-4-pve.img is newer"

########################################################################
# kvm.ignore_msrs, memlock

variant msrs pve8-coffeelake
chk "$V"
is kvm.ignore_msrs skip
put sys/module/kvm/parameters/ignore_msrs $'N\n'
chk "$V"
is kvm.ignore_msrs pass
put var/log/igpuctl-capture/dmesg $'[ 1.0] DMAR: IOMMU enabled\n[ 99.1] kvm [4242]: vcpu0, guest rIP: 0xfffff80 unhandled rdmsr: 0x34\n'
chk "$V"
is kvm.ignore_msrs warn
has kvm.ignore_msrs remedy "options kvm ignore_msrs=1"
put sys/module/kvm/parameters/ignore_msrs $'Y\n'
chk "$V"
is kvm.ignore_msrs pass

variant memlock icelake-laptop
put etc/security/limits.d/kvm.conf $'@kvm soft memlock 8388608\n@kvm hard memlock 8388608\n'
put etc/group $'root:x:0:\nkvm:x:993:alice\n'
chk "$V"
is memlock pass
has memlock message "members: alice"
put etc/group $'root:x:0:\nkvm:x:993:\n'
chk "$V"
is memlock warn
has memlock remedy "usermod -aG kvm"
put etc/security/limits.d/kvm.conf $'@kvm soft memlock 65536\n@kvm hard memlock 65536\n'
chk "$V"
is memlock warn
has memlock message "65536 KiB"
put var/log/igpuctl-capture/dmesg $'[ 512.3] vfio_pin_pages_remote: RLIMIT_MEMLOCK (65536) exceeded\n'
chk "$V"
is memlock fail
variant libvirt icelake-laptop
mkdir -p "$V/etc/libvirt"
chk "$V"
is memlock pass
has memlock message "libvirt"

########################################################################
# full.*

variant vfio pve8-coffeelake
mkdir -p "$V/sys/bus/pci/drivers/vfio-pci"
relink $GPU/driver ../../../bus/pci/drivers/vfio-pci
chk "$V" --mode full
is full.driver pass
variant unbound pve8-coffeelake
rm "$V/$GPU/driver"
chk "$V" --mode full
is full.driver pass
has full.driver message "No driver holds"

variant ids pve8-coffeelake
put etc/modprobe.d/vfio.conf $'options vfio-pci ids=8086:3e92\n'
chk "$V" --mode full
is full.vfio_ids pass
has full.vfio_ids message "ids=8086:3e92 matches only 0000:00:02.0"
put etc/modprobe.d/vfio.conf $'options vfio-pci ids=8086:3e92,8086:a348\n'
chk "$V" --mode full
is full.vfio_ids warn
has full.vfio_ids message "0000:00:1f.3"
has full.vfio_ids message "(ids=8086:a348 in /etc/modprobe.d/vfio.conf:1"
put etc/modprobe.d/vfio.conf $'options vfio_pci ids=8086:3e92,8086:15bc disable_vga=1\n'
chk "$V" --mode full
is full.vfio_ids fail
has full.vfio_ids message "default route"

variant fb pve8-coffeelake
bar2=$(sed -n 3p "$V/$GPU/resource")
start=$(printf '%x' "${bar2%% *}")
fbend=$(printf '%x' $((${bar2%% *} + 0x2fffff)))
end=$(printf '%x' "$(echo "$bar2" | cut -d' ' -f2)")
put proc/iomem "00000000-00000fff : Reserved
4000000000-7fffffffff : PCI Bus 0000:00
  $start-$end : 0000:00:02.0
    $start-$fbend : efifb
"
chk "$V" --mode full
is full.framebuffer fail
has full.framebuffer message "efifb"
has full.framebuffer message "BAR2"
has full.framebuffer remedy "initcall_blacklist=sysfb_init"
put proc/iomem "4000000000-7fffffffff : PCI Bus 0000:00
  $start-$end : 0000:00:02.0
"
chk "$V" --mode full
is full.framebuffer pass
put proc/iomem $'00000000-00000000 : Reserved\n  00000000-00000000 : efifb\n'
chk "$V" --mode full
is full.framebuffer skip

variant shared pve8-coffeelake
rm "$V/sys/kernel/iommu_groups/2/devices/0000:00:08.0"
ln -s ../../../../devices/pci0000:00/0000:00:08.0 "$V/sys/kernel/iommu_groups/1/devices/0000:00:08.0"
relink sys/devices/pci0000:00/0000:00:08.0/iommu_group ../../../kernel/iommu_groups/1
chk "$V" --mode full
is full.isolation warn
has full.isolation message "0000:00:08.0"

variant acs pve8-coffeelake
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet pcie_acs_override=downstream,multifunction"/' "$V/etc/default/grub"
chk "$V" --mode full
is full.acs_override warn
has full.acs_override message "configured in"
sed -i 's/ quiet$/ quiet pcie_acs_override=downstream,multifunction/' "$V/proc/cmdline"
chk "$V" --mode full
is full.acs_override warn
has full.acs_override message "is active"
has full.acs_override remedy "remove pcie_acs_override"

########################################################################
# gvt.*

variant gvt shared-nvme-group
put sys/module/i915/parameters/enable_gvt $'Y\n'
printf 'kvmgt 450560 0 - Live 0x0\nmdev 20480 1 kvmgt, Live 0x0\nvfio_iommu_type1 49152 0 - Live 0x0\n' >>"$V/proc/modules"
types=$V/$GPU/mdev_supported_types
for t in 4:1 8:2; do
	d=$types/i915-GVTg_V5_${t%%:*}
	mkdir -p "$d/devices"
	printf 'GVTg_V5_%s\n' "${t%%:*}" >"$d/name"
	printf 'vfio-pci\n' >"$d/device_api"
	printf '%s\n' "${t#*:}" >"$d/available_instances"
	printf 'low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n' >"$d/description"
	: >"$d/create"
done
mkdir -p "$V/sys/class/mdev_bus"
ln -s ../../devices/pci0000:00/0000:00:02.0 "$V/sys/class/mdev_bus/0000:00:02.0"
put var/log/igpuctl-capture/dmesg $'[ 4.2] i915 0000:00:02.0: [drm] Initialized i915 1.6.0\n'
chk "$V" --mode gvt-g
is gvt.enable_gvt pass
is gvt.kvmgt pass
is gvt.types_present pass
has gvt.types_present message "i915-GVTg_V5_4, i915-GVTg_V5_8"
is gvt.instances pass
has gvt.instances message "GVTg_V5_4 1, GVTg_V5_8 2"
is gvt.dmesg_unsupported pass
is gvt.persist pass
# An active vGPU nothing brings back (Ubuntu, not Proxmox VE).
U=5a3e3c4e-6f7b-4b8e-9d0a-1c2b3a4d5e6f
mkdir -p "$V/$GPU/$U"
ln -s ../mdev_supported_types/i915-GVTg_V5_4 "$V/$GPU/$U/mdev_type"
mkdir -p "$V/sys/bus/mdev/devices"
ln -s ../../../devices/pci0000:00/0000:00:02.0/$U "$V/sys/bus/mdev/devices/$U"
chk "$V" --mode gvt-g
is gvt.persist warn
has gvt.persist message "$U"
put "etc/mdevctl.d/0000:00:02.0/$U" '{"mdev_type":"i915-GVTg_V5_4","start":"auto","attrs":[]}'
chk "$V" --mode gvt-g
is gvt.persist pass
has gvt.persist message "$U (i915-GVTg_V5_4, auto)"
put "etc/mdevctl.d/0000:00:02.0/$U" '{"mdev_type":"i915-GVTg_V5_1","start":"auto","attrs":[]}'
chk "$V" --mode gvt-g
is gvt.persist fail
for t in 4 8; do echo 0 >"$types/i915-GVTg_V5_$t/available_instances"; done
chk "$V" --mode gvt-g
is gvt.instances fail
has gvt.instances message "ENOSPC"
has gvt.instances remedy "Aperture Size"
put var/log/igpuctl-capture/dmesg $'[ 4.227468] [drm] Unsupported device. GVT-g is disabled\n'
chk "$V" --mode gvt-g
is gvt.dmesg_unsupported fail

variant guc pve8-coffeelake
put sys/module/i915/parameters/enable_guc $'3\n'
chk "$V"
is gvt.guc_conflict fail
has gvt.guc_conflict remedy "i915.enable_guc=0"

########################################################################
# sriov.*

# i915-sriov-dkms installed, not built for the running kernel: the headers
# package is named after the kernel's own package.
variant dkmsheaders pve8-n100-zfs
put var/lib/dpkg/status $'Package: i915-sriov-dkms\nStatus: install ok installed\nVersion: 2024.12.30\n\nPackage: proxmox-kernel-6.8.12-4-pve-signed\nStatus: install ok installed\nVersion: 6.8.12-4\n'
chk "$V"
is sriov.driver fail
has sriov.driver remedy "i915-sriov-dkms 2024.12.30 is installed"
has sriov.driver remedy "with proxmox-headers-6.8.12-4-pve installed"
rm "$V/var/lib/dpkg/status"
mkdir -p "$V/var/lib/dkms/i915-sriov-dkms/2025.01.22/source"
chk "$V"
has sriov.driver remedy "i915-sriov-dkms 2025.01.22 is installed"

# Kernel 7.0 (Proxmox VE 9.2) on the N100 with the stock i915: xe has
# SR-IOV for Alder Lake-N there with xe.force_probe, no DKMS needed.
variant n100-k70 pve8-n100-zfs
put proc/sys/kernel/osrelease $'7.0.2-1-pve\n'
chk "$V"
is sriov.driver fail
has sriov.driver remedy "--sriov-driver xe"
has sriov.driver remedy "xe.force_probe=46d1"
has sriov.driver remedy "no DKMS needed"
lacks sriov.driver remedy "Install i915-sriov-dkms"
# xe bound with its default max_vfs (unlimited, U32_MAX) since 6.17: passes.
relink "$GPU/driver" ../../../bus/pci/drivers/xe
sed -i 's/^i915 /xe /' "$V/proc/modules"
mv "$V/sys/module/i915" "$V/sys/module/xe"
put sys/module/xe/parameters/max_vfs $'4294967295\n'
put sys/module/xe/parameters/force_probe $'46d1\n'
chk "$V"
is sriov.driver pass
is sriov.params pass
has sriov.params message "unlimited"
# The device's own max_vfs in xe's configfs overrides the module parameter.
put sys/kernel/config/xe/0000:00:02.0/sriov/max_vfs $'3\n'
chk "$V"
is sriov.params pass
has sriov.params message "max_vfs in xe's configfs=3."
put sys/kernel/config/xe/0000:00:02.0/sriov/max_vfs $'0\n'
chk "$V"
is sriov.params fail
has sriov.params message "it has max_vfs=0"
put sys/kernel/config/xe/0000:00:02.0/sriov/max_vfs $'unlimited\n'
chk "$V"
is sriov.params pass
has sriov.params message "max_vfs in xe's configfs=4294967295: unlimited"
rm -r "$V/sys/kernel/config"
# xe chosen (modprobe.d) while i915 still has it: without force_probe xe
# would not bind an Alder Lake-N.
variant n100-k70-xe pve8-n100-zfs
put proc/sys/kernel/osrelease $'7.0.2-1-pve\n'
put etc/modprobe.d/xe.conf $'options xe max_vfs=7\n'
chk "$V"
is sriov.driver fail
has sriov.driver remedy "no DKMS needed"
is sriov.params fail
has sriov.params remedy "xe.force_probe=46d1"
put etc/modprobe.d/xe.conf $'options xe max_vfs=7 force_probe=46d1\n'
chk "$V"
is sriov.params pass
has sriov.driver remedy "igpuctl setup --mode sriov --sriov-driver xe"
# What setup --sriov-driver xe leaves before the reboot: force_probe and
# i915 kept off, the dkms route's i915 settings and its blacklisted xe still
# on the running command line.  Only the reboot is left.
put etc/modprobe.d/xe.conf $'options xe force_probe=46d1\n'
put etc/modprobe.d/i915.conf $'options i915 enable_guc=3 max_vfs=7\n'
sed -i 's/$/ module_blacklist=i915/' "$V/etc/kernel/cmdline"
put proc/cmdline "$(cat "$V/proc/cmdline") module_blacklist=xe"
chk "$V"
is sriov.driver fail
has sriov.driver remedy "Reboot into 7.0.2-1-pve"
has sriov.driver remedy "xe.force_probe=46d1"
lacks sriov.driver remedy "igpuctl setup"
is sriov.params pass
has sriov.params message "unlimited"
is cmdline.blacklist warn
has cmdline.blacklist message "not on the configured one"

# The kernel that boots next and i915-sriov-dkms (sriov.next_kernel).
chk "$src/examples/hosts/pve8-n100-dkms"
is sriov.next_kernel pass
has sriov.next_kernel message "/lib/modules/6.8.12-4-pve/updates/dkms/i915.ko is built for 6.8.12-4-pve"
is sriov.secure_boot pass
has sriov.secure_boot message "Secure Boot is off"
chk "$src/examples/hosts/pve9-n100-dkms-newkernel"
is sriov.next_kernel fail
has sriov.next_kernel message "6.17.2-1-pve, the kernel that boots next (the newest installed kernel)"
has sriov.next_kernel remedy "dkms autoinstall -k 6.17.2-1-pve"
has sriov.next_kernel remedy "proxmox-headers-6.17.2-1-pve"
has sriov.next_kernel remedy "proxmox-boot-tool kernel pin 6.14.8-2-pve"
is sriov.secure_boot pass
has sriov.secure_boot message "Secure Boot is on"
variant newkernel pve9-n100-dkms-newkernel
# Pinned to the running kernel (proxmox-boot-tool kernel pin): fine.
put etc/kernel/proxmox-boot-pin $'6.14.8-2-pve\n'
chk "$V"
is sriov.next_kernel pass
has sriov.next_kernel message "proxmox-boot-tool kernel pin"
rm "$V/etc/kernel/proxmox-boot-pin"
# A module left from another build: its vermagic names another kernel.
mkdir -p "$V/lib/modules/6.17.2-1-pve/updates/dkms"
cp "$V/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko" "$V/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko"
chk "$V"
is sriov.next_kernel fail
has sriov.next_kernel message "vermagic \"6.14.8-2-pve SMP"
# Compressed as DKMS leaves it where the kernel's modules are (Ubuntu:
# zstd; Debian and Proxmox VE kernels with CONFIG_MODULE_COMPRESS_XZ):
# libkmod reads the vermagic through the compression.
m=$V/lib/modules/6.17.2-1-pve/updates/dkms/i915
sed 's/6\.14\.8-2-pve /6.17.2-1-pve /' "$V/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko" >"$m.ko"
zstd -q --rm "$m.ko"
chk "$V"
is sriov.next_kernel pass
has sriov.next_kernel message "/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko.zst is built for 6.17.2-1-pve"
zstd -q -d --rm "$m.ko.zst" && xz "$m.ko"
chk "$V"
is sriov.next_kernel pass
has sriov.next_kernel message "/lib/modules/6.17.2-1-pve/updates/dkms/i915.ko.xz is built for 6.17.2-1-pve"
# Damaged (or a compression libkmod lacks): whether it fits is not known,
# and nothing says it was built for another kernel.
rm "$m.ko.xz" && printf '\x28\xb5\x2f\xfd damaged' >"$m.ko.zst"
chk "$V"
is sriov.next_kernel warn
has sriov.next_kernel message "libkmod cannot read the vermagic of /lib/modules/6.17.2-1-pve/updates/dkms/i915.ko.zst (damaged"
lacks sriov.next_kernel message "another kernel"
has sriov.next_kernel remedy "zstdcat /lib/modules/6.17.2-1-pve/updates/dkms/i915.ko.zst | grep -ao 'vermagic="
rm "$m.ko.zst"
# Built for a 7.0 kernel, outside 2026.03.12's 6.12-6.19.
mkdir -p "$V/lib/modules/7.0.2-1-pve/updates/dkms" && : >"$V/boot/vmlinuz-7.0.2-1-pve"
sed 's/6\.14\.8-2-pve /7.0.2-1-pve  /' "$V/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko" >"$V/lib/modules/7.0.2-1-pve/updates/dkms/i915.ko"
chk "$V"
is sriov.next_kernel warn
has sriov.next_kernel message "supports Linux 6.12 to 6.19"
has sriov.next_kernel remedy "Install i915-sriov-dkms 2026.05 or newer (Linux 6.17 to 7.0), or boot a kernel from 6.12 to 6.19"
# Secure Boot on, the module there, the stock i915 loaded: the key is not enrolled.
# Without the kernel's word for it, a warning; with it, a failure.
rm "$V/sys/module/i915/parameters/max_vfs"
chk "$V"
is sriov.secure_boot warn
has sriov.secure_boot remedy "mokutil --import /var/lib/dkms/mok.pub"
has sriov.secure_boot message "/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko is built for 6.14.8-2-pve"
put var/log/igpuctl-capture/dmesg $'[    3.1] Loading of module with unavailable key is rejected\n'
chk "$V"
is sriov.secure_boot fail
has sriov.secure_boot remedy "mokutil --import /var/lib/dkms/mok.pub"
has sriov.secure_boot message "the kernel refused a module (\"Loading of module with unavailable key is rejected\""
has sriov.secure_boot message "/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko"
# A module built for another kernel would not load whatever its key: not
# a Secure Boot failure (sriov.next_kernel and sriov.driver say it).
sed -i 's/6\.14\.8-2-pve /6.14.1-1-pve /' "$V/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko"
chk "$V"
is sriov.secure_boot pass
# Pinning the running kernel is offered only where its own module is built.
variant newkernel-nomod pve9-n100-dkms-newkernel
rm "$V/lib/modules/6.14.8-2-pve/updates/dkms/i915.ko"
chk "$V"
is sriov.next_kernel fail
has sriov.next_kernel remedy "dkms autoinstall -k 6.17.2-1-pve"
lacks sriov.next_kernel remedy "kernel pin"
# i915-sriov-dkms not installed at all: nothing is "gone" (sriov.driver
# says to install it).
rm -r "$V/var/lib/dkms/i915-sriov-dkms" "$V/sys/module/i915/parameters/max_vfs"
chk "$V"
is sriov.next_kernel skip
has sriov.next_kernel message "i915-sriov-dkms is not installed"
has sriov.driver remedy "Install i915-sriov-dkms"
# xe needs no out-of-tree module.
chk "$src/examples/hosts/pve92-n100-xe"
is sriov.driver pass
is sriov.params pass
is sriov.next_kernel skip
is sriov.secure_boot pass
chk "$src/examples/hosts/pve92-ptl-xe"
is sriov.driver pass
is sriov.params pass
has sriov.params message "unlimited"

variant dkms pve8-n100-zfs
put sys/module/i915/parameters/max_vfs $'7\n'
put sys/module/i915/parameters/enable_guc $'3\n'
put etc/kernel/cmdline $'root=ZFS=rpool/ROOT/pve-1 boot=zfs i915.enable_guc=3 i915.max_vfs=7\n'
sed -i 's/boot=zfs$/boot=zfs i915.enable_guc=3 i915.max_vfs=7/' "$V/proc/cmdline"
put "$GPU/sriov_numvfs" $'7\n'
put etc/sysfs.conf $'devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7\n'
chk "$V"
is sriov.driver pass
is sriov.params pass
is sriov.vfs_enabled pass
is sriov.persist pass
has sriov.persist message "/etc/sysfs.conf:1"
is cmdline.configured pass
has cmdline.configured message "i915.enable_guc=3 i915.max_vfs=7"
is sriov.pf_not_vfio pass
# With VFs enabled the PF cannot go to a VM whole (vm refuses it as well).
chk "$V" --mode full 00:02.0
is full.vfs fail
has full.vfs remedy "igpuctl vfs 0000:00:02.0 --count 0"
put "$GPU/sriov_numvfs" $'0\n'
chk "$V" --mode full 00:02.0
is full.vfs pass
put "$GPU/sriov_numvfs" $'7\n'
rm "$V/etc/sysfs.conf"
put etc/udev/rules.d/70-sriov.rules 'ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", DRIVER=="?*", ATTR{sriov_numvfs}=="0", ATTR{sriov_numvfs}="9"
'
put sys/module/i915/parameters/max_vfs $'9\n'
chk "$V"
is sriov.persist fail
has sriov.persist message "ERANGE"
is sriov.params warn
put var/log/igpuctl-capture/dmesg $'[ 3.1] i915: unknown parameter \'max_vfs\' ignored\n'
chk "$V"
is sriov.params fail
put etc/pve/qemu-server/101.conf $'hostpci0: 0000:00:02.0,pcie=1\nmachine: q35\n'
chk "$V"
is sriov.pf_not_vfio fail
has sriov.pf_not_vfio message "VM 101"
put etc/pve/qemu-server/101.conf $'hostpci0: 0000:00:02.1,pcie=1\nmachine: q35\n[snap1]\nhostpci0: 0000:00:02.0\n'
chk "$V"
is sriov.pf_not_vfio pass
# The VMs are read once by the host model, as vm.proxmox reads them: "All
# Functions" of the slot and this node's entry of a mapping pass the PF,
# a vGPU of it (mdev=) does not.
put etc/pve/qemu-server/101.conf $'hostpci0: 00:02,pcie=1\nmachine: q35\n'
chk "$V"
is sriov.pf_not_vfio fail
has sriov.pf_not_vfio message "VM 101 (hostpci0)"
put etc/pve/qemu-server/101.conf $'hostpci1: 0000:00:02.0,mdev=i915-GVTg_V5_4\nmachine: q35\n'
chk "$V"
is sriov.pf_not_vfio pass
put etc/hostname $'pve1\n'
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve2,path=0000:00:02.1,id=8086:46d1\n\tmap node=pve1,path=0000:00:02.0,id=8086:46d1\n'
put etc/pve/qemu-server/101.conf $'hostpci2: mapping=igpu,pcie=1\nmachine: q35\n'
chk "$V"
is sriov.pf_not_vfio fail
has sriov.pf_not_vfio message "VM 101 (hostpci2)"
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve2,path=0000:00:02.0,id=8086:46d1\n\tmap node=pve1,path=0000:00:02.1,id=8086:46d1\n'
chk "$V"
is sriov.pf_not_vfio pass
rm "$V/etc/pve/mapping/pci.cfg"
mkdir -p "$V/sys/bus/pci/drivers/vfio-pci"
relink $GPU/driver ../../../bus/pci/drivers/vfio-pci
chk "$V"
is sriov.pf_not_vfio fail

# sriov.vf_users: who uses each VF (pve8-n100-sriov: 00:02.1 VM 201, 00:02.2
# CTs 300 and 301 by its render node, 00:02.3 VM 202 by this node's mapping
# entry; VM 203 of node pve2 names 00:02.4, which is not this node's).
variant vfusers pve8-n100-sriov
chk "$V" --mode sriov 00:02.0
is sriov.vf_users pass
has sriov.vf_users message "0000:00:02.2 (proxmox-ct:300 and proxmox-ct:301)"
has sriov.vf_users message "0000:00:02.3 (proxmox-vm:202); 2 free"
lacks sriov.vf_users message "proxmox-vm:203"
# check said no VM used the GPU while VMs used its VFs.
has vm.proxmox message "guests use its VFs: 0000:00:02.1 (proxmox-vm:201)"
# A second VM on 00:02.1: only one of them can start.
put etc/pve/qemu-server/204.conf $'hostpci0: 0000:00:02.1,pcie=1\nmachine: q35\n'
chk "$V" --mode sriov 00:02.0
is sriov.vf_users fail
has sriov.vf_users message "VF 0000:00:02.1 is given to proxmox-vm:201 and proxmox-vm:204."
has sriov.vf_users remedy "--vf next"
# A VM on the VF whose render node the CTs have (CT 301 names it through
# /dev/dri/by-path, CT 300 as renderD129, the VF's node in sysfs).
put etc/pve/qemu-server/204.conf $'hostpci0: 0000:00:02.2,pcie=1\nmachine: q35\n'
chk "$V" --mode sriov 00:02.0
is sriov.vf_users fail
has sriov.vf_users message "VF 0000:00:02.2 is given to proxmox-vm:204, proxmox-ct:300 and proxmox-ct:301."
# A mapping that offers this node two VFs: qemu-server takes a free one at
# VM start, so VM 204 on it excludes nobody.
put etc/pve/mapping/pci.cfg $'vf3\n\tmap node=pve1,path=0000:00:02.3,id=8086:46d1\n\tmap node=pve1,path=0000:00:02.4,id=8086:46d1\n'
put etc/pve/qemu-server/204.conf $'hostpci0: mapping=vf3,pcie=1\nmachine: q35\n'
chk "$V" --mode sriov 00:02.0
is sriov.vf_users pass
has sriov.vf_users message "0000:00:02.3 (proxmox-vm:202 and proxmox-vm:204)"
# No VFs: nothing to judge.
put $GPU/sriov_numvfs $'0\n'
chk "$V" --mode sriov 00:02.0
is sriov.vf_users skip

########################################################################
# vm.proxmox, vm.libvirt

variant pvevm pve8-coffeelake
put etc/pve/qemu-server/100.conf $'boot: order=scsi0\nhostpci0: 0000:00:02.0,pcie=1\nmemory: 4096\nostype: win11\n'
chk "$V" --mode full
is vm.proxmox fail
has vm.proxmox message "pcie=1, which needs machine q35"
has vm.proxmox remedy "qm set 100 -machine q35"
put etc/pve/qemu-server/100.conf $'hostpci0: mapping=igpu,pcie=1\nmachine: pc-q35-8.1\n[snap]\nhostpci0: 0000:00:02.0,pcie=1\n'
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve1,path=0000:00:02.0,id=8086:3e92,iommugroup=1,subsystem-id=1028:0869\n'
put etc/hostname $'pve1.example.org\n'
chk "$V" --mode full
is vm.proxmox pass
has vm.proxmox message "VM 100 hostpci0: mapping=igpu,pcie=1 on pc-q35-8.1"
# Only this node's entry of a mapping applies: on node pve2, mapping igpu
# passes another node's iGPU, and the snapshot's hostpci0 is no use either.
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve2,path=0000:00:02.0,id=8086:3e92\n\tmap node=pve1,path=0000:01:00.0,id=8086:1533\n'
chk "$V" --mode full
is vm.proxmox pass
has vm.proxmox message "No Proxmox VE VM uses 0000:00:02.0 yet"
# ... and the local entry is found after another node's.
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve0,path=0000:01:00.0,id=8086:1533\n\tmap node=pve1,path=0000:00:02,id=8086:3e92\n'
put etc/pve/qemu-server/100.conf $'hostpci0: mapping=igpu,pcie=1\n[snap]\nmachine: q35\n'
chk "$V" --mode full
is vm.proxmox fail
has vm.proxmox message "VM 100: hostpci0 has pcie=1, which needs machine q35 (it has the default i440fx)"
# A hostpci line of a snapshot or of [PENDING] is not what the VM uses.
put etc/pve/qemu-server/100.conf $'machine: q35\n[PENDING]\nhostpci1: 0000:00:02.0,legacy-igd=1\n[snap]\nhostpci0: 0000:00:02.0,pcie=1\n'
chk "$V" --mode full
is vm.proxmox pass
has vm.proxmox message "No Proxmox VE VM uses 0000:00:02.0 yet"
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,legacy-igd=1\nmachine: q35\n'
chk "$V" --mode full
is vm.proxmox fail
has vm.proxmox message "legacy-igd=1 needs the i440fx machine and vga: none"
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,legacy-igd=1,x-vga=1,rombar=0\nvga: none\n'
chk "$V" --mode full
is vm.proxmox fail
has vm.proxmox message "VM 100: legacy-igd=1 on hostpci0 is not compatible with x-vga, rombar=0."
has vm.proxmox remedy "Remove x-vga, rombar=0 from hostpci0, or drop legacy-igd=1."
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,legacy-igd=1\nvga: none\n'
chk "$V" --mode full
is vm.proxmox pass
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_4\n'
chk "$V"
is vm.proxmox fail
has vm.proxmox message "GVT-g is not active"
# driver=keep (qemu-server 9.0.25): Proxmox VE leaves the device on its
# driver, i915 here, and creates no vGPU; vfio-pci (the default) is fine.
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,driver=keep,pcie=1\nmachine: q35\n'
chk "$V" --mode full
is vm.proxmox fail
has vm.proxmox message "VM 100: hostpci0 has driver=keep, so Proxmox VE keeps 0000:00:02.0 on i915 at VM start, but vfio-pci passthrough needs it on vfio-pci already."
has vm.proxmox remedy "igpuctl bind 0000:00:02.0 --driver vfio-pci --persist"
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,driver=vfio,pcie=1\nmachine: q35\n'
chk "$V" --mode full
is vm.proxmox pass
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,driver=keep,mdev=i915-GVTg_V5_4\n'
chk "$V"
is vm.proxmox fail
has vm.proxmox message "with driver=keep Proxmox VE does not create the vGPU at VM start"
mkdir -p "$V/sys/bus/pci/drivers/vfio-pci"
relink $GPU/driver ../../../bus/pci/drivers/vfio-pci
put etc/pve/qemu-server/100.conf $'hostpci0: 0000:00:02.0,driver=keep\n'
chk "$V" --mode full
is vm.proxmox pass

# vm.proxmox_mapping: this node's entries of pci.cfg that name the GPU, as
# PVE::Mapping::PCI::assert_valid() compares them when a VM starts.
variant pvemap pve8-coffeelake
put etc/hostname $'pve1\n'
chk "$V" --mode full
is vm.proxmox_mapping pass
has vm.proxmox_mapping message "No cluster PCI mappings"
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve2,path=0000:00:02.0,id=1:2\n\tmap node=pve1,path=0000:00:02,id=8086:3e92,iommugroup=1,subsystem-id=1028:0869\n'
chk "$V" --mode full
is vm.proxmox_mapping pass
has vm.proxmox_mapping message "match 0000:00:02.0 as it is now: igpu (0000:00:02)"
# Upper case and a missing IOMMU group: the VM does not start.
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve1,path=0000:00:02.0,id=8086:3E92,subsystem-id=1028:0869,description=UHD 630\n'
chk "$V" --mode full
is vm.proxmox_mapping fail
has vm.proxmox_mapping message "has id=8086:3E92, but 0000:00:02.0 has 8086:3e92"
has vm.proxmox_mapping message "has no iommugroup, but 0000:00:02.0 has 1"
has vm.proxmox_mapping remedy "\`map node=pve1,path=0000:00:02.0,id=8086:3e92,subsystem-id=1028:0869,description=UHD 630,iommugroup=1\`"
has vm.proxmox_mapping remedy "pvesh get /cluster/mapping/pci --check-node pve1"
# The mdev flag says whether the device offers vGPUs (it does not here);
# "0x" is taken out before the comparison, as Proxmox VE does.
put etc/pve/mapping/pci.cfg $'igpu\n\tmap node=pve1,path=0000:00:02.0,id=0x8086:0x3e92,iommugroup=1,subsystem-id=1028:0869\n\tmdev 1\n'
chk "$V" --mode full
is vm.proxmox_mapping fail
has vm.proxmox_mapping message "Mapping igpu has mdev 1, but 0000:00:02.0 offers no vGPU types now."
has vm.proxmox_mapping remedy "and \`mdev 0\`"
# A path that is not on this host (an SR-IOV VF that is not enabled).
put etc/pve/mapping/pci.cfg $'vf\n\tmap node=pve1,path=0000:00:02.3,id=8086:3e92,iommugroup=1,subsystem-id=1028:0869\n'
chk "$V" --mode full
is vm.proxmox_mapping fail
has vm.proxmox_mapping message "names 0000:00:02.3, which is not on this host"
lacks vm.proxmox_mapping remedy "map node"
# Another node's entry is that node's business.
put etc/pve/mapping/pci.cfg $'vf\n\tmap node=pve2,path=0000:00:02.3,id=8086:3E92\n'
chk "$V" --mode full
is vm.proxmox_mapping pass
has vm.proxmox_mapping message "No cluster PCI mapping names 0000:00:02.0 on node pve1"

variant lvpci pve8-coffeelake
put etc/libvirt/qemu/win.xml "<domain type='kvm'>
  <name>win</name>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='no'>
      <source>
        <address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
      </source>
    </hostdev>
  </devices>
</domain>
"
chk "$V" --mode full
is vm.libvirt fail
has vm.libvirt message "managed='no'"
sed -i "s/managed='no'/managed='yes'/" "$V/etc/libvirt/qemu/win.xml"
chk "$V" --mode full
is vm.libvirt pass
has vm.libvirt message "win (PCI 0000:00:02.0)"
# A <hostdev> in a comment is no device (libxml2 reads the domain).
put etc/libvirt/qemu/win.xml "<domain type='kvm'>
  <name>win</name>
  <devices>
    <!-- <hostdev mode='subsystem' type='pci' managed='no'>
      <source>
        <address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
      </source>
    </hostdev> -->
  </devices>
</domain>
"
chk "$V" --mode full
is vm.libvirt pass
has vm.libvirt message "No libvirt domain uses 0000:00:02.0 yet"
# Without the libvirt module (igpuctl copied away from the build tree) the
# domains are not judged, and check says why in one line.
mkdir -p "$tmp/nomodule"
cp "$bin" "$tmp/nomodule/igpuctl"
out=$(IGPUCTL_MODULE_DIR=$tmp/nomodule "$tmp/nomodule/igpuctl" --root "$V" -J check --mode full 2>"$tmp/stderr")
desc="lvpci without the module: check --mode full"
is vm.libvirt skip
has vm.libvirt message "libvirt domains not judged: igpuctl-libvirt.so is neither in"
if jq -e '[.checks[] | select(.id == "vm.libvirt") | .message | contains("\n")] | any | not' <<<"$out" >/dev/null; then good; else bad "$desc: more than one line"; fi

variant lvmdev shared-nvme-group
cp -a "$tmp/gvt/." "$V/"
rm -rf "$V/etc/mdevctl.d"
for t in 4 8; do echo 1 >"$V/$GPU/mdev_supported_types/i915-GVTg_V5_$t/available_instances"; done
rm -f "$V/var/log/igpuctl-capture/dmesg"
dom() { # dom EXTRA_DEVICES [OS] [QEMU]
	put etc/libvirt/qemu/gvt.xml "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>gvt</name>
  <os>${2:-<type arch='x86_64' machine='pc-q35-7.2'>hvm</type>}</os>
  <devices>
    <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci' display='on'>
      <source>
        <address uuid='$U'/>
      </source>
    </hostdev>
$1
  </devices>
${3:-}
</domain>
"
}
dom ""
chk "$V" --mode gvt-g
is vm.libvirt fail
has vm.libvirt message "display='on' on vGPU $U but no <graphics>"
dom "    <graphics type='spice'><listen type='none'/><gl enable='yes' rendernode='/dev/dri/by-path/pci-0000:00:02.0-render'/></graphics>
    <video><model type='none'/></video>"
chk "$V" --mode gvt-g
is vm.libvirt warn
has vm.libvirt message "without x-igd-opregion=on"
# The remedy is the <qemu:override> igpuctl writes, with the user alias it
# gives the <hostdev>, not -set (which libvirt 8.2 and newer do not pass on).
has vm.libvirt remedy "<alias name='ua-igpuctl0'/> and add <qemu:override><qemu:device alias='ua-igpuctl0'><qemu:frontend><qemu:property name='x-igd-opregion' type='bool' value='true'/>"
lacks vm.libvirt remedy "-set"
lacks vm.libvirt remedy "hostdev0"
OPREGION="  <qemu:commandline>
    <qemu:arg value='-set'/>
    <qemu:arg value='device.hostdev0.x-igd-opregion=on'/>
  </qemu:commandline>"
dom "    <graphics type='spice'><listen type='none'/><gl enable='yes' rendernode='/dev/dri/by-path/pci-0000:00:02.0-render'/></graphics>
    <video><model type='none'/></video>" "" "$OPREGION"
chk "$V" --mode gvt-g
is vm.libvirt pass
has vm.libvirt message "gvt (vGPU $U, display on)"
dom "    <graphics type='spice'><listen type='none'/><gl enable='yes' rendernode='/dev/dri/renderD129'/></graphics>" "" "$OPREGION"
chk "$V" --mode gvt-g
is vm.libvirt fail
has vm.libvirt message "/dev/dri/renderD129, which does not exist"
dom "    <graphics type='egl-headless'/>" "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>" "$OPREGION"
chk "$V" --mode gvt-g
is vm.libvirt warn
has vm.libvirt remedy "<qemu:property name='romfile' type='string' value='/vbios_gvt_uefi.rom'/>"
dom "    <graphics type='egl-headless'/>" "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>" \
	"  <qemu:commandline>
    <qemu:arg value='-set'/>
    <qemu:arg value='device.hostdev0.romfile=/vbios_gvt_uefi.rom'/>
    <qemu:arg value='-set'/>
    <qemu:arg value='device.hostdev0.x-igd-opregion=on'/>
    <qemu:arg value='-set'/>
    <qemu:arg value='device.hostdev0.ramfb=on'/>
  </qemu:commandline>"
chk "$V" --mode gvt-g
is vm.libvirt fail
has vm.libvirt message "without driver=vfio-pci-nohotplug"
lacks vm.libvirt message "no option ROM"
# igpuctl's own form (`vm libvirt UUID --display dmabuf --domain`): the
# hostdev's alias ua-igpuctl0 and a <qemu:override> for it.
GFX="    <graphics type='spice'><listen type='none'/><gl enable='yes' rendernode='/dev/dri/by-path/pci-0000:00:02.0-render'/></graphics>
    <video><model type='none'/></video>"
OVERRIDE="  <qemu:override>
    <qemu:device alias='ua-igpuctl0'>
      <qemu:frontend>
        <qemu:property name='x-igd-opregion' type='bool' value='true'/>
      </qemu:frontend>
    </qemu:device>
  </qemu:override>"
alias_hostdev() { sed -i "s|      </source>|      </source>\n      <alias name='ua-igpuctl0'/>|" "$V/etc/libvirt/qemu/gvt.xml"; }
dom "$GFX" "" "$OVERRIDE"
alias_hostdev
chk "$V" --mode gvt-g
is vm.libvirt pass
has vm.libvirt message "gvt (vGPU $U, display on)"
# -set device.hostdev0 does not reach a device whose id is its alias.
dom "$GFX" "" "$OPREGION"
alias_hostdev
chk "$V" --mode gvt-g
is vm.libvirt warn
has vm.libvirt remedy "Add <qemu:override><qemu:device alias='ua-igpuctl0'>"
# An override for another alias is not this device's.
dom "$GFX" "" "${OVERRIDE//ua-igpuctl0/ua-other}"
alias_hostdev
chk "$V" --mode gvt-g
is vm.libvirt warn
sed -i "s|$U|00000000-0000-0000-0000-000000000001|" "$V/etc/libvirt/qemu/gvt.xml"
chk "$V" --mode gvt-g
is vm.libvirt fail
has vm.libvirt message "neither active nor defined"

########################################################################
# Text output, options and refusals.

"$bin" --root "$src/examples/hosts/pve8-coffeelake" check --mode full -o ID,STATUS -n >"$tmp/text" 2>&1
rc=$?
desc="check -o ID,STATUS -n"
exit_is 1
if grep -q '^full.driver *warn$' "$tmp/text" && ! grep -q STATUS "$tmp/text"; then good; else bad "$desc: $(head -3 "$tmp/text")"; fi
for args in "--mode bogus" "nonsense" "-o NOPE" "00:02.0 extra"; do
	# shellcheck disable=SC2086
	"$bin" --root "$src/examples/hosts/pve8-coffeelake" check $args >/dev/null 2>"$tmp/err"
	rc=$?
	desc="check $args"
	exit_is 64
done
"$bin" --root "$src/examples/hosts/pve8-coffeelake" check 00:09.0 >/dev/null 2>"$tmp/err"
rc=$?
desc="check 00:09.0"
exit_is 2
if grep -q "No PCI device 00:09.0" "$tmp/err"; then good; else bad "$desc: $(cat "$tmp/err")"; fi
chk "$src/examples/hosts/pve8-coffeelake" --mode full 0000:00:1f.6
has gpu.present message "0000:00:1f.6"
is full.isolation fail
has full.isolation message "vmbr0 (default route)"

########################################################################
# Containers given a DRM node (ct.render_nodes, ct.gid) on the ct-pve host
# of the golden tests: its CTs as they are, then broken both ways.

ctroot() { # NAME: $V, a fresh root of tests/golden/hosts/ct-pve.sh
	V=$tmp/$1
	rm -rf "$V"
	(
		# shellcheck source=../fixtures/mkhost.sh
		. "$src/tests/fixtures/mkhost.sh"
		host_build "$src/tests/golden/hosts/ct-pve.sh" "$V"
	) >/dev/null || bad "$1: the fixture ct-pve was not built"
}
ctroot ct-ok
chk "$V"
is ct.render_nodes pass
has ct.render_nodes message "proxmox-ct:300: /dev/dri/renderD129 of 0000:00:02.2"
has ct.render_nodes message "proxmox-ct:301: /dev/dri/by-path/pci-0000:00:02.2-render of 0000:00:02.2"
is ct.gid pass
has ct.gid message "proxmox-ct:300: dev0 gid 993 (render)"
contract

# The host's render gid in the CT's devN: its own render group is 993.
ctroot ct-host-gid
sed -i 's|^dev0: /dev/dri/renderD129,gid=993$|dev0: /dev/dri/renderD129,gid=104|' "$V/etc/pve/lxc/300.conf"
chk "$V"
is ct.gid warn
has ct.gid message "gid 104 (dev0), but the render group inside is 993"
has ct.gid remedy "pct set 300 --dev0 /dev/dri/renderD129,gid=993"
# A CT whose root cannot be read: its gid is not judged.
ctroot ct-unknown-root
put etc/pve/lxc/304.conf "rootfs: local-lvm:vm-304-disk-0,size=8G
dev0: /dev/dri/renderD130,gid=5
"
chk "$V"
has ct.gid message "proxmox-ct:304: dev0 gid 5 (its render group is unknown: its root file system local-lvm:vm-304-disk-0 is a lvmthin volume"

# VF 00:02.2 went to vfio-pci (for a VM): its node and by-path link are gone.
ctroot ct-vfio
VF=sys/devices/pci0000:00/0000:00:02.2
rm -rf "${V:?}/$VF/drm" "$V/sys/class/drm/renderD129" "$V/sys/class/drm/card1" "$V/dev/dri/renderD129" \
	"$V/dev/dri/card1" "$V/dev/dri/by-path/pci-0000:00:02.2-render" "$V/dev/dri/by-path/pci-0000:00:02.2-card"
relink "$VF/driver" ../../../bus/pci/drivers/vfio-pci
chk "$V"
is ct.render_nodes fail
has ct.render_nodes message "proxmox-ct:300 is given /dev/dri/renderD129 (dev0), which does not exist"
has ct.render_nodes message "proxmox-ct:301 is given /dev/dri/by-path/pci-0000:00:02.2-render, but 0000:00:02.2 is bound to vfio-pci"
has ct.render_nodes remedy "igpuctl unbind 0000:00:02.2"
# ... and the CT named the node by its number, which the PF's second
# function now has: still an Intel GPU, but the wrong one is not knowable.

# The render node numbers follow the probe order: on a host where nouveau
# probes first, renderD128 is the NVIDIA card's, not the iGPU's.
variant ct-nvidia igpu-nvidia
put etc/pve/lxc/200.conf "arch: amd64
dev0: /dev/dri/renderD128,gid=104
rootfs: local-lvm:vm-200-disk-0,size=8G
"
chk "$V"
is ct.render_nodes warn
has ct.render_nodes message "belongs to 0000:01:00.0 (10de:2484), not to an Intel GPU or VF"
has ct.render_nodes remedy "igpuctl ct proxmox 200 ADDR --apply"

# No container is given a node.
chk "$src/examples/hosts/pve8-coffeelake"
is ct.render_nodes skip
is ct.gid skip

########################################################################
# Every check was seen passing and not passing.

while read -r id _; do
	[[ -n ${seen_pass[$id]:-} ]] || bad "check $id was never seen passing"
	[[ -n ${seen_bad[$id]:-} ]] || bad "check $id was never seen warning or failing"
done < <("$bin" check --list)

echo "check: $npass passed, $nfail failed"
[[ $nfail -eq 0 ]]
