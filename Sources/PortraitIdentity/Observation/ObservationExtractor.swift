import Foundation
public import PortraitCore

/// Turns a canonical record into the features identity resolution compares.
///
/// Every entity carries identity somewhere: a customer is itself the block, an order's or event's is `customer`, a
/// feedback's is `respondent` (`Entity.customerPath`). Values are normalised (Unicode NFKC, full-width folding,
/// case) and blocked or placeholder values are dropped here, so they can never count as agreement later.
public struct ObservationExtractor: Sendable {
    public let settings: IdentitySettings
    private let blocked: [(type: String?, exact: String?, pattern: BlockPattern?)]

    public init(settings: IdentitySettings) {
        self.settings = settings
        blocked = settings.blockedValues.map { value in
            switch value.match {
            case .exact(let text): return (value.type, Self.normalizedIdentifier(text, type: value.type ?? ""), nil)
            case .pattern(let pattern):
                if let native = BlockPattern.native[pattern] { return (value.type, nil, BlockPattern(regex: nil, native: native)) }
                return (value.type, nil, (try? Regex(pattern).ignoresCase()).map { BlockPattern(regex: $0, native: nil) })
            }
        }
    }

    /// The features of `canonical` (a record of `entity` from `connector`).
    public func features(of canonical: JSONValue, entity: Entity, connector: String) -> ObservationFeatures {
        let block = entity.customerPath.isEmpty ? canonical : canonical.value(atPath: entity.customerPath)
        guard let block, case .object(let customer) = block else { return ObservationFeatures() }
        var features = ObservationFeatures()

        for item in customer["identifiers"]?.arrayValue ?? [] {
            guard let type = item["type"]?.stringValue, let raw = item["value"]?.textValue else { continue }
            let value = Self.normalizedIdentifier(raw, type: type)
            guard !value.isEmpty, !IdentityText.isPlaceholder(value), !isBlocked(value, type: type) else { continue }
            let key = settings.rule(forType: type)?.scope == .connector ? "\(type)@\(connector)" : type
            if !(features.identifiers[key]?.contains(value) ?? false) {
                features.identifiers[key, default: []].append(value)
            }
        }
        for key in features.identifiers.keys { features.identifiers[key]!.sort() }

        if let name = customer["name"] {
            features.name = PersonName(
                given: name["given"]?.stringValue, family: name["family"]?.stringValue, full: name["full"]?.stringValue)
        }
        features.birthDate = customer["birth_date"]?.stringValue.flatMap(CalendarDate.init)
        if let gender = customer["gender"]?.stringValue, gender == "female" || gender == "male" {
            features.gender = gender
        }
        if let address = customer["address"] {
            features.postcode = Self.text(address["postcode"]).map { $0.replacingOccurrences(of: " ", with: "") }
            features.city = Self.text(address["city"])
            features.street = Self.text(address["line1"])
        }
        return features
    }

    private static func text(_ value: JSONValue?) -> String? {
        guard let raw = value?.textValue else { return nil }
        let normalized = IdentityText.normalized(raw)
        return normalized.isEmpty || IdentityText.isPlaceholder(normalized) ? nil : normalized
    }

    /// Emails lose case and surrounding space; phones are E.164 already (the mapping normalised them); other ids
    /// are compared as NFKC text without case.
    static func normalizedIdentifier(_ raw: String, type: String) -> String {
        // ASCII (almost every id): trimmed and lower-cased by hand; Foundation's trimming and NFKC cost more than
        // the rest of extraction.
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(raw.utf8)
            while let last = bytes.last, last == 0x20 || (0x09...0x0D).contains(last) { bytes.removeLast() }
            var start = 0
            while start < bytes.count, bytes[start] == 0x20 || (0x09...0x0D).contains(bytes[start]) { start += 1 }
            let body = bytes[start...]
            if type == "phone" {
                return String(decoding: body.filter { $0 == UInt8(ascii: "+") || (0x30...0x39).contains($0) }, as: UTF8.self)
            }
            return String(decoding: body.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCompatibilityMapping
        switch type {
        case "phone": return trimmed.filter { $0 == "+" || $0.isASCII && $0.isNumber }
        default: return trimmed.lowercased()
        }
    }

    private func isBlocked(_ value: String, type: String) -> Bool {
        blocked.contains { entry in
            guard entry.type == nil || entry.type == type else { return false }
            if let exact = entry.exact { return exact == value }
            if let pattern = entry.pattern { return pattern.matches(value) }
            return false
        }
    }
}

/// A compiled blocked-value pattern. `Regex` is a value type that is safe to share once built; it is only not
/// declared `Sendable` because of its type-erased output.
struct BlockPattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>?
    /// The same test written in Swift, for the shipped patterns: Swift's `Regex` cost more than the rest of
    /// extraction on a million records. `ObservationExtractorTests` checks each against its regex.
    let native: (@Sendable (String) -> Bool)?

    func matches(_ value: String) -> Bool {
        if let native { return native(value) }
        if let regex { return (try? regex.firstMatch(in: value)) != nil }
        return false
    }

    static let native: [String: @Sendable (String) -> Bool] = [
        "^0+$": { value in !value.isEmpty && value.utf8.allSatisfy { $0 == UInt8(ascii: "0") } },
        "^(null|none|nil|n/?a|unknown|undefined|test|-+)$": { value in
            let lower = value.lowercased()
            return ["null", "none", "nil", "na", "n/a", "unknown", "undefined", "test"].contains(lower)
                || (!lower.isEmpty && lower.utf8.allSatisfy { $0 == UInt8(ascii: "-") })
        },
        "^(test|noreply|no-reply|donotreply|none|null)@": { value in
            guard let at = value.firstIndex(of: "@") else { return false }
            return ["test", "noreply", "no-reply", "donotreply", "none", "null"].contains(value[..<at].lowercased())
        },
        "^\\+?[0-9]{0,3}(\\d)\\1{6,}$": { value in
            var digits = Array(value.utf8)
            if digits.first == UInt8(ascii: "+") { digits.removeFirst() }
            guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            // After at most three digits (a country code), one digit repeated seven or more times to the end.
            return (0...3).contains { skip in
                digits.count - skip >= 7 && digits[skip...].allSatisfy { $0 == digits[skip] }
            }
        },
    ]
}
