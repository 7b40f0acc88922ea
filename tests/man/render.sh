#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages render: every docs/man/*.scd is built (it is in
# docs/man/meson.build), scdoc reads each source without a word on stderr
# (it exits non-zero on an error), and man-db's man formats each built page
# with groff's warnings on and none given, showing the page's NAME line.
#
#   tests/man/render.sh MANDIR BUILT-PAGE...
set -uo pipefail

mandir=$1
shift
fail=0
err=$(mktemp)
out=$(mktemp)
trap 'rm -f "$err" "$out"' EXIT

declare -A built
for page in "$@"; do
	built[$(basename "$page")]=$page
done

for src in "$mandir"/*.scd; do
	name=$(basename "$src" .scd)
	page=${built[$name]:-}
	if [[ -z $page ]]; then
		echo "FAIL: $name: $src is not built (add it to man_pages in docs/man/meson.build)"
		fail=1
		continue
	fi
	if ! scdoc <"$src" >/dev/null 2>"$err" || [[ -s $err ]]; then
		echo "FAIL: $name: scdoc: $(cat "$err")"
		fail=1
	fi
	# man-db formats the built page as a reader's man would; --warnings
	# passes groff -w (bad requests, escapes and fonts).
	if ! MANWIDTH=80 man --warnings -l "$page" >"$out" 2>"$err" || [[ -s $err ]]; then
		echo "FAIL: $name: man -l $page: $(cat "$err")"
		fail=1
	fi
	# NAME's line: "igpuctl-vfs - SR-IOV ...", hyphenation aside.
	if ! grep -Eq "^ +${name%.8} [-‐] [a-zA-Z]" "$out"; then
		echo "FAIL: $name: man -l $page shows no NAME line for ${name%.8}"
		fail=1
	fi
done
((fail)) || echo "$# pages render without warnings"
exit $fail
