#!/usr/bin/env bash
# Installs the Debian packages a task needs, and nothing when they are all there already.
#
#   ci/deps.sh build            # compilers, cmake/ninja, Poco, GoogleTest, Benchmark, ...
#   ci/deps.sh build test       # + PostgreSQL server and test tools
#   ci/deps.sh lint             # clang-format, clang-tidy
#   ci/deps.sh browser          # Chromium + Node.js for web UI tests
#
# Runs apt-get (update + install) only when something is missing. Needs root for that.
set -euo pipefail

declare -A GROUPS_PKGS=(
  # libpq-dev: Poco::DataPostgreSQL links libpq but libpoco-dev does not pull it in.
  [build]="cmake ninja-build g++ clang libclang-rt-14-dev libpoco-dev libpq-dev libyaml-cpp-dev
           libexpat1-dev libgtest-dev googletest libbenchmark-dev pkg-config"
  # iproute2: `ss`, used by ci/pg.sh to find a free port. openssl: the ACS TLS tests make a
  # throw-away self-signed certificate with it.
  [test]="postgresql postgresql-15 curl python3 iproute2 openssl"
  [lint]="clang-format clang-tidy git"
  # nodejs/npm: machines that ship their own Node.js (with npm bundled) already have the
  # commands, and Debian's npm package conflicts with such a nodejs; see PKG_COMMANDS.
  [browser]="chromium nodejs npm"
)

# A package also counts as present when this command is on PATH (a Node.js not from Debian).
declare -A PKG_COMMANDS=(
  [nodejs]=node
  [npm]=npm
)

usage() {
  echo "usage: $0 GROUP... (groups: ${!GROUPS_PKGS[*]})" >&2
  exit 2
}

[[ $# -gt 0 ]] || usage

wanted=()
for group in "$@"; do
  [[ -n "${GROUPS_PKGS[$group]:-}" ]] || { echo "deps: unknown group '$group'" >&2; usage; }
  # shellcheck disable=SC2206  # word splitting of the package list is intended
  wanted+=(${GROUPS_PKGS[$group]})
done

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] && continue
  command=${PKG_COMMANDS[$pkg]:-}
  [[ -n "$command" ]] && command -v "$command" >/dev/null 2>&1 && continue
  missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all packages for '$*' are installed" >&2
  exit 0
fi

echo "deps: missing: ${missing[*]}" >&2
if [[ $EUID -ne 0 ]]; then
  echo "deps: installing needs root. Please run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: installed ${missing[*]}" >&2
