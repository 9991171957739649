// The floor under any import into Portrait's SQLite store: prepared-statement inserts of one `records` row per
// record, in C, with no parsing, mapping or hashing at all. Same table (migration v4-records-appended: a rowid
// table with the key in a unique index), same statement (insert-first upsert), batches of 1,024 rows per
// transaction (`SyncRunner.batchSize`), WAL with synchronous=NORMAL, as `portrait sync` writes them. The store
// copies its log back into the database on a thread of its own (`WALCheckpointer`), so the inserts run with
// SQLite's automatic checkpoint off, and the copy at the end is timed apart.
//
// Usage: floor DB ROWS RAW_BYTES CANONICAL_BYTES   (benchmarks/sqlite-floor/run.sh builds and runs it)
#include <sqlite3.h>
#include "records.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: floor DB ROWS RAW_BYTES CANONICAL_BYTES\n");
        return 2;
    }
    const char *path = argv[1];
    int rows = atoi(argv[2]), rawBytes = atoi(argv[3]), canonicalBytes = atoi(argv[4]);
    char *raw = malloc(rawBytes + 1), *canonical = malloc(canonicalBytes + 1);
    memset(raw, 'r', rawBytes);
    memset(canonical, 'c', canonicalBytes);
    unlink(path);
    sqlite3 *db = openStore(path);
    check(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;",
              0, 0, 0),
        db, "pragma");
    check(sqlite3_exec(db, recordsTable, 0, 0, 0), db, "schema");
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db, recordsInsert, -1, &insert, 0), db, "prepare");
    char id[32], location[64];
    double start = now();
    for (int first = 0; first < rows; first += 1024) {
        check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        for (int i = first; i < first + 1024 && i < rows; i++) {
            snprintf(id, sizeof id, "R%08d", i);
            snprintf(location, sizeof location, "drop/pos_0001.csv:%d", i + 2);
            insertRecord(db, insert, "pos", "receipts", id, raw, rawBytes, canonical, canonicalBytes, location);
        }
        check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    }
    double seconds = now() - start;
    double checkpointStart = now();
    check(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", 0, 0, 0), db, "checkpoint");
    double checkpoint = now() - checkpointStart;
    printf("sqlite floor: %d rows of %d + %d bytes in %.2f s = %.0f rows/s (then the log copied back in %.2f s)\n",
        rows, rawBytes, canonicalBytes, seconds, rows / seconds, checkpoint);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return 0;
}
