/// The `map` step: source codes to canonical values (`{ values: { S: shipped, X: cancelled }, default: other }`).
///
/// Matching ignores case and surrounding spaces unless `case_sensitive: true`, because the same source code
/// arrives as `s`, `S` and `S ` from different exports. A value with no entry and no `default` is an error, not
/// a pass-through: an unmapped code would otherwise reach the canonical record unnoticed.
struct ValueMap: Sendable, Hashable {
    /// Keys already folded (trimmed, lower-cased unless case-sensitive).
    var values: [String: JSONValue]
    var defaultValue: JSONValue?
    var caseSensitive: Bool

    init(values: [String: JSONValue], defaultValue: JSONValue? = .none, caseSensitive: Bool = false) {
        self.caseSensitive = caseSensitive
        self.defaultValue = defaultValue
        var folded: [String: JSONValue] = [:]
        for (key, value) in values { folded[Self.fold(key, caseSensitive: caseSensitive)] = value }
        self.values = folded
    }

    static func fold(_ key: String, caseSensitive: Bool) -> String {
        let trimmed = TextTransforms.trimmed(key)
        return caseSensitive ? trimmed : trimmed.lowercased()
    }

    func lookUp(_ text: String, original: JSONValue) throws(TransformFailure) -> JSONValue {
        if let hit = values[Self.fold(text, caseSensitive: caseSensitive)] { return hit }
        if let defaultValue { return defaultValue }
        let known = values.keys.sorted().prefix(10).joined(separator: ", ")
        throw TransformFailure(original, "is not in the value map (known: \(known)) and the map has no default")
    }
}
