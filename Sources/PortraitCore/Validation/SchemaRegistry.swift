import Foundation
import Synchronization

/// The JSON Schemas Portrait knows, by file name (`customer.schema.json`, `connectors/jsonl.schema.json`).
///
/// `canonical` holds the schemas embedded from the package's `schemas/` folder at build time.
public struct SchemaRegistry: Sendable {
    public private(set) var schemas: [String: JSONValue]

    public init(schemas: [String: JSONValue] = [:]) {
        self.schemas = schemas
    }

    /// Every schema in the package's `schemas/` folder.
    public static let canonical: SchemaRegistry = {
        var registry = SchemaRegistry()
        for (name, text) in EmbeddedSchemas.files {
            do {
                registry.schemas[name] = try JSONValue(parsing: Data(text.utf8))
            } catch {
                // The embedded schemas are checked by tests; a broken one is a build defect.
                preconditionFailure("schemas/\(name) is not valid JSON: \(error)")
            }
        }
        return registry
    }()

    /// The embedded text of a schema file, as written in `schemas/`.
    public static func embeddedText(named name: String) -> String? { EmbeddedSchemas.files[name] }

    public static var embeddedNames: [String] { EmbeddedSchemas.files.keys.sorted() }

    public mutating func register(_ schema: JSONValue, named name: String) {
        schemas[name] = schema
    }

    public func schema(named name: String) -> JSONValue? { schemas[name] }

    /// Validates `value` against the schema called `name`, returning every violation (not only the first).
    public func validate(_ value: JSONValue, against name: String, at base: JSONPath = .root) -> [SchemaViolation] {
        guard let schema = schemas[name] else {
            return [SchemaViolation(path: base, message: "no schema named \(name)")]
        }
        var validator = SchemaValidator(registry: self, document: name)
        validator.validate(value, schema: schema, path: base)
        return validator.violations
    }

    /// Validates against a schema given inline (a connector's config spec), resolving `$ref`s against this registry.
    public func validate(_ value: JSONValue, againstSchema schema: JSONValue, at base: JSONPath = .root) -> [SchemaViolation] {
        var validator = SchemaValidator(registry: self, document: "")
        validator.validate(value, schema: schema, path: base)
        return validator.violations
    }
}

/// A JSON Schema 2020-12 validator for the keywords Portrait's schemas use.
///
/// Hand-written because no maintained Swift package validates 2020-12, and record validation is on the hot path
/// of every sync. Supported: type, enum, const, properties, required, additionalProperties, items, minItems,
/// minProperties, maxProperties, minLength, maxLength, pattern, format (date, date-time, email), minimum,
/// maximum, allOf, anyOf, oneOf, not, if/then/else, $ref (local and to other registered files).
struct SchemaValidator {
    let registry: SchemaRegistry
    var document: String
    var violations: [SchemaViolation] = []

    init(registry: SchemaRegistry, document: String) {
        self.registry = registry
        self.document = document
    }

    mutating func validate(_ value: JSONValue, schema: JSONValue, path: JSONPath) {
        if case .bool(let allowed) = schema {
            if !allowed { fail(path, "not allowed here") }
            return
        }
        guard case .object(let keywords) = schema else { return }

        if let ref = keywords["$ref"]?.stringValue {
            validateReference(ref, value: value, path: path)
        }
        if let type = keywords["type"], !Self.matches(value, type: type) {
            let expected = type.arrayValue?.compactMap(\.stringValue).joined(separator: " or ") ?? type.stringValue ?? "?"
            fail(path, "expected \(expected), found \(Self.describe(value))")
            return
        }
        if let constant = keywords["const"], !Self.equal(value, constant) {
            fail(path, "must be \(Self.describe(constant))")
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { Self.equal(value, $0) }) {
            let list = options.map(Self.describe).joined(separator: ", ")
            fail(path, "\(Self.describe(value)) is not one of \(list)")
        }

        switch value {
        case .object(let object):
            validateObject(object, keywords: keywords, path: path)
        case .array(let array):
            validateArray(array, keywords: keywords, path: path)
        case .string(let string):
            validateString(string, keywords: keywords, path: path)
        case .number(let number):
            if let minimum = keywords["minimum"]?.numberValue, number < minimum {
                fail(path, "must be at least \(minimum), found \(number)")
            }
            if let maximum = keywords["maximum"]?.numberValue, number > maximum {
                fail(path, "must be at most \(maximum), found \(number)")
            }
        case .null, .bool:
            break
        }

        if let all = keywords["allOf"]?.arrayValue {
            for sub in all { validate(value, schema: sub, path: path) }
        }
        if let any = keywords["anyOf"]?.arrayValue {
            validateAnyOf(value, branches: any, path: path)
        }
        if let one = keywords["oneOf"]?.arrayValue {
            let passing = one.filter { collect(value, schema: $0, path: path).isEmpty }.count
            if passing != 1 {
                fail(path, passing == 0 ? "does not match any allowed form" : "matches more than one form")
            }
        }
        if let not = keywords["not"], collect(value, schema: not, path: path).isEmpty {
            fail(path, "matches a form that is not allowed")
        }
        if let condition = keywords["if"] {
            if collect(value, schema: condition, path: path).isEmpty {
                if let then = keywords["then"] { validate(value, schema: then, path: path) }
            } else if let otherwise = keywords["else"] {
                validate(value, schema: otherwise, path: path)
            }
        }
    }

    private mutating func validateObject(_ object: [String: JSONValue], keywords: [String: JSONValue], path: JSONPath) {
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            fail(path.appending(name), "required")
        }
        if let minimum = keywords["minProperties"]?.numberValue, Decimal(object.count) < minimum {
            fail(path, "must have at least \(minimum) field(s)")
        }
        if let maximum = keywords["maxProperties"]?.numberValue, Decimal(object.count) > maximum {
            fail(path, "must have at most \(maximum) field(s), found \(object.count): \(object.keys.sorted().joined(separator: ", "))")
        }
        for key in object.keys.sorted() {
            let child = object[key]!
            if let propertySchema = properties[key] {
                validate(child, schema: propertySchema, path: path.appending(key))
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    var message = "unknown key '\(key)'"
                    if let suggestion = Suggestions.closest(to: key, among: properties.keys) {
                        message += "; did you mean '\(suggestion)'?"
                    } else if !properties.isEmpty {
                        message += "; allowed: \(properties.keys.sorted().joined(separator: ", "))"
                    }
                    fail(path.appending(key), message)
                } else {
                    validate(child, schema: additional, path: path.appending(key))
                }
            }
        }
    }

    private mutating func validateArray(_ array: [JSONValue], keywords: [String: JSONValue], path: JSONPath) {
        if let minimum = keywords["minItems"]?.numberValue, Decimal(array.count) < minimum {
            fail(path, "must have at least \(minimum) item(s)")
        }
        if let items = keywords["items"] {
            for (index, element) in array.enumerated() {
                validate(element, schema: items, path: path.appending(index))
            }
        }
    }

    private mutating func validateString(_ string: String, keywords: [String: JSONValue], path: JSONPath) {
        if let minimum = keywords["minLength"]?.numberValue, Decimal(string.count) < minimum {
            fail(path, minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters")
        }
        if let maximum = keywords["maxLength"]?.numberValue, Decimal(string.count) > maximum {
            fail(path, "must be at most \(maximum) characters")
        }
        if let pattern = keywords["pattern"]?.stringValue, !RegexCache.shared.matches(string, pattern: pattern) {
            fail(path, "'\(string)' does not match \(pattern)")
        }
        if let format = keywords["format"]?.stringValue, !Formats.isValid(string, format: format) {
            fail(path, "'\(string)' is not a valid \(format)")
        }
    }

    private mutating func validateAnyOf(_ value: JSONValue, branches: [JSONValue], path: JSONPath) {
        var branchViolations: [[SchemaViolation]] = []
        for branch in branches {
            let found = collect(value, schema: branch, path: path)
            if found.isEmpty { return }
            branchViolations.append(found)
        }
        // Report the branch whose type fits (its errors are the useful ones), else a summary.
        let typeFits = branchViolations.filter { found in
            !found.contains { $0.path == path && $0.message.hasPrefix("expected ") }
        }
        if typeFits.count == 1 {
            violations.append(contentsOf: typeFits[0])
        } else {
            fail(path, "\(Self.describe(value)) does not match any allowed form")
        }
    }

    private mutating func validateReference(_ ref: String, value: JSONValue, path: JSONPath) {
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = parts.first.map(String.init) ?? ""
        let pointer = parts.count > 1 ? String(parts[1]) : ""
        let targetDocument = file.isEmpty ? document : file
        guard let root = registry.schemas[targetDocument],
            let target = Self.resolve(pointer: pointer, in: root)
        else {
            fail(path, "schema reference \(ref) cannot be resolved")
            return
        }
        let saved = document
        document = targetDocument
        validate(value, schema: target, path: path)
        document = saved
    }

    private func collect(_ value: JSONValue, schema: JSONValue, path: JSONPath) -> [SchemaViolation] {
        var nested = SchemaValidator(registry: registry, document: document)
        nested.validate(value, schema: schema, path: path)
        return nested.violations
    }

    private mutating func fail(_ path: JSONPath, _ message: String) {
        violations.append(SchemaViolation(path: path, message: message))
    }

    static func resolve(pointer: String, in root: JSONValue) -> JSONValue? {
        var current = root
        for token in pointer.split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    static func matches(_ value: JSONValue, type: JSONValue) -> Bool {
        if let types = type.arrayValue {
            return types.contains { matches(value, type: $0) }
        }
        switch (type.stringValue, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
            ("array", .array), ("object", .object):
            return true
        case ("integer", .number(let n)):
            return n.isWholeNumber
        default:
            return false
        }
    }

    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool { lhs == rhs }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .string(let s): return "'\(s)'"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}

/// Compiled regular expressions, shared across validations because patterns repeat on every record.
final class RegexCache: Sendable {
    static let shared = RegexCache()
    private let compiled = Mutex<[String: NSRegularExpression]>([:])

    func matches(_ string: String, pattern: String) -> Bool {
        let expression: NSRegularExpression? = compiled.withLock { cache in
            if let hit = cache[pattern] { return hit }
            let made = try? NSRegularExpression(pattern: pattern)
            cache[pattern] = made
            return made
        }
        guard let expression else { return false }
        let range = NSRange(string.startIndex..., in: string)
        return expression.firstMatch(in: string, range: range) != nil
    }
}
