#!/usr/bin/env bash
# chief-brain's offline intelligence, scored and timed. Run by hand:
#
#   bench/brain.sh            # accuracy per field, then throughput
#   bench/brain.sh --misses   # also list every case the brain got wrong
#
# 1. Accuracy: the labelled sets in crates/chief-brain/tests/data/ (quick-add
#    phrases, intent messages, knowledge statements, playbook cases), scored
#    per field by the `brain_score` example. `cargo test` asserts the floors
#    on the same scorer (crates/chief-brain/tests/labelled_sets.rs).
# 2. Throughput, in release: the quick-add parser (phrases/s on one core) and
#    playbook matching (µs per task against 1,000 playbooks), each the
#    median of several rounds, when their examples exist.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chief-target}"

pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

echo "== accuracy on the labelled sets"
cargo run -q --release -p chief-brain --example brain_score -- "$@"

for example in quick_add_bench playbook_match_bench; do
  if [[ -f "crates/chief-brain/examples/$example.rs" ]]; then
    echo
    echo "== $example (release, one core)"
    cargo build -q --release -p chief-brain --example "$example"
    $pin "$CARGO_TARGET_DIR/release/examples/$example"
  fi
done
