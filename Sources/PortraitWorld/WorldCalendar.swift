/// The world's time span and the few date and time spellings the silos use, formatted by hand: a million people
/// need several million timestamps, and `ISO8601DateFormatter` would dominate the generator's time.
enum WorldCalendar {
    /// 2024-01-01T00:00:00Z: records are dated from here …
    static let start: Int64 = 1_704_067_200_000
    /// … to 2026-01-01T00:00:00Z (exclusive), in milliseconds since 1970.
    static let end: Int64 = 1_767_225_600_000

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `2025-03-01T10:22:00.123Z`, as HubSpot writes times.
    static func utcMillis(_ millis: Int64) -> String {
        let parts = civil(millis)
        return "\(date(parts))T\(time(parts)).\(three(parts.millis))Z"
    }

    /// `2025-03-01T10:22:00Z`.
    static func utc(_ millis: Int64) -> String {
        let parts = civil(millis)
        return "\(date(parts))T\(time(parts))Z"
    }

    /// `2025-03-01T18:22:00+08:00`: the instant in China's time, with its offset.
    static func chinaOffset(_ millis: Int64) -> String {
        let parts = civil(millis + 8 * 3_600_000)
        return "\(date(parts))T\(time(parts))+08:00"
    }

    /// `2025-03-01 18:22:00`: China's local time without a zone, as Chinese tills write it.
    static func chinaLocal(_ millis: Int64) -> String {
        let parts = civil(millis + 8 * 3_600_000)
        return "\(date(parts)) \(time(parts))"
    }

    /// The UTC calendar day of an instant.
    static func day(_ millis: Int64) -> CivilDate {
        let parts = civil(millis)
        return CivilDate(year: parts.year, month: parts.month, day: parts.day)
    }

    private struct Parts {
        var year, month, day, hour, minute, second, millis: Int
    }

    private static func date(_ parts: Parts) -> String {
        "\(parts.year)-\(CivilDate.two(parts.month))-\(CivilDate.two(parts.day))"
    }

    private static func time(_ parts: Parts) -> String {
        "\(CivilDate.two(parts.hour)):\(CivilDate.two(parts.minute)):\(CivilDate.two(parts.second))"
    }

    private static func three(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : String(value)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian); times here are after 1970.
    private static func civil(_ millis: Int64) -> Parts {
        let days = millis / 86_400_000
        let dayMillis = Int(millis % 86_400_000)
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        let seconds = dayMillis / 1000
        return Parts(
            year: year, month: month, day: day, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60,
            millis: dayMillis % 1000)
    }
}
