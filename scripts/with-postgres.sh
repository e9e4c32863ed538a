#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 server on loopback, then stops it.
#   scripts/with-postgres.sh swift test
# The command sees RECTIFY_TEST_DATABASE_URL pointing at a database named rectify_test.
# Installs PostgreSQL from Debian's packages if it is missing. The server runs as
# the postgres user (it refuses root) in its own data directory, on 127.0.0.1 only.
set -euo pipefail

PG_PORT="${PG_PORT:-55432}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

if [ ! -x "$PG_BIN/pg_ctl" ]; then
  echo "with-postgres: installing PostgreSQL 15 from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi

PG_DIR="$(mktemp -d /tmp/rectify-pg.XXXXXX)"
chown postgres:postgres "$PG_DIR"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-k $PG_DIR -c listen_addresses=127.0.0.1 -p $PG_PORT -c fsync=off -c synchronous_commit=off" start >/dev/null

stop() { as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop EXIT

as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres rectify_test
export RECTIFY_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/rectify_test"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT" >&2
"$@"
