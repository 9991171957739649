import Foundation
import PortraitCore

/// What an `xml_feed` connector remembers between runs: the SHA-256 of every document imported whole (so an
/// identical file is not read again), where to resume inside a document a run left part-way, and the
/// "updated since" watermark.
struct XMLFeedState: Sendable, Equatable {
    struct ImportedFile: Sendable, Equatable {
        var name: String
        /// When the import committed (ISO 8601).
        var at: String
    }

    /// A document left part-way: by a killed run, or stopped by malformed XML after `records` records.
    struct Position: Sendable, Equatable {
        var name: String
        var sha256: String
        /// Record elements already handled (committed or quarantined); a rerun of the same bytes skips them.
        var records: Int
        /// Why the document stopped, when it did (`file:line:column: message`).
        var error: String?
    }

    var imported: [String: ImportedFile] = [:]
    var position: Position?
    /// The largest `updated_field` value committed, as the feed wrote it.
    var watermark: String?

    static let importedLimit = 10_000

    init() {}

    init(_ state: ConnectorState?) {
        guard let value = state?.value else { return }
        for (hash, entry) in value["imported"]?.objectValue ?? [:] {
            guard let name = entry["name"]?.stringValue, let at = entry["at"]?.stringValue else { continue }
            imported[hash] = ImportedFile(name: name, at: at)
        }
        if let position = value["position"], let name = position["name"]?.stringValue,
            let sha256 = position["sha256"]?.stringValue, let records = position["records"]?.numberValue
        {
            self.position = Position(
                name: name, sha256: sha256, records: NSDecimalNumber(decimal: records).intValue,
                error: position["error"]?.stringValue)
        }
        watermark = value["watermark"]?.stringValue
    }

    mutating func recordImport(sha256: String, name: String, at date: Date) {
        imported[sha256] = ImportedFile(name: name, at: ISO8601DateFormatter().string(from: date))
        position = nil
        if imported.count > Self.importedLimit {
            // ISO 8601 in UTC sorts as time.
            let oldest = imported.sorted { ($0.value.at, $0.key) < ($1.value.at, $1.key) }
            for (hash, _) in oldest.prefix(imported.count - Self.importedLimit) { imported[hash] = nil }
        }
    }

    var connectorState: ConnectorState {
        var value: [String: JSONValue] = [
            "imported": .object(imported.mapValues { .object(["name": .string($0.name), "at": .string($0.at)]) })
        ]
        if let position {
            var entry: [String: JSONValue] = [
                "name": .string(position.name), "sha256": .string(position.sha256),
                "records": .number(Decimal(position.records)),
            ]
            if let error = position.error { entry["error"] = .string(error) }
            value["position"] = .object(entry)
        }
        if let watermark { value["watermark"] = .string(watermark) }
        return ConnectorState(.object(value))
    }
}
