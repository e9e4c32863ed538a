#!/usr/bin/env bash
# Fuzzes every route of a real Rectify server: at least 10,000 generated requests as
# office, unit, admin and anonymous; fails on any 5xx, crash or hang, and on any
# refused request that changed the database. Design: header of scripts/fuzz-server.py.
#
#   scripts/fuzz-server.sh [RECTIFY_BIN]               SQLite on a fresh temp data dir
#   scripts/fuzz-server.sh --postgres [RECTIFY_BIN]    PostgreSQL, e.g. inside
#       scripts/with-postgres.sh scripts/fuzz-server.sh --postgres
#
# RECTIFY_BIN defaults to .build/debug/rectify. With --postgres the database is
# DATABASE_URL, else RECTIFY_TEST_DATABASE_URL (set by with-postgres.sh); it must be
# empty, since the server loads the demo into an empty database. Given
# RECTIFY_FUZZ_PG_ADMIN_URL (a URL of a maintenance database such as
# postgres://postgres@127.0.0.1:55432/postgres), a fresh database rectify_fuzz_<pid>
# is created there instead and dropped afterwards.
# Knobs (environment): RECTIFY_FUZZ_SEED, RECTIFY_FUZZ_REQUESTS, RECTIFY_FUZZ_SECONDS,
# RECTIFY_FUZZ_STRICT, RECTIFY_FUZZ_BATCH, RECTIFY_FUZZ_PORT, RECTIFY_FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/.."

postgres=0
if [ "${1:-}" = "--postgres" ]; then postgres=1; shift; fi
BIN="${1:-.build/debug/rectify}"
[ -x "$BIN" ] || { echo "fuzz-server: no executable at $BIN (build with: swift build)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "fuzz-server: python3 is needed" >&2; exit 2; }

if [ "$postgres" = 1 ]; then
  command -v psql >/dev/null || { echo "fuzz-server: psql is needed for --postgres (apt-get install postgresql-client)" >&2; exit 2; }
  if [ -n "${RECTIFY_FUZZ_PG_ADMIN_URL:-}" ]; then
    db="rectify_fuzz_$$"
    psql -X -q "$RECTIFY_FUZZ_PG_ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
    trap 'psql -X -q "$RECTIFY_FUZZ_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
    export DATABASE_URL="${RECTIFY_FUZZ_PG_ADMIN_URL%/*}/$db"
  else
    export DATABASE_URL="${DATABASE_URL:-${RECTIFY_TEST_DATABASE_URL:-}}"
    [ -n "$DATABASE_URL" ] || { echo "fuzz-server: --postgres needs DATABASE_URL, RECTIFY_TEST_DATABASE_URL or RECTIFY_FUZZ_PG_ADMIN_URL" >&2; exit 2; }
  fi
  tables=$(psql -X -At "$DATABASE_URL" -c "SELECT count(*) FROM pg_tables WHERE schemaname='public'")
  [ "$tables" = 0 ] || { echo "fuzz-server: $DATABASE_URL is not empty ($tables tables); give an empty database" >&2; exit 2; }
else
  unset DATABASE_URL
fi

python3 scripts/fuzz-server.py "$BIN"   # not exec: the EXIT trap drops a database made above
