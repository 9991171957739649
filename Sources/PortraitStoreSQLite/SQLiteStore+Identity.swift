public import Foundation
import PortraitCore
public import PortraitIdentity
import PortraitProfiles
import GRDB
import GRDBSQLite

/// Identity resolution's tables (migration `v6-identity`).
extension SQLiteStore: IdentityStore {
    static let identityPageSize = 20_000

    /// A JSON array of integers, bound as one value and read with `json_each` (one statement for any number of ids).
    static func intList(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    static func identityRecord(_ row: Row) throws -> IdentityRecord {
        let entityName: String = row["entity"]
        guard let entity = Entity(rawValue: entityName) else {
            throw PortraitError.store("record \(row["rowid"] as Int64) has an unknown entity '\(entityName)'")
        }
        return IdentityRecord(
            recordID: row["rowid"], connector: row["connector"], entity: entity, canonicalText: row["canonical"],
            deleted: (row["deleted"] as Int64) != 0, profileID: row["profile_id"])
    }

    public func forEachIdentityRecord(_ body: (IdentityRecord) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let start = after
            let page = try await access("read records for identity resolution") {
                try await writer.read { db in
                    let cursor = try Row.fetchCursor(
                        db.cachedStatement(
                            sql: """
                                SELECT rowid, connector, entity, canonical, deleted, profile_id FROM records
                                WHERE rowid > ? ORDER BY rowid LIMIT ?
                                """),
                        arguments: [start, Self.identityPageSize])
                    var page: [IdentityRecord] = []
                    while let row = try cursor.next() { page.append(try Self.identityRecord(row)) }
                    return page
                }
            }
            for record in page { try body(record) }
            guard page.count == Self.identityPageSize, let last = page.last else { return }
            after = last.recordID
        }
    }

    public func pendingIdentityRecords(limit: Int) async throws -> PendingIdentityRecords {
        try await access("read records waiting for identity resolution") {
            try await writer.read { db in
                let mark = try Int64.fetchOne(db, sql: "SELECT value FROM identity_state WHERE name = 'pending_mark'") ?? 0
                var records: [IdentityRecord] = []
                var seen = Set<Int64>()
                let changed = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.rowid, r.connector, r.entity, r.canonical, r.deleted, r.profile_id
                        FROM identity_dirty d JOIN records r ON r.rowid = d.record_id ORDER BY d.record_id LIMIT ?
                        """,
                    arguments: [limit])
                while let row = try changed.next() {
                    let record = try Self.identityRecord(row)
                    records.append(record)
                    seen.insert(record.recordID)
                }
                var newThrough: Int64?
                let fresh = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT rowid, connector, entity, canonical, deleted, profile_id FROM records
                        WHERE rowid > ? ORDER BY rowid LIMIT ?
                        """,
                    arguments: [mark, max(0, limit - records.count)])
                while let row = try fresh.next() {
                    let record = try Self.identityRecord(row)
                    newThrough = record.recordID
                    if seen.insert(record.recordID).inserted { records.append(record) }
                }
                return PendingIdentityRecords(records: records, newThrough: newThrough)
            }
        }
    }

    public func observationIDs(sharingKeys keys: [UInt64], cap: Int) async throws -> (ids: [Int64], tooCommon: Set<UInt64>) {
        guard !keys.isEmpty else { return ([], []) }
        return try await access("look up identity candidates") {
            try await writer.read { db in
                var ids = Set<Int64>()
                var tooCommon = Set<UInt64>()
                let statement = try db.cachedStatement(sql: "SELECT record_id FROM identity_keys WHERE key = ? LIMIT ?")
                for key in keys {
                    let found = try Int64.fetchAll(statement, arguments: [Int64(bitPattern: key), cap + 1])
                    if found.count > cap {
                        tooCommon.insert(key)
                    } else {
                        ids.formUnion(found)
                    }
                }
                return (ids.sorted(), tooCommon)
            }
        }
    }

    public func observations(ids: [Int64]) async throws -> [StoredObservation] {
        guard !ids.isEmpty else { return [] }
        return try await access("read identity observations") {
            try await writer.read { db in
                let cursor = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT o.record_id, o.features, r.connector, r.profile_id
                        FROM json_each(?) j JOIN identity_observations o ON o.record_id = j.value
                        JOIN records r ON r.rowid = o.record_id
                        """,
                    arguments: [Self.intList(ids)])
                // Rows first, decoded after on every core: decoding is most of the time (an incremental resolve
                // loads tens of thousands of candidates).
                var rows: [(id: Int64, features: String, connector: String, profile: String?)] = []
                while let row = try cursor.next() {
                    rows.append((row[0], row[1], row[2], row[3]))
                }
                return Parallel.map(rows) { row in
                    ObservationFeatures(encoded: row.features).map {
                        StoredObservation(recordID: row.id, connector: row.connector, features: $0, profileID: row.profile)
                    }
                }.compactMap { $0 }
            }
        }
    }

    public func members(ofProfiles profiles: [String]) async throws -> [Int64] {
        guard !profiles.isEmpty else { return [] }
        let list = "[" + profiles.map { "\"\($0.replacingOccurrences(of: "\"", with: ""))\"" }.joined(separator: ",") + "]"
        return try await access("read profile members") {
            try await writer.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT r.rowid FROM json_each(?) j JOIN records r ON r.profile_id = j.value WHERE r.deleted = 0
                        """,
                    arguments: [list])
            }
        }
    }

    public func links(among ids: [Int64]) async throws -> [IdentityLink] {
        guard ids.count > 1 else { return [] }
        return try await access("read identity links") {
            try await writer.read { db in
                // By `a` only (the primary key's prefix), `b` checked here: with both in the query SQLite probed
                // every pair of ids.
                let wanted = Set(ids)
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT l.a, l.b, l.kind, l.weight, l.evidence
                        FROM json_each(?) j JOIN identity_links l ON l.a = j.value
                        """,
                    arguments: [Self.intList(ids)]
                ).filter { wanted.contains($0["b"] as Int64) }
                return rows.map { row in
                    IdentityLink(
                        a: row["a"], b: row["b"], kind: IdentityLink.Kind(rawValue: row["kind"]) ?? .model,
                        weight: row["weight"], evidence: row["evidence"])
                }
            }
        }
    }

    public func allPins() async throws -> [IdentityPin] {
        try await access("read identity pins") {
            try await writer.read { db in
                try Row.fetchAll(db, sql: "SELECT a, b, kind FROM identity_pins").compactMap { row in
                    IdentityPin.Kind(rawValue: row["kind"]).map { IdentityPin(a: row["a"], b: row["b"], kind: $0) }
                }
            }
        }
    }

    public func pins(touching ids: [Int64]) async throws -> [IdentityPin] {
        guard !ids.isEmpty else { return [] }
        return try await access("read identity pins") {
            try await writer.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        WITH ids(id) AS (SELECT value FROM json_each(?))
                        SELECT a, b, kind FROM identity_pins WHERE a IN ids OR b IN ids
                        """,
                    arguments: [Self.intList(ids)])
                return rows.compactMap { row in
                    IdentityPin.Kind(rawValue: row["kind"]).map { IdentityPin(a: row["a"], b: row["b"], kind: $0) }
                }
            }
        }
    }

    public func termCounts(_ terms: [TermKey]) async throws -> (counts: [TermKey: Int], total: Int) {
        try await access("read term frequencies") {
            try await writer.read { db in
                var counts: [TermKey: Int] = [:]
                let statement = try db.cachedStatement(sql: "SELECT count FROM identity_terms WHERE field = ? AND value = ?")
                for term in terms {
                    if let count = try Int.fetchOne(statement, arguments: [term.field, term.value]) { counts[term] = count }
                }
                let total = try Int.fetchOne(db, sql: "SELECT value FROM identity_state WHERE name = 'observations'") ?? 0
                return (counts, total)
            }
        }
    }

    public func loadModel() async throws -> StoredMatchModel? {
        try await access("read the identity model") {
            try await writer.read { db in
                guard let text = try String.fetchOne(db, sql: "SELECT value FROM identity_state WHERE name = 'model'") else {
                    return nil
                }
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .secondsSince1970
                return try? decoder.decode(StoredMatchModel.self, from: Data(text.utf8))
            }
        }
    }

    public func saveModel(_ model: StoredMatchModel) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let text = String(decoding: try encoder.encode(model), as: UTF8.self)
        try await access("save the identity model") {
            try await writer.write { db in
                try Self.setState(db, "model", text)
            }
        }
    }

    static func setState(_ db: Database, _ name: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO identity_state (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            arguments: [name, value])
    }

    public func reserveProfileNumbers(_ count: Int) async throws -> Int64 {
        try await access("reserve profile ids") {
            try await writer.write { db in
                let next = try Int64.fetchOne(db, sql: "SELECT value FROM identity_state WHERE name = 'next_profile'") ?? 1
                try Self.setState(db, "next_profile", String(next + Int64(count)))
                return next
            }
        }
    }

    public func apply(_ resolution: ResolutionWrite) async throws {
        try await access("write the identity resolution") {
            try await writer.write { db in
                if resolution.replaceAll {
                    try db.execute(
                        sql: """
                            DELETE FROM identity_observations; DELETE FROM identity_keys; DELETE FROM identity_links;
                            DELETE FROM identity_terms; DELETE FROM identity_dirty;
                            """)
                    try Self.setState(db, "observations", "0")
                }
                try Self.writeObservations(db, resolution)
                if resolution.replaceAll {
                    // Every link and every record's placement is written again. The links' index on `b` and the
                    // index of records by profile are built once after the rows rather than entry by entry in random
                    // order (3 s less at a million records), and instead of queueing profiles one by one through
                    // the trigger (a write per record) every profile is queued at once: the next update rebuilds.
                    try db.execute(
                        sql: """
                            DROP INDEX IF EXISTS identity_links_by_b; DROP INDEX IF EXISTS records_by_profile;
                            DROP TRIGGER IF EXISTS records_profile_dirty;
                            """)
                    try Self.writeLinks(db, resolution)
                    try Self.writePlacements(db, resolution)
                    try db.execute(sql: Self.linksByBIndex + "; " + Self.recordsByProfileIndex + "; " + Self.profileDirtyTrigger)
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO profile_dirty (profile_id) VALUES (?)", arguments: [DirtyProfile.everyProfile])
                } else {
                    try Self.writeLinks(db, resolution)
                    try Self.writePlacements(db, resolution)
                }
                try Self.writeTerms(db, resolution)
                for (alias, profile) in resolution.aliases {
                    try db.execute(sql: "UPDATE identity_aliases SET profile_id = ? WHERE profile_id = ?", arguments: [profile, alias])
                    try db.execute(
                        sql: """
                            INSERT INTO identity_aliases (alias, profile_id) VALUES (?, ?)
                            ON CONFLICT(alias) DO UPDATE SET profile_id = excluded.profile_id
                            """,
                        arguments: [alias, profile])
                }
                let history = try db.cachedStatement(
                    sql: "INSERT INTO identity_history (at, action, profile_id, other_id, detail) VALUES (?, ?, ?, ?, ?)")
                for event in resolution.events {
                    try history.execute(arguments: [
                        event.at.timeIntervalSince1970, event.action.rawValue, event.profile, event.other, event.detail,
                    ])
                }
                if let through = resolution.pendingThrough {
                    let mark = try Int64.fetchOne(db, sql: "SELECT value FROM identity_state WHERE name = 'pending_mark'") ?? 0
                    if through > mark { try Self.setState(db, "pending_mark", String(through)) }
                }
                if !resolution.resolvedPending.isEmpty {
                    try db.execute(
                        sql: "DELETE FROM identity_dirty WHERE record_id IN (SELECT value FROM json_each(?))",
                        arguments: [Self.intList(resolution.resolvedPending)])
                }
            }
        }
    }

    private static func writeObservations(_ db: Database, _ resolution: ResolutionWrite) throws {
        if !resolution.removedObservations.isEmpty {
            let list = intList(resolution.removedObservations)
            // One statement each: GRDB hands a multi-statement string's arguments out statement by statement.
            try db.execute(
                sql: "DELETE FROM identity_observations WHERE record_id IN (SELECT value FROM json_each(?))",
                arguments: [list])
            try db.execute(
                sql: """
                    DELETE FROM identity_links WHERE a IN (SELECT value FROM json_each(?1))
                        OR b IN (SELECT value FROM json_each(?1))
                    """,
                arguments: [list])
        }
        let deleteKey = BoundStatement(
            try db.cachedStatement(sql: "DELETE FROM identity_keys WHERE key = ? AND record_id = ?"), in: db)
        for (key, record) in resolution.staleKeys {
            deleteKey.bind(Int64(bitPattern: key), at: 1)
            deleteKey.bind(record, at: 2)
            try deleteKey.execute()
        }
        let upsert = BoundStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO identity_observations (record_id, features) VALUES (?, ?)
                    ON CONFLICT(record_id) DO UPDATE SET features = excluded.features
                    """), in: db)
        for observation in resolution.observations.sorted(by: { $0.recordID < $1.recordID }) {
            upsert.bind(observation.recordID, at: 1)
            upsert.bind(observation.features, at: 2)
            try upsert.execute()
        }
        // Sorted, so the keys' b-tree is written in order.
        var keys: [(Int64, Int64)] = []
        keys.reserveCapacity(resolution.observations.count * 8)
        for observation in resolution.observations {
            for key in observation.keys { keys.append((Int64(bitPattern: key), observation.recordID)) }
        }
        keys.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let insertKey = BoundStatement(
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO identity_keys (key, record_id) VALUES (?, ?)"), in: db)
        for (key, record) in keys {
            insertKey.bind(key, at: 1)
            insertKey.bind(record, at: 2)
            try insertKey.execute()
        }
    }

    private static func writeLinks(_ db: Database, _ resolution: ResolutionWrite) throws {
        if !resolution.relinked.isEmpty {
            try db.execute(
                sql: """
                    DELETE FROM identity_links WHERE a IN (SELECT value FROM json_each(?1))
                        OR b IN (SELECT value FROM json_each(?1))
                    """,
                arguments: [intList(resolution.relinked)])
        }
        let insert = BoundStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO identity_links (a, b, kind, weight, evidence) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(a, b) DO UPDATE SET kind = excluded.kind, weight = excluded.weight,
                        evidence = excluded.evidence
                    """), in: db)
        for link in resolution.links.sorted(by: { $0.a < $1.a || ($0.a == $1.a && $0.b < $1.b) }) {
            insert.bind(link.a, at: 1)
            insert.bind(link.b, at: 2)
            insert.bind(link.kind.rawValue, at: 3)
            insert.bind(link.weight, at: 4)
            insert.bind(link.evidence, at: 5)
            try insert.execute()
        }
    }

    private static func writePlacements(_ db: Database, _ resolution: ResolutionWrite) throws {
        // A record whose profile is unchanged is left alone (its page is not rewritten).
        let update = BoundStatement(
            try db.cachedStatement(sql: "UPDATE records SET profile_id = ?1 WHERE rowid = ?2 AND profile_id IS NOT ?1"), in: db)
        let clear = BoundStatement(
            try db.cachedStatement(sql: "UPDATE records SET profile_id = NULL WHERE rowid = ? AND profile_id IS NOT NULL"), in: db)
        for (record, profile) in resolution.placements.sorted(by: { $0.recordID < $1.recordID }) {
            if let profile {
                update.bind(profile, at: 1)
                update.bind(record, at: 2)
                try update.execute()
            } else {
                clear.bind(record, at: 1)
                try clear.execute()
            }
        }
    }

    private static func writeTerms(_ db: Database, _ resolution: ResolutionWrite) throws {
        let upsert = BoundStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO identity_terms (field, value, count) VALUES (?, ?, ?)
                    ON CONFLICT(field, value) DO UPDATE SET count = count + excluded.count
                    """), in: db)
        let terms = resolution.termDeltas.filter { $0.value != 0 }.sorted {
            $0.key.field < $1.key.field || ($0.key.field == $1.key.field && $0.key.value < $1.key.value)
        }
        for (term, delta) in terms {
            upsert.bind(term.field, at: 1)
            upsert.bind(term.value, at: 2)
            upsert.bind(Int64(delta), at: 3)
            try upsert.execute()
        }
        if terms.contains(where: { $0.value < 0 }) {
            try db.execute(sql: "DELETE FROM identity_terms WHERE count <= 0")
        }
        if resolution.observationCountDelta != 0 {
            let total = try Int.fetchOne(db, sql: "SELECT value FROM identity_state WHERE name = 'observations'") ?? 0
            try setState(db, "observations", String(max(0, total + resolution.observationCountDelta)))
        }
    }

    // MARK: - Explain, correct, evaluate

    public func resolveProfileID(_ id: String) async throws -> String? {
        try await access("look up profile \(id)") {
            try await writer.read { db in
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE profile_id = ?)", arguments: [id]) == true {
                    return id
                }
                return try String.fetchOne(db, sql: "SELECT profile_id FROM identity_aliases WHERE alias = ?", arguments: [id])
            }
        }
    }

    static func placement(_ row: Row) -> RecordPlacement {
        RecordPlacement(
            recordID: row["rowid"], connector: row["connector"], stream: row["stream"], sourceID: row["source_id"],
            profileID: row["profile_id"])
    }

    public func forEachPlacement(_ body: (RecordPlacement) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let start = after
            let page = try await access("read record placements") {
                try await writer.read { db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT rowid, connector, stream, source_id, profile_id FROM records
                            WHERE rowid > ? AND deleted = 0 ORDER BY rowid LIMIT ?
                            """,
                        arguments: [start, Self.identityPageSize]
                    ).map(Self.placement)
                }
            }
            for placement in page { try body(placement) }
            guard page.count == Self.identityPageSize, let last = page.last else { return }
            after = last.recordID
        }
    }

    public func placements(ofProfile profile: String) async throws -> [RecordPlacement] {
        try await access("read the records of profile \(profile)") {
            try await writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT rowid, connector, stream, source_id, profile_id FROM records
                        WHERE profile_id = ? AND deleted = 0 ORDER BY rowid
                        """,
                    arguments: [profile]
                ).map(Self.placement)
            }
        }
    }

    public func placement(connector: String, stream: String, sourceID: String) async throws -> RecordPlacement? {
        try await access("look up a record") {
            try await writer.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT rowid, connector, stream, source_id, profile_id FROM records
                        WHERE connector = ? AND stream = ? AND source_id = ?
                        """,
                    arguments: [connector, stream, sourceID]
                ).map(Self.placement)
            }
        }
    }

    public func history(profile: String?, limit: Int) async throws -> [IdentityEvent] {
        try await access("read the identity history") {
            try await writer.read { db in
                let rows: [Row]
                if let profile {
                    rows = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM identity_history WHERE profile_id = ?1 OR other_id = ?1
                            ORDER BY id DESC LIMIT ?2
                            """,
                        arguments: [profile, limit])
                } else {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM identity_history ORDER BY id DESC LIMIT ?", arguments: [limit])
                }
                return rows.compactMap { row in
                    guard let action = IdentityEvent.Action(rawValue: row["action"]) else { return nil }
                    return IdentityEvent(
                        at: Date(timeIntervalSince1970: row["at"]), action: action, profile: row["profile_id"],
                        other: row["other_id"], detail: row["detail"])
                }
            }
        }
    }

    public func addPins(_ pins: [IdentityPin]) async throws {
        try await access("save identity pins") {
            try await writer.write { db in
                let now = Date().timeIntervalSince1970
                for pin in pins {
                    try db.execute(
                        sql: """
                            INSERT INTO identity_pins (a, b, kind, created_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT(a, b) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at
                            """,
                        arguments: [pin.a, pin.b, pin.kind.rawValue, now])
                }
            }
        }
    }

    public func markPending(_ recordIDs: [Int64]) async throws {
        guard !recordIDs.isEmpty else { return }
        try await access("queue records for identity resolution") {
            try await writer.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO identity_dirty (record_id) SELECT value FROM json_each(?)",
                    arguments: [Self.intList(recordIDs)])
            }
        }
    }
}
