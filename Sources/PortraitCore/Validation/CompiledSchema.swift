import Foundation

/// One schema node with its keywords parsed once, so validating a record does no keyword lookups.
///
/// Built by `SchemaCompiler`; immutable once the compiler returns (`$ref` targets are linked before then).
/// Keywords Portrait's validator ignores are dropped; a missing keyword is `nil` (or empty), exactly where the
/// raw-schema validator would have found no value of the right JSON type.
final class CompiledSchema: Sendable {
    enum Kind: Sendable {
        /// `true`, `{}`-like nodes without checks, and non-object schemas (which the validator ignores).
        case acceptsAll
        /// `false`: every value is "not allowed here".
        case rejectsAll
        case keywords
    }

    /// What `additionalProperties` says about keys that `properties` does not list.
    enum Additional: Sendable {
        case unconstrained
        /// `false`: reported as an unknown key, with a suggestion.
        case forbidden
        case schema(CompiledSchema)
    }

    let kind: Kind
    let reference: SchemaReference?

    let types: JSONTypes?
    /// `string or null`, as written, for the "expected …" message.
    let typeDescription: String
    let constant: JSONValue?
    let options: [JSONValue]?

    /// The raw `properties` object, kept for messages: suggestions iterate its keys in its own order.
    let propertiesJSON: [String: JSONValue]
    let properties: [String: CompiledSchema]
    let required: [String]
    let minProperties: Decimal?
    let maxProperties: Decimal?
    let additional: Additional
    /// Whether walking the object's entries can find anything (properties or additionalProperties present).
    let checksEntries: Bool

    let minItems: Decimal?
    let items: CompiledSchema?

    let minLength: Decimal?
    let maxLength: Decimal?

    /// `properties` for `accepts`: looked up without hashing, and marking the required ones.
    let propertyTable: PropertyTable
    /// Required names that `properties` does not list, looked up in the object itself.
    let requiredElsewhere: [String]
    /// The count limits above as whole numbers, so checking them compares `Int`s, not `Decimal`s.
    let counts: CountLimits
    let pattern: CompiledPattern?
    let format: StringFormat?

    let minimum: Decimal?
    let maximum: Decimal?

    let allOf: [CompiledSchema]
    let anyOf: [CompiledSchema]?
    let oneOf: [CompiledSchema]?
    let not: CompiledSchema?
    let condition: CompiledSchema?
    let then: CompiledSchema?
    let otherwise: CompiledSchema?

    /// A node that accepts everything (`true`, or a schema the validator does not look into).
    init(kind: Kind) {
        self.kind = kind
        reference = nil
        types = nil
        typeDescription = ""
        constant = nil
        options = nil
        propertiesJSON = [:]
        properties = [:]
        required = []
        minProperties = nil
        maxProperties = nil
        additional = .unconstrained
        checksEntries = false
        minItems = nil
        items = nil
        minLength = nil
        maxLength = nil
        propertyTable = PropertyTable(properties: [:], required: [])
        requiredElsewhere = []
        counts = CountLimits()
        pattern = nil
        format = nil
        minimum = nil
        maximum = nil
        allOf = []
        anyOf = nil
        oneOf = nil
        not = nil
        condition = nil
        then = nil
        otherwise = nil
    }

    init(keywords: [String: JSONValue], document: String, compiler: inout SchemaCompiler) {
        kind = .keywords
        if let ref = keywords["$ref"]?.stringValue {
            reference = compiler.reference(ref, from: document)
        } else {
            reference = nil
        }

        if let type = keywords["type"] {
            types = JSONTypes(schemaType: type)
            typeDescription =
                type.arrayValue?.compactMap(\.stringValue).joined(separator: " or ") ?? type.stringValue ?? "?"
        } else {
            types = nil
            typeDescription = ""
        }
        constant = keywords["const"]
        options = keywords["enum"]?.arrayValue

        func child(_ name: String) -> CompiledSchema? {
            keywords[name].map { compiler.compile($0, document: document) }
        }
        func children(_ name: String) -> [CompiledSchema]? {
            keywords[name]?.arrayValue.map { $0.map { compiler.compile($0, document: document) } }
        }

        propertiesJSON = keywords["properties"]?.objectValue ?? [:]
        properties = propertiesJSON.mapValues { compiler.compile($0, document: document) }
        required = keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        minProperties = keywords["minProperties"]?.numberValue
        maxProperties = keywords["maxProperties"]?.numberValue
        switch keywords["additionalProperties"] {
        case nil: additional = .unconstrained
        case .bool(false): additional = .forbidden
        case let schema?: additional = .schema(compiler.compile(schema, document: document))
        }
        if case .unconstrained = additional {
            checksEntries = !properties.isEmpty
        } else {
            checksEntries = true
        }

        minItems = keywords["minItems"]?.numberValue
        items = child("items")

        minLength = keywords["minLength"]?.numberValue
        maxLength = keywords["maxLength"]?.numberValue
        pattern = keywords["pattern"]?.stringValue.map(CompiledPattern.init)
        format = keywords["format"]?.stringValue.map(StringFormat.init)

        minimum = keywords["minimum"]?.numberValue
        maximum = keywords["maximum"]?.numberValue

        propertyTable = PropertyTable(properties: properties, required: required)
        var elsewhere: [String] = []
        for name in required where properties[name] == nil && !elsewhere.contains(name) { elsewhere.append(name) }
        requiredElsewhere = elsewhere
        counts = CountLimits(
            minProperties: minProperties, maxProperties: maxProperties, minItems: minItems, minLength: minLength,
            maxLength: maxLength)

        allOf = children("allOf") ?? []
        anyOf = children("anyOf")
        oneOf = children("oneOf")
        not = child("not")
        condition = child("if")
        then = condition == nil ? nil : child("then")
        otherwise = condition == nil ? nil : child("else")
    }
}

/// A `$ref`, linked by `SchemaCompiler` to its compiled target, or left unresolved.
// @unchecked Sendable: `target` is written only by the compiler before the compiled schema is returned and
// shared; from then on it is read-only.
final class SchemaReference: @unchecked Sendable {
    /// The reference as written, for "schema reference … cannot be resolved".
    let text: String
    let document: String
    let pointer: String
    /// Unowned because references may point back up the tree (recursive schemas); the `CompiledSchemaSet`
    /// holding this reference keeps every target alive.
    unowned(unsafe) var target: CompiledSchema?

    init(text: String, document: String, pointer: String) {
        self.text = text
        self.document = document
        self.pointer = pointer
    }
}

/// An object schema's `properties` for `CompiledSchema.accepts`, found by length and first byte, then compared.
///
/// Hand-written for speed: hashing every key of every object was a third of validating a record; on a
/// schema's ten-odd short property names this look-up takes about 4 ns against 23 for the dictionary.
struct PropertyTable: Sendable {
    struct Entry: Sendable {
        let length: Int
        let first: UInt8
        let name: String
        let schema: CompiledSchema
        /// Listed in `required`: `accepts` counts these instead of looking each one up.
        let isRequired: Bool
    }

    let entries: [Entry]
    /// How many distinct required names are properties.
    let requiredCount: Int

    init(properties: [String: CompiledSchema], required: [String]) {
        let requiredNames = Set(required)
        entries = properties.keys.sorted().map { name in
            Entry(
                length: name.utf8.count, first: name.utf8.first ?? 0, name: name, schema: properties[name]!,
                isRequired: requiredNames.contains(name))
        }
        requiredCount = entries.count(where: \.isRequired)
    }

    /// The position of `key` in `entries`.
    @inline(__always)
    func index(of key: String) -> Int? {
        let utf8 = key.utf8
        let length = utf8.count
        let first = utf8.first ?? 0
        for index in entries.indices {
            let entry = entries[index]
            if entry.length == length && entry.first == first && entry.name == key { return index }
        }
        return nil
    }
}

/// `minProperties`, `maxProperties`, `minItems`, `minLength` and `maxLength` as whole-number limits: a count `n`
/// is below a minimum `b` exactly when `n < ceil(b)`, above a maximum exactly when `n > floor(b)`.
struct CountLimits: Sendable {
    var minProperties: Int?
    var maxProperties: Int?
    var minItems: Int?
    var minLength: Int?
    var maxLength: Int?

    init() {}

    init(minProperties: Decimal?, maxProperties: Decimal?, minItems: Decimal?, minLength: Decimal?, maxLength: Decimal?)
    {
        self.minProperties = minProperties.map { Self.whole($0, .up) }
        self.maxProperties = maxProperties.map { Self.whole($0, .down) }
        self.minItems = minItems.map { Self.whole($0, .up) }
        self.minLength = minLength.map { Self.whole($0, .up) }
        self.maxLength = maxLength.map { Self.whole($0, .down) }
    }

    /// `value` rounded to a whole number, clamped far inside `Int`'s range (no count comes near it).
    private static func whole(_ value: Decimal, _ mode: NSDecimalNumber.RoundingMode) -> Int {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, mode)
        if rounded > Decimal(1 << 52) { return 1 << 52 }
        if rounded < Decimal(-(1 << 52)) { return -(1 << 52) }
        return rounded.clampedInt
    }
}

/// The JSON types a `type` keyword allows, as a bit set so the check is one AND.
struct JSONTypes: OptionSet, Sendable {
    let rawValue: UInt8

    static let null = JSONTypes(rawValue: 1 << 0)
    static let boolean = JSONTypes(rawValue: 1 << 1)
    static let number = JSONTypes(rawValue: 1 << 2)
    static let integer = JSONTypes(rawValue: 1 << 3)
    static let string = JSONTypes(rawValue: 1 << 4)
    static let array = JSONTypes(rawValue: 1 << 5)
    static let object = JSONTypes(rawValue: 1 << 6)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Unknown names and non-string entries allow nothing, as `SchemaValidator.matches` treats them.
    init(schemaType: JSONValue) {
        switch schemaType {
        case .array(let entries):
            self = entries.reduce(into: []) { $0.formUnion(JSONTypes(schemaType: $1)) }
        case .string("null"): self = .null
        case .string("boolean"): self = .boolean
        case .string("number"): self = .number
        case .string("integer"): self = .integer
        case .string("string"): self = .string
        case .string("array"): self = .array
        case .string("object"): self = .object
        default: self = []
        }
    }

    func allows(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number(let number): return contains(.number) || (contains(.integer) && number.isWholeNumber)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }
}

/// The `format` values the validator checks; others are annotations.
enum StringFormat: Sendable {
    case date
    case dateTime
    case email
    case other(String)

    init(_ name: String) {
        switch name {
        case "date": self = .date
        case "date-time": self = .dateTime
        case "email": self = .email
        default: self = .other(name)
        }
    }

    var name: String {
        switch self {
        case .date: return "date"
        case .dateTime: return "date-time"
        case .email: return "email"
        case .other(let name): return name
        }
    }

    func isValid(_ string: String) -> Bool {
        switch self {
        case .date: return Formats.isDate(string)
        case .dateTime: return Formats.isDateTime(string)
        case .email: return Formats.isEmail(string)
        case .other: return true
        }
    }
}
