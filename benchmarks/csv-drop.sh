#!/usr/bin/env bash
# Throughput of a csv_drop import: drop folder → CSV parse → mapping → validation → SQLite, in a release build.
# Usage: benchmarks/csv-drop.sh [ROWS]   (default 1000000: a ~80 MB receipts file with 9 columns)
# Syncs run with --no-resolve: the import alone (identity resolution has benchmarks/identity-resolve.sh).
# Prints wall time, rows per second and peak memory for:
#   1. the first import (all rows new), from drop folder to committed store and archived file;
#   2. a re-import of the same file (`sync --full` forgets which files were imported, the file is dropped
#      again, and every row is compared by content hash: all unchanged).
# Set KEEP=1 to keep the work folder (its path is printed), or BENCH_WORK=DIR to work in DIR and keep it
# (benchmarks/compare/duckdb-csv.sh loads the same receipts.csv from there).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
source benchmarks/lib.sh
bench_workdir
rm -rf "$work/drop" "$work"/portrait.db*
mkdir -p "$work/drop"

# Receipts as a POS exports them: a quoted note with the delimiter in every tenth row, CN mobile numbers, mixed
# Chinese and English names. Every 1000th row has an unparseable amount and goes to quarantine.
awk -v rows="$rows" 'BEGIN {
  srand(7)
  split("shoes,bags,sports,beauty,kids,home,food,books", cats, ",")
  split("王小明,李娜,张伟,Ana Garcia,John Smith,陈静,Mary Brown,刘洋", names, ",")
  print "receipt_id,store_id,ts,amount,category,member_card,phone,name,note"
  for (i = 1; i <= rows; i++) {
    amount = (i % 1000 == 0) ? "n/a" : sprintf("%d.%02d", int(rand() * 2000), int(rand() * 100))
    note = (i % 10 == 0) ? "\"gift wrap, please\"" : "ok"
    printf "R%08d,S%03d,2026-%02d-%02d %02d:%02d:%02d,%s,%s,M%07d,138%08d,%s,%s\n", i, i % 200, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60, amount, cats[1 + i % 8], i % 400000, i % 100000000, names[1 + i % 8], note
  }
}' > "$work/receipts.csv"

cat > "$work/portrait.yml" <<'YML'
store:
  path: portrait.db
connectors:
  - name: pos
    kind: csv_drop
    options: { folder: drop, glob: "pos_*.csv", stream: receipts, id_field: receipt_id, complete_when: renamed }
    mapping:
      receipts:
        entity: order
        source_id: receipt_id
        fields:
          id: receipt_id
          store_id: store_id
          placed_at: { from: ts, transform: [{ datetime: { formats: ["yyyy-MM-dd HH:mm:ss"], time_zone: Asia/Shanghai } }] }
          total: { from: amount, transform: [decimal] }
          currency: { const: CNY }
          channel: { const: offline }
          lines[0].category: category
          customer.identifiers.member_card: member_card
          customer.identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
          customer.name: { from: name, transform: [split_name] }
YML

bench_bytes=$(stat -c %s "$work/receipts.csv")
echo "receipts file: $rows rows, $(( bench_bytes / 1000000 )) MB"

# An atomic rename into the folder, as complete_when: renamed expects.
cp "$work/receipts.csv" "$work/drop/.incoming" && mv "$work/drop/.incoming" "$work/drop/pos_0001.csv"
bench_run "first import (all new)" "$rows" rows sync --no-resolve
mv "$work/drop/archive/pos_0001.csv" "$work/drop/pos_0001.csv"
bench_run "re-import of the same file (all unchanged)" "$rows" rows sync --full --no-resolve
