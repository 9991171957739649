/// Compiles a resolved expression to a SQLite boolean expression over the storage encoding:
/// number → REAL, text/date → TEXT, bool → INTEGER 0/1, list → TEXT "\u{1F}a\u{1F}b\u{1F}" (empty → NULL).
///
/// Every predicate is wrapped in `COALESCE(..., 0)` (or is an `IS [NOT] NULL` test) so NULL becomes false
/// before `NOT`/`AND`/`OR` see it, matching the in-memory two-valued logic; every composite is
/// parenthesised so precedence never depends on the caller's surrounding SQL. Literal values only ever
/// travel as `?` arguments. Text columns must use SQLite's default BINARY collation.
extension ExpressionTree where Field == String {
    func sql(column: (String) -> String, into sql: inout String, arguments: inout [SQLArgument]) {
        switch self {
        case .predicate(let field, let test):
            test.sql(column: column(field), into: &sql, arguments: &arguments)
        case .not(let child):
            sql += "NOT ("
            child.sql(column: column, into: &sql, arguments: &arguments)
            sql += ")"
        case .and(let children), .or(let children):
            let joiner = if case .and = self { " AND " } else { " OR " }
            sql += "("
            for (index, child) in children.enumerated() {
                if index > 0 { sql += joiner }
                child.sql(column: column, into: &sql, arguments: &arguments)
            }
            sql += ")"
        }
    }
}

extension ExpressionTest {
    func sql(column: String, into sql: inout String, arguments: inout [SQLArgument]) {
        switch self {
        case .compare(let op, let literal):
            let symbol = op == .notEqual ? "<>" : op.rawValue
            sql += "COALESCE(\(column) \(symbol) ?, 0)"
            arguments.append(Self.argument(literal))
        case .oneOf(let values, let negated):
            let placeholders = Array(repeating: "?", count: values.count).joined(separator: ", ")
            sql += "COALESCE(\(column) \(negated ? "NOT IN" : "IN") (\(placeholders)), 0)"
            arguments.append(contentsOf: values.map(Self.argument))
        case .contains(let element, let negated):
            // Wrapping the probe in separators makes instr match whole elements only.
            sql += "COALESCE(instr(\(column), ?) \(negated ? "= 0" : "> 0"), 0)"
            let separator = String(ExpressionTypeChecker.listSeparator)
            arguments.append(.text(separator + element + separator))
        case .isNull(let negated):
            sql += "(\(column) IS \(negated ? "NOT NULL" : "NULL"))"
        case .isTrue:
            sql += "COALESCE(\(column) = 1, 0)"
        }
    }

    static func argument(_ value: ProfileValue) -> SQLArgument {
        switch value {
        case .number(let number): .number(number)
        case .text(let text), .date(let text): .text(text)
        case .bool(let flag): .number(flag ? 1 : 0)
        case .list(let items):  // never produced by the type checker; encoded as storage would be
            .text(items.isEmpty ? "" : "\u{1F}" + items.joined(separator: "\u{1F}") + "\u{1F}")
        }
    }
}
