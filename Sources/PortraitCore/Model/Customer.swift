/// One observation of a person as a source saw them; matches `schemas/customer.schema.json`.
public struct Customer: Codable, Sendable, Hashable {
    public var identifiers: [Identifier]?
    public var name: PersonName?
    /// `YYYY-MM-DD`: a calendar date, deliberately not a `Date`, which would carry a time zone.
    public var birthDate: String?
    public var gender: Gender?
    public var occupation: String?
    public var incomeBand: String?
    public var address: Address?
    public var consents: [Consent]?
    /// Topics the person said they care about, as a survey's choices spell them (`sports`, `beauty`).
    public var interests: [String]?
    /// Source fields with no canonical home, kept as received.
    public var attributes: [String: JSONValue]?

    public init(
        identifiers: [Identifier]? = nil, name: PersonName? = nil, birthDate: String? = nil, gender: Gender? = nil,
        occupation: String? = nil, incomeBand: String? = nil, address: Address? = nil, consents: [Consent]? = nil,
        attributes: [String: JSONValue]? = nil, interests: [String]? = nil
    ) {
        self.identifiers = identifiers
        self.name = name
        self.birthDate = birthDate
        self.gender = gender
        self.occupation = occupation
        self.incomeBand = incomeBand
        self.address = address
        self.consents = consents
        self.attributes = attributes
        self.interests = interests
    }

    enum CodingKeys: String, CodingKey {
        case identifiers, name, gender, occupation, address, consents, interests, attributes
        case birthDate = "birth_date"
        case incomeBand = "income_band"
    }
}

/// A person's name. Chinese names are family-name-first with no space: `王小明` is family `王`, given `小明`.
public struct PersonName: Codable, Sendable, Hashable {
    public var given: String?
    public var family: String?
    public var full: String?

    public init(given: String? = nil, family: String? = nil, full: String? = nil) {
        self.given = given
        self.family = family
        self.full = full
    }
}

/// The canonical gender values; source spellings (`M`, `F`, `男`, `女`, …) are mapped onto these.
public enum Gender: String, Codable, Sendable, Hashable, CaseIterable {
    case female
    case male
    case nonBinary = "non_binary"
    case other
    case unknown
}

public struct Address: Codable, Sendable, Hashable {
    public var line1: String?
    public var line2: String?
    public var city: String?
    public var region: String?
    public var postcode: String?
    /// ISO 3166-1 alpha-2.
    public var country: String?

    public init(
        line1: String? = nil, line2: String? = nil, city: String? = nil, region: String? = nil,
        postcode: String? = nil, country: String? = nil
    ) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postcode = postcode
        self.country = country
    }
}

/// Consent for one channel and purpose, with when and where it was given or withdrawn.
public struct Consent: Codable, Sendable, Hashable {
    public var channel: String
    public var purpose: String
    public var granted: Bool
    /// RFC 3339 timestamp, as received.
    public var timestamp: String
    public var source: String?

    public init(channel: String, purpose: String, granted: Bool, timestamp: String, source: String? = nil) {
        self.channel = channel
        self.purpose = purpose
        self.granted = granted
        self.timestamp = timestamp
        self.source = source
    }
}
