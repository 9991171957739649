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

/// A value per golden attribute, in an array by position (no hashing: a rebuild fills a few per profile, a
/// million profiles long).
public struct AttributeMap<Value: Sendable>: Sendable {
    private var storage = [Value?](repeating: nil, count: ProfileSettings.Attribute.allCases.count)

    public init() {}

    public subscript(attribute: ProfileSettings.Attribute) -> Value? {
        get { storage[attribute.index] }
        set { storage[attribute.index] = newValue }
    }
}

/// The best value of each attribute by its survivorship rule, with every other value kept as an alternate.
public struct GoldenRecord: Sendable {
    /// The surviving value per attribute (attributes no record has are absent).
    public var values = AttributeMap<SourcedValue>()
    /// Every distinct value per attribute, the survivor included, most recent first.
    public var alternates = AttributeMap<[SourcedValue]>()
    /// Identifiers other than email and phone (crm_id, member_card, ...) by type (sorted), each value once, most
    /// recent first; national ids keep only their last four characters.
    public var identifiers: [(type: String, values: [SourcedValue])] = []
    /// The latest decision per (channel, purpose), sorted by channel and purpose.
    public var consents: [(consent: ConsentFact, source: Provenance)] = []
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
        var identifierValues: [(type: String, values: [SourcedValue])] = []
        var consents: [(consent: ConsentFact, source: Provenance)] = []
        var interests: [String] = []
        func add(_ attribute: ProfileSettings.Attribute, key: String, value: CandidateValue, length: Int, source: Provenance) {
            candidates[attribute.index].append(Candidate(key: key, value: value, length: length, source: source))
        }
        for customer in customers {
            let source = customer.source
            if let full = customer.fullName ?? customer.givenName ?? customer.familyName {
                add(.name, key: Self.nameKey(full), value: .name(full: full, given: customer.givenName, family: customer.familyName),
                    length: full.unicodeScalars.count, source: source)
            }
            for identifier in customer.identifiers {
                switch identifier.type {
                case "email":
                    let email = identifier.value.lowercased()
                    add(.email, key: email, value: .text(email), length: email.utf8.count, source: source)
                case "phone":
                    add(.phone, key: identifier.value, value: .text(identifier.value), length: 0, source: source)
                default:
                    let shown =
                        identifier.type == "national_id" ? "****" + identifier.value.suffix(4) : identifier.value
                    let sourced = SourcedValue(value: .string(shown), source: source)
                    guard let slot = identifierValues.firstIndex(where: { $0.type == identifier.type }) else {
                        identifierValues.append((identifier.type, [sourced]))
                        continue
                    }
                    if let known = identifierValues[slot].values.firstIndex(where: { $0.value.stringValue == shown }) {
                        if identifierValues[slot].values[known].source.at < source.at { identifierValues[slot].values[known] = sourced }
                    } else {
                        identifierValues[slot].values.append(sourced)
                    }
                }
            }
            for (attribute, text) in [
                (ProfileSettings.Attribute.birthDate, customer.birthDate), (.occupation, customer.occupation),
                (.incomeBand, customer.incomeBand), (.gender, customer.gender == "unknown" ? nil : customer.gender),
            ] {
                if let text { add(attribute, key: text, value: .text(text), length: text.unicodeScalars.count, source: source) }
            }
            if let address = customer.address, let parts = address.objectValue {
                let key = ["line1", "line2", "city", "region", "postcode", "country"]
                    .map { parts[$0]?.stringValue ?? "" }.joined(separator: "\u{1F}")
                add(.address, key: key, value: .json(address), length: key.unicodeScalars.count, source: source)
            }
            for consent in customer.consents {
                if let known = consents.firstIndex(where: { $0.consent.channel == consent.channel && $0.consent.purpose == consent.purpose }) {
                    if consents[known].consent.at <= consent.at { consents[known] = (consent, source) }
                } else {
                    consents.append((consent, source))
                }
            }
            for interest in customer.interests where !interests.contains(interest) { interests.append(interest) }
        }
        for (attribute, list) in zip(attributes, candidates) where !list.isEmpty {
            let groups = group(list)
            guard let winner = pick(groups, rule: settings.rule(for: attribute)) else { continue }
            golden.values[attribute] = winner
            if keptWhole.contains(attribute) {
                golden.alternates[attribute] = groups.sorted(by: Group.newerFirst).map(\.latest)
            }
        }
        golden.identifiers = identifierValues.sorted { $0.type < $1.type }.map { type, values in
            (type, values.sorted { ($0.source.at, $0.value.stringValue ?? "") > ($1.source.at, $1.value.stringValue ?? "") })
        }
        golden.consents = consents.sorted { ($0.consent.channel, $0.consent.purpose) < ($1.consent.channel, $1.consent.purpose) }
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

    /// A candidate's value, made a `JSONValue` only for the values that are kept.
    enum CandidateValue {
        case text(String)
        case name(full: String, given: String?, family: String?)
        case json(JSONValue)

        var json: JSONValue {
            switch self {
            case .text(let text): return .string(text)
            case .json(let value): return value
            case .name(let full, let given, let family):
                var name: [String: JSONValue] = ["full": .string(full)]
                if let given { name["given"] = .string(given) }
                if let family { name["family"] = .string(family) }
                return .object(name)
            }
        }
    }

    struct Candidate {
        var key: String
        var value: CandidateValue
        var length: Int
        var source: Provenance
    }

    /// One distinct value and its observations.
    struct Group {
        var key: String
        var count: Int
        var length: Int
        var latest: SourcedValue!
        var earliest: SourcedValue!

        /// Most recent first; ties by the lower record id, then the key, so the order never depends on input order.
        static func newerFirst(_ a: Group, _ b: Group) -> Bool {
            if a.latest.source.at != b.latest.source.at { return a.latest.source.at > b.latest.source.at }
            if a.latest.source.recordID != b.latest.source.recordID {
                return a.latest.source.recordID < b.latest.source.recordID
            }
            return a.key < b.key
        }
    }

    /// Candidates grouped by key (a linear search: a profile has a few observations of an attribute, and hashing
    /// every key cost more than comparing them).
    static func group(_ candidates: [Candidate]) -> [Group] {
        var groups: [Group] = []
        var values: [CandidateValue] = []
        var latest: [Provenance] = []
        var earliest: [(Provenance, CandidateValue)] = []
        for candidate in candidates {
            if let index = groups.firstIndex(where: { $0.key == candidate.key }) {
                groups[index].count += 1
                if isNewer(candidate.source, than: latest[index]) {
                    latest[index] = candidate.source
                    values[index] = candidate.value
                }
                if isNewer(earliest[index].0, than: candidate.source) { earliest[index] = (candidate.source, candidate.value) }
            } else {
                groups.append(Group(key: candidate.key, count: 1, length: candidate.length, latest: nil, earliest: nil))
                values.append(candidate.value)
                latest.append(candidate.source)
                earliest.append((candidate.source, candidate.value))
            }
        }
        for index in groups.indices {
            groups[index].latest = SourcedValue(value: values[index].json, source: latest[index])
            groups[index].earliest = SourcedValue(value: earliest[index].1.json, source: earliest[index].0)
        }
        return groups
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
