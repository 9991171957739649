public import Foundation
public import PortraitCore
public import PortraitStore
import GRDB

extension SQLiteStore {
    public func startRun(connector: String, startedAt: Date) async throws -> Int64 {
        try await access("record the start of a run for connector '\(connector)'") {
            try await writer.write { db in
                try db.execute(
                    sql: "INSERT INTO sync_runs (connector, status, started_at) VALUES (?, ?, ?)",
                    arguments: [connector, RunStatus.running.rawValue, startedAt.timeIntervalSince1970]
                )
                return db.lastInsertedRowID
            }
        }
    }

    /// - Throws: `PortraitError.notFound` when there is no run `runID`.
    public func finishRun(_ runID: Int64, outcome: RunOutcome) async throws {
        let location = self.location
        try await access("record the end of run \(runID)") {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        UPDATE sync_runs SET status = ?, finished_at = ?, "read" = ?, "new" = ?, "updated" = ?,
                            "unchanged" = ?, quarantined = ?, warnings = ?, error = ?, parts = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        outcome.status.rawValue, outcome.finishedAt.timeIntervalSince1970, outcome.read,
                        outcome.counts.new, outcome.counts.updated, outcome.counts.unchanged,
                        outcome.counts.quarantined, outcome.warnings, outcome.error,
                        outcome.parts.isEmpty ? nil : Rows.partsText(outcome.parts), runID,
                    ]
                )
                if db.changesCount == 0 {
                    throw PortraitError.notFound("there is no sync run \(runID) in \(location).")
                }
            }
        }
    }

    public func checkpoint(connector: String) async throws -> ConnectorState? {
        let location = self.location
        return try await access("read the checkpoint of connector '\(connector)'") {
            try await writer.read { db in
                guard let text = try String.fetchOne(
                    db, sql: "SELECT state FROM checkpoints WHERE connector = ?", arguments: [connector]
                ) else { return nil }
                return ConnectorState(try Rows.json(text, "the checkpoint of connector '\(connector)'", location))
            }
        }
    }

    public func resetCheckpoint(connector: String) async throws {
        try await access("reset the checkpoint of connector '\(connector)'") {
            try await writer.write { db in
                try db.execute(sql: "DELETE FROM checkpoints WHERE connector = ?", arguments: [connector])
            }
        }
    }

    public func runs(connector: String?, limit: Int) async throws -> [RunRecord] {
        let location = self.location
        return try await access("read the run history") {
            try await writer.read { db in
                let rows: [Row]
                if let connector {
                    rows = try Row.fetchAll(
                        db, sql: "SELECT * FROM sync_runs WHERE connector = ? ORDER BY id DESC LIMIT ?",
                        arguments: [connector, max(limit, 0)]
                    )
                } else {
                    rows = try Row.fetchAll(
                        db, sql: "SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?", arguments: [max(limit, 0)]
                    )
                }
                return try rows.map { try Rows.run($0, location) }
            }
        }
    }

    /// Totals for every connector that has records, quarantine entries or runs, ordered by connector name.
    public func connectorTotals() async throws -> [ConnectorTotals] {
        let location = self.location
        return try await access("read the connector totals") {
            try await writer.read { db in
                var totals: [String: ConnectorTotals] = [:]
                func entry(_ connector: String) -> ConnectorTotals {
                    totals[connector] ?? ConnectorTotals(
                        connector: connector, records: 0, deleted: 0, quarantined: 0, lastRun: nil
                    )
                }
                let records = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT connector, SUM(deleted = 0) AS live, SUM(deleted = 1) AS deleted
                        FROM records GROUP BY connector
                        """
                )
                while let row = try records.next() {
                    var total = entry(row["connector"])
                    total.records = row["live"]
                    total.deleted = row["deleted"]
                    totals[total.connector] = total
                }
                let quarantine = try Row.fetchCursor(
                    db, sql: "SELECT connector, COUNT(*) AS entries FROM quarantine GROUP BY connector"
                )
                while let row = try quarantine.next() {
                    var total = entry(row["connector"])
                    total.quarantined = row["entries"]
                    totals[total.connector] = total
                }
                let lastRuns = try Row.fetchCursor(
                    db,
                    sql: "SELECT * FROM sync_runs WHERE id IN (SELECT MAX(id) FROM sync_runs GROUP BY connector)"
                )
                while let row = try lastRuns.next() {
                    let run = try Rows.run(row, location)
                    var total = entry(run.connector)
                    total.lastRun = run
                    totals[total.connector] = total
                }
                return totals.values.sorted { $0.connector < $1.connector }
            }
        }
    }
}
