import GRDB
import GRDBSQLite

/// A GRDB prepared statement driven through SQLite's C API: values bound one by one, stepped, reset.
///
/// Hand-written for the ingest hot path only. GRDB's `StatementArguments` builds an array of existentials and a
/// `DatabaseValue` per value on every execution; a commit binds twelve values per record, and that was most of
/// the writer's time in a CSV import. Everything else in the store goes through GRDB as usual.
struct BoundStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    init(_ statement: Statement, in db: Database) {
        self.statement = statement
        self.handle = statement.sqliteStatement
        self.connection = db.sqliteConnection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds UTF-8 text; SQLite copies it, so the string may go away before `step()`.
    @inline(__always)
    func bind(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { bytes in
            // A non-null pointer even for "" (a null pointer would bind SQL NULL).
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            _ = base.withMemoryRebound(to: CChar.self, capacity: max(bytes.count, 1)) { chars in
                sqlite3_bind_text(handle, index, chars, Int32(bytes.count), Self.transient)
            }
        }
    }

    /// Binds UTF-8 text that SQLite reads where it lies, without a copy: the bytes must stay valid until the
    /// statement has run (`execute()` inside the closure that lent them).
    @inline(__always)
    func bindInPlace(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        _ = base.withMemoryRebound(to: CChar.self, capacity: max(bytes.count, 1)) { chars in
            sqlite3_bind_text(handle, index, chars, Int32(bytes.count), Self.static)
        }
    }

    @inline(__always)
    func bind(_ value: Double, at index: Int32) { sqlite3_bind_double(handle, index, value) }

    @inline(__always)
    func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    @inline(__always)
    func bindNull(at index: Int32) { sqlite3_bind_null(handle, index) }

    @inline(__always)
    func bind(_ value: Bool, at index: Int32) { sqlite3_bind_int64(handle, index, value ? 1 : 0) }

    /// Runs a statement that returns no rows, then resets it for the next binding.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message, as GRDB would throw it.
    func execute() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Runs a query and returns the first column of its first row as text, or nil when there is no row.
    func firstText() throws -> String? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            guard let text = sqlite3_column_text(handle, 0) else { return nil }
            let count = Int(sqlite3_column_bytes(handle, 0))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        case SQLITE_DONE:
            return nil
        default:
            throw error(code)
        }
    }

    /// Rows the last `execute()` inserted, updated or deleted.
    var changes: Int { Int(sqlite3_changes(connection)) }

    private func error(_ code: Int32) -> DatabaseError {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) }
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
    }

    /// `SQLITE_STATIC`: SQLite reads the bound bytes where they lie, until the statement runs.
    private static let `static`: sqlite3_destructor_type? = nil
    /// `SQLITE_TRANSIENT`: SQLite takes a copy of the bound bytes.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
