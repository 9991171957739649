import Foundation

/// The `decimal` and `money` steps: a number as people write it (`1,234.50`, `1.234,50 €`, `(12.00)`, `¥-3`)
/// to an exact JSON number.
///
/// Parsed by hand into `Decimal`, never through `Double`, so `0.1` stays `0.1` and totals reconcile to the
/// cent. Thousands separators must group by three, which is what stops `1,5` (a European one and a half
/// read with the default `.` separator) silently becoming fifteen.
struct NumberParser: Sendable, Hashable {
    /// `.` (default) or `,`.
    var decimalSeparator: Character
    /// `money` strips currency symbols and codes; `decimal` refuses them, so a currency in a plain number
    /// column is noticed rather than dropped.
    var allowsCurrency: Bool

    init(decimalSeparator: Character = ".", allowsCurrency: Bool) {
        self.decimalSeparator = decimalSeparator
        self.allowsCurrency = allowsCurrency
    }

    /// Currency marks `money` strips, longest first so `US$` goes before `$`.
    static let currencyMarks = [
        "RMB", "CNY", "USD", "EUR", "GBP", "HKD", "JPY", "US$", "HK$", "¥", "￥", "$", "€", "£", "元",
    ]

    /// - Throws: `TransformFailure` "is not a number" (or "is not an amount" for `money`).
    func parse(_ value: JSONValue) throws(TransformFailure) -> Decimal {
        if case .number(let number) = value { return number }
        let text = try Transform.text(value, for: allowsCurrency ? "money" : "decimal")
        guard let number = parse(text) else {
            let what = allowsCurrency ? "an amount" : "a number"
            var problem = "is not \(what)"
            if decimalSeparator == ".", text.contains(","), !text.contains(".") {
                problem += " (if ',' is its decimal separator, set decimal_separator: \",\")"
            } else if !allowsCurrency, Self.currencyMarks.contains(where: { text.uppercased().contains($0) }) {
                problem += " (it carries a currency: use the money transform)"
            }
            throw TransformFailure(value, problem)
        }
        return number
    }

    func parse(_ input: String) -> Decimal? {
        if let plain = TextTransforms.withASCII(input, { plainNumber($0) }), let plain { return plain }
        var text = TextTransforms.asciiDigits(TextTransforms.trimmed(input))
        var negative = false
        if text.hasPrefix("("), text.hasSuffix(")") {
            negative = true
            text = String(text.dropFirst().dropLast())
        }
        text = stripCurrency(text)
        if let sign = text.first, sign == "-" || sign == "+" {
            if sign == "-" {
                guard !negative else { return nil }
                negative = true
            }
            text = stripCurrency(String(text.dropFirst()))
        }
        guard let magnitude = unsigned(text) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// A plain number (`128.50`, `-3`, `.5`: a sign, digits, one decimal separator followed by digits, at most 18
    /// significant digits, not zero), built from its digits; nil for anything else, which takes the full rules.
    ///
    /// Hand-written for speed: the full rules (trim, currency marks, grouping, then `Decimal(string:locale:)`)
    /// took about 1,900 ns for `128.50` in perf profiles of `MappingBenchmark`; this takes about 60. The value is
    /// built the way `JSONParser` builds numbers, which gives the `Decimal` that `Decimal(string:)` gives (tests
    /// compare the two).
    private func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Decimal? {
        let separator = decimalSeparator.asciiValue
        var index = 0
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            index = 1
        }
        var significand: UInt64 = 0
        var digits = 0
        var significant = 0
        var fractionDigits = 0
        var sawSeparator = false
        while index < bytes.count {
            let byte = bytes[index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits += 1
                if sawSeparator { fractionDigits += 1 }
                if significand != 0 || byte != UInt8(ascii: "0") { significant += 1 }
                guard significant <= 18 else { return nil }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
            } else if byte == separator, !sawSeparator {
                sawSeparator = true
            } else {
                return nil
            }
            index += 1
        }
        // Decimal's exponent is 8 bits: long runs of leading fraction zeros take the full rules.
        guard digits > 0, significand != 0, !sawSeparator || fractionDigits > 0, fractionDigits <= 100 else {
            return nil
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(significand))
    }

    /// Removes currency marks at either end (`¥12`, `12 元`, `USD 12`), only for `money`.
    private func stripCurrency(_ input: String) -> String {
        var text = TextTransforms.trimmed(input)
        guard allowsCurrency else { return text }
        var changed = true
        while changed {
            changed = false
            for mark in Self.currencyMarks {
                if text.prefix(mark.count).uppercased() == mark {
                    text = TextTransforms.trimmed(String(text.dropFirst(mark.count)))
                    changed = true
                } else if text.suffix(mark.count).uppercased() == mark {
                    text = TextTransforms.trimmed(String(text.dropLast(mark.count)))
                    changed = true
                }
            }
        }
        return text
    }

    /// Digits with optional grouping and one decimal separator.
    private func unsigned(_ text: String) -> Decimal? {
        let groupSeparators: Set<Character> =
            decimalSeparator == "."
            ? [",", " ", "'", "\u{00A0}", "\u{202F}"] : [".", " ", "'", "\u{00A0}", "\u{202F}"]
        let halves = text.split(separator: decimalSeparator, maxSplits: 1, omittingEmptySubsequences: false)
        let integerText = halves[0]
        let fractionText = halves.count > 1 ? halves[1] : ""
        if halves.count > 1, fractionText.isEmpty { return nil }
        guard fractionText.allSatisfy(TextTransforms.isASCIIDigit) else { return nil }
        let groups = integerText.split(
            omittingEmptySubsequences: false, whereSeparator: { groupSeparators.contains($0) })
        for (index, group) in groups.enumerated() {
            guard group.allSatisfy(TextTransforms.isASCIIDigit) else { return nil }
            if groups.count > 1 {
                guard index == 0 ? (1...3).contains(group.count) : group.count == 3 else { return nil }
            }
        }
        let integerDigits = groups.joined()
        guard !integerDigits.isEmpty || !fractionText.isEmpty else { return nil }
        let canonical = (integerDigits.isEmpty ? "0" : integerDigits) + (fractionText.isEmpty ? "" : "." + fractionText)
        return Decimal(string: canonical, locale: Locale(identifier: "en_US_POSIX"))
    }
}
