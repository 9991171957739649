"""Prints Portrait's figures and a reference tool's, from the same run, side by side with their ratio.

Usage: report.py PORTRAIT_TSV REFERENCE_TSV PORTRAIT_CASE
Both files hold lines `case, count, unit, seconds, peak RSS KiB, note` (benchmarks/lib.sh's bench_record; the
reference scripts print the same, with the tool's name first in the case). The last column divides the rate of the
Portrait case named PORTRAIT_CASE by each row's rate: above 1, Portrait is faster; below 1, the tool is.
"""

import sys


def rows(path: str) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]


def main() -> None:
    portrait, reference, anchor = rows(sys.argv[1]), rows(sys.argv[2]), sys.argv[3]
    if not portrait or not reference:
        sys.exit("report.py: no figures to compare (a run above failed)")
    base = next((r for r in portrait if r[0] == anchor), None)
    if base is None:
        sys.exit(f"report.py: Portrait printed no figure named {anchor!r}")
    base_rate = int(base[1]) / float(base[3])
    print("| tool and case | count | wall time | rate | peak RSS | Portrait ÷ this | note |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for who, row in [("Portrait", r) for r in portrait] + [("", r) for r in reference]:
        case, count, unit, seconds, rss, note = (row + [""] * 6)[:6]
        rate = int(count) / float(seconds)
        name = f"{who}: {case}" if who else case
        print(f"| {name} | {int(count):,} {unit} | {float(seconds):.2f} s | {rate:,.0f} {unit}/s | "
              f"{int(rss) / 1024:,.0f} MiB | {base_rate / rate:.2f} | {note} |")


if __name__ == "__main__":
    main()
