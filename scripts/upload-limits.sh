#!/usr/bin/env bash
# Issue 5 §6 in CI: a 1 GB upload to the ledger import is refused early and clearly.
#   scripts/upload-limits.sh [RECTIFY_BIN]
# Starts the server on the demo data, logs in as the demo office, streams a 1 GB
# file (sparse, so it costs no disk) to the import, and checks the answer is 413 with
# the code file.tooLarge, that the server did not read it all, and that no task changed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/rectify}"
command -v curl >/dev/null || { apt-get update -qq; apt-get install -y -qq curl >/dev/null; }
WORK=$(mktemp -d)
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=error
PORT=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768–60999), where an outgoing connection may hold a port
"$BIN" serve --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
fail() { echo "upload limits: FAILED: $*"; cat "$WORK/server.log" | tail -5; exit 1; }
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "the server did not start"
curl -s -c "$WORK/jar" -o /dev/null -d "login=office&password=office-demo" "http://127.0.0.1:$PORT/login"
count() { curl -s -b "$WORK/jar" -H 'Accept: application/json' "http://127.0.0.1:$PORT/api/v1/tasks?inspection=1&per=1" | grep -oE '"total":[0-9]+'; }
before=$(count)
[ -n "$before" ] || fail "could not log in and count the tasks"
# Cookie-authenticated API writes carry the session's CSRF token.
csrf=$(curl -s -b "$WORK/jar" "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
[ -n "$csrf" ] || fail "no CSRF token from /api/v1/session"
truncate -s 1G "$WORK/big.bin"
start=$(date +%s%N)
answer=$(curl -s -b "$WORK/jar" -H 'Accept: application/json' -H "X-CSRF-Token: $csrf" -X POST -T "$WORK/big.bin" \
  -w ' HTTP %{http_code} sent %{size_upload}' "http://127.0.0.1:$PORT/api/v1/inspections/1/ledger/import" || true)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "$answer" | grep -q 'HTTP 413' || fail "expected 413, got: $answer"
echo "$answer" | grep -q '"code":"file.tooLarge"' || fail "expected the code file.tooLarge: $answer"
sent=$(echo "$answer" | grep -oE 'sent [0-9]+' | grep -oE '[0-9]+')
[ "$sent" -lt $((200 * 1024 * 1024)) ] || fail "the client sent $sent bytes before being refused"
[ "$(count)" = "$before" ] || fail "tasks changed"
echo "upload limits: a 1 GB upload was refused with 413 file.tooLarge after $ms ms, $((sent / 1024 / 1024)) MB sent; nothing changed"
