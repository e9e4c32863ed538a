#!/usr/bin/env bash
# Petition cases at scale (issue 13, Speed): release build, SQLite.
#   bench/petitions.sh [CASES] [SECONDS]    default 100000 cases, 10 s a wrk run
# Data: the demo (7,320 cases of its own), then CASES cases in batches of 100 of a bench
# inspection of 辽宁, written straight into SQLite (one statement; the import
# path is measured separately below). Places repeat so that about one case in three is a
# repeat complaint, as the repeat detection would meet them.
# Measured:
# - the case list (API with a token, and the page) — latency with one client, and
#   requests per second with 16 side by side with a Vapor hello-world (bench/hello);
# - a 500-case batch: import preview (repeat detection) and import, then its
#   办理情况一览表 as XLSX and HTML — each timed with curl, median of 5 (import once);
# - the dashboard's first visit after a write (its aggregates recomputed), median of 5.
# Output: bench/out/petitions.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-100000}"
SECONDS_PER_RUN="${2:-10}"
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
for tool in sqlite3 wrk curl; do command -v $tool >/dev/null || { apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }; done
CONFIG="${BUILD:-release}"   # BUILD=debug for a quick check of the script itself
swift build -c "$CONFIG" --product rectify >/dev/null
swift build -c "$CONFIG" --product bench-hello >/dev/null
BINDIR="$(swift build -c "$CONFIG" --show-bin-path)"
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
BATCHES=$(( (CASES + 99) / 100 ))
X=$(sqlite3 "$DB" "INSERT INTO inspections (title, level, round, kind, team, target_region_code, feedback_date, plan_approved_date)
                   VALUES ('bench petitions', 'central', 1, 'routine', 'bench', 210000, '2025-07-31', '2025-12-29'); SELECT last_insert_rowid();")
sqlite3 "$DB" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $BATCHES)
INSERT INTO petition_batches (inspection_id, number, handed_over_on, reply_by, team, created_at)
SELECT $X, i, '2025-05-01', '2025-06-01', 'bench', strftime('%s', 'now') FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $CASES - 1)
INSERT INTO petition_cases (batch_id, case_number, source, place, place_key, region_code, complaint, pollution_kinds, key_case,
  due_date, status, finding, findings, measures, fine_yuan, fined_companies, detained, summoned, held_to_account,
  ordered_rectification, progressed_at, stage_concluded_on, concluded_on, follow_up, task_id, complainant_name, complainant_phone,
  complainant_id_number, complainant_address, version, created_at)
SELECT (SELECT MIN(id) FROM petition_batches WHERE inspection_id = $X) + i / 100, 'D3BN' || printf('%08d', i), 'phone',
  '某企业' || (i % ($CASES * 2 / 3)), '某企业' || (i % ($CASES * 2 / 3)), 210100 + 100 * (i % 14),
  '企业夜间排放刺鼻废气,周边居民无法开窗(基准测试数据)', 'air', i % 10 = 0, '2025-06-01',
  CASE i % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'handling' WHEN 2 THEN 'concludedStage' ELSE 'concluded' END,
  CASE i % 4 WHEN 0 THEN NULL ELSE 'founded' END, CASE i % 4 WHEN 0 THEN '' ELSE '属实' END,
  CASE WHEN i % 4 >= 2 THEN '已整改' ELSE '' END, 0, 0, 0, 0, 0, 0, strftime('%s', 'now'),
  CASE i % 4 WHEN 2 THEN '2025-05-20' ELSE NULL END, CASE i % 4 WHEN 3 THEN '2025-05-25' ELSE NULL END, NULL, NULL,
  '基准举报人' || i, '139' || printf('%08d', i), '', '', 1, strftime('%s', 'now') FROM n;
INSERT INTO petition_case_units (case_id, unit_id)
SELECT c.id, u.id FROM petition_cases c JOIN units u ON u.region_code = c.region_code AND u.name LIKE '%人民政府'
WHERE c.case_number LIKE 'D3BN%';
ANALYZE;
SQL
TOTAL=$(sqlite3 "$DB" "SELECT COUNT(*) FROM petition_cases")

"$BIN" serve --port "$PORT" --no-demo >"$WORK/server.log" 2>&1 & PIDS+=($!)
"$BINDIR/bench-hello" serve --port "$HELLO_PORT" >"$WORK/hello.log" 2>&1 & PIDS+=($!)
wait_for "$BASE/healthz"; wait_for "http://127.0.0.1:$HELLO_PORT/"
curl -s -c "$WORK/jar" -o /dev/null -d "login=office&password=office-demo" "$BASE/login"
COOKIE="Cookie: rectify_session=$(awk '/rectify_session/ {print $7}' "$WORK/jar")"
CSRF=$(curl -s -H "$COOKIE" "$BASE/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
TOKEN=$(curl -s -H "$COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$BASE/api/v1/tokens" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
BEARER="Authorization: Bearer $TOKEN"

wrk_run() {  # $1 header or -, $2 url, $3 connections -> "rps p50ms p99ms non2xx"
  local args=(-t1 -c"$3" -d"${SECONDS_PER_RUN}s" --latency)
  [ "$1" = - ] || args+=(-H "$1")
  wrk "${args[@]}" "$2" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(p):
    m = re.search(p + r"%\s+([\d.]+)(us|ms|s)\b", t)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
print(rps, ms("50"), ms("99"), bad.group(1) if bad else 0)'
}
timed() {  # curl args… -> seconds, failing on a 4xx/5xx
  curl -s -o "$WORK/out.bin" -w '%{http_code} %{time_total}\n' "$@" | python3 -c '
import sys
code, t = sys.stdin.read().split()
if int(code) >= 400: sys.exit("HTTP " + code)
print(t)'
}
median() { python3 -c 'import statistics, sys; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

LISTS=(
  "API case list, page 1 (token)|$BEARER|/api/v1/petition-cases"
  "API case list, page 1000 (token)|$BEARER|/api/v1/petition-cases?page=1000"
  "API cases of a city, pending (token)|$BEARER|/api/v1/petition-cases?region=210100&status=pending"
  "case list page /petitions|$COOKIE|/petitions"
)
for r in "${LISTS[@]}"; do IFS='|' read -r _ h p <<<"$r"; wrk_run "$h" "$BASE$p" 4 >/dev/null; done
HELLO=()
RESULTS=()
for r in "${LISTS[@]}"; do
  IFS='|' read -r name h p <<<"$r"
  HELLO+=("$(wrk_run - "http://127.0.0.1:$HELLO_PORT/" 16 | cut -d' ' -f1)")
  one=$(wrk_run "$h" "$BASE$p" 1)
  many=$(wrk_run "$h" "$BASE$p" 16)
  RESULTS+=("$name|$one|$many")
done
HELLO+=("$(wrk_run - "http://127.0.0.1:$HELLO_PORT/" 16 | cut -d' ' -f1)")

# A 500-case batch through the import, half of its places complained of before.
B=$(curl -s -H "$BEARER" -H 'Content-Type: application/json' \
      -d "{\"inspectionID\":$X,\"number\":$((BATCHES + 1)),\"handedOverOn\":\"2025-06-02\",\"replyBy\":\"2025-07-02\"}" \
      "$BASE/api/v1/petition-batches" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
python3 - "$WORK/batch.csv" <<'PY'
import sys
cities = ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市", "铁岭市", "朝阳市", "葫芦岛市"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("序号,受理编号,交办问题基本情况,被举报对象,行政区域,污染类型,是否重点,办理单位,举报人,联系电话\n")
    for i in range(500):
        city = cities[i % 14]
        place = f"某企业{i * 7}" if i % 2 == 0 else f"新举报企业{i}"
        f.write(f"{i + 1},X3BN{i:08d},企业偷排废水、异味扰民(基准测试数据),{place},{city},水、大气,{'是' if i % 10 == 0 else ''},"
                f"{city}人民政府,举报人{i},1390000{i:04d}\n")
PY
PREVIEW=()
for _ in 1 2 3 4 5; do
  PREVIEW+=("$(timed -H "$BEARER" -H 'Content-Type: text/csv' --data-binary "@$WORK/batch.csv" "$BASE/api/v1/petition-batches/$B/import/preview")")
done
REPEATS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["create"], sum(1 for x in r["rows"] if x["repeats"] > 0))' "$WORK/out.bin")
IMPORT=$(timed -H "$BEARER" -H 'Content-Type: text/csv' --data-binary "@$WORK/batch.csv" "$BASE/api/v1/petition-batches/$B/import")
XLSX=(); HTML=()
for _ in 1 2 3 4 5; do
  XLSX+=("$(timed -H "$BEARER" "$BASE/api/v1/petition-batches/$B/handling-list?format=xlsx")")
  HTML+=("$(timed -H "$BEARER" "$BASE/api/v1/petition-batches/$B/handling-list?format=html")")
done
XLSX_BYTES=$(stat -c %s "$WORK/out.bin")
# The dashboard's first visit after a write: its aggregates (cases by status, key flag,
# repeat and timing, over every case in the province) are computed again.
DASH=()
REGION=$(sqlite3 "$DB" "SELECT region_code FROM units WHERE name = '沈阳市人民政府'")
UNIT=$(sqlite3 "$DB" "SELECT id FROM units WHERE name = '沈阳市人民政府'")
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -H "$BEARER" -H 'Content-Type: application/json' \
    -d "{\"batchID\":$B,\"caseNumber\":\"D3DASH$i\",\"place\":\"某厂$i\",\"regionCode\":$REGION,\"complaint\":\"废气\",\"unitIDs\":[$UNIT]}" \
    "$BASE/api/v1/petition-cases"
  DASH+=("$(timed -H "$COOKIE" "$BASE/")")
done
DASH_WARM=$(timed -H "$COOKIE" "$BASE/")

{
echo "# bench/petitions.sh $CASES $SECONDS_PER_RUN — $(date -u +%F) on $(nproc) cores, $CONFIG, SQLite"
echo "# $TOTAL petition cases in the database ($CASES bench cases + the demo's), office signed in (region 210000: sees all)"
python3 - "${HELLO[@]}" <<'PY'
import statistics, sys
h = [float(x) for x in sys.argv[1:]]
print(f"hello-world: {statistics.mean(h):.0f} req/s (runs: {', '.join(f'{x:.0f}' for x in h)})")
PY
printf '%-40s %10s %10s %10s %12s %7s\n' "request" "p50 c1 ms" "p99 c1 ms" "req/s c16" "share hello" "non2xx"
MEAN=$(python3 -c 'import statistics,sys; print(statistics.mean(float(x) for x in sys.argv[1:]))' "${HELLO[@]}")
for r in "${RESULTS[@]}"; do
  IFS='|' read -r name one many <<<"$r"
  read -r _ p50 p99 bad1 <<<"$one"; read -r rps _ _ bad16 <<<"$many"
  printf '%-40s %10.1f %10.1f %10.0f %12.3f %7s\n' "$name" "$p50" "$p99" "$rps" "$(python3 -c "print($rps / $MEAN)")" "$((bad1 + bad16))"
done
echo "500-case batch: preview (repeat detection) median $(median "${PREVIEW[@]}") s of 5 (${PREVIEW[*]}); $REPEATS (to create, flagged as repeats)"
echo "500-case batch: import (one transaction) $IMPORT s"
echo "一览表 of the 500 cases: XLSX median $(median "${XLSX[@]}") s (${XLSX[*]}; $XLSX_BYTES bytes), HTML median $(median "${HTML[@]}") s (${HTML[*]})"
echo "dashboard / first visit after a write: median $(median "${DASH[@]}") s (${DASH[*]}); cached: $DASH_WARM s"
} | tee bench/out/petitions.txt
