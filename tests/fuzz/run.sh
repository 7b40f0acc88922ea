#!/bin/bash
# Run one libFuzzer target for a while over its seed corpus.
#
#   run.sh [--fresh] BINARY SEEDS WORKDIR SECONDS [libFuzzer options...]
#
# New inputs go to WORKDIR/corpus (never into the seed directory), crashes
# to WORKDIR/artifacts.  --fresh empties WORKDIR/corpus first, so that a
# test run starts from the committed seeds alone.  Exits non-zero when the
# target crashed, leaked, hit a sanitizer report or a failed assertion, and
# then says how to reproduce it.
set -uo pipefail

fresh=0
if [[ ${1:-} == --fresh ]]; then
	fresh=1
	shift
fi
if (($# < 4)); then
	echo "usage: $0 [--fresh] BINARY SEEDS WORKDIR SECONDS [libFuzzer options...]" >&2
	exit 2
fi
bin=$1 seeds=$2 work=$3 seconds=$4
shift 4

((fresh)) && rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
rm -f "$work"/artifacts/*

# Sanitizer reports are crashes; leaks count.  libFuzzer's own -timeout
# catches hangs, -rss_limit_mb runaway memory.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
rc=$?
if ((rc != 0)); then
	echo "$(basename "$bin"): FAILED (exit $rc)" >&2
	for a in "$work"/artifacts/*; do
		[[ -e $a ]] || continue
		echo "  reproduce: $bin $a" >&2
	done
	# Not libFuzzer's 77, which meson would count as skipped.
	exit 1
fi
