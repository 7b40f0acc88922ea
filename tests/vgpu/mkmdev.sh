# SPDX-License-Identifier: GPL-2.0-or-later
#
# Mediated-device pieces for fixture hosts, on top of tests/fixtures/mkhost.sh
# (source that first).  The layout is what the kernel's mdev core makes
# (drivers/vfio/mdev/mdev_sysfs.c, mdev_core.c) and what mdevctl persists:
#
#   DEVDIR/mdev_supported_types/TYPE/{name,description,device_api,
#                                     available_instances,create,devices/}
#   sys/class/mdev_bus/PARENT -> DEVDIR
#   DEVDIR/UUID/{mdev_type -> ../mdev_supported_types/TYPE,
#                iommu_group -> .../kernel/iommu_groups/N, remove}
#   sys/bus/mdev/devices/UUID -> DEVDIR/UUID
#   dev/vfio/N
#   etc/mdevctl.d/PARENT/UUID                 mdevctl's JSON
#
# In a fixture `create` and `remove` are plain empty files: the tests read
# back what igpuctl wrote into them, as mdevctl's own tests do.

# mdev_bus PARENT DEVDIR: register DEVDIR (relative to the root) as a parent.
mdev_bus() {
	_mk_link "sys/class/mdev_bus/$1" "$2"
	_mk_dir "$2/mdev_supported_types"
	_mk_dir sys/bus/mdev/devices
}

# mdev_type DEVDIR TYPE NAME AVAILABLE DESCRIPTION: one supported type.
# DESCRIPTION is written as given (GVT-g's ends in a newline).
mdev_type() {
	local d=$1/mdev_supported_types/$2
	_mk_attr "$d/name" "$3"
	_mk_attr "$d/device_api" vfio-pci
	_mk_attr "$d/available_instances" "$4"
	_mk_file "$d/description" "$5"
	_mk_file "$d/create" ""
	_mk_dir "$d/devices"
}

# gvtg_type DEVDIR DIVISOR AVAILABLE: GVT-g's type i915-GVTg_V5_DIVISOR
# with the kernel's description (gvt/vgpu.c intel_vgpu_configs[]).
gvtg_type() {
	local low high res w
	case $2 in
	8) low=64 high=384 res=1024x768 w=2 ;;
	4) low=128 high=512 res=1920x1200 w=4 ;;
	2) low=256 high=1024 res=1920x1200 w=8 ;;
	1) low=512 high=2048 res=1920x1200 w=16 ;;
	*) _mk_die "gvtg_type: divisor $2" ;;
	esac
	mdev_type "$1" "i915-GVTg_V5_$2" "GVTg_V5_$2" "$3" \
		"low_gm_size: ${low}MB"$'\n'"high_gm_size: ${high}MB"$'\n'"fence: 4"$'\n'"resolution: $res"$'\n'"weight: $w"$'\n'
}

# mdev_active DEVDIR UUID TYPE GROUP: an active mdev in IOMMU group GROUP.
mdev_active() {
	local d=$1/$2
	_mk_file "$d/remove" ""
	_mk_attr "$d/uevent" "MDEV_TYPE=$3"
	_mk_link "$d/mdev_type" "$1/mdev_supported_types/$3"
	_mk_link "$1/mdev_supported_types/$3/devices/$2" "$d"
	_mk_link "sys/bus/mdev/devices/$2" "$d"
	_mk_attr "sys/kernel/iommu_groups/$4/type" DMA
	_mk_link "$d/iommu_group" "sys/kernel/iommu_groups/$4"
	_mk_link "sys/kernel/iommu_groups/$4/devices/$2" "$d"
	_mk_file "dev/vfio/$4" ""
	_mk_file dev/vfio/vfio ""
}

# mdevctl_def PARENT UUID JSON: a definition as mdevctl stores it.
mdevctl_def() {
	_mk_file "etc/mdevctl.d/$1/$2" "$3"
	_mk_dir etc/mdevctl.d/scripts.d/callouts
	_mk_dir etc/mdevctl.d/scripts.d/notifiers
}
