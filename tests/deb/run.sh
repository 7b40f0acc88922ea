#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package (debian/, docs/hacking.md): built from the tree's own
# files by `dpkg-buildpackage -us -uc -b`, checked by lintian (no error, no
# warning that debian/igpuctl.lintian-overrides does not justify), then
# installed with apt on a clean Debian 12 (debootstrap --variant=minbase
# with man-db) where the installed igpuctl, its man pages, its libvirt
# module and its boot unit are tried, and purged without a trace.
#
#   tests/deb/run.sh            (SRCDIR: the source tree, a git checkout)
#
# Needs root (chroot, mounts) and the tools of tools/install-deps; fails,
# never skips, without them.  IGPUCTL_DEB_CACHE (meson: the build
# directory's deb-cache) keeps the bootstrapped root between runs; the first
# run downloads Debian 12's minbase from the mirror of this machine's apt
# sources.  Without a reachable mirror the package is installed on this
# machine itself instead, only when igpuctl is not installed here already.
set -uo pipefail

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CACHE=${IGPUCTL_DEB_CACHE:-}
SUITE=bookworm
FIXTURE=pve8-coffeelake

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
ok() { echo "ok: $*"; }
die() {
	echo "FAIL: $*" >&2
	exit 1
}
phase() { echo "== $* (${SECONDS}s)"; }

# ---- tools ----------------------------------------------------------------
[[ $(id -u) -eq 0 ]] || die "needs root (chroot, mounts, apt): run the deb suite as root"
missing=()
for t in git dpkg-buildpackage dpkg-parsechangelog dh lintian debootstrap fakeroot scdoc chroot apt-get; do
	command -v "$t" >/dev/null || missing+=("$t")
done
((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (tools/install-deps installs them)"
git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1 || die "$SRCDIR is not a git checkout"

T=$(mktemp -d /var/tmp/igpuctl-deb.XXXXXX)
R= # the clean root once there is one
cleanup() {
	[[ -n $R ]] && umount "$R/proc" 2>/dev/null
	if [[ -n $R ]] && mountpoint -q "$R/proc"; then
		echo "$R/proc is still mounted: $T left in place" >&2
		return
	fi
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT

# ---- build ----------------------------------------------------------------
# The files git knows (tracked, and new ones not ignored) as they are in the
# working tree: no build directories, no stale objects.
phase "copying the source tree"
mkdir "$T/src" "$T/src/igpuctl"
(cd "$SRCDIR" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -xf - -C "$T/src/igpuctl" || die "cannot copy the source tree"
S=$T/src/igpuctl

version=$(sed -n "s/^  version : '\\([^']*\\)',$/\\1/p" "$S/meson.build")
[[ -n $version ]] || die "no version in meson.build"
chver=$(cd "$S" && dpkg-parsechangelog -S Version)
[[ $chver == "$version" ]] && ok "debian/changelog's version is meson.build's ($version)" ||
	fail "debian/changelog says $chver, meson.build $version: add a changelog entry (dch -v $version)"

phase "dpkg-buildpackage -us -uc -b"
t0=$SECONDS
if ! (cd "$S" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
	tail -40 "$T/build.log" >&2
	die "dpkg-buildpackage failed"
fi
echo "built in $((SECONDS - t0))s"
arch=$(dpkg --print-architecture)
deb=$T/src/igpuctl_${chver}_${arch}.deb
changes=$T/src/igpuctl_${chver}_${arch}.changes
[[ -f $deb ]] || die "no $(basename "$deb"): $(ls "$T/src")"
ok "built $(basename "$deb")"

# ---- lintian --------------------------------------------------------------
# Errors and warnings fail (overrides honoured); pedantic and info tags are
# shown for the log.
phase "lintian"
t0=$SECONDS
# (stderr apart: its "running with root privileges" would split a tag's
# line; no --show-overrides: with it lintian 2.116 fails on overridden tags)
lintian --fail-on error,warning --pedantic --display-info "$changes" >"$T/lintian.log" 2>"$T/lintian.err"
lrc=$?
cat "$T/lintian.log"
echo "overridden (debian/igpuctl.lintian-overrides):"
grep -v '^#' "$S/debian/igpuctl.lintian-overrides" | sed 's/^/  /'
grep -v 'running with root privileges' "$T/lintian.err" >&2
if ((lrc == 0)); then
	ok "lintian: no error or warning ($((SECONDS - t0))s)"
else
	fail "lintian reports errors or warnings (above: E: and W: lines)"
fi

# ---- what the package holds -----------------------------------------------
phase "package contents"
dpkg-deb -c "$deb" | awk '{ sub(/^\.\//, "", $6); print $6 }' >"$T/contents"
has() { grep -qx -- "$1" "$T/contents"; }
has_re() { grep -qE -- "$1" "$T/contents"; }
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in usr/bin/igpuctl "usr/lib/$multiarch/igpuctl/igpuctl-libvirt.so" \
	lib/systemd/system/igpuctl-vgpus.service lib/udev/rules.d/90-igpuctl-vgpus.rules \
	usr/share/doc/igpuctl/copyright; do
	has "$f" && ok "package has /$f" || fail "package lacks /$f"
done
# Whatever meson installs: a page per command of `igpuctl --help`, and the
# completions of bash, zsh and fish.
dpkg-deb -x "$deb" "$T/pkg"
commands=$("$T/pkg/usr/bin/igpuctl" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[[ -n $commands ]] || fail "no commands in igpuctl --help"
for p in igpuctl $(printf 'igpuctl-%s\n' $commands); do
	has "usr/share/man/man8/$p.8.gz" && ok "man page $p(8)" || fail "package lacks /usr/share/man/man8/$p.8.gz"
done
has_re '^usr/share/bash-completion/completions/igpuctl$' && ok "bash completion" ||
	fail "package lacks the bash completion (/usr/share/bash-completion/completions/igpuctl)"
has_re '^usr/share/zsh/.*/_igpuctl$' && ok "zsh completion" || fail "package lacks the zsh completion (usr/share/zsh/*/_igpuctl)"
has_re '^usr/share/fish/.*/igpuctl\.fish$' && ok "fish completion" ||
	fail "package lacks the fish completion (usr/share/fish/*/igpuctl.fish)"
grep -qx 'ExecStart=/usr/bin/igpuctl vgpu start-defined' "$T/pkg/lib/systemd/system/igpuctl-vgpus.service" &&
	ok "the unit runs /usr/bin/igpuctl" || fail "the unit's ExecStart is not /usr/bin/igpuctl vgpu start-defined"
grep -q 'RUN+="/usr/bin/igpuctl vgpu start-defined' "$T/pkg/lib/udev/rules.d/90-igpuctl-vgpus.rules" &&
	ok "the udev rule runs /usr/bin/igpuctl" || fail "the udev rule does not run /usr/bin/igpuctl"

# libvirt is optional: the module's libraries are recommended, not required.
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
echo "Depends: $depends"
echo "Recommends: $recommends"
[[ $depends != *libvirt* && $depends != *libxml2* ]] && ok "Depends has neither libvirt0 nor libxml2" ||
	fail "Depends names the libvirt module's libraries: $depends"
[[ $recommends == *libvirt0* && $recommends == *libxml2* ]] && ok "Recommends has libvirt0 and libxml2" ||
	fail "Recommends lacks the libvirt module's libraries: $recommends"

# ---- a clean root ---------------------------------------------------------
# This machine's Debian mirrors (its apt sources, whatever their format):
# the suite and its updates and security suites, so that the root gets the
# versions this machine has, and finds many of them in its apt cache.
sources=$(apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT)' 2>/dev/null |
	awk -v s="$SUITE" '($2 == s || $2 == s "-updates" || $2 == s "-security") && $3 == "main" {
		print "deb " $1 " " $2 " main" }' | sort -u)
mirror=${IGPUCTL_DEB_MIRROR:-$(echo "$sources" | awk -v s="$SUITE" '$3 == s { print $2; exit }')}
mirror=${mirror:-http://deb.debian.org/debian}
[[ -n $sources && -z ${IGPUCTL_DEB_MIRROR:-} ]] || sources="deb $mirror $SUITE main"

# debootstrap, and the package lists, once per cache.
make_root() {
	local root=$1 key tarball=
	# One root per list of sources: another mirror is another root.
	key=$(echo "$sources" | md5sum | cut -c1-12)
	[[ -n $CACHE ]] && tarball=$CACHE/$SUITE-minbase-$key.tar
	if [[ -n $tarball && -f $tarball ]]; then
		echo "the clean root from $tarball"
		mkdir "$root" && tar -xpf "$tarball" -C "$root" && return 0
		return 1
	fi
	echo "debootstrap --variant=minbase --include=man-db $SUITE from $mirror"
	# A mirror too slow to bootstrap from in 7 minutes counts as none.
	timeout 420 debootstrap --variant=minbase --include=man-db "$SUITE" "$root" "$mirror" \
		>"$T/debootstrap.log" 2>&1 || {
		tail -5 "$T/debootstrap.log" >&2
		return 1
	}
	echo "$sources" >"$root/etc/apt/sources.list"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# No service starts in the root (the package starts none anyway).
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	chroot "$root" apt-get update -q >>"$T/debootstrap.log" 2>&1 || return 1
	if [[ -n $tarball ]]; then
		mkdir -p "$CACHE" && rm -f "$CACHE/$SUITE"-minbase-*.tar &&
			tar -cpf "$tarball.tmp" -C "$root" . && mv "$tarball.tmp" "$tarball"
	fi
	return 0
}

phase "a clean $SUITE root"
t0=$SECONDS
mode=chroot
if ! make_root "$T/root"; then
	echo "NOTE: no clean root (debootstrap from $mirror failed): installing on this machine instead" >&2
	if dpkg-query -W -f='${Status}' igpuctl 2>/dev/null | grep -q 'ok installed'; then
		die "igpuctl is installed on this machine: cannot test the package here without a clean root"
	fi
	mode=host
	rm -rf "$T/root"
else
	R=$T/root
	mount -t proc proc "$R/proc" || die "cannot mount /proc in the root"
	echo "root ready in $((SECONDS - t0))s"
fi

# Commands in the root (or on this machine).
in_root() {
	if [[ $mode == chroot ]]; then
		chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"
	else
		env LANG=C.UTF-8 "$@"
	fi
}
apt_in_root() { in_root env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0 "$@"; }

# The .debs this machine has cached (tools/install-deps installed libvirt0
# here): apt in the root takes those of the same version instead of
# downloading them.
[[ $mode == chroot ]] && cp -l /var/cache/apt/archives/*.deb "$R/var/cache/apt/archives/" 2>/dev/null

# What is there, apart from apt's and dpkg's own state, caches and logs.
snapshot() {
	(cd "$R/" && find usr etc var -path var/lib/apt -prune -o -path var/lib/dpkg -prune -o \
		-path var/cache -prune -o -path var/log -prune -o -path etc/ld.so.cache -prune -o \
		-printf '%y %p -> %l\n' | sort)
	(cd "$R/" && find etc -type f ! -name ld.so.cache -exec md5sum {} + | sort -k2)
}

# The fixture host, where it can be read as `--root examples/hosts/NAME`
# from the working directory /tmp (the golden test's paths).
hostdir=$R/tmp
[[ $mode == host ]] && hostdir=$T/run
mkdir -p "$hostdir/examples/hosts"
cp -a "$SRCDIR/examples/hosts/$FIXTURE" "$hostdir/examples/hosts/"
cp "$deb" "$hostdir/"
run_igpuctl() {
	if [[ $mode == chroot ]]; then
		chroot "$R" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 sh -c 'cd /tmp && exec "$@"' sh igpuctl "$@"
	else
		(cd "$hostdir" && env -u IGPUCTL_ROOT -u IGPUCTL_MODULE_DIR /usr/bin/igpuctl "$@")
	fi
}
debpath=/tmp/$(basename "$deb")
[[ $mode == host ]] && debpath=$hostdir/$(basename "$deb")

# ---- install without the recommended libraries ------------------------------
phase "apt-get install --no-install-recommends ./$(basename "$deb")"
[[ $mode == chroot ]] && snapshot >"$T/before"
t0=$SECONDS
if ! apt_in_root install --no-install-recommends "$debpath" >"$T/install.log" 2>&1; then
	tail -20 "$T/install.log" >&2
	die "apt-get install of the package failed"
fi
echo "installed in $((SECONDS - t0))s"

out=$(run_igpuctl --version 2>&1)
[[ $out == "igpuctl $version" ]] && ok "igpuctl --version: $out" || fail "igpuctl --version says '$out', not 'igpuctl $version'"

# status on the fixture host prints what the golden test expects.
golden=$SRCDIR/tests/golden/expected/$FIXTURE/status.out
want=$(sed -n '/^--- stdout$/,/^--- stderr$/p' "$golden" | sed '1d;$d')
got=$(run_igpuctl --root "examples/hosts/$FIXTURE" status 2>"$T/status.err")
rc=$?
if [[ $rc -eq 0 && $got == "$want" ]]; then
	ok "igpuctl --root examples/hosts/$FIXTURE status is the golden output"
else
	fail "igpuctl status on $FIXTURE: exit $rc, output differs from $golden:"
	diff <(echo "$want") <(echo "$got") | head -20 >&2
	cat "$T/status.err" >&2
fi

# report runs the installed capture-host (the module directory) and packs
# a bundle with only what the package depends on.
rm -f "$hostdir/report.tar.gz"
if run_igpuctl --root "examples/hosts/$FIXTURE" report -o report.tar.gz >"$T/report.out" 2>"$T/report.err" &&
	tar -tzf "$hostdir/report.tar.gz" >"$T/report.list" 2>&1 &&
	grep -q '/capture/proc/cmdline$' "$T/report.list" && grep -q '/summary.md$' "$T/report.list"; then
	ok "igpuctl report bundles the installed capture-host's capture and summary.md"
else
	fail "igpuctl report on $FIXTURE: $(tail -3 "$T/report.err")"
fi
rm -f "$hostdir/report.tar.gz"

# The man pages render.
if in_root sh -c 'command -v man' >/dev/null; then
	for p in igpuctl $(printf 'igpuctl-%s\n' $commands); do
		page=$(in_root env MANWIDTH=80 man "$p" 2>&1)
		# NAME's line names the page: "igpuctl-vgpu - ..." or "igpuctl vgpu - ...".
		if echo "$page" | grep -A1 '^NAME' | grep -qE "^ +${p//-/[- ]}\b"; then
			ok "man $p renders"
		else
			fail "man $p does not render a NAME section for $p: $(echo "$page" | head -3)"
		fi
	done
else
	fail "no man in the root"
fi

# The boot unit is enabled (debian/rules says why), not started.
wants=$R/etc/systemd/system/multi-user.target.wants/igpuctl-vgpus.service
[[ -L $wants ]] && ok "igpuctl-vgpus.service is enabled ($(readlink "$wants"))" ||
	fail "igpuctl-vgpus.service is not enabled: no $wants"

# Without libvirt0 igpuctl installs and works; `vm libvirt` finds the
# installed module and says which library it lacks.
libvirt_there=0
in_root dpkg-query -W -f='${Status}' libvirt0 2>/dev/null | grep -q 'ok installed' && libvirt_there=1
if [[ $mode == chroot ]]; then
	((libvirt_there == 0)) && ok "libvirt0 is not installed with --no-install-recommends" ||
		fail "libvirt0 came with igpuctl although only recommended"
	# dlopen names the first library of the module it cannot find.
	err=$(run_igpuctl --root "examples/hosts/$FIXTURE" vm libvirt 00:02.0 2>&1 >/dev/null)
	[[ $err =~ "libvirt module: "(libvirt\.so\.0|libxml2\.so\.2)": cannot open shared object file" ]] &&
		ok "vm libvirt without libvirt0 loads the installed module, which lacks its library: $err" ||
		fail "vm libvirt without libvirt0 does not say the module's library is missing: $err"
else
	echo "NOTE: on this machine libvirt0 is installed: the install without it is not tried"
fi

# ---- purge: nothing left -----------------------------------------------------
phase "apt-get purge igpuctl"
in_root dpkg -L igpuctl >"$T/files"
apt_in_root purge --autoremove igpuctl >"$T/purge.log" 2>&1 || {
	tail -20 "$T/purge.log" >&2
	fail "apt-get purge igpuctl failed"
}
if [[ $mode == chroot ]]; then
	snapshot >"$T/after"
	if diff -u "$T/before" "$T/after" >"$T/left"; then
		ok "after the purge the root is as before the installation"
	else
		fail "the purge left changes behind:"
		head -40 "$T/left" >&2
	fi
else
	left=0
	while read -r f; do
		[[ -d $f ]] && continue
		[[ -e $f || -L $f ]] && {
			fail "the purge left $f"
			left=1
		}
	done <"$T/files"
	[[ -e $wants || -L $wants ]] && fail "the purge left $wants" && left=1
	((left)) || ok "the purge removed every file of the package and the unit's link"
fi

# ---- with the recommended libraries: the module loads ------------------------
phase "apt-get install ./$(basename "$deb") (with Recommends)"
t0=$SECONDS
if apt_in_root install "$debpath" >"$T/install2.log" 2>&1; then
	echo "installed in $((SECONDS - t0))s"
	xml=$(run_igpuctl --root "examples/hosts/$FIXTURE" vm libvirt 00:02.0 2>"$T/vm.err")
	rc=$?
	[[ $rc -eq 0 && $xml == *'<hostdev mode="subsystem" type="pci" managed="yes">'* ]] &&
		ok "vm libvirt loads the installed module and prints the hostdev" ||
		fail "vm libvirt with libvirt0: exit $rc, $(cat "$T/vm.err")"
	[[ $mode == host ]] && apt_in_root purge igpuctl >>"$T/purge.log" 2>&1
else
	tail -20 "$T/install2.log" >&2
	fail "apt-get install with the recommended packages failed"
fi

phase "done"
if ((failures)); then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
