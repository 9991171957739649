public import Foundation
public import PortraitCore
public import PortraitProfiles

/// Writes profiles (all, or a segment's members) as CSV or JSON Lines: one row per profile with every field.
///
/// For ad-platform audience uploads, `hashIdentifiers` replaces the email and phone with the SHA-256 of their
/// normalised form (email trimmed and lower-cased, phone in E.164 as stored) and leaves the name and birth date
/// out, so no identifier leaves in the clear.
public struct ProfileExporter: Sendable {
    public var reader: any ProfileReader
    public var settings: ProfileSettings

    public init(reader: any ProfileReader, settings: ProfileSettings) {
        self.reader = reader
        self.settings = settings
    }

    static let clearIdentifiers: Set<String> = ["name", "given_name", "family_name", "birth_date", "email", "phone"]

    /// The columns, in order.
    public func columns(hashIdentifiers: Bool) -> [String] {
        let fields = ProfileLayout(traits: settings.traits).fields.map(\.name)
        guard hashIdentifiers else { return ["profile_id"] + fields }
        return ["profile_id", "email_sha256", "phone_sha256"] + fields.filter { !Self.clearIdentifiers.contains($0) }
    }

    /// Streams the rows to `write` and returns their number (header excluded).
    @discardableResult
    public func export(
        segment: String?, format: Exporter.Format, hashIdentifiers: Bool, write: (String) throws -> Void
    ) async throws -> Int {
        let columns = columns(hashIdentifiers: hashIdentifiers)
        if format == .csv { try write(CSVLine.make(columns)) }
        var rows = 0
        try await reader.forEachProfileDocument(segment: segment) { stored in
            let document = try JSONValue(parsing: stored.document)
            var fields = document["fields"]?.objectValue ?? [:]
            fields["profile_id"] = .string(stored.id)
            if hashIdentifiers {
                fields["email_sha256"] = fields["email"]?.stringValue.map {
                    .string(Self.sha256($0.trimmingCharacters(in: .whitespaces).lowercased()))
                }
                fields["phone_sha256"] = fields["phone"]?.stringValue.map { .string(Self.sha256($0)) }
            }
            rows += 1
            switch format {
            case .csv:
                try write(CSVLine.make(columns.map { column in
                    guard let value = fields[column] else { return "" }
                    if case .array(let list) = value { return list.compactMap(\.stringValue).joined(separator: "|") }
                    return Exporter.csvField(value)
                }))
            case .jsonl:
                var object: [String: JSONValue] = [:]
                for column in columns { object[column] = fields[column] ?? .null }
                try write(JSONValue.object(object).canonicalText)
            }
        }
        return rows
    }

    static func sha256(_ text: String) -> String { ContentHash.sha256(Data(text.utf8)) }
}
