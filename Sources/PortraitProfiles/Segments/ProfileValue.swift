/// A field's value as expressions see it. Absence (SQL NULL) is `nil` at the call sites, not a case.
///
/// An empty `.list([])` is treated exactly like absence, because storage writes an empty list as NULL
/// and in-memory evaluation must agree with the compiled SQL.
public enum ProfileValue: Sendable, Hashable {
    case number(Double)
    case text(String)
    case bool(Bool)
    case date(String)      // "YYYY-MM-DD"
    case list([String])    // e.g. interests, segments, categories
}

/// The declared type of a field; decides which comparisons an expression may make on it.
public enum ProfileFieldType: String, Sendable, Hashable {
    case number, text, bool, date, list
}

/// The fields an expression may name and their types.
public struct FieldCatalog: Sendable, Hashable {
    public var types: [String: ProfileFieldType]

    public init(_ types: [String: ProfileFieldType]) {
        self.types = types
    }
}

/// A value bound to a `?` placeholder of compiled SQL. Bools bind as numbers 0/1, dates and list probes as text.
public enum SQLArgument: Sendable, Hashable {
    case number(Double)
    case text(String)
}

extension ProfileFieldType {
    /// The article-qualified name used in error messages ("a number field").
    var phrase: String {
        switch self {
        case .number: "a number field"
        case .text: "a text field"
        case .bool: "a bool field"
        case .date: "a date field"
        case .list: "a list field"
        }
    }
}

extension ProfileValue {
    /// The string payload of text and date values: both are stored as TEXT and compare the same way.
    var textual: String? {
        switch self {
        case .text(let string), .date(let string): string
        default: nil
        }
    }

    /// Whether the value counts as NULL: storage writes empty lists as NULL, and SQLite stores NaN as NULL.
    var isNullLike: Bool {
        switch self {
        case .list(let items): items.isEmpty
        case .number(let number): number.isNaN
        default: false
        }
    }
}
