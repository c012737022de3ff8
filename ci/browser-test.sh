#!/usr/bin/env bash
# The dashboard's browser tests (label `browser`): Debian's chromium driven by playwright-core
# against the real `acs` and a `cpe-sim` device.
#
#   ci/browser-test.sh            # preset dev (build/dev)
#   ci/browser-test.sh asan       # any preset of CMakePresets.json
#
# Steps: Debian packages (chromium; node and npm unless the machine has them), playwright-core
# from the committed lockfile (npm ci; playwright-core never downloads a browser), configure
# (which registers the tests once node_modules exists), build what the tests start, run them.
# Screenshots and the device-list timing land in reports/ui/.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${1:-dev}

ci/deps.sh browser
npm ci --prefix acs/test/browser --no-audit --no-fund
ci/build.sh "$preset" acs_server acs_web_seed cpe_sim
ctest --test-dir "build/$preset" -L browser --output-on-failure --no-tests=error
