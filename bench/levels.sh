#!/usr/bin/env bash
# Province → city → county at scale (issue 14, Speed): release build, PostgreSQL 15.
#   bench/levels.sh [TASKS] [SECONDS]    default 1,000,000 background tasks, 10 s a wrk run
# Data: the demo; a bench inspection of 辽宁 with 100 provincial tasks, each split to the 14
# cities, each city's part split to 10 counties (100 + 1,400 + 14,000 tasks, roll-up columns
# filled as the service would); TASKS more tasks spread over every region of the catalogue
# (as bench/ledger-plans.sh fills them) and one accepted report for every tenth of them.
# Measured:
# - a change at the bottom rolling up: the province's office records a look-back rebound on a
#   closed 盘山县 part (POST, which reopens it and walks up through 盘锦's part to the
#   province's task in the same transaction), median of 5 with curl, and the province task's
#   rolled percentage before and after;
# - each level's ledger page and API list (province office, 盘锦 and 盘山县 offices): latency
#   with one client and requests per second with 16, side by side with a Vapor hello-world;
#   and the first visit after a write (the tally counted again), median of 5.
# Output: bench/out/levels.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS="${1:-1000000}"
SECONDS_PER_RUN="${2:-10}"
export PATH="/opt/swift/usr/bin:$PATH"
mkdir -p bench/out
for tool in wrk curl; do command -v $tool >/dev/null || { apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }; done
CONFIG="${BUILD:-release}"   # BUILD=debug for a quick check of the script itself
swift build -c "$CONFIG" --product rectify >/dev/null
swift build -c "$CONFIG" --product bench-hello >/dev/null
BINDIR="$(swift build -c "$CONFIG" --show-bin-path)"
export BIN="$BINDIR/rectify" HELLO="$BINDIR/bench-hello" TASKS SECONDS_PER_RUN CONFIG

scripts/with-postgres.sh bash bench/levels-run.sh
