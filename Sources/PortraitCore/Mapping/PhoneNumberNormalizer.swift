/// The `phone` step: a phone number as an operator's source spells it, to E.164 (`+8613812345678`).
///
/// Hand-written rather than a libphonenumber port: Portrait needs exact rules for the countries its sources
/// use (CN and US/NANP), and a clear refusal for everything else, not a large metadata table. A number
/// already in international form for another country is kept when its length is plausible for E.164.
struct PhoneNumberNormalizer: Sendable, Hashable {
    /// The countries whose national spellings are understood.
    enum Country: String, Sendable, Hashable, CaseIterable {
        case cn = "CN"
        case us = "US"

        var callingCode: String {
            switch self {
            case .cn: return "86"
            case .us: return "1"
            }
        }
    }

    /// How numbers without a country prefix are read.
    var country: Country

    init(country: Country = .cn) {
        self.country = country
    }

    /// - Throws: `TransformFailure` "is not a valid CN phone number" (naming the default country).
    func normalize(_ text: String, original: JSONValue) throws(TransformFailure) -> String {
        guard let e164 = e164(text) else {
            throw TransformFailure(original, "is not a valid \(country.rawValue) phone number")
        }
        return e164
    }

    /// The E.164 form, or nil when the text is not a phone number this normaliser accepts.
    func e164(_ text: String) -> String? {
        // ASCII text (nearly every source): the same rules straight on the bytes, without trimming or copying.
        if let verdict = TextTransforms.withASCII(text, { e164(ascii: $0) }) { return verdict }
        let text = TextTransforms.asciiDigits(TextTransforms.trimmed(text))
        var digits: [UInt8] = []
        var sawPlus = false
        for character in text {
            if TextTransforms.isASCIIDigit(character) {
                digits.append(character.asciiValue!)
            } else if character == "+", digits.isEmpty, !sawPlus {
                sawPlus = true
            } else if !(character.isWhitespace || "-().".contains(character)) {
                return nil  // Letters, extensions, several numbers in one field: not something to guess at.
            }
        }
        return digits.withUnsafeBufferPointer { e164(digits: $0, sawPlus: sawPlus) }
    }

    /// `e164` for ASCII text: whitespace is U+0009-U+000D and space, as `Character.isWhitespace` has it there.
    ///
    /// Hand-written for speed: in perf profiles of `MappingBenchmark`, the `Character` loop with its trimmed and
    /// converted copies took about 1,100 ns for `138 0013 8000`; this takes about 50.
    private func e164(ascii bytes: UnsafeBufferPointer<UInt8>) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { digits -> String? in
            var count = 0
            var sawPlus = false
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    digits[count] = byte
                    count += 1
                case UInt8(ascii: "+") where count == 0 && !sawPlus:
                    sawPlus = true
                case 0x09...0x0D, UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"),
                    UInt8(ascii: "."):
                    continue
                default:
                    return nil  // Letters, extensions, several numbers in one field: not something to guess at.
                }
            }
            return e164(digits: UnsafeBufferPointer(rebasing: digits[..<count]), sawPlus: sawPlus)
        }
    }

    /// The number from its digits, and whether they followed a `+`.
    private func e164(digits: UnsafeBufferPointer<UInt8>, sawPlus: Bool) -> String? {
        if sawPlus { return Self.international(digits) }
        if digits.starts(with: [0x30, 0x30]) { return Self.international(UnsafeBufferPointer(rebasing: digits[2...])) }
        switch country {
        case .cn: return Self.nationalCN(digits)
        case .us: return Self.nationalNANP(digits)
        }
    }

    /// Digits after `+` or `00`: strict rules for the countries we know, a length check for the rest.
    private static func international(_ digits: UnsafeBufferPointer<UInt8>) -> String? {
        if digits.starts(with: [0x38, 0x36]) {
            // `+86 (0)21 …`: the trunk 0 is sometimes kept in brackets after the country code.
            var national = UnsafeBufferPointer(rebasing: digits[2...])
            if national.first == UInt8(ascii: "0") { national = UnsafeBufferPointer(rebasing: national[1...]) }
            return isCNSignificant(national) ? text("+86", national) : nil
        }
        if digits.first == UInt8(ascii: "1") {
            let national = UnsafeBufferPointer(rebasing: digits[1...])
            return isNANP(national) ? text("+1", national) : nil
        }
        guard (8...15).contains(digits.count), let first = digits.first, first != UInt8(ascii: "0") else { return nil }
        return text("+", digits)
    }

    /// A CN number written nationally: an 11-digit mobile, `86` + mobile, or a landline with its trunk `0`.
    private static func nationalCN(_ digits: UnsafeBufferPointer<UInt8>) -> String? {
        if digits.count == 13, digits.starts(with: [0x38, 0x36, 0x31]),
            isCNMobile(UnsafeBufferPointer(rebasing: digits[2...]))
        {
            return text("+", digits)
        }
        if isCNMobile(digits) { return text("+86", digits) }
        if digits.first == UInt8(ascii: "0"), isCNLandline(UnsafeBufferPointer(rebasing: digits[1...])) {
            return text("+86", UnsafeBufferPointer(rebasing: digits[1...]))
        }
        return nil
    }

    /// A NANP number written nationally: ten digits, optionally after a leading `1`.
    private static func nationalNANP(_ digits: UnsafeBufferPointer<UInt8>) -> String? {
        let national =
            digits.count == 11 && digits.first == UInt8(ascii: "1")
            ? UnsafeBufferPointer(rebasing: digits[1...]) : digits
        return isNANP(national) ? text("+1", national) : nil
    }

    /// `prefix` then the digits, as one string (15 bytes at most, so it needs no allocation).
    private static func text(_ prefix: StaticString, _ digits: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: prefix.utf8CodeUnitCount + digits.count) { buffer in
            var i = 0
            prefix.withUTF8Buffer { for byte in $0 { buffer[i] = byte; i += 1 } }
            for byte in digits {
                buffer[i] = byte
                i += 1
            }
            return i
        }
    }

    /// The national significant number of a CN phone: a mobile or a landline without its trunk `0`.
    static func isCNSignificant(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        isCNMobile(d) || isCNLandline(d)
    }

    /// `1[3-9]` followed by nine digits.
    static func isCNMobile(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        d.count == 11 && d[0] == UInt8(ascii: "1") && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(d[1])
    }

    /// Area code and subscriber number, without the trunk `0`: `10` or `2X` with eight digits (Beijing, Shanghai,
    /// the other big cities), or a three-digit code starting 3-9 with seven or eight digits. Subscriber numbers
    /// never start with 0 or 1.
    static func isCNLandline(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        guard d.count >= 9, d.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        let subscriberStart: Int
        switch d[0] {
        case UInt8(ascii: "1"):
            guard d[1] == UInt8(ascii: "0") else { return false }
            subscriberStart = 2
        case UInt8(ascii: "2"):
            subscriberStart = 2
        case UInt8(ascii: "3")...UInt8(ascii: "9"):
            subscriberStart = 3
        default:
            return false
        }
        let subscriberLength = d.count - subscriberStart
        let lengthOK = subscriberStart == 2 ? subscriberLength == 8 : (7...8).contains(subscriberLength)
        return lengthOK && (UInt8(ascii: "2")...UInt8(ascii: "9")).contains(d[subscriberStart])
    }

    /// Ten digits, area code and exchange each starting 2-9.
    static func isNANP(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        let valid = UInt8(ascii: "2")...UInt8(ascii: "9")
        return d.count == 10 && valid.contains(d[0]) && valid.contains(d[3])
            && d.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
