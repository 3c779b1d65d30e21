#!/usr/bin/env bash
# Web dashboard benchmark: server time per page. Run by hand (never in CI):
#
#   bench/web.sh                                       # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/web.sh
#
# It seeds bench/api.sh's dataset (crates/chief-store/examples/bench_seed.rs:
# one workspace with 100,000 tasks, 5,000 people, 1,000 playbooks, 1,440
# calendar events over eight months and 300 sales deals, and nine with
# 10,000 tasks each), sets the big workspace owner's password,
# logs in, requests every page BENCH_REQUESTS times (200) one after another,
# and prints each page's median and p99 server time, read from the server's
# own request log (duration_ms), so client and network time do not count.
# The dashboard, which is reused while nothing changes, is also measured
# rendered afresh after a change (BENCH_REQUESTS / 4 times).
# The dataset has no projects or learnings, so for the Projects and
# Knowledge pages it first adds, through the API, 10 goals with 4 projects
# each (8 tasks in each project, a quarter of them completed) and 200
# learnings, of which those naming nobody wait for review.
# Target: every page <= 50 ms.
#
# Knobs: BENCH_TASKS (100000), BENCH_SMALL_TASKS (10000), BENCH_REQUESTS,
# BENCH_NO_BUILD=1 (use the existing release binaries), BENCH_KEEP=1,
# BENCH_REUSE=<dir> (a seeded SQLite store kept by bench/api.sh or this).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS="${BENCH_REQUESTS:-200}"
# shellcheck source=bench/dataset.sh
source bench/dataset.sh
PASSWORD="bench-password"
echo "$PASSWORD" | "$CHIEF" "${STORE_ARGS[@]}" --tenant bench users passwd owner@bench.test >/dev/null

PORT=$(( 20000 + RANDOM % 20000 ))
CHIEF_LOG_FORMAT=json CHIEF_LOG="chief::http=info" \
  "$CHIEF" "${STORE_ARGS[@]}" serve --bind "127.0.0.1:$PORT" --rate-limit 0 --no-scheduler --no-delivery \
  > /dev/null 2> "$WORK/serve.log" &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -sf "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
JAR="$WORK/cookies.txt"
# The login form's CSRF token comes with its cookie.
CSRF=$(curl -sf -c "$JAR" "$URL/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
curl -sf -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "email=owner@bench.test" --data-urlencode "password=$PASSWORD" \
  --data-urlencode "csrf=$CSRF" "$URL/login" \
  || { echo "login failed; log:"; cat "$WORK/serve.log"; exit 1; }
TASK_ID=$(curl -sf -H "X-API-Key: $KEY" "$URL/api/tasks?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
PERSON_ID=$(curl -sf -H "X-API-Key: $KEY" "$URL/api/people?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
if [[ ! -f "$WORK/review-seeded" ]]; then
  echo "adding projects and learnings through the API ..."
  python3 - "$URL" "$KEY" <<'PY'
import json, sys, urllib.request
url, key = sys.argv[1], sys.argv[2]
def call(method, path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method=method,
                                 headers={"X-API-Key": key, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
for g in range(10):
    goal = call("POST", "/api/projects", {"name": f"Goal {g}", "project_type": "goal"})
    for p in range(4):
        proj = call("POST", "/api/projects", {"name": f"Project {g}.{p}", "parent_id": goal["id"]})
        for t in range(8):
            task = call("POST", "/api/tasks", {"title": f"Step {t} of project {g}.{p}", "project_id": proj["id"]})
            if t % 4 == 0:
                call("POST", f"/api/tasks/{task['id']}/complete", {})
for i in range(200):
    text = f"Person {i} prefers mornings" if i % 2 else f"Someone {i} prefers phone calls"
    call("POST", "/api/knowledge/capture", {"content": text, "category": "person"})
PY
  touch "$WORK/review-seeded"
fi

TRACE_ID=$(curl -sf -H "X-API-Key: $KEY" "$URL/api/logs?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["trace_id"])')

PAGES=("/" "/tasks" "/tasks?filter=mine" "/tasks?filter=blocked" "/tasks?q=report" "/tasks?open=$TASK_ID" "/questions" "/drafts"
  "/projects" "/people" "/people?q=person%2042" "/people/$PERSON_ID" "/playbooks" "/knowledge"
  "/calendar" "/calendar?view=month" "/sales" "/activity" "/activity?entity_type=task&offset=500" "/activity?actor=agent"
  "/activity?trace=$TRACE_ID" "/briefings" "/settings")
# The request log has the path without the query, so each page's lines are
# the ones it appended.
stats() {
  python3 -c '
import json, sys
ts = sorted(float(json.loads(l)["duration_ms"]) for l in sys.stdin if "\"duration_ms\"" in l)
if not ts: sys.exit("no timings logged")
p = lambda q: ts[min(len(ts) - 1, int(q * len(ts)))]
print(f"{p(0.5):10.2f} {p(0.99):10.2f}")'
}
RESULTS=()
for page in "${PAGES[@]}"; do
  before=$(wc -l < "$WORK/serve.log")
  for _ in $(seq 1 "$REQUESTS"); do
    curl -sf -b "$JAR" -o /dev/null "$URL$page" || { echo "GET $page failed"; exit 1; }
  done
  # Let the last request's log line land.
  sleep 0.2
  label="${page/$TASK_ID/ID}"
  label="${label/$PERSON_ID/ID}"
  label="${label/$TRACE_ID/ID}"
  RESULTS+=("$(printf '%-28s %s' "$label" "$(tail -n +"$((before + 1))" "$WORK/serve.log" | grep '"method":"GET"' | stats)")")
done
# The dashboard is reused while nothing changes: render it afresh after
# a change each time (a task added through the API, not timed).
before=$(wc -l < "$WORK/serve.log")
for i in $(seq 1 "$(( REQUESTS / 4 ))"); do
  curl -sf -o /dev/null -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -d "{\"title\": \"Bench change $i\"}" "$URL/api/tasks" || { echo "POST /api/tasks failed"; exit 1; }
  curl -sf -b "$JAR" -o /dev/null "$URL/" || { echo "GET / failed"; exit 1; }
done
sleep 0.2
RESULTS+=("$(printf '%-28s %s' "/ after a change" "$(tail -n +"$((before + 1))" "$WORK/serve.log" | grep '"method":"GET"' | stats)")")

echo
echo "chief dashboard on $BACKEND ($(nproc) cores), $REQUESTS requests per page, server time"
printf '%-28s %10s %10s\n' "page" "median ms" "p99 ms"
printf '%s\n' "${RESULTS[@]}"
echo "target: every page <= 50 ms"
