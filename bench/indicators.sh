#!/usr/bin/env bash
# Target indicators at a province's scale (issue 15, Speed): release build, SQLite.
#   bench/indicators.sh [SECONDS]    default 10 s a wrk run
# Data: the demo, its indicator targets replaced by 20 indicators (the 17 national ones
# and 3 more) for 辽宁 and its 14 cities, 60 monthly values each (2021-01 … 2025-12):
# 15 × 20 = 300 targets, 18,000 values, written straight into SQLite.
# Measured, side by side with a Vapor hello-world (bench/hello) in the same run:
# - the indicators page of the province (/indicators?region=210000: 20 charts, the
#   14 × 20 matrix of the cities), one indicator's page with its ranking, the catalogue
#   API and the ranking API — latency with one client and requests per second with 16;
# - the import preview and import of a 1,000-row CSV, and the XLSX export — curl, median of 5.
# Output: bench/out/indicators.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
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
sqlite3 "$DB" <<'SQL'
DELETE FROM indicator_values;
DELETE FROM indicator_targets;
INSERT INTO indicators (code, name, unit, direction, area, decimals, lower_bound, upper_bound, national) VALUES
  ('bench1', '基准测试指标一', '%', 'higher', 'other', 1, 0, 100, 0),
  ('bench2', '基准测试指标二', '天', 'lower', 'other', 0, 0, 366, 0),
  ('bench3', '基准测试指标三', '万吨', 'lower', 'energy', 0, 0, 1000000, 0);
WITH RECURSIVE c(code) AS (SELECT 210000 UNION ALL SELECT CASE WHEN code = 210000 THEN 210100 ELSE code + 100 END FROM c WHERE code < 211400)
INSERT INTO indicator_targets (indicator_id, region_code, inspection_id, baseline_year, baseline_value, target_year, target_value, path,
  tolerance_percent, unit_id, task_ids, published, note, version, created_at)
SELECT i.id, c.code, NULL, 2020, i.lower_bound + (i.upper_bound - i.lower_bound) * 0.04, 2025,
  i.lower_bound + (i.upper_bound - i.lower_bound) * (CASE i.direction WHEN 'lower' THEN 0.03 ELSE 0.05 END), '', 5, NULL, '', 1,
  '基准测试数据', 1, strftime('%s', 'now')
FROM indicators i, c;
WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 59)
INSERT INTO indicator_values (target_id, year, month, value, entered_by, entered_at)
SELECT t.id, 2021 + m.k / 12, m.k % 12 + 1,
  t.baseline_value + (t.target_value - t.baseline_value) * m.k / 60.0
    + (i.upper_bound - i.lower_bound) * 0.002 * (((m.k * 7 + t.region_code / 100) % 5) - 2),
  (SELECT id FROM users WHERE login = 'admin'), strftime('%s', 'now')
FROM indicator_targets t JOIN indicators i ON i.id = t.indicator_id, m;
ANALYZE;
SQL
TARGETS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM indicator_targets")
VALUES=$(sqlite3 "$DB" "SELECT COUNT(*) FROM indicator_values")

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

PAGE_BYTES=$(curl -s -H "$COOKIE" "$BASE/indicators?region=210000" | wc -c)
CHARTS=$(curl -s -H "$COOKIE" "$BASE/indicators?region=210000" | grep -o '<svg class="chart"' | wc -l)
LISTS=(
  "page /indicators?region=210000|$COOKIE|/indicators?region=210000"
  "page /indicators?…&indicator=1 (ranking)|$COOKIE|/indicators?region=210000&indicator=1"
  "API /indicators?region=210000 (token)|$BEARER|/api/v1/indicators?region=210000"
  "API /indicators/1/ranking (token)|$BEARER|/api/v1/indicators/1/ranking?region=210000"
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

# 1,000 rows: the 14 cities' 20 indicators for 2026-01 … 2026-04 (the first 1,000 of 1,120).
python3 - "$WORK/values.csv" <<'PY'
import sys
cities = ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市", "铁岭市", "朝阳市", "葫芦岛市"]
values = {"PM2.5年均浓度": "40.5", "PM10年均浓度": "70.2", "优良天数比率": "80.5", "重污染天数": "3", "臭氧浓度(日最大8小时第90百分位)": "150",
          "地表水国考断面优良比例": "75.0", "地表水劣V类断面比例": "2.5", "城市黑臭水体消除比例": "95.0", "集中式饮用水水源地水质达标率": "100",
          "近岸海域水质优良比例": "85.0", "受污染耕地安全利用率": "92.0", "重点建设用地安全利用率": "95.0", "森林覆盖率": "40.15",
          "草原综合植被盖度": "50.0", "单位GDP能耗下降": "3.2", "单位GDP二氧化碳排放下降": "3.5", "煤炭消费总量": "1200",
          "基准测试指标一": "50.5", "基准测试指标二": "5", "基准测试指标三": "800"}
rows = [f"{name},{city},2026-{month:02d},{value}" for month in range(1, 5) for city in cities for name, value in values.items()]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("指标,地区,期间,数值\n" + "\n".join(rows[:1000]) + "\n")
PY
ROWS=$(($(wc -l < "$WORK/values.csv") - 1))
PREVIEW=()
for _ in 1 2 3 4 5; do
  PREVIEW+=("$(timed -H "$BEARER" -H 'Content-Type: text/csv' --data-binary "@$WORK/values.csv" "$BASE/api/v1/indicators/import/preview")")
done
ERRORS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["create"], r["errors"])' "$WORK/out.bin")
IMPORT=$(timed -H "$BEARER" -H 'Content-Type: text/csv' --data-binary "@$WORK/values.csv" "$BASE/api/v1/indicators/import")
XLSX=()
for _ in 1 2 3 4 5; do XLSX+=("$(timed -H "$BEARER" "$BASE/api/v1/indicators/export?region=210000")"); done
XLSX_BYTES=$(stat -c %s "$WORK/out.bin")

{
echo "# bench/indicators.sh $SECONDS_PER_RUN — $(date -u +%F) on $(nproc) cores, $CONFIG, SQLite"
echo "# $TARGETS targets (辽宁 and its 14 cities × 20 indicators), $VALUES values; office signed in (region 210000)"
echo "# the province's page: $PAGE_BYTES bytes, $CHARTS charts"
python3 - "${HELLO[@]}" <<'PY'
import statistics, sys
h = [float(x) for x in sys.argv[1:]]
print(f"hello-world: {statistics.mean(h):.0f} req/s (runs: {', '.join(f'{x:.0f}' for x in h)})")
PY
printf '%-44s %10s %10s %10s %12s %7s\n' "request" "p50 c1 ms" "p99 c1 ms" "req/s c16" "share hello" "non2xx"
MEAN=$(python3 -c 'import statistics,sys; print(statistics.mean(float(x) for x in sys.argv[1:]))' "${HELLO[@]}")
for r in "${RESULTS[@]}"; do
  IFS='|' read -r name one many <<<"$r"
  read -r _ p50 p99 bad1 <<<"$one"; read -r rps _ _ bad16 <<<"$many"
  printf '%-44s %10.1f %10.1f %10.0f %12.3f %7s\n' "$name" "$p50" "$p99" "$rps" "$(python3 -c "print($rps / $MEAN)")" "$((bad1 + bad16))"
done
echo "import of $ROWS rows: preview median $(median "${PREVIEW[@]}") s of 5 (${PREVIEW[*]}); to create, errors: $ERRORS"
echo "import of $ROWS rows: import (one transaction) $IMPORT s"
echo "export XLSX of the province's $VALUES+ values: median $(median "${XLSX[@]}") s (${XLSX[*]}; $XLSX_BYTES bytes)"
} | tee bench/out/indicators.txt
