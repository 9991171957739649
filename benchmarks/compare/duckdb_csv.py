"""DuckDB loads the csv-drop benchmark's receipts file into a table in a database file.

Usage: duckdb_csv.py plain|mapped CSV DATABASE
  plain:  CREATE TABLE AS SELECT * FROM read_csv(...): types sniffed, nothing checked (the floor of a load)
  mapped: what Portrait's mapping does to the same columns, in SQL: the local time read in Asia/Shanghai (UTC+8,
          no daylight saving) as UTC, the amount as a decimal with unparseable ones set aside as Portrait
          quarantines them, the phone in E.164, the name split (Han: first character the family name; Latin:
          last word), and a JSON text of the row kept beside it, as Portrait keeps each record's raw text.
Prints one line: case, rows, unit, seconds, peak RSS KiB, note (tab-separated), as benchmarks/lib.sh's figures.
"""

import resource
import sys
import time

import duckdb

MAPPED = """
CREATE TABLE orders AS
SELECT receipt_id AS id, store_id,
       strptime(ts, '%Y-%m-%d %H:%M:%S') - INTERVAL 8 HOUR AS placed_at_utc,
       TRY_CAST(amount AS DECIMAL(12, 2)) AS total, 'CNY' AS currency, 'offline' AS channel, category,
       member_card, '+86' || phone AS phone,
       CASE WHEN regexp_matches(name, '^\\p{Han}') THEN name[1] ELSE regexp_extract(name, '(\\S+)$', 1) END AS family,
       CASE WHEN regexp_matches(name, '^\\p{Han}') THEN name[2:] ELSE regexp_extract(name, '^(.*\\S)\\s+\\S+$', 1) END AS given,
       to_json(src) AS raw
FROM read_csv(?, header = true, all_varchar = true) AS src
"""


def main() -> None:
    mode, path, database = sys.argv[1:4]
    connection = duckdb.connect(database)
    start = time.monotonic()
    if mode == "plain":
        connection.execute("CREATE TABLE receipts AS SELECT * FROM read_csv(?, header = true)", [path])
        rows = connection.execute("SELECT count(*) FROM receipts").fetchone()[0]
        note = "types sniffed, nothing checked"
    elif mode == "mapped":
        connection.execute(MAPPED, [path])
        connection.execute("CREATE TABLE quarantine AS SELECT * FROM orders WHERE total IS NULL")
        connection.execute("DELETE FROM orders WHERE total IS NULL")
        rows = connection.execute("SELECT count(*) FROM orders").fetchone()[0]
        set_aside = connection.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        rows += set_aside
        note = f"mapped in SQL, {set_aside} set aside"
    else:
        sys.exit(f"duckdb_csv.py: mode must be plain or mapped, not {mode}")
    connection.execute("CHECKPOINT")
    connection.close()
    seconds = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"DuckDB {duckdb.__version__}: CSV → table, {mode}\t{rows}\trows\t{seconds}\t{rss}\t{note}, {duckdb_threads()} threads")


def duckdb_threads() -> str:
    return str(duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0])


if __name__ == "__main__":
    main()
