#!/usr/bin/env bash
# The profile engine on the benchmark world (`portrait generate`): a full rebuild of every profile with the
# default traits and segments (the first, so every profile is new), the update after 1,000 new store receipts,
# and a segment preview over every profile.
# Usage: benchmarks/profiles.sh [PEOPLE]   (default 1000000: about 1,000,000 profiles from 3.7 million records)
# The world is imported and resolved first (not timed here: benchmarks/identity-resolve.sh times that).
# WORK=DIR keeps the work folder there and reuses its store on the next run (only the profile steps run again).
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-1000000}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
source benchmarks/lib.sh
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; [[ -n "${WORK:-}" ]] || rm -rf "$work"; }
trap cleanup EXIT
config="$work/world/portrait.yml"

if [[ ! -f "$work/world/.portrait/portrait.db" || ! -f "$work/ready" ]]; then
  rm -rf "$work/world" "$work/ready"
  echo "setting up: generate $people people, import, resolve identities (a few minutes)"
  "$portrait" generate --people "$people" --seed 1 --out "$work/world" > /dev/null
  "$portrait" mock-crm --port 0 --contacts "$work/world/crm/contacts.jsonl" --token-file "$work/world/crm/token" \
    > "$work/mock.out" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do grep -q "http://" "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
  export PORTRAIT_WORLD_CRM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/mock.out")
  "$portrait" sync --no-resolve --config "$config" > /dev/null
  kill "$server"; server=""
  "$portrait" identity resolve --no-profiles --config "$config" | head -1
  # The store as a sync leaves it, before any profile: rebuild runs against a copy of it each time.
  cp "$work/world/.portrait/portrait.db" "$work/resolved.db"
  touch "$work/ready"
fi
cp "$work/resolved.db" "$work/world/.portrait/portrait.db"
rm -f "$work/world/.portrait/portrait.db-wal" "$work/world/.portrait/portrait.db-shm"

# report JSON_FILE RSS_KB LABEL WALL_SECONDS: one line from `profiles rebuild|update --json`.
report() {
  python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rss = int(sys.argv[2]); label = sys.argv[3]; wall = float(sys.argv[4])
stages = " · ".join(f"{k} {v:.2f} s" for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1]))
print(f"{label}: {r['computed']:,} profiles ({r['created']:,} new, {r['updated']:,} updated, {r['merged']:,} merged away) "
      f"from {r['records']:,} records in {wall:.2f} s = {r['computed']/wall:,.0f} profiles/s, peak RSS {rss/1024:.0f} MiB; "
      f"segments: {r['entered']:,} entered, {r['exited']:,} exited")
print(f"  stages: {stages}")
PY
}

timed() {  # timed OUT_FILE ARGS...: runs portrait, wall seconds to $work/wall, peak RSS to $work/rss
  local out=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$portrait" "$@" --config "$config" > "$out"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')" > "$work/wall"
}

timed "$work/rebuild.json" profiles rebuild --json
report "$work/rebuild.json" "$(cat "$work/rss")" "full rebuild" "$(cat "$work/wall")"

# 1,000 new receipts: rows of an archived store file under new receipt ids, dropped as one new file.
python3 - "$work/world/drops" <<'PY'
import csv, glob, io, random, sys
folder = sys.argv[1]
random.seed(9)
raw = open(sorted(glob.glob(folder + "/archive/receipts_*.csv"))[0], "rb").read()
for encoding in ("utf-8-sig", "gb18030"):
    try:
        text = raw.decode(encoding); break
    except UnicodeDecodeError:
        pass
rows = list(csv.reader(io.StringIO(text)))
with open(folder + "/receipts_delta.csv", "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for i in range(1000):
        row = list(random.choice(rows[1:])); row[0] = f"DELTA-{i}"; writer.writerow(row)
PY
"$portrait" sync store-receipts --no-resolve --config "$config" > /dev/null
"$portrait" identity resolve --no-profiles --config "$config" > /dev/null
timed "$work/update.json" profiles update --json
report "$work/update.json" "$(cat "$work/rss")" "update after 1,000 new receipts" "$(cat "$work/wall")"
rm -f "$work/world/drops/archive/receipts_delta.csv"

expression="recency_days <= 90 and total_spend >= 500 and 'grocery' in top_interests"
timed "$work/preview.txt" segments preview "$expression"
echo "segment preview: $(head -1 "$work/preview.txt"); wall $(cat "$work/wall") s (process start included), peak RSS $(( $(cat "$work/rss") / 1024 )) MiB"
