#!/bin/bash
# Is every shell file the fuzz targets edit still valid shell?
#
#   check-shell.sh BINARY SHELL INPUT...    (input files or directories)
#
# BINARY (fuzz_grub, fuzz_mkinitcpio) runs once over every input with
# IGP_FUZZ_OUT set and writes, per input and want set, each file before
# and after the edit, after the undo and after the per-file revert
# (fuzz.h).  A file that `SHELL -n` accepts before must be accepted after
# each of them.  grub-mkconfig sources /etc/default/grub with /bin/sh,
# mkinitcpio its configuration with bash.  Running the shell here rather
# than inside the fuzzer keeps a fork and an exec out of every fuzz input.
set -uo pipefail
if (($# < 3)); then
	echo "usage: $0 BINARY SHELL INPUT..." >&2
	exit 2
fi
bin=$1 sh=$2
shift 2
out=$(mktemp -d "${TMPDIR:-/tmp}/igp-check-shell.XXXXXX")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

mapfile -t inputs < <(find "$@" -type f | sort)
if ((${#inputs[@]} == 0)); then
	echo "check-shell: no inputs in $*" >&2
	exit 1
fi
# Files given to a libFuzzer binary are each run once (no fuzzing).
if ! printf '%s\0' "${inputs[@]}" | IGP_FUZZ_OUT=$out xargs -0 -n 500 "$bin" >"$out/log" 2>&1; then
	tail -n 40 "$out/log" >&2
	echo "check-shell: $(basename "$bin") failed on an input (log in $out)" >&2
	exit 1
fi

checked=0 failed=0
for before in "$out"/*.before.*; do
	[[ -e $before ]] || continue
	ext=${before##*.} base=${before%.before.*}
	"$sh" -n "$before" 2>/dev/null || continue
	for what in after undo revert; do
		f=$base.$what.$ext
		[[ -e $f ]] || continue
		checked=$((checked + 1))
		if ! err=$("$sh" -n "$f" 2>&1); then
			failed=$((failed + 1))
			echo "check-shell: $sh -n refuses the $what text of $(basename "$base") (input: $(basename "$base" | cut -d- -f1)-input)" >&2
			echo "  $err" >&2
			diff -u "$before" "$f" | head -n 20 >&2
		fi
	done
done
echo "check-shell: $(basename "$bin"): ${#inputs[@]} inputs, $checked edited texts checked with $sh -n, $failed refused"
if ((failed)); then
	echo "check-shell: the files are in $out" >&2
	exit 1
fi
rm -rf "$out"
