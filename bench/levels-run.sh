#!/usr/bin/env bash
# The body of bench/levels.sh, run by scripts/with-postgres.sh (it sees RECTIFY_TEST_DATABASE_URL, BIN, HELLO, TASKS).
set -euo pipefail
PSQL="/usr/lib/postgresql/15/bin/psql -q -v ON_ERROR_STOP=1 -At $RECTIFY_TEST_DATABASE_URL"
export DATABASE_URL="$RECTIFY_TEST_DATABASE_URL" LOG_LEVEL=error
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
wait_for() { for _ in $(seq 1 150); do curl -fs "$1" >/dev/null && return; sleep 0.2; done; echo "no answer from $1"; exit 1; }

"$BIN" demo >/dev/null
start=$(date +%s)
$PSQL <<SQL
BEGIN;
INSERT INTO inspections (title, level, round, kind, team, target_region_code, feedback_date, plan_approved_date, acceptance_chain)
  VALUES ('bench levels', 'central', 1, 'routine', 'bench', 210000, '2026-07-31', '2026-08-31', '[]');
CREATE TEMP TABLE cities AS SELECT code, ROW_NUMBER() OVER (ORDER BY code) AS k FROM regions
  WHERE code BETWEEN 210100 AND 219999 AND code % 100 = 0;
CREATE TEMP TABLE offsets AS SELECT o, ROW_NUMBER() OVER (ORDER BY o) AS j FROM unnest(ARRAY[1,2,3,4,5,6,7,8,21,22]) AS o;
-- The province: 100 tasks, each in 14 parts, each part in 10.
INSERT INTO tasks (inspection_id, number, title, target, measures, kind, deadline, lead_official, typical, state, progress_status,
                   remarks, basically_completed, rebound_count, original_deadline, version, light, region_code, code, depth,
                   subtasks_total, subtasks_open, rolled_percent, acceptance_step, assigned_on, created_at)
  SELECT i.id, s, '省级任务 ' || s, '', '', 'timeLimited', '2027-12-31', '', false, 'inProgress', 'onSchedule', '', false, 0,
         '2027-12-31', 1, 'green', 210000, CAST(s AS TEXT), 0, 14, 14, 0, 0, '2026-08-31', now()
  FROM generate_series(1, 100) s, inspections i WHERE i.title = 'bench levels';
INSERT INTO tasks (inspection_id, number, title, target, measures, kind, deadline, lead_official, typical, state, progress_status,
                   remarks, basically_completed, rebound_count, original_deadline, version, light, region_code, code, depth,
                   parent_task_id, parent_region_code, subtasks_total, subtasks_open, rolled_percent, acceptance_step, assigned_on, created_at)
  SELECT p.inspection_id, 100 + (p.number - 1) * 14 + c.k, p.title || '(市)', '', '', 'timeLimited', '2027-10-31', '', false,
         'inProgress', 'onSchedule', '', false, 0, '2027-10-31', 1, 'green', c.code, p.code || '-' || c.k, 1, p.id, 210000, 10, 10, 0, 0,
         '2026-08-31', now()
  FROM tasks p JOIN inspections i ON i.id = p.inspection_id AND i.title = 'bench levels', cities c WHERE p.depth = 0;
INSERT INTO tasks (inspection_id, number, title, target, measures, kind, deadline, lead_official, typical, state, progress_status,
                   remarks, basically_completed, rebound_count, original_deadline, version, light, region_code, code, depth,
                   parent_task_id, parent_region_code, subtasks_total, subtasks_open, rolled_percent, acceptance_step, assigned_on, created_at)
  SELECT p.inspection_id, 1500 + (p.number - 101) * 10 + o.j, p.title || '(县)', '', '', 'timeLimited', '2027-08-31', '', false,
         'inProgress', 'onSchedule', '', false, 0, '2027-08-31', 1, 'green', p.region_code + o.o, p.code || '-' || o.j, 2, p.id,
         p.region_code, 0, 0, NULL, 0, '2026-08-31', now()
  FROM tasks p JOIN inspections i ON i.id = p.inspection_id AND i.title = 'bench levels', offsets o WHERE p.depth = 1;
-- Every county part of 盘山县 closed, so its parents roll up from something done.
UPDATE tasks SET state = 'closed', light = NULL, progress_status = 'completed'
  WHERE region_code = 211122 AND depth = 2 AND inspection_id = (SELECT id FROM inspections WHERE title = 'bench levels');
UPDATE tasks p SET subtasks_open = 9, rolled_percent = 10 WHERE p.depth = 1 AND p.region_code = 211100
  AND p.inspection_id = (SELECT id FROM inspections WHERE title = 'bench levels');
-- The background: TASKS tasks over every region, one accepted report for a tenth of them.
INSERT INTO inspections (title, level, round, kind, team, target_region_code, acceptance_chain)
  SELECT 'bench ' || name, 'central', 1, 'routine', 'bench', code, '[]' FROM regions WHERE level = 'province';
INSERT INTO units (name, kind, region_code)
  SELECT 'unit ' || r.code || '-' || n, 'department', r.code FROM regions r, generate_series(1, 10) n;
INSERT INTO tasks (inspection_id, number, title, target, measures, kind, deadline, lead_official, typical, state,
                   progress_status, remarks, basically_completed, rebound_count, original_deadline, version, light, region_code, created_at)
  SELECT ins.id, s, 'bench task ' || s, '', '', CASE s % 3 WHEN 0 THEN 'longTerm' ELSE 'timeLimited' END,
         to_char(DATE '2026-01-01' + (s % 900), 'YYYY-MM-DD'), '', false,
         CASE s % 7 WHEN 0 THEN 'closed' WHEN 1 THEN 'assigned' WHEN 2 THEN 'completionSubmitted' ELSE 'inProgress' END,
         CASE s % 5 WHEN 0 THEN 'completed' WHEN 1 THEN 'behindSchedule' ELSE 'onSchedule' END, '', false, 0,
         to_char(DATE '2026-01-01' + (s % 900), 'YYYY-MM-DD'), 1,
         CASE WHEN s % 7 = 0 THEN NULL WHEN s % 11 = 0 THEN 'red' WHEN s % 5 = 0 THEN 'yellow' ELSE 'green' END,
         u.region_code, now()
  FROM generate_series(1, $TASKS) s JOIN units u ON u.id = (SELECT MIN(id) FROM units WHERE name LIKE 'unit %') + s % (SELECT COUNT(*) FROM regions) * 10
       JOIN inspections ins ON ins.title = 'bench ' || (SELECT name FROM regions WHERE code = (u.region_code / 10000) * 10000);
INSERT INTO task_units (task_id, unit_id, role) SELECT t.id, u.id, 'responsible' FROM tasks t
  JOIN units u ON u.region_code = t.region_code AND u.name = 'unit ' || t.region_code || '-1' WHERE t.title LIKE 'bench task %';
INSERT INTO progress_reports (task_id, unit_id, author_id, narrative, percent, milestones_reached, difficulties, next_steps, status, submitted_at)
  SELECT t.id, tu.unit_id, 1, 'bench', t.id % 100, '', '', '', 'accepted', TIMESTAMP '2026-09-01' + (t.id % 1000) * INTERVAL '1 minute'
  FROM tasks t JOIN task_units tu ON tu.task_id = t.id AND tu.role = 'responsible' WHERE t.id % 10 = 0 AND t.title LIKE 'bench task %';
-- Today's daily jobs marked done: the synthetic tasks keep the lights they were given. (Left to
-- run, the day's recompute of some 700,000 open synthetic tasks on the server's first start had
-- not finished after six minutes; that is the daily job's own cost, not a page's.)
INSERT INTO scheduler_runs (job, day, state, holder, attempts, started_at, lease_until, finished_at, detail)
  SELECT job, to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 'done', 'bench', 1, now(), now(), now(), 'bench'
  FROM (VALUES ('recompute'), ('deadlines')) AS j(job);
COMMIT;
VACUUM ANALYZE;
SQL
FILLED=$(( $(date +%s) - start ))
TOTAL=$($PSQL -c "SELECT COUNT(*) FROM tasks")
PARTS=$($PSQL -c "SELECT COUNT(*) FROM tasks WHERE parent_task_id IS NOT NULL")

PORT=$((20000 + RANDOM % 10000)); HELLO_PORT=$((PORT + 10000))
BASE="http://127.0.0.1:$PORT"
"$BIN" serve --port "$PORT" --no-demo >"$WORK/server.log" 2>&1 & PIDS+=($!)
"$HELLO" serve --port "$HELLO_PORT" >"$WORK/hello.log" 2>&1 & PIDS+=($!)
wait_for "$BASE/healthz"; wait_for "http://127.0.0.1:$HELLO_PORT/"
login() {  # $1 login $2 password -> "cookie header|bearer header"
  local jar="$WORK/jar-$1"
  curl -s -c "$jar" -o /dev/null -d "login=$1&password=$2" "$BASE/login"
  local cookie="Cookie: rectify_session=$(awk "/rectify_session/ {print \$7}" "$jar")"
  local csrf=$(curl -s -H "$cookie" "$BASE/api/v1/session" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"csrfToken\"])")
  local token=$(curl -s -H "$cookie" -H "X-CSRF-Token: $csrf" -H "Content-Type: application/json" -d "{\"name\":\"bench\"}" \
                "$BASE/api/v1/tokens" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"token\"])")
  echo "$cookie|Authorization: Bearer $token"
}
IFS="|" read -r PROV_COOKIE PROV_BEARER <<<"$(login office office-demo)"
IFS="|" read -r CITY_COOKIE CITY_BEARER <<<"$(login panjin panjin-demo)"
IFS="|" read -r COUNTY_COOKIE COUNTY_BEARER <<<"$(login panshan panshan-demo)"

wrk_run() {  # $1 header or -, $2 url, $3 connections -> "rps p50ms p99ms non2xx"
  local args=(-t1 -c"$3" -d"${SECONDS_PER_RUN}s" --latency)
  [ "$1" = - ] || args+=(-H "$1")
  wrk "${args[@]}" "$2" | python3 -c "
import re, sys
t = sys.stdin.read()
def ms(p):
    m = re.search(p + r\"%\s+([\d.]+)(us|ms|s)\b\", t)
    return float(m.group(1)) * {\"us\": 0.001, \"ms\": 1, \"s\": 1000}[m.group(2)] if m else float(\"nan\")
rps = float(re.search(r\"Requests/sec:\s+([\d.]+)\", t).group(1))
bad = re.search(r\"Non-2xx or 3xx responses:\s+(\d+)\", t)
print(rps, ms(\"50\"), ms(\"99\"), bad.group(1) if bad else 0)"
}
timed() {  # curl args… -> seconds, failing on a 4xx/5xx
  curl -s -o "$WORK/out.bin" -w "%{http_code} %{time_total}\n" "$@" | python3 -c "
import sys
code, t = sys.stdin.read().split()
if int(code) >= 400: sys.exit(\"HTTP \" + code + \" \" + open(\"$WORK/out.bin\").read()[:300])
print(t)"
}
median() { python3 -c "import statistics, sys; print(\"%.3f\" % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

# A change at the bottom: a closed 盘山县 part of province task 1 reopened by a look-back.
X=$($PSQL -c "SELECT id FROM inspections WHERE title = 'bench levels'")
TOP=$($PSQL -c "SELECT id FROM tasks WHERE inspection_id = $X AND number = 1")
CITY=$($PSQL -c "SELECT id FROM tasks WHERE parent_task_id = $TOP AND region_code = 211100")
COUNTY=$($PSQL -c "SELECT id FROM tasks WHERE parent_task_id = $CITY AND region_code = 211122")
pct() { curl -s -H "$PROV_BEARER" "$BASE/api/v1/tasks/$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d[\"percent\"], d[\"light\"], d[\"subtasksOpen\"])"; }
BEFORE="$(pct $TOP) / city $(pct $CITY)"
REBOUND=()
for i in 1 2 3 4 5; do
  $PSQL -c "UPDATE tasks SET state = 'closed', light = NULL, progress_status = 'completed' WHERE id = $COUNTY" >/dev/null
  REBOUND+=("$(timed -H "$PROV_BEARER" -H "Content-Type: application/json" -d "{\"findings\":\"回头看发现反弹 $i\"}" \
               "$BASE/api/v1/tasks/$COUNTY/actions/lookBackRebound")")
done
AFTER="$(pct $TOP) / city $(pct $CITY)"
EVENTS=$($PSQL -c "SELECT COUNT(*) FROM audit_events WHERE task_id IN ($TOP, $CITY) AND action = 'task.rollup'")

PAGES=(
  "province office: /ledger|$PROV_COOKIE|/ledger"
  "province office: API /api/v1/tasks|$PROV_BEARER|/api/v1/tasks"
  "province office: drill down /ledger?parent=TOP|$PROV_COOKIE|/ledger?parent=$TOP"
  "盘锦 office: /ledger|$CITY_COOKIE|/ledger"
  "盘锦 office: API /api/v1/tasks?subtasks=true|$CITY_BEARER|/api/v1/tasks?subtasks=true"
  "盘山县 office: /ledger|$COUNTY_COOKIE|/ledger"
  "province office: task page of a split task|$PROV_COOKIE|/tasks/$TOP"
)
for r in "${PAGES[@]}"; do IFS="|" read -r _ h p <<<"$r"; wrk_run "$h" "$BASE$p" 4 >/dev/null; done
HELLO_RPS=(); RESULTS=()
for r in "${PAGES[@]}"; do
  IFS="|" read -r name h p <<<"$r"
  HELLO_RPS+=("$(wrk_run - "http://127.0.0.1:$HELLO_PORT/" 16 | cut -d" " -f1)")
  RESULTS+=("$name|$(wrk_run "$h" "$BASE$p" 1)|$(wrk_run "$h" "$BASE$p" 16)")
done
HELLO_RPS+=("$(wrk_run - "http://127.0.0.1:$HELLO_PORT/" 16 | cut -d" " -f1)")
# The first visit after a write: the tally of the scope is counted again.
COLD=()
for who in "$PROV_COOKIE" "$CITY_COOKIE" "$COUNTY_COOKIE"; do
  runs=()
  for i in 1 2 3 4 5; do
    $PSQL -c "UPDATE tasks SET state = 'closed', light = NULL WHERE id = $COUNTY" >/dev/null
    curl -s -o /dev/null -H "$PROV_BEARER" -H "Content-Type: application/json" -d "{\"findings\":\"反弹\"}" "$BASE/api/v1/tasks/$COUNTY/actions/lookBackRebound"
    runs+=("$(timed -H "$who" "$BASE/ledger")")
  done
  COLD+=("$(median "${runs[@]}")")
done

{
  echo "Province → city → county (issue 14, Speed): $CONFIG build, PostgreSQL 15, $(date -u +%Y-%m-%d)"
  echo "tasks in the database: $TOTAL ($PARTS of them parts split from another task); filled in ${FILLED} s"
  echo "hierarchy: 100 provincial tasks × 14 cities × 10 counties = 100 + 1,400 + 14,000 tasks"
  echo
  echo "A change at the bottom rolling up (look-back rebound on a closed 盘山县 part, POST as the province office):"
  echo "  median of 5: $(median "${REBOUND[@]}") s   (runs: ${REBOUND[*]})"
  echo "  province task / 盘锦 part (percent light open-parts) before: $BEFORE"
  echo "                                                     after:  $AFTER"
  echo "  roll-up audit events on them: $EVENTS"
    echo
  printf "%-52s %9s %9s %9s | %9s %9s %9s | %s\n" "page (16 clients side by side with hello-world)" "p50 ms" "p99 ms" "" "req/s" "p50 ms" "share" "non-2xx"
  i=0
  for r in "${RESULTS[@]}"; do
    IFS="|" read -r name one many <<<"$r"
    read -r _ p50 p99 bad1 <<<"$one"
    read -r rps p50m _ bad16 <<<"$many"
    hello=$(python3 -c "print((float(\"${HELLO_RPS[$i]}\") + float(\"${HELLO_RPS[$((i + 1))]}\")) / 2)")
    share=$(python3 -c "print(\"%.1f%%\" % (100 * $rps / $hello))")
    printf "%-52s %9.1f %9.1f %9s | %9.0f %9.1f %9s | %s\n" "$name" "$p50" "$p99" "" "$rps" "$p50m" "$share" "$bad1/$bad16"
    i=$((i + 1))
  done
  echo "hello-world req/s around each run: ${HELLO_RPS[*]}"
  echo
  echo "First /ledger visit after a write (tally counted again), median of 5: province ${COLD[0]} s, 盘锦 ${COLD[1]} s, 盘山县 ${COLD[2]} s"
} | tee bench/out/levels.txt
