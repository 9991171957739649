public import Foundation
public import PortraitStore
import GRDB

/// Webhook cursors and the delivery log (migration `v9-webhooks`).
extension SQLiteStore: WebhookStore {
    public func webhookCursor(_ webhook: String) async throws -> Int64? {
        try await access("read the cursor of webhook '\(webhook)'") {
            try await writer.read { db in try Self.cursor(db, webhook) }
        }
    }

    public func moveWebhookCursor(_ webhook: String, from expected: Int64?, to changeID: Int64, now: Date) async throws
        -> Bool
    {
        try await access("move the cursor of webhook '\(webhook)'") {
            try await writer.write { db in
                try Self.move(db, webhook, from: expected, to: changeID, now: now)
            }
        }
    }

    public func enqueueWebhookDelivery(_ webhook: String, changeID: Int64, cursor expected: Int64?, now: Date)
        async throws -> WebhookDelivery?
    {
        try await access("enqueue a delivery for webhook '\(webhook)'") {
            try await writer.write { db in
                guard try Self.move(db, webhook, from: expected, to: changeID, now: now) else { return nil }
                try db.execute(
                    sql: "INSERT INTO webhook_deliveries (webhook, change_id, status) VALUES (?, ?, 'pending')",
                    arguments: [webhook, changeID])
                return WebhookDelivery(id: db.lastInsertedRowID, webhook: webhook, changeID: changeID)
            }
        }
    }

    public func pendingWebhookDeliveries(_ webhook: String, limit: Int) async throws -> [WebhookDelivery] {
        try await access("read the pending deliveries of webhook '\(webhook)'") {
            try await writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM webhook_deliveries WHERE webhook = ? AND status = 'pending'
                        ORDER BY change_id, id LIMIT ?
                        """,
                    arguments: [webhook, limit]
                ).map(Self.delivery)
            }
        }
    }

    public func recordWebhookAttempt(
        id: Int64, status: WebhookDelivery.Status, statusCode: Int?, error: String?, at: Date
    ) async throws {
        let seconds = at.timeIntervalSince1970
        try await access("record a webhook delivery attempt") {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, last_status_code = ?,
                            last_error = ?, first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?,
                            delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
                        WHERE id = ?
                        """,
                    arguments: [status.rawValue, statusCode, error, seconds, seconds, status.rawValue, seconds, id])
            }
        }
    }

    public func webhookDeliveries(_ webhook: String, status: WebhookDelivery.Status?, limit: Int) async throws
        -> [WebhookDelivery]
    {
        try await access("read the deliveries of webhook '\(webhook)'") {
            try await writer.read { db in
                var sql = "SELECT * FROM webhook_deliveries WHERE webhook = ?"
                var arguments: StatementArguments = [webhook]
                if let status {
                    sql += " AND status = ?"
                    arguments += [status.rawValue]
                }
                sql += " ORDER BY id DESC LIMIT ?"
                arguments += [limit]
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.delivery)
            }
        }
    }

    public func webhookDeliveryCounts() async throws -> [String: [WebhookDelivery.Status: Int]] {
        try await access("count webhook deliveries") {
            try await writer.read { db in
                var counts: [String: [WebhookDelivery.Status: Int]] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT webhook, status, COUNT(*) FROM webhook_deliveries GROUP BY webhook, status")
                {
                    guard let status = WebhookDelivery.Status(rawValue: row[1]) else { continue }
                    counts[row[0], default: [:]][status] = row[2]
                }
                return counts
            }
        }
    }

    public func requeueDeadWebhookDeliveries(_ webhook: String, now: Date) async throws -> Int {
        try await access("requeue the dead letters of webhook '\(webhook)'") {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        UPDATE webhook_deliveries SET status = 'pending', attempts = 0, delivered_at = NULL
                        WHERE webhook = ? AND status = 'dead'
                        """,
                    arguments: [webhook])
                return db.changesCount
            }
        }
    }

    public func rewindWebhook(_ webhook: String, toChange changeID: Int64, now: Date) async throws {
        let cursor = max(changeID - 1, 0)
        try await access("rewind webhook '\(webhook)'") {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO webhook_cursors (webhook, change_id, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT(webhook) DO UPDATE SET change_id = excluded.change_id, updated_at = excluded.updated_at
                        """,
                    arguments: [webhook, cursor, now.timeIntervalSince1970])
                try db.execute(
                    sql: "DELETE FROM webhook_deliveries WHERE webhook = ? AND status = 'pending' AND change_id > ?",
                    arguments: [webhook, cursor])
            }
        }
    }

    public func latestChangeID() async throws -> Int64 {
        try await access("read the change feed") {
            try await writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM profile_changes") ?? 0
            }
        }
    }

    private static func cursor(_ db: Database, _ webhook: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT change_id FROM webhook_cursors WHERE webhook = ?", arguments: [webhook])
    }

    /// Compare-and-set of the cursor, inside the caller's transaction.
    private static func move(_ db: Database, _ webhook: String, from expected: Int64?, to changeID: Int64, now: Date)
        throws -> Bool
    {
        guard try cursor(db, webhook) == expected else { return false }
        try db.execute(
            sql: """
                INSERT INTO webhook_cursors (webhook, change_id, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(webhook) DO UPDATE SET change_id = excluded.change_id, updated_at = excluded.updated_at
                """,
            arguments: [webhook, changeID, now.timeIntervalSince1970])
        return true
    }

    private static func delivery(_ row: Row) -> WebhookDelivery {
        func date(_ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
        return WebhookDelivery(
            id: row["id"], webhook: row["webhook"], changeID: row["change_id"], attempts: row["attempts"],
            status: WebhookDelivery.Status(rawValue: row["status"]) ?? .pending,
            lastStatusCode: row["last_status_code"],
            lastError: row["last_error"], firstAttemptAt: date("first_attempt_at"),
            lastAttemptAt: date("last_attempt_at"),
            deliveredAt: date("delivered_at"))
    }
}
