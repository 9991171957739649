package import Foundation
import GRDB

// Hooks for this package's tests: they put a store into states Portrait itself never writes (a schema from a
// newer version, a lock held by another process). Not public API.

extension SQLiteStore {
    /// Runs raw SQL in one transaction.
    package func executeForTesting(_ sql: String) async throws {
        try await writer.write { db in try db.execute(sql: sql) }
    }

    /// The first column of every row `sql` returns, as text (`EXPLAIN QUERY PLAN …` gives the plan's steps in
    /// its fourth column: use `SELECT detail FROM …` shapes, or read `sqlite_master`).
    package func textsForTesting(_ sql: String, arguments: [String] = []) async throws -> [String] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                row.hasColumn("detail") ? row["detail"] as String : (row[0] as String?) ?? ""
            }
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
