/// One person of the world as they really are: the truth every silo record about them distorts.
public struct Person: Sendable, Hashable {
    /// `P00000001`: what `truth.csv` names.
    public let id: String
    /// Position in the population, from 0.
    public let index: Int
    public let culture: Culture
    public let gender: Gender
    public let name: PersonName
    public let birthDate: CivilDate
    /// Unique to this person.
    public let email: String
    /// A second address (work), unique to this person, if they have one.
    public let alternateEmail: String?
    /// Shared with the household when ``sharesPhone``, else this person's own.
    public let phone: PhoneNumber
    /// Shared with the household when ``sharesPhone``.
    public let address: Address
    /// People with the same household number live together; only households that share a phone have more than
    /// one member.
    public let household: Int
    public let sharesPhone: Bool
    /// The employer a CRM contact names.
    public let company: String
    /// Which silos know the person and how many records each holds.
    public let footprint: Footprint

    /// The `id` of the person at `index`.
    static func id(at index: Int) -> String {
        let digits = String(index + 1)
        return "P" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

public enum Culture: String, Sendable, Hashable {
    /// Han characters, family name first; pinyin for emails and romanized spellings.
    case chinese
    /// Latin letters, given name first.
    case english
}

public enum Gender: String, Sendable, Hashable {
    case female, male
}

/// A person's name in their own script, with its Latin spelling.
public struct PersonName: Sendable, Hashable {
    /// `张`, `欧阳`, `Smith`.
    public let family: String
    /// `伟`, `小明`, `John`.
    public let given: String
    /// Pinyin with a capital (`Zhang`, `Ouyang`) for Chinese names; ``family`` for English ones.
    public let familyLatin: String
    /// Pinyin (`Xiaoming`) for Chinese names; ``given`` for English ones.
    public let givenLatin: String
    /// A common short form of an English given name (`Bill` for William), if it has one.
    public let nickname: String?
}

/// A calendar day without a time zone (a birth date).
public struct CivilDate: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// `1985-03-07`.
    public var iso: String { "\(year)-\(Self.two(month))-\(Self.two(day))" }

    /// The date with day and month swapped, as a form filled in the other country's order reads it; nil when the
    /// day cannot be a month or the swap changes nothing.
    public var swappedDayAndMonth: CivilDate? {
        guard day <= 12, day != month else { return nil }
        return CivilDate(year: year, month: day, day: month)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

/// A phone number by its country and national digits.
public struct PhoneNumber: Sendable, Hashable {
    public enum Country: String, Sendable, Hashable {
        /// Mobile numbers: 11 digits starting 13-19.
        case cn = "CN"
        /// NANP: 10 digits.
        case us = "US"

        var callingCode: String { self == .cn ? "86" : "1" }
    }

    public let country: Country
    /// `13800138000`, `2025550123`.
    public let national: String

    /// `+8613800138000`: what the `phone` transform makes of any format the silos write.
    public var e164: String { "+" + country.callingCode + national }
}

/// Where a household lives.
public struct Address: Sendable, Hashable {
    /// `张杨路1234号5栋302室`, `123 Main St Apt 4`.
    public let line1: String
    public let city: String
    public let postcode: String
    /// ISO 3166-1 alpha-2.
    public let country: String
}

/// The four silos a person can be known to.
public enum Silo: String, Sendable, Hashable, CaseIterable {
    case crm, feed, stores, survey
}

/// A store membership: which store issued the card, and its number.
public struct Membership: Sendable, Hashable {
    public let store: StoreCatalog.Store
    /// `SH01-48213907`: unique in the world.
    public let card: String
}

/// What the silos hold about one person.
public struct Footprint: Sendable, Hashable {
    public let crmContacts: Int
    public let orders: Int
    /// One card, or two when the person registered twice.
    public let memberships: [Membership]
    public let receipts: Int
    public let surveyResponses: Int

    /// The silos with at least one record about the person.
    public var silos: Set<Silo> {
        var silos: Set<Silo> = []
        if crmContacts > 0 { silos.insert(.crm) }
        if orders > 0 { silos.insert(.feed) }
        if !memberships.isEmpty { silos.insert(.stores) }
        if surveyResponses > 0 { silos.insert(.survey) }
        return silos
    }
}
