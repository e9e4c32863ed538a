#!/usr/bin/env bash
# Page speed (issue 4 §5): every page under 50 ms on the demo data and under 200 ms
# with 100,000 tasks. Release build, SQLite.
#   bench/pages.sh [TASKS]    default 100000
# 1. Loads the demo, starts the server, times every main page as the office, a unit
#    and the public (bench/measure-pages.py: median and p95 of 30 fetches each).
# 2. Adds TASKS tasks to the office's province by the ledger import (bench/gen-ledger.py,
#    files of 10,000 rows, inspections of 50,000), restarts, and times the pages again.
# 3. wrk: requests per second on the dashboard and the ledger with 100,000 tasks.
# Output: bench/out/pages.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS="${1:-100000}"
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
if [ -z "${RECTIFY_BIN:-}" ]; then
  swift build -c release --product rectify >/dev/null
  RECTIFY_BIN="$(swift build -c release --show-bin-path)/rectify"
fi
BIN="$RECTIFY_BIN"
for tool in sqlite3 wrk curl; do command -v $tool >/dev/null || { apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }; done
WORK=$(mktemp -d)
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=error
DB="$RECTIFY_DATA_DIR/rectify.sqlite"
PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
SERVER=
start() { "$BIN" serve --port "$PORT" --no-demo >"$WORK/server.log" 2>&1 & SERVER=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && return; sleep 0.2; done; echo "server did not start"; exit 1; }
stop() { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
trap 'stop; rm -rf "$WORK"' EXIT
OFFICE_PAGES=(/ /ledger "/ledger?inspection=1" "/ledger?light=red&sort=deadline" "/ledger?status=behindSchedule&page=3"
              "/ledger?q=%E6%8E%92%E6%B1%A1" /tasks/1 /rounds /orders /inspections /inspections/1/report /inspections/1/tasks/new)
UNIT_PAGES=(/ /ledger /my /tasks/3)
PUBLIC_PAGES=(/public /public/inspections/1 "/public/inspections/1?show=closed")
measure() {
  python3 bench/measure-pages.py "$BASE" office office-demo "${OFFICE_PAGES[@]}" "$@"
  python3 bench/measure-pages.py "$BASE" unit unit-demo "${UNIT_PAGES[@]}"
  python3 bench/measure-pages.py "$BASE" - - "${PUBLIC_PAGES[@]}"
}
{
echo "# bench/pages.sh $TASKS — $(date -u +%F) on $(nproc) cores, release build, SQLite"
"$BIN" demo >/dev/null
start
echo; echo "== demo data ($(sqlite3 "$DB" 'SELECT COUNT(*) FROM tasks') tasks)"
measure
stop

. bench/add-tasks.sh
add_tasks "$BIN" "$DB" "$WORK" "$TASKS"
start
echo; echo "== with $TASKS more tasks ($(sqlite3 "$DB" 'SELECT COUNT(*) FROM tasks') tasks; the office of 辽宁 sees $(sqlite3 "$DB" 'SELECT COUNT(*) FROM tasks WHERE region_code BETWEEN 210000 AND 219999'))"
measure "/ledger?inspection=$X" "/ledger?inspection=$X&page=400" "/inspections/$X/report"
python3 bench/measure-pages.py "$BASE" - - "/public/inspections/$X" "/public/inspections/$X?page=300"

echo; echo "== wrk, 2 threads, 8 connections, 10 s, with $TASKS more tasks"
curl -s -c "$WORK/jar" -o /dev/null -d "login=office&password=office-demo" "$BASE/login"
COOKIE=$(awk '/rectify_session/ {print $7}' "$WORK/jar")
for path in / /ledger "/public/inspections/$X" /healthz; do
  echo "-- $path"
  wrk -t2 -c8 -d10s -H "Cookie: rectify_session=$COOKIE" "$BASE$path" | grep -E "Requests/sec|Latency|Non-2xx"
done
} 2>&1 | tee bench/out/pages.txt
