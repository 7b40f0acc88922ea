#!/bin/bash
# `make fuzz`: run each fuzz target for a long time.
#
#   fuzz-all.sh BUILDDIR SECONDS [NAME...]    (default: every fuzz_NAME.c)
#
# Each target keeps what it finds in BUILDDIR/tests/fuzz/long/NAME: corpus/
# grows from run to run (the seeds in tests/fuzz/corpus/NAME are only read),
# artifacts/ holds crashes.  The shell targets' grown corpus then goes
# through check-shell.sh.  Exits non-zero when any target failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if (($# < 2)); then
	echo "usage: $0 BUILDDIR SECONDS [NAME...]" >&2
	exit 2
fi
build=$1 seconds=$2
shift 2
if (($# == 0)); then
	set -- $(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

failed=()
for t in "$@"; do
	bin=$build/tests/fuzz/fuzz_$t work=$build/tests/fuzz/long/$t
	if [[ ! -x $bin ]]; then
		echo "fuzz-all: no $bin (ninja -C $build fuzz)" >&2
		failed+=("$t")
		continue
	fi
	echo "== fuzz_$t for ${seconds}s (corpus: $work/corpus)"
	"$here/run.sh" "$bin" "$here/corpus/$t" "$work" "$seconds" || failed+=("$t")
	case $t in
	grub) "$here/check-shell.sh" "$bin" sh "$here/corpus/$t" "$work/corpus" || failed+=("$t (sh -n)") ;;
	mkinitcpio) "$here/check-shell.sh" "$bin" bash "$here/corpus/$t" "$work/corpus" || failed+=("$t (bash -n)") ;;
	esac
done
if ((${#failed[@]})); then
	echo "fuzz-all: FAILED: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz-all: $# targets, no crash"
