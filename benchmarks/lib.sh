# Shared by the benchmark scripts: build portrait in release mode and time one command.
# Needs: $work (a scratch folder holding portrait.yml). Sets: $portrait.

swift build -c release --product portrait >/dev/null
portrait=$(swift build -c release --show-bin-path)/portrait

# bench_run LABEL COUNT UNIT ARGS...: runs `portrait ARGS --config $work/portrait.yml` and prints wall time,
# COUNT/s and peak RSS (from /usr/bin/time), with the sync summary line.
bench_run() {
  local label=$1 count=$2 unit=$3; shift 3
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$portrait" "$@" --config "$work/portrait.yml" > "$work/out"
  end=$(date +%s.%N)
  python3 - "$label" "$count" "$unit" "$start" "$end" "$(cat "$work/rss")" "$(grep -o 'read.*' "$work/out" | head -1)" <<'PY'
import sys
label, n, unit, start, end, rss, summary = sys.argv[1:]
seconds = float(end) - float(start)
print(f"{label}: {int(n):,} {unit} in {seconds:.2f} s = {int(n)/seconds:,.0f} {unit}/s, peak RSS {int(rss)/1024:.0f} MiB  [{summary}]")
PY
}
