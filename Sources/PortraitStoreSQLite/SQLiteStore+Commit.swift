public import PortraitStore
import Foundation
import GRDB
import PortraitCore

extension SQLiteStore {
    /// Commits a batch in one write transaction: records, quarantine, resolved entries and checkpoint together.
    ///
    /// This is the ingest hot path: every statement is prepared once per connection and reused. The write runs on
    /// GRDB's writer queue through its async API, so no cooperative-pool thread waits on SQLite.
    ///
    /// - Throws: `PortraitError.store` naming the file when the batch cannot be written; nothing of it is saved.
    public func commit(_ batch: CommitBatch) async throws -> CommitCounts {
        try await access("save a batch for connector '\(batch.connector)'") {
            guard batch.waitsForDisk else {
                return try await writer.write { db in
                    try Self.apply(batch, at: Date().timeIntervalSince1970, in: db)
                }
            }
            // WAL mode runs with synchronous NORMAL (a commit survives the process, not a power cut); this one
            // commit is synced to disk before it returns. The pragma is per connection, so it is set back at once.
            return try await writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
                var counts = CommitCounts()
                try db.inTransaction {
                    counts = try Self.apply(batch, at: Date().timeIntervalSince1970, in: db)
                    return .commit
                }
                return counts
            }
        }
    }

    private static func apply(_ batch: CommitBatch, at now: Double, in db: Database) throws -> CommitCounts {
        var counts = CommitCounts()
        let connector = batch.connector
        // Records valid now resolve their earlier quarantine entries: one statement per stream, not one per
        // record, and none at all when the connector has nothing in quarantine (most batches).
        let hasQuarantine =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM quarantine WHERE connector = ?)"),
                arguments: [connector]) ?? false
        if hasQuarantine {
            var idsByStream: [String: [String]] = [:]
            for record in batch.records { idsByStream[record.stream, default: []].append(record.sourceID) }
            for key in batch.unchanged { idsByStream[key.stream, default: []].append(key.sourceID) }
            let resolve = BoundStatement(
                try db.cachedStatement(
                    sql: """
                        DELETE FROM quarantine WHERE connector = ? AND stream = ?
                            AND source_id IN (SELECT value FROM json_each(?))
                        """
                ), in: db)
            for (stream, ids) in idsByStream {
                resolve.bind(connector, at: 1)
                resolve.bind(stream, at: 2)
                resolve.bind(Self.idList(ids), at: 3)
                try resolve.execute()
            }
        }

        if !batch.records.isEmpty {
            // Insert first: a new record (every record of a first import) then costs one statement. Only when
            // the key exists is the stored hash read, to tell an update from an unchanged record. Both writes
            // number their parameters alike (?1 connector … ?12 run; the update leaves out ?10, first seen), so one
            // binding serves either.
            let insert = BoundStatement(
                try db.cachedStatement(
                    sql: """
                        INSERT INTO records (connector, stream, source_id, entity, raw, canonical, location, deleted,
                            content_hash, first_seen_at, updated_at, run_id)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                        ON CONFLICT (connector, stream, source_id) DO NOTHING
                        """
                ), in: db)
            let update = BoundStatement(
                try db.cachedStatement(
                    sql: """
                        UPDATE records SET entity = ?4, raw = ?5, canonical = ?6, location = ?7, deleted = ?8,
                            content_hash = ?9, updated_at = ?11, run_id = ?12
                        WHERE connector = ?1 AND stream = ?2 AND source_id = ?3
                        """
                ), in: db)
            let lookup = BoundStatement(
                try db.cachedStatement(
                    sql: "SELECT content_hash FROM records WHERE connector = ? AND stream = ? AND source_id = ?"
                ), in: db)
            /// Binds everything but the raw and canonical texts, which `execute` lends SQLite where they lie (a
            /// copy of each was made per record).
            func bind(_ record: RecordWrite, to statement: BoundStatement) {
                statement.bind(connector, at: 1)
                statement.bind(record.stream, at: 2)
                statement.bind(record.sourceID, at: 3)
                statement.bind(record.entity.rawValue, at: 4)
                statement.bind(record.location, at: 7)
                statement.bind(record.isDeletion, at: 8)
                statement.bind(record.contentHash, at: 9)
                statement.bind(now, at: 10)
                statement.bind(now, at: 11)
                statement.bind(batch.runID, at: 12)
            }
            func execute(_ statement: BoundStatement, texts record: RecordWrite) throws {
                var raw = record.rawText
                var canonical = record.canonicalText
                try raw.withUTF8 { raw in
                    try canonical.withUTF8 { canonical in
                        statement.bindInPlace(raw, at: 5)
                        statement.bindInPlace(canonical, at: 6)
                        try statement.execute()
                    }
                }
            }
            // Through a buffer pointer: `for record in batch.records` copies each record, retaining its seven
            // strings, only to bind them.
            try batch.records.withUnsafeBufferPointer { records in
                for index in records.indices {
                    bind(records[index], to: insert)
                    try execute(insert, texts: records[index])
                    if insert.changes == 1 {
                        counts.new += 1
                        continue
                    }
                    lookup.bind(connector, at: 1)
                    lookup.bind(records[index].stream, at: 2)
                    lookup.bind(records[index].sourceID, at: 3)
                    if try lookup.firstText() == records[index].contentHash {
                        counts.unchanged += 1
                    } else {
                        bind(records[index], to: update)
                        try execute(update, texts: records[index])
                        counts.updated += 1
                    }
                }
            }
        }

        counts.unchanged += batch.unchanged.count

        if !batch.quarantine.isEmpty {
            // Two unique keys (see the schema): by source id when known, else by location. A repeat failure
            // refreshes the entry; `attempts` counts runs, so a repeat within the same run does not add one.
            let refresh = """
                DO UPDATE SET location = excluded.location, raw = excluded.raw, reasons = excluded.reasons,
                    source_text = excluded.source_text, last_seen_at = excluded.last_seen_at,
                    attempts = attempts + (CASE WHEN run_id IS NOT NULL AND run_id = excluded.run_id THEN 0 ELSE 1 END),
                    run_id = excluded.run_id
                """
            let columns = """
                INSERT INTO quarantine (connector, stream, source_id, location, raw, reasons, source_text,
                    first_seen_at, last_seen_at, attempts, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """
            let bySourceID = try db.cachedStatement(
                sql: columns + " ON CONFLICT (connector, stream, source_id) WHERE source_id IS NOT NULL " + refresh
            )
            let byLocation = try db.cachedStatement(
                sql: columns + " ON CONFLICT (connector, stream, location) WHERE source_id IS NULL " + refresh
            )
            for entry in batch.quarantine {
                let reasons = JSONValue.array(entry.reasons.map(JSONValue.string)).canonicalText
                let statement = entry.sourceID == nil ? byLocation : bySourceID
                try statement.execute(arguments: [
                    connector, entry.stream, entry.sourceID, entry.location, entry.raw.canonicalText, reasons,
                    entry.sourceText, now, now, batch.runID,
                ])
                counts.quarantined += 1
            }
        }

        if !batch.resolvedQuarantine.isEmpty {
            let delete = try db.cachedStatement(sql: "DELETE FROM quarantine WHERE id = ? AND connector = ?")
            for id in batch.resolvedQuarantine {
                try delete.execute(arguments: [id, connector])
            }
        }

        if let checkpoint = batch.checkpoint {
            try db.cachedStatement(
                sql: """
                    INSERT INTO checkpoints (connector, state, updated_at, run_id) VALUES (?, ?, ?, ?)
                    ON CONFLICT (connector) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                        run_id = excluded.run_id
                    """
            ).execute(arguments: [connector, checkpoint.value.canonicalText, now, batch.runID])
        }
        return counts
    }
}

extension SQLiteStore {
    /// Ids as the JSON array `json_each` walks, so a statement takes a whole batch of them as one value.
    static func idList(_ ids: [String]) -> String {
        JSONValue.array(ids.map(JSONValue.string)).canonicalText
    }

    /// The stored hashes of the ids in a JSON array: the primary key is probed once per id (an `IN` list; a join
    /// with `json_each` was planned as a scan of the stream per id).
    package static let storedHashesSQL = """
        SELECT source_id, content_hash FROM records
        WHERE connector = ? AND stream = ? AND source_id IN (SELECT value FROM json_each(?))
        """

    /// Whether the stream has any record whose key lies between two ids (SQLite's binary order).
    package static let anyStoredBetweenSQL = """
        SELECT EXISTS (SELECT 1 FROM records WHERE connector = ? AND stream = ? AND source_id BETWEEN ? AND ?)
        """

    /// Looks the keys up in one statement on a reader connection (with WAL it runs beside the writer): SQLite
    /// walks the ids of a JSON array and probes the primary key for each, with no per-id statement round trip.
    ///
    /// First one range probe: when no stored key of the stream lies between the batch's smallest and largest id
    /// (a first import, or a file of new receipt numbers), none of the ids is stored and nothing more is read.
    public func contentHashes(connector: String, stream: String, sourceIDs: [String]) async throws -> [String: String] {
        guard var lowest = sourceIDs.first, var highest = sourceIDs.first else { return [:] }
        for id in sourceIDs.dropFirst() {
            // By UTF-8 bytes, as SQLite's BINARY collation compares (Swift's `<` compares normalised text).
            if id.utf8.lexicographicallyPrecedes(lowest.utf8) { lowest = id }
            if highest.utf8.lexicographicallyPrecedes(id.utf8) { highest = id }
        }
        return try await access("look up stored records of connector '\(connector)'") {
            try await writer.read { [lowest, highest] db in
                let anyStored = try Bool.fetchOne(
                    db.cachedStatement(sql: Self.anyStoredBetweenSQL), arguments: [connector, stream, lowest, highest])
                guard anyStored == true else { return [:] }
                let lookup = try db.cachedStatement(sql: Self.storedHashesSQL)
                let rows = try Row.fetchCursor(lookup, arguments: [connector, stream, Self.idList(sourceIDs)])
                var hashes: [String: String] = [:]
                while let row = try rows.next() {
                    hashes[row[0]] = row[1] as String
                }
                return hashes
            }
        }
    }

    public func hasRecords(connector: String, stream: String) async throws -> Bool {
        try await access("look up stored records of connector '\(connector)'") {
            try await writer.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE connector = ? AND stream = ?)",
                    arguments: [connector, stream]) ?? false
            }
        }
    }
}
