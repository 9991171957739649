import Foundation
import PortraitCore

/// What a `csv_drop` connector remembers between runs: the SHA-256 of every file it imported (so an identical
/// file dropped again is skipped) and, inside a file, the position after the last committed row.
struct CSVDropState: Sendable, Equatable {
    struct ImportedFile: Sendable, Equatable {
        var name: String
        /// When the import committed (ISO 8601).
        var at: String
    }

    /// Where to resume inside a file that a run left part-way.
    struct Position: Sendable, Equatable {
        var name: String
        var sha256: String
        /// Byte offset of the next row in the file.
        var offset: Int64
        /// Line number of the next row.
        var line: Int
    }

    /// Imported files by SHA-256. At most `importedLimit` are kept (the oldest are forgotten first): the state is
    /// rewritten with every checkpoint, so it must stay small.
    var imported: [String: ImportedFile] = [:]
    var position: Position?

    static let importedLimit = 10_000

    init() {}

    init(_ state: ConnectorState?) {
        guard let value = state?.value else { return }
        for (hash, entry) in value["imported"]?.objectValue ?? [:] {
            guard let name = entry["name"]?.stringValue, let at = entry["at"]?.stringValue else { continue }
            imported[hash] = ImportedFile(name: name, at: at)
        }
        if let position = value["position"], let name = position["name"]?.stringValue,
            let sha256 = position["sha256"]?.stringValue, let offset = position["offset"]?.numberValue,
            let line = position["line"]?.numberValue
        {
            self.position = Position(
                name: name, sha256: sha256, offset: NSDecimalNumber(decimal: offset).int64Value,
                line: NSDecimalNumber(decimal: line).intValue)
        }
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
            "imported": .object(
                imported.mapValues { .object(["name": .string($0.name), "at": .string($0.at)]) })
        ]
        if let position {
            value["position"] = .object([
                "name": .string(position.name), "sha256": .string(position.sha256),
                "offset": .number(Decimal(position.offset)), "line": .number(Decimal(position.line)),
            ])
        }
        return ConnectorState(.object(value))
    }
}
