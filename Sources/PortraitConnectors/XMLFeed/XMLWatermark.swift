import Foundation

/// "Updated since" for feeds that resend everything: a record whose `updated_field` is older than the largest
/// value already committed is skipped.
///
/// Values are compared as instants, so `2024-05-02T09:00:00+08:00` and `2024-05-02T01:00:00Z` are equal. Accepted:
/// RFC 3339 / ISO 8601 date-times with an offset or `Z` (fractional seconds allowed), and plain dates
/// (`2024-05-02`, midnight UTC).
struct XMLWatermark {
    /// The committed watermark when the run started, as an instant; nil: nothing is skipped.
    let since: Date?
    /// The largest value seen this run (text as the feed wrote it, and its instant).
    private(set) var newest: (text: String, instant: Date)?

    private let withFraction: ISO8601DateFormatter
    private let plain: ISO8601DateFormatter
    private let dateOnly: ISO8601DateFormatter

    init(committed: String?) {
        let withFraction = ISO8601DateFormatter()
        self.withFraction = withFraction
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        self.plain = plain
        plain.formatOptions = [.withInternetDateTime]
        let dateOnly = ISO8601DateFormatter()
        self.dateOnly = dateOnly
        dateOnly.formatOptions = [.withFullDate]
        let formatters = (plain, withFraction, dateOnly)
        var instant: Date?
        if let committed { instant = Self.instant(of: committed, using: formatters) }
        since = instant
        if let committed, let instant { newest = (committed, instant) } else { newest = nil }
    }

    func instant(of text: String) -> Date? { Self.instant(of: text, using: (plain, withFraction, dateOnly)) }

    private static func instant(
        of text: String, using formatters: (ISO8601DateFormatter, ISO8601DateFormatter, ISO8601DateFormatter)
    ) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return formatters.0.date(from: trimmed) ?? formatters.1.date(from: trimmed)
            ?? (trimmed.count == 10 ? formatters.2.date(from: trimmed) : nil)
    }

    /// Takes `text` as the newest value if it is newer (a watermark committed by an earlier document).
    mutating func consider(_ text: String?) {
        guard let text, let instant = instant(of: text) else { return }
        if newest == nil || instant > newest!.instant { newest = (text, instant) }
    }

    /// What to do with a record whose updated value is `text`.
    enum Decision {
        case keep
        /// Older than the committed watermark.
        case skip
        /// The value is not a date-time: the record is kept, and says so.
        case unreadable
    }

    /// Decides on one record and remembers its value if it is the newest so far.
    mutating func decide(_ text: String?) -> Decision {
        guard let text, !text.isEmpty else { return .unreadable }
        guard let instant = instant(of: text) else { return .unreadable }
        if let since, instant < since { return .skip }
        if newest == nil || instant > newest!.instant { newest = (text, instant) }
        return .keep
    }
}
