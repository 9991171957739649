/// The string formats the canonical schemas use.
enum Formats {
    static func isValid(_ string: String, format: String) -> Bool {
        switch format {
        case "date": return isDate(string)
        case "date-time": return isDateTime(string)
        case "email": return isEmail(string)
        default: return true  // Unknown formats are annotations in 2020-12.
        }
    }

    /// `YYYY-MM-DD`, a real calendar day.
    static func isDate(_ string: String) -> Bool {
        withBytes(string) { $0.count == 10 && isDate($0) } ?? false
    }

    /// RFC 3339: `2024-05-02T14:31:00Z`, `2024-05-02T14:31:00.250+08:00`.
    static func isDateTime(_ string: String) -> Bool {
        withBytes(string) { isDateTime($0) } ?? false
    }

    /// Runs `body` on the string's UTF-8 without copying it (formats run on every validated record).
    private static func withBytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// The date at the start of `bytes` (at least 10 of them).
    private static func isDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), let year = number(bytes, 0..<4),
            let month = number(bytes, 5..<7), let day = number(bytes, 8..<10)
        else { return false }
        return (1...12).contains(month) && (1...daysIn(month: month, year: year)).contains(day)
    }

    private static func isDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 20, isDate(bytes),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11..<13), let minute = number(bytes, 14..<16), let second = number(bytes, 17..<19),
            hour < 24, minute < 60, second <= 60
        else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            if index == start { return false }
        }
        guard index < bytes.count else { return false }
        let zoneCount = bytes.count - index
        if zoneCount == 1 { return bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") }
        guard zoneCount == 6, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            bytes[index + 3] == UInt8(ascii: ":"),
            let zoneHour = number(bytes, (index + 1)..<(index + 3)),
            let zoneMinute = number(bytes, (index + 4)..<(index + 6))
        else { return false }
        return zoneHour < 24 && zoneMinute < 60
    }

    /// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
    static func isEmail(_ string: String) -> Bool {
        if let verdict = isASCIIEmail(string) { return verdict }
        return isEmailByCharacters(string)
    }

    /// `isEmail` for printable-ASCII text, one byte per character, without allocating; `nil` for other text.
    private static func isASCIIEmail(_ string: String) -> Bool? {
        var at: Int?
        var count = 0
        var previous: UInt8 = 0
        var domainHasDot = false
        var domainHasDoubleDot = false
        for byte in string.utf8 {
            switch byte {
            case 0x21...0x7E: break  // Printable, not a space; control and non-ASCII bytes take the general path.
            case 0x20: return false
            default: return nil
            }
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"): return false
            case UInt8(ascii: "@"):
                if at != nil { return false }
                at = count
            case UInt8(ascii: ".") where at != nil:
                domainHasDot = true
                if previous == UInt8(ascii: ".") && count - 1 > at! { domainHasDoubleDot = true }
            default: break
            }
            previous = byte
            count += 1
        }
        guard let at, at > 0, at <= 64 else { return false }
        let domainStart = at + 1
        guard domainHasDot, !domainHasDoubleDot, count > domainStart else { return false }
        let bytes = string.utf8
        let first = bytes[bytes.index(bytes.startIndex, offsetBy: domainStart)]
        return first != UInt8(ascii: ".") && previous != UInt8(ascii: ".")
    }

    private static func isEmailByCharacters(_ string: String) -> Bool {
        let parts = string.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            return false
        }
        return !string.contains { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
