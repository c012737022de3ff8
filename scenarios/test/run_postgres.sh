#!/bin/sh
# Runs a scenario with an embedded ACS on PostgreSQL against the server of ACS_TEST_PG_DSN
# (ci/pg.sh), in a database of its own (created here, dropped afterwards) so other pg tests
# sharing the server are not disturbed: every postgresql:// URL of the file is replaced by
# that database's. Used by CTest (scenario_run_postgres*, labels scenario and pg) and by hand.
# Exit 77 (skipped) without ACS_TEST_PG_DSN; otherwise scenario-run's exit code.
#   run_postgres.sh SCENARIO_RUN SCENARIO_FILE REPORT_DIR
# (the changed copy goes to REPORT_DIR: the file must not use paths relative to itself)
set -u
run=$1 template=$2 reports=$3
if [ -z "${ACS_TEST_PG_DSN:-}" ]; then
  echo "ACS_TEST_PG_DSN is not set (start one with ci/pg.sh)"
  exit 77
fi
db="scenario_run_$$"
base=${ACS_TEST_PG_DSN%/*}
psql -q "$ACS_TEST_PG_DSN" -c "CREATE DATABASE $db" || { echo "cannot create database $db"; exit 1; }
mkdir -p "$reports"
file="$reports/pg-$$-$(basename "$template")"
sed "s|postgresql://[^\"' ,}]*|$base/$db|g" "$template" >"$file"
"$run" "$file" --quiet --report-dir "$reports"
rc=$?
rm -f "$file"
psql -q "$ACS_TEST_PG_DSN" -c "DROP DATABASE $db WITH (FORCE)" || echo "warning: could not drop database $db"
exit $rc
