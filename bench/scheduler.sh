#!/usr/bin/env bash
# The scheduler with 10,000 users x 4 jobs (run by hand, never in CI):
#
#   bench/scheduler.sh                                        # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/scheduler.sh
#
# Prints the idle CPU while nothing is due, the lag from due time to start
# for 600 runs spread over a minute, and a burst of 1,000 runs due at one
# second (crates/chief-scheduler/examples/scheduler_bench.rs). Takes about
# three minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chief-target}"
cargo build -q --release -p chief-scheduler --example scheduler_bench
"$CARGO_TARGET_DIR/release/examples/scheduler_bench"
