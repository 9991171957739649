/// The `date` step: a calendar date in one of the operator's formats, to `YYYY-MM-DD`.
///
/// The output is a calendar date, not an instant: a birth date has no time zone, and converting it through
/// `Date` would shift it by a day for sources east or west of UTC.
struct DateTransform: Sendable, Hashable {
    /// The formats in the order config lists them; the first that matches wins.
    var patterns: [DatePattern]
    /// `iso8601` was listed: also take the date part of an RFC 3339 timestamp.
    var acceptsTimestamps: Bool
    /// The formats as written, for messages.
    var formatNames: [String]

    /// `iso8601` as a date format: `YYYY-MM-DD`, or the date of an RFC 3339 timestamp as written.
    static let iso8601Pattern = try! DatePattern.compile("yyyy-MM-dd").get()

    func convert(_ text: String, original: JSONValue) throws(TransformFailure) -> String {
        let text = TextTransforms.trimmed(text)
        if acceptsTimestamps, Formats.isDateTime(text) { return String(text.prefix(10)) }
        var shapeMatched = false
        for pattern in patterns {
            guard let components = pattern.match(text) else { continue }
            shapeMatched = true
            if Self.isRealDate(components) { return Self.format(components) }
        }
        if shapeMatched { throw TransformFailure(original, "is not a real calendar date") }
        throw TransformFailure(original, "matches none of the date formats \(formatNames.joined(separator: ", "))")
    }

    static func isRealDate(_ c: DatePattern.Components) -> Bool {
        (1...9999).contains(c.year) && (1...12).contains(c.month)
            && (1...Formats.daysIn(month: c.month, year: c.year)).contains(c.day)
    }

    /// `YYYY-MM-DD`; ten bytes, so a small string that needs no allocation.
    static func format(_ c: DatePattern.Components) -> String {
        String(unsafeUninitializedCapacity: 10) { writeDate(c, into: $0) }
    }

    /// Writes `YYYY-MM-DD` (a real date: year 1-9999) at the start of `buffer`; returns the bytes written.
    static func writeDate(_ c: DatePattern.Components, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 0x30 + value % 10) }
        buffer[0] = digit(c.year / 1000)
        buffer[1] = digit(c.year / 100)
        buffer[2] = digit(c.year / 10)
        buffer[3] = digit(c.year)
        buffer[4] = UInt8(ascii: "-")
        buffer[5] = digit(c.month / 10)
        buffer[6] = digit(c.month)
        buffer[7] = UInt8(ascii: "-")
        buffer[8] = digit(c.day / 10)
        buffer[9] = digit(c.day)
        return 10
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
