#!/usr/bin/env bash
# Lint checks (style.md 3.11, 3.12). Run before sending a change; ci/test runs only `poco`.
#
#   ci/lint.sh              # format + poco
#   ci/lint.sh format       # clang-format --dry-run -Werror on our .h/.cpp files
#   ci/lint.sh poco         # no Poco header under cwmp/include (the codec API is std-only)
#   ci/lint.sh tidy [FILE]  # clang-tidy on FILEs (default: .cpp files changed vs HEAD),
#                           # using build/dev/compile_commands.json (ci/build.sh dev first)
set -euo pipefail
cd "$(dirname "$0")/.."

DIRS=(cwmp acs cpe-sim scenarios conformance)

# Our C++ sources, tracked or not (but never build output).
sources() {
  local existing=() d
  for d in "${DIRS[@]}"; do [[ -d "$d" ]] && existing+=("$d"); done
  [[ ${#existing[@]} -gt 0 ]] || return 0
  find "${existing[@]}" -type f \( -name '*.h' -o -name '*.cpp' \) -not -path '*/build/*' | sort
}

check_format() {
  local files
  mapfile -t files < <(sources)
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "lint: format: no sources yet"
    return 0
  fi
  if clang-format --dry-run -Werror "${files[@]}"; then
    echo "lint: format: ${#files[@]} files OK"
  else
    echo "lint: format: run  clang-format -i <file>  on the files above" >&2
    return 1
  fi
}

check_poco() {
  if [[ ! -d cwmp/include ]]; then
    echo "lint: poco: no cwmp/include yet"
    return 0
  fi
  if grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]Poco/' cwmp/include; then
    echo "lint: poco: cwmp/include must use std types only (style.md 3.3)" >&2
    return 1
  fi
  echo "lint: poco: cwmp/include has no Poco includes"
}

check_tidy() {
  local files=("$@")
  [[ -f build/dev/compile_commands.json ]] || { echo "lint: tidy: run ci/build.sh dev first" >&2; return 1; }
  if [[ ${#files[@]} -eq 0 ]]; then
    mapfile -t files < <(git diff --name-only --diff-filter=d HEAD -- "${DIRS[@]}" 2>/dev/null |
                         grep -E '\.cpp$' || true)
  fi
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "lint: tidy: no changed .cpp files"
    return 0
  fi
  clang-tidy -p build/dev --quiet "${files[@]}"
}

what=${1:-all}
[[ $# -gt 0 ]] && shift
case "$what" in
  all)
    rc=0
    check_format || rc=1
    check_poco || rc=1
    exit $rc
    ;;
  format) check_format ;;
  poco) check_poco ;;
  tidy) check_tidy "$@" ;;
  *) echo "usage: $0 [all|format|poco|tidy [FILE...]]" >&2; exit 2 ;;
esac
