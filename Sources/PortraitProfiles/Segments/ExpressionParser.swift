/// Recursive-descent parser for the segment expression grammar:
///
///     expr      := or
///     or        := and ('or' and)*
///     and       := not ('and' not)*
///     not       := 'not' not | primary
///     primary   := '(' expr ')' | predicate
///     predicate := field cmp literal | literal cmp field
///                | field ['not'] 'in' '(' literal (',' literal)* ')'
///                | literal ['not'] 'in' field
///                | field 'is' ['not'] 'null'
///                | field                                  (bool fields only)
///
/// It needs the catalog while parsing: whether a bare field ends a predicate depends on its type, and
/// type errors are raised as each predicate is read so the earliest problem in the text wins.
struct ExpressionParser {
    /// Deep enough for any hand-written filter, shallow enough that recursion can't overflow the stack.
    static let maximumDepth = 100

    private var lexer: ExpressionLexer
    private let checker: ExpressionTypeChecker
    private var current: ExpressionToken
    private var previous: ExpressionToken?
    private var depth = 0

    init(_ text: String, fields: FieldCatalog) throws(ExpressionError) {
        lexer = ExpressionLexer(text)
        checker = ExpressionTypeChecker(catalog: fields, source: text)
        current = try lexer.next()
    }

    mutating func parse() throws(ExpressionError) -> ExpressionTree<String> {
        let tree = try parseOr()
        guard case .end = current.kind else {
            throw unexpected("and, or or the end of the expression")
        }
        return tree
    }

    // MARK: Boolean structure

    private mutating func parseOr() throws(ExpressionError) -> ExpressionTree<String> {
        var children = [try parseAnd()]
        while current.isKeyword(.or) {
            try advance()
            children.append(try parseAnd())
        }
        return .any(children)
    }

    private mutating func parseAnd() throws(ExpressionError) -> ExpressionTree<String> {
        var children = [try parseNot()]
        while current.isKeyword(.and) {
            try advance()
            children.append(try parseNot())
        }
        return .all(children)
    }

    private mutating func parseNot() throws(ExpressionError) -> ExpressionTree<String> {
        guard current.isKeyword(.not) else { return try parsePrimary() }
        try enterNesting()
        try advance()
        let child = try parseNot()
        depth -= 1
        return .not(child)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> ExpressionTree<String> {
        guard case .leftParen = current.kind else { return try parsePredicate() }
        let open = current
        try enterNesting()
        try advance()
        let inner = try parseOr()
        guard case .rightParen = current.kind else {
            if case .end = current.kind {
                let position = ExpressionError.position(of: open.offset, in: lexer.source)
                throw ExpressionError(
                    source: lexer.source, offset: current.offset, expected: "')'", found: current.found,
                    sentence: "expected ')' to close the '(' at \(position), found end of expression")
            }
            throw unexpected("and, or or ')'")
        }
        try advance()
        depth -= 1
        return inner
    }

    private mutating func enterNesting() throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw ExpressionError(
                source: lexer.source, offset: current.offset,
                expected: "at most \(Self.maximumDepth) levels of nesting", found: current.found,
                sentence: "the expression nests 'not' and parentheses more than \(Self.maximumDepth) levels deep")
        }
    }

    // MARK: Predicates

    private mutating func parsePredicate() throws(ExpressionError) -> ExpressionTree<String> {
        switch current.kind {
        case .identifier(let name):
            return try parseFieldFirst(name)
        case .number, .string, .keyword(.true), .keyword(.false):
            return try parseLiteralFirst()
        default:
            throw unexpected("a condition", after: previous?.found)
        }
    }

    /// `field cmp literal`, `field [not] in (...)`, `field is [not] null` or a bare bool field.
    private mutating func parseFieldFirst(_ name: String) throws(ExpressionError) -> ExpressionTree<String> {
        let fieldToken = current
        let type = try checker.fieldType(of: fieldToken, named: name)
        try advance()
        switch current.kind {
        case .comparison(let op):
            let opToken = current
            try checker.checkComparable(field: name, type: type, opToken: opToken, op: op, mirrored: false)
            try advance()
            let (literal, literalToken) = try parseLiteral(after: opToken)
            return .predicate(
                name, try checker.comparison(field: name, type: type, op: op, literal: literal, literalToken: literalToken))
        case .keyword(.is):
            try advance()
            let negated = current.isKeyword(.not)
            if negated { try advance() }
            guard current.isKeyword(.null) else {
                throw unexpected(negated ? "'null'" : "'null' or 'not null'", after: previous?.found)
            }
            try advance()
            return .predicate(name, .isNull(negated: negated))
        case .keyword(.in), .keyword(.not):
            let negated = try parseIn()
            try checker.checkOneOf(field: name, type: type, inToken: previous!)
            return .predicate(name, .oneOf(try parseValueList(field: name, type: type), negated: negated))
        default:
            if type == .bool { return .predicate(name, .isTrue) }
            throw unexpected(
                type == .list ? "'is null' or 'is not null'" : "a comparison operator, 'in' or 'is'",
                after: fieldToken.found)
        }
    }

    /// `literal cmp field` (mirrored into `field cmp' literal`) or `'x' [not] in listField`.
    private mutating func parseLiteralFirst() throws(ExpressionError) -> ExpressionTree<String> {
        let (literal, literalToken) = try parseLiteral(after: nil)
        switch current.kind {
        case .comparison(let op):
            let opToken = current
            try advance()
            let (name, type, _) = try parseField(after: opToken)
            try checker.checkComparable(field: name, type: type, opToken: opToken, op: op, mirrored: true)
            return .predicate(
                name,
                try checker.comparison(field: name, type: type, op: op.mirrored, literal: literal, literalToken: literalToken))
        case .keyword(.in), .keyword(.not):
            let negated = try parseIn()
            let (name, type, fieldToken) = try parseField(after: previous!)
            return .predicate(
                name,
                try checker.contains(
                    field: name, type: type, fieldToken: fieldToken,
                    literal: literal, literalToken: literalToken, negated: negated))
        default:
            throw unexpected("a comparison operator or 'in'", after: literalToken.found)
        }
    }

    /// Consumes `in` or `not in`; returns whether it was negated.
    private mutating func parseIn() throws(ExpressionError) -> Bool {
        let negated = current.isKeyword(.not)
        if negated {
            try advance()
            guard current.isKeyword(.in) else { throw unexpected("'in'", after: "'not'") }
        }
        try advance()
        return negated
    }

    /// `'(' literal (',' literal)* ')'`, each literal converted to the field's type.
    private mutating func parseValueList(field: String, type: ProfileFieldType) throws(ExpressionError) -> [ProfileValue] {
        guard case .leftParen = current.kind else {
            throw unexpected("'(' to start a list of values", after: previous?.found)
        }
        try advance()
        var values: [ProfileValue] = []
        while true {
            let (literal, token) = try parseLiteral(after: previous)
            values.append(try checker.member(of: literal, token: token, field: field, type: type))
            switch current.kind {
            case .comma: try advance()
            case .rightParen: try advance(); return values
            default: throw unexpected("',' or ')'", after: token.found)
            }
        }
    }

    private mutating func parseField(
        after: ExpressionToken
    ) throws(ExpressionError) -> (String, ProfileFieldType, ExpressionToken) {
        guard case .identifier(let name) = current.kind else { throw unexpected("a field name", after: after.found) }
        let token = current
        let type = try checker.fieldType(of: token, named: name)
        try advance()
        return (name, type, token)
    }

    private mutating func parseLiteral(
        after: ExpressionToken?
    ) throws(ExpressionError) -> (ExpressionLiteral, ExpressionToken) {
        let literal: ExpressionLiteral
        switch current.kind {
        case .number(let number): literal = .number(number)
        case .string(let text): literal = .string(text)
        case .keyword(.true): literal = .bool(true)
        case .keyword(.false): literal = .bool(false)
        case .identifier(let name):
            // The two likeliest slips get a hint: a string without quotes, or a field on both sides.
            let hint = checker.catalog.types[name] == nil
                ? "strings need quotes, like '\(name)'" : "comparing two fields is not supported"
            let afterText = after.map { " after \($0.found)" } ?? ""
            throw ExpressionError(
                source: lexer.source, offset: current.offset, expected: "a value", found: current.found,
                sentence: "expected a value\(afterText), found \(current.found) (\(hint))")
        default:
            throw unexpected("a value", after: after?.found)
        }
        let token = current
        try advance()
        return (literal, token)
    }

    // MARK: Tokens

    private mutating func advance() throws(ExpressionError) {
        previous = current
        current = try lexer.next()
    }

    private func unexpected(_ expected: String, after: String? = nil) -> ExpressionError {
        ExpressionError(source: lexer.source, offset: current.offset, expected: expected, found: current.found, after: after)
    }
}
