#!/usr/bin/env bash
# Per-record cost of RecordMapping.map and canonicalText (raw and canonical) in a release build, one core.
# Usage: benchmarks/mapping/run.sh [RECORDS]   (default 200000)
# Runs Tests/PortraitCoreTests/MappingBenchmark.swift, which is skipped unless PORTRAIT_MAPPING_BENCH=1 and
# never asserts a timing. Prints one line per workload: receipts (CSV rows, with and without the lines[0]
# element target) and the demo's CRM contacts.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORTRAIT_MAPPING_BENCH=1 PORTRAIT_MAPPING_BENCH_RECORDS="${1:-200000}" \
  swift test -c release --filter MappingBenchmark 2>&1 | grep '^MappingBenchmark '
