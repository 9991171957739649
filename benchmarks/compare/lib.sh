# Sourced by the compare scripts (from the repository root): the reference tools' Python, a portrait binary, a
# work folder. Sets: $py, $work, and exports PORTRAIT_BIN (built in release once here unless it is set).
compare_fail() { echo "compare: $*" >&2; exit 2; }

py=benchmarks/compare/.venv/bin/python
if ! [[ -x "$py" ]] || ! "$py" -c 'import duckdb, lxml, splink' 2>/dev/null; then
  echo "benchmarks/compare/.venv is missing or incomplete: creating it (benchmarks/compare/setup) …" >&2
  benchmarks/compare/setup || compare_fail "benchmarks/compare/setup failed (see above): the reference tools come from PyPI"
fi

if [[ -z "${PORTRAIT_BIN:-}" ]]; then
  command -v swift >/dev/null || compare_fail "swift is not on PATH: install the Swift 6 toolchain, or set PORTRAIT_BIN"
  swift build -c release --product portrait >/dev/null \
    || compare_fail "the release build failed: run swift build -c release --product portrait to see why"
  PORTRAIT_BIN=$(swift build -c release --show-bin-path)/portrait
fi
export PORTRAIT_BIN

work=$(mktemp -d)
if [[ "${KEEP:-}" == 1 ]]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
: > "$work/portrait.tsv"
: > "$work/reference.tsv"
