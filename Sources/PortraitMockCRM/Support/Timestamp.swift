/// Millisecond timestamps as the two CRMs write and read them.
///
/// The store keeps times as whole milliseconds since 1970 so that a filter value parsed from text compares exactly
/// with a stored time: two `Date`s reached by different arithmetic can differ in the last bit of a `Double` and break
/// the ties that incremental syncs depend on. Formatting is done by hand because a page of 100 contacts needs 300
/// timestamps and `ISO8601DateFormatter` would dominate the cost of serving it.
enum Timestamp {
    /// `2026-01-02T03:04:05.678Z`, as HubSpot writes `createdate`, `lastmodifieddate`, `createdAt` and `updatedAt`.
    static func appendHubSpot(_ millis: Int64, to bytes: inout [UInt8]) {
        appendDateTime(millis, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `2026-01-02T03:04:05.678+0000`, as Salesforce writes `CreatedDate` and `LastModifiedDate`.
    static func appendSalesforce(_ millis: Int64, to bytes: inout [UInt8]) {
        appendDateTime(millis, to: &bytes)
        bytes.append(contentsOf: [UInt8(ascii: "+"), 0x30, 0x30, 0x30, 0x30])
    }

    /// The HubSpot form as a `String`, for the few places (tests, messages) that need one.
    static func hubSpotString(_ millis: Int64) -> String {
        var bytes: [UInt8] = []
        appendHubSpot(millis, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDateTime(_ millis: Int64, to bytes: inout [UInt8]) {
        let (days, dayMillis) = floorDivide(millis, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let seconds = Int(dayMillis / 1000)
        appendDigits(year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(seconds / 3600, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(Int(dayMillis % 1000), count: 3, to: &bytes)
    }

    private static func appendDigits(_ value: Int, count: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var value = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            value %= divisor
            divisor /= 10
        }
    }

    // MARK: Parsing

    /// Reads an ISO-8601 date-time (`2026-03-01T00:00:00Z`, with or without fractional seconds, with `Z`, `+0000` or
    /// `+00:00` style offsets) or, when `allowEpochMillis` is set, a decimal count of milliseconds since 1970 as
    /// HubSpot's search filters accept. A date without a time (`2026-03-01`) means its midnight UTC.
    ///
    /// - Returns: Milliseconds since 1970, or nil if `text` is neither form.
    static func parse(_ text: Substring, allowEpochMillis: Bool) -> Int64? {
        let bytes = Array(text.utf8)
        if allowEpochMillis, !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return bytes.count <= 18 ? Int64(text) : nil
        }
        var reader = DigitReader(bytes: bytes)
        guard let year = reader.number(digits: 4), reader.skip("-"),
            let month = reader.number(digits: 2), reader.skip("-"),
            let day = reader.number(digits: 2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let dayMillis = days(fromCivil: year, month, day) * 86_400_000
        if reader.atEnd { return dayMillis }
        guard reader.skip("T") || reader.skip("t"), let hour = reader.number(digits: 2), reader.skip(":"),
            let minute = reader.number(digits: 2), reader.skip(":"), let second = reader.number(digits: 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var millis = 0
        if reader.skip(".") {
            var scale = 100
            var digits = 0
            while let digit = reader.digit() {
                millis += digit * scale
                scale /= 10
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        var offsetMinutes = 0
        if reader.skip("Z") || reader.skip("z") {
        } else if let sign = reader.sign() {
            guard let hours = reader.number(digits: 2) else { return nil }
            _ = reader.skip(":")
            guard let minutes = reader.number(digits: 2), hours < 24, minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        let local = dayMillis + Int64(((hour * 60 + minute) * 60 + second) * 1000 + millis)
        return local - Int64(offsetMinutes) * 60_000
    }

    private struct DigitReader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func digit() -> Int? {
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
            defer { index += 1 }
            return Int(bytes[index] - 0x30)
        }

        mutating func number(digits: Int) -> Int? {
            var value = 0
            for _ in 0..<digits {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }

    // MARK: Civil calendar (Howard Hinnant's algorithms, proleptic Gregorian)

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
