import Foundation
import GRDB
import PortraitCore
import PortraitStore

/// Decodes stored rows into the store's value types. Columns are as created in `SQLiteStore.migrator`.
enum Rows {
    static func json(_ text: String, _ what: String, _ location: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: Data(text.utf8))
        } catch {
            throw PortraitError.store(
                "\(what) in \(location) is not valid JSON; the store has been edited or damaged. Restore it from a "
                    + "backup, or move it aside and run `portrait sync --full`."
            )
        }
    }

    static func date(_ row: Row, _ column: String) -> Date {
        Date(timeIntervalSince1970: row[column])
    }

    static func run(_ row: Row, _ location: String) throws -> RunRecord {
        let id: Int64 = row["id"]
        let statusText: String = row["status"]
        guard let status = RunStatus(rawValue: statusText) else {
            throw PortraitError.store(
                "run \(id) in \(location) has the status '\(statusText)', which this version of Portrait does not "
                    + "know. Upgrade portrait."
            )
        }
        let finishedAt: Double? = row["finished_at"]
        return RunRecord(
            id: id, connector: row["connector"], status: status, startedAt: date(row, "started_at"),
            finishedAt: finishedAt.map(Date.init(timeIntervalSince1970:)), read: row["read"],
            counts: CommitCounts(
                new: row["new"], updated: row["updated"], unchanged: row["unchanged"],
                quarantined: row["quarantined"]
            ),
            warnings: row["warnings"], error: row["error"],
            parts: try parts(row["parts"], "the file counts of run \(id)", location)
        )
    }

    /// Run parts as stored in `sync_runs.parts`: a JSON array of `{name, note, read, new, updated, unchanged,
    /// quarantined}`.
    static func partsText(_ parts: [RunPart]) -> String {
        JSONValue.array(
            parts.map { part in
                var object: [String: JSONValue] = [
                    "name": .string(part.name), "read": .number(Decimal(part.read)),
                    "new": .number(Decimal(part.counts.new)), "updated": .number(Decimal(part.counts.updated)),
                    "unchanged": .number(Decimal(part.counts.unchanged)),
                    "quarantined": .number(Decimal(part.counts.quarantined)),
                ]
                if let note = part.note { object["note"] = .string(note) }
                return .object(object)
            }
        ).canonicalText
    }

    static func parts(_ text: String?, _ what: String, _ location: String) throws -> [RunPart] {
        guard let text else { return [] }
        func int(_ value: JSONValue?) -> Int { value?.intValue ?? 0 }
        return try json(text, what, location).arrayValue?.map { part in
            RunPart(
                name: part["name"]?.stringValue ?? "", note: part["note"]?.stringValue, read: int(part["read"]),
                counts: CommitCounts(
                    new: int(part["new"]), updated: int(part["updated"]), unchanged: int(part["unchanged"]),
                    quarantined: int(part["quarantined"])))
        } ?? []
    }

    static func quarantineEntry(_ row: Row, _ location: String) throws -> QuarantineEntry {
        let id: Int64 = row["id"]
        let what = "quarantine entry \(id)"
        let reasons = try json(row["reasons"], what, location).arrayValue?.compactMap(\.stringValue) ?? []
        return QuarantineEntry(
            id: id, connector: row["connector"], stream: row["stream"], sourceID: row["source_id"],
            location: row["location"], raw: try json(row["raw"], what, location), reasons: reasons,
            firstSeenAt: date(row, "first_seen_at"), lastSeenAt: date(row, "last_seen_at"), attempts: row["attempts"],
            sourceText: row["source_text"]
        )
    }

    static func record(_ row: Row, _ location: String) throws -> StoredRecord {
        let connector: String = row["connector"]
        let stream: String = row["stream"]
        let sourceID: String = row["source_id"]
        let what = "record \(sourceID) of \(connector)/\(stream)"
        let entityText: String = row["entity"]
        guard let entity = Entity(rawValue: entityText) else {
            throw PortraitError.store(
                "\(what) in \(location) has the entity '\(entityText)', which this version of Portrait does not "
                    + "know. Upgrade portrait."
            )
        }
        return StoredRecord(
            connector: connector, stream: stream, sourceID: sourceID, entity: entity,
            raw: try json(row["raw"], what, location), canonical: try json(row["canonical"], what, location),
            location: row["location"], isDeleted: row["deleted"], contentHash: row["content_hash"],
            firstSeenAt: date(row, "first_seen_at"), updatedAt: date(row, "updated_at")
        )
    }
}
