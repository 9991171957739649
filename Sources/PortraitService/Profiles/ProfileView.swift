public import Foundation
public import PortraitCore
public import PortraitProfiles
import PortraitIdentity

/// A profile as `portrait profiles show` presents it: the golden record with the record each value came from, the
/// fields (traits, tier, lifecycle), segments, linked records and versions; now or as it was at a date.
public struct ProfileView: Sendable {
    public var id: String
    public var version: Int
    /// The stored document.
    public var document: JSONValue
    public var segments: [(segment: String, entered: Date)]
    /// Record id → connector/stream/source id, for every record the document names.
    public var recordKeys: [Int64: String]
    public var versions: [(version: Int, from: Date, to: Date?)]
    public var asOf: Date?

    /// Loads a profile (an alias is followed to the profile it was merged into), now or `asOf`.
    ///
    /// - Returns: nil when the profile does not exist (or did not at `asOf`).
    public static func load(id requested: String, asOf: Date?, workspace: Workspace) async throws -> ProfileView? {
        let reader = try ProfileUpdates.store(of: workspace)
        var id = requested
        if asOf == nil, try await reader.storedProfile(id: id) == nil,
            let resolved = try await IdentityResolution.store(of: workspace).resolveProfileID(requested)
        {
            id = resolved
        }
        let loaded: (document: String, version: Int)?
        if let asOf {
            loaded = try await reader.profileDocument(id: id, asOf: asOf)
        } else {
            loaded = try await reader.storedProfile(id: id).map { ($0.document, $0.version) }
        }
        guard let loaded else { return nil }
        let document = try JSONValue(parsing: loaded.document)
        let memberships = try await reader.memberships(profile: id, asOf: asOf ?? Date())
            .filter { $0.exited == nil || asOf != nil }
        let ids = (document["provenance"]?.objectValue ?? [:]).keys.compactMap { Int64($0) }
        let keys = try await reader.recordKeys(ids).mapValues { "\($0.connector)/\($0.stream)/\($0.sourceID)" }
        return ProfileView(
            id: id, version: loaded.version, document: document,
            segments: memberships.map { ($0.segment, $0.entered) }, recordKeys: keys,
            versions: try await reader.profileVersions(id: id), asOf: asOf)
    }

    /// The record a golden value, alternate or consent came from, as connector/stream/source id and time.
    func origin(_ item: JSONValue?) -> String {
        guard let source = ProfileDocument.source(of: item, in: document) else { return "" }
        return "\(recordKeys[source.record] ?? "\(source.connector) record \(source.record)") at \(source.at)"
    }

    /// The JSON of `portrait profiles show --json`: the document with segments, versions and record keys.
    public var json: JSONValue {
        var object = document.objectValue ?? [:]
        object["version"] = .number(version)
        if let asOf { object["as_of"] = .string(Timestamps.text(asOf.timeIntervalSince1970)) }
        object["segments"] = .array(segments.map {
            .object(["segment": .string($0.segment), "entered_at": .string(Timestamps.text($0.entered.timeIntervalSince1970))])
        })
        object["record_keys"] = .object(Dictionary(uniqueKeysWithValues: recordKeys.map { (String($0.key), JSONValue.string($0.value)) }))
        object["versions"] = .array(versions.map { version in
            var item: [String: JSONValue] = [
                "version": .number(version.version), "from": .string(Timestamps.text(version.from.timeIntervalSince1970)),
            ]
            if let to = version.to { item["to"] = .string(Timestamps.text(to.timeIntervalSince1970)) }
            return .object(item)
        })
        return .object(object)
    }

    /// The terminal rendering.
    public var text: String {
        var lines: [String] = []
        var header = "Profile \(id), version \(version)"
        if let asOf { header += ", as of \(Timestamps.text(asOf.timeIntervalSince1970))" }
        lines.append(header)
        lines.append("Golden record (value, then the record it came from):")
        let golden = document["golden"]?.objectValue ?? [:]
        for attribute in ProfileSettings.Attribute.allCases {
            guard let item = golden[attribute.rawValue] else { continue }
            let value = item["value"].map(Self.display) ?? ""
            lines.append("  \(attribute.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)   [\(origin(item))]")
        }
        for (attribute, list) in (document["alternates"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let values = (list.arrayValue ?? []).map { Self.display($0["value"] ?? .null) }
            lines.append("  all \(attribute) values: " + values.joined(separator: "; "))
        }
        for (type, list) in (document["identifiers"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let values = (list.arrayValue ?? []).map { Self.display($0["value"] ?? .null) }
            lines.append("  \(type): " + values.joined(separator: ", "))
        }
        for consent in document["consents"]?.arrayValue ?? [] {
            let granted = consent["granted"]?.boolValue == true ? "granted" : "refused"
            lines.append(
                "  consent \(consent["channel"]?.stringValue ?? "?")/\(consent["purpose"]?.stringValue ?? "?"): \(granted) "
                    + "at \(consent["at"]?.stringValue ?? "?")   [\(origin(consent))]")
        }
        lines.append("Traits:")
        let fields = document["fields"]?.objectValue ?? [:]
        let goldenFields = Set(ProfileFields.golden.map(\.0))
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where !goldenFields.contains(name) {
            lines.append("  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(Self.display(value))")
        }
        lines.append(
            "Segments: " + (segments.isEmpty ? "none" : segments.map { "\($0.segment) (since \(Timestamps.day($0.entered.timeIntervalSince1970)))" }.joined(separator: ", ")))
        let counts = (document["records"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
            .map { "\($0.value.textValue ?? "0") \($0.key)" }
        lines.append("Records: " + counts.joined(separator: ", ") + " (`portrait identity explain \(id)` lists them)")
        if versions.count > 1 {
            lines.append("Versions: " + versions.map { "\($0.version) from \(Timestamps.day($0.from.timeIntervalSince1970))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    static func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .array(let list): return list.map(display).joined(separator: ", ")
        case .object(let object):
            if let full = object["full"]?.stringValue { return full }
            return ["line1", "line2", "city", "region", "postcode", "country"].compactMap { object[$0]?.stringValue }
                .joined(separator: ", ")
        default: return value.textValue ?? value.canonicalText
        }
    }
}
