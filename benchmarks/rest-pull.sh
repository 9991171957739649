#!/usr/bin/env bash
# Throughput of a `rest` pull: the bundled mock CRM (portrait mock-crm) on loopback serves CONTACTS contacts in
# pages of 100 (HubSpot style: POST search with a cursor in the body); `portrait sync` pulls, maps, validates and
# commits them to SQLite, in a release build.
# Usage: benchmarks/rest-pull.sh [CONTACTS] [LATENCY_MS]   (defaults 100000 and 20)
# Syncs run with --no-resolve: the import alone (identity resolution has benchmarks/identity-resolve.sh).
# Prints wall time, records per second and peak memory for:
#   1. a first pull with no added latency (all new);
#   2. a first pull with LATENCY_MS added to every page, beside two bounds: the latency alone (pages x latency,
#      which no client paging by cursor can beat) and the latency plus all of run 1's work one after the other.
#      A time below the second bound is store work done while the next page was in flight.
# Set KEEP=1 to keep the work folder (its path is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
contacts=${1:-100000}
latency=${2:-20}
source benchmarks/lib.sh
bench_workdir
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; bench_cleanup; }
trap cleanup EXIT
echo "bench-token" > "$work/token"

# start_mock LATENCY: starts the mock CRM on a free port; sets $server and $url.
start_mock() {
  "$portrait" mock-crm --port 0 --contacts "$contacts" --archived-every 100 --token-file "$work/token" \
    --page-latency-ms "$1" > "$work/mock.out" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do grep -q "http://" "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/mock.out") \
    || { cat "$work/mock.out" >&2; bench_fail "portrait mock-crm did not start listening within 10 s (its output is above)"; }
}

# write_config: a hubspot-preset connector against $url, into a fresh store.
write_config() {
  rm -f "$work"/portrait.db*
  cat > "$work/portrait.yml" <<YML
store:
  path: portrait.db
connectors:
  - name: crm
    kind: rest
    options:
      preset: hubspot
      base_url: "$url"
      auth: { type: bearer, token: "\${file:token}" }
    mapping:
      contacts:
        entity: customer
        fields:
          identifiers.crm_id: id
          identifiers.email: { from: properties.email, transform: [email] }
          attributes.phone: properties.phone
          name.given: properties.firstname
          name.family: properties.lastname
          address.city: properties.city
          attributes.company: properties.company
YML
}

pages=$(( (contacts - contacts / 100 + 99) / 100 + (contacts / 100 + 99) / 100 ))
echo "mock CRM: $contacts contacts ($(( contacts / 100 )) archived), $pages pages of 100"

start_mock 0
write_config
start=$(date +%s.%N)
bench_run "first pull, no added latency" "$contacts" records sync --no-resolve
plain=$(python3 -c "print($(date +%s.%N) - $start)")
kill "$server"; wait "$server" 2>/dev/null || true; server=""

start_mock "$latency"
write_config
start=$(date +%s.%N)
bench_run "first pull, ${latency} ms per page" "$contacts" records sync --no-resolve
slow=$(python3 -c "print($(date +%s.%N) - $start)")
python3 - "$pages" "$latency" "$plain" "$slow" <<'PY'
import sys
pages, latency, plain, slow = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
fetch = pages * latency / 1000
print(f"  latency alone {fetch:.1f} s; latency then run 1's work, one after the other, {fetch + plain:.1f} s; measured {slow:.1f} s")
print(f"  per page: {latency} ms latency + {(slow - fetch) / pages * 1000:.1f} ms, against {plain / pages * 1000:.1f} ms of work per page without latency;")
print(f"  {max(0.0, fetch + plain - slow):.1f} s of storing ran while the next page was in flight")
PY
