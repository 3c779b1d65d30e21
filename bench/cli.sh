#!/usr/bin/env bash
# CLI latency and memory benchmark: chief against Taskwarrior on 10,000
# pending tasks. Run by hand (never in CI):
#
#   bench/cli.sh                                     # chief on SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bench/cli.sh
#
# What it does:
#   1. builds the release binary (cargo build --release -p chief; honours
#      CARGO_TARGET_DIR);
#   2. generates a deterministic todo.txt (seeded): priorities (A)-(E) and
#      none, ~20 +projects, ~8 @contexts, creation dates, and due: dates from
#      30 days ago to 60 days ahead on about half of the tasks;
#   3. creates a fresh store (chief init --timezone UTC) and times one
#      `chief import todotxt`;
#   4. times `chief next` and `chief add "bench task N +proj @ctx due:..."`
#      (hyperfine when installed: 3 warmup runs, >= 30 runs, median from its
#      JSON export; otherwise a plain loop and a median computed in python3);
#   5. measures the peak RSS of `chief next` with /usr/bin/time -f %M;
#   6. when Taskwarrior (`task`) is installed, imports the same tasks into a
#      throwaway TASKDATA/TASKRC and measures `task next` / `task add` the
#      same way, then prints a side-by-side table;
#   7. prints the targets and whether they are met.
#
# BENCH_DATABASE_URL=postgres://... runs chief's half against PostgreSQL: a
# fresh schema is created with psql, selected through the URL
# (?options=-c search_path=SCHEMA) and dropped at the end.
#
# Knobs: BENCH_TASKS (10000), BENCH_RUNS (30, at least 30 is advised),
# BENCH_WARMUP (3), BENCH_SEED (42), BENCH_NO_BUILD=1 (use the existing binary),
# BENCH_NO_HYPERFINE=1 (force the fallback loop), BENCH_KEEP=1 (keep the temp
# directory and the PostgreSQL schema for inspection).
#
# Tools: hyperfine, taskwarrior and time are Debian packages
# (apt-get install -y hyperfine taskwarrior time); the script does not install
# anything itself.
#
# About `task next`: its report filter is `status:pending -WAITING limit:page`.
# Taskwarrior always loads every pending task, computes the urgency of each
# and sorts them all; `limit:page` only truncates the rendering, to the
# terminal height, or to rc.defaultheight (24) when stdout is not a terminal.
# rc.defaultheight=0 would lift the limit and render all 10,000 rows, which is
# far more work than `chief next` does (it prints 10). So the benchmark runs
# `task next limit:10`: the same full urgency pass, and the same 10 rows that
# `chief next` (default -n 10) prints. Both print a header line and no colour
# (neither writes colour to a pipe). Taskwarrior keeps its defaults
# otherwise (gc, recurrence); only confirmation, hooks and the chatty
# verbose/news messages are turned off, in its TASKRC.
set -euo pipefail

cd "$(dirname "$0")/.."
repo_root=$(pwd)

ntasks=${BENCH_TASKS:-10000}
runs=${BENCH_RUNS:-30}
warmup=${BENCH_WARMUP:-3}
seed=${BENCH_SEED:-42}
db_url=${BENCH_DATABASE_URL:-}

say() { printf '%s\n' "$*"; }
die() { printf 'bench/cli.sh: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is required"

# Nanosecond wall clock. bash's EPOCHREALTIME costs no fork; `date +%s%N`
# is the fallback for older shells.
now_ns() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t=${EPOCHREALTIME/[.,]/}
    printf '%s000\n' "$t"
  else
    date +%s%N
  fi
}

# ---------------------------------------------------------------- 1. build
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  say "==> cargo build --release -p chief"
  cargo build --release -p chief
fi
target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in
  /*) chief="$target_dir/release/chief" ;;
  *) chief="$repo_root/$target_dir/release/chief" ;;
esac
[[ -x "$chief" ]] || die "no binary at $chief"

# -------------------------------------------------------------- temp, cleanup
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chief-bench.XXXXXX")
pg_schema=""
cleanup() {
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    say "(kept $tmp${pg_schema:+ and schema $pg_schema})"
    return
  fi
  if [[ -n "$pg_schema" ]]; then
    psql "$db_url" -qAt -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS \"$pg_schema\" CASCADE" >/dev/null 2>&1 ||
      printf 'bench/cli.sh: could not drop schema %s\n' "$pg_schema" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

have_hyperfine=0
if [[ "${BENCH_NO_HYPERFINE:-0}" != 1 ]] && command -v hyperfine >/dev/null; then
  have_hyperfine=1
fi
have_time=0
[[ -x /usr/bin/time ]] && have_time=1
have_task=0
command -v task >/dev/null && have_task=1

say "==> machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (timings are noisy when others run)"

# ------------------------------------------------------------ 2. todo.txt
todo="$tmp/todo.txt"
say "==> generating $ntasks tasks (seed $seed) in $todo"
python3 - "$todo" "$ntasks" "$seed" <<'PY'
import datetime as dt
import random
import sys

path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
today = dt.datetime.now(dt.timezone.utc).date()

projects = ["admin", "billing", "hiring", "website", "mobile", "infra", "sales",
            "support", "legal", "finance", "marketing", "research", "docs",
            "security", "onboarding", "partners", "events", "design", "data",
            "ops"]
contexts = ["phone", "email", "computer", "office", "home", "errands",
            "meeting", "online"]
verbs = ["Call", "Email", "Review", "Draft", "Fix", "Plan", "Update", "Check",
         "Write", "Prepare", "Schedule", "Book", "Send", "Read", "Clean up"]
objects = ["the contract", "quarterly report", "invoice", "release notes",
           "the roadmap", "budget", "team offsite", "customer feedback",
           "the backlog", "slides", "server logs", "onboarding guide",
           "hiring plan", "pricing page", "tax forms", "newsletter"]
people = ["Patrick", "Ana", "Kofi", "Mei", "Lars", "Priya", "Tom", "Sara"]

with open(path, "w", encoding="utf-8") as f:
    for i in range(1, n + 1):
        parts = []
        pri = rng.choice("ABCDE") if rng.random() < 0.6 else None
        if pri:
            parts.append(f"({pri})")
        created = today - dt.timedelta(days=rng.randint(0, 365))
        parts.append(created.isoformat())
        words = [rng.choice(verbs), rng.choice(objects)]
        if rng.random() < 0.3:
            words.append("with " + rng.choice(people))
        words.append(f"n{i}")  # unique; not "#N", which todo.txt readers take as a tag
        parts.append(" ".join(words))
        if rng.random() < 0.9:
            parts.append("+" + rng.choice(projects))
        for ctx in rng.sample(contexts, rng.choice([0, 1, 1, 1, 2])):
            parts.append("@" + ctx)
        if rng.random() < 0.5:
            due = today + dt.timedelta(days=rng.randint(-30, 60))
            parts.append(f"due:{due.isoformat()}")
        f.write(" ".join(parts) + "\n")
PY
say "    $(wc -l <"$todo") lines, e.g.:"
sed -n '1,3p' "$todo" | sed 's/^/      /'

# ------------------------------------------------------------ timing helpers
# median_ms NAME COMMAND: times the shell command string COMMAND, sets
# MEDIAN to its median in ms and prints a line of details.
MEDIAN=""
median_ms() {
  local name=$1 cmd=$2
  if [[ $have_hyperfine == 1 ]]; then
    local json="$tmp/hf-$name.json"
    hyperfine --style basic --warmup "$warmup" --min-runs "$runs" \
      --export-json "$json" --command-name "$name" "$cmd" >"$tmp/hf-$name.log" 2>&1 ||
      { cat "$tmp/hf-$name.log" >&2; die "hyperfine failed for $name"; }
    MEDIAN=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
ms = {k: r[k] * 1000 for k in ("median", "mean", "stddev", "min", "max")}
print("%.2f" % ms["median"])
print("    %s: median %.2f ms, mean %.2f ms +- %.2f, min %.2f, max %.2f (%d runs, hyperfine)"
      % (sys.argv[2], ms["median"], ms["mean"], ms["stddev"], ms["min"], ms["max"], len(r["times"])),
      file=sys.stderr)
' "$json" "$name" 2>"$tmp/median.txt")
    cat "$tmp/median.txt"
  else
    local i s e samples="$tmp/loop-$name.txt"
    : >"$samples"
    for ((i = 0; i < warmup; i++)); do sh -c "$cmd" >/dev/null 2>&1 || die "$name failed: $cmd"; done
    for ((i = 0; i < runs; i++)); do
      s=$(now_ns)
      sh -c "$cmd" >/dev/null 2>&1 || die "$name failed: $cmd"
      e=$(now_ns)
      echo $((e - s)) >>"$samples"
    done
    MEDIAN=$(python3 -c '
import statistics, sys
t = [int(x) / 1e6 for x in open(sys.argv[1]) if x.strip()]
print(f"{statistics.median(t):.2f}")
print(f"    {sys.argv[2]}: median {statistics.median(t):.2f} ms, mean {statistics.mean(t):.2f} ms, min {min(t):.2f}, max {max(t):.2f} ({len(t)} runs, shell loop incl. sh -c start)", file=sys.stderr)
' "$samples" "$name" 2>"$tmp/median.txt")
    cat "$tmp/median.txt"
  fi
}

# peak_rss_kib COMMAND...: the peak RSS of one run, in KiB.
peak_rss_kib() {
  if [[ $have_time == 1 ]]; then
    /usr/bin/time -f %M -o "$tmp/rss.txt" "$@" >/dev/null
    tail -n1 "$tmp/rss.txt"
  else
    echo "n/a"
  fi
}

# A counter file read and bumped with shell builtins only (no fork), so every
# timed `add` gets a unique text without adding a process to the timing.
add_cmd() { # COUNTER_FILE PROGRAM_AND_ARGS_PREFIX TEXT_WITH_N
  printf 'read n < %q; echo $((n+1)) > %q; exec %s "%s"' "$1" "$1" "$2" "$3"
}

# ------------------------------------------------------------------ 3. chief
say
if [[ -n "$db_url" ]]; then
  command -v psql >/dev/null || die "BENCH_DATABASE_URL needs psql"
  pg_schema="chief_bench_$(date +%s)_$$"
  psql "$db_url" -qAt -v ON_ERROR_STOP=1 -c "CREATE SCHEMA \"$pg_schema\"" >/dev/null
  sep='?'
  [[ "$db_url" == *\?* ]] && sep='&'
  export CHIEF_DATABASE_URL="${db_url}${sep}options=-c%20search_path%3D${pg_schema}"
  backend="PostgreSQL (schema $pg_schema)"
  next_target=20
else
  unset CHIEF_DATABASE_URL
  backend="SQLite"
  next_target=10
fi
export CHIEF_DATA_DIR="$tmp/chief"
unset CHIEF_TENANT CHIEF_USER CHIEF_NOW
export NO_COLOR=1
mkdir -p "$CHIEF_DATA_DIR"

say "==> chief on $backend"
"$chief" init --timezone UTC >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; die "chief init failed"; }

s=$(now_ns)
if ! "$chief" import todotxt "$todo" >"$tmp/import.log" 2>&1; then
  cat "$tmp/import.log" >&2
  die "chief import todotxt failed (see above)"
fi
e=$(now_ns)
chief_import_ms=$(python3 -c "print(f'{($e - $s) / 1e6:.0f}')")
say "    import todotxt: ${chief_import_ms} ms ($(tail -n1 "$tmp/import.log"))"

say "    chief next (first rows):"
"$chief" next | sed -n '1,4p' | sed 's/^/      /'

q_chief=$(printf '%q' "$chief")
median_ms chief-next "$q_chief next"
chief_next_ms=$MEDIAN
chief_rss=$(peak_rss_kib "$chief" next)
say "    chief next peak RSS: $chief_rss KiB"
echo 1 >"$tmp/chief-counter"
median_ms chief-add "$(add_cmd "$tmp/chief-counter" "$q_chief add" 'bench task $n +proj @ctx due:2026-12-31')"
chief_add_ms=$MEDIAN

# ------------------------------------------------------------ 6. Taskwarrior
task_import_ms="" task_next_ms="" task_add_ms="" task_rss=""
if [[ $have_task == 1 ]]; then
  say
  say "==> Taskwarrior $(task --version 2>/dev/null || echo '?')"
  twdir="$tmp/taskwarrior"
  mkdir -p "$twdir/data"
  export TASKDATA="$twdir/data" TASKRC="$twdir/taskrc"
  cat >"$TASKRC" <<EOF
data.location=$twdir/data
confirmation=off
hooks=off
# label: the report header, like chief's; new-id: "Created task N.", like chief's "Added ...".
verbose=label,new-id
news.version=2.6.0
color=off
EOF
  python3 - "$todo" "$twdir/import.json" <<'PY'
import datetime as dt
import json
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
now = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
pri_map = {"A": "H", "B": "H", "C": "M", "D": "L", "E": "L"}
date_re = re.compile(r"^\d{4}-\d{2}-\d{2}$")
out = []
for line in open(src, encoding="utf-8"):
    toks = line.split()
    if not toks:
        continue
    task = {"status": "pending"}
    if re.fullmatch(r"\([A-Z]\)", toks[0]):
        p = pri_map.get(toks[0][1])
        if p:
            task["priority"] = p
        toks = toks[1:]
    entry = now
    if toks and date_re.match(toks[0]):
        entry = toks[0].replace("-", "") + "T000000Z"
        toks = toks[1:]
    task["entry"] = entry
    words, tags = [], []
    for t in toks:
        if t.startswith("+") and len(t) > 1:
            task.setdefault("project", t[1:])
        elif t.startswith("@") and len(t) > 1:
            tags.append(t[1:])
        elif t.startswith("due:") and date_re.match(t[4:]):
            # chief reads a date-only due date as the end of that day (UTC here).
            task["due"] = t[4:].replace("-", "") + "T235959Z"
        else:
            words.append(t)
    task["description"] = " ".join(words)
    if tags:
        task["tags"] = tags
    out.append(task)
json.dump(out, open(dst, "w"), indent=None)
PY
  s=$(now_ns)
  if ! task import "$twdir/import.json" >"$tmp/task-import.log" 2>&1; then
    tail -n 20 "$tmp/task-import.log" >&2
    die "task import failed"
  fi
  e=$(now_ns)
  task_import_ms=$(python3 -c "print(f'{($e - $s) / 1e6:.0f}')")
  say "    task import: ${task_import_ms} ms ($(wc -l <"$twdir/data/pending.data") pending tasks)"
  say "    task next limit:10 (first rows):"
  task next limit:10 | sed -n '1,4p' | sed 's/^/      /'

  median_ms task-next "task next limit:10"
  task_next_ms=$MEDIAN
  task_rss=$(peak_rss_kib task next limit:10)
  say "    task next peak RSS: $task_rss KiB"
  echo 1 >"$tmp/task-counter"
  median_ms task-add "$(add_cmd "$tmp/task-counter" "task add" 'bench $n')"
  task_add_ms=$MEDIAN
else
  say
  say "==> Taskwarrior not installed (apt-get install -y taskwarrior): no comparison"
fi

# ---------------------------------------------------------------- results
say
say "==> results ($ntasks pending tasks; chief on $backend)"
python3 - "$ntasks" "$chief_import_ms" "$task_import_ms" "$chief_next_ms" "$task_next_ms" \
  "$chief_add_ms" "$task_add_ms" "$chief_rss" "$task_rss" <<'PY'
import sys
n, ci, ti, cn, tn, ca, ta, cr, tr = sys.argv[1:]
rows = [(f"import {n} (ms, once)", ci, ti), ("next median (ms)", cn, tn),
        ("add median (ms)", ca, ta), ("next peak RSS (KiB)", cr, tr)]
def ratio(a, b):
    try:
        return f"{float(a) / float(b):.3f}"
    except (ValueError, ZeroDivisionError):
        return "-"
print(f"    {'metric':<25}{'chief':>12}{'taskwarrior':>14}{'chief/task':>12}")
for name, a, b in rows:
    print(f"    {name:<25}{a or '-':>12}{b or '-':>14}{ratio(a, b):>12}")
PY

say
say "==> targets"
python3 - "$backend" "$next_target" "$chief_next_ms" "$task_next_ms" "$chief_add_ms" \
  "$chief_rss" "$task_rss" <<'PY'
import sys
backend, next_target, cn, tn, ca, cr, tr = sys.argv[1:]
def num(x):
    try:
        return float(x)
    except ValueError:
        return None
def check(label, value, limit, shown_limit):
    if value is None or limit is None:
        verdict = "n/a"
    else:
        verdict = "ok" if value <= limit else "MISSED"
    v = "-" if value is None else f"{value:g}"
    print(f"    {label:<38} {v:>10}  (target {shown_limit})  {verdict}")
nt = float(next_target)
check(f"chief next ({backend.split()[0]}) ms", num(cn), nt, f"<= {nt:g} ms")
t = num(tn)
check("chief next ms vs 0.1 x task next", num(cn), None if t is None else 0.1 * t,
      "n/a" if t is None else f"<= {0.1 * t:.2f} ms")
check("chief add ms", num(ca), 10.0, "<= 10 ms")
check("chief next peak RSS KiB", num(cr), num(tr),
      "n/a" if num(tr) is None else f"<= {tr} KiB (task next)")
PY
