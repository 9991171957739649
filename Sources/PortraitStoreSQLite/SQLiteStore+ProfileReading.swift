public import Foundation
import PortraitCore
public import PortraitProfiles
import GRDB

extension SQLiteStore: ProfileReader {
    public func storedProfile(id: String) async throws -> StoredProfile? {
        try await storedProfiles(ids: [id])[id]
    }

    public func profileDocument(id: String, asOf date: Date) async throws -> (document: String, version: Int)? {
        let at = date.timeIntervalSince1970
        return try await access("read a profile version") {
            try await writer.read { db in
                let source = try Self.profileSource(db)
                if let row = try Row.fetchOne(
                    db, sql: "SELECT \(source.columns) FROM profiles p \(source.join) WHERE p.id = ? AND p.version_at <= ?",
                    arguments: [id, at])
                {
                    let stored = Self.storedProfile(row)
                    return (stored.document, stored.version)
                }
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT profile, version FROM profile_versions
                            WHERE profile_id = ?1 AND valid_from <= ?2 AND valid_to > ?2 ORDER BY version DESC LIMIT 1
                            """,
                        arguments: [id, at])
                else { return nil }
                return (row[0], row[1])
            }
        }
    }

    public func profileVersions(id: String) async throws -> [(version: Int, from: Date, to: Date?)] {
        try await access("read profile versions") {
            try await writer.read { db in
                var versions = try Row.fetchAll(
                    db, sql: "SELECT version, valid_from, valid_to FROM profile_versions WHERE profile_id = ? ORDER BY version",
                    arguments: [id]
                ).map { (version: $0[0] as Int, from: Date(timeIntervalSince1970: $0[1]), to: Optional(Date(timeIntervalSince1970: $0[2]))) }
                if let row = try Row.fetchOne(db, sql: "SELECT version, version_at FROM profiles WHERE id = ?", arguments: [id]) {
                    versions.append((row[0], Date(timeIntervalSince1970: row[1]), nil))
                }
                return versions
            }
        }
    }

    static func change(_ row: Row, location: String) throws -> ProfileChange {
        let type: String = row["type"]
        guard let kind = ProfileChange.Kind(rawValue: type) else {
            throw PortraitError.store("change \(row["id"] as Int64) in \(location) has an unknown type '\(type)'")
        }
        return ProfileChange(
            id: row["id"], at: Date(timeIntervalSince1970: row["at"]), kind: kind, profile: row["profile_id"],
            other: row["other_id"], segment: row["segment"],
            detail: try Rows.json(row["detail"], "change \(row["id"] as Int64)", location))
    }

    public func changes(afterID: Int64?, since: Date?, profile: String?, limit: Int) async throws -> [ProfileChange] {
        let location = self.location
        return try await access("read the change feed") {
            try await writer.read { db in
                var sql = "SELECT * FROM profile_changes WHERE id > ?"
                var arguments: StatementArguments = [afterID ?? 0]
                if let since {
                    sql += " AND at >= ?"
                    arguments += [since.timeIntervalSince1970]
                }
                if let profile {
                    sql += " AND profile_id = ?"
                    arguments += [profile]
                }
                sql += " ORDER BY id LIMIT ?"
                arguments += [limit]
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.change($0, location: location) }
            }
        }
    }

    public func memberships(profile: String, asOf date: Date?) async throws -> [(segment: String, entered: Date, exited: Date?)] {
        try await access("read segment memberships") {
            try await writer.read { db in
                var sql = "SELECT segment, entered_at, exited_at FROM segment_members WHERE profile_id = ?"
                var arguments: StatementArguments = [profile]
                if let date {
                    sql += " AND entered_at <= ? AND (exited_at IS NULL OR exited_at > ?)"
                    arguments += [date.timeIntervalSince1970, date.timeIntervalSince1970]
                }
                sql += " ORDER BY entered_at, segment"
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    let exited: Double? = row[2]
                    return (row[0], Date(timeIntervalSince1970: row[1]), exited.map(Date.init(timeIntervalSince1970:)))
                }
            }
        }
    }

    public func members(segment: String, after afterID: String?, limit: Int) async throws -> [(profile: String, entered: Date)] {
        try await access("read segment members") {
            try await writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT profile_id, entered_at FROM segment_members
                        WHERE segment = ? AND exited_at IS NULL AND profile_id > ? ORDER BY profile_id LIMIT ?
                        """,
                    arguments: [segment, afterID ?? "", limit]
                ).map { ($0[0], Date(timeIntervalSince1970: $0[1])) }
            }
        }
    }

    public func searchProfiles(_ query: String, limit: Int) async throws -> [String] {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        let lowered = trimmed.lowercased()
        return try await access("search profiles") {
            try await writer.read { db in
                guard try db.tableExists("profile_fields") else { return [] }
                let email = ProfileEngine.column("email")
                let phone = ProfileEngine.column("phone")
                let name = ProfileEngine.column("name")
                let digits = trimmed.filter(\.isNumber)
                var found = try String.fetchAll(
                    db,
                    sql: """
                        SELECT profile_id FROM profile_fields
                        WHERE \(email) = ?1 OR \(phone) = ?2 OR \(phone) = ?3 OR \(name) = ?4 OR substr(\(name), 1, length(?4)) = ?4
                        ORDER BY profile_id LIMIT ?5
                        """,
                    arguments: [lowered, trimmed, "+" + digits, trimmed, limit])
                if found.count < limit {
                    // Alternates and other identifiers live in the documents: a scan, but only for what the fields
                    // did not find. The value is matched as a whole JSON string.
                    let needle = JSONValue.string(trimmed).canonicalText
                    let more = try String.fetchAll(
                        db, sql: "SELECT id FROM profiles WHERE instr(profile, ?) > 0 ORDER BY id LIMIT ?",
                        arguments: [needle, limit])
                    for id in more where !found.contains(id) && found.count < limit { found.append(id) }
                }
                return found
            }
        }
    }

    public func recordKeys(_ ids: [Int64]) async throws -> [Int64: (connector: String, stream: String, sourceID: String)] {
        try await access("read records") {
            try await writer.read { db in
                var keys: [Int64: (connector: String, stream: String, sourceID: String)] = [:]
                let statement = try db.cachedStatement(sql: "SELECT connector, stream, source_id FROM records WHERE rowid = ?")
                for id in Set(ids) {
                    if let row = try Row.fetchOne(statement, arguments: [id]) { keys[id] = (row[0], row[1], row[2]) }
                }
                return keys
            }
        }
    }

    public func forEachProfileDocument(segment: String?, _ body: (StoredProfile) throws -> Void) async throws {
        var after = ""
        while true {
            let start = after
            let page = try await access("read profiles") {
                try await writer.read { db in
                    let source = try Self.profileSource(db)
                    let sql: String
                    var arguments: StatementArguments
                    if let segment {
                        sql = """
                            SELECT \(source.columns) FROM segment_members m
                            JOIN profiles p ON p.id = m.profile_id \(source.join)
                            WHERE m.segment = ? AND m.exited_at IS NULL AND m.profile_id > ? ORDER BY m.profile_id LIMIT ?
                            """
                        arguments = [segment, start, Self.pageSize]
                    } else {
                        sql = "SELECT \(source.columns) FROM profiles p \(source.join) WHERE p.id > ? ORDER BY p.id LIMIT ?"
                        arguments = [start, Self.pageSize]
                    }
                    return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.storedProfile)
                }
            }
            for profile in page { try body(profile) }
            guard page.count == Self.pageSize, let last = page.last else { return }
            after = last.id
        }
    }
}
