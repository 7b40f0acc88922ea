# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The golden-output runner, sourced by every suite that compares what the
# real binary prints with a committed file (tests/golden/run.sh,
# tests/setup/run.sh, tests/vm-config/run.sh; see tests/README.md).
#
# A case is one or more runs of a command.  Each run is recorded with its
# stdout, its stderr and its exit status kept apart:
#
#   $ igpuctl ARGS
#   --- stdout
#   ...
#   --- stderr
#   ...
#   --- exit N
#
# and a suite may add the files a run left behind (`--- file PATH`).  A
# stream or file that does not end in a newline is followed by the line
# `\ No newline at end of ...`, as diff(1) marks it.  The record is compared
# with DIR/NAME.out; with --update it is written there instead.
#
#   golden_init DIR [ARGS...]   expected files live in DIR; --update among
#                               ARGS (or GOLDEN_UPDATE=1 in the environment)
#                               rewrites them instead of comparing
#   golden_mask SED-EXPR        (sed -E) applied to every record before comparing
#                               (temporary paths, times, pids)
#   golden_begin NAME           start the record of case NAME
#   golden_mask_case SED-EXPR   as golden_mask, for the current case only
#   golden_run CMD [ARGS...]    run CMD (stdin /dev/null) and record it; the
#                               status is in $GOLDEN_RC, the streams in the
#                               files $GOLDEN_STDOUT and $GOLDEN_STDERR.  The
#                               recorded command line shows $IGPUCTL as
#                               "igpuctl" and leaves out `--root DIR`;
#                               GOLDEN_LABEL=TEXT golden_run ... shows TEXT.
#   golden_file LABEL PATH      record the bytes of PATH (or "(absent)")
#   golden_end                  compare (or write) the record: returns 1 and
#                               prints the difference on stderr when it
#                               differs, when the expected file is missing,
#                               or when a run crashed (a signal, or a
#                               sanitizer report) -- a crash is never
#                               written as expected output
#   golden_finish               returns 1 (naming them) when DIR holds
#                               expected files no case compared; with
#                               --update it removes them.  Call it only when
#                               every case ran (no filter).
#
# Needs IGPUCTL (the binary) set by the suite.  Every function writes in a
# private temporary directory, removed at exit by the suite's own trap on
# EXIT if it calls golden_cleanup, or left in TMPDIR otherwise.

GOLDEN_DIR=
GOLDEN_UPDATE=${GOLDEN_UPDATE:-0}
GOLDEN_NAME=
GOLDEN_RC=
GOLDEN_MASKS=()
_GOLDEN_CASE_MASKS=()
declare -gA GOLDEN_SEEN=()
_GOLDEN_WORK=$(mktemp -d "${TMPDIR:-/tmp}/igpuctl-golden.XXXXXX")
GOLDEN_STDOUT=$_GOLDEN_WORK/stdout
GOLDEN_STDERR=$_GOLDEN_WORK/stderr
_GOLDEN_REC=$_GOLDEN_WORK/record
_GOLDEN_CRASH=

golden_cleanup() { rm -rf "$_GOLDEN_WORK"; }

golden_init() {
	GOLDEN_DIR=$1
	shift
	local a
	for a in "$@"; do
		[[ $a == --update ]] && GOLDEN_UPDATE=1
	done
	[[ $GOLDEN_UPDATE == 1 ]] || GOLDEN_UPDATE=0
	mkdir -p "$GOLDEN_DIR"
}

golden_mask() { GOLDEN_MASKS+=(-e "$1"); }
golden_mask_case() { _GOLDEN_CASE_MASKS+=(-e "$1"); }

golden_begin() {
	GOLDEN_NAME=$1
	_GOLDEN_CRASH=
	_GOLDEN_CASE_MASKS=()
	: >"$_GOLDEN_REC"
}

# _golden_word ARG: ARG as a shell word, quoted only when it needs to be;
# a very long one is cut (its length says what it was).
_golden_word() {
	local w=$1
	if ((${#w} > 120)); then
		printf '%s...(%d bytes)' "${w:0:40}" "${#w}"
	elif [[ -n $w && $w =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
		printf '%s' "$w"
	else
		printf '%s' "${w@Q}"
	fi
}

# _golden_stream TITLE FILE: FILE's bytes after the section line, marking a
# missing final newline.
_golden_stream() {
	printf -- '--- %s\n' "$1"
	[[ -s $2 ]] || return 0
	cat "$2"
	[[ $(tail -c 1 "$2" | od -An -c | tr -d ' ') == '\n' ]] ||
		printf '\n\\ No newline at end of %s\n' "$1"
}

golden_run() {
	local label=${GOLDEN_LABEL:-} w skip=0
	if [[ -z $label ]]; then
		for w in "$@"; do
			if ((skip)); then
				skip=0
				continue
			fi
			if [[ $w == --root ]]; then
				skip=1
				continue
			fi
			[[ $w == "${IGPUCTL:-}" ]] && w=igpuctl
			label+=${label:+ }$(_golden_word "$w")
		done
	fi
	GOLDEN_RC=0
	"$@" >"$GOLDEN_STDOUT" 2>"$GOLDEN_STDERR" </dev/null || GOLDEN_RC=$?
	{
		printf '$ %s\n' "$label"
		_golden_stream stdout "$GOLDEN_STDOUT"
		_golden_stream stderr "$GOLDEN_STDERR"
		printf -- '--- exit %d\n' "$GOLDEN_RC"
	} >>"$_GOLDEN_REC"
	# A signal (128 + N) or a sanitizer's report is a crash, whatever the
	# expected file says.
	if ((GOLDEN_RC >= 128)) || grep -qE '^(==[0-9]+==ERROR: [A-Za-z]+Sanitizer|.*: runtime error: )' "$GOLDEN_STDERR"; then
		# What it said last: a sanitizer's report or an abort's message.
		_GOLDEN_CRASH+="$label: exit $GOLDEN_RC"$'\n'"$(tail -n 40 "$GOLDEN_STDERR")"$'\n'
	fi
	return 0
}

golden_file() {
	if [[ -e $2 || -L $2 ]]; then
		_golden_stream "file $1" "$2" >>"$_GOLDEN_REC"
	else
		printf -- '--- file %s\n(absent)\n' "$1" >>"$_GOLDEN_REC"
	fi
}

golden_end() {
	local name=$GOLDEN_NAME exp=$GOLDEN_DIR/$GOLDEN_NAME.out
	GOLDEN_SEEN[$name.out]=1
	if ((${#GOLDEN_MASKS[@]} + ${#_GOLDEN_CASE_MASKS[@]})); then
		sed -E -i "${GOLDEN_MASKS[@]}" "${_GOLDEN_CASE_MASKS[@]}" "$_GOLDEN_REC"
	fi
	if [[ -n $_GOLDEN_CRASH ]]; then
		printf 'golden %s: crashed:\n%s' "$name" "$_GOLDEN_CRASH" >&2
		cat "$GOLDEN_STDERR" >&2
		return 1
	fi
	if ((GOLDEN_UPDATE)); then
		mkdir -p "$(dirname "$exp")"
		cp "$_GOLDEN_REC" "$exp"
		return 0
	fi
	if [[ ! -f $exp ]]; then
		echo "golden $name: no expected output $exp (run the suite with --update)" >&2
		return 1
	fi
	if ! diff -u --label "$exp" --label "$name (actual)" "$exp" "$_GOLDEN_REC" >"$_GOLDEN_WORK/diff"; then
		echo "golden $name: output differs from $exp:" >&2
		cat "$_GOLDEN_WORK/diff" >&2
		return 1
	fi
	return 0
}

golden_finish() {
	local f rel stale=()
	while IFS= read -r -d '' f; do
		rel=${f#"$GOLDEN_DIR"/}
		[[ -n ${GOLDEN_SEEN[$rel]:-} ]] || stale+=("$rel")
	done < <(find "$GOLDEN_DIR" -name '*.out' -type f -print0 | sort -z)
	((${#stale[@]})) || return 0
	if ((GOLDEN_UPDATE)); then
		for rel in "${stale[@]}"; do
			rm -f "$GOLDEN_DIR/$rel"
			echo "golden: removed $GOLDEN_DIR/$rel (no case compares it)"
		done
		find "$GOLDEN_DIR" -mindepth 1 -type d -empty -delete
		return 0
	fi
	printf 'golden: %s has expected files no case compares (run the suite with --update to remove them):\n' "$GOLDEN_DIR" >&2
	printf '  %s\n' "${stale[@]}" >&2
	return 1
}
