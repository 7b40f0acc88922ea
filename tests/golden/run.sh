#!/bin/bash
# Golden tests: run the real igpuctl binary on the fixture hosts and compare
# stdout, stderr and the exit status with tests/golden/expected/
# (tests/lib/golden.sh records them).
#
#   tests/golden/run.sh BIN            compare
#   tests/golden/run.sh BIN --update   rewrite the expected files after an intended change
#
# Cases are listed in tests/golden/cases: "HOST | ARGS" per line; HOST is a
# directory under examples/hosts/ (or a path relative to the source tree).
# The expected output of a case is expected/HOST/ARGS.out, ARGS with blanks
# as "_" and slashes as "_".
set -u
IGPUCTL=$(realpath "$1")
src=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# Output must not depend on the caller's locale or environment.
export LC_ALL=C
unset IGPUCTL_ROOT
# shellcheck source=../lib/golden.sh
. "$src/tests/lib/golden.sh"
trap golden_cleanup EXIT
golden_init tests/golden/expected "${@:2}"

pass=0 fail=0
while IFS='|' read -r host args; do
	host=$(echo "$host" | xargs)
	args=$(echo "$args" | xargs)
	[[ -z $host || $host == \#* ]] && continue
	[[ -d $host ]] || host=examples/hosts/$host
	slug=$(echo "$args" | tr ' /=' '__-' | tr -cd 'A-Za-z0-9_.:-')
	[[ -z $slug ]] && slug=default
	golden_begin "$(basename "$host")/$slug"
	# shellcheck disable=SC2086
	golden_run "$IGPUCTL" --root "$host" $args
	if golden_end; then
		pass=$((pass + 1))
	else
		echo "FAIL $host: igpuctl $args"
		fail=$((fail + 1))
	fi
done <tests/golden/cases
golden_finish || fail=$((fail + 1))
if ((GOLDEN_UPDATE)); then
	echo "golden: expected output rewritten, $fail failed"
else
	echo "golden: $pass passed, $fail failed"
fi
[[ $fail -eq 0 ]]
