/// The normalised text form stored as a segment definition. It must re-parse to an equal tree, so it
/// spells every operator canonically, quotes strings with escapes, prints numbers losslessly, and adds
/// parentheses wherever a reader (or the parser) could group differently.
extension ExpressionTree where Field == String {
    var rendered: String {
        switch self {
        case .predicate(let field, let test):
            return test.rendered(field: field)
        case .not(let child):
            // `not flag` and `not not x` read unambiguously; `not (total > 5)` reads better than `not total > 5`.
            switch child {
            case .predicate(_, .isTrue), .not: return "not \(child.rendered)"
            default: return "not (\(child.rendered))"
            }
        case .and(let children):
            return children.map(\.renderedAsOperand).joined(separator: " and ")
        case .or(let children):
            return children.map(\.renderedAsOperand).joined(separator: " or ")
        }
    }

    /// Groups inside `and`/`or` are always parenthesised: `a or (b and c)` shows intent without precedence rules.
    private var renderedAsOperand: String {
        switch self {
        case .and, .or: "(\(rendered))"
        default: rendered
        }
    }
}

extension ExpressionTest {
    func rendered(field: String) -> String {
        switch self {
        case .compare(let op, let literal):
            return "\(field) \(op.rawValue) \(Self.render(literal))"
        case .oneOf(let values, let negated):
            return "\(field) \(negated ? "not in" : "in") (\(values.map(Self.render).joined(separator: ", ")))"
        case .contains(let element, let negated):
            return "\(Self.quote(element)) \(negated ? "not in" : "in") \(field)"
        case .isNull(let negated):
            return "\(field) is \(negated ? "not null" : "null")"
        case .isTrue:
            return field
        }
    }

    static func render(_ value: ProfileValue) -> String {
        switch value {
        case .number(let number): renderNumber(number)
        case .text(let text), .date(let text): quote(text)
        case .bool(let flag): flag ? "true" : "false"
        case .list(let items): "(\(items.map(quote).joined(separator: ", ")))"  // not produced by the checker
        }
    }

    /// Integers without a fractional part; everything else via Swift's shortest round-tripping form.
    static func renderNumber(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    static func quote(_ text: String) -> String {
        var result = "'"
        for character in text {
            if character == "'" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "'"
    }
}
