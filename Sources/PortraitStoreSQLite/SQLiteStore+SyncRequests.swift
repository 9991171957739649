public import Foundation
public import PortraitStore
import GRDB

/// Requests that a running service sync a connector now (migration `v7-sync-requests`).
extension SQLiteStore {
    public func fileSyncRequest(connector: String, full: Bool, now: Date) async throws -> Int64 {
        try await access("file a sync request for connector '\(connector)'") {
            try await writer.write { db in
                try db.execute(
                    sql: "INSERT INTO sync_requests (connector, full, requested_at) VALUES (?, ?, ?)",
                    arguments: [connector, full, now.timeIntervalSince1970]
                )
                return db.lastInsertedRowID
            }
        }
    }

    public func untakenSyncRequests() async throws -> [SyncRequest] {
        try await access("read the sync requests") {
            try await writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM sync_requests WHERE taken_by IS NULL ORDER BY id")
                    .map(Self.syncRequest)
            }
        }
    }

    public func takeSyncRequests(ids: [Int64], holder: String, now: Date) async throws -> [SyncRequest] {
        guard !ids.isEmpty else { return [] }
        return try await access("take sync requests") {
            try await writer.write { db in
                var taken: [SyncRequest] = []
                for id in ids {
                    // One statement per request: it is taken only while untaken, so of two services one wins.
                    try db.execute(
                        sql: "UPDATE sync_requests SET taken_by = ?, taken_at = ? WHERE id = ? AND taken_by IS NULL",
                        arguments: [holder, now.timeIntervalSince1970, id]
                    )
                    guard db.changesCount > 0,
                        let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_requests WHERE id = ?", arguments: [id])
                    else { continue }
                    taken.append(Self.syncRequest(row))
                }
                return taken
            }
        }
    }

    public func answerSyncRequests(ids: [Int64], runID: Int64?, error: String?, now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await access("answer sync requests") {
            try await writer.write { db in
                for id in ids {
                    try db.execute(
                        sql: "UPDATE sync_requests SET run_id = ?, error = ?, answered_at = ? WHERE id = ?",
                        arguments: [runID, error, now.timeIntervalSince1970, id]
                    )
                }
            }
        }
    }

    public func releaseSyncRequests(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await access("give sync requests back") {
            try await writer.write { db in
                for id in ids {
                    try db.execute(
                        sql: """
                            UPDATE sync_requests SET taken_by = NULL, taken_at = NULL
                            WHERE id = ? AND answered_at IS NULL
                            """,
                        arguments: [id]
                    )
                }
            }
        }
    }

    public func syncRequest(id: Int64) async throws -> SyncRequest? {
        try await access("read sync request \(id)") {
            try await writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM sync_requests WHERE id = ?", arguments: [id])
                    .map(Self.syncRequest)
            }
        }
    }

    public func withdrawSyncRequest(id: Int64) async throws -> Bool {
        try await access("withdraw sync request \(id)") {
            try await writer.write { db in
                try db.execute(
                    sql: "DELETE FROM sync_requests WHERE id = ? AND (taken_by IS NULL OR answered_at IS NOT NULL)",
                    arguments: [id]
                )
                let left = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sync_requests WHERE id = ?", arguments: [id])
                return left == 0
            }
        }
    }

    private static func syncRequest(_ row: Row) -> SyncRequest {
        SyncRequest(
            id: row["id"], connector: row["connector"], full: row["full"],
            requestedAt: Date(timeIntervalSince1970: row["requested_at"]), takenBy: row["taken_by"],
            takenAt: (row["taken_at"] as Double?).map(Date.init(timeIntervalSince1970:)), runID: row["run_id"],
            answeredAt: (row["answered_at"] as Double?).map(Date.init(timeIntervalSince1970:)), error: row["error"])
    }
}
