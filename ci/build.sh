#!/usr/bin/env bash
# Configures and builds one CMake preset, the same way on a laptop and in CI.
#
#   ci/build.sh dev                    # configure + build everything in build/dev
#   ci/build.sh fuzz acs_fuzzers       # only the given targets
#
# ACS_WERROR is ON when CI=true and OFF otherwise (set every time, so a tree configured by a
# CI-style run does not stay on -Werror). Extra configure flags go in ACS_CMAKE_ARGS, e.g.
#   ACS_CMAKE_ARGS="-DACS_WERROR=ON -DACS_ENABLE_CLANG_TIDY=ON" ci/build.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 1 ]] || { echo "usage: $0 PRESET [TARGET...]" >&2; exit 2; }
preset=$1
shift

configure_args=(-DACS_WERROR=OFF)
if [[ "${CI:-}" == "true" ]]; then
  configure_args=(-DACS_WERROR=ON)
fi
# shellcheck disable=SC2206  # split user-supplied flags on spaces
configure_args+=(${ACS_CMAKE_ARGS:-})

# Re-running configure is cheap and picks up edited CMakeLists.txt files and options.
cmake --preset "$preset" "${configure_args[@]}"

build_args=(--build --preset "$preset" -j "$(nproc)")
if [[ $# -gt 0 ]]; then
  build_args+=(--target "$@")
fi
cmake "${build_args[@]}"
