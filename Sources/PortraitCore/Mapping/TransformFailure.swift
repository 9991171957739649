import Foundation

/// Why a transform rejected a value: the value itself plus a predicate phrase.
///
/// Kept in two parts so the mapping can say where the value came from in between:
/// `identifiers.phone: '12345' from field 'mobile' is not a valid CN phone number`.
struct TransformFailure: Error, Sendable, Hashable {
    /// The value the failing transform received (after the transforms before it).
    var input: JSONValue
    /// Reads after the value: "is not a valid CN phone number".
    var problem: String

    init(_ input: JSONValue, _ problem: String) {
        self.input = input
        self.problem = problem
    }

    /// The value as an operator recognises it: text quoted, containers named rather than dumped.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "'\(text)'"
        case .number(let number): return "'\(number)'"
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}
