import Foundation
import PortraitCore

/// What a `csv_drop` connector remembers between runs: the SHA-256 of every file it imported (so an identical
/// file dropped again is skipped) and, inside a file, the position after the last committed row.
struct CSVDropState: Sendable, Equatable {
    /// Where to resume inside a file that a run left part-way.
    struct Position: Sendable, Equatable {
        var name: String
        var sha256: String
        /// Byte offset of the next row in the file.
        var offset: Int64
        /// Line number of the next row.
        var line: Int
    }

    var imported = ImportedFiles()
    var position: Position?

    init() {}

    init(_ state: ConnectorState?) {
        guard let value = state?.value else { return }
        imported = ImportedFiles(value["imported"])
        if let position = value["position"], let name = position["name"]?.stringValue,
            let sha256 = position["sha256"]?.stringValue, let offset = position["offset"]?.numberValue,
            let line = position["line"]?.numberValue
        {
            self.position = Position(
                name: name, sha256: sha256, offset: Int64(offset.clampedInt),
                line: line.clampedInt)
        }
    }

    mutating func recordImport(sha256: String, name: String, at date: Date) {
        imported.record(sha256: sha256, name: name, at: date)
        position = nil
    }

    var connectorState: ConnectorState {
        var value: [String: JSONValue] = [
            "imported": imported.json
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
