import Foundation

/// One step of a field's transform chain, compiled from `portrait.yml` once and applied to every record.
///
/// An enum rather than a protocol with open conformances: the set of transforms is part of the config format,
/// and a closed set lets the compiler check every step is handled and keeps each step a plain `Sendable` value.
/// Options are validated when the mapping compiles (`Transform+Configuration.swift`), so `apply` only ever
/// fails because of the data, never because of the config.
enum Transform: Sendable, Hashable {
    case trim
    case lower
    case upper
    case title
    case email
    case phone(PhoneNumberNormalizer)
    case date(DateTransform)
    case datetime(DateTimeTransform)
    /// `decimal` and `money`: the parser knows whether currency marks are allowed.
    case number(NumberParser)
    case currency(CurrencyDetector)
    case map(ValueMap)
    case gender
    case splitName
    case concat(separator: String)

    /// The names config uses, for did-you-mean suggestions.
    static let names = [
        "trim", "lower", "upper", "title", "email", "phone", "date", "datetime", "decimal", "money", "currency",
        "map", "gender", "split_name", "concat",
    ]

    /// The name as config writes it, for messages.
    var name: String {
        switch self {
        case .trim: return "trim"
        case .lower: return "lower"
        case .upper: return "upper"
        case .title: return "title"
        case .email: return "email"
        case .phone: return "phone"
        case .date: return "date"
        case .datetime: return "datetime"
        case .number(let parser): return parser.allowsCurrency ? "money" : "decimal"
        case .currency: return "currency"
        case .map: return "map"
        case .gender: return "gender"
        case .splitName: return "split_name"
        case .concat: return "concat"
        }
    }

    /// Applies the step to one value.
    ///
    /// `concat` receives the list of every `from` value (the field pipeline arranges that); every other step
    /// receives one value.
    ///
    /// - Throws: `TransformFailure` naming the value and what is wrong with it.
    func apply(_ value: JSONValue) throws(TransformFailure) -> JSONValue {
        switch self {
        case .trim:
            return .string(TextTransforms.trimmed(try Self.text(value, for: name)))
        case .lower:
            return .string(try Self.text(value, for: name).lowercased())
        case .upper:
            return .string(try Self.text(value, for: name).uppercased())
        case .title:
            return .string(TextTransforms.titleCased(try Self.text(value, for: name)))
        case .email:
            return .string(TextTransforms.trimmed(try Self.text(value, for: name)).lowercased())
        case .phone(let normalizer):
            return .string(try normalizer.normalize(try Self.text(value, for: name), original: value))
        case .date(let transform):
            return .string(try transform.convert(try Self.text(value, for: name), original: value))
        case .datetime(let transform):
            return .string(try transform.convert(value))
        case .number(let parser):
            return .number(try parser.parse(value))
        case .currency(let detector):
            return .string(try detector.detect(value))
        case .map(let map):
            return try map.lookUp(try Self.text(value, for: name), original: value)
        case .gender:
            return .string(try GenderMap.gender(for: try Self.text(value, for: name), original: value))
        case .splitName:
            return try NameSplitter.split(try Self.text(value, for: name), original: value)
        case .concat(let separator):
            let parts = value.arrayValue ?? [value]
            var texts: [String] = []
            for part in parts { texts.append(try Self.text(part, for: name)) }
            return .string(texts.joined(separator: separator))
        }
    }

    /// The text a text-taking step works on.
    ///
    /// Numbers count as text in their JSON spelling because sources routinely store phone numbers, postcodes and
    /// codes as numbers; booleans, lists and mappings are refused so a mis-pointed `from` fails loudly.
    static func text(_ value: JSONValue, for name: String) throws(TransformFailure) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return DecimalText.text(number)
        case .bool, .null, .array, .object:
            throw TransformFailure(value, "is not text (transform '\(name)' takes text)")
        }
    }
}
