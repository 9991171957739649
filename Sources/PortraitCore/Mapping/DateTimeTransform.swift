import Foundation
import Synchronization

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
    /// When the zone's offset stopped changing, for local times that need no time zone look-up at all.
    var settledOffset: SettledOffset?

    init(formats: [Format], formatNames: [String], timeZone: TimeZone) {
        self.formats = formats
        self.formatNames = formatNames
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        settledOffset = SettledOffset(timeZone)
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
        if let offset = fastOffset(c) { return offset.map { Self.rfc3339(c, offset: $0) } }
        return localByCalendar(c)
    }

    /// `local(_:)` through `Calendar` alone: the reference the fast path is tested against.
    func localByCalendar(_ c: DatePattern.Components) -> String? {
        let wanted = DateComponents(
            year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second)
        guard let date = calendar.date(from: wanted) else { return nil }
        let actual = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard actual.year == c.year, actual.month == c.month, actual.day == c.day, actual.hour == c.hour,
            actual.minute == c.minute, actual.second == c.second
        else { return nil }
        return Self.rfc3339(c, offset: calendar.timeZone.secondsFromGMT(for: date))
    }

    /// The zone's offset for a wall-clock time worked out from offsets alone, without `Calendar`: `.some(nil)`
    /// for a time the zone skips, nil when this cannot tell (then `Calendar` decides).
    ///
    /// Hand-written for speed: `Calendar.date(from:)` plus `dateComponents(_:from:)` took about 1,200 ns per
    /// record in perf profiles of `MappingBenchmark` (the whole `datetime` step now takes about 280); a zone whose
    /// offset has settled (Asia/Shanghai since 1991) needs no look-up, any other at most four `secondsFromGMT` calls
    /// (about 20 ns each). A time is valid with offset `o` when the zone's offset at the instant `local - o` is `o`;
    /// the candidates are the offsets in force 18 hours either side, which covers every offset a zone has had. Two
    /// valid offsets are the repeated hour (the earlier instant wins, as with `Calendar`), none a gap. Years before
    /// 1600 (Julian in `Calendar`) are left to `Calendar`.
    func fastOffset(_ c: DatePattern.Components) -> Int?? {
        guard (1600...9999).contains(c.year) else { return nil }
        let local =
            Self.daysSinceEpoch(year: c.year, month: c.month, day: c.day) * 86_400 + c.hour * 3_600
            + c.minute * 60 + c.second
        let window = 18 * 3_600
        if let settledOffset, local - window >= settledOffset.since, local + window < SettledOffset.horizon {
            return .some(settledOffset.offset)
        }
        let zone = calendar.timeZone
        func offset(at instant: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        }
        let before = offset(at: local - window)
        let after = offset(at: local + window)
        let beforeValid = offset(at: local - before) == before
        if before == after { return beforeValid ? .some(before) : nil }
        let afterValid = offset(at: local - after) == after
        switch (beforeValid, afterValid) {
        case (true, true): return .some(max(before, after))  // The larger offset is the earlier instant.
        case (true, false): return .some(before)
        case (false, true): return .some(after)
        case (false, false):
            // A gap between the two offsets; anything else means more than one change around this time.
            let isGap = offset(at: local - before) == after && offset(at: local - after) == before
            return isGap ? .some(nil) : nil
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
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

    /// `2024-05-02T09:12:00+08:00`, `…Z` for offset zero; seconds of an offset are dropped, as before.
    ///
    /// Written byte by byte into the string's own storage: the interpolated version allocated a dozen
    /// temporary strings per record.
    static func rfc3339(_ c: DatePattern.Components, offset: Int) -> String {
        let fraction = c.fraction.utf8
        let length = 19 + (fraction.isEmpty ? 0 : 1 + fraction.count) + (offset == 0 ? 1 : 6)
        return String(unsafeUninitializedCapacity: length) { buffer in
            var i = DateTransform.writeDate(c, into: buffer)
            func put(_ byte: UInt8) {
                buffer[i] = byte
                i += 1
            }
            func put2(_ value: Int) {
                put(UInt8(truncatingIfNeeded: 0x30 + value / 10 % 10))
                put(UInt8(truncatingIfNeeded: 0x30 + value % 10))
            }
            put(UInt8(ascii: "T"))
            put2(c.hour)
            put(UInt8(ascii: ":"))
            put2(c.minute)
            put(UInt8(ascii: ":"))
            put2(c.second)
            if !fraction.isEmpty {
                put(UInt8(ascii: "."))
                for byte in fraction { put(byte) }
            }
            if offset == 0 {
                put(UInt8(ascii: "Z"))
            } else {
                let minutes = abs(offset) / 60
                put(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                put2(minutes / 60)
                put(UInt8(ascii: ":"))
                put2(minutes % 60)
            }
            return i
        }
    }
}

/// The offset a time zone has kept since its last change, when it has stopped changing (no daylight saving, no
/// announced change) before 2100: Asia/Shanghai since 1991, UTC always. Only times from 1970 to 2100 use it.
struct SettledOffset: Sendable, Hashable {
    /// Seconds since 1970 from which the offset is known to hold (to 2100).
    var since: Int
    var offset: Int

    static let horizon = 4_102_444_800  // 2100-01-01

    /// Found once per zone and kept: the search costs a few thousand offset look-ups.
    private static let known = Mutex<[String: SettledOffset?]>([:])

    /// Nil for zones whose offset still changes before 2100.
    ///
    /// Samples the zone's offset every seven days back from 2100 (`TimeZone.nextDaylightSavingTimeTransition`
    /// crashed inside ICU on this platform when used for this). A change that is undone within seven days
    /// could be missed; the zone database has none since 1970.
    init?(_ zone: TimeZone) {
        if let known = Self.known.withLock({ $0[zone.identifier] }) {
            guard let known else { return nil }
            self = known
            return
        }
        let found = Self.search(zone)
        Self.known.withLock { $0[zone.identifier] = .some(found) }
        guard let found else { return nil }
        self = found
    }

    private init(since: Int, offset: Int) {
        self.since = since
        self.offset = offset
    }

    private static func search(_ zone: TimeZone) -> SettledOffset? {
        let step = 7 * 86_400
        func offset(at instant: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        }
        let settled = offset(at: horizon)
        var since = horizon
        while since - step >= 0 {
            guard offset(at: since - step) == settled else { break }
            since -= step
        }
        // Settled only if the offset has held for at least a year before 2100's check point.
        return since <= horizon - 365 * 86_400 ? SettledOffset(since: since, offset: settled) : nil
    }
}
