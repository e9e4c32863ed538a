#!/usr/bin/env bash
# Query plans and timings of the ledger at scale (issue 3, "Scale").
#   bench/ledger-plans.sh [TASKS] [REPORTS]     defaults: 1000000 tasks, 10000000 reports
# Fills a fresh SQLite file and a fresh PostgreSQL 15 database with synthetic tasks
# spread over every region of the catalogue (one inspection per province, ten units
# per region, a responsible and an acceptance unit per task) and progress reports,
# then runs `rectify explain`, which EXPLAINs and times the SQL the ledger itself
# builds. Output: bench/out/plans-sqlite.txt and bench/out/plans-postgres.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS="${1:-1000000}"
REPORTS="${2:-10000000}"
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
if [ -z "${RECTIFY_BIN:-}" ]; then
  swift build -c release --product rectify >/dev/null
  RECTIFY_BIN="$(swift build -c release --show-bin-path)/rectify"
fi
BIN="$RECTIFY_BIN"
command -v sqlite3 >/dev/null || { apt-get update -qq; apt-get install -y -qq sqlite3 >/dev/null; }

fill_sql() {  # $1: sqlite | postgres
  local series days
  if [ "$1" = sqlite ]; then
    series() { echo "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"; }
    days() { echo "date('2018-01-01', '+' || ($1) || ' days')"; }
  else
    series() { echo "WITH s(i) AS (SELECT generate_series(1, $1))"; }
    days() { echo "to_char(DATE '2018-01-01' + ($1)::int, 'YYYY-MM-DD')"; }
  fi
  cat <<SQL
INSERT INTO inspections (title, level, round, kind, team, target_region_code)
  SELECT 'bench ' || name, 'central', 1, 'routine', 'bench', code FROM regions WHERE level = 'province';
INSERT INTO units (name, kind, region_code)
  SELECT 'unit ' || r.code || '-' || n.i, 'department', r.code FROM regions r, ($(series 10) SELECT i FROM s) n;
INSERT INTO tasks (inspection_id, number, title, target, measures, kind, deadline, lead_official, typical, state,
                   progress_status, remarks, basically_completed, rebound_count, original_deadline, version, light, region_code)
  $(series "$TASKS")
  SELECT ins.id, s.i, 'bench task ' || s.i, '', '', CASE s.i % 3 WHEN 0 THEN 'longTerm' ELSE 'timeLimited' END,
         $(days "s.i % 1500"), '', false,
         CASE s.i % 7 WHEN 0 THEN 'closed' WHEN 1 THEN 'assigned' WHEN 2 THEN 'completionSubmitted' ELSE 'inProgress' END,
         CASE s.i % 5 WHEN 0 THEN 'completed' WHEN 1 THEN 'behindSchedule' ELSE 'onSchedule' END, '', false, 0,
         $(days "s.i % 1500"), 1,
         CASE WHEN s.i % 7 = 0 THEN NULL WHEN s.i % 11 = 0 THEN 'red' WHEN s.i % 5 = 0 THEN 'yellow' ELSE 'green' END,
         u.region_code
  FROM s JOIN units u ON u.id = 1 + s.i % (SELECT COUNT(*) FROM units)
         JOIN inspections ins ON ins.target_region_code = (u.region_code / 10000) * 10000;
INSERT INTO task_units (task_id, unit_id, role) SELECT id, 1 + id % (SELECT COUNT(*) FROM units), 'responsible' FROM tasks;
INSERT INTO task_units (task_id, unit_id, role) SELECT id, 1 + (id * 31) % (SELECT COUNT(*) FROM units), 'acceptance' FROM tasks;
INSERT INTO users (display_name, login, password_hash, roles, active) VALUES ('bench', 'bench', 'x', 'unit', true);
INSERT INTO progress_reports (task_id, unit_id, author_id, narrative, percent, milestones_reached, difficulties, next_steps,
                              status, submitted_at)
  $(series "$REPORTS")
  SELECT 1 + s.i % $TASKS, 1, 1, 'bench', s.i % 100, '', '', '',
         CASE s.i % 3 WHEN 0 THEN 'submitted' ELSE 'accepted' END,
         $( [ "$1" = sqlite ] && echo "datetime('2018-01-01', '+' || (s.i % 100000) || ' minutes')" || echo "TIMESTAMP '2018-01-01' + (s.i % 100000) * INTERVAL '1 minute'")
  FROM s;
SQL
}

echo "== SQLite: $TASKS tasks, $REPORTS reports"
dir=$(mktemp -d /tmp/rectify-bench.XXXXXX)
RECTIFY_DATA_DIR="$dir" LOG_LEVEL=error "$BIN" migrate >/dev/null
start=$(date +%s)
{ echo "PRAGMA synchronous=OFF; BEGIN;"; fill_sql sqlite; echo "COMMIT; ANALYZE;"; } | sqlite3 "$dir/rectify.sqlite"
echo "   filled in $(( $(date +%s) - start )) s, file $(du -h "$dir/rectify.sqlite" | cut -f1)"
RECTIFY_DATA_DIR="$dir" LOG_LEVEL=error "$BIN" explain --region 210000 | tee bench/out/plans-sqlite.txt
rm -rf "$dir"

echo "== PostgreSQL 15: $TASKS tasks, $REPORTS reports"
export TASKS REPORTS BIN
export -f fill_sql
scripts/with-postgres.sh bash -c '
  PSQL=/usr/lib/postgresql/15/bin/psql
  DATABASE_URL="$RECTIFY_TEST_DATABASE_URL" LOG_LEVEL=error "$BIN" migrate >/dev/null
  start=$(date +%s)
  { echo "BEGIN;"; fill_sql postgres; echo "COMMIT; VACUUM ANALYZE;"; } | $PSQL -q -v ON_ERROR_STOP=1 "$RECTIFY_TEST_DATABASE_URL" >/dev/null
  echo "   filled in $(( $(date +%s) - start )) s"
  DATABASE_URL="$RECTIFY_TEST_DATABASE_URL" LOG_LEVEL=error "$BIN" explain --region 210000
' | tee bench/out/plans-postgres.txt
