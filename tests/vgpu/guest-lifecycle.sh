# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the QEMU guest (busybox sh) started by tests/vgpu/vm-lifecycle.sh:
# the whole vGPU lifecycle of igpuctl on the kernel's real mdev and vfio core,
# with tests/kmod/igpuctl_mdev_test.ko as the GVT-g parent at 00:02.0, and
# Debian's mdevctl in the same guest reading and writing the same definitions.
#
# Every step prints the command and what it printed; the first failed
# expectation ends the script with status 1.

P=0000:00:02.0
TYPES=/sys/bus/pci/devices/$P/mdev_supported_types
DEVS=/sys/bus/mdev/devices
DEFS=/etc/mdevctl.d/$P
U1=5a3e3c4e-6f7b-4b8e-9d0a-1c2b3a4d5e6f   # given in upper case below
U4=00000000-0000-0000-0000-000000000104   # defined by igpuctl, started later
U5=11111111-2222-4333-8444-555555555555   # defined by mdevctl

# step, fail, ok, run, expect_rc, expect_err, expect_out, jqt
# shellcheck source=../lib/guest.sh
. /test/guest.sh

avail() { cat "$TYPES/i915-GVTg_V5_$1/available_instances"; }
is_uuid() { echo "$1" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'; }

step "the test double binds 00:02.0 as an mdev parent"
run modprobe igpuctl_mdev_test
expect_rc 0
[ "$(basename "$(readlink /sys/bus/pci/devices/$P/driver)")" = i915 ] || fail "00:02.0 is not bound to the test double"
[ -e /sys/class/mdev_bus/$P ] || fail "$P is not in /sys/class/mdev_bus"
ok "parent registered"

step "vgpu types: the four GVT-g types with the aperture's instances"
run igpuctl vgpu types
expect_rc 0
for t in 1 2 4 8; do expect_out "i915-GVTg_V5_$t"; done
run igpuctl -J vgpu types
expect_rc 0
jqt '.types | length == 4'
jqt '[.types[] | .parent] | unique == ["0000:00:02.0"]'
jqt '.types[] | select(.type == "i915-GVTg_V5_4") | .name == "GVTg_V5_4" and .device_api == "vfio-pci" and .available_instances == 5'
jqt '.types[] | select(.type == "i915-GVTg_V5_1") | .available_instances == 1 and .low_gm_mb == 512 and .high_gm_mb == 2048 and .weight == 16'
jqt '.types[] | select(.type == "i915-GVTg_V5_8") | .available_instances == 7 and .resolution == "1024x768" and .fence == 4'
jqt '.types[] | select(.type == "i915-GVTg_V5_2") | .description == "low_gm_size: 256MB\nhigh_gm_size: 1024MB\nfence: 4\nresolution: 1920x1200\nweight: 8"'
ok "types as the kernel shows them"

step "create with a given UUID (upper case), type as V5_4"
U1UP=$(echo "$U1" | tr a-f A-F)
run igpuctl vgpu create --type V5_4 --uuid "$U1UP"
expect_rc 0
[ "$out" = "$U1" ] || fail "stdout is not the lowercase UUID"
[ -d "$DEVS/$U1" ] || fail "$DEVS/$U1 missing"
[ "$(basename "$(readlink "$DEVS/$U1/mdev_type")")" = i915-GVTg_V5_4 ] || fail "wrong type"
G1=$(basename "$(readlink "$DEVS/$U1/iommu_group")")
[ -c "/dev/vfio/$G1" ] || fail "/dev/vfio/$G1 is not a character device"
expect_err "IOMMU group $G1, /dev/vfio/$G1"
[ "$(avail 4)" = 4 ] || fail "available_instances of V5_4 did not drop to 4"
ok "vGPU $U1 in IOMMU group $G1"

step "create with a generated UUID, type as GVTg_V5_8, default parent"
run igpuctl vgpu create --type GVTg_V5_8
expect_rc 0
U2=$out
is_uuid "$U2" || fail "'$U2' is not a UUID"
[ "$U2" != "$U1" ] || fail "generated UUID repeats"
[ "$(basename "$(readlink "$DEVS/$U2/mdev_type")")" = i915-GVTg_V5_8 ] || fail "wrong type"
ok "vGPU $U2"

step "create with the parent as 00:02.0 and the full type name, JSON"
run igpuctl -J vgpu create 00:02.0 --type i915-GVTg_V5_2
expect_rc 0
U3=$(echo "$out" | jq -r .uuid)
G3=$(basename "$(readlink "$DEVS/$U3/iommu_group")")
jqt ".parent == \"$P\" and .type == \"i915-GVTg_V5_2\" and .active == true and .defined == false"
jqt ".iommu_group == $G3 and .vfio_node == \"/dev/vfio/$G3\""
[ -c "/dev/vfio/$G3" ] || fail "/dev/vfio/$G3 missing"
ok "vGPU $U3"

step "vgpu list"
run igpuctl -J vgpu list
expect_rc 0
jqt '.vgpus | length == 3'
jqt "[.vgpus[] | .uuid] | sort == ([\"$U1\", \"$U2\", \"$U3\"] | sort)"
jqt '[.vgpus[] | .active] | all'
jqt '[.vgpus[] | .defined or .auto] | any | not'
jqt ".vgpus[] | select(.uuid == \"$U1\") | .parent == \"$P\" and .type == \"i915-GVTg_V5_4\" and .iommu_group == $G1"
run igpuctl vgpu list
expect_rc 0
expect_out "$U1"
ok "three active vGPUs"

step "a UUID in use is refused before the kernel is asked"
run igpuctl vgpu create --type V5_8 --uuid "$U1"
expect_rc 1
expect_err "in use by an active vGPU"
run igpuctl vgpu create --type V5_8 --uuid not-a-uuid
expect_rc 64
ok "refused"

step "exhaustion: V5_1 no longer fits the aperture"
[ "$(avail 1)" = 0 ] || fail "V5_1 still has instances"
run igpuctl vgpu create --type V5_1
expect_rc 1
expect_err "No instance of i915-GVTg_V5_1 is left"
expect_err "aperture"
expect_err "Use a smaller type: i915-GVTg_V5_"
[ "$(ls $DEVS | wc -l)" = 3 ] || fail "a vGPU appeared anyway"
echo "\$ echo UUID > $TYPES/i915-GVTg_V5_1/create   (the kernel's own answer)"
if echo 22222222-0000-4000-8000-000000000001 >"$TYPES/i915-GVTg_V5_1/create" 2>/tmp/err; then
	fail "the kernel created a V5_1 beyond the aperture"
fi
cat /tmp/err
grep -q "No space left on device" /tmp/err || fail "the kernel did not answer ENOSPC"
ok "ENOSPC from the kernel"

step "ENOSPC from the kernel reaches igpuctl's explanation (a lost race)"
echo 1 >/sys/module/igpuctl_mdev_test/parameters/overstate_available
[ "$(avail 1)" = 1 ] || fail "overstate_available had no effect"
run igpuctl vgpu create --type V5_1
echo 0 >/sys/module/igpuctl_mdev_test/parameters/overstate_available
expect_rc 1
expect_err "The kernel refused a vGPU of type i915-GVTg_V5_1 on $P: No space left on device"
expect_err "enlarge the aperture"
[ "$(ls $DEVS | wc -l)" = 3 ] || fail "a vGPU appeared anyway"
ok "explained"

step "remove"
# V5_4 + V5_8 + V5_2 leave 768MB high GM: 2 more V5_8; without the V5_8, 3.
[ "$(avail 8)" = 2 ] || fail "expected 2 V5_8 left, have $(avail 8)"
run igpuctl vgpu remove "$U2"
expect_rc 0
[ ! -e "$DEVS/$U2" ] || fail "$U2 still there"
[ "$(avail 8)" = 3 ] || fail "V5_8 instances not given back (have $(avail 8))"
run igpuctl vgpu remove "$U2"
expect_rc 1
expect_err "No active vGPU"
ok "removed"

step "remove frees the IOMMU group and its /dev/vfio node"
run igpuctl vgpu remove "$U3"
expect_rc 0
[ ! -e "/dev/vfio/$G3" ] || fail "/dev/vfio/$G3 still there"
ok "node gone"

step "define (igpuctl) writes mdevctl's format"
run igpuctl vgpu define --type V5_4 --uuid "$U4"
expect_rc 0
[ "$out" = "$U4" ] || fail "define did not print the UUID"
[ "$(cat "$DEFS/$U4")" = '{"mdev_type":"i915-GVTg_V5_4","start":"auto","attrs":[]}' ] || fail "unexpected $DEFS/$U4: $(cat "$DEFS/$U4")"
[ ! -e "$DEVS/$U4" ] || fail "define created the device"
run igpuctl vgpu define --type V5_8 --uuid "$U4"
expect_rc 1
expect_err "defined already"
run igpuctl vgpu define --type V5_8 --manual
expect_rc 0
UM=$out
grep -q '"start":"manual"' "$DEFS/$UM" || fail "manual definition not manual"
run igpuctl vgpu define --uuid "$U1"
expect_rc 0
grep -q '"mdev_type":"i915-GVTg_V5_4"' "$DEFS/$U1" || fail "defining active $U1 lost its type"
ok "defined $U4 (auto), $UM (manual), $U1 (the active one)"

step "create --auto: created and defined at once"
run igpuctl vgpu create --type V5_8 --auto
expect_rc 0
UA=$out
[ -d "$DEVS/$UA" ] || fail "not created"
grep -q '"start":"auto"' "$DEFS/$UA" || fail "not defined auto"
expect_err "comes back at boot"
ok "$UA"

step "mdevctl (Debian's) sees igpuctl's vGPUs"
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
run mdevctl list
expect_rc 0
for u in "$U1" "$UA"; do expect_out "$u $P i915-GVTg_V5_"; done
run mdevctl list --defined
expect_rc 0
expect_out "$U4 $P i915-GVTg_V5_4 auto"
expect_out "$UM $P i915-GVTg_V5_8 manual"
expect_out "$UA $P i915-GVTg_V5_8 auto"
run mdevctl types
expect_rc 0
expect_out "i915-GVTg_V5_4"
ok "mdevctl lists them"

step "igpuctl sees mdevctl's definition"
run mdevctl define --uuid "$U5" --parent "$P" --type i915-GVTg_V5_8 --auto
expect_rc 0
echo "mdevctl wrote:"; sed 's/^/  /' "$DEFS/$U5"
run igpuctl -J vgpu list --defined
expect_rc 0
jqt ".vgpus[] | select(.uuid == \"$U5\") | .parent == \"$P\" and .type == \"i915-GVTg_V5_8\" and .active == false and .defined == true and .auto == true"
jqt ".vgpus[] | select(.uuid == \"$U4\") | .active == false and .defined and .auto"
jqt ".vgpus[] | select(.uuid == \"$UM\") | .active == false and .defined and (.auto | not)"
jqt ".vgpus[] | select(.uuid == \"$U1\") | .active and .defined and .auto"
jqt '.vgpus | length == 5'
run igpuctl -J vgpu list
jqt '.vgpus | length == 2'
ok "igpuctl lists mdevctl's $U5"

step "start-defined starts the auto ones, not the manual one"
run igpuctl vgpu start-defined
expect_rc 0
expect_out "Started $U4 (i915-GVTg_V5_4 on $P)"
expect_out "Started $U5 (i915-GVTg_V5_8 on $P)"
expect_out "Already active: $U1"
[ -d "$DEVS/$U4" ] && [ -d "$DEVS/$U5" ] || fail "not started"
[ ! -e "$DEVS/$UM" ] || fail "the manual definition was started"
run mdevctl list
expect_out "$U5 $P i915-GVTg_V5_8"
ok "started"

step "mdevctl starts igpuctl's manual definition; igpuctl removes it"
run mdevctl start --uuid "$UM"
expect_rc 0
[ -d "$DEVS/$UM" ] || fail "mdevctl did not start $UM"
run igpuctl vgpu remove "$UM" --undefine
expect_rc 0
[ ! -e "$DEVS/$UM" ] && [ ! -e "$DEFS/$UM" ] || fail "$UM not removed and undefined"
run mdevctl list --defined
echo "$out" | grep -q "$UM" && fail "mdevctl still lists $UM"
ok "interoperate both ways"

step "reboot: the parent goes away, comes back, start-defined restores"
run rmmod igpuctl_mdev_test
expect_rc 0
[ -z "$(ls $DEVS)" ] || fail "vGPUs survived the parent"
run igpuctl vgpu start-defined
expect_rc 0
expect_out "Skipped $U4: its parent $P is not present"
run modprobe igpuctl_mdev_test
expect_rc 0
run igpuctl -J vgpu start-defined
expect_rc 0
jqt '[.vgpus[] | .status] | all(. == "started")'
jqt '.vgpus | length == 4'
for u in "$U1" "$U4" "$U5" "$UA"; do [ -d "$DEVS/$u" ] || fail "$u did not come back"; done
ok "all four auto vGPUs are back"

step "a parent registering after boot: what the udev rule runs brings them back"
# No udevd in this guest: busybox's uevent applet hands every uevent to a
# handler that matches like 90-igpuctl-vgpus.rules and runs its RUN command.
R=/lib/udev/rules.d/90-igpuctl-vgpus.rules
grep -qF 'ACTION=="change", ENV{MDEV_STATE}=="registered", TEST=="/etc/mdevctl.d/$kernel"' "$R" ||
	fail "the rule's match changed: update this emulation"
CMD=$(sed -n 's/.*RUN+="\(.*\)"$/\1/p' "$R")
echo "the rule runs: $CMD"
{
	echo '[ "$ACTION" = change ] && [ "$MDEV_STATE" = registered ] || exit 0'
	echo 'kernel=${DEVPATH##*/}'
	echo '[ -e "/etc/mdevctl.d/$kernel" ] || exit 0'
	echo 'echo "uevent: $ACTION $DEVPATH MDEV_STATE=$MDEV_STATE"'
	echo "$CMD" | sed 's/\$kernel/"$kernel"/'
} >/tmp/on-uevent.sh
rmmod igpuctl_mdev_test || fail "rmmod"
uevent sh /tmp/on-uevent.sh >/tmp/uevent.log 2>&1 &
UEV=$!
sleep 0.5
run modprobe igpuctl_mdev_test
i=0
while [ $i -lt 100 ]; do
	n=0
	for u in "$U1" "$U4" "$U5" "$UA"; do [ -d "$DEVS/$u" ] && n=$((n + 1)); done
	[ $n = 4 ] && break
	sleep 0.1
	i=$((i + 1))
done
kill $UEV
sed 's/^/  uevent| /' /tmp/uevent.log
grep -q "MDEV_STATE=registered" /tmp/uevent.log || fail "no registered uevent for the parent"
for u in "$U1" "$U4" "$U5" "$UA"; do [ -d "$DEVS/$u" ] || fail "$u did not come back on the uevent"; done
ok "the parent's uevent started its four auto vGPUs"

step "a smaller aperture: fewer types, and a definition that no longer fits"
rmmod igpuctl_mdev_test || fail "rmmod"
run modprobe igpuctl_mdev_test aperture_mb=256
expect_rc 0
run igpuctl vgpu types
expect_out "i915-GVTg_V5_8"
expect_out "i915-GVTg_V5_4"
echo "$out" | grep -q "V5_2\|V5_1" && fail "types beyond the aperture shown"
run igpuctl vgpu create --type V5_1
expect_rc 1
expect_err "has no vGPU type 'V5_1'"
expect_err "aperture"
run igpuctl vgpu define --type V5_4 --uuid 33333333-0000-4000-8000-000000000003
run igpuctl vgpu start-defined
expect_rc 1
expect_err "No space left on device"
ok "128MB of low GM left: one V5_4 fits, the rest are refused"

step "remove --undefine of a defined-only vGPU"
run igpuctl vgpu remove "$U5" --undefine
expect_rc 0
[ ! -e "$DEFS/$U5" ] || fail "definition left"
run igpuctl vgpu remove "$U5" --undefine
expect_rc 1
ok "gone"

echo
echo "vGPU lifecycle: all steps passed"
