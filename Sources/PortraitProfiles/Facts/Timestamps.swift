/// RFC 3339 timestamps and calendar dates as the canonical schema writes them, read without Foundation's formatters
/// (every order of every profile passes through here on a rebuild).
public enum Timestamps {
    /// Unix seconds of `2024-05-02T14:31:00Z`, `2024-05-02T14:31:00.250+08:00` or a date `2024-05-02` (midnight UTC);
    /// nil for anything else.
    public static func seconds(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// `YYYY-MM-DD` of unix seconds, in UTC.
    public static func day(_ seconds: Double) -> String {
        var bytes = [UInt8](repeating: 0, count: 10)
        writeDay(seconds, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3339 in UTC with whole seconds: `2024-05-02T14:31:00Z`.
    public static func text(_ seconds: Double) -> String {
        var bytes = [UInt8](repeating: 0, count: 20)
        writeDay(seconds, into: &bytes)
        let whole = Int(seconds.rounded(.down))
        let secondOfDay = ((whole % 86_400) + 86_400) % 86_400
        bytes[10] = UInt8(ascii: "T")
        digits(secondOfDay / 3600, 2, into: &bytes, at: 11)
        bytes[13] = UInt8(ascii: ":")
        digits(secondOfDay / 60 % 60, 2, into: &bytes, at: 14)
        bytes[16] = UInt8(ascii: ":")
        digits(secondOfDay % 60, 2, into: &bytes, at: 17)
        bytes[19] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Written digit by digit: a rebuild formats several dates per profile, a million profiles long.
    private static func writeDay(_ seconds: Double, into bytes: inout [UInt8]) {
        let (year, month, day) = civil(fromDays: Int((seconds / 86_400).rounded(.down)))
        digits(year, 4, into: &bytes, at: 0)
        bytes[4] = UInt8(ascii: "-")
        digits(month, 2, into: &bytes, at: 5)
        bytes[7] = UInt8(ascii: "-")
        digits(day, 2, into: &bytes, at: 8)
    }

    private static func digits(_ value: Int, _ width: Int, into bytes: inout [UInt8], at start: Int) {
        var rest = max(0, value)
        for index in stride(from: start + width - 1, through: start, by: -1) {
            bytes[index] = UInt8(48 + rest % 10)
            rest /= 10
        }
    }

    /// Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let midnight = Double(days(year: year, month: month, day: day)) * 86_400
        if bytes.count == 10 { return midnight }
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var seconds = midnight + Double(hour * 3600 + minute * 60 + second)
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, let digit = number(index..<(index + 1)) {
                seconds += Double(digit) * scale
                scale /= 10
                index += 1
            }
        }
        guard index < bytes.count else { return nil }
        if bytes.count - index == 1 { return bytes[index] | 0x20 == UInt8(ascii: "z") ? seconds : nil }
        guard bytes.count - index == 6, let zoneHour = number((index + 1)..<(index + 3)),
            let zoneMinute = number((index + 4)..<(index + 6))
        else { return nil }
        let offset = Double(zoneHour * 3600 + zoneMinute * 60)
        switch bytes[index] {
        case UInt8(ascii: "+"): return seconds - offset
        case UInt8(ascii: "-"): return seconds + offset
        default: return nil
        }
    }
}
