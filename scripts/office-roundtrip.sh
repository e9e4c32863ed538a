#!/usr/bin/env bash
# Issue 5 §1-2 in CI: what Rectify writes opens in a real office suite.
#   scripts/office-roundtrip.sh [RECTIFY_BIN]
# Installs LibreOffice (Debian's packages) if missing, then on the demo data:
# - converts the XLSX ledger to CSV with `libreoffice --headless` and compares it cell
#   for cell with Rectify's own CSV export;
# - has LibreOffice re-save the workbook as XLSX and imports that back: nothing changes;
# - converts the DOCX report to text and finds the count sentence in it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/rectify}"
if ! command -v libreoffice >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui libreoffice-writer-nogui >/dev/null
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=error HOME="$WORK"
fail() { echo "office round trip: FAILED: $*"; exit 1; }
"$BIN" demo >/dev/null
"$BIN" export --inspection 1 --format xlsx --output "$WORK/ledger.xlsx" >/dev/null
"$BIN" export --inspection 1 --output "$WORK/ledger.csv" >/dev/null
"$BIN" report --inspection 1 --format docx --output "$WORK/report.docx" >/dev/null

lo() { timeout 180 libreoffice --headless --norestore "$@" >/dev/null 2>&1; }
mkdir -p "$WORK/lo"
lo --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' --outdir "$WORK/lo" "$WORK/ledger.xlsx"
[ -s "$WORK/lo/ledger.csv" ] || fail "LibreOffice could not open the XLSX ledger"
tail -c +4 "$WORK/ledger.csv" | tr -d '\r' > "$WORK/ours.csv"
tr -d '\r' < "$WORK/lo/ledger.csv" > "$WORK/theirs.csv"
cmp -s "$WORK/ours.csv" "$WORK/theirs.csv" || { diff "$WORK/ours.csv" "$WORK/theirs.csv" | head -20; fail "XLSX read by LibreOffice differs from the CSV export"; }
echo "office round trip: LibreOffice reads the XLSX ledger cell for cell as the CSV export ($(wc -l < "$WORK/ours.csv") lines)"

mkdir -p "$WORK/resaved"
lo --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$WORK/resaved" "$WORK/ledger.xlsx"
[ -s "$WORK/resaved/ledger.xlsx" ] || fail "LibreOffice could not re-save the XLSX"
OUT=$("$BIN" import "$WORK/resaved/ledger.xlsx" --inspection 1)
echo "$OUT" | grep -q "无变化 58 项" || { echo "$OUT"; fail "the workbook LibreOffice re-saved does not import back unchanged"; }
echo "office round trip: the workbook as LibreOffice re-saves it imports back with nothing to change"

lo --convert-to 'txt:Text (encoded):UTF8' --outdir "$WORK/lo" "$WORK/report.docx"
[ -s "$WORK/lo/report.txt" ] || fail "LibreOffice could not open the DOCX report"
# The count sentence of the text report, from the same data (recomputed for today, so its
# figures are today's): the Word file must say the same.
sentence=$("$BIN" report --inspection 1 --format text | grep -oE "《整改方案》58项整改任务中[^。]*。" | head -1)
[ -n "$sentence" ] || fail "the text report has no count sentence"
grep -qF "$sentence" "$WORK/lo/report.txt" \
  || { head -5 "$WORK/lo/report.txt"; fail "the DOCX report as LibreOffice reads it lacks the count sentence: $sentence"; }
echo "office round trip: LibreOffice opens the DOCX report and reads its count sentence"
