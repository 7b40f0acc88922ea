#!/bin/bash
# Every C file of the tree is exactly as clang-format (the checked-in
# .clang-format) would write it.  A difference fails with the file and line.
#
#   tests/style/format.sh [SRCDIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find src tests bench -name '*.[ch]')
((${#files[@]} > 0)) || { echo "format: no C files found" >&2; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files as clang-format writes them"
