# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the QEMU guest started by tests/vgpu/vm-sriov.sh: igpuctl vfs on
# a real SR-IOV physical function.  QEMU 7.2 (Debian 12) emulates no SR-IOV
# GPU and no igb (QEMU >= 8.0), but its NVMe controller offers SR-IOV, and
# Linux's nvme driver implements sriov_configure: the kernel path
# (sriov_numvfs_store, pci_enable_sriov, virtfn links, VF IOMMU groups) is
# the same one an iGPU's PF takes under i915-sriov-dkms or xe.
# sriov_drivers_autoprobe=0 (written by igpuctl before the count) keeps the
# nvme driver off the new VFs, as it keeps i915/xe off an iGPU's.

PF=0000:01:00.0
D=/sys/bus/pci/devices/$PF

# step, fail, ok, run, expect_rc, expect_err, expect_out, jqt
# shellcheck source=../lib/guest.sh
. /test/guest.sh

numvfs() { cat $D/sriov_numvfs; }
drv() { [ -e "/sys/bus/pci/devices/$1/driver" ] && basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; }

step "the PF"
[ "$(drv $PF)" = nvme ] || fail "$PF is not bound to nvme"
run igpuctl vfs 01:00.0
expect_rc 0
[ "$out" = "$PF: 0 of 3 VFs enabled (driver nvme)" ] || fail "unexpected summary"
ok "3 VFs possible"

step "ERANGE: more than sriov_totalvfs is refused before writing"
run igpuctl vfs 01:00.0 --count 4
expect_rc 1
expect_err "offers at most 3 VFs (sriov_totalvfs), not 4"
[ "$(numvfs)" = 0 ] || fail "numvfs changed"
echo "\$ echo 4 > $D/sriov_numvfs   (the kernel's own answer)"
echo 4 >$D/sriov_numvfs 2>/tmp/err && fail "the kernel took 4"
cat /tmp/err
grep -q "Numerical result out of range" /tmp/err || fail "not ERANGE"
ok "refused"

step "enable 2 VFs"
run igpuctl -J vfs 01:00.0 --count 2
expect_rc 0
G1=$(basename "$(readlink /sys/bus/pci/devices/0000:01:00.1/iommu_group)")
G2=$(basename "$(readlink /sys/bus/pci/devices/0000:01:00.2/iommu_group)")
jqt '.address == "0000:01:00.0" and .driver == "nvme" and .sriov_totalvfs == 3 and .sriov_numvfs == 2'
jqt "[.vfs[] | .address] == [\"0000:01:00.1\", \"0000:01:00.2\"] and [.vfs[] | .index] == [0, 1]"
jqt "[.vfs[] | .iommu_group] == [$G1, $G2]"
[ "$(numvfs)" = 2 ] || fail "numvfs is $(numvfs)"
ok "VFs in IOMMU groups $G1 and $G2"

step "sriov_drivers_autoprobe=0 first: no host driver takes the new VFs"
[ "$(cat $D/sriov_drivers_autoprobe)" = 0 ] || fail "sriov_drivers_autoprobe is $(cat $D/sriov_drivers_autoprobe)"
# With autoprobe on, the nvme driver binds a new VF within milliseconds (and
# lets go of it later, when the unconfigured controller does not come ready):
# watch for two seconds.
i=0
while [ $i -lt 40 ]; do
	for v in 1 2; do
		[ -z "$(drv 0000:01:00.$v)" ] || fail "0000:01:00.$v was taken by $(drv 0000:01:00.$v)"
	done
	sleep 0.05
	i=$((i + 1))
done
jqt '[.vfs[] | .driver] == [null, null]'
ok "VFs driverless"

step "a new non-zero count goes through 0 (the kernel alone says EBUSY)"
echo "\$ echo 3 > $D/sriov_numvfs"
echo 3 >$D/sriov_numvfs 2>/tmp/err && fail "the kernel changed 2 to 3 directly"
cat /tmp/err
grep -q "Device or resource busy" /tmp/err || fail "not EBUSY"
run igpuctl vfs 01:00.0 --count 3
expect_rc 0
echo "$out" | grep -q "$PF: 3 of 3 VFs enabled" || fail "not 3"
[ -e /sys/bus/pci/devices/0000:01:00.3 ] || fail "no third VF"
ok "3 VFs"

for v in 1 2 3; do
	[ -z "$(drv 0000:01:00.$v)" ] || fail "0000:01:00.$v was taken by $(drv 0000:01:00.$v)"
done

step "bind every VF to vfio-pci"
run igpuctl vfs 01:00.0 --bind
expect_rc 0
for v in 1 2 3; do
	a=0000:01:00.$v
	[ "$(drv $a)" = vfio-pci ] || fail "$a is bound to '$(drv $a)'"
	[ "$(cat /sys/bus/pci/devices/$a/driver_override)" = vfio-pci ] || fail "$a driver_override"
	g=$(basename "$(readlink /sys/bus/pci/devices/$a/iommu_group)")
	[ -c "/dev/vfio/$g" ] || fail "/dev/vfio/$g missing"
	echo "$out" | grep -Eq "^ +$v +$a +vfio-pci +$g +-$" || fail "table row of $a (VF $v, no guest uses it)"
done
ok "VFs on vfio-pci"

step "a count change under VFs on vfio-pci is refused"
run igpuctl vfs 01:00.0 --count 1
expect_rc 1
expect_err "VF 0000:01:00.1 is bound to vfio-pci"
[ "$(numvfs)" = 3 ] || fail "numvfs changed"
for v in 1 2 3; do echo 0000:01:00.$v >/sys/bus/pci/drivers/vfio-pci/unbind; done
run igpuctl vfs 01:00.0 --count 0
expect_rc 0
[ "$(numvfs)" = 0 ] || fail "VFs still enabled"
ok "released, then disabled"

step "ENOENT: no driver on the PF"
echo $PF >$D/driver/unbind
run igpuctl vfs 01:00.0 --count 1
expect_rc 1
expect_err "Failed to enable VFs on $PF (writing sriov_numvfs): No such file or directory"
expect_err "No driver is bound to $PF"
echo $PF >/sys/bus/pci/drivers/nvme/bind || fail "cannot rebind nvme"
ok "explained"

step "persist the count"
run igpuctl vfs 01:00.0 --count 2 --persist
expect_rc 0
R=/etc/udev/rules.d/70-igpuctl-sriov-$PF.rules
cat "$R"
grep -qx "ACTION==\"add|bind\", SUBSYSTEM==\"pci\", KERNEL==\"$PF\", DRIVER==\"?\*\", ATTR{sriov_totalvfs}==\"?\*\", ATTR{sriov_numvfs}==\"0\", ATTR{sriov_drivers_autoprobe}=\"0\", ATTR{sriov_numvfs}=\"2\"" "$R" ||
	fail "unexpected rule"
[ "$(numvfs)" = 2 ] || fail "numvfs is $(numvfs)"
ok "persisted"

echo
echo "SR-IOV: all steps passed"
