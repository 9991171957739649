public import Foundation

/// A JSON value: the common currency between connectors (raw fields), the mapping and the store.
///
/// Numbers keep their decimal text (`Decimal`) so money survives a round trip exactly.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    public static func number(_ value: Int) -> JSONValue { .number(Decimal(value)) }
    public static func number(_ value: Double) -> JSONValue { .number(Decimal(value)) }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var numberValue: Decimal? { if case .number(let n) = self { return n } else { return nil } }
    /// The number as an `Int`, rounded toward zero and clamped to `Int`'s range (``Foundation/Decimal/clampedInt``).
    public var intValue: Int? { numberValue?.clampedInt }
    public var doubleValue: Double? { numberValue.map { NSDecimalNumber(decimal: $0).doubleValue } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }

    /// The value as text for mapping: strings as they are, numbers and booleans in their JSON spelling.
    public var textValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return DecimalText.text(n)
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The JSON type name used in error messages and by the schema validator.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isWholeNumber ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Looks a value up by a dotted path (`properties.email`, `lines.0.sku`).
    public func value(atPath path: String) -> JSONValue? {
        if path.isEmpty { return self }
        var current: JSONValue = self
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let o):
                guard let next = o[String(component)] else { return nil }
                current = next
            case .array(let a):
                guard let index = Int(component), a.indices.contains(index) else { return nil }
                current = a[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Sets a value at a dotted path, creating objects on the way.
    ///
    /// A step through anything that is not an object replaces it with one. Each level is changed in place (see
    /// `withValue(atKeys:_:)`), so setting a deep path copies no dictionary.
    public mutating func setValue(_ newValue: JSONValue, atPath path: String) {
        let components = path.split(separator: ".").map(String.init)
        guard !components.isEmpty else {
            self = newValue
            return
        }
        withValue(atKeys: components[...]) { $0 = newValue }
    }
}

extension Decimal {
    var isWholeNumber: Bool {
        var value = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return rounded == self
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(floatLiteral value: Double) { self = .number(Decimal(string: String(value)) ?? Decimal(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

// MARK: - Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Decimal.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? container.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}

extension Decimal {
    /// This number as an `Int`, rounded toward zero and clamped to `Int`'s range. `NSDecimalNumber.intValue` gives
    /// 0 for `1e40` and wraps `2^63` around to a negative number, so a limit of "at least 1,024 bytes" set to
    /// `1e40` became the smallest one.
    public var clampedInt: Int {
        if self >= Decimal(Int.max) { return Int.max }
        if self <= Decimal(Int.min) { return Int.min }
        return NSDecimalNumber(decimal: self).intValue
    }
}
