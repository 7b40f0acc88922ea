#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/vm/test-guest.sh IGPUCTL: `igpuctl guest` inside real-kernel guests
# (run-guest.sh).  One guest has a virtio-vga GPU whose driver (virtio_gpu)
# gives it a render node, and carries libva (when the build host has it) so
# that the VA-API probe runs for real; the other has only QEMU's standard
# VGA with no driver loaded, so no render node.  Exit 77 (skip) when the
# harness cannot run a guest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IGPUCTL=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- a render node (virtio-gpu), libva in the guest when available ----
va_args=()
va_expect="libva not installed"
ldconfig -p >"$T/ldcache" 2>/dev/null || true
for lib in libva.so.2 libva-drm.so.2 libdrm.so.2; do
	p=$(awk -v l="$lib" '$1 == l && /x86-64/ { print $NF }' "$T/ldcache" | head -n1)
	if [[ -z $p ]]; then
		va_args=()
		break
	fi
	va_args+=(--add "$(realpath "$p"):$p")
done
# No VA driver matches virtio-gpu in the guest: libva loads, vaInitialize
# fails, and igpuctl says so instead of listing profiles.
((${#va_args[@]})) && va_expect="no VA driver works on this GPU"

cat >"$T/render.sh" <<EOF
fail=0
check() { # DESCRIPTION COMMAND...: run, print, and keep the status
	d=\$1; shift
	"\$@" >/tmp/o 2>&1; rc=\$?
	echo "## \$d (exit \$rc)"; cat /tmp/o
}
want() { grep -q -- "\$1" /tmp/o || { echo "FAIL: no '\$1'"; fail=1; }; }

check "guest: only emulated graphics" igpuctl guest
[ \$rc -eq 1 ] || { echo "FAIL: exit \$rc, want 1"; fail=1; }
want "In a VM:         yes"
want "1af4:1050 .*\[emulated\]"
want "Driver:      virtio-pci"
want "Render node: /dev/dri/renderD128 (opens)"
want "No passed-through GPU is visible; the only graphics is emulated (virtio-gpu)."

check "guest --device: judge the virtio GPU" igpuctl guest --device 00:01.0
[ \$rc -eq 0 ] || { echo "FAIL: exit \$rc, want 0"; fail=1; }
want "works: /dev/dri/renderD128 opens."
want "VA-API:      $va_expect"

check "guest -J" igpuctl -J guest --device 00:01.0
want '"render_node_opens": true'
want '"judged": true'
exit \$fail
EOF

cat >"$T/norender.sh" <<'EOF'
fail=0
igpuctl guest >/tmp/o 2>&1; rc=$?
echo "## guest (exit $rc)"; cat /tmp/o
[ $rc -eq 1 ] || { echo "FAIL: exit $rc, want 1"; fail=1; }
grep -q "1234:1111 .*\[emulated\]" /tmp/o || { echo "FAIL: no emulated VGA"; fail=1; }
grep -q "Render node: none" /tmp/o || { echo "FAIL: a render node appeared"; fail=1; }
igpuctl guest --device 00:02.0 >/tmp/o 2>&1; rc=$?
echo "## guest --device 00:02.0 (exit $rc)"; cat /tmp/o
[ $rc -eq 1 ] || { echo "FAIL: exit $rc, want 1"; fail=1; }
grep -q "is there, but no driver binds it" /tmp/o || { echo "FAIL: no 'no driver' verdict"; fail=1; }
exit $fail
EOF

status=0
"$here/run-guest.sh" --igpuctl "$IGPUCTL" --topology none --qemu-arg -device --qemu-arg virtio-vga \
	--module virtio_pci --module virtio_gpu "${va_args[@]}" "$T/render.sh" || status=$?
((status == 77)) && exit 77
((status == 0)) || { echo "FAIL: the render-node guest (status $status)"; exit 1; }
"$here/run-guest.sh" --igpuctl "$IGPUCTL" --topology minimal "$T/norender.sh" || status=$?
((status == 77)) && exit 77
((status == 0)) || { echo "FAIL: the guest without a render node (status $status)"; exit 1; }
echo "2 passed, 0 failed"
