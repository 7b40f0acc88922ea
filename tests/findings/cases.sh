#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/findings/cases.sh BIN: hosts on which status, check, vgpu and setup
# used to contradict each other, each a small variant of an example host.
# Every variant asserts the fixed behaviour and that status agrees with
# check on it (lib.sh's agree).
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-findings.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

GPU=sys/devices/pci0000:00/0000:00:02.0
V=
variant() {
	V=$tmp/$1
	rm -rf "$V"
	cp -a "$src/examples/hosts/$2" "$V"
}
put() {
	mkdir -p "$(dirname "$V/$1")"
	printf '%s' "$2" >"$V/$1"
}
# status_findings MODE [ADDR]: "ID STATUS" of status -J's missing_checks.
status_findings() {
	"$bin" --root "$V" -J status |
		jq -r --arg m "$1" --arg a "${2:-0000:00:02.0}" \
			'.gpus[] | select(.address == $a) | .method_support[$m].missing_checks[] | "\(.id) \(.status)"'
}
# finding MODE ID FIELD [ADDR]: one field of a finding in status -J.
finding() {
	"$bin" --root "$V" -J status |
		jq -r --arg m "$1" --arg id "$2" --arg f "$3" --arg a "${4:-0000:00:02.0}" \
			'.gpus[] | select(.address == $a) | .method_support[$m].missing_checks[] | select(.id == $id) | .[$f]'
}
check_status() { # MODE ID [ADDR]: the status of one check in check -J
	"$bin" --root "$V" -J check --mode "$1" "${3:-0000:00:02.0}" |
		jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status'
}
expect() { # DESC GOT WANT
	if [[ $2 == "$3" ]]; then good; else bad "$1: got '$2', expected '$3'"; fi
}
expect_match() { # DESC TEXT REGEX
	if [[ $2 =~ $3 ]]; then good; else bad "$1: '$2' does not match /$3/"; fi
}
expect_no_match() { # DESC TEXT REGEX
	if [[ $2 =~ $3 ]]; then bad "$1: '$2' matches /$3/"; else good; fi
}

# 1. i915 reports enable_gvt=Y: status used to say "Add i915.enable_gvt=1"
# while check passed gvt.enable_gvt.  Now neither asks for it again: the
# parameter is active (cmdline.configured only warns that the boot
# configuration igpuctl reads does not set it).
variant gvt-on pve8-coffeelake
put sys/module/i915/parameters/enable_gvt $'Y\n'
expect "enable_gvt=Y: check gvt.enable_gvt" "$(check_status gvt-g gvt.enable_gvt)" pass
f=$(status_findings gvt-g)
expect_no_match "enable_gvt=Y: status findings" "$f" "gvt.enable_gvt"
expect_match "enable_gvt=Y: status findings" "$f" "cmdline.configured warn"
text=$("$bin" --root "$V" status)
expect_no_match "enable_gvt=Y: status text" "$text" "i915.enable_gvt is off|Add i915.enable_gvt"
# vgpu's explanation of the missing types is the same findings.
err=$("$bin" --root "$V" vgpu types 2>&1 >/dev/null)
expect_match "enable_gvt=Y: vgpu types" "$err" "\[gvt.kvmgt, fail\]"
expect_match "enable_gvt=Y: vgpu types" "$err" "\[cmdline.configured, warn\]"
expect_no_match "enable_gvt=Y: vgpu types" "$err" "gvt.enable_gvt|i915.enable_gvt is (off|not set)"
agree "$V"

# 2. Kernel 4.15 and QEMU 2.11: status used to find nothing missing for
# GVT-g while check failed both.
variant old pve8-coffeelake
put proc/sys/kernel/osrelease $'4.15.0-20-generic\n'
put var/lib/dpkg/status $'Package: qemu-system-x86\nStatus: install ok installed\nVersion: 1:2.11+dfsg-1ubuntu7.41\n'
f=$(status_findings gvt-g)
expect_match "4.15/2.11: status findings" "$f" "kernel.version fail"
expect_match "4.15/2.11: status findings" "$f" "qemu.version fail"
expect "4.15/2.11: check kernel.version" "$(check_status gvt-g kernel.version)" fail
text=$("$bin" --root "$V" status)
expect_match "4.15/2.11: status text" "$text" "\[kernel.version, fail\]"
expect_match "4.15/2.11: status text" "$text" "\[qemu.version, fail\]"
agree "$V"

# 3. The stock i915 on an SR-IOV platform: status's only advice used to be
# `igpuctl vfs ... --count 7`, which fails with ENOENT there.  Now the
# driver comes first and every `igpuctl vfs` remedy waits for it.
variant stock pve8-n100-zfs
f=$(status_findings sriov)
expect_match "stock i915: status findings" "$f" "sriov.driver fail"
expect_match "stock i915: sriov.driver remedy" "$(finding sriov sriov.driver remedy)" "i915-sriov-dkms"
for id in sriov.vfs_enabled sriov.persist; do
	expect_match "stock i915: $id remedy" "$(finding sriov $id remedy)" '^Fix sriov.driver, sriov.params first; then `igpuctl vfs'
done
agree "$V"

# 4. An SR-IOV VF was called "not one of" the Intel iGPUs next to its own
# platform name (status) and "not an Intel integrated GPU" (check).
V=$tmp/vfs
build_host "$V" "$src/tests/vgpu/hosts/sriov-vfs.sh" "$src/tests/vgpu/mkmdev.sh"
st=$("$bin" --root "$V" -J status)
vf='.gpus[] | select(.address == "0000:00:02.1")'
expect "VF: platform" "$(jq -r "$vf | .platform" <<<"$st")" "Alder Lake-N"
for m in full gvt-g sriov; do
	r=$(jq -r --arg m "$m" "$vf | .method_support[\$m].reason" <<<"$st")
	expect_no_match "VF: $m reason" "$r" "not one of"
	expect_match "VF: $m reason" "$r" "0000:00:02.0 \\(Alder Lake-N\\)"
done
r=$("$bin" --root "$V" -J check --mode sriov 0000:00:02.1 | jq -r '.checks[] | select(.id == "sriov.platform") | .message')
expect_match "VF: sriov.platform" "$r" "is an SR-IOV virtual function of 0000:00:02.0 \\(Alder Lake-N\\)"
expect_no_match "VF: sriov.platform" "$r" "not an Intel"
agree "$V"

# 5. i915-sriov-dkms installed but not in use: the remedy named "the
# proxmox-headers headers", a package that exists on no Proxmox VE.  It
# names the headers of the running kernel: proxmox-headers-RELEASE on
# Proxmox VE 8 and 9 (proxmox-kernel-RELEASE-signed installed).
for pve in 8:6.8.12-4-pve 9:6.14.8-2-pve; do
	rel=${pve#*:}
	variant "dkms${pve%%:*}" pve8-n100-zfs
	put proc/sys/kernel/osrelease "$rel"$'\n'
	cat >>"$V/var/lib/dpkg/status" <<EOT

Package: i915-sriov-dkms
Status: install ok installed
Version: 2025.05.18

Package: proxmox-kernel-$rel-signed
Status: install ok installed
Version: ${rel%-pve}

Package: pve-manager
Status: install ok installed
Version: ${pve%%:*}.0.3
EOT
	r=$(finding sriov sriov.driver remedy)
	expect_match "PVE ${pve%%:*} dkms remedy" "$r" "proxmox-headers-$rel installed"
	expect_no_match "PVE ${pve%%:*} dkms remedy" "$r" "headers headers|the proxmox-headers "
	agree "$V"
done

# 6. A parameter in GRUB_CMDLINE_LINUX: check named
# GRUB_CMDLINE_LINUX_DEFAULT, where igpuctl adds new parameters, for it.
# Now the remedy sets it where it is, as setup does, and "configured" names
# the variable (and grub.d file) that holds it.
check_field() { # MODE ID FIELD
	"$bin" --root "$V" -J check --mode "$1" | jq -r --arg id "$2" --arg f "$3" '.checks[] | select(.id == $id) | .[$f]'
}
variant grub-linux pve8-coffeelake
put etc/default/grub $'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="intel_iommu=off"\n'
put proc/cmdline $'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro intel_iommu=off quiet\n'
r=$(check_field full cmdline.intel_iommu remedy)
expect_match "GRUB_CMDLINE_LINUX: remedy" "$r" "^Edit the GRUB configuration: set intel_iommu=on in GRUB_CMDLINE_LINUX in /etc/default/grub \\(now intel_iommu=off\\)"
expect_no_match "GRUB_CMDLINE_LINUX: remedy" "$r" "GRUB_CMDLINE_LINUX_DEFAULT|remove intel_iommu"
d=$("$bin" --root "$V" setup --mode full --allow-boot-vga --dry-run 2>&1)
expect_match "GRUB_CMDLINE_LINUX: setup edits it there" "$d" $'\n\\+GRUB_CMDLINE_LINUX="intel_iommu=on"'
agree "$V"
put etc/default/grub $'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="i915.enable_gvt=1"\n'
put etc/default/grub.d/gvt.cfg $'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX i915.enable_guc=0"\n'
put proc/cmdline $'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet\n'
m=$(check_field gvt-g cmdline.configured message)
expect_match "GRUB_CMDLINE_LINUX: configured" "$m" "Configured in GRUB_CMDLINE_LINUX in /etc/default/grub but not rebooted yet: i915.enable_gvt=1"
r=$(check_field gvt-g gvt.enable_gvt remedy)
expect_match "GRUB_CMDLINE_LINUX: enable_gvt remedy" "$r" "^i915.enable_gvt=1 is configured in GRUB_CMDLINE_LINUX in /etc/default/grub already"
agree "$V"

echo "findings cases: $npass passed, $nfail failed"
[[ $nfail -eq 0 ]]
