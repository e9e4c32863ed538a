#!/usr/bin/env bash
# The API contract: schemathesis (PyPI, pinned) sends generated requests, valid and invalid,
# to every operation of the OpenAPI 3.1 document the server publishes at
# /api/v1/openapi.json, and fails on any 5xx, an undocumented status code, a body that
# does not match its schema or a wrong content type. Runs as the demo office and admin.
#   scripts/api-contract.sh [RECTIFY_BIN]             SQLite on a fresh data dir
#   scripts/api-contract.sh postgres [RECTIFY_BIN]    a throwaway PostgreSQL 15 (with-postgres.sh)
# RECTIFY_BIN defaults to .build/debug/rectify. With `postgres` and DATABASE_URL already
# set, that (empty) database is used instead. Afterwards the server must still be running
# and healthy and must have logged no error (5xx are logged at error level).
# Knobs (environment): RECTIFY_CONTRACT_EXAMPLES (25, max examples per operation and phase),
# RECTIFY_CONTRACT_WORKERS (2; 1 on an old Python, see below), RECTIFY_CONTRACT_SEED (1),
# RECTIFY_CONTRACT_SPEC (a file or URL instead of the server's document; requests still go
# to the server), RECTIFY_CONTRACT_OUT (reports, default /tmp/rectify-api-contract-DB),
# RECTIFY_CONTRACT_VENV (default /tmp/rectify-schemathesis-VERSION).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SELF="$(readlink -f "$0")"
DB=sqlite
if [ "${1:-}" = postgres ] || [ "${1:-}" = --postgres ]; then DB=postgres; shift; fi
BIN="$(readlink -f "${1:-$ROOT/.build/debug/rectify}" || true)"
[ -x "$BIN" ] || { echo "api-contract: $BIN is not an executable; build it first (swift build)" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ "$DB" = postgres ] && [ -z "${DATABASE_URL:-}" ]; then
  # Re-run inside a throwaway PostgreSQL on a port of its own (no clash with a running one).
  export PG_PORT="${PG_PORT:-$(free_port)}"
  exec "$ROOT/scripts/with-postgres.sh" bash -c 'DATABASE_URL="$RECTIFY_TEST_DATABASE_URL" exec "$0" postgres "$1"' "$SELF" "$BIN"
fi
[ "$DB" = postgres ] || unset DATABASE_URL   # the server picks SQLite without it
cd "$ROOT"

# schemathesis in a venv of its own (kept between runs), so its pins touch no other script.
# Python 3.11 before 3.11.8 and 3.12 before 3.12.2 can raise a spurious "SystemError: AST
# constructor recursion depth mismatch" (CPython gh-106905) when Hypothesis parses source in
# two worker threads at once: the venv takes a Python with the fix when there is one (pyenv's
# 3.13 here), else the run keeps to one worker.
VERSION=4.32.5
VENV="${RECTIFY_CONTRACT_VENV:-/tmp/rectify-schemathesis-$VERSION}"
fixed='import sys; v = sys.version_info[:3]; sys.exit(not (v >= (3, 13) or (3, 12, 2) <= v < (3, 13) or (3, 11, 8) <= v < (3, 12)))'
PY=python3
for c in python3 python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python3; do
  "$c" -c "$fixed" 2>/dev/null && { PY=$c; break; }
done
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION" \
   || { ! "$VENV/bin/python" -c "$fixed" && "$PY" -c "$fixed"; } 2>/dev/null; then
  rm -rf "$VENV" && "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION" 2>&1 | grep -v "WARNING: Running pip as" || true
fi
"$VENV/bin/schemathesis" --version | grep -q "$VERSION" || { echo "api-contract: could not install schemathesis $VERSION" >&2; exit 2; }
WORKERS=1; "$VENV/bin/python" -c "$fixed" && WORKERS=2
WORKERS="${RECTIFY_CONTRACT_WORKERS:-$WORKERS}"

# Reports stay for CI logs; the data dir goes. The server starts as in scripts/fuzz-server.py:
# `serve` on a fresh data dir (an empty database), which loads the demo data itself.
OUT="${RECTIFY_CONTRACT_OUT:-/tmp/rectify-api-contract-$DB}"
rm -rf "$OUT" && mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/rectify-contract.XXXXXX)"
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=error
PORT="$(free_port)"
URL="http://127.0.0.1:$PORT"
"$BIN" serve --port "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
fail() { echo "api-contract ($DB): FAILED: $*"; echo "-- server log (tail):"; tail -20 "$OUT/server.log"; exit 1; }
for _ in $(seq 1 900); do
  kill -0 $SERVER 2>/dev/null || fail "the server exited at start"
  curl -fs "$URL/healthz" >/dev/null && break; sleep 0.2
done
curl -fs "$URL/healthz" >/dev/null || fail "the server did not answer /healthz within 180 s"

# An API token as fuzz-server.py makes one: log in, then POST /api/v1/tokens with the
# session's CSRF token (from GET /api/v1/session). Bearer calls need no cookie or CSRF.
token() {  # $1: login (the demo password is LOGIN-demo), $2: token name
  local jar="$WORK/jar-$1" csrf
  curl -fs -c "$jar" -o /dev/null -d "login=$1&password=$1-demo" "$URL/login"
  csrf=$(curl -fs -b "$jar" "$URL/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
  curl -fs -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "{\"name\":\"$2\"}" \
    "$URL/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
OFFICE=$(token office contract) && ADMIN=$(token admin contract) && SPARE=$(token admin contract-spare) \
  && [ -n "$OFFICE" ] && [ -n "$ADMIN" ] && [ -n "$SPARE" ] || fail "could not log in and make API tokens"

# The document the server serves, or the one given (a file, or a URL fetched here), so a
# copy is kept beside the reports and schemathesis always reads a local file.
SPEC="${RECTIFY_CONTRACT_SPEC:-$URL/api/v1/openapi.json}"
if [ -f "$SPEC" ]; then SPEC="$(readlink -f "$SPEC")"; else
  curl -fsS -H "Authorization: Bearer $OFFICE" "$SPEC" -o "$OUT/openapi.json" || fail "no OpenAPI document at $SPEC"
  SPEC="$OUT/openapi.json"
fi

# One schemathesis run. --url sends every request to this server whatever the document's
# `servers` say; a fixed seed makes CI runs repeatable. It runs inside its own directory
# because schemathesis keeps .hypothesis/ and .schemathesis/ (a cache of past failures,
# replayed first) in the current one.
CHECKS=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
runs_passed=0; runs_failed=0
run() {  # $1: name of the run, $2: token, rest: more schemathesis options
  local name=$1 tok=$2 start=$SECONDS rc=0; shift 2
  kill -0 $SERVER 2>/dev/null || { runs_failed=$((runs_failed + 1)); echo "api-contract ($DB) $name: not run, the server is down"; return; }
  mkdir -p "$OUT/$name"
  (cd "$OUT/$name" && "$VENV/bin/schemathesis" run "$SPEC" --url "$URL/api/v1" -H "Authorization: Bearer $tok" \
     --checks "$CHECKS" --max-examples "${RECTIFY_CONTRACT_EXAMPLES:-25}" --workers "$WORKERS" \
     --seed "${RECTIFY_CONTRACT_SEED:-1}" --generation-database none --request-timeout 60 --no-color \
     --report junit --report-junit-path "$OUT/$name.junit.xml" "$@") >"$OUT/$name.txt" 2>&1 || rc=$?
  local cases; cases=$(grep -A1 "^Test cases:" "$OUT/$name.txt" | tail -1 | sed 's/^ *//' || true)
  if [ "$rc" = 0 ]; then
    runs_passed=$((runs_passed + 1)); echo "api-contract ($DB) $name: ok in $((SECONDS - start)) s ($cases)"
  else  # the failures (cut short) and schemathesis' own summary; the whole text is in $OUT
    runs_failed=$((runs_failed + 1)); echo "api-contract ($DB) $name: FAILED (exit $rc) in $((SECONDS - start)) s ($cases)"
    awk '/^=+ (FAILURES|ERRORS) =+$/ {f = 1} /^=+ (WARNINGS|SUMMARY) =+$/ {f = 0} f' "$OUT/$name.txt" | cut -c1-300 | head -60
    sed -n '/^=* SUMMARY =*$/,$p' "$OUT/$name.txt"
    [ -s "$OUT/$name.junit.xml" ] || tail -20 "$OUT/$name.txt"   # an error before any test ran
  fi
}
# DELETE /tokens/{id} could revoke the very token a run uses (generated ids are small
# integers, our tokens are ids 1-3, and admins may revoke anyone's), after which every
# request is a 401. So the main runs leave it out and a last run tests it alone with a
# spare admin token that nothing needs afterwards.
run office "$OFFICE" --exclude-name 'DELETE /tokens/{id}'
run admin "$ADMIN" --exclude-name 'DELETE /tokens/{id}'
has_revoke='import json,sys; sys.exit("delete" not in json.load(open(sys.argv[1]))["paths"].get("/tokens/{id}", {}))'
if python3 -c "$has_revoke" "$SPEC" 2>/dev/null; then run revoke "$SPARE" --include-name 'DELETE /tokens/{id}'; fi

# The server must have come through: still running, healthy, and no error logged.
kill -0 $SERVER 2>/dev/null || { runs_failed=$((runs_failed + 1)); echo "api-contract ($DB): the server died"; }
curl -fs "$URL/healthz" >/dev/null || { runs_failed=$((runs_failed + 1)); echo "api-contract ($DB): /healthz does not answer 200"; }
if grep -qE '\[ (ERROR|CRITICAL) \]' "$OUT/server.log"; then
  runs_failed=$((runs_failed + 1)); echo "api-contract ($DB): the server logged errors:"; grep -E '\[ (ERROR|CRITICAL) \]' "$OUT/server.log" | head -20
fi
[ "$runs_failed" = 0 ] || { echo "-- server log (tail):"; tail -20 "$OUT/server.log"; }
echo "api-contract ($DB): reports in $OUT (*.txt, *.junit.xml, server.log)"
echo "api-contract: $runs_passed passed, $runs_failed failed"
[ "$runs_failed" = 0 ]
