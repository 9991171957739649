#!/usr/bin/env bash
# Side by side: the csv-drop benchmark (Portrait, release) and DuckDB loading the same receipts file, in one run.
# Usage: benchmarks/compare/duckdb-csv.sh [ROWS]   (default 1000000, as benchmarks/csv-drop.sh)
# Installs DuckDB into benchmarks/compare/.venv from PyPI when it is missing. Never part of the test suite or CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
source benchmarks/compare/lib.sh

BENCH_WORK="$work/csv" BENCH_RESULTS="$work/portrait.tsv" benchmarks/csv-drop.sh "$rows"
file="$work/csv/receipts.csv"
[[ -s "$file" ]] || compare_fail "csv-drop.sh left no receipts file at $file"
for mode in plain mapped; do
  rm -f "$work/duckdb.db" "$work/duckdb.db.wal"
  "$py" benchmarks/compare/duckdb_csv.py "$mode" "$file" "$work/duckdb.db" >> "$work/reference.tsv"
done
echo
echo "Same file ($rows rows, $(( $(stat -c %s "$file") / 1000000 )) MB), same run:"
"$py" benchmarks/compare/report.py "$work/portrait.tsv" "$work/reference.tsv" "first import (all new)"
