# Sourced by bench/api.sh and bench/web.sh: builds the release binaries
# (unless BENCH_NO_BUILD=1) and seeds the API bench dataset
# (crates/chief-store/examples/bench_seed.rs: one workspace with $TASKS
# tasks, 5,000 people, 1,000 playbooks, 1,440 calendar events and 300 sales
# deals, and nine with $SMALL_TASKS tasks each) on SQLite, or on PostgreSQL when BENCH_DATABASE_URL is set. It
# sets CHIEF, WORK, BACKEND, STORE_ARGS (the store flags for chief) and KEY
# (the big workspace owner's API key), and removes the store on exit
# unless BENCH_KEEP or BENCH_REUSE is set. A started server's SERVER_PID is
# stopped on exit too.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chief-target}"
TASKS="${BENCH_TASKS:-100000}"
SMALL_TASKS="${BENCH_SMALL_TASKS:-10000}"

# BENCH_PROFILE=debug uses the debug build instead (slower, for a machine
# without room for a release build).
PROFILE="${BENCH_PROFILE:-release}"
PROFILE_FLAG=(--release); [[ "$PROFILE" == debug ]] && PROFILE_FLAG=()
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  cargo build "${PROFILE_FLAG[@]}" -q -p chief
  cargo build "${PROFILE_FLAG[@]}" -q -p chief-store --example bench_seed
fi
CHIEF="$CARGO_TARGET_DIR/$PROFILE/chief"
SEED="$CARGO_TARGET_DIR/$PROFILE/examples/bench_seed"

WORK="${BENCH_REUSE:-$(mktemp -d)}"
mkdir -p "$WORK"
SCHEMA=""
cleanup() {
  [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if [[ -z "${BENCH_KEEP:-}" && -z "${BENCH_REUSE:-}" ]]; then
    rm -rf "$WORK"
    [[ -n "$SCHEMA" ]] && psql -q "$BENCH_DATABASE_URL" -c "DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
  # BENCH_REUSE keeps the schema's name beside the keys, to find it again.
  if [[ -n "${BENCH_REUSE:-}" && -f "$WORK/schema" ]]; then
    SCHEMA="$(cat "$WORK/schema")"
  else
    SCHEMA="bench_$(date +%s)"
    psql -q "$BENCH_DATABASE_URL" -c "CREATE SCHEMA $SCHEMA" >/dev/null
    echo "$SCHEMA" > "$WORK/schema"
  fi
  sep='?'; [[ "$BENCH_DATABASE_URL" == *\?* ]] && sep='&'
  TARGET="${BENCH_DATABASE_URL}${sep}options=-c%20search_path%3D${SCHEMA}"
  BACKEND="PostgreSQL"
  STORE_ARGS=(--database-url "$TARGET")
else
  TARGET="$WORK/chief.db"
  BACKEND="SQLite"
  STORE_ARGS=(--data-dir "$WORK")
fi

if [[ -f "$WORK/keys.txt" && -n "${BENCH_REUSE:-}" ]]; then
  echo "reusing the store in $WORK"
else
  echo "seeding $BACKEND: 1 x ($TASKS tasks, 5000 people, 1000 playbooks) + 9 x $SMALL_TASKS tasks ..."
  start=$(date +%s)
  "$SEED" "$TARGET" "$TASKS" 5000 1000 9 "$SMALL_TASKS" > "$WORK/keys.txt"
  echo "seeded in $(( $(date +%s) - start )) s"
  # Fresh statistics, as autovacuum would gather soon after a bulk load:
  # without them the planner walks whole indexes for rare values.
  [[ -n "$SCHEMA" ]] && psql -q "$TARGET" -c "ANALYZE" >/dev/null
fi
KEY="$(head -n1 "$WORK/keys.txt")"
