#!/bin/sh
# Runs a scenario in `acs: url` mode against an ACS this script starts itself (our `acs` on a
# throw-away SQLite file, port 0), as an operator runs scenario-run against an ACS that is
# already up. The file's @ACS@ is replaced by the ACS's base URL (http://127.0.0.1:PORT).
# Passes when scenario-run exits 0 and measured the ACS's memory through its /metrics.
# Used by CTest (scenario_run_url_mode, label scenario) and by hand.
#   run_url_mode.sh ACS_BINARY SCENARIO_RUN SCENARIO_TEMPLATE REPORT_DIR
set -u
acs=$1 run=$2 template=$3 reports=$4
work=$(mktemp -d /tmp/scenario-url.XXXXXX) || exit 1
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ACS_HOST=127.0.0.1 ACS_PORT=0 DATABASE_URL="sqlite://$work/acs.db" LOG_LEVEL=warning \
  "$acs" >"$work/acs.out" 2>&1 &
pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^acs: listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/acs.out" | head -n 1)
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "the ACS did not start:"; cat "$work/acs.out"; exit 1
fi
mkdir -p "$reports"
sed "s|@ACS@|$base|g" "$template" >"$work/scenario.yaml"
out=$("$run" "$work/scenario.yaml" --quiet --report-dir "$reports" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || exit $rc
echo "$out" | grep -q "ok      acs_rss: measured [0-9.]* MiB" || { echo "acs_rss was not measured"; exit 1; }
exit 0
