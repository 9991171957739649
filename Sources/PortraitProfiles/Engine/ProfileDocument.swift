import Foundation
public import PortraitCore

/// The stored form of a profile: canonical JSON, so two computations of the same profile are the same text.
///
/// `golden` holds each attribute's surviving value with its provenance, `alternates` every value of the
/// attributes kept whole, `identifiers` the other identifiers, `consents` the latest decision per channel and
/// purpose, `fields` every field value (the golden record flat, the traits, tier and lifecycle), `records` the
/// count of records per entity.
public enum ProfileDocument {
    public static func render(_ profile: ComputedProfile, layout: ProfileLayout) -> JSONValue {
        var golden: [String: JSONValue] = [:]
        for (attribute, sourced) in profile.golden.values { golden[attribute.rawValue] = json(sourced) }
        var alternates: [String: JSONValue] = [:]
        for (attribute, list) in profile.golden.alternates where list.count > 1 {
            alternates[attribute.rawValue] = .array(list.map(json))
        }
        var identifiers: [String: JSONValue] = [:]
        for (type, list) in profile.golden.identifiers { identifiers[type] = .array(list.map(json)) }
        let consents = profile.golden.consents.sorted { ($0.key.channel, $0.key.purpose) < ($1.key.channel, $1.key.purpose) }
            .map { consent, source -> JSONValue in
                .object([
                    "channel": .string(consent.channel), "purpose": .string(consent.purpose),
                    "granted": .bool(consent.granted), "at": .string(Timestamps.text(consent.at)),
                    "source": json(source),
                ])
            }
        var fields: [String: JSONValue] = [:]
        for (index, field) in layout.fields.enumerated() {
            if let value = profile.values[index] { fields[field.name] = json(value) }
        }
        var records: [String: JSONValue] = [:]
        for (entity, count) in profile.recordCounts { records[entity.rawValue] = .number(count) }
        var document: [String: JSONValue] = [
            "id": .string(profile.id), "golden": .object(golden), "fields": .object(fields), "records": .object(records),
        ]
        if !alternates.isEmpty { document["alternates"] = .object(alternates) }
        if !identifiers.isEmpty { document["identifiers"] = .object(identifiers) }
        if !consents.isEmpty { document["consents"] = .array(consents) }
        if !profile.unreadable.isEmpty { document["unreadable_records"] = .array(profile.unreadable.map { .number(Int($0)) }) }
        return .object(document)
    }

    static func json(_ sourced: SourcedValue) -> JSONValue {
        .object(["value": sourced.value, "source": json(sourced.source)])
    }

    static func json(_ source: Provenance) -> JSONValue {
        .object([
            "record": .number(Int(source.recordID)), "connector": .string(source.connector),
            "at": .string(Timestamps.text(source.at)),
        ])
    }

    public static func json(_ value: ProfileValue) -> JSONValue {
        switch value {
        case .number(let number): return .number(decimal(number))
        case .text(let text), .date(let text): return .string(text)
        case .bool(let bool): return .bool(bool)
        case .list(let list): return .array(list.map(JSONValue.string))
        }
    }

    /// The shortest decimal that reads back as `number` (Decimal(Double) would write 0.1 as 0.1000000000000000512).
    static func decimal(_ number: Double) -> Decimal {
        if number == number.rounded(), abs(number) < 1e15 { return Decimal(Int(number)) }
        return Decimal(string: String(number)) ?? Decimal(number)
    }

    /// A field value of a stored document, typed by the layout.
    public static func value(_ json: JSONValue, type: ProfileFieldType) -> ProfileValue? {
        switch (type, json) {
        case (.number, .number(let number)): return .number(Double(truncating: number as NSNumber))
        case (.text, .string(let text)): return .text(text)
        case (.date, .string(let text)): return .date(text)
        case (.bool, .bool(let bool)): return .bool(bool)
        case (.list, .array(let list)): return .list(list.compactMap(\.stringValue))
        default: return nil
        }
    }

    /// What changed between two documents of a profile, field by field (`fields.total_spend`, `golden.email`,
    /// `records.order`); provenance alone changing is not a change. Nil when nothing did.
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
                object["source"] = nil
                object["at"] = nil
                return .object(object)
            })
        default:
            return []
        }
    }
}
