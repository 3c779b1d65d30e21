#!/usr/bin/env bash
# Browser end-to-end tests of the web dashboard, in Debian's Chromium driven
# by playwright-core (no browser download). CI runs this (.ci/run); run it by
# hand the same way:
#
#   e2e/run.sh
#
# It installs what is missing (apt: chromium; npm ci: playwright-core and
# axe-core), builds chief, starts `chief serve --demo` on a free port with a
# temporary data directory, and runs e2e/tests/ against it. Screenshots of
# each page, light and dark, go to $E2E_OUTPUT (default e2e/output).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chief-target}"

if [[ ! -x /usr/bin/chromium ]]; then
  sudo_=""; [[ $(id -u) -ne 0 ]] && sudo_="sudo"
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
fi
if [[ ! -d e2e/node_modules/playwright-core || e2e/package-lock.json -nt e2e/node_modules ]]; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

cargo build -q -p chief
CHIEF="$CARGO_TARGET_DIR/debug/chief"
DATA=$(mktemp -d)
export E2E_OUTPUT="${E2E_OUTPUT:-$PWD/e2e/output}"
mkdir -p "$E2E_OUTPUT"
cleanup() {
  [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CHIEF_DATA_DIR="$DATA" CHIEF_LOG=warn "$CHIEF" serve --demo --bind "127.0.0.1:$PORT" --no-scheduler --no-delivery \
  > "$DATA/serve.log" 2>&1 &
SERVER_PID=$!
export E2E_BASE_URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -sf "$E2E_BASE_URL/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$E2E_BASE_URL/healthz" >/dev/null || { echo "chief did not start:"; cat "$DATA/serve.log"; exit 1; }
E2E_API_KEY=$(CHIEF_DATA_DIR="$DATA" "$CHIEF" --tenant demo --json keys create --name e2e | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
export E2E_API_KEY E2E_EMAIL=demo@chief.local E2E_PASSWORD=chief-demo

cd e2e
node --test --test-concurrency=1 --test-reporter=spec tests/
echo "screenshots: $E2E_OUTPUT"
