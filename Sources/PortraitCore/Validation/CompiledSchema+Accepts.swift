import Foundation

extension CompiledSchema {
    /// Whether `value` satisfies this schema: the answer `SchemaValidator` would give by reporting nothing.
    ///
    /// Stops at the first failure and builds no paths or messages, so the success path of a sync and the
    /// branches of `anyOf`, `oneOf`, `not` and `if` cost only the checks themselves. Keep it in step with
    /// `SchemaValidator.validate(_:schema:)`, keyword for keyword.
    func accepts(_ value: JSONValue) -> Bool {
        switch kind {
        case .acceptsAll: return true
        case .rejectsAll: return false
        case .keywords: break
        }
        if let reference {
            guard let target = reference.target, target.accepts(value) else { return false }
        }
        if let types, !types.allows(value) { return false }
        if let constant, value != constant { return false }
        if let options, !options.contains(value) { return false }

        switch value {
        case .object(let object):
            guard acceptsObject(object) else { return false }
        case .array(let array):
            if let minItems = counts.minItems, array.count < minItems { return false }
            if let items {
                for element in array where !items.accepts(element) { return false }
            }
        case .string(let string):
            if isTooShort(string) || isTooLong(string) { return false }
            if let pattern, !pattern.matches(string) { return false }
            if let format, !format.isValid(string) { return false }
        case .number(let number):
            if let minimum, number < minimum { return false }
            if let maximum, number > maximum { return false }
        case .null, .bool:
            break
        }

        for schema in allOf where !schema.accepts(value) { return false }
        if let anyOf, !anyOf.contains(where: { $0.accepts(value) }) { return false }
        if let oneOf, !Self.exactlyOne(of: oneOf, accepts: value) { return false }
        if let not, not.accepts(value) { return false }
        if let condition {
            if condition.accepts(value) {
                if let then, !then.accepts(value) { return false }
            } else if let otherwise, !otherwise.accepts(value) {
                return false
            }
        }
        return true
    }

    /// Required properties are counted while the entries are walked rather than looked up one by one: the
    /// keys of a dictionary are distinct, so all are present exactly when the count matches.
    private func acceptsObject(_ object: [String: JSONValue]) -> Bool {
        if let minProperties = counts.minProperties, object.count < minProperties { return false }
        if let maxProperties = counts.maxProperties, object.count > maxProperties { return false }
        for name in requiredElsewhere where object[name] == nil { return false }
        guard checksEntries else { return propertyTable.requiredCount == 0 }
        let entries = propertyTable.entries
        var requiredSeen = 0
        for (key, child) in object {
            if let index = propertyTable.index(of: key) {
                if entries[index].isRequired { requiredSeen += 1 }
                guard entries[index].schema.accepts(child) else { return false }
                continue
            }
            switch additional {
            case .unconstrained: break
            case .forbidden: return false
            case .schema(let schema): guard schema.accepts(child) else { return false }
            }
        }
        return requiredSeen == propertyTable.requiredCount
    }

    /// `oneOf`: exactly one branch passes (stops counting at two).
    static func exactlyOne(of branches: [CompiledSchema], accepts value: JSONValue) -> Bool {
        passingCount(of: branches, value: value) == 1
    }

    /// How many branches pass, counting no further than 2 (all "more than one" needs).
    static func passingCount(of branches: [CompiledSchema], value: JSONValue) -> Int {
        var passing = 0
        for branch in branches where branch.accepts(value) {
            passing += 1
            if passing == 2 { break }
        }
        return passing
    }

    /// `minLength`, in characters; a bound of 1 or less needs no counting.
    func isTooShort(_ string: String) -> Bool {
        guard let minLength = counts.minLength, minLength > 0 else { return false }
        if minLength == 1 { return string.isEmpty }
        return string.count < minLength
    }

    /// `maxLength`, in characters; a string with no more UTF-8 bytes than the bound needs no counting.
    func isTooLong(_ string: String) -> Bool {
        guard let maxLength = counts.maxLength else { return false }
        if string.utf8.count <= maxLength { return false }
        return string.count > maxLength
    }
}
