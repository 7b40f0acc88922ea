#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/vm/test-guest.sh IGPUCTL: `igpuctl guest` inside real-kernel guests
# (run-guest.sh).  One guest has a virtio-vga GPU whose driver (virtio_gpu)
# gives it a render node, and carries libva (when the build host has it) so
# that the VA-API probe runs for real, for guest and for `show`; the same
# guest then plays an LXC container (/run/systemd/container, /etc/group, the
# node's group and mode) so that guest's container half opens a real DRM
# node as root and as a service user.  The other guest has only QEMU's
# standard VGA with no driver loaded, so no render node.  Exit 77 (skip)
# when the harness cannot run a guest.
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
# fails, and igpuctl says so instead of listing profiles.  show prints that
# line too, but nothing when libva is missing (-v and JSON say it).
has_va=0
((${#va_args[@]})) && has_va=1 va_expect="no VA driver works on this GPU"

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

check "show: the render node's VA-API line" igpuctl show 00:01.0
[ \$rc -eq 0 ] || { echo "FAIL: exit \$rc, want 0"; fail=1; }
want "DRM nodes:.*/dev/dri/renderD128"
if [ $has_va = 1 ]; then
	want "VA-API:          no VA driver works on this GPU ("
	check "show -J" igpuctl -J show 00:01.0
	want '"status": "failed"'
else
	grep -q "VA-API" /tmp/o && { echo "FAIL: a VA-API line without libva"; fail=1; }
	check "show -v: why there is no VA-API line" igpuctl -v show 00:01.0
	want "VA-API: not probed: libva is not installed"
	check "show -J" igpuctl -J show 00:01.0
	want '"status": "not-installed"'
fi

# ---- the same node seen from a container: systemd in an LXC container
# writes the manager's name to /run/systemd/container; the render group and a
# service user come from /etc/group and /etc/passwd, and the node's group
# and mode decide who opens it (su sets the user's groups from /etc/group).
mkdir -p /run/systemd && echo lxc >/run/systemd/container
echo 'svc:x:1000:1000::/tmp:/bin/sh' >/etc/passwd
printf 'root:x:0:\nrender:x:993:svc\nsvc:x:1000:\n' >/etc/group
chgrp 993 /dev/dri/renderD128 && chmod 0660 /dev/dri/renderD128
check "container: the render group's node, as root" igpuctl guest
[ \$rc -eq 0 ] || { echo "FAIL: exit \$rc, want 0"; fail=1; }
want "Container:       lxc (/run/systemd/container)"
want "Render group:    gid 993"
want "Device:      character device 226:128"
want "PCI device:  0000:00:01.0 1af4:1050 "
want "Owner:       uid 0, gid 993 (render), mode 0660"
want "Opens:       yes"
want "VA-API:      $va_expect"
want "works: it opens, and the render group may open it."

check "container: a member of the render group" su svc -c "igpuctl guest"
[ \$rc -eq 0 ] || { echo "FAIL: exit \$rc, want 0"; fail=1; }
want "Opens:       yes"

printf 'root:x:0:\nrender:x:993:\nsvc:x:1000:\n' >/etc/group
check "container: a user outside the render group" su svc -c "igpuctl guest"
[ \$rc -eq 1 ] || { echo "FAIL: exit \$rc, want 1"; fail=1; }
want "Opens:       no: Permission denied"
want "does not open: Permission denied."
want "run the service as a member of group 993"

chgrp 992 /dev/dri/renderD128
check "container: the node's group is not the render group" igpuctl -J guest
[ \$rc -eq 1 ] || { echo "FAIL: exit \$rc, want 1"; fail=1; }
want '"verdict": "render-node-group"'
want '"opens": true'
want '"pci_address": "0000:00:01.0"'

mv /dev/dri/renderD128 /tmp/renderD128 && : >/dev/dri/renderD128
check "container: an empty file where the node should be" igpuctl guest
[ \$rc -eq 1 ] || { echo "FAIL: exit \$rc, want 1"; fail=1; }
want "is an empty file, not a character device"
rm /dev/dri/renderD128 && mv /tmp/renderD128 /dev/dri/renderD128
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
