#!/usr/bin/env bash
# The SQLite insert floor for Portrait's records table: what a C program with a prepared statement and nothing
# else (no CSV, mapping, validation or hashing) reaches on this machine, for the row sizes of a receipts import.
# Usage: benchmarks/sqlite-floor/run.sh [ROWS]   (default 1000000; needs gcc and libsqlite3-dev)
set -euo pipefail
cd "$(dirname "$0")"
rows=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/floor" floor.c -lsqlite3
# The sizes of a receipt row as Portrait stores it (raw JSON object, canonical order), of an order of the XML
# benchmark's feed (benchmarks/xml-feed.sh: 370 and 518 characters on average), then near-empty payloads.
"$work/floor" "$work/floor.db" "$rows" 200 330
"$work/floor" "$work/floor.db" "$rows" 370 518
"$work/floor" "$work/floor.db" "$rows" 10 10
