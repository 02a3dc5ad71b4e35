#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL 15 + PostGIS cluster for tests.
# Usage: .ci/postgres.sh start|stop   — prints the connection URL on start.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
ROOT=${PG_CI_ROOT:-/tmp/ci-pg15}
PORT=${PG_CI_PORT:-55432}
DB=${PG_CI_DB:-lagesbild_test}

case "${1:-start}" in
  start)
    install -d -o postgres -g postgres -m 700 "$ROOT"
    if [ ! -s "$ROOT/data/PG_VERSION" ]; then
      rm -rf "$ROOT/data"
      runuser -u postgres -- "$PGBIN/initdb" -D "$ROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$ROOT/data" status >/dev/null 2>&1; then
      # A port held by something else would make pg_ctl fail obscurely; say so plainly.
      if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then
        echo "port $PORT is in use by another process; set PG_CI_PORT" >&2; exit 1
      fi
      runuser -u postgres -- "$PGBIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/server.log" -w -t 60 \
        -o "-p $PORT -k $ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    psql -q -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
      || psql -q -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB" >/dev/null
    psql -q -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    echo "postgres://postgres@127.0.0.1:$PORT/$DB"
    ;;
  stop)
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$ROOT/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
