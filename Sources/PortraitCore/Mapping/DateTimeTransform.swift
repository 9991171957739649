import Foundation

/// The `datetime` step: a local date and time in the operator's formats and time zone, to RFC 3339 with the
/// zone's offset at that instant (`2024-05-02T09:12:00+08:00`, `Z` when the offset is zero).
///
/// Keeping the source's own offset (rather than converting to UTC) preserves what the source meant: a till
/// receipt at 09:12 in Shanghai stays a morning purchase. Input that already is RFC 3339 with an offset is
/// kept as it is.
struct DateTimeTransform: Sendable, Hashable {
    enum Format: Sendable, Hashable {
        case pattern(DatePattern)
        /// Seconds since 1970-01-01T00:00:00Z, optionally with a fraction.
        case unixSeconds
        /// Milliseconds since 1970-01-01T00:00:00Z.
        case unixMilliseconds
    }

    var formats: [Format]
    /// The formats as written, for messages.
    var formatNames: [String]
    /// The zone local times are read in and offsets are written for.
    var calendar: Calendar

    init(formats: [Format], formatNames: [String], timeZone: TimeZone) {
        self.formats = formats
        self.formatNames = formatNames
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// `iso8601` as a datetime format (the RFC 3339-with-offset case is always accepted before any format).
    static let iso8601Patterns = [
        "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
    ].map { try! DatePattern.compile($0).get() }

    func convert(_ value: JSONValue) throws(TransformFailure) -> String {
        let text = TextTransforms.trimmed(try Transform.text(value, for: "datetime"))
        if Formats.isDateTime(text) { return text }
        var problem: String?
        for format in formats {
            switch format {
            case .pattern(let pattern):
                guard let components = pattern.match(text) else { continue }
                guard DateTransform.isRealDate(components) else {
                    problem = problem ?? "is not a real calendar date"
                    continue
                }
                guard components.hour < 24, components.minute < 60, components.second < 60 else {
                    problem = problem ?? "is not a real time of day"
                    continue
                }
                if let output = local(components) { return output }
                problem = problem ?? "does not exist in \(calendar.timeZone.identifier) (the clocks skip it)"
            case .unixSeconds, .unixMilliseconds:
                if let output = unix(text, milliseconds: format == .unixMilliseconds) { return output }
            }
        }
        throw TransformFailure(
            value, problem ?? "matches none of the datetime formats \(formatNames.joined(separator: ", "))")
    }

    /// A wall-clock time in the zone, or nil when the zone skips that time (a daylight saving gap).
    ///
    /// Ambiguous times (the repeated hour when clocks go back) resolve to the first occurrence.
    private func local(_ c: DatePattern.Components) -> String? {
        let wanted = DateComponents(
            year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second)
        guard let date = calendar.date(from: wanted) else { return nil }
        let actual = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard actual.year == c.year, actual.month == c.month, actual.day == c.day, actual.hour == c.hour,
            actual.minute == c.minute, actual.second == c.second
        else { return nil }
        return Self.rfc3339(c, offset: calendar.timeZone.secondsFromGMT(for: date))
    }

    private func unix(_ text: String, milliseconds: Bool) -> String? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 16,
            whole.allSatisfy(TextTransforms.isASCIIDigit), let number = Int(whole)
        else { return nil }
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        guard fraction.allSatisfy(TextTransforms.isASCIIDigit), fraction.count <= 9 else { return nil }
        var seconds = number
        if milliseconds {
            guard fraction.isEmpty else { return nil }
            seconds = number / 1000
            fraction = number % 1000 == 0 ? "" : DateTransform.pad(number % 1000, 3)
        }
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let parts2 = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard let year = parts2.year, year <= 9999 else { return nil }
        var c = DatePattern.Components()
        c.year = year
        c.month = parts2.month ?? 1
        c.day = parts2.day ?? 1
        c.hour = parts2.hour ?? 0
        c.minute = parts2.minute ?? 0
        c.second = parts2.second ?? 0
        c.fraction = fraction
        return Self.rfc3339(c, offset: calendar.timeZone.secondsFromGMT(for: date))
    }

    static func rfc3339(_ c: DatePattern.Components, offset: Int) -> String {
        let pad = DateTransform.pad
        var text = "\(DateTransform.format(c))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if !c.fraction.isEmpty { text += "." + c.fraction }
        if offset == 0 { return text + "Z" }
        let minutes = abs(offset) / 60
        return text + (offset < 0 ? "-" : "+") + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2)
    }
}
