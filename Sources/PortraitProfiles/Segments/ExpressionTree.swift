/// What a predicate asks of one field's value, already type-checked and normalised
/// (mirrored comparisons flipped, `==`/`<>` folded, literals converted to the field's type).
enum ExpressionTest: Sendable, Hashable {
    /// `field op literal`; the literal has the field's type (bools only with `=`/`!=`).
    case compare(ExpressionComparison, ProfileValue)
    /// `field [not] in (v1, v2, ...)` for a scalar field.
    case oneOf([ProfileValue], negated: Bool)
    /// `'x' [not] in listField`.
    case contains(String, negated: Bool)
    /// `field is [not] null`.
    case isNull(negated: Bool)
    /// A bare bool field: true exactly when the value is `true`.
    case isTrue
}

/// A resolved expression. `Field` is the field's name for `SegmentExpression` and a slot index for
/// `CompiledExpression`, so both evaluate the same tree shape without looking anything up by name.
///
/// `and`/`or` are n-ary with at least two children and never directly contain their own kind
/// (nested chains are flattened), which makes equal-meaning groupings compare equal.
enum ExpressionTree<Field: Hashable & Sendable>: Sendable, Hashable {
    case predicate(Field, ExpressionTest)
    indirect case not(ExpressionTree)
    case and([ExpressionTree])
    case or([ExpressionTree])

    /// Conjunction that flattens nested `and`s so `(a and b) and c` equals `a and b and c`.
    static func all(_ children: [ExpressionTree]) -> ExpressionTree {
        let flat = children.flatMap { child -> [ExpressionTree] in
            if case .and(let inner) = child { return inner }
            return [child]
        }
        return flat.count == 1 ? flat[0] : .and(flat)
    }

    /// Disjunction that flattens nested `or`s.
    static func any(_ children: [ExpressionTree]) -> ExpressionTree {
        let flat = children.flatMap { child -> [ExpressionTree] in
            if case .or(let inner) = child { return inner }
            return [child]
        }
        return flat.count == 1 ? flat[0] : .or(flat)
    }

    func mapFields<Other: Hashable & Sendable>(_ transform: (Field) -> Other) -> ExpressionTree<Other> {
        switch self {
        case .predicate(let field, let test): .predicate(transform(field), test)
        case .not(let child): .not(child.mapFields(transform))
        case .and(let children): .and(children.map { $0.mapFields(transform) })
        case .or(let children): .or(children.map { $0.mapFields(transform) })
        }
    }

    func collectFields(into fields: inout Set<Field>) {
        switch self {
        case .predicate(let field, _): fields.insert(field)
        case .not(let child): child.collectFields(into: &fields)
        case .and(let children), .or(let children):
            for child in children { child.collectFields(into: &fields) }
        }
    }
}
