/// A parsed, type-checked filter over profiles (or orders, events, ...), e.g.
/// `recency_days <= 30 and total_spend >= 1000 and 'sports' in interests`.
///
/// Two expressions are equal when they mean the same tree after normalisation (mirrored comparisons
/// flipped, `==`/`<>` folded, nested `and`/`or` chains flattened); `text` is not compared, so an
/// expression equals the re-parse of its `description`.
public struct SegmentExpression: Sendable, Hashable, CustomStringConvertible {
    /// The source as written.
    public let text: String
    let tree: ExpressionTree<String>
    private let usedFields: Set<String>

    init(text: String, tree: ExpressionTree<String>) {
        self.text = text
        self.tree = tree
        var fields = Set<String>()
        tree.collectFields(into: &fields)
        self.usedFields = fields
    }

    /// Parses and type-checks. Throws on the first error.
    public static func parse(_ text: String, fields: FieldCatalog) throws(ExpressionError) -> SegmentExpression {
        var parser = try ExpressionParser(text, fields: fields)
        return SegmentExpression(text: text, tree: try parser.parse())
    }

    /// Every field the expression names.
    public var fieldsUsed: Set<String> { usedFields }

    /// A normalised rendering, re-parseable to an equal expression; this is what to store.
    public var description: String { tree.rendered }

    /// In-memory evaluation. `value(name)` returns nil when the field is absent (null); it is called at most
    /// once per predicate, and not at all for predicates that `and`/`or` short-circuit.
    public func matches(_ value: (String) -> ProfileValue?) -> Bool {
        tree.evaluate(value)
    }

    /// Compiles to a SQLite boolean expression with `?` placeholders; `column(name)` gives the SQL for a field
    /// (the caller returns a quoted identifier). Values are always bound as arguments, in placeholder order.
    public func sql(column: (String) -> String) -> (sql: String, arguments: [SQLArgument]) {
        var sql = ""
        var arguments: [SQLArgument] = []
        tree.sql(column: column, into: &sql, arguments: &arguments)
        return (sql, arguments)
    }

    /// Resolves field names to indexes once, for evaluating many rows whose values sit in an array.
    /// Fields missing from `slots` read as absent.
    public func compile(slots: [String: Int]) -> CompiledExpression {
        CompiledExpression(tree: tree.mapFields { slots[$0] ?? -1 })
    }

    public static func == (lhs: SegmentExpression, rhs: SegmentExpression) -> Bool {
        lhs.tree == rhs.tree
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tree)
    }
}

/// A `SegmentExpression` whose fields are array slots: the hot path for filtering millions of rows,
/// where the caller fills one `[ProfileValue?]` per row and no name is looked up per predicate.
public struct CompiledExpression: Sendable, Hashable {
    let tree: ExpressionTree<Int>

    /// `values[slot]` is the field's value, nil when absent; slots outside the buffer read as absent.
    public func matches(_ values: UnsafeBufferPointer<ProfileValue?>) -> Bool {
        tree.evaluate(values)
    }

    /// Convenience over `matches(_:)` for an array.
    public func matches(_ values: [ProfileValue?]) -> Bool {
        values.withUnsafeBufferPointer { matches($0) }
    }
}
