#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot Debian's kernel under QEMU (q35, emulated VT-d) with a busybox
# initramfs carrying igpuctl, run SCRIPT inside the guest, print what it
# printed and exit with its exit status.  See tests/vm/README.md.
#
# Usage: run-guest.sh [OPTIONS] [--igpuctl BIN] SCRIPT
#   --iommu               emulated intel-iommu + intel_iommu=on (default)
#   --no-iommu            neither the emulated IOMMU nor intel_iommu=on
#   --no-iommu-cmdline    keep the emulated IOMMU, leave out intel_iommu=on
#                         (firmware has VT-d, the kernel was not told to use it)
#   --cmdline EXTRA       append EXTRA to the kernel command line
#   --topology NAME       default | minimal (only the VGA at 00:02.0) | none
#   --qemu-arg ARG        pass ARG to QEMU (repeat for each word)
#   --add FILE[:PATH]     put FILE (or directory) into the guest at PATH
#   --module NAME         include and load this kernel module (and its deps)
#   --igpuctl BIN         the igpuctl binary to test (guest: /usr/bin/igpuctl)
#   --out DIR             copy what the script left in the guest's /out to DIR
#   --accel auto|kvm|tcg  default: $IGPUCTL_VM_ACCEL or auto (KVM when it works)
#   --timeout SEC         kill QEMU after SEC s (default 120 TCG, 60 KVM)
#   --memory SIZE         guest RAM (default 512M)
#   --smp N               guest CPUs (default 1)
#   --kver KVER           kernel to boot (default: newest in /boot with modules)
#   --cache-dir DIR       initramfs cache ($IGPUCTL_VM_CACHE, default
#                         ~/.cache/igpuctl-vm; the KVM verdict always goes
#                         to ~/.cache/igpuctl-vm when writable)
#   --console             also print the guest's console (kernel log) at the end
#   --log FILE            save the guest's console (kernel log) in FILE
#   --esp DIR             boot through UEFI firmware from a FAT disk image
#                         holding DIR (made with mtools), not with QEMU's
#                         -kernel: the boot loader in DIR chooses the entry
#                         and the command line (--cmdline, --iommu-cmdline
#                         and intel_iommu=on do not apply)
#   --esp-kernel PATH     put the kernel at PATH in the --esp image (repeat)
#   --esp-initrd PATH     put the initramfs at PATH in the --esp image (repeat)
#   --firmware FILE       the UEFI firmware for --esp (default: Debian's OVMF)
#   --grub-cfg FILE       boot through GRUB instead of QEMU's -kernel: a BIOS
#                         GRUB CD (grub-mkrescue) whose /boot/grub/grub.cfg is
#                         FILE, and a disk with an ext2 file system (UUID from
#                         --boot-uuid) holding vmlinuz-KVER, config-KVER and
#                         the initramfs as initrd.img-KVER at its root: the
#                         separate /boot that tests/boot/grub-mkconfig.sh
#                         describes to grub-mkconfig.  The kernel command
#                         line is FILE's: --cmdline and --no-iommu-cmdline
#                         do not apply (nor console=ttyS0 and panic=-1)
#   --boot-uuid UUID      the UUID of that file system (needed by --grub-cfg)
#
# Exit status: the script's, 77 when QEMU, the kernel or busybox is missing
# (with --esp also mtools or the firmware; with --grub-cfg GRUB's BIOS modules,
# grub-mkrescue, xorriso, mke2fs; the meson "skipped" code), 99 when the guest did not boot, did not finish
# within the timeout, or did not report a status.

# QEMU options are comma-separated words, not array elements.
# shellcheck disable=SC2054
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
EXIT_SKIP=77
EXIT_HARNESS=99

msg() { echo "run-guest: $*" >&2; }
die() { msg "$*"; exit "$EXIT_HARNESS"; }
skip() { msg "SKIP: $*"; exit "$EXIT_SKIP"; }
usage() {
	sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

iommu=1
iommu_cmdline=1
cmdline_extra=()
topology=default
qemu_extra=()
mk_args=()
igpuctl=
outdir=
accel=${IGPUCTL_VM_ACCEL:-auto}
timeout=
memory=512M
smp=1
kver=${KVER:-}
cache=${IGPUCTL_VM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/igpuctl-vm}
show_console=0
logfile=
grub_cfg=
boot_uuid=
script=
esp=
esp_kernels=()
esp_initrds=()
firmware=

while [ $# -gt 0 ]; do
	case "$1" in
	--iommu) iommu=1; iommu_cmdline=1; shift ;;
	--no-iommu) iommu=0; iommu_cmdline=0; shift ;;
	--no-iommu-cmdline) iommu_cmdline=0; shift ;;
	--cmdline) cmdline_extra+=("${2?}"); shift 2 ;;
	--topology) topology=${2:?}; shift 2 ;;
	--qemu-arg) qemu_extra+=("${2?}"); shift 2 ;;
	--add) a=${2:?}; [ -e "${a%%:*}" ] || die "--add: ${a%%:*} does not exist"
		mk_args+=(--add "$a"); shift 2 ;;
	--module) mk_args+=(--module "${2:?}"); shift 2 ;;
	--igpuctl) igpuctl=${2:?}; shift 2 ;;
	--out) outdir=${2:?}; shift 2 ;;
	--accel) accel=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--memory) memory=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--kver) kver=${2:?}; shift 2 ;;
	--cache-dir) cache=${2:?}; shift 2 ;;
	--console) show_console=1; shift ;;
	--log) logfile=${2:?}; shift 2 ;;
	--esp) esp=${2:?}; shift 2 ;;
	--esp-kernel) esp_kernels+=("${2:?}"); shift 2 ;;
	--esp-initrd) esp_initrds+=("${2:?}"); shift 2 ;;
	--firmware) firmware=${2:?}; shift 2 ;;
	--grub-cfg) grub_cfg=${2:?}; shift 2 ;;
	--boot-uuid) boot_uuid=${2:?}; shift 2 ;;
	-h|--help) usage 0 ;;
	-*) msg "unknown option $1"; usage ;;
	*) [ -z "$script" ] || { msg "only one SCRIPT"; usage; }; script=$1; shift ;;
	esac
done
[ -n "$script" ] || usage
[ -r "$script" ] || die "cannot read $script"
case "$accel" in auto|kvm|tcg) ;; *) die "--accel must be auto, kvm or tcg" ;; esac
case "$topology" in default|minimal|none) ;; *) die "unknown --topology $topology" ;; esac
[ -z "$igpuctl" ] || [ -x "$igpuctl" ] || die "--igpuctl $igpuctl is not executable"
[ -z "$esp" ] || [ -d "$esp" ] || die "--esp $esp is not a directory"
if [ -n "$grub_cfg" ]; then
	[ -r "$grub_cfg" ] || die "cannot read --grub-cfg $grub_cfg"
	[ -n "$boot_uuid" ] || die "--grub-cfg needs --boot-uuid"
	[ ${#cmdline_extra[@]} -eq 0 ] || die "--cmdline does not apply to --grub-cfg: the kernel line is the grub.cfg's"
fi
[ -z "$esp" ] || [ -z "$grub_cfg" ] || die "--esp and --grub-cfg exclude each other"

# --- prerequisites: missing ones skip the test, they are not failures --------
qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
command -v busybox >/dev/null || skip "busybox not installed (apt-get install busybox-static)"
for t in cpio depmod modprobe gzip ldd timeout flock; do
	command -v "$t" >/dev/null || skip "$t not installed"
done
# shellcheck source-path=SCRIPTDIR source=../lib/kver.sh
. "$here/../lib/kver.sh"
[ -n "$kver" ] || kver=$(default_kver)
[ -n "$kver" ] || skip "no kernel with modules in /boot (apt-get install linux-image-amd64)"
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || skip "$kernel is not readable"
[ -d "/lib/modules/$kver/kernel" ] || skip "no modules for $kver"
if [ -n "$esp" ]; then
	for t in mformat mmd mcopy; do
		command -v "$t" >/dev/null || skip "$t not installed (apt-get install mtools)"
	done
	if [ -z "$firmware" ]; then
		for f in /usr/share/ovmf/OVMF.fd /usr/share/qemu/OVMF.fd; do
			[ -r "$f" ] && { firmware=$f; break; }
		done
	fi
	if [ -z "$firmware" ] || [ ! -r "$firmware" ]; then
		skip "no UEFI firmware (apt-get install ovmf)"
	fi
fi
if [ -n "$grub_cfg" ]; then
	[ -r /usr/lib/grub/i386-pc/modinfo.sh ] || skip "GRUB's BIOS modules not installed (apt-get install grub-pc-bin)"
	for t in grub-mkrescue xorriso mke2fs; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
			skip "$t not installed (apt-get install grub-common xorriso e2fsprogs)"
	done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-vm.XXXXXX")
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill -TERM "$qemu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$cache"

# --- accelerator -------------------------------------------------------------
# /dev/kvm being there is not enough: under some nested hypervisors KVM
# accepts the VM and then never gets the kernel past its decompressor.  So
# KVM is probed by booting the kernel without an initramfs (it panics at
# once, panic=-1 reboots, -no-reboot makes QEMU exit).  The verdict is kept
# per host kernel and QEMU in the user's cache, so a machine pays for the
# probe once, and a lock makes parallel tests wait for one probe.
kvm_probe() {
	local dir verdict_file probe_log rc
	dir=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/igpuctl-vm
	mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || dir=$cache
	verdict_file="$dir/kvm-verdict-$({ uname -r; "$qemu" --version; } | sha256sum | cut -c1-12)"
	exec 9>"$verdict_file.lock"
	flock 9
	if [ ! -r "$verdict_file" ]; then
		probe_log=$work/kvm-probe.log
		rc=0
		timeout -k 2 20 "$qemu" -M q35,kernel-irqchip=split -accel kvm -cpu host \
			-m 256M -nodefaults -display none -no-reboot \
			-kernel "$kernel" -append "console=ttyS0 panic=-1" \
			-serial "file:$probe_log" </dev/null >/dev/null 2>&1 || rc=$?
		if [ "$rc" = 0 ] && grep -q "Kernel panic" "$probe_log" 2>/dev/null; then
			echo ok >"$verdict_file"
		else
			msg "KVM does not boot the kernel here (probe status $rc); using TCG"
			echo broken >"$verdict_file"
		fi
	fi
	exec 9>&-
	[ "$(cat "$verdict_file")" = ok ]
}

if [ "$accel" = auto ]; then
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && kvm_probe; then
		accel=kvm
	fi
fi
if [ "$accel" = kvm ]; then
	# Interrupt remapping with KVM needs the split irqchip.
	machine=(-M q35,kernel-irqchip=split -accel kvm -cpu host)
	: "${timeout:=60}"
else
	machine=(-M q35 -accel tcg -cpu max)
	: "${timeout:=120}"
fi

# --- initramfs: cached base + the script appended ----------------------------
# The kernel unpacks concatenated cpio archives in order, so the base (busybox,
# modules, igpuctl, libraries, --add files) is cached by the hash of its
# inputs and only the script's tiny archive is made per run.
hash_path() {
	local p=$1
	if [ -d "$p" ]; then
		(cd "$p" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
	else
		sha256sum <"$p"
	fi
}
# Drivers for the default topology's devices, so that some are bound and
# some are not (the driver column is tested both ways).  Always in, so one
# cached base serves every topology.
mk_args=(--module virtio_pci --module e1000e --module nvme "${mk_args[@]}")
key=$(
	set -e
	sha256sum <"$here/mkinitramfs.sh"
	echo "$kver"
	sha256sum <"$(command -v busybox)"
	stat -c %Y "/lib/modules/$kver/modules.dep"
	stat -c %Y /usr/share/misc/pci.ids 2>/dev/null || true
	if [ -n "$igpuctl" ]; then
		hash_path "$igpuctl"
		ldd "$igpuctl" 2>/dev/null | sed 's/ (0x[0-9a-f]*)$//' || true
	fi
	set -- "${mk_args[@]}"
	while [ $# -gt 0 ]; do
		echo "$1 $2"
		if [ "$1" = --add ]; then
			hash_path "${2%%:*}"
		fi
		shift 2
	done
) || die "cannot hash the initramfs inputs"
key=$(echo "$key" | sha256sum | cut -c1-16)
base=$cache/initramfs-$kver-$key.cpio.gz
if [ ! -r "$base" ]; then
	mk=("$here/mkinitramfs.sh" "$base" --kver "$kver" "${mk_args[@]}")
	[ -n "$igpuctl" ] && mk+=(--igpuctl "$igpuctl")
	"${mk[@]}" || die "mkinitramfs.sh failed"
	# Keep the cache small: the 8 newest archives.
	ls -1t "$cache"/initramfs-*.cpio.gz 2>/dev/null | tail -n +9 | xargs -r rm -f
else
	touch "$base"
fi

mkdir -p "$work/s/test"
cp "$script" "$work/s/test/script"
chmod 755 "$work/s/test/script"
# Helpers a guest script may source (. /test/guest.sh).
cp "$here/../lib/guest.sh" "$work/s/test/guest.sh"
# Booted uncompressed: TCG spends more time in the kernel's gunzip (the
# libraries are tens of MB, libicudata alone 30) than QEMU spends loading.
{
	gzip -dc "$base"
	(cd "$work/s" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0)
} >"$work/initramfs.cpio"

# --- machine -----------------------------------------------------------------
devices=()
if [ "$iommu" = 1 ]; then
	# Must come before the PCI devices it translates for.
	devices+=(-device intel-iommu,intremap=on,caching-mode=on)
fi
case "$topology" in
default)
	# Shared and single IOMMU groups (see README.md for the resulting map):
	#   00:02.0  std VGA 1234:1111, an RCiEP like an iGPU    -> own group
	#   00:1c.0-3 root ports (ACS: each its own group)
	#   01:00.0  NVMe (null backend) behind 1c.0              -> own group
	#   02:00.0  e1000e NIC behind 1c.1                       -> own group
	#   03:00.0+1 multifunction GPU + HDA audio behind 1c.2,
	#            no ACS between functions                    -> one group
	#   04:00.0  PCIe-to-PCI bridge behind 1c.3 with
	#   05:01.0, 05:02.0 conventional PCI endpoints: no
	#            requester ID isolation behind it            -> one group
	#   00:1f.0/2/3 ICH9 LPC/SATA/SMBus (q35 built in)       -> one group
	devices+=(
		-device VGA,bus=pcie.0,addr=02.0
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=1c.0,multifunction=on
		-device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,addr=1c.1
		-device pcie-root-port,id=rp3,bus=pcie.0,chassis=3,addr=1c.2
		-device pcie-root-port,id=rp4,bus=pcie.0,chassis=4,addr=1c.3
		-blockdev null-co,node-name=nvme0,size=67108864
		-device nvme,bus=rp1,serial=igpuctl-vm0,drive=nvme0
		-device e1000e,bus=rp2,romfile=
		-device virtio-gpu-pci,bus=rp3,addr=0.0,multifunction=on
		-device ich9-intel-hda,bus=rp3,addr=0.1
		-device pcie-pci-bridge,id=pcibr,bus=rp4
		-device virtio-rng-pci,bus=pcibr,addr=1
		-device pci-testdev,bus=pcibr,addr=2
	) ;;
minimal)
	devices+=(-device VGA,bus=pcie.0,addr=02.0) ;;
none) ;;
esac

# --grub-cfg: GRUB's BIOS CD from grub-mkrescue (only the i386-pc platform,
# whatever else is installed) with the grub.cfg, and the /boot disk that
# grub.cfg searches by UUID.  SeaBIOS boots the CD; the disk is GRUB's hd0.
grub_media() {
	local size
	mkdir -p "$work/bootfs" "$work/iso/boot/grub"
	cp "$kernel" "$work/bootfs/vmlinuz-$kver"
	[ ! -r "/boot/config-$kver" ] || cp "/boot/config-$kver" "$work/bootfs/"
	mv "$work/initramfs.cpio" "$work/bootfs/initrd.img-$kver"
	cp "$grub_cfg" "$work/iso/boot/grub/grub.cfg"
	grub-mkrescue -d /usr/lib/grub/i386-pc -o "$work/grub.iso" "$work/iso" >"$work/mkrescue.log" 2>&1 ||
		{ cat "$work/mkrescue.log" >&2; die "grub-mkrescue failed"; }
	size=$(($(du -sk "$work/bootfs" | cut -f1) * 11 / 10 + 4096))
	PATH=$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext2 -U "$boot_uuid" -L boot -d "$work/bootfs" \
		"$work/boot.img" "${size}k" >/dev/null || die "mke2fs of the /boot disk failed"
	boot=(-drive "if=none,id=grubcd,file=$work/grub.iso,format=raw,media=cdrom,readonly=on"
		-device ide-cd,drive=grubcd,bus=ide.0
		-drive "if=none,id=bootdisk,file=$work/boot.img,format=raw"
		-device ide-hd,drive=bootdisk,bus=ide.1
		-boot order=d)
}

# --esp: the boot loader's files, the kernel and the initramfs on a FAT
# disk (no partition table: the firmware reads a whole-disk FAT as well),
# the size of the files plus room, at least 64 MiB.
esp_image() {
	local img=$1 stage=$work/esp p size
	mkdir -p "$stage"
	cp -a "$esp/." "$stage/"
	for p in "${esp_kernels[@]}"; do
		mkdir -p "$stage/$(dirname "$p")" && cp "$kernel" "$stage/$p" || return 1
	done
	for p in "${esp_initrds[@]}"; do
		mkdir -p "$stage/$(dirname "$p")" && cp "$work/initramfs.cpio" "$stage/$p" || return 1
	done
	size=$(($(du -sm "$stage" | cut -f1) + 16))
	[ "$size" -ge 64 ] || size=64
	truncate -s "${size}M" "$img" && mformat -i "$img" -v ESP :: || return 1
	# shellcheck disable=SC2016 # expanded by the inner sh
	find "$stage" -mindepth 1 -maxdepth 1 -print0 | xargs -0r sh -c 'mcopy -s -Q -i "$0" "$@" ::/' "$img"
}

if [ -n "$grub_cfg" ]; then
	cmdline="(the linux line of $grub_cfg)"
	grub_media
elif [ -n "$esp" ]; then
	esp_image "$work/esp.img" || die "cannot build the FAT image of --esp $esp"
	cmdline="(the boot loader's, from --esp $esp)"
	boot=(-bios "$firmware"
		-drive "if=none,id=esp,format=raw,file=$work/esp.img" -device virtio-blk-pci,drive=esp)
else
	# no_timer_check: under TCG on a loaded machine the kernel's check that
	# the timer interrupt arrives (timer_irq_works(), arch/x86/kernel/apic/
	# io_apic.c) can time out, and with interrupt remapping (the emulated
	# VT-d) it then panics: "timer doesn't work through Interrupt-remapped
	# IO-APIC".  The parameter skips only that check.
	cmdline="console=ttyS0 panic=-1 no_timer_check"
	[ "$iommu_cmdline" = 1 ] && cmdline+=" intel_iommu=on"
	[ ${#cmdline_extra[@]} -gt 0 ] && cmdline+=" ${cmdline_extra[*]}"
	boot=(-kernel "$kernel" -initrd "$work/initramfs.cpio" -append "$cmdline")
fi

console=$work/console.log
chan=$work/test.log
: >"$console"
: >"$chan"
# ttyS0 is the console (kernel log), ttyS1 the test channel: the script's
# output never interleaves with kernel messages.

qemu_cmd=("$qemu" "${machine[@]}" -m "$memory" -smp "$smp"
	-nodefaults -display none -no-reboot
	"${boot[@]}"
	-chardev "file,id=con,path=$console" -serial chardev:con
	-chardev "file,id=chan,path=$chan" -serial chardev:chan
	"${devices[@]}" "${qemu_extra[@]}")

start=$(date +%s.%N)
rc=0
# timeout(1) forwards a TERM from cleanup() to QEMU; 124 means it fired.
timeout -k 5 "$timeout" "${qemu_cmd[@]}" </dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
wait "$qemu_pid" || rc=$?
qemu_pid=
elapsed=$(echo "$(date +%s.%N) $start" | awk '{ printf "%.1f", $1 - $2 }')

[ -n "$logfile" ] && cp "$console" "$logfile"

# --- results -----------------------------------------------------------------
tr -d '\r' <"$chan" >"$work/chan.txt"
# The firmware (OVMF, --esp) writes to every serial port: what the guest
# sent starts after /init's IGPUCTL-VM-BEGIN.
if grep -q 'IGPUCTL-VM-BEGIN$' "$work/chan.txt"; then
	sed -i '0,/IGPUCTL-VM-BEGIN$/d' "$work/chan.txt"
fi
status=$(sed -n 's/.*IGPUCTL-VM-EXIT=\([0-9][0-9]*\)$/\1/p' "$work/chan.txt" | tail -n1)
# The script's output: everything before the /out archive or the status line
# (a last line without newline carries the marker at its end).
awk '
	/^IGPUCTL-VM-OUT-BEGIN$/ { exit }
	/IGPUCTL-VM-EXIT=[0-9]+$/ { sub(/IGPUCTL-VM-EXIT=[0-9]+$/, ""); if ($0 != "") printf "%s", $0; exit }
	{ print }
' "$work/chan.txt"

fail_context() {
	msg "$*"
	msg "accel=$accel elapsed=${elapsed}s cmdline: $cmdline"
	if [ -s "$work/qemu.log" ]; then
		msg "QEMU said:"
		sed 's/^/  qemu| /' "$work/qemu.log" >&2
	fi
	msg "last lines of the guest console:"
	tail -n 40 "$console" | tr -d '\r' | sed 's/^/  console| /' >&2
}

if [ -z "$status" ]; then
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail_context "the guest did not finish within ${timeout}s"
	else
		fail_context "the guest ended without reporting a status (QEMU exit $rc)"
	fi
	exit "$EXIT_HARNESS"
fi

if [ -n "$outdir" ] && grep -qx IGPUCTL-VM-OUT-BEGIN "$work/chan.txt"; then
	mkdir -p "$outdir"
	sed -n '/^IGPUCTL-VM-OUT-BEGIN$/,/^IGPUCTL-VM-OUT-END$/p' "$work/chan.txt" |
		sed '1d;$d' | base64 -d | tar -C "$outdir" -xzf - ||
		{ fail_context "cannot unpack the guest's /out"; exit "$EXIT_HARNESS"; }
fi

if [ "$show_console" = 1 ]; then
	echo "----- guest console -----"
	tr -d '\r' <"$console"
fi
msg "guest finished in ${elapsed}s ($accel), status $status"
exit "$status"
