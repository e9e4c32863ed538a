#!/usr/bin/env bash
# `rectify import-report` on the largest seed (issue 5 §7: under 100 ms).
#   bench/import-report.sh
# Measures the whole command (process start, app boot, read, parse, JSON out) with
# hyperfine, and the parse alone in-process (--repeat). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
if [ -z "${RECTIFY_BIN:-}" ]; then
  swift build -c release --product rectify >/dev/null
  RECTIFY_BIN="$(swift build -c release --show-bin-path)/rectify"
fi
command -v hyperfine >/dev/null || { apt-get update -qq; apt-get install -y -qq hyperfine >/dev/null; }
SEED=$(ls -S Tests/RectifyCoreTests/Fixtures/*.txt | head -1)
export RECTIFY_DATA_DIR=$(mktemp -d) LOG_LEVEL=error
echo "== $SEED ($(wc -c < "$SEED") bytes)"
"$RECTIFY_BIN" import-report "$SEED" --json --repeat 50 > /dev/null
hyperfine --warmup 3 --runs 30 --export-markdown bench/out/import-report.md \
  "$RECTIFY_BIN import-report $SEED --json"
rm -rf "$RECTIFY_DATA_DIR"
