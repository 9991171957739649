#!/usr/bin/env bash
# Throughput of the survey intake: `portrait run` (release build) takes signed JSON posts on loopback, scores each
# response and commits it before answering.
# Usage: benchmarks/survey-intake.sh [SECONDS] [CONNECTIONS]   (defaults 30 and 32)
# The load comes from wrk (apt-get install wrk; 2 threads) when it is installed, else from
# benchmarks/survey/post.py (Python threads, much slower: its figures measure the client too, and are marked so).
# SURVEY_LOAD=wrk or SURVEY_LOAD=python chooses.
# Prints responses per second, latency percentiles, the service's peak RSS, and checks the store against the
# answers (every body has its own response id): it must hold every response that got a 201, and at most one more
# per connection (the posts in flight when wrk stops at the deadline: committed, but their answers are no longer
# counted by wrk).
# Set KEEP=1 to keep the work folder (its path is printed), or BENCH_WORK=DIR to work in DIR and keep it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-32}
load=${SURVEY_LOAD:-}
if [[ -z "$load" ]]; then
  if command -v wrk >/dev/null; then load=wrk; else
    load=python
    echo "wrk is not installed: the load comes from benchmarks/survey/post.py, far slower than wrk (apt-get install wrk for figures worth recording)" >&2
  fi
fi
case "$load" in
  wrk) command -v wrk >/dev/null || { echo "SURVEY_LOAD=wrk but wrk is not installed: apt-get install wrk" >&2; exit 2; } ;;
  python) ;;
  *) echo "SURVEY_LOAD must be wrk or python, not $load" >&2; exit 2 ;;
esac
source benchmarks/lib.sh
bench_workdir
rm -f "$work"/portrait.db*
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; bench_cleanup; }
trap cleanup EXIT

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
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/run.out")/v1/forms/post-purchase/responses \
  || { cat "$work/run.out" >&2; bench_fail "portrait run did not start listening within 10 s (its output is above)"; }

if [[ "$load" == wrk ]]; then
  threads=2
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s benchmarks/survey/intake.lua "$url" -- "$threads" "$work/bodies.txt" | tee "$work/load.out"
else
  python3 benchmarks/survey/post.py "$url" "$seconds" "$connections" "$work/bodies.txt" | tee "$work/load.out"
fi
# The service's peak resident set (the kernel's high-water mark), read before it is stopped.
rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$server/status" 2>/dev/null) && [[ -n "$rss" ]] \
  || { cat "$work/run.out" >&2; bench_fail "portrait run exited before the load ended (its output is above)"; }
kill "$server"; wait "$server" 2>/dev/null || true; server=""

created=$(grep -o 'answers: 201 [0-9]*' "$work/load.out" | awk '{print $3}') \
  || bench_fail "the load generator printed no answers line (its output is above)"
latency=$(grep -o 'p50 .*' "$work/load.out" || true)
stored=$("$portrait" export records --format jsonl --config "$work/portrait.yml" | wc -l)
echo "responses with 201: $created, in the store: $stored ($(( stored - created )) in flight when the load stopped, at most $connections)"
(( created > 0 )) || bench_fail "no response was acknowledged with 201: see $work/run.out (KEEP=1 keeps it)"
if (( stored < created || stored - created > connections )); then echo "MISMATCH between answers and store" >&2; exit 1; fi
bench_record "signed posts, $connections connections, load by $load" "$created" responses "$seconds" "$rss" "$latency"
