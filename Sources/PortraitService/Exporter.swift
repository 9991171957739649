import Foundation
import PortraitCore
public import PortraitStore

/// Writes records or identities as CSV or JSON Lines (profiles: `ProfileExporter`).
public struct Exporter: Sendable {
    public enum Dataset: String, Sendable, CaseIterable {
        case records
        case identities
        /// Written by `ProfileExporter`, which knows the profile's fields.
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
    ///
    /// Each dataset is described once as named columns; CSV and JSON Lines are two renderings of the same rows.
    @discardableResult
    public func export(_ dataset: Dataset, format: Format, connector: String? = nil, write: (String) throws -> Void)
        async throws -> Int
    {
        var rows = 0
        let header = Self.columns(of: dataset)
        if format == .csv { try write(CSVLine.make(header)) }
        func emit(_ columns: KeyValuePairs<String, JSONValue>) throws {
            assert(columns.map(\.key) == header, "export columns out of step with the CSV header")
            rows += 1
            switch format {
            case .csv:
                try write(CSVLine.make(columns.map { Self.csvField($0.value) }))
            case .jsonl:
                try write(JSONValue.object(Dictionary(uniqueKeysWithValues: columns.map { ($0.key, $0.value) })).canonicalText)
            }
        }
        switch dataset {
        case .records:
            try await store.forEachRecord(connector: connector) { record in
                try emit([
                    "connector": .string(record.connector), "stream": .string(record.stream),
                    "source_id": .string(record.sourceID), "entity": .string(record.entity.rawValue),
                    "deleted": .bool(record.isDeleted), "location": .string(record.location),
                    "updated_at": .string(Self.timestamp(record.updatedAt)), "canonical": record.canonical, "raw": record.raw,
                ])
            }
        case .identities:
            try await store.forEachIdentity { row in
                try emit([
                    "connector": .string(row.connector), "stream": .string(row.stream), "source_id": .string(row.sourceID),
                    "profile_id": row.profileID.map(JSONValue.string) ?? .null,
                ])
            }
        case .profiles:
            preconditionFailure("profiles are exported by ProfileExporter")
        }
        return rows
    }

    /// The columns of each dataset, in order: the CSV header, and the keys of each JSON line.
    static func columns(of dataset: Dataset) -> [String] {
        switch dataset {
        case .records:
            ["connector", "stream", "source_id", "entity", "deleted", "location", "updated_at", "canonical", "raw"]
        case .identities: ["connector", "stream", "source_id", "profile_id"]
        case .profiles: []
        }
    }

    /// Text as it is, null as an empty field, anything else as compact JSON.
    static func csvField(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .string(let text): return text
        case .bool, .number: return value.textValue ?? ""
        case .array, .object: return value.canonicalText
        }
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
