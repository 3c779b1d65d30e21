#!/usr/bin/env bash
# HTTP API benchmark with wrk. Run by hand (never in CI):
#
#   bench/api.sh                                       # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/api.sh
#
# Dataset (crates/chief-store/examples/bench_seed.rs, written through the
# repositories so every row is audited and indexed as in real use): one
# workspace with 100,000 tasks, 5,000 people and 1,000 playbooks, and nine
# workspaces with 10,000 tasks each.
#
# It starts `chief serve --rate-limit 0` on that store and measures, with the
# big workspace's key, at 1 and at 32 connections:
#   GET /api/tasks/next, GET /api/dashboard, POST /api/tasks
# printing p50, p99 and requests/s from wrk --latency, plus the server's RSS
# when idle and its peak RSS (VmHWM) after the load.
#
# Knobs: BENCH_DURATION (10s per run), BENCH_TASKS (100000), BENCH_SMALL_TASKS
# (10000), BENCH_NO_BUILD=1 (use the existing release binaries), BENCH_KEEP=1
# (keep the store / schema), BENCH_REUSE=<dir> (reuse a seeded SQLite store
# from an earlier BENCH_KEEP run). wrk is the Debian package `wrk`.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${BENCH_DURATION:-10s}"
command -v wrk >/dev/null || { echo "bench/api.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
# shellcheck source=bench/dataset.sh
source bench/dataset.sh

PORT=$(( 20000 + RANDOM % 20000 ))
"$CHIEF" "${STORE_ARGS[@]}" serve --bind "127.0.0.1:$PORT" --rate-limit 0 > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -sf "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf -H "X-API-Key: $KEY" "$URL/api/tasks/next" >/dev/null || { echo "server not answering; log:"; cat "$WORK/serve.log"; exit 1; }

rss_kb() { awk -v f="$1" '$1 == f":" {print $2}' "/proc/$SERVER_PID/status"; }
sleep 1
IDLE_RSS=$(rss_kb VmRSS)

cat > "$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"title": "bench post ' .. counter .. '", "priority": 2}')
end
EOF

# wrk prints "50%   1.23ms" etc.; turn them into milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }

RESULTS=()
run() {
  local name="$1" conns="$2" path="$3" script="${4:-}"
  local threads=$(( conns < 2 ? 1 : 2 ))
  local extra=()
  [[ -n "$script" ]] && extra=(-s "$script")
  local out
  # Let the previous run's requests still in flight finish first.
  sleep 2
  out=$(wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -H "X-API-Key: $KEY" "${extra[@]}" "$URL$path")
  local p50 p99 rps non2xx
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}' | to_ms)
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  RESULTS+=("$(printf '%-22s %5s %10s %10s %10s %s' "$name" "$conns" "$p50" "$p99" "$rps" "${non2xx:+ ($non2xx non-2xx!)}")")
}

for c in 1 32; do
  run "GET /api/tasks/next" "$c" /api/tasks/next
  run "GET /api/dashboard" "$c" /api/dashboard
  run "POST /api/tasks" "$c" /api/tasks "$WORK/post.lua"
done
LOAD_RSS=$(rss_kb VmHWM)

echo
echo "chief API on $BACKEND ($(nproc) cores), $DURATION per run, wrk"
printf '%-22s %5s %10s %10s %10s\n' "endpoint" "conns" "p50 ms" "p99 ms" "req/s"
printf '%s\n' "${RESULTS[@]}"
echo
echo "RSS idle:         $(( IDLE_RSS / 1024 )) MB (target <= 30 MB)"
echo "RSS peak (load):  $(( LOAD_RSS / 1024 )) MB (target <= 100 MB)"
echo "targets (SQLite): next p99 <= 5 ms at 1 conn and >= 5000 req/s at 32; POST >= 1500 req/s"
