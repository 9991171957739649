/// A day in the proleptic Gregorian calendar, with no time or zone: a birth date as a person states it.
///
/// Encodes (`Codable`) as its `YYYY-MM-DD` text, the form of the canonical model's `birth_date`; decoding checks
/// the date is real.
public struct CalendarDate: Hashable, Sendable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date, or nil: years 1...9999, months 1...12, days that exist in that month (29 February only in a
    /// leap year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, the canonical model's form); anything else, and dates that do
    /// not exist (`2023-02-29`), is nil.
    public init?(_ text: String) {
        var text = text
        let parsed = text.withUTF8(CalendarDate.parse)
        guard let parsed, let date = CalendarDate(year: parsed.0, month: parsed.1, day: parsed.2) else { return nil }
        self = date
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return (year, month, day)
    }

    /// Days from 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil: years start in March, so the leap day is the last day of a year.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// How closely two stated dates agree, from the strongest evidence to none.
public enum DateAgreement: Sendable, Hashable, CaseIterable {
    /// The same day.
    case exact
    /// A slip of the keyboard: the eight digits `YYYYMMDD` differ in one digit or by one swap of adjacent digits
    /// (`1990-03-12`/`1990-03-21`, `1990-03-12`/`1990-08-12`), or day and month are swapped (`1990-03-12`/`1990-12-03`,
    /// the US/European order mix-up).
    case transposed
    /// At most 31 days apart.
    case withinMonth
    /// At most 366 days apart.
    case withinYear
    /// Further apart.
    case different
}

extension CalendarDate {
    /// The first level of `DateAgreement` that holds, in the order the cases are declared.
    public static func compare(_ a: CalendarDate, _ b: CalendarDate) -> DateAgreement {
        if a == b { return .exact }
        if a.year == b.year, a.month == b.day, a.day == b.month { return .transposed }
        if isOneKeyboardSlip(a.digits, b.digits) { return .transposed }
        let days = abs(a.daysSinceEpoch - b.daysSinceEpoch)
        if days <= 31 { return .withinMonth }
        if days <= 366 { return .withinYear }
        return .different
    }

    /// `YYYYMMDD` as a decimal number: digit `k` from the right is `(digits / 10^k) % 10`.
    private var digits: Int { year * 10_000 + month * 100 + day }

    /// Optimal-string-alignment distance 1 between two different 8-digit strings of equal length: one substituted
    /// digit, or two adjacent digits swapped (no insertion or deletion keeps the length).
    private static func isOneKeyboardSlip(_ a: Int, _ b: Int) -> Bool {
        var a = a
        var b = b
        var differing = 0
        var first = (position: 0, a: 0, b: 0)
        var second = (position: 0, a: 0, b: 0)
        for position in 0..<8 {
            let x = a % 10
            let y = b % 10
            if x != y {
                differing += 1
                switch differing {
                case 1: first = (position, x, y)
                case 2: second = (position, x, y)
                default: return false
                }
            }
            a /= 10
            b /= 10
        }
        if differing == 1 { return true }
        return differing == 2 && second.position == first.position + 1 && first.a == second.b && first.b == second.a
    }
}

extension CalendarDate: CustomStringConvertible {
    /// `YYYY-MM-DD`.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a date in YYYY-MM-DD form")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
