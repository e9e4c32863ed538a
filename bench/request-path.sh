#!/usr/bin/env bash
# The request path against its ceiling (issue 11): requests per second of each page, side
# by side in one run with a Vapor hello-world built by this script with the same compiler
# and flags (bench/hello), printed as a share of it. Release build, SQLite, wrk -t1 -c16.
#   bench/request-path.sh [TASKS] [SECONDS]    default 100000 tasks, 10 s a run
# Data as bench/pages.sh makes it: the demo, then TASKS tasks in the office's province by
# the ledger import (bench/gen-ledger.py + `rectify import … --apply`, 10,000 rows a file).
# Each request runs twice, interleaved with the hello-world, and the better run counts;
# the ceiling is the mean of the hello-world runs. Output: bench/out/request-path.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS="${1:-100000}"
SECONDS_PER_RUN="${2:-10}"
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
for tool in sqlite3 wrk curl; do command -v $tool >/dev/null || { apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }; done
swift build -c release --product rectify >/dev/null
swift build -c release --product bench-hello >/dev/null
BINDIR="$(swift build -c release --show-bin-path)"
BIN="$BINDIR/rectify"
WORK=$(mktemp -d)
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=error
DB="$RECTIFY_DATA_DIR/rectify.sqlite"
PORT=$((20000 + RANDOM % 10000)); HELLO_PORT=$((PORT + 10000))
BASE="http://127.0.0.1:$PORT"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
wait_for() { for _ in $(seq 1 150); do curl -fs "$1" >/dev/null && return; sleep 0.2; done; echo "no answer from $1"; exit 1; }

"$BIN" demo >/dev/null
. bench/add-tasks.sh
add_tasks "$BIN" "$DB" "$WORK" "$TASKS"

"$BIN" serve --port "$PORT" --no-demo >"$WORK/server.log" 2>&1 & PIDS+=($!)
"$BINDIR/bench-hello" serve --port "$HELLO_PORT" >"$WORK/hello.log" 2>&1 & PIDS+=($!)
wait_for "$BASE/healthz"; wait_for "http://127.0.0.1:$HELLO_PORT/"
curl -s -c "$WORK/jar" -o /dev/null -d "login=office&password=office-demo" "$BASE/login"
COOKIE="Cookie: rectify_session=$(awk '/rectify_session/ {print $7}' "$WORK/jar")"
CSRF=$(curl -s -H "$COOKIE" "$BASE/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
TOKEN=$(curl -s -H "$COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$BASE/api/v1/tokens" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
BEARER="Authorization: Bearer $TOKEN"
TASK=$(sqlite3 "$DB" "SELECT id FROM tasks WHERE inspection_id = $X AND state = 'inProgress' ORDER BY id LIMIT 1")
[ -n "$TASK" ] || TASK=$(sqlite3 "$DB" "SELECT id FROM tasks WHERE inspection_id = $X ORDER BY id LIMIT 1")

# The task page is kept per task and scope until the data changes; a different task each
# request (5,000 of the office's, in random order, by a wrk script) shows the page unkept.
sqlite3 "$DB" "SELECT id FROM tasks WHERE region_code BETWEEN 210000 AND 219999 ORDER BY random() LIMIT 5000" >"$WORK/tasks.txt"
cat >"$WORK/tasks.lua" <<LUA
local ids, i = {}, 0
for line in io.lines("$WORK/tasks.txt") do ids[#ids + 1] = line end
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/tasks/" .. ids[i])
end
LUA

# name | header | path (or a wrk script after @) | target share (from the issue)
REQUESTS=(
  "healthz with a session cookie|$COOKIE|/healthz|0.50"
  "public portal (anonymous)|-|/public|0.30"
  "API task list (token)|$BEARER|/api/v1/tasks|0.15"
  "dashboard /|$COOKIE|/|0.05"
  "ledger page|$COOKIE|/ledger|0.05"
  "task page|$COOKIE|/tasks/$TASK|0.05"
  "task page, another task each time|$COOKIE|@$WORK/tasks.lua|0.05"
)
run() {  # $1 header or -, $2 url -> "rps p99ms non2xx"
  local args=(-t1 -c16 -d"${SECONDS_PER_RUN}s" --latency)
  [ "$1" = - ] || args+=(-H "$1")
  local url=$2
  case "$url" in *@*) args+=(-s "${url#*@}"); url=${url%%@*} ;; esac
  wrk "${args[@]}" "$url" | python3 -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", t)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
print(rps, p99, bad.group(1) if bad else 0)'
}
# Warm both (the day's recompute, caches, connections); the run through many tasks needs no warming.
for r in "${REQUESTS[@]}"; do IFS='|' read -r _ h p _ <<<"$r"; [[ $p == @* ]] || run "$h" "$BASE$p" >/dev/null; done
HELLO=()
RESULTS=()
for r in "${REQUESTS[@]}"; do
  IFS='|' read -r name h p target <<<"$r"
  HELLO+=("$(run - "http://127.0.0.1:$HELLO_PORT/" | cut -d' ' -f1)")
  a=$(run "$h" "$BASE$p"); b=$(run "$h" "$BASE$p")
  best=$(printf '%s\n%s\n' "$a" "$b" | sort -k1 -g -r | head -1)
  RESULTS+=("$name|$p|$target|$best")
done
HELLO+=("$(run - "http://127.0.0.1:$HELLO_PORT/" | cut -d' ' -f1)")
{
echo "# bench/request-path.sh $TASKS $SECONDS_PER_RUN — $(date -u +%F) on $(nproc) cores, release, SQLite, wrk -t1 -c16 -d${SECONDS_PER_RUN}s"
echo "# $(sqlite3 "$DB" 'SELECT COUNT(*) FROM tasks') tasks; the office of 辽宁 sees $(sqlite3 "$DB" 'SELECT COUNT(*) FROM tasks WHERE region_code BETWEEN 210000 AND 219999')"
python3 - "${HELLO[@]}" -- "${RESULTS[@]}" <<'PY'
import sys
args = sys.argv[1:]
cut = args.index("--")
hello = [float(x) for x in args[:cut]]
ceiling = sum(hello) / len(hello)
print(f"Vapor hello-world: {ceiling:,.0f} req/s (runs: {', '.join(f'{h:,.0f}' for h in hello)})")
print(f"{'request':34} {'req/s':>9} {'share':>7} {'target':>7} {'p99 ms':>8}  non-2xx")
for row in args[cut + 1:]:
    name, path, target, rest = row.split("|")
    rps, p99, bad = rest.split()
    share = float(rps) / ceiling
    mark = "ok" if share >= float(target) else "BELOW"
    print(f"{name:34} {float(rps):9,.0f} {share:7.3f} {float(target):7.2f} {float(p99):8.1f}  {bad}  {mark}")
PY
} 2>&1 | tee bench/out/request-path.txt
