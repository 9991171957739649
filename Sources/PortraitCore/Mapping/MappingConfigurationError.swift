/// A mapping in `portrait.yml` that cannot be compiled, with every problem found (not only the first).
///
/// Each violation carries the JSON path of the offending value
/// (`connectors[0].mapping.contacts.fields.identifiers.phone.transform[0]`), so an operator can fix the whole
/// mapping in one pass instead of one error per run.
public struct MappingConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var violations: [SchemaViolation]

    public init(violations: [SchemaViolation]) {
        self.violations = violations
    }

    public var description: String {
        let lines = violations.map { "  \($0)" }.joined(separator: "\n")
        return "the mapping has \(violations.count) problem(s):\n\(lines)"
    }

    /// The same problems as a `PortraitError.configuration`, for callers that report one error kind.
    public var portraitError: PortraitError { .configuration(description) }
}

/// Collects configuration problems while a mapping compiles, so compilation keeps going after the first one.
struct ConfigurationProblems {
    private(set) var violations: [SchemaViolation] = []

    var isEmpty: Bool { violations.isEmpty }

    mutating func add(_ path: JSONPath, _ message: String) {
        violations.append(SchemaViolation(path: path, message: message))
    }

    mutating func add(contentsOf other: [SchemaViolation]) {
        violations.append(contentsOf: other)
    }

    /// "unknown X 'word'; did you mean 'y'?" or, without a close match, the list of what is allowed.
    static func unknown(_ what: String, _ word: String, among candidates: [String]) -> String {
        var message = "unknown \(what) '\(word)'"
        if let suggestion = Suggestions.closest(to: word, among: candidates) {
            message += "; did you mean '\(suggestion)'?"
        } else if !candidates.isEmpty, candidates.count <= 20 {
            message += "; allowed: \(candidates.sorted().joined(separator: ", "))"
        }
        return message
    }
}
