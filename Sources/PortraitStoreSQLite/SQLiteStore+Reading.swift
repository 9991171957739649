public import PortraitStore
import Foundation
import GRDB
import PortraitCore

extension SQLiteStore {
    /// Rows per page when streaming. Bounds memory, and keeps `body` off the database connection.
    static let pageSize = 500

    public func quarantineEntries(connector: String?, limit: Int) async throws -> [QuarantineEntry] {
        let location = self.location
        return try await access("read the quarantine") {
            try await writer.read { db in
                let rows: [Row]
                if let connector {
                    rows = try Row.fetchAll(
                        db, sql: "SELECT * FROM quarantine WHERE connector = ? ORDER BY id LIMIT ?",
                        arguments: [connector, max(limit, 0)]
                    )
                } else {
                    rows = try Row.fetchAll(
                        db, sql: "SELECT * FROM quarantine ORDER BY id LIMIT ?", arguments: [max(limit, 0)]
                    )
                }
                return try rows.map { try Rows.quarantineEntry($0, location) }
            }
        }
    }

    public func quarantineEntry(id: Int64) async throws -> QuarantineEntry? {
        let location = self.location
        return try await access("read quarantine entry \(id)") {
            try await writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [id])
                    .map { try Rows.quarantineEntry($0, location) }
            }
        }
    }

    /// Streams records in key order, a page at a time.
    ///
    /// Each page is read through a cursor and decoded on GRDB's reader queue; `body` runs between pages, on the
    /// caller's task, so it never holds the connection. Pages continue after the last key seen (keyset paging),
    /// so a concurrent write neither repeats nor skips a record that exists throughout.
    public func forEachRecord(connector: String?, _ body: (StoredRecord) throws -> Void) async throws {
        let location = self.location
        var after: (stream: String, sourceID: String, connector: String)?
        while true {
            let key = after
            let page = try await access("read records") {
                try await writer.read { db in
                    // Each shape is a range search on the primary key; no page rescans the rows before it.
                    let sql: String
                    var arguments: StatementArguments
                    switch (connector, key) {
                    case (nil, nil):
                        sql = "SELECT * FROM records ORDER BY connector, stream, source_id LIMIT ?"
                        arguments = []
                    case (nil, let key?):
                        sql = """
                            SELECT * FROM records WHERE (connector, stream, source_id) > (?, ?, ?)
                            ORDER BY connector, stream, source_id LIMIT ?
                            """
                        arguments = [key.connector, key.stream, key.sourceID]
                    case (let connector?, nil):
                        sql = "SELECT * FROM records WHERE connector = ? ORDER BY stream, source_id LIMIT ?"
                        arguments = [connector]
                    case (let connector?, let key?):
                        sql = """
                            SELECT * FROM records WHERE connector = ? AND (stream, source_id) > (?, ?)
                            ORDER BY stream, source_id LIMIT ?
                            """
                        arguments = [connector, key.stream, key.sourceID]
                    }
                    arguments += [Self.pageSize]
                    let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
                    var page: [StoredRecord] = []
                    while let row = try cursor.next() { page.append(try Rows.record(row, location)) }
                    return page
                }
            }
            for record in page { try body(record) }
            guard page.count == Self.pageSize, let last = page.last else { return }
            after = (last.stream, last.sourceID, last.connector)
        }
    }

    /// Streams one identity row per stored record that is not deleted, in key order; `profileID` is nil until
    /// identity resolution has placed the record.
    public func forEachIdentity(_ body: (IdentityRow) throws -> Void) async throws {
        var after: IdentityRow?
        while true {
            let key = after
            let page = try await access("read identities") {
                try await writer.read { db in
                    var sql = "SELECT connector, stream, source_id, profile_id FROM records WHERE deleted = 0"
                    var arguments: StatementArguments = []
                    if let key {
                        sql += " AND (connector, stream, source_id) > (?, ?, ?)"
                        arguments += [key.connector, key.stream, key.sourceID]
                    }
                    sql += " ORDER BY connector, stream, source_id LIMIT ?"
                    arguments += [Self.pageSize]
                    let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
                    var page: [IdentityRow] = []
                    while let row = try cursor.next() {
                        page.append(
                            IdentityRow(
                                connector: row["connector"], stream: row["stream"], sourceID: row["source_id"],
                                profileID: row["profile_id"]
                            )
                        )
                    }
                    return page
                }
            }
            for identity in page { try body(identity) }
            guard page.count == Self.pageSize, let last = page.last else { return }
            after = last
        }
    }
}
