/// What one record says about who someone is, normalised for comparison.
///
/// Stored beside the record (`encoded`), so an incremental resolve compares candidates without parsing their
/// canonical JSON again.
public struct ObservationFeatures: Sendable, Hashable {
    /// Normalised identifier values by type, sorted; a connector-scoped type is keyed `type@connector`.
    public var identifiers: [String: [String]]
    public var name: PersonName?
    public var birthDate: CalendarDate?
    public var gender: String?
    public var postcode: String?
    public var city: String?
    public var street: String?

    public init(
        identifiers: [String: [String]] = [:], name: PersonName? = nil, birthDate: CalendarDate? = nil,
        gender: String? = nil, postcode: String? = nil, city: String? = nil, street: String? = nil
    ) {
        self.identifiers = identifiers
        self.name = name
        self.birthDate = birthDate
        self.gender = gender
        self.postcode = postcode
        self.city = city
        self.street = street
    }

    /// Nothing to resolve on: such an observation stays a profile of its own, never merged on nothing.
    public var isEmpty: Bool {
        identifiers.isEmpty && name == nil && birthDate == nil && postcode == nil && city == nil && street == nil
    }

    /// The values of `field`, as text (several for identifiers; one or none for the rest).
    public func values(of field: FeatureField) -> [String] {
        switch field {
        case .given: return name.map { [$0.given] }?.filter { !$0.isEmpty } ?? []
        case .family: return name.map { [$0.family] }?.filter { !$0.isEmpty } ?? []
        case .name:
            guard let name, !name.given.isEmpty, !name.family.isEmpty else { return [] }
            // Unordered, so that a swapped name shares the key.
            return [name.given < name.family ? name.given + "|" + name.family : name.family + "|" + name.given]
        case .birthDate: return birthDate.map { [$0.text] } ?? []
        case .birthYear: return birthDate.map { [String($0.year)] } ?? []
        case .gender: return gender.map { [$0] } ?? []
        case .postcode: return postcode.map { [$0] } ?? []
        case .city: return city.map { [$0] } ?? []
        case .street: return street.map { [$0] } ?? []
        case .identifier(let type):
            return identifiers[type] ?? []
        }
    }

    /// Identifier values of `type` including the connector-scoped keys (`crm_id@crm`).
    public func identifierValues(ofType type: String) -> [(key: String, values: [String])] {
        identifiers.filter { $0.key == type || $0.key.hasPrefix(type + "@") }.map { ($0.key, $0.value) }
            .sorted { $0.key < $1.key }
    }
}

extension CalendarDate {
    /// `YYYY-MM-DD`.
    public var text: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

// MARK: - Stored form

extension ObservationFeatures {
    // Hand-rolled rather than Codable: a from-scratch resolve writes and reads a million of these, and JSONEncoder
    // costs more than the rest of extraction. Fields are separated by U+001F, identifier entries by U+001E; neither
    // survives normalisation, so they cannot occur in values.
    private static let fieldSeparator: Character = "\u{1F}"
    private static let entrySeparator: Character = "\u{1E}"
    private static let valueSeparator: Character = "\u{1D}"

    /// A compact text form for the store.
    public var encoded: String {
        var out = "1"
        let sep = String(Self.fieldSeparator)
        out += sep + (name?.family ?? "")
        out += sep + (name?.given ?? "")
        out += sep + (name.map { $0.isHan ? "h" : "l" } ?? "")
        out += sep + (birthDate?.text ?? "")
        out += sep + (gender ?? "")
        out += sep + (postcode ?? "")
        out += sep + (city ?? "")
        out += sep + (street ?? "")
        out += sep
        out += identifiers.keys.sorted().map { type in
            type + String(Self.valueSeparator) + identifiers[type]!.joined(separator: String(Self.valueSeparator))
        }.joined(separator: String(Self.entrySeparator))
        return out
    }

    /// Reads `encoded`; nil for text this version did not write.
    ///
    /// Split on UTF-8 bytes, not characters: the separators are ASCII control characters, and splitting by
    /// `Character` (grapheme breaking) was most of the time an incremental resolve took to load its candidates.
    public init?(encoded text: String) {
        let field = Self.fieldSeparator.asciiValue!
        let entry = Self.entrySeparator.asciiValue!
        let value = Self.valueSeparator.asciiValue!
        let parts = text.utf8.split(separator: field, omittingEmptySubsequences: false)
        guard parts.count == 10, parts[0].elementsEqual("1".utf8) else { return nil }
        func string(_ part: Substring.UTF8View) -> String { String(Substring(part)) }
        func optional(_ part: Substring.UTF8View) -> String? { part.isEmpty ? nil : string(part) }
        if !parts[1].isEmpty || !parts[2].isEmpty {
            name = PersonName(
                normalizedFamily: string(parts[1]), given: string(parts[2]), isHan: parts[3].elementsEqual("h".utf8))
        } else {
            name = nil
        }
        birthDate = optional(parts[4]).flatMap(CalendarDate.init)
        gender = optional(parts[5])
        postcode = optional(parts[6])
        city = optional(parts[7])
        street = optional(parts[8])
        var identifiers: [String: [String]] = [:]
        for entryText in parts[9].split(separator: entry) {
            let values = entryText.split(separator: value).map(string)
            guard values.count >= 2 else { return nil }
            identifiers[values[0]] = Array(values.dropFirst())
        }
        self.identifiers = identifiers
    }
}

extension PersonName {
    /// A name whose parts are already normalised (read back from the store).
    public init(normalizedFamily family: String, given: String, isHan: Bool) {
        self.family = family
        self.given = given
        self.isHan = isHan
    }
}
