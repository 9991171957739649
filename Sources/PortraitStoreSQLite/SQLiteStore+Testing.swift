package import Foundation
import GRDB
package import PortraitProfiles
import PortraitCore

// Hooks for this package's tests: they put a store into states Portrait itself never writes (a schema from a
// newer version, a lock held by another process). Not public API.

extension SQLiteStore {
    /// Runs raw SQL in one transaction.
    package func executeForTesting(_ sql: String) async throws {
        try await writer.write { db in try db.execute(sql: sql) }
    }

    /// Appends events to the change feed as the profile engine would, and returns their ids (webhook tests).
    package func appendChangesForTesting(_ changes: [ProfileChange]) async throws -> [Int64] {
        try await writer.write { db in
            try changes.map { change in
                try db.execute(
                    sql: "INSERT INTO profile_changes (at, type, profile_id, other_id, segment, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        change.at.timeIntervalSince1970, change.kind.rawValue, change.profile, change.other, change.segment,
                        change.detail.canonicalText,
                    ])
                return db.lastInsertedRowID
            }
        }
    }

    /// A pragma's value as the writer connection has it (`synchronous`), as text.
    package func writerPragmaForTesting(_ name: String) async throws -> String {
        try await writer.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA \(name)") ?? ""
        }
    }

    /// Column `column` of every row `sql` returns, as text (an `EXPLAIN QUERY PLAN` step is in column 3).
    package func textsForTesting(_ sql: String, arguments: [String] = [], column: Int = 0) async throws -> [String] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { ($0[column] as String?) ?? "" }
        }
    }
}

/// Another connection holding the write lock on a store file, as another `portrait` process would mid-sync.
package final class StoreWriteLockForTesting: Sendable {
    private let queue: DatabaseQueue

    /// Opens `path` and takes the write lock until ``release()``.
    package init(path: URL) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // The transaction deliberately outlives the access.
        queue = try DatabaseQueue(path: path.path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    }

    package func release() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        try queue.close()
    }
}
