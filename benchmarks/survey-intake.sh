#!/usr/bin/env bash
# Throughput of the survey intake: `portrait run` (release build) takes signed JSON posts from wrk on loopback,
# scores each response and commits it before answering.
# Usage: benchmarks/survey-intake.sh [SECONDS] [CONNECTIONS]   (defaults 30 and 32; needs the wrk package)
# Prints responses per second, latency percentiles, and checks the store against the answers (every body has its
# own response id): it must hold every response that got a 201, and at most one more per connection (the posts in
# flight when wrk stops at the deadline: committed, but their answers are no longer counted by wrk).
# Set KEEP=1 to keep the work folder.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is not installed: sudo apt-get install wrk" >&2; exit 2; }
source benchmarks/lib.sh
work=$(mktemp -d)
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; [[ "${KEEP:-}" == 1 ]] || rm -rf "$work"; }
trap cleanup EXIT
[[ "${KEEP:-}" == 1 ]] && echo "work folder: $work"

secret="bench-$(date +%s)"
printf '%s' "$secret" > "$work/form-secret"
cat > "$work/portrait.yml" <<'YML'
store:
  path: portrait.db
service: { port: 0 }
connectors:
  - name: feedback
    kind: survey
    options:
      forms:
        post-purchase:
          secret: "${file:form-secret}"
          questions:
            - { id: nps, type: nps }
            - { id: email, type: text, identity: email }
            - { id: favourite, type: single_choice, choices: [sports, beauty, home], profile: interest }
            - { id: comment, type: free_text }
YML

# Enough distinct responses for 15,000 a second (half Chinese, half English comments), each signed.
count=$(( seconds * 15000 ))
python3 - "$count" "$secret" > "$work/bodies.txt" <<'PY'
import hashlib, hmac, json, sys
count, secret = int(sys.argv[1]), sys.argv[2].encode()
comments = ["Fast delivery, friendly staff", "价格太贵，物流慢", "The app keeps crashing", "店员很热情", "Great quality"]
choices = ["sports", "beauty", "home"]
out = sys.stdout
for i in range(count):
    body = json.dumps({"response_id": f"b-{i}", "nps": i % 11, "email": f"user{i}@example.com",
                       "favourite": choices[i % 3], "comment": comments[i % 5]}, ensure_ascii=False, separators=(",", ":"))
    sig = hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
    out.write(f"sha256={sig}\t{body}\n")
PY

"$portrait" run --config "$work/portrait.yml" > "$work/run.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q "http://" "$work/run.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/run.out")/v1/forms/post-purchase/responses

threads=2
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s benchmarks/survey/intake.lua "$url" -- "$threads" "$work/bodies.txt" | tee "$work/wrk.out"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

created=$(grep -o 'answers: 201 [0-9]*' "$work/wrk.out" | awk '{print $3}')
stored=$("$portrait" export records --format jsonl --config "$work/portrait.yml" | wc -l)
echo "responses with 201: $created, in the store: $stored ($(( stored - created )) in flight when wrk stopped, at most $connections)"
python3 -c "print(f'{$created / $seconds:,.0f} responses/s stored and acknowledged over {$seconds} s')"
if (( stored < created || stored - created > connections )); then echo "MISMATCH between answers and store" >&2; exit 1; fi
