#!/usr/bin/env bash
# Side by side: identity resolution of a benchmark world by Portrait (benchmarks/identity-resolve.sh, release) and
# by Splink on the same world's records, both scored against its truth.csv, in one run.
# Usage: benchmarks/compare/splink-identity.sh [PEOPLE]   (default 20000: about 75,000 observations)
# Installs Splink into benchmarks/compare/.venv from PyPI when it is missing. Never part of the test suite or CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
people=${1:-20000}
source benchmarks/compare/lib.sh

BENCH_WORK="$work/identity" BENCH_RESULTS="$work/portrait.tsv" benchmarks/identity-resolve.sh "$people" \
  | tee "$work/portrait.out"
world="$work/identity/world"
[[ -s "$world/truth.csv" ]] || compare_fail "identity-resolve.sh left no world at $world"
scores=$(grep -o 'precision [0-9.]*  recall [0-9.]*  F1 [0-9.]*' "$work/portrait.out" | head -1) \
  || compare_fail "identity-resolve.sh printed no precision, recall and F1"
# Portrait's from-scratch figure only, its note carrying all three scores.
awk -F'\t' -v OFS='\t' -v s="${scores//  / }" 'NR == 1 { sub(/, F1 [0-9.]*$/, "", $6); $6 = $6 ", " s; print }' "$work/portrait.tsv" > "$work/scratch.tsv"
"$PORTRAIT_BIN" export records --format jsonl --config "$world/portrait.yml" > "$work/records.jsonl"
"$py" benchmarks/compare/splink_identity.py "$work/records.jsonl" "$world/truth.csv" >> "$work/reference.tsv"
echo
echo "Same world ($people people, seed 1), same run, pairwise scores against truth.csv over the same records:"
"$py" benchmarks/compare/report.py "$work/scratch.tsv" "$work/reference.tsv" "from scratch (with training)"
