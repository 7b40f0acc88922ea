#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build a busybox initramfs that boots Debian's kernel far enough to run one
# test script: busybox applets, the kernel modules asked for (with their
# dependencies and a modules.dep that busybox modprobe reads), igpuctl and
# every shared library it needs, pci.ids (libpci reads it for names), any
# extra files, and an /init that runs /test/script and reports its exit status
# on the test channel (see tests/vm/README.md for the protocol).
#
# Usage: mkinitramfs.sh OUT.cpio.gz [--kver KVER] [--igpuctl BIN]
#                       [--add HOSTFILE[:GUESTPATH]]... [--module NAME]...
#                       [--script FILE] [--no-default-modules]
#   OUT is gzip-compressed when its name ends in .gz, a plain cpio otherwise.
#   --add copies a file or a directory; executables among them bring their
#   shared libraries along.  --module includes a module of the kernel KVER
#   with its dependencies and loads it at boot, after the default ones
#   (vfio vfio_iommu_type1 vfio-pci mdev, unless --no-default-modules).
#
# The script is normally not built in: run-guest.sh appends it as a second,
# tiny cpio archive (the kernel unpacks concatenated archives in order), so
# the big base archive can be cached across test scripts.

set -euo pipefail

die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

usage() {
	sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

# Needed by every real-kernel test: the VFIO stack and the mdev core.
DEFAULT_MODULES=(vfio vfio_iommu_type1 vfio-pci mdev)

out=
# shellcheck source-path=SCRIPTDIR source=../lib/kver.sh
. "$(dirname "$0")/../lib/kver.sh"
kver=${KVER:-$(default_kver)}
igpuctl=
script=
adds=()
modules=()
default_modules=1

while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=${2:?}; shift 2 ;;
	--igpuctl) igpuctl=${2:?}; shift 2 ;;
	--add) adds+=("${2:?}"); shift 2 ;;
	--module) modules+=("${2:?}"); shift 2 ;;
	--script) script=${2:?}; shift 2 ;;
	--no-default-modules) default_modules=0; shift ;;
	-h|--help) usage 0 ;;
	-*) die "unknown option $1" ;;
	*) [ -z "$out" ] || die "only one output file"; out=$1; shift ;;
	esac
done
[ -n "$out" ] || usage
[ "$default_modules" = 1 ] && modules=("${DEFAULT_MODULES[@]}" "${modules[@]}")

moddir=/lib/modules/$kver
[ -d "$moddir" ] || die "no modules for kernel $kver in $moddir"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox not found (apt-get install busybox-static)"
# A dynamically linked busybox would need its libraries too; the static one
# is what Debian's busybox-static ships.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,out,test,lib64} \
	"$stage/usr/share/misc" "$stage/etc/vm"

# --- busybox and its applets -----------------------------------------------
cp "$busybox" "$stage/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$stage/$(dirname "$applet")"
	ln -sf /bin/busybox "$stage/$applet"
done

# --- ELF files and the libraries they load ---------------------------------
# Copy every library ldd reports to the same path in the guest (the dynamic
# loader is found by its absolute path in PT_INTERP, the rest through
# LD_LIBRARY_PATH set in /init, as there is no ld.so.cache).
add_libs() {
	local bin=$1 line lib
	ldd "$bin" >/dev/null 2>&1 || return 0 # static or not ELF
	while read -r line; do
		case "$line" in
		*"=> not found"*) die "$bin: missing library: $line" ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;; # linux-vdso.so.1
		esac
		if [ ! -e "$stage$lib" ]; then
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		fi
	done < <(ldd "$bin")
}

add_file() {
	local src=$1 dst=$2 f
	[ -e "$src" ] || die "--add: $src does not exist"
	mkdir -p "$stage$(dirname "$dst")"
	if [ -d "$src" ]; then
		mkdir -p "$stage$dst"
		cp -a "$src/." "$stage$dst/"
		while IFS= read -r -d '' f; do
			add_libs "$f"
		done < <(find "$src" -type f -perm -u+x -print0)
	else
		cp -L "$src" "$stage$dst"
		[ -x "$src" ] && add_libs "$src"
	fi
	return 0
}

if [ -n "$igpuctl" ]; then
	[ -x "$igpuctl" ] || die "--igpuctl $igpuctl is not an executable"
	add_file "$igpuctl" /usr/bin/igpuctl
fi

# libpci looks the names up in pci.ids (lspci does too).
[ -r /usr/share/misc/pci.ids ] && cp /usr/share/misc/pci.ids "$stage/usr/share/misc/pci.ids"

for a in "${adds[@]}"; do
	case "$a" in
	*:*) add_file "${a%%:*}" "${a#*:}" ;;
	*) add_file "$a" "$(realpath -s "$a")" ;;
	esac
done

if [ -n "$script" ]; then
	add_file "$script" /test/script
	# As run-guest.sh does: the helpers a guest script may source.
	add_file "$(dirname "$0")/../lib/guest.sh" /test/guest.sh
fi

# --- kernel modules ----------------------------------------------------------
# modprobe --show-depends resolves the dependency chain (and the builtin
# ones) exactly as the host's kmod would; depmod then writes the modules.dep
# that busybox modprobe needs to load them in the guest.
mkdir -p "$stage$moddir"
declare -A seen=()
for m in "${modules[@]}"; do
	[ -z "${seen[${m//-/_}]:-}" ] || continue
	seen[${m//-/_}]=1
	deps=$(modprobe --show-depends -S "$kver" "$m" 2>&1) || die "module $m: $deps"
	while read -r kind path _; do
		case "$kind" in
		insmod)
			mkdir -p "$stage$(dirname "$path")"
			cp "$path" "$stage$path" ;;
		builtin) ;;
		*) die "module $m: unexpected '$kind $path' from modprobe --show-depends" ;;
		esac
	done <<<"$deps"
	echo "$m" >>"$stage/etc/vm/modules"
done
touch "$stage/etc/vm/modules"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -e "$moddir/$f" ] && cp "$moddir/$f" "$stage$moddir/"
done
# Modules added with --add under /lib/modules/KVER/ are indexed too.
depmod -b "$stage" "$kver" || die "depmod failed"

# --- /init ---------------------------------------------------------------------
cat >"$stage/init" <<'EOF'
#!/bin/sh
# Runs /test/script, reports on the test channel (ttyS1 when present, else
# the console):
#   IGPUCTL-VM-BEGIN (what came before it is the firmware's),
#   the script's stdout and stderr,
#   IGPUCTL-VM-OUT-BEGIN / base64 of a tar.gz of /out / IGPUCTL-VM-OUT-END
#     when the script left files in /out,
#   IGPUCTL-VM-EXIT=<status>
# and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
export HOME=/root TMPDIR=/tmp IGPUCTL_VM=1
# For sanitizer builds, as meson sets them for host tests: an error ends the
# program with a failing status (UBSan alone would print and go on, and the
# test would pass), no colour codes in the logs.  LeakSanitizer works here.
# The kernel command line can override them (--cmdline ASAN_OPTIONS=...).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:print_summary=1:color=never}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:print_summary=1:color=never}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

chan=/dev/console
if [ -e /dev/ttyS1 ] && stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
	chan=/dev/ttyS1
fi

while read -r m; do
	[ -n "$m" ] || continue
	modprobe "$m" || echo "init: modprobe $m failed" >/dev/console
done </etc/vm/modules

echo "init: running /test/script on $chan" >/dev/console
echo IGPUCTL-VM-BEGIN >"$chan"
if [ -r /test/script ]; then
	(cd /tmp && exec sh /test/script </dev/null >"$chan" 2>&1)
	rc=$?
else
	echo "init: no /test/script in the initramfs" >"$chan"
	rc=99
fi
if [ -n "$(ls -A /out 2>/dev/null)" ]; then
	echo IGPUCTL-VM-OUT-BEGIN >"$chan"
	tar -C /out -czf - . | base64 >"$chan"
	echo IGPUCTL-VM-OUT-END >"$chan"
fi
echo "IGPUCTL-VM-EXIT=$rc" >"$chan"
echo "IGPUCTL-VM-EXIT=$rc" >/dev/console
sync
poweroff -f
EOF
chmod 755 "$stage/init"
echo "$kver" >"$stage/etc/vm/kver"

# --- archive -----------------------------------------------------------------
tmpout="$out.tmp.$$"
case "$out" in
*.gz) compress=(gzip -1) ;;
*) compress=(cat) ;;
esac
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) | "${compress[@]}" >"$tmpout"
mv "$tmpout" "$out"
