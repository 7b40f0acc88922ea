# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/setup/run.sh, crash.sh, concurrency.sh and
# tests/ct/lxc-lib.sh (bash; SRCDIR and WORK set).

# mkroot HOST DIR: a fresh root for HOST at DIR.  HOST is examples/hosts/HOST
# (the committed tree, copied), or the host tests/setup/hosts/HOST.sh
# describes (tests/fixtures/mkhost.sh; generated once per run into
# $WORK/.hosts, then copied).
mkroot() {
	local host=$1 dir=$2 cache=${WORK:?}/.hosts/$1
	rm -rf "$dir"
	if [[ -d $SRCDIR/examples/hosts/$host ]]; then
		cp -a "$SRCDIR/examples/hosts/$host" "$dir"
		return
	fi
	if [[ ! -d $cache ]]; then
		(
			# shellcheck source=../fixtures/mkhost.sh
			. "$SRCDIR/tests/fixtures/mkhost.sh"
			host_build "$SRCDIR/tests/setup/hosts/$host.sh" "$cache"
		) || return 1
	fi
	cp -a "$cache" "$dir"
}
