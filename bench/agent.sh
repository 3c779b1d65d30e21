#!/usr/bin/env bash
# Agent benchmark: tokens per loop task, the prompt cache's share and our
# own time per agent step. Run by hand (never in CI):
#
#   bench/agent.sh                                       # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/agent.sh
#
# It seeds bench/api.sh's dataset (bench/dataset.sh), then runs
# crates/chief-ai/examples/agent_bench.rs: the built-in agent loop works
# BENCH_AGENT_TASKS (20) agent tasks against a local fake Anthropic server
# (three model calls each: search, draft, complete) and prints
# - input tokens of a task's first model call vs a naive dump of the whole
#   workspace's context (target <= 1/10);
# - the cached share of input tokens on every call after a run's first
#   (target >= 80%);
# - our own time per agent step with the model's time left out
#   (target <= 5 ms).
# Knobs: those of bench/dataset.sh (BENCH_TASKS, BENCH_NO_BUILD, BENCH_REUSE, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/dataset.sh
source bench/dataset.sh
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  cargo build --release -q -p chief-ai --example agent_bench
fi
"$CARGO_TARGET_DIR/release/examples/agent_bench" "$TARGET" "${BENCH_AGENT_TASKS:-20}"
