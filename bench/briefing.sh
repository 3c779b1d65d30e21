#!/usr/bin/env bash
# How long composing a briefing takes for a user with 10,000 tasks (issue 5
# asks for <= 20 ms). Run by hand, in release:
#
#   bench/briefing.sh                                            # SQLite (temp file)
#   bench/briefing.sh postgres://postgres@127.0.0.1:5432/test   # PostgreSQL (its own schema)
#
# The example (crates/chief-app/examples/briefing_bench.rs) seeds one user
# through the repositories, composes each kind 50 times (reads + brain + both
# renderings), then composes and keeps it 50 times, and prints p50 and p99.
# Knobs: BENCH_TASKS (10000), BENCH_RUNS (50).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chief-target}"
TASKS="${BENCH_TASKS:-10000}"
RUNS="${BENCH_RUNS:-50}"

cargo build -q --release -p chief-app --example briefing_bench
BIN="$CARGO_TARGET_DIR/release/examples/briefing_bench"

if [[ "${1:-}" == postgres* ]]; then
  SCHEMA="bench_briefing_$(date +%s)"
  psql -q "$1" -c "CREATE SCHEMA $SCHEMA" >/dev/null
  trap 'psql -q "$1" -c "DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1 || true' EXIT
  sep='?'; [[ "$1" == *\?* ]] && sep='&'
  "$BIN" "${1}${sep}options=-c%20search_path%3D${SCHEMA}" "$TASKS" "$RUNS"
else
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  "$BIN" "$WORK/chief.db" "$TASKS" "$RUNS"
fi
