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
        // Resolving quarantine entries costs an index probe per record; most batches have none to resolve.
        let hasQuarantine =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM quarantine WHERE connector = ?)"),
                arguments: [connector]) ?? false
        let resolve = try db.cachedStatement(
            sql: "DELETE FROM quarantine WHERE connector = ? AND stream = ? AND source_id = ?"
        )

        if !batch.records.isEmpty {
            let lookup = try db.cachedStatement(
                sql: "SELECT content_hash FROM records WHERE connector = ? AND stream = ? AND source_id = ?"
            )
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO records (connector, stream, source_id, entity, raw, canonical, location, deleted,
                        content_hash, first_seen_at, updated_at, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            let update = try db.cachedStatement(
                sql: """
                    UPDATE records SET entity = ?, raw = ?, canonical = ?, location = ?, deleted = ?,
                        content_hash = ?, updated_at = ?, run_id = ?
                    WHERE connector = ? AND stream = ? AND source_id = ?
                    """
            )
            for record in batch.records {
                let key: StatementArguments = [connector, record.stream, record.sourceID]
                switch try String.fetchOne(lookup, arguments: key) {
                case nil:
                    try insert.execute(arguments: [
                        connector, record.stream, record.sourceID, record.entity.rawValue, record.rawText,
                        record.canonicalText, record.location, record.isDeletion, record.contentHash, now,
                        now, batch.runID,
                    ])
                    counts.new += 1
                case record.contentHash?:
                    counts.unchanged += 1
                default:
                    try update.execute(
                        arguments: [
                            record.entity.rawValue, record.rawText, record.canonicalText,
                            record.location, record.isDeletion, record.contentHash, now, batch.runID,
                        ] + key
                    )
                    counts.updated += 1
                }
                // The record is valid now, so an earlier failure of it is no longer news.
                if hasQuarantine { try resolve.execute(arguments: key) }
            }
        }

        counts.unchanged += batch.unchanged.count
        if hasQuarantine {
            for key in batch.unchanged {
                try resolve.execute(arguments: [connector, key.stream, key.sourceID])
            }
        }

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
    /// Looks the keys up one by one with a prepared statement on a reader connection: with WAL this runs beside
    /// the writer, and a primary-key probe per id is faster than building one large `IN (…)` list.
    public func contentHashes(connector: String, stream: String, sourceIDs: [String]) async throws -> [String: String] {
        guard !sourceIDs.isEmpty else { return [:] }
        return try await access("look up stored records of connector '\(connector)'") {
            try await writer.read { db in
                let lookup = try db.cachedStatement(
                    sql: "SELECT content_hash FROM records WHERE connector = ? AND stream = ? AND source_id = ?"
                )
                var hashes: [String: String] = [:]
                for sourceID in sourceIDs {
                    if let hash = try String.fetchOne(lookup, arguments: [connector, stream, sourceID]) {
                        hashes[sourceID] = hash
                    }
                }
                return hashes
            }
        }
    }
}
