/// Why an expression was rejected, with enough position information to point at the offending text.
///
/// `expected`/`found` are short phrases meant for UIs that render their own hints; `message` is the full
/// sentence, prefixed with the 1-based column (and line, for multi-line text); `description` adds the
/// expression and a caret line under the problem.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0-based Character offset into the text where the problem is (equal to the text's length at its end).
    public var offset: Int
    /// What was expected there, in words: "a value", "')'", "and, or or the end of the expression", ...
    public var expected: String
    /// What was there: "end of expression", "'>='", "'abc'", ...
    public var found: String
    /// The full sentence, e.g. "column 16: expected a value after '>=', found end of expression".
    public var message: String
    /// The expression the offset refers to, kept to draw the caret line.
    let source: String

    /// Builds the message as "expected X[ after Y], found Z" unless a specific `sentence` explains it better.
    init(
        source: String, offset: Int, expected: String, found: String,
        after: String? = nil, sentence: String? = nil
    ) {
        self.source = source
        self.offset = offset
        self.expected = expected
        self.found = found
        let body = sentence ?? "expected \(expected)\(after.map { " after \($0)" } ?? ""), found \(found)"
        self.message = "\(Self.position(of: offset, in: source)): \(body)"
    }

    /// The message, then the offending line of the expression and a caret under `offset`.
    public var description: String {
        let characters = Array(source)
        let at = min(max(offset, 0), characters.count)
        var start = at
        while start > 0, !characters[start - 1].isNewline { start -= 1 }
        var end = at
        while end < characters.count, !characters[end].isNewline { end += 1 }
        // Tabs are copied so the caret stays aligned in terminals that expand them.
        let padding = String(characters[start..<at].map { $0 == "\t" ? "\t" : " " })
        return "\(message)\n  \(String(characters[start..<end]))\n  \(padding)^"
    }

    /// "column C" for one-line text (the common case), "line L, column C" otherwise; both 1-based.
    static func position(of offset: Int, in source: String) -> String {
        var line = 1
        var column = 1
        var multiline = false
        for (index, character) in source.enumerated() {
            if character.isNewline {
                multiline = true
                if index < offset {
                    line += 1
                    column = 1
                    continue
                }
            }
            if index < offset { column += 1 }
        }
        return multiline ? "line \(line), column \(column)" : "column \(column)"
    }
}
