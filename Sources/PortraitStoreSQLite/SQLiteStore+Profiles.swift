public import Foundation
public import PortraitCore
public import PortraitProfiles
import GRDB
import GRDBSQLite

/// The profile engine's tables (migration `v8-profiles`, plus `profile_fields`, built for the engine's layout).
extension SQLiteStore: ProfileStore {
    /// A JSON array of strings, bound as one value and read with `json_each`.
    static func textList(_ values: some Sequence<String>) -> String {
        JSONValue.array(values.map(JSONValue.string)).canonicalText
    }

    static func sourceRecord(_ row: Row, location: String) throws -> ProfileSourceRecord {
        let entityName: String = row[2]
        guard let entity = Entity(rawValue: entityName) else {
            throw PortraitError.store("record \(row[0] as Int64) in \(location) has an unknown entity '\(entityName)'")
        }
        return ProfileSourceRecord(
            recordID: row[0], connector: row[1], entity: entity, canonicalText: row[3], updatedAt: row[4])
    }

    public func forEachProfileBatch(
        batchSize: Int, _ body: ([(profile: String, records: [ProfileSourceRecord])]) async throws -> Void
    ) async throws {
        let location = self.location
        var after = ""
        while true {
            let start = after
            let (batch, last) = try await access("read the records of profiles") {
                try await writer.read { db -> ([(profile: String, records: [ProfileSourceRecord])], String?) in
                    // The batch's last profile first (an index-only scan), then its records by the same index.
                    let ids = try String.fetchAll(
                        db,
                        sql: """
                            SELECT DISTINCT profile_id FROM records WHERE profile_id > ? ORDER BY profile_id LIMIT ?
                            """,
                        arguments: [start, batchSize])
                    guard let last = ids.last else { return ([], nil) }
                    let cursor = try Row.fetchCursor(
                        db.cachedStatement(
                            sql: """
                                SELECT rowid, connector, entity, canonical, updated_at, profile_id FROM records
                                WHERE profile_id > ? AND profile_id <= ? AND deleted = 0 ORDER BY profile_id
                                """),
                        arguments: [start, last])
                    var batch: [(profile: String, records: [ProfileSourceRecord])] = []
                    while let row = try cursor.next() {
                        let profile: String = row[5]
                        let record = try Self.sourceRecord(row, location: location)
                        if batch.last?.profile == profile {
                            batch[batch.count - 1].records.append(record)
                        } else {
                            batch.append((profile, [record]))
                        }
                    }
                    return (batch, last)
                }
            }
            guard let last else { return }
            if !batch.isEmpty { try await body(batch) }
            after = last
        }
    }

    public func records(ofProfiles profiles: [String]) async throws -> [String: [ProfileSourceRecord]] {
        let location = self.location
        return try await access("read the records of profiles") {
            try await writer.read { db in
                var records: [String: [ProfileSourceRecord]] = [:]
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT rowid, connector, entity, canonical, updated_at FROM records
                        WHERE profile_id = ? AND deleted = 0
                        """)
                for profile in Set(profiles) {
                    let rows = try Row.fetchCursor(statement, arguments: [profile])
                    var list: [ProfileSourceRecord] = []
                    while let row = try rows.next() { list.append(try Self.sourceRecord(row, location: location)) }
                    if !list.isEmpty { records[profile] = list }
                }
                return records
            }
        }
    }

    public func dirtyProfiles(limit: Int) async throws -> [DirtyProfile] {
        try await access("read the profiles waiting for an update") {
            try await writer.read { db in
                try Row.fetchAll(db, sql: "SELECT profile_id, mark FROM profile_dirty ORDER BY mark LIMIT ?", arguments: [limit])
                    .map { DirtyProfile(profile: $0[0], mark: $0[1]) }
            }
        }
    }

    public func rebuildQueued() async throws -> Bool {
        try await access("read the profile queue") {
            try await writer.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM profile_dirty WHERE profile_id = ?)",
                    arguments: [DirtyProfile.everyProfile]) ?? false
            }
        }
    }

    public func dirtyMark() async throws -> Int64 {
        try await access("read the profile queue") {
            try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT max(mark) FROM profile_dirty") ?? 0 }
        }
    }

    /// The columns and join that read a profile whole: its row, then its `profile_fields` row (`f.*`) when that
    /// table exists. `p` names the profiles table.
    static func profileSource(_ db: Database) throws -> (columns: String, join: String) {
        let row = "p.id, p.profile, p.version, p.created_at, p.version_at"
        guard try db.tableExists("profile_fields") else { return (row, "") }
        return (row + ", f.*", "LEFT JOIN profile_fields f ON f.profile_id = p.id")
    }

    /// A profile read with ``profileSource(_:)``: the stored document with its fields put back.
    static func storedProfile(_ row: Row) -> StoredProfile {
        let slim: String = row[1]
        return StoredProfile(
            id: row[0], document: row.count > 6 ? ProfileDocument.composed(slim, fields: fieldsText(row, from: 6)) : slim,
            version: row[2], createdAt: Date(timeIntervalSince1970: row[3]), versionAt: Date(timeIntervalSince1970: row[4]))
    }

    /// The `fields` object of a `profile_fields` row read from column `start` on (`f_<name>` columns), rendered as
    /// the engine renders the values it wrote: REAL is a number, INTEGER a boolean, text starting with U+001F a list.
    static func fieldsText(_ row: Row, from start: Int) -> String {
        var values: [(name: String, value: ProfileValue?)] = []
        values.reserveCapacity(row.count - start)
        for (column, value) in zip(row.columnNames, row.databaseValues).dropFirst(start) {
            let name = String(column.dropFirst(2))
            switch value.storage {
            case .double(let number): values.append((name, .number(number)))
            case .int64(let integer): values.append((name, .bool(integer != 0)))
            case .string(let text): values.append((name, text.hasPrefix("\u{1F}") ? .list(Self.listValues(text)) : .text(text)))
            case .blob, .null: values.append((name, nil))
            }
        }
        return ProfileDocument.fields(values)
    }

    public func storedProfiles(ids: [String]) async throws -> [String: StoredProfile] {
        guard !ids.isEmpty else { return [:] }
        return try await access("read profiles") {
            try await writer.read { db in
                let source = try Self.profileSource(db)
                let statement = try db.cachedStatement(
                    sql: "SELECT \(source.columns) FROM profiles p \(source.join) WHERE p.id = ?")
                var found: [String: StoredProfile] = [:]
                for id in ids {
                    if let row = try Row.fetchOne(statement, arguments: [id]) { found[id] = Self.storedProfile(row) }
                }
                return found
            }
        }
    }

    public func storedProfileIDs() async throws -> Set<String> {
        try await access("read profile ids") {
            try await writer.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM profiles")) }
        }
    }

    public func profileState() async throws -> ProfileState? {
        try await access("read the profile state") {
            try await writer.read { db in
                guard let text = try String.fetchOne(db, sql: "SELECT value FROM profile_state WHERE name = 'state'") else {
                    return nil
                }
                return try? JSONDecoder().decode(ProfileState.self, from: Data(text.utf8))
            }
        }
    }

    public func identityOrigins(created: [String], removed: [String]) async throws -> (
        splitFrom: [String: String], mergedInto: [String: String]
    ) {
        guard !created.isEmpty || !removed.isEmpty else { return ([:], [:]) }
        return try await access("read identity history") {
            try await writer.read { db in
                var splitFrom: [String: String] = [:]
                if !created.isEmpty {
                    let wanted = Set(created)
                    // Splits are few: read them all rather than bind a million created ids.
                    for row in try Row.fetchAll(
                        db, sql: "SELECT other_id, profile_id FROM identity_history WHERE action = 'split' ORDER BY id")
                    {
                        if let other: String = row[0], wanted.contains(other) { splitFrom[other] = row[1] }
                    }
                }
                var mergedInto: [String: String] = [:]
                let alias = try db.cachedStatement(sql: "SELECT profile_id FROM identity_aliases WHERE alias = ?")
                for id in removed {
                    if let target = try String.fetchOne(alias, arguments: [id]) { mergedInto[id] = target }
                }
                return (splitFrom, mergedInto)
            }
        }
    }

    // MARK: Writing

    public func applyProfiles(_ write: ProfileWrite) async throws {
        try await access("write profiles") {
            try await writer.write { db in
                let table = write.fieldsTable.rawValue
                if write.createFieldsTable { try Self.createFieldsTable(db, table, layout: write.layout) }
                let at = write.at.timeIntervalSince1970
                try Self.writeDocuments(db, write.upserts, at: at)
                try Self.writeFields(db, write.upserts, into: table, layout: write.layout)
                let source = try Self.profileSource(db)
                for id in write.removals {
                    try Self.archive(db, id, at: at, reading: source)
                    try db.execute(sql: "DELETE FROM profiles WHERE id = ?", arguments: [id])
                    for table in [ProfileWrite.FieldsTable.current, .staging] where try db.tableExists(table.rawValue) {
                        try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE profile_id = ?", arguments: [id])
                    }
                    try db.execute(
                        sql: "UPDATE segment_members SET exited_at = ? WHERE profile_id = ? AND exited_at IS NULL",
                        arguments: [at, id])
                }
                try Self.writeChanges(db, write.changes)
                let clear = try db.cachedStatement(sql: "DELETE FROM profile_dirty WHERE profile_id = ? AND mark <= ?")
                for dirty in write.clearDirty { try clear.execute(arguments: [dirty.profile, dirty.mark]) }
                if let through = write.clearDirtyThrough {
                    try db.execute(sql: "DELETE FROM profile_dirty WHERE mark <= ?", arguments: [through])
                }
                if write.promoteStaging {
                    let staging = ProfileWrite.FieldsTable.staging.rawValue
                    if try !db.tableExists(staging) { try Self.createFieldsTable(db, staging, layout: write.layout) }
                    try db.execute(sql: "DROP TABLE IF EXISTS profile_fields")
                    try db.execute(sql: "ALTER TABLE \(staging) RENAME TO profile_fields")
                }
                if let state = write.state {
                    let text = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO profile_state (name, value) VALUES ('state', ?)", arguments: [text])
                }
            }
        }
    }

    static func createFieldsTable(_ db: Database, _ table: String, layout: ProfileLayout) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
        let columns = layout.fields.map { field -> String in
            let type: String
            switch field.type {
            case .number: type = "REAL"
            case .bool: type = "INTEGER"
            case .text, .date, .list: type = "TEXT"
            }
            return ProfileEngine.column(field.name) + " " + type
        }
        try db.execute(
            sql: "CREATE TABLE \(table) (profile_id TEXT PRIMARY KEY NOT NULL, \(columns.joined(separator: ", "))) WITHOUT ROWID")
    }

    /// Keeps profile `id` as it is stored, fields included (read through `source`, from ``profileSource(_:)``), as
    /// the version that ends `at`. Called before its document or fields are overwritten.
    private static func archive(_ db: Database, _ id: String, at: Double, reading source: (columns: String, join: String)) throws {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(source.columns) FROM profiles p \(source.join) WHERE p.id = ?"), arguments: [id])
        else { return }
        let stored = storedProfile(row)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO profile_versions (profile_id, version, valid_from, valid_to, profile) VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [id, stored.version, stored.versionAt.timeIntervalSince1970, at, stored.document])
    }

    private static func writeDocuments(_ db: Database, _ upserts: [ProfileWrite.Upsert], at: Double) throws {
        // A new version keeps the stored profile as the version it ends; the others overwrite it in place.
        let source = try profileSource(db)
        let upsert = BoundStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO profiles (id, profile, updated_at, version, created_at, version_at) VALUES (?1, ?2, ?3, 1, ?3, ?3)
                    ON CONFLICT(id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at,
                        version = version + ?4, version_at = CASE WHEN ?4 = 1 THEN excluded.updated_at ELSE version_at END
                    """), in: db)
        for item in upserts {
            guard let slim = item.slim else { continue }
            if item.newVersion { try archive(db, item.id, at: at, reading: source) }
            upsert.bind(item.id, at: 1)
            upsert.bind(slim, at: 2)
            upsert.bind(at, at: 3)
            upsert.bind(Int64(item.newVersion ? 1 : 0), at: 4)
            try upsert.execute()
        }
    }

    /// The list encoding segments' SQL expects: each element wrapped in U+001F.
    static func listText(_ list: [String]) -> String? {
        list.isEmpty ? nil : "\u{1F}" + list.joined(separator: "\u{1F}") + "\u{1F}"
    }

    /// The elements of a ``listText(_:)``.
    static func listValues(_ text: String) -> [String] {
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        return parts.dropFirst().dropLast().map(String.init)
    }

    private static func writeFields(
        _ db: Database, _ upserts: [ProfileWrite.Upsert], into table: String, layout: ProfileLayout
    ) throws {
        guard upserts.contains(where: { $0.values != nil }) else { return }
        if try !db.tableExists(table) { try createFieldsTable(db, table, layout: layout) }
        let columns = layout.fields.map { ProfileEngine.column($0.name) }
        let placeholders = Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")
        let statement = BoundStatement(
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO \(table) (profile_id, \(columns.joined(separator: ", "))) VALUES (\(placeholders))"),
            in: db)
        for item in upserts {
            guard let values = item.values else { continue }
            statement.bind(item.id, at: 1)
            for (index, value) in values.enumerated() {
                let position = Int32(index + 2)
                switch value {
                case nil: statement.bindNull(at: position)
                case .number(let number)?: statement.bind(number, at: position)
                case .text(let text)?, .date(let text)?: statement.bind(text, at: position)
                case .bool(let bool)?: statement.bind(bool, at: position)
                case .list(let list)?:
                    if let text = listText(list) { statement.bind(text, at: position) } else { statement.bindNull(at: position) }
                }
            }
            try statement.execute()
        }
    }

    private static func writeChanges(_ db: Database, _ changes: [ProfileChange]) throws {
        let insert = BoundStatement(
            try db.cachedStatement(
                sql: "INSERT INTO profile_changes (at, type, profile_id, other_id, segment, detail) VALUES (?, ?, ?, ?, ?, ?)"),
            in: db)
        for change in changes {
            insert.bind(change.at.timeIntervalSince1970, at: 1)
            insert.bind(change.kind.rawValue, at: 2)
            insert.bind(change.profile, at: 3)
            if let other = change.other { insert.bind(other, at: 4) } else { insert.bindNull(at: 4) }
            if let segment = change.segment { insert.bind(segment, at: 5) } else { insert.bindNull(at: 5) }
            insert.bind(change.detail.canonicalText, at: 6)
            try insert.execute()
        }
    }

    // MARK: Segments

    public func profiles(matching condition: (sql: String, arguments: [SQLArgument]), among ids: [String]?) async throws
        -> Set<String>
    {
        if let ids, ids.isEmpty { return [] }
        return try await access("evaluate a segment") {
            try await writer.read { db in
                guard try db.tableExists("profile_fields") else { return [] }
                var sql = "SELECT profile_id FROM profile_fields WHERE (\(condition.sql))"
                var arguments = StatementArguments(condition.arguments.map(Self.databaseValue))
                if let ids {
                    sql += " AND profile_id IN (SELECT value FROM json_each(?))"
                    arguments += [Self.textList(ids)]
                }
                return Set(try String.fetchAll(db, sql: sql, arguments: arguments))
            }
        }
    }

    public func countProfiles(matching condition: (sql: String, arguments: [SQLArgument]), sample: Int) async throws -> (
        count: Int, sample: [String]
    ) {
        try await access("preview a segment") {
            try await writer.read { db in
                guard try db.tableExists("profile_fields") else { return (0, []) }
                let arguments = StatementArguments(condition.arguments.map(Self.databaseValue))
                let count = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM profile_fields WHERE (\(condition.sql))", arguments: arguments) ?? 0
                let ids = try String.fetchAll(
                    db, sql: "SELECT profile_id FROM profile_fields WHERE (\(condition.sql)) ORDER BY profile_id LIMIT ?",
                    arguments: arguments + [sample])
                return (count, ids)
            }
        }
    }

    static func databaseValue(_ argument: SQLArgument) -> DatabaseValue {
        switch argument {
        case .number(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        }
    }

    public func segmentMembers(_ segment: String, among ids: [String]?) async throws -> Set<String> {
        if let ids, ids.isEmpty { return [] }
        return try await access("read segment members") {
            try await writer.read { db in
                var sql = "SELECT profile_id FROM segment_members WHERE segment = ? AND exited_at IS NULL"
                var arguments: StatementArguments = [segment]
                if let ids {
                    sql += " AND profile_id IN (SELECT value FROM json_each(?))"
                    arguments += [Self.textList(ids)]
                }
                return Set(try String.fetchAll(db, sql: sql, arguments: arguments))
            }
        }
    }

    public func segmentDefinitions() async throws -> [SegmentDefinitionRow] {
        try await access("read segments") {
            try await writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.name, s.expression, s.description, s.defined_at,
                            (SELECT count(*) FROM segment_members m WHERE m.segment = s.name AND m.exited_at IS NULL) AS members
                        FROM segments s ORDER BY s.name
                        """
                ).map { row in
                    SegmentDefinitionRow(
                        name: row["name"], expression: row["expression"], description: row["description"],
                        definedAt: Date(timeIntervalSince1970: row["defined_at"]), members: row["members"])
                }
            }
        }
    }

    @discardableResult
    public func applySegments(_ write: SegmentWrite) async throws -> (entered: Int, exited: Int) {
        try await access("write segment membership") {
            try await writer.write { db -> (entered: Int, exited: Int) in
                let at = write.at.timeIntervalSince1970
                for definition in write.definitions {
                    try db.execute(
                        sql: """
                            INSERT INTO segments (name, expression, description, defined_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT(name) DO UPDATE SET expression = excluded.expression,
                                description = excluded.description, defined_at = excluded.defined_at
                            """,
                        arguments: [definition.name, definition.expression, definition.description, at])
                }
                var changes: [ProfileChange] = []
                for segment in write.removedSegments {
                    let members = try String.fetchAll(
                        db, sql: "SELECT profile_id FROM segment_members WHERE segment = ? AND exited_at IS NULL ORDER BY profile_id",
                        arguments: [segment])
                    for profile in members {
                        changes.append(ProfileChange(at: write.at, kind: .exited, profile: profile, segment: segment,
                                                     detail: .object(["reason": "segment removed"])))
                    }
                    try db.execute(
                        sql: "UPDATE segment_members SET exited_at = ? WHERE segment = ? AND exited_at IS NULL",
                        arguments: [at, segment])
                    try db.execute(sql: "DELETE FROM segments WHERE name = ?", arguments: [segment])
                }
                let enter = BoundStatement(
                    try db.cachedStatement(
                        sql: "INSERT OR IGNORE INTO segment_members (segment, profile_id, entered_at) VALUES (?, ?, ?)"),
                    in: db)
                for (segment, profile) in write.entered {
                    enter.bind(segment, at: 1)
                    enter.bind(profile, at: 2)
                    enter.bind(at, at: 3)
                    try enter.execute()
                    changes.append(ProfileChange(at: write.at, kind: .entered, profile: profile, segment: segment))
                }
                let exit = BoundStatement(
                    try db.cachedStatement(
                        sql: "UPDATE segment_members SET exited_at = ? WHERE segment = ? AND profile_id = ? AND exited_at IS NULL"),
                    in: db)
                for (segment, profile) in write.exited {
                    exit.bind(at, at: 1)
                    exit.bind(segment, at: 2)
                    exit.bind(profile, at: 3)
                    try exit.execute()
                    changes.append(ProfileChange(at: write.at, kind: .exited, profile: profile, segment: segment))
                }
                try Self.writeChanges(db, changes)
                return try Self.evaluateSegments(db, write.evaluated, at: at)
            }
        }
    }

    /// Entries and exits of segments over every profile, in SQL: the events first (every segment's entries, then
    /// every segment's exits, each in profile order), then the memberships they describe.
    private static func evaluateSegments(
        _ db: Database, _ segments: [(segment: String, condition: (sql: String, arguments: [SQLArgument]))], at: Double
    ) throws -> (entered: Int, exited: Int) {
        guard !segments.isEmpty else { return (0, 0) }
        // Without a fields table no profile matches anything.
        let fields = try db.tableExists("profile_fields")
        let detail = JSONValue.object([:]).canonicalText
        func condition(_ item: (sql: String, arguments: [SQLArgument])) -> (sql: String, arguments: StatementArguments) {
            fields ? (item.sql, StatementArguments(item.arguments.map(databaseValue))) : ("0", [])
        }
        let current = "SELECT 1 FROM segment_members m WHERE m.segment = ? AND m.profile_id = f.profile_id AND m.exited_at IS NULL"
        func matching(_ sql: String, member: String) -> String {
            fields ? "SELECT 1 FROM profile_fields f WHERE f.profile_id = \(member) AND (\(sql))" : "SELECT 1 WHERE 0"
        }
        var entered = 0
        var exited = 0
        for item in segments where fields {
            let (sql, arguments) = condition(item.condition)
            try db.execute(
                sql: """
                    INSERT INTO profile_changes (at, type, profile_id, other_id, segment, detail)
                    SELECT ?, ?, f.profile_id, NULL, ?, ? FROM profile_fields f
                    WHERE (\(sql)) AND NOT EXISTS (\(current)) ORDER BY f.profile_id
                    """,
                arguments: [at, ProfileChange.Kind.entered.rawValue, item.segment, detail] + arguments + [item.segment])
            entered += db.changesCount
        }
        for item in segments {
            let (sql, arguments) = condition(item.condition)
            try db.execute(
                sql: """
                    INSERT INTO profile_changes (at, type, profile_id, other_id, segment, detail)
                    SELECT ?, ?, m.profile_id, NULL, ?, ? FROM segment_members m
                    WHERE m.segment = ? AND m.exited_at IS NULL AND NOT EXISTS (\(matching(sql, member: "m.profile_id")))
                    ORDER BY m.profile_id
                    """,
                arguments: [at, ProfileChange.Kind.exited.rawValue, item.segment, detail, item.segment] + arguments)
            exited += db.changesCount
        }
        for item in segments {
            let (sql, arguments) = condition(item.condition)
            try db.execute(
                sql: """
                    UPDATE segment_members SET exited_at = ? WHERE segment = ? AND exited_at IS NULL
                    AND NOT EXISTS (\(matching(sql, member: "segment_members.profile_id")))
                    """,
                arguments: [at, item.segment] + arguments)
            if fields {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO segment_members (segment, profile_id, entered_at)
                        SELECT ?, f.profile_id, ? FROM profile_fields f WHERE (\(sql)) AND NOT EXISTS (\(current))
                        ORDER BY f.profile_id
                        """,
                    arguments: [item.segment, at] + arguments + [item.segment])
            }
        }
        return (entered, exited)
    }
}
