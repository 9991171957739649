#!/usr/bin/env bash
# The floor under an xml_feed import, beside Portrait's own import of the same feed, taking turns: `xmllint
# --stream --noout` (libxml2's reader and nothing else), floor.c (the reader extracting each order's values, the
# records table of the store written as `portrait sync` writes it, with no mapping, validation or hashing; then the
# same through libxml2's SAX2 callbacks instead of the reader) and `portrait sync --no-resolve` (everything the
# issue asks). The floor is the most any implementation on libxml2's reader and this store can reach on the
# machine; see docs/PERFORMANCE.md.
# Usage: benchmarks/xml-floor/run.sh [ORDERS] [ROUNDS]   (default 150000 orders, a ~100 MB feed; 3 rounds)
# Needs gcc, libxml2-dev and libsqlite3-dev; BENCH_WORK=DIR keeps the feed and the stores in DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
orders=${1:-150000}
rounds=${2:-3}
for tool in gcc xmllint; do
  command -v "$tool" >/dev/null || { echo "xml-floor: $tool is missing: apt-get install ${tool/xmllint/libxml2-utils}" >&2; exit 2; }
done
# xml-feed.sh generates the feed and its config (and times Portrait once); its folder is kept for the rounds below.
work=${BENCH_WORK:-$(mktemp -d)}
[[ -n "${BENCH_WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
BENCH_WORK="$work" benchmarks/xml-feed.sh "$orders"
source benchmarks/lib.sh   # finds the binary xml-feed.sh built ($portrait)
gcc -O2 -Wall -I/usr/include/libxml2 -o "$work/xml-floor" benchmarks/xml-floor/floor.c -lxml2 -lsqlite3 -lpthread \
  || { echo "xml-floor: the C program did not build: apt-get install libxml2-dev libsqlite3-dev" >&2; exit 2; }

megabytes=$(python3 -c "print($(stat -c %s "$work/orders.xml") / 1e6)")
echo
echo "Taking turns, $rounds rounds (MB/s of wall time, end to end):"
cd "$work"
for (( round = 1; round <= rounds; round++ )); do
  start=$(date +%s.%N); xmllint --stream --noout orders.xml; end=$(date +%s.%N)
  python3 -c "print(f'  xmllint --stream --noout   {$megabytes / ($end - $start):5.1f} MB/s  ({$end - $start:.2f} s)')"
  ./xml-floor orders.xml floor.db | sed 's/^/  /'
  ./xml-floor orders.xml floor.db sax | sed 's/^xml floor:/xml floor, SAX:/; s/^/  /'
  rm -f portrait.db portrait.db-wal portrait.db-shm
  /usr/bin/time -f "%e %U %S" -o portrait.time "$portrait" sync --no-resolve --config portrait.yml >/dev/null
  read -r wall user system < portrait.time
  python3 -c "print(f'  portrait sync (first import) {$megabytes / $wall:5.1f} MB/s  ({$wall:.2f} s, CPU {$user + $system:.2f} s)')"
done
