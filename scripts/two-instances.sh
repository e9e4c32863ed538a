#!/usr/bin/env bash
# Two server instances share one PostgreSQL: start together, load the demo once, and
# serve one workflow between them.
#   scripts/two-instances.sh [RECTIFY_BIN]       # default .build/debug/rectify
# Without DATABASE_URL it re-runs itself under scripts/with-postgres.sh (a throwaway
# PostgreSQL 15); with DATABASE_URL set it uses that database and EMPTIES its public schema.
# Instances A and B start at the same moment on one database and one evidence directory
# (RECTIFY_EVIDENCE_DIR), each with its own data directory. The script checks that both come
# up, that migrations and the demo ran once, that a session made on A works on B, that
# evidence uploaded through A downloads byte for byte through B, that a report submitted on B
# and accepted by the office on B shows on A, that logging out on B ends the session on A,
# that no answer was a 5xx and the audit chain is intact.
# Gives up after TWO_INSTANCES_LIMIT seconds (default 60); takes about 25 s on the debug build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SELF="$(readlink -f "$0")"
BIN="$(readlink -f "${1:-$ROOT/.build/debug/rectify}" || true)"
[ -x "$BIN" ] || { echo "two-instances: $BIN is not an executable; build it first" >&2; exit 2; }

if [ -z "${DATABASE_URL:-}" ]; then
  # A port of its own, so a concurrent `scripts/with-postgres.sh swift test` does not collide.
  export PG_PORT="${PG_PORT:-$((56000 + RANDOM % 4000))}"
  exec "$ROOT/scripts/with-postgres.sh" bash -c 'DATABASE_URL="$RECTIFY_TEST_DATABASE_URL" exec "$0" "$1"' "$SELF" "$BIN"
fi

URL="$DATABASE_URL"
LIMIT="${TWO_INSTANCES_LIMIT:-60}"
WORK="$(mktemp -d /tmp/rectify-two.XXXXXX)"
PA=$((20000 + RANDOM % 12000)); PB=$((PA + 1))  # below the ephemeral range (32768–60999), where an outgoing connection may hold a port
A="http://127.0.0.1:$PA"; B="http://127.0.0.1:$PB"
PASS=0 FAIL=0 PIDA="" PIDB="" STARTED=$(date +%s)

cleanup() {
  for pid in $PIDA $PIDB; do kill "$pid" 2>/dev/null || true; done
  for pid in $PIDA $PIDB; do wait "$pid" 2>/dev/null || true; done
  kill "$WATCHDOG" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'FAIL=$((FAIL + 1)); echo "  FAIL  gave up after $LIMIT s"; finish' TERM INT
( for _ in $(seq "$LIMIT"); do sleep 1; done; kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

SEEN=0  # requests made when the previous check ended
check() {  # check WHAT COMMAND...: counts and prints one result, with the request it made if it failed
  local what=$1; shift
  if "$@"; then PASS=$((PASS + 1)); echo "  ok    $what"
  else FAIL=$((FAIL + 1)); echo "  FAIL  $what"
    [ "$(wc -l <"$WORK/codes")" -gt "$SEEN" ] && echo "        $(tail -1 "$WORK/codes"): $(head -c 300 "$WORK/body")"
  fi
  SEEN=$(wc -l <"$WORK/codes")
}
finish() {
  echo "two-instances: $PASS passed, $FAIL failed ($(( $(date +%s) - STARTED )) s)"
  if [ "$FAIL" -gt 0 ]; then
    for s in A B; do echo "--- instance $s log (tail)"; tail -5 "$WORK/$s.log" 2>/dev/null || true; done
    exit 1
  fi
  exit 0
}
need() { local before=$FAIL; check "$@"; [ "$FAIL" = "$before" ] || finish; }  # a step later ones depend on

# http JAR METHOD URL [curl args...]: prints the status; the body goes to $WORK/body.
http() {
  local jar=$1 method=$2 url=$3; shift 3
  local code
  code=$(curl -s --max-time 10 -b "$WORK/$jar" -X "$method" -o "$WORK/body" -w '%{http_code}' "$@" "$url") || code=000
  echo "$method $url $code" >>"$WORK/codes"
  echo "$code"
}
login() {  # login JAR BASE NAME PASSWORD: a fresh session in JAR
  curl -s --max-time 10 -c "$WORK/$1" -o /dev/null -w '%{http_code}' -d "login=$3&password=$4" "$2/login" || echo 000
}
json() { python3 -c "import json,sys; d=json.load(open('$WORK/body')); print($1)"; }
sql() { psql "$URL" -tAq -v ON_ERROR_STOP=1 -c "$1"; }
alive() { kill -0 "$1" 2>/dev/null; }
both_alive() { alive "$PIDA" && alive "$PIDB"; }

echo "two-instances: $BIN on $URL, instances on :$PA and :$PB"
PGOPTIONS="-c client_min_messages=warning" sql 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
mkdir -p "$WORK/evidence" "$WORK/data-A" "$WORK/data-B"
: >"$WORK/codes"

# 1. Both instances at once: the advisory lock serializes migrations and the demo load.
start() {  # start NAME PORT: shared database and evidence directory, a data directory of its own
  DATABASE_URL="$URL" RECTIFY_EVIDENCE_DIR="$WORK/evidence" RECTIFY_DATA_DIR="$WORK/data-$1" \
    LOG_LEVEL=error "$BIN" serve --port "$2" >"$WORK/$1.log" 2>&1 &
}
start A "$PA"; PIDA=$!
start B "$PB"; PIDB=$!
up() { curl -fs --max-time 2 "$1/healthz" >/dev/null; }
for _ in $(seq 240); do
  { up "$A" && up "$B"; } && break
  both_alive || break
  sleep 0.25
done
check "instance A answers /healthz" up "$A"
check "instance B answers /healthz" up "$B"
need "both instances are running" both_alive

loads=$(cat "$WORK/A.log" "$WORK/B.log" | grep -c '已加载演示数据' || true)
check "exactly one instance loaded the demo (saw $loads)" [ "$loads" = 1 ]
said=$(cat "$WORK/A.log" "$WORK/B.log" | grep -o '已加载演示数据:[0-9]* 次督察,[0-9]* 个反馈问题,[0-9]* 项整改任务' | head -1)
counted="已加载演示数据:$(sql 'select count(*) from inspections') 次督察,$(sql 'select count(*) from problems') 个反馈问题,$(sql 'select count(*) from tasks') 项整改任务"
check "the database holds one demo load ($counted)" [ "$said" = "$counted" ]
check "one user office" [ "$(sql "select count(*) from users where login='office'")" = 1 ]
check "each migration recorded once" [ "$(sql 'select count(*) - count(distinct name) from _fluent_migrations')" = 0 ]

# 2. A session made on A works on B.
check "unit logs in on A" [ "$(login jar-unit "$A" unit unit-demo)" = 303 ]
need "A's session works on B" [ "$(http jar-unit GET "$B/api/v1/session")" = 200 ]
check "B sees login unit" [ "$(json 'd["login"]')" = unit ]
CSRF=$(json 'd["csrfToken"]')

# 3. An open task the unit is responsible for (only the responsible unit may submit completion).
http jar-unit GET "$A/api/v1/tasks?state=inProgress&per=200" >/dev/null
TASK=""
for id in $(json '" ".join(str(t["id"]) for t in d["items"])'); do
  [ "$(http jar-unit GET "$A/api/v1/tasks/$id")" = 200 ] || continue
  if [ "$(json '"submitCompletion" in d["allowedActions"] and any(u["role"] == "responsible" for u in d["units"])')" = True ]; then
    TASK=$id; break
  fi
done
need "an open task the unit is responsible for (task ${TASK:-none})" [ -n "$TASK" ]

# 4. Evidence uploaded through A, downloaded through B.
{ printf '%%PDF-1.4\n'; head -c 40000 /dev/urandom; } >"$WORK/photo.pdf"
SUM=$(sha256sum "$WORK/photo.pdf" | cut -d' ' -f1)
need "upload evidence through A" [ "$(http jar-unit POST "$A/api/v1/tasks/$TASK/evidence?name=photo.pdf" \
  -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/pdf' --data-binary @"$WORK/photo.pdf")" = 201 ]
LINK=$(json 'd["id"]')
check "A reports the upload's sha256" [ "$(json 'd["sha256"]')" = "$SUM" ]
check "the file is in the shared evidence directory" [ -n "$(find "$WORK/evidence" -type f -name "$SUM")" ]
check "download evidence $LINK through B" [ "$(http jar-unit GET "$B/api/v1/evidence/$LINK")" = 200 ]
check "B's bytes are A's bytes" [ "$(sha256sum "$WORK/body" | cut -d' ' -f1)" = "$SUM" ]

# 5. A report submitted on B shows on A; the office accepts it on B; A sees that too.
timeline_has() {  # timeline_has ACTION: the task's timeline on A has ACTION for report $REPORT
  [ "$(http jar-unit GET "$A/api/v1/tasks/$TASK/timeline?per=200")" = 200 ] &&
  [ "$(json "any(e['recordType'] == 'progress_report' and e['recordID'] == $REPORT and e['action'] == '$1' for e in d['items'])")" = True ]
}
need "submit a report on B" [ "$(http jar-unit POST "$B/api/v1/tasks/$TASK/reports" -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' -d '{"narrative":"两实例共享数据库的检验报送","percent":30}')" = 201 ]
REPORT=$(json 'd["id"]')
check "A's timeline shows report $REPORT submitted" timeline_has report.submit
check "office logs in on B" [ "$(login jar-office "$B" office office-demo)" = 303 ]
http jar-office GET "$B/api/v1/session" >/dev/null
OCSRF=$(json 'd.get("csrfToken") or ""')
check "office accepts report $REPORT on B" [ "$(http jar-office POST "$B/api/v1/reports/$REPORT/review" \
  -H "X-CSRF-Token: $OCSRF" -H 'Content-Type: application/json' -d '{"decision":"accept"}')" = 200 ]
check "B answers status accepted" [ "$(json 'd.get("status")')" = accepted ]
check "A's timeline shows report $REPORT accepted" timeline_has report.accept

# 6. Logging out on B ends the session on A (the jar is only read, so the old cookie is resent).
check "unit logs out on B" [ "$(http jar-unit POST "$B/logout" --data-urlencode "_csrf=$CSRF")" = 303 ]
check "A refuses the old cookie with 401" [ "$(http jar-unit GET "$A/api/v1/session")" = 401 ]
check "B refuses the old cookie with 401" [ "$(http jar-unit GET "$B/api/v1/session")" = 401 ]

# 7. Afterwards: both still up, no 5xx, the audit chain written by both is intact.
need "both instances are still running" both_alive
fives=$(grep -cE ' (5[0-9][0-9]|000)$' "$WORK/codes" || true)
check "no 5xx or failed request ($fives)" [ "$fives" = 0 ]
check "no error logged by either instance" bash -c '! grep -E "\[ (ERROR|CRITICAL) \]" "$0" "$1"' "$WORK/A.log" "$WORK/B.log"
check "rectify audit verify" bash -c 'DATABASE_URL="$0" RECTIFY_DATA_DIR="$1" LOG_LEVEL=error "$2" audit verify >"$1/audit.out" 2>&1' \
  "$URL" "$WORK/data-A" "$BIN"
finish
