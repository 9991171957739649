# Shared by the benchmark scripts: find or build portrait, and time one command.
# Needs: $work (a scratch folder holding portrait.yml) for bench_run. Sets: $portrait.
#
# PORTRAIT_BIN=/path/to/portrait uses that binary and builds nothing (benchmarks/run builds release once and sets
# it; the test suite's smoke test passes its debug build). Without it, a release build of this checkout is made.
# BENCH_RESULTS=FILE: every figure is also appended to FILE as one tab-separated line
#   case, count, unit, seconds, peak RSS in KiB, note
# which is how benchmarks/run makes its summary table.

bench_fail() { echo "benchmark: $*" >&2; exit 2; }

for tool in python3 awk; do
  command -v "$tool" >/dev/null || bench_fail "$tool is missing: install it (apt-get install ${tool/awk/gawk}) and run again"
done
[[ -x /usr/bin/time ]] || bench_fail "/usr/bin/time is missing (it measures peak RSS): apt-get install time"

if [[ -n "${PORTRAIT_BIN:-}" ]]; then
  [[ -x "$PORTRAIT_BIN" && ! -d "$PORTRAIT_BIN" ]] \
    || bench_fail "PORTRAIT_BIN=$PORTRAIT_BIN is not an executable file: build it (swift build -c release --product portrait) or unset PORTRAIT_BIN"
  portrait=$PORTRAIT_BIN
else
  command -v swift >/dev/null || bench_fail "swift is not on PATH: install the Swift 6 toolchain, or set PORTRAIT_BIN to a built portrait"
  swift build -c release --product portrait >/dev/null || bench_fail "the release build failed: run swift build -c release --product portrait to see why"
  portrait=$(swift build -c release --show-bin-path)/portrait
fi

# bench_workdir: sets $work to a new scratch folder, removed at exit, or to $BENCH_WORK (created if needed) and
# kept, as with KEEP=1 (its path is printed then). Scripts with servers to stop call bench_cleanup from their own
# trap.
bench_workdir() {
  if [[ -n "${BENCH_WORK:-}" ]]; then
    mkdir -p "$BENCH_WORK" && work=$(cd "$BENCH_WORK" && pwd) && bench_keep=1
  else
    work=$(mktemp -d) && bench_keep=${KEEP:-}
    [[ "$bench_keep" == 1 ]] || bench_keep=""
  fi
  [[ -n "$bench_keep" ]] && echo "work folder: $work"
  trap bench_cleanup EXIT
}
bench_cleanup() { [[ -n "${bench_keep:-}" ]] || rm -rf "$work"; }

# bench_record CASE COUNT UNIT SECONDS RSS_KIB [NOTE]: prints one figure and appends it to $BENCH_RESULTS.
bench_record() {
  local label=$1 count=$2 unit=$3 seconds=$4 rss=$5 note=${6:-}
  python3 - "$label" "$count" "$unit" "$seconds" "$rss" "$note" <<'PY'
import sys
label, n, unit, seconds, rss, note = sys.argv[1:]
n, seconds, rss = int(n), float(seconds), int(rss)
tail = f"  [{note}]" if note else ""
print(f"{label}: {n:,} {unit} in {seconds:.2f} s = {n / seconds:,.0f} {unit}/s, peak RSS {rss / 1024:.0f} MiB{tail}")
PY
  if [[ -n "${BENCH_RESULTS:-}" ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$count" "$unit" "$seconds" "$rss" "$note" >> "$BENCH_RESULTS"
  fi
}

# bench_run CASE COUNT UNIT ARGS...: runs `portrait ARGS --config $work/portrait.yml` under /usr/bin/time and
# records wall time, COUNT/s and peak RSS, with the sync summary line as the note (after MB/s of wall time when
# $bench_bytes, the input's size, is set). Sets $bench_seconds.
bench_run() {
  local label=$1 count=$2 unit=$3; shift 3
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$portrait" "$@" --config "$work/portrait.yml" > "$work/out" \
    || { cat "$work/out" >&2; bench_fail "portrait $* failed (exit status above; output above)"; }
  end=$(date +%s.%N)
  bench_seconds=$(python3 -c "print($end - $start)")
  local note
  note=$(grep -o 'read [0-9].*' "$work/out" | head -1 || true)
  [[ -n "${bench_bytes:-}" ]] && note="$(python3 -c "print(f'{$bench_bytes / 1e6 / $bench_seconds:.1f} MB/s')"), $note"
  bench_record "$label" "$count" "$unit" "$bench_seconds" "$(tail -1 "$work/rss")" "$note"
}
