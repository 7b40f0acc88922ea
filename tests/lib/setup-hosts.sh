# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/setup/run.sh and tests/setup/crash.sh (bash; SRCDIR set).

# mkroot HOST DIR: a fresh root for HOST at DIR.  HOST is examples/hosts/HOST,
# or tests/setup/hosts/HOST: an overlay whose `base` file names the example
# host its sys/ and proc/ come from; its etc/ (and boot/, efi/) replace the
# base's.
mkroot() {
	local host=$1 dir=$2
	rm -rf "$dir"
	if [[ -d $SRCDIR/examples/hosts/$host ]]; then
		cp -a "$SRCDIR/examples/hosts/$host" "$dir"
	else
		local ov=$SRCDIR/tests/setup/hosts/$host
		cp -a "$SRCDIR/examples/hosts/$(cat "$ov/base")" "$dir"
		rm -rf "${dir:?}/etc" "${dir:?}/boot" "${dir:?}/efi"
		(cd "$ov" && tar cf - --exclude=./base .) | (cd "$dir" && tar xf -)
		find "$dir" -name .keep -delete
	fi
}
