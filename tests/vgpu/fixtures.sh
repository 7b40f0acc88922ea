#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# igpuctl vgpu and vfs on fixture hosts (--root): the hosts in tests/vgpu/hosts
# (built with tests/fixtures/mkhost.sh and tests/vgpu/mkmdev.sh) and copies of
# examples/hosts.  What igpuctl writes to sysfs lands in plain files there
# (`create`, `remove`, `sriov_numvfs`, `driver_override`, ...): the tests
# read back those bytes, as mdevctl's tests do.
#
# Usage: fixtures.sh IGPUCTL

set -uo pipefail

igpuctl=$(realpath "${1:?usage: fixtures.sh IGPUCTL}")
here=$(cd "$(dirname "$0")" && pwd)
src=${SRCDIR:-$(cd "$here/../.." && pwd)}
command -v jq >/dev/null || { echo "fixtures.sh: SKIP: jq not installed" >&2; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-vgpu-fixtures.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
current=

# Build host NAME from tests/vgpu/hosts/NAME.sh into $work/NAME (fresh).
mkhost() {
	(
		set -e
		. "$src/tests/fixtures/mkhost.sh"
		. "$here/mkmdev.sh"
		host_begin "$work/$1"
		. "$here/hosts/$1.sh"
		host_end
	) || { echo "fixtures.sh: cannot build host $1" >&2; exit 1; }
}
# A writable copy of examples/hosts/NAME in $work/NAME.
example() {
	rm -rf "${work:?}/$1"
	cp -a "$src/examples/hosts/$1" "$work/$1"
}

t() { current=$*; echo "--- $current"; }
bad() {
	echo "FAIL [$current]: $*"
	echo "  stdout: $(head -c 2000 "$work/out")"
	echo "  stderr: $(head -c 2000 "$work/err")"
	failures=$((failures + 1))
}
# ig HOST ARGS...: run igpuctl on a host; $rc, files $work/out and $work/err.
ig() {
	local host=$1
	shift
	rc=0
	"$igpuctl" --root "$work/$host" "$@" >"$work/out" 2>"$work/err" || rc=$?
}
rc_is() { [ "$rc" = "$1" ] || bad "exit $rc, expected $1"; }
out_has() { grep -qF -- "$1" "$work/out" || bad "stdout lacks: $1"; }
err_has() { grep -qF -- "$1" "$work/err" || bad "stderr lacks: $1"; }
out_is() { [ "$(cat "$work/out")" = "$1" ] || bad "stdout is not: $1"; }
jqt() { jq -e "$1" "$work/out" >/dev/null 2>&1 || bad "JSON: $1"; }
# file_is HOST PATH CONTENT: the bytes of a file in the host (no newline added).
file_is() {
	local got
	got=$(cat "$work/$1/$2" 2>/dev/null; printf x)
	got=${got%x}
	[ "$got" = "$3" ] || bad "$2 holds '$got', expected '$3'"
}
absent() { [ ! -e "$work/$1/$2" ] || bad "$2 exists"; }

IGPU=sys/devices/pci0000:00/0000:00:02.0
TY=$IGPU/mdev_supported_types
DEFS=etc/mdevctl.d/0000:00:02.0
UA=4b0d9f8e-6a2c-4e1b-9f3d-2c8a7e6b5d41 # active, defined auto
UD=9e2f4c1a-3b5d-4e6f-8a7b-1c2d3e4f5a6b # defined auto (pretty JSON), not active
UM=c0ffee00-1111-4222-8333-444455556666 # defined manual
UT=0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9 # mtty, defined auto
H=gvtg-two-parents

# ---------------------------------------------------------------- types
mkhost $H

t "types: every parent, any driver"
ig $H -J vgpu types
rc_is 0
jqt '.types | length == 4'
jqt '[.types[] | .parent] == ["0000:00:02.0", "0000:00:02.0", "mtty", "mtty"]'
jqt '.types[0] | .type == "i915-GVTg_V5_4" and .name == "GVTg_V5_4" and .available_instances == 0 and .device_api == "vfio-pci"'
jqt '.types[0] | .low_gm_mb == 128 and .high_gm_mb == 512 and .fence == 4 and .resolution == "1920x1200" and .weight == 4'
jqt '.types[0].description == "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4"'
jqt '.types[1] | .type == "i915-GVTg_V5_8" and .available_instances == 1 and .low_gm_mb == 64 and .resolution == "1024x768"'
jqt '.types[3] | .type == "mtty-2" and .name == "Dual port serial" and .available_instances == 12 and .description == "This type supports 2 ports"'
jqt '.types[3] | .low_gm_mb == null and .high_gm_mb == null and .fence == null and .resolution == null and .weight == null'
jqt '[.types[] | keys] | all(contains(["parent","type","name","available_instances","device_api","description"]))'

t "types: text table, GVT-g columns and the other driver's description"
ig $H vgpu types
rc_is 0
head -n1 "$work/out" | grep -q "LOW_GM_MB.*DESCRIPTION" || bad "header: $(head -n1 "$work/out")"
grep -Eq '^0000:00:02.0 +i915-GVTg_V5_8 +1 +vfio-pci +64 +384 +4 +1024x768 +2 +-$' "$work/out" || bad "V5_8 row"

grep -Eq '^mtty +mtty-1 +24 .*This type supports 1 port' "$work/out" || bad "mtty-1 row"
ig $H vgpu types -o TYPE,DESCRIPTION
grep -q '^i915-GVTg_V5_8 .*low_gm_size: 64MB, high_gm_size: 384MB, fence: 4, resolution: 1024x768, weight: 2$' "$work/out" || bad "-o DESCRIPTION"

t "types PARENT: by short address, by name; refusals"
ig $H -J vgpu types 2.0
rc_is 0
jqt '.types | length == 2'
ig $H -J vgpu types mtty
rc_is 0
jqt '[.types[] | .type] == ["mtty-1", "mtty-2"]'
ig $H vgpu types 00:1f.3
rc_is 1
err_has "0000:00:1f.3 offers no vGPU types"
err_has "snd_hda_intel offers no mediated device"
ig $H vgpu types 99:00.0
rc_is 1
err_has "No mdev parent and no PCI device 99:00.0"
ig $H vgpu types not/a/parent
rc_is 64
ig $H vgpu types -o PARENT,NOPE
rc_is 64

# ---------------------------------------------------------------- list
t "list: active, with the definition merged"
ig $H -J vgpu list
rc_is 0
jqt '.vgpus | length == 1'
jqt ".vgpus[0] | .uuid == \"$UA\" and .parent == \"0000:00:02.0\" and .type == \"i915-GVTg_V5_8\""
jqt '.vgpus[0] | .active == true and .defined == true and .auto == true and .iommu_group == 13 and .vfio_node == "/dev/vfio/13"'

t "list --defined: mdevctl's files, bad ones skipped"
ig $H -J vgpu list --defined
rc_is 0
jqt '.vgpus | length == 4'
jqt "[.vgpus[] | .uuid] == [\"$UA\", \"$UD\", \"$UM\", \"$UT\"]"
jqt ".vgpus[] | select(.uuid == \"$UD\") | .active == false and .defined and .auto and .type == \"i915-GVTg_V5_4\" and .iommu_group == null"
jqt ".vgpus[] | select(.uuid == \"$UM\") | .defined and (.auto | not)"
jqt ".vgpus[] | select(.uuid == \"$UT\") | .parent == \"mtty\" and .type == \"mtty-2\""
ig $H vgpu list --defined
rc_is 0
grep -Eq "^$UD +0000:00:02.0 +i915-GVTg_V5_4 +no +yes +yes" "$work/out" || bad "text row of $UD"

t "list: Proxmox VE's own vGPU names its VM"
UP=00000001-0000-0000-0000-000000000100 # hostpci1 of VM 100
mkhost gvtg-proxmox
ig gvtg-proxmox -J vgpu list
rc_is 0
jqt '.vgpus | length == 2'
jqt ".vgpus[] | select(.uuid == \"$UP\") | .vm == \"proxmox-vm:100 hostpci1\" and .type == \"i915-GVTg_V5_4\" and .iommu_group == 14"
jqt ".vgpus[] | select(.uuid == \"$UA\") | .vm == null"
ig gvtg-proxmox vgpu list
rc_is 0
grep -Eq "^$UP +0000:00:02.0 +i915-GVTg_V5_4 +yes +no +no +14 +proxmox-vm:100 hostpci1$" "$work/out" || bad "text row of $UP"

# ---------------------------------------------------------------- create
t "create: default parent is the Intel iGPU, type by its tail, given UUID"
mkhost $H
ig $H vgpu create --type 8 --uuid 0A1B2C3D-4E5F-4071-8293-A4B5C6D7E8F9
rc_is 0
out_is 0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9
file_is $H "$TY/i915-GVTg_V5_8/create" 0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9
file_is $H "$TY/i915-GVTg_V5_4/create" ""
absent $H "$DEFS/0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9"

t "create --auto: a generated UUID, defined in mdevctl's format"
mkhost $H
ig $H -J vgpu create --type GVTg_V5_8 --auto
rc_is 0
u=$(jq -r .uuid "$work/out")
[[ $u =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] || bad "'$u' is no random UUID"
jqt '.parent == "0000:00:02.0" and .type == "i915-GVTg_V5_8" and .defined and .auto and .active == false'
file_is $H "$TY/i915-GVTg_V5_8/create" "$u"
file_is $H "$DEFS/$u" '{"mdev_type":"i915-GVTg_V5_8","start":"auto","attrs":[]}
'

t "create on the other parent"
mkhost $H
ig $H vgpu create mtty --type mtty-2 --uuid "$UT"
rc_is 0
file_is $H sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/create "$UT"

t "create refusals leave create untouched"
mkhost $H
ig $H vgpu create --type V5_4
rc_is 1
err_has "No instance of i915-GVTg_V5_4 is left on 0000:00:02.0"
err_has "Use a smaller type: i915-GVTg_V5_8 (1 left)"
err_has "Aperture Size"
ig $H vgpu create --type V5_1
rc_is 1
err_has "0000:00:02.0 has no vGPU type 'V5_1'"
err_has "Types of 0000:00:02.0: i915-GVTg_V5_4 i915-GVTg_V5_8"
err_has "fit the BIOS aperture"
ig $H vgpu create --type V5_8 --uuid "$UA"
rc_is 1
err_has "is in use by an active vGPU (i915-GVTg_V5_8 on 0000:00:02.0)"
ig $H vgpu create --type V5_8 --uuid "$UD" --auto
rc_is 1
err_has "A definition of $UD exists already"
ig $H vgpu create --type V5_8 --uuid 1234
rc_is 64
ig $H vgpu create
rc_is 64
err_has "--type is required"
ig $H vgpu create mtty --type 1
rc_is 0
file_is $H "$TY/i915-GVTg_V5_8/create" ""
file_is $H "$TY/i915-GVTg_V5_4/create" ""

# ---------------------------------------------------------------- remove
t "remove: writes 1 to the vGPU's remove"
mkhost $H
ig $H vgpu remove "$UA"
rc_is 0
file_is $H "$IGPU/$UA/remove" 1
[ -e "$work/$H/$DEFS/$UA" ] || bad "remove without --undefine dropped the definition"

t "remove --undefine: also the definition"
mkhost $H
ig $H vgpu remove "${UA^^}" --undefine
rc_is 0
file_is $H "$IGPU/$UA/remove" 1
absent $H "$DEFS/$UA"

t "remove of a defined-only vGPU"
mkhost $H
ig $H vgpu remove "$UD"
rc_is 1
err_has "It is defined but not active; --undefine deletes its definition"
ig $H vgpu remove "$UD" --undefine
rc_is 0
absent $H "$DEFS/$UD"
ig $H vgpu remove "$UD" --undefine
rc_is 1
ig $H vgpu remove not-a-uuid
rc_is 64

# ---------------------------------------------------------------- define
t "define: new, manual; of an active vGPU; refusals"
mkhost $H
ig $H vgpu define --type V5_4 --uuid 77777777-0000-4000-8000-000000000007 --manual
rc_is 0
out_is 77777777-0000-4000-8000-000000000007
file_is $H "$DEFS/77777777-0000-4000-8000-000000000007" '{"mdev_type":"i915-GVTg_V5_4","start":"manual","attrs":[]}
'
ig $H vgpu define --type V5_4 --uuid 77777777-0000-4000-8000-000000000007
rc_is 1
err_has "defined already"
rm "$work/$H/$DEFS/$UA"
ig $H vgpu define --uuid "$UA"
rc_is 0
file_is $H "$DEFS/$UA" '{"mdev_type":"i915-GVTg_V5_8","start":"auto","attrs":[]}
'
ig $H vgpu define --uuid 88888888-0000-4000-8000-000000000008
rc_is 1
err_has "No active vGPU has the UUID"
ig $H vgpu define mtty
rc_is 64
ig $H vgpu define --type mtty-1 mtty --auto
rc_is 64

# ---------------------------------------------------------------- start-defined
t "start-defined: the auto definitions that are not active"
mkhost $H
ig $H vgpu start-defined
rc_is 0
out_has "Already active: $UA"
out_has "Asked for $UD (i915-GVTg_V5_4 on 0000:00:02.0)"
out_has "Asked for $UT (mtty-2 on mtty)"
file_is $H "$TY/i915-GVTg_V5_4/create" "$UD"
file_is $H "$TY/i915-GVTg_V5_8/create" ""
file_is $H sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/create "$UT"

t "start-defined PARENT; a parent that is absent"
mkhost $H
rm "$work/$H/sys/class/mdev_bus/mtty"
ig $H -J vgpu start-defined
rc_is 0
jqt ".vgpus[] | select(.uuid == \"$UT\") | .status == \"no-parent\""
jqt ".vgpus[] | select(.uuid == \"$UD\") | .status == \"requested\""
jqt ".vgpus[] | select(.uuid == \"$UA\") | .status == \"active\""
mkhost $H
ig $H vgpu start-defined mtty
rc_is 0
file_is $H "$TY/i915-GVTg_V5_4/create" ""
file_is $H sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/create "$UT"

# ------------------------------------------- GPUs without mdev_supported_types
t "Ice Lake: no GVT-g, say so and point to full passthrough"
example icelake-laptop
ig icelake-laptop vgpu types
rc_is 1
err_has "The Intel GPU 0000:00:02.0 offers no vGPU types"
err_has "Ice Lake (Gen 11) has no GVT-g"
err_has "igpuctl setup --mode full 0000:00:02.0"
ig icelake-laptop vgpu create --type V5_4
rc_is 1
err_has "Ice Lake (Gen 11) has no GVT-g"

t "Coffee Lake with GVT-g off: what is missing"
example pve8-coffeelake
ig pve8-coffeelake vgpu create --type V5_4
rc_is 1
err_has "(Coffee Lake, Gen 9) supports GVT-g, but it is not enabled"
err_has "i915.enable_gvt=1"
err_has "kvmgt"
err_has "igpuctl setup --mode gvt-g 0000:00:02.0"

t "N100: no GVT-g, SR-IOV instead"
example pve8-n100-zfs
ig pve8-n100-zfs vgpu types 00:02.0
rc_is 1
err_has "has no GVT-g"
err_has "igpuctl vfs 0000:00:02.0 --count 7"
ig pve8-n100-zfs -J vgpu list --defined
rc_is 0
jqt '.vgpus == []'

# ---------------------------------------------------------------- SR-IOV
t "vfs: an SR-IOV PF without VFs (N100 fixture)"
example pve8-n100-zfs
N=pve8-n100-zfs
ig $N vfs 2.0
rc_is 0
out_is "0000:00:02.0: 0 of 7 VFs enabled (driver i915)"
ig $N -J vfs 00:02.0
rc_is 0
jqt '.address == "0000:00:02.0" and .driver == "i915" and .sriov_totalvfs == 7 and .sriov_numvfs == 0 and .vfs == [] and .persisted == null'

t "vfs --count over totalvfs: ERANGE before writing"
ig $N vfs 00:02.0 --count 8
rc_is 1
err_has "offers at most 7 VFs (sriov_totalvfs), not 8"
file_is $N "$IGPU/sriov_numvfs" "0
"
ig $N vfs 00:02.0 --count seven
rc_is 64

t "vfs --count 7 --persist without sysfsutils: autoprobe off, the count and a udev rule"
ig $N vfs 00:02.0 --count 7 --persist
rc_is 0
file_is $N "$IGPU/sriov_numvfs" "7
"
file_is $N "$IGPU/sriov_drivers_autoprobe" "0
"
file_is $N etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules \
'# Written by igpuctl (igpuctl vfs --persist): SR-IOV settings of 0000:00:02.0 at boot.
# sriov_drivers_autoprobe=0 comes before sriov_numvfs: no host driver probes the
# new VFs (bind them: igpuctl vfs --bind, or igpuctl bind VF --driver ...).
ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", DRIVER=="?*", ATTR{sriov_totalvfs}=="?*", ATTR{sriov_numvfs}=="0", ATTR{sriov_drivers_autoprobe}="0", ATTR{sriov_numvfs}="7"
'
err_has "Wrote /etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules"

t "vfs --count 0 --persist: back to none, rule removed"
ig $N vfs 00:02.0 --count 0 --persist
rc_is 0
file_is $N "$IGPU/sriov_numvfs" "0
"
absent $N etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules

t "vfs on a device without SR-IOV"
example pve8-coffeelake
ig pve8-coffeelake vfs 00:02.0
rc_is 1
err_has "0000:00:02.0 has no SR-IOV capability"
err_has "Coffee Lake (Gen 9) has no SR-IOV"
err_has "GVT-g vGPUs instead"

S=sriov-vfs
mkhost $S
t "vfs: enabled VFs with their drivers and groups"
ig $S vfs 00:02.0
rc_is 0
out_has "0000:00:02.0: 2 of 7 VFs enabled (driver i915)"
grep -Eq '^ +1 +0000:00:02.1 +i915 +13 +-$' "$work/out" || bad "VF 1 row"
grep -Eq '^ +2 +0000:00:02.2 +vfio-pci +14 +-$' "$work/out" || bad "VF 2 row"
ig $S -J vfs 00:02.0
jqt '.vfs == [{"index":0,"vf":1,"address":"0000:00:02.1","driver":"i915","iommu_group":13,"used_by":[]},{"index":1,"vf":2,"address":"0000:00:02.2","driver":"vfio-pci","iommu_group":14,"used_by":[]}]'
ig $S vfs 00:02.1
rc_is 1
err_has "0000:00:02.1 is itself a VF of 0000:00:02.0"

t "vfs --count with a VF on vfio-pci: refused, nothing written"
ig $S vfs 00:02.0 --count 3
rc_is 1
err_has "VF 0000:00:02.2 is bound to vfio-pci"
file_is $S "$IGPU/sriov_numvfs" "2
"

t "vfs --bind: driver_override, unbind, drivers_probe (bind.h); nothing binds under --root"
# No kernel behind the tree: the driver link never moves, so the bind is
# reported as failed and the VF handed back (the real bind is in vm-sriov.sh).
ig $S vfs 00:02.0 --bind
rc_is 1
err_has "VF 0000:00:02.1 did not bind to vfio-pci; it went back to i915"
file_is $S sys/bus/pci/drivers/i915/unbind "0000:00:02.1"
file_is $S sys/bus/pci/drivers_probe "0000:00:02.1"
file_is $S sys/bus/pci/drivers/vfio-pci/unbind ""
file_is $S "$IGPU/../0000:00:02.2/driver_override" "vfio-pci"

t "vfs --persist keeps the admin's sysfsutils line, autoprobe off just before it"
mkhost $S
ig $S vfs 00:02.0 --persist
rc_is 0
file_is $S etc/sysfs.conf '# /etc/sysfs.conf - Configuration file for setting sysfs attributes.
mode class/backlight/intel_backlight/brightness = 0664
devices/pci0000:00/0000:00:02.0/sriov_drivers_autoprobe = 0 # igpuctl
devices/pci0000:00/0000:00:02.0/sriov_numvfs = 2
'
absent $S etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules
ig $S -J vfs 00:02.0 --persist
jqt '.persisted == "/etc/sysfs.conf"'
# A second run keeps igpuctl's autoprobe line with the admin's count.
file_is $S etc/sysfs.conf '# /etc/sysfs.conf - Configuration file for setting sysfs attributes.
mode class/backlight/intel_backlight/brightness = 0664
devices/pci0000:00/0000:00:02.0/sriov_drivers_autoprobe = 0 # igpuctl
devices/pci0000:00/0000:00:02.0/sriov_numvfs = 2
'
ig $S vfs 00:02.0 --count 2 --persist --dry-run
out_has "Nothing to change"
sed -i 's/= 2$/= 5/' "$work/$S/etc/sysfs.conf"
ig $S vfs 00:02.0 --persist
rc_is 0
grep -qx 'devices/pci0000:00/0000:00:02.0/sriov_numvfs = 2' "$work/$S/etc/sysfs.conf" || bad "sysfs.conf line not updated"
grep -qx 'mode class/backlight/intel_backlight/brightness = 0664' "$work/$S/etc/sysfs.conf" || bad "other line lost"

# ---------------------------------------------------------------- the change path
# Every writer goes through the lock and the journal: `revert --list` names
# the change, `revert --yes` restores etc/ and var/ byte for byte (but the
# lock file, which stays as dpkg's does), after which nothing is listed.

# snap HOST: every file and link under etc/ and var/ with its checksum and mode.
snap() {
	(cd "$work/$1" && find etc var \( -xtype f -o -type l \) ! -path var/lib/igpuctl/lock 2>/dev/null | sort |
		while read -r f; do
			if [[ -L $f ]]; then echo "$f -> $(readlink "$f")"; else echo "$f $(sha256sum <"$f" | cut -c1-16) $(stat -c %a "$f")"; fi
		done)
}
# list_is HOST TEXT: `revert --list`, its times masked, is TEXT.
list_is() {
	ig "$1" revert --list
	rc_is 0
	sed -i -E 's/^([0-9]+ +)[0-9-]+ [0-9:]+Z/\1@TIME@/' "$work/out"
	out_is "$2"
}
# undone HOST SNAPSHOT: revert --yes brings back SNAPSHOT; nothing is listed.
undone() {
	ig "$1" revert --yes
	rc_is 0
	out_has "Reverted."
	[ "$(snap "$1")" = "$2" ] || bad "revert did not restore etc/ and var/: $(diff <(echo "$2") <(snap "$1"))"
	list_is "$1" "No changes to revert: igpuctl has not changed this host."
}
NONE="No changes to revert: igpuctl has not changed this host."
U7=77777777-0000-4000-8000-000000000007
U8=88888888-0000-4000-8000-000000000008

t "vfs --count 7 --persist: journaled; revert takes the rule out, the count stays"
example pve8-n100-zfs
before=$(snap $N)
ig $N vfs 00:02.0 --count 7 --persist
rc_is 0
list_is $N "ID   WHEN                  COMMAND / CHANGED
1    @TIME@  igpuctl vfs --count 7 --persist 00:02.0
                           /etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules"
undone $N "$before"
file_is $N "$IGPU/sriov_numvfs" "7
"

t "vfs --persist on the admin's sysfsutils line: revert puts the old value back"
mkhost $S
sed -i 's/= 2$/= 5/' "$work/$S/etc/sysfs.conf"
before=$(snap $S)
ig $S vfs 00:02.0 --persist
rc_is 0
grep -qx 'devices/pci0000:00/0000:00:02.0/sriov_numvfs = 2' "$work/$S/etc/sysfs.conf" || bad "line not updated"
list_is $S "ID   WHEN                  COMMAND / CHANGED
1    @TIME@  igpuctl vfs --persist 00:02.0
                           /etc/sysfs.conf"
undone $S "$before"

t "vfs --count over VFs that guests are configured with: refused unless --force"
P=pve8-n100-sriov
example $P
ig $P vfs 00:02.0 --count 3
rc_is 1
err_has "VF 0000:00:02.1 is used by proxmox-vm:201; changing the count of 0000:00:02.0 removes every VF"
err_has "then run again with --force"
# CTs on the host's i915 are users too, though no VF is on vfio-pci.
for f in 1 3 4; do ln -sfn ../../../bus/pci/drivers/i915 "$work/$P/sys/devices/pci0000:00/0000:00:02.$f/driver"; done
rm "$work/$P/etc/pve/qemu-server/201.conf" "$work/$P/etc/pve/qemu-server/202.conf"
ig $P vfs 00:02.0 --count 3
rc_is 1
err_has "VF 0000:00:02.2 is used by proxmox-ct:300, proxmox-ct:301"
file_is $P sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs "5
"
ig $P vfs 00:02.0 --count 3 --force
rc_is 0
file_is $P sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs "3
"

t "vfs --count refused with ENOENT: the route check and setup recommend"
example pve8-n100-zfs
IGPUCTL_FAULT=attr:1:enoent ig $N vfs 00:02.0 --count 2
rc_is 1
err_has "Failed to enable VFs on 0000:00:02.0 (writing sriov_numvfs): No such file or directory"
err_has "Use i915-sriov-dkms: the xe driver of 6.8.12-4-pve"
err_has "igpuctl setup --mode sriov 0000:00:02.0 configures it"
example pve92-n100-xe
IGPUCTL_FAULT=attr:1:enoent ig pve92-n100-xe vfs 00:02.0 --count 2
rc_is 1
err_has "Use xe, since 7.0.2-1-pve boots next"
err_has "igpuctl setup --mode sriov --sriov-driver xe 0000:00:02.0 configures it"
file_is pve92-n100-xe "$IGPU/sriov_numvfs" "0
"

t "vfs --persist on an admin's rule igpuctl does not edit: the note, no claim"
example pve8-n100-zfs
mkdir -p "$work/$N/etc/udev/rules.d"
printf '%s\n' 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", \' '  ATTR{sriov_numvfs}="4"' \
	>"$work/$N/etc/udev/rules.d/80-sriov.rules"
ig $N vfs 00:02.0 --count 2 --persist
rc_is 0
err_has "Note: /etc/udev/rules.d/80-sriov.rules:1 sets the VF count of 0000:00:02.0 in a form igpuctl does not edit: set it to 2 there."
grep -q "VFs on 0000:00:02.0 at boot" "$work/err" && bad "claims a count at boot"
ig $N -J vfs 00:02.0 --count 2 --persist
jqt '.persisted == null'

t "vfs --count --dry-run: the plan, no lock, nothing written"
example pve8-n100-zfs
before=$(snap $N)
ig $N vfs 00:02.0 --count 3 --persist --dry-run
rc_is 0
out_has '+ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", DRIVER=="?*", ATTR{sriov_totalvfs}=="?*", ATTR{sriov_numvfs}=="0", ATTR{sriov_drivers_autoprobe}="0", ATTR{sriov_numvfs}="3"'
out_has "  0  >  /sys/bus/pci/devices/0000:00:02.0/sriov_drivers_autoprobe"
out_has "  3  >  /sys/bus/pci/devices/0000:00:02.0/sriov_numvfs"
out_has "Dry run: nothing was changed."
[ "$(snap $N)" = "$before" ] || bad "--dry-run changed etc/ or var/"
absent $N var/lib/igpuctl/lock
file_is $N "$IGPU/sriov_numvfs" "0
"

mkhost $H
t "vgpu define: journaled; revert removes the definition"
before=$(snap $H)
ig $H vgpu define --type V5_4 --uuid $U7
rc_is 0
list_is $H "ID   WHEN                  COMMAND / CHANGED
1    @TIME@  igpuctl vgpu define --type V5_4 --uuid $U7
                           /$DEFS/$U7"
ig $H vgpu define --type V5_4 --uuid $U7
rc_is 0
err_has "Already defined vGPU $U7"
undone $H "$before"

t "vgpu create --auto: the definition is journaled, the vGPU is not"
mkhost $H
before=$(snap $H)
ig $H vgpu create --type V5_8 --uuid $U8 --auto
rc_is 0
file_is $H "$TY/i915-GVTg_V5_8/create" $U8
list_is $H "ID   WHEN                  COMMAND / CHANGED
1    @TIME@  igpuctl vgpu create --type V5_8 --uuid $U8 --auto
                           /$DEFS/$U8"
undone $H "$before"
file_is $H "$TY/i915-GVTg_V5_8/create" $U8

t "vgpu remove --undefine: revert puts mdevctl's definition back byte for byte"
mkhost $H
before=$(snap $H)
ig $H vgpu remove "$UD" --undefine
rc_is 0
absent $H "$DEFS/$UD"
list_is $H "ID   WHEN                  COMMAND / CHANGED
1    @TIME@  igpuctl vgpu remove --undefine $UD
                           /$DEFS/$UD"
undone $H "$before"

t "revert ID: one of two changes"
mkhost $H
before=$(snap $H)
ig $H vgpu define --type V5_4 --uuid $U7
ig $H vgpu remove "$UM" --undefine
rc_is 0
ig $H revert 1 --yes
rc_is 0
absent $H "$DEFS/$U7"
absent $H "$DEFS/$UM"
list_is $H "ID   WHEN                  COMMAND / CHANGED
2    @TIME@  igpuctl vgpu remove --undefine $UM
                           /$DEFS/$UM"
undone $H "$before"

t "a definition changed since: revert leaves it with a step by hand, undoes the rest"
mkhost $H
ig $H vgpu define --type V5_4 --uuid $U7
ig $H vgpu remove "$UM" --undefine
printf '{\n  "mdev_type": "i915-GVTg_V5_4",\n  "start": "manual",\n  "attrs": []\n}\n' >"$work/$H/$DEFS/$U7"
ig $H revert --yes
rc_is 1
err_has "Left to do by hand:"
err_has "/$DEFS/$U7: it was changed since igpuctl wrote it; igpuctl created it: remove it by hand"
[ -e "$work/$H/$DEFS/$UM" ] || bad "the other change was not undone"
grep -q '"start": "manual"' "$work/$H/$DEFS/$U7" || bad "the changed definition was touched"
list_is $H "ID   WHEN                  COMMAND / CHANGED
1    @TIME@  igpuctl vgpu define --type V5_4 --uuid $U7
                           /$DEFS/$U7"

t "vgpu create --auto: the kernel refuses, the definition goes too"
mkhost $H
before=$(snap $H)
rm "$work/$H/$TY/i915-GVTg_V5_8/create"
mkdir "$work/$H/$TY/i915-GVTg_V5_8/create"
ig $H vgpu create --type V5_8 --uuid $U8 --auto
rc_is 1
err_has "Failed to create a vGPU of type i915-GVTg_V5_8 on 0000:00:02.0"
absent $H "$DEFS/$U8"
[ "$(snap $H)" = "$before" ] || bad "a refused create left files"
list_is $H "$NONE"

t "a second igpuctl is refused while one holds the lock; dry runs go on"
mkhost $H
mkdir -p "$work/$H/var/lib/igpuctl"
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(60)' \
	"$work/$H/var/lib/igpuctl/lock" >"$work/lock.out" &
holder=$!
for _ in $(seq 100); do grep -q locked "$work/lock.out" 2>/dev/null && break; sleep 0.05; done
before=$(snap $H)
export IGPUCTL_LOCK_TIMEOUT=0
for cmd in "vgpu define --type V5_4 --uuid $U7" "vgpu create --type V5_8 --uuid $U8" \
	"vgpu remove $UA --undefine" "vfs 00:02.0 --count 1"; do
	# shellcheck disable=SC2086
	ig $H $cmd
	rc_is 1
	err_has "another igpuctl (pid $holder) is changing this host"
done
ig $H vgpu define --type V5_4 --uuid $U7 --dry-run
rc_is 0
out_has "+{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"auto\",\"attrs\":[]}"
ig $H vgpu remove $UA --undefine -n
rc_is 0
out_has "  1  >  /sys/bus/mdev/devices/$UA/remove"
unset IGPUCTL_LOCK_TIMEOUT
kill "$holder"
wait "$holder" 2>/dev/null
[ "$(snap $H)" = "$before" ] || bad "a refused or dry run changed files"
file_is $H "$TY/i915-GVTg_V5_8/create" ""
file_is $H "$IGPU/$UA/remove" ""

# ---------------------------------------------------------------- one place for the count at boot
# sriov_persist.h: sysfsutils where it is installed (/etc/sysfs.d when it reads
# it, else lines in /etc/sysfs.conf), else a udev rule; what is there already
# is updated, not doubled; revert gives back every byte.
Y=sriov-sysfsutils
SD=etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf
RULE=etc/udev/rules.d/70-igpuctl-sriov-0000:00:02.0.rules
KEY=devices/pci0000:00/0000:00:02.0
SYSFS_CONF='# /etc/sysfs.conf - Configuration file for setting sysfs attributes.
#
# The sysfs mount directory is automatically prepended to the attribute paths.
'
sd_is() { # sd_is COMMAND N: igpuctl's sysfs.d file for N VFs
	file_is $Y $SD "# Written by igpuctl ($1): SR-IOV settings of 0000:00:02.0 at boot.
# sriov_drivers_autoprobe=0 comes before sriov_numvfs: no host driver probes the
# new VFs (bind them: igpuctl vfs --bind, or igpuctl bind VF --driver ...).
$KEY/sriov_drivers_autoprobe = 0
$KEY/sriov_numvfs = $2
"
}

t "vfs --set keeps igpuctl's count that wins at boot; an admin's later count gets a note"
mkhost $Y
ig $Y vfs 00:02.0 --count 3 --persist
printf '%s\n' "$KEY/sriov_numvfs = 5" >"$work/$Y/etc/sysfs.d/zz-admin.conf"
ig $Y vfs 00:02.0 --set 1 exec_quantum_ms=20
rc_is 0
grep -qx "$KEY/sriov_numvfs = 3" "$work/$Y/$SD" || bad "igpuctl's count was dropped"
grep -qx "$KEY/sriov_drivers_autoprobe = 0" "$work/$Y/$SD" || bad "autoprobe was dropped"
err_has "Note: /etc/sysfs.d/zz-admin.conf:1 also sets the VF count of 0000:00:02.0 (5)"

t "sysfsutils 2.1.1-4 installed: vfs --count 3 --persist writes a file in /etc/sysfs.d, no udev rule"
mkhost $Y
before=$(snap $Y)
ig $Y vfs 00:02.0 --count 3 --persist
rc_is 0
sd_is "igpuctl vfs --persist" 3
absent $Y $RULE
file_is $Y etc/sysfs.conf "$SYSFS_CONF"
file_is $Y "$IGPU/sriov_drivers_autoprobe" "0
"
file_is $Y "$IGPU/sriov_numvfs" "3
"
err_has "Wrote /etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf: 3 VFs on 0000:00:02.0 at boot"

t "then setup --mode sriov: the same file gets 7, no line in /etc/sysfs.conf (the EBUSY race)"
ig $Y setup --mode sriov 00:02.0 --yes
rc_is 0
sd_is "igpuctl setup --mode sriov" 7
file_is $Y etc/sysfs.conf "$SYSFS_CONF"
absent $Y $RULE
ig $Y check --mode sriov 00:02.0
out_has "/etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf:5 enables 7 virtual functions at boot."
undone $Y "$before"

t "an earlier igpuctl's udev rule with sysfsutils installed: moved to /etc/sysfs.d, revert brings it back"
mkhost $Y
mkdir -p "$work/$Y/etc/udev/rules.d"
printf '%s\n' '# Written by igpuctl (igpuctl vfs 0000:00:02.0 --count 3 --persist):' \
	'ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", DRIVER=="?*", ATTR{sriov_totalvfs}=="?*", ATTR{sriov_numvfs}=="0", ATTR{sriov_numvfs}="3"' \
	>"$work/$Y/$RULE"
before=$(snap $Y)
ig $Y setup --mode sriov 00:02.0 --yes
rc_is 0
sd_is "igpuctl setup --mode sriov" 7
absent $Y $RULE
undone $Y "$before"

t "the admin's line in /etc/sysfs.conf wins: updated in place, igpuctl's rule removed, nothing added"
mkhost $Y
mkdir -p "$work/$Y/etc/udev/rules.d"
printf '%s\n' 'ACTION=="add|bind", KERNEL=="0000:00:02.0", ATTR{sriov_numvfs}="3"' >"$work/$Y/$RULE"
printf '%s\n' "bus/pci/devices/0000:00:02.0/sriov_numvfs = 7" >>"$work/$Y/etc/sysfs.conf"
before=$(snap $Y)
ig $Y vfs 00:02.0 --count 5 --persist
rc_is 0
file_is $Y etc/sysfs.conf "$SYSFS_CONF"'bus/pci/devices/0000:00:02.0/sriov_drivers_autoprobe = 0 # igpuctl
bus/pci/devices/0000:00:02.0/sriov_numvfs = 5
'
absent $Y $RULE
absent $Y $SD
err_has "Wrote /etc/sysfs.conf: 5 VFs on 0000:00:02.0 at boot"
undone $Y "$before"

t "two places set the count: check warns; the plan updates the first and names the other"
mkhost $Y
mkdir -p "$work/$Y/etc/udev/rules.d"
printf '%s\n' '# mine' 'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", ATTR{sriov_numvfs}=="0", ATTR{sriov_numvfs}="4"' \
	>"$work/$Y/etc/udev/rules.d/99-sriov.rules"
printf '%s\n' "$KEY/sriov_numvfs = 7" >>"$work/$Y/etc/sysfs.conf"
ig $Y check --mode sriov 00:02.0
out_has "Two places set the VF count of 0000:00:02.0 at boot: /etc/udev/rules.d/99-sriov.rules:2 (4) and /etc/sysfs.conf:4 (7)."
before=$(snap $Y)
ig $Y vfs 00:02.0 --count 2 --persist --dry-run
rc_is 0
out_has '+ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", ATTR{sriov_numvfs}=="0", ATTR{sriov_drivers_autoprobe}="0", ATTR{sriov_numvfs}="2"'
out_has "/etc/sysfs.conf:4 also sets the VF count of 0000:00:02.0 (7): at boot the first write wins and the other fails with EBUSY; remove that line."
[ "$(snap $Y)" = "$before" ] || bad "--dry-run changed files"

t "sysfsutils that predates /etc/sysfs.d (2.1.0+repack-2): marked lines in /etc/sysfs.conf, revert takes them out"
mkhost $Y
sed -i 's/^Version: 2.1.1-4$/Version: 2.1.0+repack-2/' "$work/$Y/var/lib/dpkg/status"
before=$(snap $Y)
ig $Y vfs 00:02.0 --count 3 --persist
rc_is 0
file_is $Y etc/sysfs.conf "$SYSFS_CONF$KEY/sriov_drivers_autoprobe = 0 # igpuctl
$KEY/sriov_numvfs = 3 # igpuctl
"
absent $Y $SD
absent $Y $RULE
undone $Y "$before"
ig $Y vfs 00:02.0 --count 3 --persist
ig $Y vfs 00:02.0 --count 0 --persist
rc_is 0
file_is $Y etc/sysfs.conf "$SYSFS_CONF"

t "no package database, only /etc/sysfs.conf: lines there"
mkhost $Y
rm -r "$work/$Y/var/lib/dpkg" "$work/$Y/etc/sysfs.d"
ig $Y vfs 00:02.0 --count 2 --persist --dry-run
rc_is 0
out_has "+$KEY/sriov_numvfs = 2 # igpuctl"
out_has "no package database lists sysfsutils, but /etc/sysfs.conf exists"

# ---------------------------------------------------------------- per-VF scheduling
PI=$IGPU/drm/card0/prelim_iov
t "vfs --set on i915-sriov-dkms: prelim_iov/vfN/gt0 now and in /etc/sysfs.d; --sched shows both"
mkhost $Y
before=$(snap $Y)
ig $Y vfs 00:02.0 --set 1 exec_quantum_ms=20 --set 2 preempt_timeout_us=5000
rc_is 0
# (a sysfs attribute file in the tree is written in place, as the kernel would take it)
file_is $Y "$PI/vf1/gt0/exec_quantum_ms" "20"
file_is $Y "$PI/vf2/gt0/preempt_timeout_us" "5000"
err_has "Wrote /etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf: VF scheduling of 0000:00:02.0 at boot"
file_is $Y $SD "# Written by igpuctl (igpuctl vfs --set): SR-IOV settings of 0000:00:02.0 at boot.
$KEY/drm/card0/prelim_iov/vf1/gt0/exec_quantum_ms = 20
$KEY/drm/card0/prelim_iov/vf2/gt0/preempt_timeout_us = 5000
"
ig $Y vfs 00:02.0 --sched
rc_is 0
grep -Eq '^ +1 +20 +0 +- +exec_quantum_ms=20 \(/etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf:2\)$' "$work/out" || bad "VF 1 sched row"
ig $Y -J vfs 00:02.0 --sched
jqt '.sched[1] == {"vf":2,"exec_quantum_ms":"0","preempt_timeout_us":"5000","sched_priority":null,"at_boot":"preempt_timeout_us=5000 (/etc/sysfs.d/igpuctl-sriov-0000:00:02.0.conf:3)"}'
t "then --count 3 --persist keeps the scheduling lines, autoprobe first, the count last"
ig $Y vfs 00:02.0 --count 3 --persist
rc_is 0
file_is $Y $SD "# Written by igpuctl (igpuctl vfs --persist): SR-IOV settings of 0000:00:02.0 at boot.
# sriov_drivers_autoprobe=0 comes before sriov_numvfs: no host driver probes the
# new VFs (bind them: igpuctl vfs --bind, or igpuctl bind VF --driver ...).
$KEY/sriov_drivers_autoprobe = 0
$KEY/drm/card0/prelim_iov/vf1/gt0/exec_quantum_ms = 20
$KEY/drm/card0/prelim_iov/vf2/gt0/preempt_timeout_us = 5000
$KEY/sriov_numvfs = 3
"
undone $Y "$before"

t "vfs --set: bad input is one line, nothing changed"
mkhost $Y
before=$(snap $Y)
for bad_set in "9 exec_quantum_ms=1:64:has VFs 1 to 7, not 9" "1 quantum=1:64:unknown key 'quantum'" \
	"1 exec_quantum_ms=soon:64:exec_quantum_ms wants a number" "x exec_quantum_ms=1:64:wants a VF number" \
	"1 sched_priority=low:1:has no sched_priority for VF 1"; do
	IFS=: read -r args code msg <<<"$bad_set"
	# shellcheck disable=SC2086
	ig $Y vfs 00:02.0 --set $args
	rc_is "$code"
	err_has "$msg"
	[ "$(wc -l <"$work/err")" -le 2 ] || bad "more than a line or two of error"
done
ig $Y vfs 00:02.0 --set 1
rc_is 64
err_has "--set wants VFN KEY=VALUE"
[ "$(snap $Y)" = "$before" ] || bad "bad --set changed files"
file_is $Y "$PI/vf1/gt0/exec_quantum_ms" "0
"

t "vfs --set on xe (sriov_admin/vfN/profile) without sysfsutils: the udev rule; a read-only priority is refused"
example pve8-n100-zfs
for vf in 1 2 3 4 5 6 7; do
	mkdir -p "$work/$N/$IGPU/sriov_admin/vf$vf/profile"
	echo 0 >"$work/$N/$IGPU/sriov_admin/vf$vf/profile/exec_quantum_ms"
	echo 0 >"$work/$N/$IGPU/sriov_admin/vf$vf/profile/preempt_timeout_us"
	echo "[low] normal" >"$work/$N/$IGPU/sriov_admin/vf$vf/profile/sched_priority"
	chmod 0444 "$work/$N/$IGPU/sriov_admin/vf$vf/profile/sched_priority"
done
before=$(snap $N)
ig $N vfs 00:02.0 --set 1 sched_priority=normal
rc_is 1
err_has "sched_priority of VF 1 is read-only"
ig $N vfs 00:02.0 --set 1 sched_priority=top
rc_is 64
err_has "sched_priority is low, normal or high, not 'top'"
chmod 0644 "$work/$N/$IGPU/sriov_admin/vf2/profile/sched_priority"
ig $N vfs 00:02.0 --set 1 exec_quantum_ms=25 --set 2 sched_priority=normal
rc_is 0
file_is $N "$IGPU/sriov_admin/vf1/profile/exec_quantum_ms" "25"
file_is $N $RULE '# Written by igpuctl (igpuctl vfs --set): SR-IOV settings of 0000:00:02.0 at boot.
ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:00:02.0", DRIVER=="?*", ATTR{sriov_totalvfs}=="?*", ATTR{sriov_admin/vf1/profile/exec_quantum_ms}="25", ATTR{sriov_admin/vf2/profile/sched_priority}="normal"
'
ig $N vfs 00:02.0 --sched
grep -Eq '^ +1 +25 +0 +low ' "$work/out" || bad "xe VF 1 row (the chosen priority)"
undone $N "$before"

echo
if ((failures)); then
	echo "vgpu fixtures: $failures failure(s)"
	exit 1
fi
echo "vgpu fixtures: all passed"
