#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster on 127.0.0.1, for the store contract tests.
#
#   dsn=$(ci/pg.sh start /tmp/acs-pg)   # initdb + start on a free port; prints the DSN
#   ci/pg.sh dsn /tmp/acs-pg            # prints the DSN of a running cluster again
#   ci/pg.sh conninfo /tmp/acs-pg       # same in libpq keyword form (host=... port=...)
#   ci/pg.sh stop /tmp/acs-pg           # stops it and deletes the directory
#
# The DSN is postgresql://postgres@127.0.0.1:PORT/acs_test (trust auth, loopback only).
# Note: Poco 1.11's PostgreSQL connector rejects URIs ("cannot find '='"); give it the
# keyword form, as `conninfo` prints.
# Only the DSN goes to stdout; progress and errors go to stderr.
# As root the server runs as the `postgres` user; otherwise as the calling user.
# PG_BINDIR overrides the server binaries (default /usr/lib/postgresql/15/bin).
set -euo pipefail

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

log() { echo "pg: $*" >&2; }
die() { log "$*"; exit 1; }

# Runs a command as the cluster owner (initdb and postgres refuse to run as root).
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

dsn_of() {
  echo "postgresql://postgres@127.0.0.1:$(cat "$1/port")/acs_test"
}

conninfo_of() {
  echo "host=127.0.0.1 port=$(cat "$1/port") user=postgres dbname=acs_test"
}

start() {
  local dir=$1
  [[ -x "$PG_BINDIR/initdb" ]] || die "no $PG_BINDIR/initdb (run ci/deps.sh test)"
  [[ ! -e "$dir/data" ]] || die "$dir/data already exists (stop it first: $0 stop $dir)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$dir"
    as_owner test -x "$dir" ||
      die "user postgres cannot reach $dir (a parent directory is private; e.g. chmod 755 it)"
  fi

  log "initdb in $dir/data"
  as_owner "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  # Try ports from a random base; a port can still be taken between the check and the
  # start, so a failed start moves on to the next port.
  local base=$((20000 + RANDOM % 20000)) port started=""
  for ((port = base; port < base + 50; port++)); do
    port_in_use "$port" && continue
    log "starting on 127.0.0.1:$port"
    if as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=on" start >&2; then
      started=$port
      break
    fi
    log "start on port $port failed; trying another"
  done
  [[ -n "$started" ]] || { tail -n 20 "$dir/postgres.log" >&2 || true; die "could not start"; }
  echo "$started" | as_owner tee "$dir/port" >/dev/null

  local i
  for ((i = 0; i < 60; i++)); do
    "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$started" && break
    sleep 0.5
  done
  "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$started" || die "server is not ready"

  "$PG_BINDIR/createdb" -h 127.0.0.1 -p "$started" -U postgres acs_test
  log "ready"
  dsn_of "$dir"
}

stop() {
  local dir=$1
  # Refuse to delete a directory that does not look like one of ours.
  [[ -f "$dir/port" || -f "$dir/data/PG_VERSION" ]] || die "$dir is not a ci/pg.sh cluster"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || log "stop failed"
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-} ${2:+dir}" in
  "start dir") start "$2" ;;
  "stop dir") stop "$2" ;;
  "dsn dir") dsn_of "$2" ;;
  "conninfo dir") conninfo_of "$2" ;;
  *) echo "usage: $0 start|stop|dsn|conninfo DIR" >&2; exit 2 ;;
esac
