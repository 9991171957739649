import Foundation

/// Reports every violation of a compiled JSON Schema 2020-12, with its path and an operator-facing message.
///
/// Hand-written because no maintained Swift package validates 2020-12, and record validation is on the hot path
/// of every sync. Supported: type, enum, const, properties, required, additionalProperties, items, minItems,
/// minProperties, maxProperties, minLength, maxLength, pattern, format (date, date-time, email), minimum,
/// maximum, allOf, anyOf, oneOf, not, if/then/else, $ref (local and to other registered files).
///
/// `CompiledSchemaSet` runs this only for values `CompiledSchema.accepts(_:)` rejects; the two must agree.
/// Paths are kept as a trail of components and turned into a `JSONPath` only when a violation is reported.
struct SchemaValidator {
    private let base: JSONPath
    private var trail: [JSONPath.Component] = []
    private(set) var violations: [SchemaViolation] = []

    init(base: JSONPath) {
        self.base = base
    }

    /// The path of the value being validated.
    private var path: JSONPath {
        trail.isEmpty ? base : JSONPath(base.components + trail)
    }

    mutating func validate(_ value: JSONValue, schema: CompiledSchema) {
        switch schema.kind {
        case .acceptsAll: return
        case .rejectsAll:
            fail("not allowed here")
            return
        case .keywords: break
        }

        if let reference = schema.reference {
            if let target = reference.target {
                validate(value, schema: target)
            } else {
                fail("schema reference \(reference.text) cannot be resolved")
            }
        }
        if let types = schema.types, !types.allows(value) {
            fail("expected \(schema.typeDescription), found \(Self.describe(value))")
            return
        }
        if let constant = schema.constant, value != constant {
            fail("must be \(Self.describe(constant))")
        }
        if let options = schema.options, !options.contains(value) {
            let list = options.map(Self.describe).joined(separator: ", ")
            fail("\(Self.describe(value)) is not one of \(list)")
        }

        switch value {
        case .object(let object):
            validateObject(object, schema: schema)
        case .array(let array):
            validateArray(array, schema: schema)
        case .string(let string):
            validateString(string, schema: schema)
        case .number(let number):
            if let minimum = schema.minimum, number < minimum {
                fail("must be at least \(minimum), found \(number)")
            }
            if let maximum = schema.maximum, number > maximum {
                fail("must be at most \(maximum), found \(number)")
            }
        case .null, .bool:
            break
        }

        for sub in schema.allOf { validate(value, schema: sub) }
        if let any = schema.anyOf {
            validateAnyOf(value, branches: any)
        }
        if let one = schema.oneOf {
            let passing = CompiledSchema.passingCount(of: one, value: value)
            if passing != 1 {
                fail(passing == 0 ? "does not match any allowed form" : "matches more than one form")
            }
        }
        if let not = schema.not, not.accepts(value) {
            fail("matches a form that is not allowed")
        }
        if let condition = schema.condition {
            if condition.accepts(value) {
                if let then = schema.then { validate(value, schema: then) }
            } else if let otherwise = schema.otherwise {
                validate(value, schema: otherwise)
            }
        }
    }

    private mutating func validateObject(_ object: [String: JSONValue], schema: CompiledSchema) {
        for name in schema.required where object[name] == nil {
            fail(at: .key(name), "required")
        }
        if let minimum = schema.minProperties, let limit = schema.counts.minProperties, object.count < limit {
            fail("must have at least \(minimum) field(s)")
        }
        if let maximum = schema.maxProperties, let limit = schema.counts.maxProperties, object.count > limit {
            let keys = object.keys.sorted().joined(separator: ", ")
            fail("must have at most \(maximum) field(s), found \(object.count): \(keys)")
        }
        guard schema.checksEntries else { return }
        for key in object.keys.sorted() {
            let child = object[key]!
            if let propertySchema = schema.properties[key] {
                validate(child, schema: propertySchema, at: .key(key))
                continue
            }
            switch schema.additional {
            case .unconstrained:
                break
            case .forbidden:
                let properties = schema.propertiesJSON
                var message = "unknown key '\(key)'"
                if let suggestion = Suggestions.closest(to: key, among: properties.keys) {
                    message += "; did you mean '\(suggestion)'?"
                } else if !properties.isEmpty {
                    message += "; allowed: \(properties.keys.sorted().joined(separator: ", "))"
                }
                fail(at: .key(key), message)
            case .schema(let additional):
                validate(child, schema: additional, at: .key(key))
            }
        }
    }

    private mutating func validateArray(_ array: [JSONValue], schema: CompiledSchema) {
        if let minimum = schema.minItems, let limit = schema.counts.minItems, array.count < limit {
            fail("must have at least \(minimum) item(s)")
        }
        if let items = schema.items {
            for (index, element) in array.enumerated() {
                validate(element, schema: items, at: .index(index))
            }
        }
    }

    private mutating func validateString(_ string: String, schema: CompiledSchema) {
        if let minimum = schema.minLength, schema.isTooShort(string) {
            fail(minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters")
        }
        if let maximum = schema.maxLength, schema.isTooLong(string) {
            fail("must be at most \(maximum) characters")
        }
        if let pattern = schema.pattern, !pattern.matches(string) {
            fail("'\(string)' does not match \(pattern.source)")
        }
        if let format = schema.format, !format.isValid(string) {
            fail("'\(string)' is not a valid \(format.name)")
        }
    }

    private mutating func validateAnyOf(_ value: JSONValue, branches: [CompiledSchema]) {
        if branches.contains(where: { $0.accepts(value) }) { return }
        let branchViolations = branches.map { branch in
            var nested = SchemaValidator(base: base)
            nested.trail = trail
            nested.validate(value, schema: branch)
            return nested.violations
        }
        // Report the branch whose type fits (its errors are the useful ones), else a summary.
        let path = self.path
        let typeFits = branchViolations.filter { found in
            !found.contains { $0.path == path && $0.message.hasPrefix("expected ") }
        }
        if typeFits.count == 1 {
            violations.append(contentsOf: typeFits[0])
        } else {
            fail("\(Self.describe(value)) does not match any allowed form")
        }
    }

    private mutating func validate(_ value: JSONValue, schema: CompiledSchema, at component: JSONPath.Component) {
        trail.append(component)
        validate(value, schema: schema)
        trail.removeLast()
    }

    private mutating func fail(_ message: String) {
        violations.append(SchemaViolation(path: path, message: message))
    }

    private mutating func fail(at component: JSONPath.Component, _ message: String) {
        violations.append(SchemaViolation(path: JSONPath(base.components + trail + [component]), message: message))
    }

    /// The node a JSON pointer (`/$defs/identifier`, without the leading `#`) names in `root`; objects only.
    static func resolve(pointer: String, in root: JSONValue) -> JSONValue? {
        var current = root
        for token in pointer.split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

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
