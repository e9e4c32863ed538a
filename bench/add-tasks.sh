# Sourced by the page benchmarks: add_tasks BIN DB WORK TASKS adds TASKS tasks to the
# province of the demo office (辽宁) through the ledger import, as an office would:
# bench/gen-ledger.py writes files of 10,000 rows (units, milestones, deadlines,
# statuses), `rectify import … --apply` loads them into inspections of 50,000 tasks.
# Leaves the last inspection's id in X.
add_tasks() {
  local bin=$1 db=$2 work=$3 tasks=$4 first n
  sqlite3 "$db" "SELECT name FROM units WHERE region_code BETWEEN 210000 AND 219999" > "$work/units.txt"
  for first in $(seq 1 10000 "$tasks"); do
    if [ $(( (first - 1) % 50000 )) -eq 0 ]; then
      X=$(sqlite3 "$db" "INSERT INTO inspections (title, level, round, kind, team, target_region_code, feedback_date, plan_approved_date)
                         VALUES ('bench $first', 'central', 1, 'routine', 'bench', 210000, '2025-07-31', '2025-12-29'); SELECT last_insert_rowid();")
    fi
    n=$(( tasks - first + 1 < 10000 ? tasks - first + 1 : 10000 ))
    python3 bench/gen-ledger.py "$n" "$work/units.txt" $(( (first - 1) % 50000 + 1 )) > "$work/ledger.csv"
    "$bin" import "$work/ledger.csv" --inspection "$X" --apply > /dev/null
  done
}
