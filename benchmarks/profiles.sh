#!/usr/bin/env bash
# The profile engine on the benchmark world (`portrait generate`): a full rebuild of every profile with the
# default traits and segments (the first, so every profile is new), the update after 1,000 new store receipts,
# and a segment preview over every profile.
# Usage: benchmarks/profiles.sh [PEOPLE]   (default 1000000: about 1,000,000 profiles from 3.7 million records)
# The world is imported and resolved first (not timed here: benchmarks/identity-resolve.sh times that).
# BENCH_WORK=DIR keeps the work folder and reuses its resolved store on the next run (only the profile steps run
# again).
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-1000000}
source benchmarks/lib.sh
bench_workdir
server=""
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; bench_cleanup' EXIT
config="$work/world/portrait.yml"

if [[ ! -f "$work/ready" || "$(cat "$work/ready")" != "$people" ]]; then
  rm -rf "$work/world" "$work/ready"
  echo "setting up: generate $people people, import, resolve identities"
  "$portrait" generate --people "$people" --seed 1 --out "$work/world" > /dev/null
  "$portrait" mock-crm --port 0 --contacts "$work/world/crm/contacts.jsonl" --token-file "$work/world/crm/token" \
    > "$work/mock.out" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do grep -q "http://" "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
  export PORTRAIT_WORLD_CRM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/mock.out")
  "$portrait" sync --no-resolve --config "$config" > /dev/null || bench_fail "the world's import failed"
  kill "$server"; server=""
  "$portrait" identity resolve --no-profiles --config "$config" | head -1
  # The store as identity resolution leaves it, before any profile: every run starts from a copy of it. Copied by
  # SQLite's backup API: the file alone misses what is still in its write-ahead log (a plain `cp` had left the
  # resolved profiles behind, and "full rebuild" then found no record to compute).
  python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))" \
    "$work/world/.portrait/portrait.db" "$work/resolved.db"
  echo "$people" > "$work/ready"
fi
cp "$work/resolved.db" "$work/world/.portrait/portrait.db"
rm -f "$work/world/.portrait/portrait.db-wal" "$work/world/.portrait/portrait.db-shm"

# profiles LABEL ARGS...: times `portrait profiles ARGS --json` and records profiles per second, with the stages.
profiles() {
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$portrait" profiles "$@" --json --config "$config" > "$work/report.json" \
    || bench_fail "portrait profiles $* failed (its error is above)"
  end=$(date +%s.%N)
  python3 - "$work/report.json" > "$work/report.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["computed"])
print(f"{r['created']:,} new, {r['updated']:,} updated, {r['merged']:,} merged away; {r['records']:,} records; "
      f"segments {r['entered']:,} entered, {r['exited']:,} exited")
print("  stages: " + " · ".join(f"{k} {v:.2f} s" for k, v in r["stages"].items()))
PY
  bench_record "$label" "$(sed -n 1p "$work/report.txt")" profiles "$(python3 -c "print($end - $start)")" \
    "$(tail -1 "$work/rss")" "$(sed -n 2p "$work/report.txt")"
  sed -n 3p "$work/report.txt"
}

profiles "full rebuild" rebuild

# 1,000 new receipts: rows of an archived store file under new receipt ids, dropped as one new file.
python3 benchmarks/world/delta-receipts.py "$work/world/drops" 1000
"$portrait" sync store-receipts --no-resolve --config "$config" > /dev/null || bench_fail "the delta's import failed"
"$portrait" identity resolve --no-profiles --config "$config" > /dev/null
profiles "update after 1,000 new receipts" update
rm -f "$work/world/drops/archive/receipts_delta.csv"

expression="recency_days <= 400 and total_spend >= 500 and 'grocery' in top_interests"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "$portrait" segments preview "$expression" --config "$config" > "$work/preview.txt" \
  || bench_fail "portrait segments preview failed"
end=$(date +%s.%N)
total=$(sqlite3 "$work/world/.portrait/portrait.db" "SELECT count(*) FROM profiles" 2>/dev/null \
  || python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM profiles').fetchone()[0])" "$work/world/.portrait/portrait.db")
bench_record "segment preview" "$total" profiles "$(python3 -c "print($end - $start)")" "$(tail -1 "$work/rss")" \
  "$(head -1 "$work/preview.txt") (process start included)"
