#!/usr/bin/env bash
# Office formats at the sizes issue 5 §7 names, on SQLite, release build:
#   bench/office-formats.sh [IMPORT_ROWS] [REPORT_TASKS] [EXPORT_TASKS]   defaults: 10000 2000 100000
# - import of a 10,000-row ledger CSV (rectify import --apply), its preview, and the
#   same file again (nothing to do); hyperfine restores the database before each run;
# - the official report of an inspection of 2,000 tasks (text and DOCX);
# - the XLSX export of 100,000 tasks, with peak memory from /usr/bin/time -v.
# Whole commands are timed: process start, database open, work, output.
# Output: bench/out/office-formats.txt and the hyperfine tables bench/out/*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
IMPORT_ROWS="${1:-10000}"; REPORT_TASKS="${2:-2000}"; EXPORT_TASKS="${3:-100000}"
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
if [ -z "${RECTIFY_BIN:-}" ]; then
  swift build -c release --product rectify >/dev/null
  RECTIFY_BIN="$(swift build -c release --show-bin-path)/rectify"
fi
BIN="$RECTIFY_BIN"
for tool in sqlite3 hyperfine; do
  command -v $tool >/dev/null || { apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }
done
[ -x /usr/bin/time ] || { apt-get update -qq; apt-get install -y -qq time >/dev/null; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=error
DB="$RECTIFY_DATA_DIR/rectify.sqlite"
OUT=bench/out/office-formats.txt
"$BIN" demo >/dev/null
sqlite3 "$DB" "SELECT name FROM units WHERE region_code BETWEEN 210000 AND 219999" > "$WORK/units.txt"
new_inspection() {  # $1: title → prints the id
  sqlite3 "$DB" "INSERT INTO inspections (title, level, round, kind, team, target_region_code, feedback_date, plan_approved_date)
                 VALUES ('$1', 'central', 1, 'routine', 'bench', 210000, '2017-07-31', '2017-12-29'); SELECT last_insert_rowid();"
}
{
echo "# bench/office-formats.sh $IMPORT_ROWS $REPORT_TASKS $EXPORT_TASKS — $(date -u +%F) on $(nproc) cores"

echo; echo "== import of $IMPORT_ROWS rows"
python3 bench/gen-ledger.py "$IMPORT_ROWS" "$WORK/units.txt" > "$WORK/import.csv"
ls -l "$WORK/import.csv" | awk '{print "file: " $5 " bytes"}'
I=$(new_inspection "bench import")
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$DB" "$WORK/pristine.sqlite"
hyperfine --runs 5 --export-markdown bench/out/import.md \
  --prepare "cp $WORK/pristine.sqlite $DB; rm -f $DB-wal $DB-shm" \
  -n "preview $IMPORT_ROWS rows" "$BIN import $WORK/import.csv --inspection $I" \
  -n "import $IMPORT_ROWS rows (--apply)" "$BIN import $WORK/import.csv --inspection $I --apply"
"$BIN" import "$WORK/import.csv" --inspection "$I" --apply | sed -n 1p
hyperfine --runs 5 -n "same file again (--apply, nothing to write)" "$BIN import $WORK/import.csv --inspection $I --apply"
"$BIN" import "$WORK/import.csv" --inspection "$I" --apply | sed -n 1p

echo; echo "== official report of $REPORT_TASKS tasks"
python3 bench/gen-ledger.py "$REPORT_TASKS" "$WORK/units.txt" > "$WORK/report.csv"
R=$(new_inspection "bench report")
"$BIN" import "$WORK/report.csv" --inspection "$R" --apply | sed -n 1p
hyperfine --warmup 2 --runs 10 --export-markdown bench/out/report.md \
  -n "report text" "$BIN report --inspection $R --output $WORK/r.txt" \
  -n "report docx" "$BIN report --inspection $R --format docx --output $WORK/r.docx"
ls -l "$WORK/r.txt" "$WORK/r.docx" | awk '{print $9 ": " $5 " bytes"}'

echo; echo "== XLSX export of $EXPORT_TASKS tasks"
# A file may have 20 MB and an inspection 99,999 tasks: the tasks go in as files of
# 10,000 rows, 50,000 to an inspection; the export takes the province's whole ledger.
istart=$(date +%s%N)
for first in $(seq 1 10000 "$EXPORT_TASKS"); do
  if [ $(( (first - 1) % 50000 )) -eq 0 ]; then X=$(new_inspection "bench export $first"); fi
  n=$(( EXPORT_TASKS - first + 1 < 10000 ? EXPORT_TASKS - first + 1 : 10000 ))
  python3 bench/gen-ledger.py "$n" "$WORK/units.txt" $(( (first - 1) % 50000 + 1 )) > "$WORK/export.csv"
  "$BIN" import "$WORK/export.csv" --inspection "$X" --apply > /dev/null
done
echo "loaded $EXPORT_TASKS tasks by import in $(( ($(date +%s%N) - istart) / 1000000 )) ms (including generating the files)"
/usr/bin/time -f "xlsx export: %e s, peak %M KB" "$BIN" export --region 210000 --format xlsx --output "$WORK/big.xlsx"
ls -l "$WORK/big.xlsx" | awk '{print "xlsx: " $5 " bytes"}'
/usr/bin/time -f "csv export: %e s, peak %M KB" "$BIN" export --region 210000 --output "$WORK/big.csv"
ls -l "$WORK/big.csv" | awk '{print "csv: " $5 " bytes"}'
echo "$(( $(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8-sig'))))" "$WORK/big.csv") - 1 )) tasks in the export"
} 2>&1 | tee "$OUT"
