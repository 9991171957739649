import Foundation
import PortraitCore

/// Updated-at values as CRMs write them, reduced to milliseconds since 1970 so they compare as instants.
///
/// Hand-written rather than `ISO8601DateFormatter`: it runs once per record pulled, and Salesforce's
/// `2026-01-02T03:04:05.000+0000` (offset without a colon) is outside what that formatter reads.
enum RESTTimestamp {
    /// How the `{since}` placeholder is written into a request.
    enum Format: String, Sendable, CaseIterable {
        /// `2026-01-02T03:04:05Z`, whole seconds (SOQL literals take no fraction).
        case iso8601
        /// `2026-01-02T03:04:05.000Z`.
        case iso8601Millis = "iso8601_millis"
        /// `1767323045000`.
        case epochMillis = "epoch_ms"
        /// `1767323045`.
        case epochSeconds = "epoch_seconds"
    }

    /// Milliseconds since 1970 for an ISO 8601 date-time (`Z`, `+08:00` or `+0800`, optional fraction), a plain
    /// date (midnight UTC), or a number of epoch seconds or milliseconds; nil for anything else.
    static func milliseconds(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let number):
            return epoch(Int64(number.clampedInt))
        case .string(let text):
            if let number = Int64(text) { return epoch(number) }
            return parse(Array(text.utf8))
        default:
            return nil
        }
    }

    /// Numbers above 10^11 are milliseconds (10^11 seconds is the year 5138).
    private static func epoch(_ number: Int64) -> Int64 {
        number > 100_000_000_000 ? number : number * 1000
    }

    private static func parse(_ bytes: [UInt8]) -> Int64? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var millis = Int64(daysSinceEpoch(year: year, month: month, day: day)) * 86_400_000
        guard index < bytes.count else { return millis }
        guard expect(84) || expect(32) || expect(116) else { return nil }  // 'T', ' ' or 't'
        guard let hour = digits(2), expect(58), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0
        if expect(58) {
            guard let value = digits(2), value <= 60 else { return nil }
            second = value
        }
        millis += Int64(hour * 3_600_000 + minute * 60_000 + second * 1000)
        if expect(46) || expect(44) {  // '.' or ','
            var scale: Int64 = 100
            var fraction: Int64 = 0
            var any = false
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Int64(bytes[index] - 48) * scale
                scale /= 10
                index += 1
                any = true
            }
            guard any else { return nil }
            millis += fraction
        }
        guard index < bytes.count else { return nil }  // A date-time needs its offset to be an instant.
        if expect(90) || expect(122) { return index == bytes.count ? millis : nil }  // 'Z'
        let sign: Int64
        if expect(43) { sign = 1 } else if expect(45) { sign = -1 } else { return nil }
        guard let offsetHours = digits(2) else { return nil }
        _ = expect(58)
        guard let offsetMinutes = digits(2), index == bytes.count else { return nil }
        return millis - sign * Int64(offsetHours * 3_600_000 + offsetMinutes * 60_000)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `milliseconds` written in `format`, rounded down so a `>=` filter never misses the instant itself.
    static func text(_ milliseconds: Int64, as format: Format) -> String {
        switch format {
        case .epochMillis: return String(milliseconds)
        case .epochSeconds: return String(milliseconds.floorDiv(1000))
        case .iso8601, .iso8601Millis:
            let seconds = milliseconds.floorDiv(1000)
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            var text = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!)
            if format == .iso8601Millis { text += String(format: ".%03d", Int(milliseconds - seconds * 1000)) }
            return text + "Z"
        }
    }
}

extension Int64 {
    /// Division rounding towards minus infinity, so instants before 1970 round down too.
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
