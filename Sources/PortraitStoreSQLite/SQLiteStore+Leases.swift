public import Foundation
import PortraitCore
import GRDB

extension SQLiteStore {
    /// One statement takes a free or expired lease, renews our own, and leaves anyone else's alone: SQLite runs it
    /// under the write lock, so two processes racing for the lease cannot both see it free.
    public func acquireLease(_ name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        let nowSeconds = now.timeIntervalSince1970
        let expiresAt = nowSeconds + Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        return try await access("take the lease '\(name)'") {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                        WHERE leases.expires_at <= ? OR leases.holder = ?
                        """,
                    arguments: [name, holder, expiresAt, nowSeconds, holder]
                )
                return db.changesCount > 0
            }
        }
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        try await access("release the lease '\(name)'") {
            try await writer.write { db in
                try db.execute(
                    sql: "DELETE FROM leases WHERE name = ? AND holder = ?", arguments: [name, holder]
                )
            }
        }
    }

    public func leaseHolder(_ name: String) async throws -> String? {
        try await access("read the lease '\(name)'") {
            try await writer.read { db in
                try String.fetchOne(db, sql: "SELECT holder FROM leases WHERE name = ?", arguments: [name])
            }
        }
    }
}
