#!/usr/bin/env bash
# Side by side: the xml-feed benchmark (Portrait, release) and lxml's iterparse reading the same feed, in one run.
# Usage: benchmarks/compare/lxml-xml.sh [ORDERS]   (default 150000, as benchmarks/xml-feed.sh: a ~100 MB feed)
# Installs lxml into benchmarks/compare/.venv from PyPI when it is missing. Never part of the test suite or CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
orders=${1:-150000}
source benchmarks/compare/lib.sh

BENCH_WORK="$work/xml" BENCH_RESULTS="$work/portrait.tsv" benchmarks/xml-feed.sh "$orders"
file="$work/xml/orders.xml"
[[ -s "$file" ]] || compare_fail "xml-feed.sh left no feed at $file"
"$py" benchmarks/compare/lxml_xml.py "$file" >> "$work/reference.tsv"
echo
echo "Same feed ($orders orders, $(( $(stat -c %s "$file") / 1000000 )) MB), same run (Portrait maps, checks and stores each order; lxml only extracts):"
"$py" benchmarks/compare/report.py "$work/portrait.tsv" "$work/reference.tsv" "first import (all new)"
