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
        let text = TextTransforms.asciiDigits(TextTransforms.trimmed(text))
        var digits = ""
        var sawPlus = false
        for character in text {
            if TextTransforms.isASCIIDigit(character) {
                digits.append(character)
            } else if character == "+", digits.isEmpty, !sawPlus {
                sawPlus = true
            } else if !(character.isWhitespace || "-().".contains(character)) {
                return nil  // Letters, extensions, several numbers in one field: not something to guess at.
            }
        }
        if sawPlus {
            return international(digits)
        }
        if digits.hasPrefix("00") {
            return international(String(digits.dropFirst(2)))
        }
        switch country {
        case .cn: return nationalCN(digits)
        case .us: return nationalNANP(digits)
        }
    }

    /// Digits after `+` or `00`: strict rules for the countries we know, a length check for the rest.
    private func international(_ digits: String) -> String? {
        if digits.hasPrefix("86") {
            // `+86 (0)21 …`: the trunk 0 is sometimes kept in brackets after the country code.
            var national = String(digits.dropFirst(2))
            if national.hasPrefix("0") { national.removeFirst() }
            return Self.isCNSignificant(national) ? "+86" + national : nil
        }
        if digits.hasPrefix("1") {
            let national = String(digits.dropFirst())
            return Self.isNANP(national) ? "+1" + national : nil
        }
        guard (8...15).contains(digits.count), let first = digits.first, first != "0" else { return nil }
        return "+" + digits
    }

    /// A CN number written nationally: an 11-digit mobile, `86` + mobile, or a landline with its trunk `0`.
    private func nationalCN(_ digits: String) -> String? {
        if digits.count == 13, digits.hasPrefix("861"), Self.isCNMobile(String(digits.dropFirst(2))) {
            return "+" + digits
        }
        if Self.isCNMobile(digits) { return "+86" + digits }
        if digits.hasPrefix("0"), Self.isCNLandline(String(digits.dropFirst())) {
            return "+86" + digits.dropFirst()
        }
        return nil
    }

    /// A NANP number written nationally: ten digits, optionally after a leading `1`.
    private func nationalNANP(_ digits: String) -> String? {
        let national = digits.count == 11 && digits.hasPrefix("1") ? String(digits.dropFirst()) : digits
        return Self.isNANP(national) ? "+1" + national : nil
    }

    /// The national significant number of a CN phone: a mobile or a landline without its trunk `0`.
    static func isCNSignificant(_ digits: String) -> Bool {
        isCNMobile(digits) || isCNLandline(digits)
    }

    /// `1[3-9]` followed by nine digits.
    static func isCNMobile(_ digits: String) -> Bool {
        let d = Array(digits.utf8)
        return d.count == 11 && d[0] == UInt8(ascii: "1") && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(d[1])
    }

    /// Area code and subscriber number, without the trunk `0`: `10` or `2X` with eight digits (Beijing, Shanghai,
    /// the other big cities), or a three-digit code starting 3-9 with seven or eight digits. Subscriber numbers
    /// never start with 0 or 1.
    static func isCNLandline(_ digits: String) -> Bool {
        let d = Array(digits.utf8)
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
    static func isNANP(_ digits: String) -> Bool {
        let d = Array(digits.utf8)
        let valid = UInt8(ascii: "2")...UInt8(ascii: "9")
        return d.count == 10 && valid.contains(d[0]) && valid.contains(d[3])
            && d.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
