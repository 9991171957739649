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
            try await writer.write { db in
                try Self.apply(batch, at: Date().timeIntervalSince1970, in: db)
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
            var idsByStream: [String: [JSONValue]] = [:]
            for record in batch.records { idsByStream[record.stream, default: []].append(.string(record.sourceID)) }
            for key in batch.unchanged { idsByStream[key.stream, default: []].append(.string(key.sourceID)) }
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
                resolve.bind(JSONValue.array(ids).canonicalText, at: 3)
                try resolve.execute()
            }
        }

        if !batch.records.isEmpty {
            // Insert first: a new record (every record of a first import) then costs one statement. Only when
            // the key exists is the stored hash read, to tell an update from an unchanged record.
            let insert = BoundStatement(
                try db.cachedStatement(
                    sql: """
                        INSERT INTO records (connector, stream, source_id, entity, raw, canonical, location, deleted,
                            content_hash, first_seen_at, updated_at, run_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (connector, stream, source_id) DO NOTHING
                        """
                ), in: db)
            let lookup = BoundStatement(
                try db.cachedStatement(
                    sql: "SELECT content_hash FROM records WHERE connector = ? AND stream = ? AND source_id = ?"
                ), in: db)
            let update = BoundStatement(
                try db.cachedStatement(
                    sql: """
                        UPDATE records SET entity = ?, raw = ?, canonical = ?, location = ?, deleted = ?,
                            content_hash = ?, updated_at = ?, run_id = ?
                        WHERE connector = ? AND stream = ? AND source_id = ?
                        """
                ), in: db)
            for record in batch.records {
                insert.bind(connector, at: 1)
                insert.bind(record.stream, at: 2)
                insert.bind(record.sourceID, at: 3)
                insert.bind(record.entity.rawValue, at: 4)
                insert.bind(record.rawText, at: 5)
                insert.bind(record.canonicalText, at: 6)
                insert.bind(record.location, at: 7)
                insert.bind(record.isDeletion, at: 8)
                insert.bind(record.contentHash, at: 9)
                insert.bind(now, at: 10)
                insert.bind(now, at: 11)
                insert.bind(batch.runID, at: 12)
                try insert.execute()
                if insert.changes == 1 {
                    counts.new += 1
                } else {
                    lookup.bind(connector, at: 1)
                    lookup.bind(record.stream, at: 2)
                    lookup.bind(record.sourceID, at: 3)
                    if try lookup.firstText() == record.contentHash {
                        counts.unchanged += 1
                    } else {
                        update.bind(record.entity.rawValue, at: 1)
                        update.bind(record.rawText, at: 2)
                        update.bind(record.canonicalText, at: 3)
                        update.bind(record.location, at: 4)
                        update.bind(record.isDeletion, at: 5)
                        update.bind(record.contentHash, at: 6)
                        update.bind(now, at: 7)
                        update.bind(batch.runID, at: 8)
                        update.bind(connector, at: 9)
                        update.bind(record.stream, at: 10)
                        update.bind(record.sourceID, at: 11)
                        try update.execute()
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
        let ids = JSONValue.array(sourceIDs.map(JSONValue.string)).canonicalText
        return try await access("look up stored records of connector '\(connector)'") {
            try await writer.read { [lowest, highest] db in
                let anyStored = try Bool.fetchOne(
                    db.cachedStatement(sql: Self.anyStoredBetweenSQL), arguments: [connector, stream, lowest, highest])
                guard anyStored == true else { return [:] }
                let lookup = try db.cachedStatement(sql: Self.storedHashesSQL)
                var hashes: [String: String] = [:]
                let rows = try Row.fetchCursor(lookup, arguments: [connector, stream, ids])
                while let row = try rows.next() {
                    hashes[row[0]] = row[1] as String
                }
                return hashes
            }
        }
    }
}
