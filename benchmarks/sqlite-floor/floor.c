// The floor under any import into Portrait's SQLite store: prepared-statement inserts of one `records` row per
// record, in C, with no parsing, mapping or hashing at all. Same table (migration v4-records-appended: a rowid
// table with the key in a unique index), same statement (insert-first upsert), batches of 1,024 rows per
// transaction (`SyncRunner.batchSize`), WAL with synchronous=NORMAL, as `portrait sync` writes them. The store
// copies its log back into the database on a thread of its own (`WALCheckpointer`), so the inserts run with
// SQLite's automatic checkpoint off, and the copy at the end is timed apart.
//
// Usage: floor DB ROWS RAW_BYTES CANONICAL_BYTES   (benchmarks/sqlite-floor/run.sh builds and runs it)
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void check(int code, sqlite3 *db, const char *what) {
    if (code != SQLITE_OK && code != SQLITE_DONE && code != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

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
    sqlite3 *db;
    check(sqlite3_open(path, &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;",
              0, 0, 0),
        db, "pragma");
    // The records table as migration v4-records-appended creates it.
    check(sqlite3_exec(db,
              "CREATE TABLE records (connector TEXT NOT NULL CHECK (connector <> ''), stream TEXT NOT NULL CHECK "
              "(stream <> ''), source_id TEXT NOT NULL CHECK (source_id <> ''), entity TEXT NOT NULL, raw TEXT NOT "
              "NULL, canonical TEXT NOT NULL, location TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0 CHECK "
              "(deleted IN (0, 1)), content_hash TEXT NOT NULL, profile_id TEXT, first_seen_at REAL NOT NULL, "
              "updated_at REAL NOT NULL, run_id INTEGER, UNIQUE (connector, stream, source_id));"
              "CREATE INDEX records_by_profile ON records(profile_id) WHERE profile_id IS NOT NULL;",
              0, 0, 0),
        db, "schema");
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db,
              "INSERT INTO records (connector, stream, source_id, entity, raw, canonical, location, deleted, "
              "content_hash, first_seen_at, updated_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (connector, stream, source_id) DO NOTHING",
              -1, &insert, 0),
        db, "prepare");
    const char *hash = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
    char id[32], location[64];
    double start = now();
    for (int first = 0; first < rows; first += 1024) {
        check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        for (int i = first; i < first + 1024 && i < rows; i++) {
            snprintf(id, sizeof id, "R%08d", i);
            snprintf(location, sizeof location, "drop/pos_0001.csv:%d", i + 2);
            sqlite3_bind_text(insert, 1, "pos", 3, SQLITE_STATIC);
            sqlite3_bind_text(insert, 2, "receipts", 8, SQLITE_STATIC);
            sqlite3_bind_text(insert, 3, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(insert, 4, "order", 5, SQLITE_STATIC);
            sqlite3_bind_text(insert, 5, raw, rawBytes, SQLITE_STATIC);
            sqlite3_bind_text(insert, 6, canonical, canonicalBytes, SQLITE_STATIC);
            sqlite3_bind_text(insert, 7, location, -1, SQLITE_STATIC);
            sqlite3_bind_int(insert, 8, 0);
            sqlite3_bind_text(insert, 9, hash, 64, SQLITE_STATIC);
            sqlite3_bind_double(insert, 10, 1.0);
            sqlite3_bind_double(insert, 11, 1.0);
            sqlite3_bind_int(insert, 12, 1);
            check(sqlite3_step(insert), db, "insert");
            sqlite3_reset(insert);
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
