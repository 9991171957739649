"""Writes COUNT new store receipts into a world's drop folder: rows of its first archived receipts file under new
receipt ids (DELTA-0, DELTA-1, ...), as one new file. The delta of benchmarks/identity-resolve.sh and
benchmarks/profiles.sh.

Usage: python3 benchmarks/world/delta-receipts.py DROPS_FOLDER [COUNT]
"""
import csv
import glob
import io
import random
import sys

folder = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
random.seed(9)
raw = open(sorted(glob.glob(folder + "/archive/receipts_*.csv"))[0], "rb").read()
for encoding in ("utf-8-sig", "gb18030"):
    try:
        text = raw.decode(encoding)
        break
    except UnicodeDecodeError:
        pass
rows = list(csv.reader(io.StringIO(text)))
with open(folder + "/receipts_delta.csv", "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for i in range(count):
        row = list(random.choice(rows[1:]))
        row[0] = f"DELTA-{i}"
        writer.writerow(row)
