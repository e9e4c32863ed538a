#!/usr/bin/env bash
# Issue 10 §5, the full run: 100 kill -9 cycles on SQLite (WAL) and 20 on PostgreSQL 15
# under 8 concurrent writers, every acknowledged write checked afterwards (CI runs 10 and 5).
#   bench/crash-restart.sh [RECTIFY_BIN]        default .build/debug/rectify
# Figures go to BENCHMARKS.md by hand; the logs are in bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/rectify}"
mkdir -p bench/out
scripts/crash-restart.sh "$BIN" 100 2>&1 | tee bench/out/crash-restart-sqlite.log
scripts/crash-restart.sh --postgres "$BIN" 20 2>&1 | tee bench/out/crash-restart-postgres.log
