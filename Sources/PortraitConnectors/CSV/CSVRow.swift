/// One record of a CSV file, with where it lies in the file so that it can be located, quarantined and resumed after.
struct CSVRow: Sendable, Equatable {
    /// The decoded fields, or nil when the row could not be decoded (see `problems`).
    var fields: [String]?
    /// 1-based physical line number where the row starts: line breaks (LF, CRLF or a lone CR) are counted wherever
    /// they are, inside quoted fields and skipped empty lines too, with the header on line 1.
    var line: Int
    /// The line number where the next row starts: pass it with `endOffset` to `CSVReader.seek(toOffset:line:)`.
    var nextLine: Int
    /// Byte offset in the file of the row's first byte.
    var startOffset: Int64
    /// Byte offset in the file just past the row's line terminator (where the next row starts).
    var endOffset: Int64
    /// The row's text as in the file without its line terminator, decoded leniently (invalid bytes become U+FFFD),
    /// so that an operator sees the line they know from the file.
    var raw: String
    /// Why the row is unreadable, e.g. "invalid GB18030 byte sequence in column 3 (bytes 0x81 0x20)" or
    /// "unterminated quoted field (started on line 12)". Empty when `fields` is not nil.
    var problems: [String]
}

extension CSVRow: CustomStringConvertible {
    /// `line 3-5 @40..<97 ["R1", "a\nb"] raw="…" []`, for test failures and debugging.
    var description: String {
        let values = fields.map { "\($0)" } ?? "nil"
        return "line \(line)-\(nextLine) @\(startOffset)..<\(endOffset) \(values) raw=\(raw.debugDescription) \(problems)"
    }
}
