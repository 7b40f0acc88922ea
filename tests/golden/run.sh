#!/bin/bash
# Golden tests: run the real igpuctl binary on the fixture hosts and compare
# stdout, stderr and the exit status with tests/golden/expected/.
#
#   tests/golden/run.sh BIN            compare
#   tests/golden/run.sh BIN --update   rewrite the expected files after an intended change
#
# Cases are listed in tests/golden/cases: "HOST | ARGS" per line; HOST is a
# directory under examples/hosts/ (or a path relative to the source tree).
set -u
bin=$(realpath "$1")
update=${2:-}
src=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# Output must not depend on the caller's locale or environment.
export LC_ALL=C
unset IGPUCTL_ROOT

pass=0 fail=0
while IFS='|' read -r host args; do
	host=$(echo "$host" | xargs)
	args=$(echo "$args" | xargs)
	[[ -z $host || $host == \#* ]] && continue
	[[ -d $host ]] || host=examples/hosts/$host
	slug=$(echo "$args" | tr ' /=' '__-' | tr -cd 'A-Za-z0-9_.:-')
	[[ -z $slug ]] && slug=default
	exp=tests/golden/expected/$(basename "$host")/$slug.out
	# shellcheck disable=SC2086
	actual=$("$bin" --root "$host" $args 2>&1; echo "[exit $?]")
	if [[ $update == --update ]]; then
		mkdir -p "$(dirname "$exp")"
		printf '%s\n' "$actual" >"$exp"
		continue
	fi
	if [[ ! -f $exp ]]; then
		echo "FAIL $host: igpuctl $args: no expected output $exp (run with --update)"
		fail=$((fail + 1))
	elif diff -u "$exp" <(printf '%s\n' "$actual") >/tmp/igpuctl-golden.diff.$$; then
		pass=$((pass + 1))
	else
		echo "FAIL $host: igpuctl $args"
		cat /tmp/igpuctl-golden.diff.$$
		fail=$((fail + 1))
	fi
done <tests/golden/cases
rm -f /tmp/igpuctl-golden.diff.$$
[[ $update == --update ]] && { echo "expected output rewritten"; exit 0; }
echo "golden: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
