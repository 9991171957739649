import Foundation
import PortraitCore
public import PortraitStore

/// Writes records, identities or profiles as CSV or JSON Lines.
public struct Exporter: Sendable {
    public enum Dataset: String, Sendable, CaseIterable {
        case records
        case identities
        case profiles
    }

    public enum Format: String, Sendable, CaseIterable {
        case csv
        case jsonl
    }

    public var store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Streams `dataset` to `write` line by line and returns the number of rows (header excluded).
    @discardableResult
    public func export(_ dataset: Dataset, format: Format, connector: String? = nil, write: (String) throws -> Void)
        async throws -> Int
    {
        var rows = 0
        switch dataset {
        case .records:
            if format == .csv {
                try write(CSVLine.make(["connector", "stream", "source_id", "entity", "deleted", "location", "updated_at", "canonical"]))
            }
            try await store.forEachRecord(connector: connector) { record in
                rows += 1
                let updated = Self.timestamp(record.updatedAt)
                switch format {
                case .csv:
                    try write(
                        CSVLine.make([
                            record.connector, record.stream, record.sourceID, record.entity.rawValue,
                            record.isDeleted ? "true" : "false", record.location, updated, record.canonical.canonicalText,
                        ]))
                case .jsonl:
                    let line: JSONValue = [
                        "connector": .string(record.connector), "stream": .string(record.stream),
                        "source_id": .string(record.sourceID), "entity": .string(record.entity.rawValue),
                        "deleted": .bool(record.isDeleted), "location": .string(record.location),
                        "updated_at": .string(updated), "canonical": record.canonical, "raw": record.raw,
                    ]
                    try write(line.canonicalText)
                }
            }
        case .identities:
            if format == .csv { try write(CSVLine.make(["connector", "stream", "source_id", "profile_id"])) }
            try await store.forEachIdentity { row in
                rows += 1
                switch format {
                case .csv:
                    try write(CSVLine.make([row.connector, row.stream, row.sourceID, row.profileID ?? ""]))
                case .jsonl:
                    let line: JSONValue = [
                        "connector": .string(row.connector), "stream": .string(row.stream),
                        "source_id": .string(row.sourceID), "profile_id": row.profileID.map(JSONValue.string) ?? .null,
                    ]
                    try write(line.canonicalText)
                }
            }
        case .profiles:
            if format == .csv { try write(CSVLine.make(["profile_id", "updated_at", "profile"])) }
            try await store.forEachProfile { row in
                rows += 1
                switch format {
                case .csv:
                    try write(CSVLine.make([row.id, Self.timestamp(row.updatedAt), row.profile.canonicalText]))
                case .jsonl:
                    let line: JSONValue = [
                        "profile_id": .string(row.id), "updated_at": .string(Self.timestamp(row.updatedAt)), "profile": row.profile,
                    ]
                    try write(line.canonicalText)
                }
            }
        }
        return rows
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// RFC 4180 output: fields with commas, quotes or line breaks are quoted, quotes doubled.
enum CSVLine {
    static func make(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }
}
