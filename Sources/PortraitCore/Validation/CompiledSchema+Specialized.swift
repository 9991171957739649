/// `accepts` worked out ahead for objects whose keys are known and some of whose values are constants: what is
/// left for each record is a few checks on the other values.
///
/// Written for the identifier list: every entry is `{type, value}` with `type` fixed by the mapping field it
/// came from, and the customer schema's `if type is email then value is an email` branches turn into one format
/// check on the value. Checking each entry whole (build the object, walk `allOf`, evaluate each `if`) was the
/// largest part of checking an order. Exact or nothing: a keyword that cannot be decided this way (`anyOf`,
/// `oneOf`, `not`, `const` or `enum` on the object, an `if` that reads a non-constant value) gives nil, and the
/// caller checks whole values as before.
struct SpecializedObjectCheck: Sendable {
    /// The checks left: the value of `key` must pass `schema`. Empty when the object is accepted whatever the
    /// other values are.
    var checks: [(key: String, schema: CompiledSchema)]
    /// The object is refused whatever the other values are.
    var rejectsAll: Bool

    static let acceptsAll = SpecializedObjectCheck(checks: [], rejectsAll: false)
    static let rejectsAll = SpecializedObjectCheck(checks: [], rejectsAll: true)

    /// Whether the object with `values` for the non-constant keys passes (keys missing from `values` are absent).
    func accepts(_ values: (String) -> JSONValue?) -> Bool {
        if rejectsAll { return false }
        for check in checks {
            guard let value = values(check.key) else { continue }
            if !check.schema.accepts(value) { return false }
        }
        return true
    }

    mutating func add(_ other: SpecializedObjectCheck) {
        if other.rejectsAll { rejectsAll = true }
        checks += other.checks
    }
}

extension CompiledSchema {
    /// `accepts` of an object that has exactly `constants` and `others` as keys, specialised on the constants'
    /// values; nil when some keyword cannot be decided without the other values.
    func specialized(constants: [String: JSONValue], others: Set<String>) -> SpecializedObjectCheck? {
        switch kind {
        case .acceptsAll: return .acceptsAll
        case .rejectsAll: return .rejectsAll
        case .keywords: break
        }
        guard constant == nil, options == nil, anyOf == nil, oneOf == nil, not == nil else { return nil }
        var result = SpecializedObjectCheck.acceptsAll
        if let reference {
            guard let target = reference.target, let resolved = target.specialized(constants: constants, others: others)
            else { return reference.target == nil ? .rejectsAll : nil }
            result.add(resolved)
        }
        if let types, !types.contains(.object) { return .rejectsAll }
        // acceptsObject, with the key set known.
        let keyCount = constants.count + others.count
        if let minProperties = counts.minProperties, keyCount < minProperties { return .rejectsAll }
        if let maxProperties = counts.maxProperties, keyCount > maxProperties { return .rejectsAll }
        for name in requiredElsewhere where constants[name] == nil && !others.contains(name) { return .rejectsAll }
        if checksEntries {
            var requiredSeen = 0
            let keys = constants.keys.sorted() + others.sorted()
            for key in keys {
                let schema: CompiledSchema
                if let index = propertyTable.index(of: key) {
                    if propertyTable.entries[index].isRequired { requiredSeen += 1 }
                    schema = propertyTable.entries[index].schema
                } else {
                    switch additional {
                    case .unconstrained: continue
                    case .forbidden: return .rejectsAll
                    case .schema(let additionalSchema): schema = additionalSchema
                    }
                }
                if let value = constants[key] {
                    if !schema.accepts(value) { return .rejectsAll }
                } else {
                    result.checks.append((key, schema))
                }
            }
            if requiredSeen != propertyTable.requiredCount { return .rejectsAll }
        } else if propertyTable.requiredCount != 0 {
            return .rejectsAll
        }
        for branch in allOf {
            guard let resolved = branch.specialized(constants: constants, others: others) else { return nil }
            result.add(resolved)
        }
        if let condition {
            // The branch taken must follow from the constants alone.
            guard let test = condition.specialized(constants: constants, others: others),
                test.rejectsAll || test.checks.allSatisfy({ $0.schema.kind == .acceptsAll })
            else { return nil }
            if let taken = test.rejectsAll ? otherwise : then {
                guard let resolved = taken.specialized(constants: constants, others: others) else { return nil }
                result.add(resolved)
            }
        }
        return result
    }
}
