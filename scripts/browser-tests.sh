#!/usr/bin/env bash
# Issue 4 §4 in CI: the web interface in a real Chromium, through Selenium.
#   scripts/browser-tests.sh [RECTIFY_BIN]
# Installs Debian's chromium, chromium-driver and fonts-noto-cjk and Selenium from PyPI
# when missing, starts `rectify serve` on a fresh database with the demo data, and runs
# Tests/browser/test_web.py against it. Screenshots of the main pages go to screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/rectify}"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
python3 -c "import selenium" 2>/dev/null || pip install -q selenium 2>&1 | grep -v "WARNING: Running pip as" || true
WORK=$(mktemp -d)
export RECTIFY_DATA_DIR="$WORK/data" LOG_LEVEL=warning
PORT=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768–60999), where an outgoing connection may hold a port
"$BIN" serve --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { tail -20 "$WORK/server.log"; echo "browser tests: the server did not start"; exit 1; }
rm -rf screenshots && mkdir -p screenshots
status=0
RECTIFY_URL="http://127.0.0.1:$PORT" RECTIFY_SCREENSHOTS=screenshots python3 Tests/browser/test_web.py || status=$?
if grep -q " error " "$WORK/server.log"; then echo "server errors during the browser tests:"; grep " error " "$WORK/server.log" | head -20; status=1; fi
echo "browser tests: $(ls screenshots | wc -l) screenshots in screenshots/"
exit $status
