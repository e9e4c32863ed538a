#!/usr/bin/env bash
# Kills the server again and again under concurrent writes and checks nothing acknowledged is lost.
#   scripts/crash-restart.sh [RECTIFY_BIN] [CYCLES]              # SQLite (default: .build/debug/rectify, 10 cycles)
#   scripts/crash-restart.sh --postgres [RECTIFY_BIN] [CYCLES]   # a throwaway PostgreSQL 15 (scripts/with-postgres.sh)
# With DATABASE_URL already set, runs against that (empty) PostgreSQL database instead of SQLite.
# More options (writers, seed, SIGTERM frequency): scripts/crash-restart.py --help; pass them after CYCLES.
# Bench: scripts/crash-restart.sh .build/debug/rectify 100  and  scripts/crash-restart.sh --postgres .build/debug/rectify 20
set -euo pipefail

POSTGRES=0
if [ "${1:-}" = "--postgres" ]; then POSTGRES=1; shift; fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(readlink -f "${1:-$ROOT/.build/debug/rectify}" || true)"
CYCLES="${2:-10}"
shift $(( $# > 2 ? 2 : $# ))
cd "$ROOT"

if [ ! -x "$BIN" ]; then
  echo "crash-restart: $BIN is not an executable; build it first (swift build)" >&2
  exit 2
fi

if [ "$POSTGRES" = 1 ]; then
  # with-postgres.sh hands over RECTIFY_TEST_DATABASE_URL; the server reads DATABASE_URL.
  exec scripts/with-postgres.sh bash -c 'DATABASE_URL="$RECTIFY_TEST_DATABASE_URL" exec python3 scripts/crash-restart.py "$@"' \
    crash-restart --bin "$BIN" --cycles "$CYCLES" "$@"
fi
exec python3 scripts/crash-restart.py --bin "$BIN" --cycles "$CYCLES" "$@"
