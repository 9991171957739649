import Foundation
public import PortraitCore

/// The stored form of a profile: JSON written in a fixed order, so two computations of the same profile are the
/// same text.
///
/// `golden` holds each attribute's surviving value and the record it came from, `alternates` every value of the
/// attributes kept whole, `identifiers` the other identifiers, `consents` the latest decision per channel and
/// purpose, `records` the count of records per entity, `provenance` the connector and time of every record named
/// (once, however many values it gave), and `fields` every field value: the golden record flat and the traits, in
/// the layout's order. The store keeps `fields` in its typed table and the rest as text (``slim(_:)``).
public enum ProfileDocument {
    /// The document without `fields`: what the profiles table stores. The field values live in the typed
    /// `profile_fields` row only (written once, not twice), and ``composed(_:fields:)`` puts the two together for
    /// readers. Nothing in it needs the population's RFM boundaries, so a rebuild can store it as soon as the
    /// profile is computed.
    public static func slim(_ profile: ComputedProfile) -> String {
        var writer = JSONTextWriter(capacity: 1024)
        // The records named, each once (a few per profile: a linear search beats hashing).
        var provenance: [Provenance] = []
        func named(_ source: Provenance) {
            if !provenance.contains(where: { $0.recordID == source.recordID }) { provenance.append(source) }
        }
        func sourced(_ item: SourcedValue, key: String? = nil) {
            writer.beginObject(key)
            writer.json(item.value, key: "value")
            writer.number(Double(item.source.recordID), key: "record")
            writer.endObject()
            named(item.source)
        }
        writer.beginObject()
        writer.string(profile.id, key: "id")
        writer.beginObject("golden")
        for attribute in ProfileSettings.Attribute.allCases {
            if let item = profile.golden.values[attribute] { sourced(item, key: attribute.rawValue) }
        }
        writer.endObject()
        let alternates = ProfileSettings.Attribute.allCases.filter { (profile.golden.alternates[$0]?.count ?? 0) > 1 }
        if !alternates.isEmpty {
            writer.beginObject("alternates")
            for attribute in alternates {
                writer.beginArray(attribute.rawValue)
                for item in profile.golden.alternates[attribute] ?? [] { sourced(item) }
                writer.endArray()
            }
            writer.endObject()
        }
        if !profile.golden.identifiers.isEmpty {
            writer.beginObject("identifiers")
            for (type, values) in profile.golden.identifiers {
                writer.beginArray(type)
                for item in values { sourced(item) }
                writer.endArray()
            }
            writer.endObject()
        }
        if !profile.golden.consents.isEmpty {
            writer.beginArray("consents")
            for (consent, source) in profile.golden.consents {
                writer.beginObject()
                writer.string(consent.channel, key: "channel")
                writer.string(consent.purpose, key: "purpose")
                writer.bool(consent.granted, key: "granted")
                writer.string(Timestamps.text(consent.at), key: "at")
                writer.number(Double(source.recordID), key: "record")
                writer.endObject()
                named(source)
            }
            writer.endArray()
        }
        writer.beginObject("records")
        for entity in Entity.allCases {
            if let count = profile.recordCounts[entity] { writer.number(Double(count), key: entity.rawValue) }
        }
        writer.endObject()
        writer.beginObject("provenance")
        for source in provenance.sorted(by: { $0.recordID < $1.recordID }) {
            writer.beginObject(String(source.recordID))
            writer.string(source.connector, key: "connector")
            writer.string(Timestamps.text(source.at), key: "at")
            writer.endObject()
        }
        writer.endObject()
        if !profile.unreadable.isEmpty {
            writer.beginArray("unreadable_records")
            for record in profile.unreadable { writer.number(Double(record)) }
            writer.endArray()
        }
        writer.endObject()
        return writer.text
    }

    /// The `fields` object: every field with a value, in the layout's order. Empty lists and values that are not
    /// finite numbers are left out, as the fields table stores them as NULL: the engine's text and the store's
    /// must be the same for an unchanged profile.
    public static func fields(_ values: some Sequence<(name: String, value: ProfileValue?)>) -> String {
        var writer = JSONTextWriter(capacity: 512)
        writer.beginObject()
        for (name, value) in values {
            switch value {
            case nil: continue
            case .list(let list)? where list.isEmpty: continue
            case .number(let number)? where !number.isFinite: continue
            case let value?: writer.value(value, key: name)
            }
        }
        writer.endObject()
        return writer.text
    }

    /// The `fields` object of values in `layout`'s order.
    public static func fields(_ values: [ProfileValue?], layout: ProfileLayout) -> String {
        fields(zip(layout.fields, values).lazy.map { (name: $0.0.name, value: $0.1) })
    }

    /// The whole document: `slim` with its `fields` object as the last member.
    public static func composed(_ slim: String, fields: String) -> String {
        guard slim.hasSuffix("}") else { return slim }
        return String(slim.dropLast()) + ",\"fields\":" + fields + "}"
    }

    /// The connector and time of the record a golden value, alternate, identifier or consent names.
    public static func source(of item: JSONValue?, in document: JSONValue) -> (record: Int64, connector: String, at: String)? {
        guard let record = item?["record"]?.numberValue.map({ Int64(truncating: $0 as NSNumber) }),
            let entry = document["provenance"]?[String(record)]
        else { return nil }
        return (record, entry["connector"]?.stringValue ?? "?", entry["at"]?.stringValue ?? "?")
    }

    /// What changed between two documents of a profile, field by field (`fields.total_spend`, `golden.email`,
    /// `records.order`); provenance alone changing is not a change. Empty when nothing did.
    public static func changes(from old: JSONValue, to new: JSONValue) -> [JSONValue] {
        var changes: [JSONValue] = []
        func compare(_ section: String, _ a: JSONValue?, _ b: JSONValue?, valueOnly: Bool) {
            let before = a?.objectValue ?? [:]
            let after = b?.objectValue ?? [:]
            for key in Set(before.keys).union(after.keys).sorted() {
                var x = before[key]
                var y = after[key]
                if valueOnly {
                    x = x?["value"] ?? x
                    y = y?["value"] ?? y
                }
                if x != y {
                    changes.append(.object(["field": .string(section + "." + key), "from": x ?? .null, "to": y ?? .null]))
                }
            }
        }
        compare("golden", old["golden"], new["golden"], valueOnly: true)
        compare("fields", old["fields"], new["fields"], valueOnly: false)
        compare("records", old["records"], new["records"], valueOnly: false)
        for section in ["alternates", "identifiers", "consents"] {
            let before = values(old[section])
            let after = values(new[section])
            if before != after {
                changes.append(.object(["field": .string(section), "from": .number(before.count), "to": .number(after.count)]))
            }
        }
        return changes
    }

    /// The values (not their provenance) of an alternates, identifiers or consents section.
    private static func values(_ section: JSONValue?) -> Set<JSONValue> {
        switch section {
        case .object(let object)?:
            return Set(object.flatMap { key, list in (list.arrayValue ?? []).map { JSONValue.array([.string(key), $0["value"] ?? .null]) } })
        case .array(let list)?:
            return Set(list.map { item -> JSONValue in
                guard var object = item.objectValue else { return item }
                object["record"] = nil
                object["at"] = nil
                return .object(object)
            })
        default:
            return []
        }
    }
}
