// What both C floors share (sqlite-floor/floor.c, xml-floor/floor.c): the clock, error checks, a connection, and
// the store's records table, insert statement and one row's insert as `portrait sync` has them (migration
// v4-records-appended: a rowid table with the key in a unique index; an insert-first upsert).
#ifndef PORTRAIT_FLOOR_RECORDS_H
#define PORTRAIT_FLOOR_RECORDS_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

/// A connection to `path` that waits for a lock held for a moment, as the store's connections do.
static sqlite3 *openStore(const char *path) {
    sqlite3 *db;
    check(sqlite3_open(path, &db), db, "open");
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static const char *const recordsTable =
    "CREATE TABLE records (connector TEXT NOT NULL CHECK (connector <> ''), stream TEXT NOT NULL CHECK "
    "(stream <> ''), source_id TEXT NOT NULL CHECK (source_id <> ''), entity TEXT NOT NULL, raw TEXT NOT "
    "NULL, canonical TEXT NOT NULL, location TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0 CHECK "
    "(deleted IN (0, 1)), content_hash TEXT NOT NULL, profile_id TEXT, first_seen_at REAL NOT NULL, "
    "updated_at REAL NOT NULL, run_id INTEGER, UNIQUE (connector, stream, source_id));"
    "CREATE INDEX records_by_profile ON records(profile_id) WHERE profile_id IS NOT NULL;";

static const char *const recordsInsert =
    "INSERT INTO records (connector, stream, source_id, entity, raw, canonical, location, deleted, "
    "content_hash, first_seen_at, updated_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (connector, stream, source_id) DO NOTHING";

/// Inserts one row with `recordsInsert`: the texts bound where they lie, a fixed content hash and times.
static void insertRecord(sqlite3 *db, sqlite3_stmt *insert, const char *connector, const char *stream,
    const char *id, const char *raw, int rawBytes, const char *canonical, int canonicalBytes, const char *location) {
    static const char *const hash = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
    sqlite3_bind_text(insert, 1, connector, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, stream, -1, SQLITE_STATIC);
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

#endif
