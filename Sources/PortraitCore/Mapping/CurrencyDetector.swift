import Foundation

/// The `currency` step: the ISO 4217 code named by a symbol or code in an amount (`¥12` → `CNY`, `12.00 USD`
/// → `USD`), or the configured default when the text names none.
///
/// `¥` and `￥` read as CNY, not JPY: Portrait's sources that write a bare yen sign are Chinese; write `JPY` or
/// `円` for yen.
struct CurrencyDetector: Sendable, Hashable {
    /// Used when the value names no currency (and for plain numbers).
    var defaultCode: String?

    /// Symbols and words, longest first so `HK$` wins over `$`.
    static let symbols: [(String, String)] = [
        ("US$", "USD"), ("HK$", "HKD"), ("NT$", "TWD"), ("AU$", "AUD"), ("CA$", "CAD"), ("A$", "AUD"),
        ("C$", "CAD"), ("S$", "SGD"), ("R$", "BRL"), ("RMB", "CNY"), ("¥", "CNY"), ("￥", "CNY"), ("元", "CNY"),
        ("人民币", "CNY"), ("円", "JPY"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("₩", "KRW"), ("₹", "INR"),
    ]

    /// ISO 4217 codes Foundation knows, for spotting codes in text and checking `default`.
    static let isoCodes = Set(Locale.commonISOCurrencyCodes)

    func detect(_ value: JSONValue) throws(TransformFailure) -> String {
        if case .number = value {
            if let defaultCode { return defaultCode }
            throw TransformFailure(value, "names no currency (a plain number; set currency: { default: … })")
        }
        let text = try Transform.text(value, for: "currency")
        if let code = Self.code(in: text) ?? defaultCode { return code }
        throw TransformFailure(value, "names no currency (no symbol or ISO code; set currency: { default: … })")
    }

    /// An ISO code written as a word wins over a symbol (`HKD $12` is HKD); then symbols, longest first.
    static func code(in text: String) -> String? {
        var word = ""
        for character in text + " " {
            if character.isASCII, character.isLetter {
                word.append(character)
                continue
            }
            if word.count == 3, isoCodes.contains(word.uppercased()) { return word.uppercased() }
            word = ""
        }
        let upper = text.uppercased()
        return symbols.first { upper.contains($0.0) }?.1
    }
}
