public import PortraitCore

/// One value of an attribute with where it came from.
public struct SourcedValue: Sendable, Hashable {
    public var value: JSONValue
    public var source: Provenance

    public init(value: JSONValue, source: Provenance) {
        self.value = value
        self.source = source
    }
}

/// The best value of each attribute by its survivorship rule, with every other value kept as an alternate.
public struct GoldenRecord: Sendable, Hashable {
    /// The surviving value per attribute (attributes no record has are absent).
    public var values: [ProfileSettings.Attribute: SourcedValue] = [:]
    /// Every distinct value per attribute, the survivor included, most recent first.
    public var alternates: [ProfileSettings.Attribute: [SourcedValue]] = [:]
    /// Identifiers other than email and phone (crm_id, member_card, ...) by type, each value once; national ids
    /// keep only their last four characters.
    public var identifiers: [String: [SourcedValue]] = [:]
    /// The latest decision per (channel, purpose).
    public var consents: [ConsentFact: Provenance] = [:]
    /// Stated interests (survey answers), each once, sorted.
    public var interests: [String] = []

    public init() {}

    public func text(_ attribute: ProfileSettings.Attribute) -> String? { values[attribute]?.value.stringValue }
}

extension ProfileSettings.Attribute {
    /// The position in `allCases`.
    var index: Int {
        switch self {
        case .name: 0
        case .email: 1
        case .phone: 2
        case .birthDate: 3
        case .gender: 4
        case .address: 5
        case .occupation: 6
        case .incomeBand: 7
        }
    }
}

/// Applies survivorship rules to a profile's customer observations.
public enum GoldenRecordBuilder {
    /// Attributes whose every value is kept as an alternate (the others keep only their survivor).
    static let keptWhole: Set<ProfileSettings.Attribute> = [.name, .email, .phone, .address]

    public static func build(_ customers: [CustomerFacts], settings: ProfileSettings) -> GoldenRecord {
        // Per attribute, in `allCases` order (an array: hashing the attribute for every value showed in profiles).
        let attributes = ProfileSettings.Attribute.allCases
        var candidates = [[Candidate]](repeating: [], count: attributes.count)
        var golden = GoldenRecord()
        var identifierValues: [String: [String: SourcedValue]] = [:]
        var consents: [String: (ConsentFact, Provenance)] = [:]
        var interests = Set<String>()
        func add(_ attribute: ProfileSettings.Attribute, key: String, value: JSONValue, length: Int, source: Provenance) {
            candidates[attribute.index].append(Candidate(key: key, value: value, length: length, source: source))
        }
        for customer in customers {
            let source = customer.source
            if let full = customer.fullName ?? customer.givenName ?? customer.familyName {
                var name: [String: JSONValue] = ["full": .string(full)]
                if let given = customer.givenName { name["given"] = .string(given) }
                if let family = customer.familyName { name["family"] = .string(family) }
                let key = Self.nameKey(full)
                add(.name, key: key, value: .object(name), length: full.unicodeScalars.count, source: source)
            }
            for identifier in customer.identifiers {
                switch identifier.type {
                case "email":
                    let email = identifier.value.lowercased()
                    add(.email, key: email, value: .string(email), length: email.utf8.count, source: source)
                case "phone":
                    add(.phone, key: identifier.value, value: .string(identifier.value), length: 0, source: source)
                default:
                    let shown =
                        identifier.type == "national_id" ? "****" + identifier.value.suffix(4) : identifier.value
                    let known = identifierValues[identifier.type]?[shown]
                    if known == nil || known!.source.at < source.at {
                        identifierValues[identifier.type, default: [:]][shown] = SourcedValue(
                            value: .string(shown), source: source)
                    }
                }
            }
            for (attribute, text) in [
                (ProfileSettings.Attribute.birthDate, customer.birthDate), (.occupation, customer.occupation),
                (.incomeBand, customer.incomeBand), (.gender, customer.gender == "unknown" ? nil : customer.gender),
            ] {
                if let text { add(attribute, key: text, value: .string(text), length: text.unicodeScalars.count, source: source) }
            }
            if let address = customer.address, let parts = address.objectValue {
                let key = ["line1", "line2", "city", "region", "postcode", "country"]
                    .map { parts[$0]?.stringValue ?? "" }.joined(separator: "\u{1F}")
                add(.address, key: key, value: address, length: key.unicodeScalars.count, source: source)
            }
            for consent in customer.consents {
                let key = consent.channel + "\u{1F}" + consent.purpose
                if let known = consents[key], known.0.at > consent.at { continue }
                consents[key] = (consent, source)
            }
            interests.formUnion(customer.interests)
        }
        for (attribute, list) in zip(attributes, candidates) where !list.isEmpty {
            let groups = group(list)
            guard let winner = pick(groups, rule: settings.rule(for: attribute)) else { continue }
            golden.values[attribute] = winner
            if keptWhole.contains(attribute) {
                golden.alternates[attribute] = groups.sorted(by: Group.newerFirst).map(\.latest)
            }
        }
        for (type, values) in identifierValues {
            golden.identifiers[type] = values.values.sorted { ($0.source.at, $0.value.stringValue ?? "") > ($1.source.at, $1.value.stringValue ?? "") }
        }
        for (consent, source) in consents.values { golden.consents[consent] = source }
        golden.interests = interests.sorted()
        return golden
    }

    /// ASCII lower-cased, with runs of spaces as one: `Ana  GARCIA` and `ana garcia` are one name. Bytes, not
    /// characters: this runs for every observation of every profile.
    static func nameKey(_ name: String) -> String {
        var key: [UInt8] = []
        key.reserveCapacity(name.utf8.count)
        var space = false
        for byte in name.utf8 {
            if byte == 0x20 || byte == 0x09 {
                space = !key.isEmpty
                continue
            }
            if space { key.append(0x20) }
            space = false
            key.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
        }
        return String(decoding: key, as: UTF8.self)
    }

    struct Candidate {
        var key: String
        var value: JSONValue
        var length: Int
        var source: Provenance
    }

    /// One distinct value and its observations.
    struct Group {
        var key: String
        var count: Int
        var length: Int
        var latest: SourcedValue
        var earliest: SourcedValue

        /// Most recent first; ties by the lower record id, then the key, so the order never depends on input order.
        static func newerFirst(_ a: Group, _ b: Group) -> Bool {
            if a.latest.source.at != b.latest.source.at { return a.latest.source.at > b.latest.source.at }
            if a.latest.source.recordID != b.latest.source.recordID {
                return a.latest.source.recordID < b.latest.source.recordID
            }
            return a.key < b.key
        }
    }

    static func group(_ candidates: [Candidate]) -> [Group] {
        if candidates.count == 1, let only = candidates.first {
            let sourced = SourcedValue(value: only.value, source: only.source)
            return [Group(key: only.key, count: 1, length: only.length, latest: sourced, earliest: sourced)]
        }
        var groups: [String: Group] = [:]
        for candidate in candidates {
            let sourced = SourcedValue(value: candidate.value, source: candidate.source)
            if var group = groups[candidate.key] {
                group.count += 1
                if isNewer(candidate.source, than: group.latest.source) { group.latest = sourced }
                if isNewer(group.earliest.source, than: candidate.source) { group.earliest = sourced }
                groups[candidate.key] = group
            } else {
                groups[candidate.key] = Group(
                    key: candidate.key, count: 1, length: candidate.length, latest: sourced, earliest: sourced)
            }
        }
        return Array(groups.values)
    }

    static func isNewer(_ a: Provenance, than b: Provenance) -> Bool {
        a.at != b.at ? a.at > b.at : a.recordID < b.recordID
    }

    static func pick(_ groups: [Group], rule: ProfileSettings.Survivorship) -> SourcedValue? {
        let ordered = groups.sorted(by: Group.newerFirst)
        switch rule {
        case .mostRecent:
            return ordered.first?.latest
        case .mostFrequent:
            return ordered.max { $0.count < $1.count || ($0.count == $1.count && Group.newerFirst($1, $0)) }?.latest
        case .longest:
            return ordered.max { $0.length < $1.length || ($0.length == $1.length && Group.newerFirst($1, $0)) }?.latest
        case .firstSeen:
            return groups.min { a, b in
                let x = a.earliest.source
                let y = b.earliest.source
                if x.at != y.at { return x.at < y.at }
                if x.recordID != y.recordID { return x.recordID < y.recordID }
                return a.key < b.key
            }?.earliest
        case .sourcePriority(let connectors):
            func rank(_ group: Group) -> Int { connectors.firstIndex(of: group.latest.source.connector) ?? connectors.count }
            return ordered.min { rank($0) < rank($1) }?.latest
        }
    }
}
