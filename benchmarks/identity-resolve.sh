#!/usr/bin/env bash
# Identity resolution on the benchmark world (`portrait generate`): a resolve from scratch (training the model,
# as on a new store), its quality against the world's truth, and 1,000 new store receipts resolved into it.
# Usage: benchmarks/identity-resolve.sh [PEOPLE]   (default 270000: about 1,000,000 observations)
# Prints observations, candidate pairs, pairs scored per second, wall time, stage times, peak RSS, and pairwise
# precision / recall / F1. Set KEEP=1 to keep the work folder (its path is printed), or BENCH_WORK=DIR to work in
# DIR and keep it (benchmarks/compare/splink-identity.sh resolves the same world's records from there); a later run
# with the same BENCH_WORK and size starts from the kept import and times only the resolves.
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-270000}
source benchmarks/lib.sh
bench_workdir
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; bench_cleanup; }
trap cleanup EXIT

# With BENCH_WORK, the imported (not yet resolved) store is kept as imported.db and later runs of the same size
# start from a copy of it: only the resolves are timed again.
store="$work/world/.portrait/portrait.db"
if [[ -n "${BENCH_WORK:-}" && -f "$work/imported.db" && "$(cat "$work/ready" 2>/dev/null)" == "$people" ]]; then
  cp "$work/imported.db" "$store"
  rm -f "$store-wal" "$store-shm" "$work/world/drops/archive/receipts_delta.csv"
  [[ -f "$work/imported.db-wal" ]] && cp "$work/imported.db-wal" "$store-wal"
else
  rm -f "$work/ready"
  "$portrait" generate --people "$people" --seed 1 --out "$work/world" --force > /dev/null
  "$portrait" mock-crm --port 0 --contacts "$work/world/crm/contacts.jsonl" --token-file "$work/world/crm/token" \
    > "$work/mock.out" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do grep -q "http://" "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
  PORTRAIT_WORLD_CRM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/mock.out") \
    || { cat "$work/mock.out" >&2; bench_fail "portrait mock-crm did not start listening within 30 s (its output is above)"; }
  export PORTRAIT_WORLD_CRM_URL
  "$portrait" sync --no-resolve --config "$work/world/portrait.yml" > /dev/null
  kill "$server"; server=""
  if [[ -n "${BENCH_WORK:-}" ]]; then
    # The last connection to close folds the WAL into the file; a WAL left behind is kept with it.
    cp "$store" "$work/imported.db"
    rm -f "$work/imported.db-wal"; [[ -f "$store-wal" ]] && cp "$store-wal" "$work/imported.db-wal"
    echo "$people" > "$work/ready"
  fi
fi

# resolve: times `identity resolve --json` and prints its stages. Sets $obs, $seconds (wall time), $rss (KiB) and
# $note (candidate pairs, pairs scored per second, the resolve's own time).
resolve() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$portrait" identity resolve --json --no-profiles --config "$work/world/portrait.yml" \
    > "$work/resolve.json" || bench_fail "portrait identity resolve failed (its error is above)"
  end=$(date +%s.%N)
  python3 - "$work/resolve.json" > "$work/resolve.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
score = r["stages"].get("score", 0)
rate = f", {r['candidatePairs'] / score:,.0f} pairs/s scored" if score > 0 else ""
print(r["observations"])
print(f"{r['candidatePairs']:,} candidate pairs{rate}, resolve {r['seconds']:.2f} s, model trained: {r['trainedModel']}")
print("stages: " + " · ".join(f"{k} {v:.2f} s" for k, v in r["stages"].items()))
PY
  obs=$(sed -n 1p "$work/resolve.txt"); note=$(sed -n 2p "$work/resolve.txt")
  seconds=$(python3 -c "print($end - $start)"); rss=$(tail -1 "$work/rss")
  sed -n 3p "$work/resolve.txt"
}

resolve
"$portrait" identity evaluate --truth "$work/world/truth.csv" --config "$work/world/portrait.yml" > "$work/evaluate.txt"
cat "$work/evaluate.txt"
f1=$(grep -o 'F1 [0-9.]*' "$work/evaluate.txt") || bench_fail "portrait identity evaluate printed no F1 (its output is above)"
bench_record "from scratch (with training)" "$obs" observations "$seconds" "$rss" "$note, $f1"

# 1,000 new receipts: rows of an archived store file under new receipt ids, dropped as one new file.
python3 benchmarks/world/delta-receipts.py "$work/world/drops" 1000
"$portrait" sync store-receipts --no-resolve --config "$work/world/portrait.yml" > /dev/null
resolve
bench_record "1,000 new observations (incremental)" "$obs" observations "$seconds" "$rss" "$note"
