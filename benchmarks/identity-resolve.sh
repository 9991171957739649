#!/usr/bin/env bash
# Identity resolution on the benchmark world (`portrait generate`): a resolve from scratch (training the model,
# as on a new store), its quality against the world's truth, and 1,000 new store receipts resolved into it.
# Usage: benchmarks/identity-resolve.sh [PEOPLE]   (default 270000: about 1,000,000 observations)
# Prints observations, candidate pairs, pairs scored per second, wall time, stage times, peak RSS, and pairwise
# precision / recall / F1. Set KEEP=1 to keep the work folder (its path is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-270000}
work=$(mktemp -d)
source benchmarks/lib.sh
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; [[ "${KEEP:-}" == 1 ]] || rm -rf "$work"; }
trap cleanup EXIT
[[ "${KEEP:-}" == 1 ]] && echo "work folder: $work"

"$portrait" generate --people "$people" --seed 1 --out "$work/world" > /dev/null
"$portrait" mock-crm --port 0 --contacts "$work/world/crm/contacts.jsonl" --token-file "$work/world/crm/token" \
  > "$work/mock.out" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q "http://" "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
export PORTRAIT_WORLD_CRM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/mock.out")
"$portrait" sync --no-resolve --config "$work/world/portrait.yml" > /dev/null
kill "$server"; server=""

# report JSON_FILE RSS_KB LABEL: one line from `identity resolve --json`.
report() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rss = int(sys.argv[2]); label = sys.argv[3]
score = r["stages"].get("score", 0)
rate = f", {r['candidatePairs'] / score:,.0f} pairs/s scored" if score > 0 else ""
stages = " · ".join(f"{k} {v:.2f} s" for k, v in r["stages"].items())
print(f"{label}: {r['observations']:,} observations, {r['candidatePairs']:,} candidate pairs{rate}, "
      f"{r['seconds']:.2f} s, peak RSS {rss/1024:.0f} MiB, model trained: {r['trainedModel']}")
print(f"  stages: {stages}")
PY
}

/usr/bin/time -f "%M" -o "$work/rss" "$portrait" identity resolve --json --no-profiles --config "$work/world/portrait.yml" > "$work/scratch.json"
report "$work/scratch.json" "$(cat "$work/rss")" "from scratch"
"$portrait" identity evaluate --truth "$work/world/truth.csv" --config "$work/world/portrait.yml" | sed 's/^/  /'

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
"$portrait" sync store-receipts --no-resolve --config "$work/world/portrait.yml" > /dev/null
/usr/bin/time -f "%M" -o "$work/rss" "$portrait" identity resolve --json --no-profiles --config "$work/world/portrait.yml" > "$work/delta.json"
report "$work/delta.json" "$(cat "$work/rss")" "1,000 new observations"
