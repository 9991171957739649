public import Foundation

/// The `identity` section of `portrait.yml`: how observations become profiles.
///
/// Every part has a default (`IdentitySettings.standard`), so a config without the section resolves identities with
/// the shipped model; a section replaces only the keys it names.
public struct IdentitySettings: Sendable, Hashable {
    /// Identifier types in priority order: a deterministic link on an earlier type is joined before a later one, so
    /// when limits force a choice the stronger identifier wins.
    public var identifiers: [IdentifierRule]
    /// Values that never count as evidence (shop phone numbers, `test@…`, all zeros).
    public var blockedValues: [BlockedValue]
    /// Candidate pairs are the union of the pairs each rule's keys bring together.
    public var blocking: [BlockingRule]
    /// The probabilistic model's comparisons, each a ladder of levels.
    public var comparisons: [ComparisonSpec]
    /// A pair whose match probability reaches this is linked.
    public var matchThreshold: Double
    /// A blocking key shared by more observations than this is too common to compare pairwise (it is reported).
    public var maxBlockSize: Int
    /// Random pairs drawn to estimate the u probabilities.
    public var trainingPairs: Int
    /// A model link needs agreement on something besides names, city and gender (a phone, an email, a birth date,
    /// an address, an identifier): two records that share only a name are two people as often as one.
    public var requireCorroboration = true
    /// A model link may not join two clusters whose given names all differ (in the same script): a nameless
    /// record that shares a phone with two people of one household links to both, and would otherwise join them.
    public var clustersNeedAgreeingNames = true

    public init(
        identifiers: [IdentifierRule], blockedValues: [BlockedValue], blocking: [BlockingRule],
        comparisons: [ComparisonSpec], matchThreshold: Double, maxBlockSize: Int, trainingPairs: Int
    ) {
        self.identifiers = identifiers
        self.blockedValues = blockedValues
        self.blocking = blocking
        self.comparisons = comparisons
        self.matchThreshold = matchThreshold
        self.maxBlockSize = maxBlockSize
        self.trainingPairs = trainingPairs
    }

    /// The rule for an identifier type, or nil for a type the section does not name (compared, never deterministic).
    public func rule(forType type: String) -> IdentifierRule? {
        identifiers.first { $0.type == type }
    }

    /// A fingerprint of everything that decides which pairs are compared and how they score: a stored model trained
    /// under other comparisons is not used.
    public var modelFingerprint: String {
        comparisons.map(\.description).joined(separator: ";")
    }

    /// Whether agreement on `field` corroborates a name.
    static func corroborates(_ field: FeatureField) -> Bool {
        switch field {
        case .given, .family, .name, .city, .gender: return false
        default: return true
        }
    }
}

/// How one identifier type takes part in resolution.
public struct IdentifierRule: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable {
        /// One value means one person wherever it comes from (an email address).
        case global
        /// Values are only meaningful within their connector (one CRM's ids are not another's).
        case connector
    }

    public var type: String
    /// Sharing a value links two observations without the model.
    public var deterministic: Bool
    public var scope: Scope
    /// At most this many different values per profile (per connector when scoped); a merge that would exceed it is
    /// refused.
    public var maxPerProfile: Int?

    public init(type: String, deterministic: Bool, scope: Scope = .global, maxPerProfile: Int? = nil) {
        self.type = type
        self.deterministic = deterministic
        self.scope = scope
        self.maxPerProfile = maxPerProfile
    }
}

/// A value that is never evidence of identity.
public struct BlockedValue: Sendable, Hashable {
    public enum Match: Sendable, Hashable {
        case exact(String)
        case pattern(String)
    }

    /// The identifier type it applies to, or nil for every identifier.
    public var type: String?
    public var match: Match

    public init(type: String?, match: Match) {
        self.type = type
        self.match = match
    }
}

/// One blocking rule: observations that agree exactly on all `fields` become candidate pairs.
public struct BlockingRule: Sendable, Hashable, CustomStringConvertible {
    public var fields: [FeatureField]

    public init(fields: [FeatureField]) {
        self.fields = fields
    }

    public var description: String { fields.map(\.description).joined(separator: " + ") }
}

/// One comparison of the model: a field and its levels, best first. "Missing on either side" and "none of the
/// levels" are implicit: the first says nothing, the second is the disagreement level.
public struct ComparisonSpec: Sendable, Hashable, CustomStringConvertible {
    public var field: FeatureField
    public var levels: [ComparisonLevel]
    /// Exact agreement on a common value counts for less than on a rare one.
    public var termFrequency: Bool
    /// Both sides have a value and it reaches no level: the pair is not linked by the model, whatever else agrees,
    /// unless the birth dates agree (exactly or but for a transposition). Household members share a phone, an
    /// address and a family name; only their given names (and birthdays) differ, and under the model's
    /// independence that difference is outweighed. Fuzzy and swapped levels still pass.
    public var differentVetoes: Bool

    public init(field: FeatureField, levels: [ComparisonLevel], termFrequency: Bool, differentVetoes: Bool = false) {
        self.field = field
        self.levels = levels
        self.termFrequency = termFrequency
        self.differentVetoes = differentVetoes
    }

    /// Level names as reports show them, the disagreement level last.
    public var levelNames: [String] { levels.map(\.description) + ["different"] }

    public var description: String {
        "\(field): \(levels.map(\.description).joined(separator: ", "))\(termFrequency ? " (tf)" : "")"
            + (differentVetoes ? " (different vetoes)" : "")
    }
}

/// A rung of a comparison's ladder.
public enum ComparisonLevel: Sendable, Hashable, CustomStringConvertible {
    case exact
    /// Given and family name swapped (`伟 张` against `张 伟`, `Smith John` against `John Smith`).
    case swapped
    case jaroWinkler(Double)
    case damerauLevenshtein(Int)
    /// Dates: one transposition or typo of the digits, or day and month swapped.
    case transposed
    case withinMonth
    case withinYear

    public var description: String {
        switch self {
        case .exact: return "exact"
        case .swapped: return "swapped"
        case .jaroWinkler(let threshold): return "jaro_winkler >= \(threshold)"
        case .damerauLevenshtein(let distance): return "damerau_levenshtein <= \(distance)"
        case .transposed: return "transposed"
        case .withinMonth: return "within_month"
        case .withinYear: return "within_year"
        }
    }
}

/// A feature of an observation that blocking rules and comparisons name.
public enum FeatureField: Sendable, Hashable, CustomStringConvertible {
    case given
    case family
    /// Given and family name together; as a blocking key the pair is unordered, so swapped names share it.
    case name
    case birthDate
    case birthYear
    case gender
    case postcode
    case city
    case street
    /// Values of one identifier type (`email`, `phone`, `identifier:member_card`).
    case identifier(String)

    public var description: String {
        switch self {
        case .given: return "given"
        case .family: return "family"
        case .name: return "name"
        case .birthDate: return "birth_date"
        case .birthYear: return "birth_year"
        case .gender: return "gender"
        case .postcode: return "postcode"
        case .city: return "city"
        case .street: return "street"
        case .identifier(let type):
            return type == "email" || type == "phone" ? type : "identifier:\(type)"
        }
    }

    /// The names a config may use, for error messages.
    public static let spellings = [
        "given", "family", "name", "birth_date", "birth_year", "gender", "postcode", "city", "street", "email",
        "phone", "identifier:<type>",
    ]

    public init?(spelling: String) {
        switch spelling {
        case "given": self = .given
        case "family": self = .family
        case "name": self = .name
        case "birth_date": self = .birthDate
        case "birth_year": self = .birthYear
        case "gender": self = .gender
        case "postcode": self = .postcode
        case "city": self = .city
        case "street": self = .street
        case "email", "phone": self = .identifier(spelling)
        default:
            guard spelling.hasPrefix("identifier:") else { return nil }
            let type = String(spelling.dropFirst("identifier:".count))
            guard !type.isEmpty else { return nil }
            self = .identifier(type)
        }
    }
}
