import Foundation

/// Text as identity resolution compares it: names, cities and streets made comparable across sources that type,
/// encode and punctuate differently.
///
/// For free text (names, places). Identifiers have their own forms (`email` and `phone` transforms in the mapping)
/// and should not go through `normalized(_:)`, which would turn the dots of an address into spaces.
public enum IdentityText {
    /// The comparable form of a name or place.
    ///
    /// In order:
    /// 1. NFKC: full-width letters and digits become ASCII (`Ｊｏｈｎ` → `John`), the ideographic space a space,
    ///    compatibility ideographs their unified forms, ligatures letters (`ﬁ` → `fi`).
    /// 2. Lower case, Unicode-aware (`ÉMILE` → `émile`). Accents are kept: `émile` and `emile` stay different
    ///    strings and meet in the string comparators, at a small cost.
    /// 3. Apostrophes (`'` `’` `‘` `ʼ` `` ` `` `´`) are removed, so `O'Brien` is `obrien` as many systems store it.
    /// 4. Every other punctuation character (`.` `,` `-` `_` `·` `・` `/` `(`…, Unicode category P) becomes a space:
    ///    `Mary-Ann` is `mary ann`, `J.R.` is `j r`, `迈克尔·杰克逊` is `迈克尔 杰克逊`.
    /// 5. Control and format characters (tabs, line breaks, zero-width spaces and joiners, the BOM) become spaces;
    ///    runs of white space become one space; leading and trailing spaces go.
    ///
    /// ASCII input (most of it) takes a byte-wise path that skips Foundation.
    public static func normalized(_ text: String) -> String {
        if let ascii = normalizedASCII(text) { return ascii }
        let compatible = text.precomposedStringWithCompatibilityMapping.lowercased()
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in compatible.unicodeScalars {
            switch classify(scalar) {
            case .keep:
                if pendingSpace, !output.isEmpty { output.append(" ") }
                pendingSpace = false
                output.append(scalar)
            case .drop:
                continue
            case .space:
                pendingSpace = true
            }
        }
        return String(output)
    }

    private enum ScalarClass { case keep, drop, space }

    private static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        switch scalar {
        case "'", "’", "‘", "ʼ", "`", "´", "＇": return .drop
        default: break
        }
        if scalar.properties.isWhitespace { return .space }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .control, .format, .spaceSeparator, .lineSeparator,
            .paragraphSeparator:
            return .space
        default:
            return .keep
        }
    }

    /// The byte-wise form of `normalized(_:)` for ASCII text, or nil when the text has any other scalar.
    private static func normalizedASCII(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    if pendingSpace, !output.isEmpty { output.append(0x20) }
                    pendingSpace = false
                    output.append(byte + 0x20)
                case UInt8(ascii: "'"), UInt8(ascii: "`"):
                    continue
                case 0x00...0x20, 0x7F, UInt8(ascii: "!")...UInt8(ascii: "#"), UInt8(ascii: "%")...UInt8(ascii: "*"),
                    UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
                    UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "@"), UInt8(ascii: "["), UInt8(ascii: "\\"),
                    UInt8(ascii: "]"), UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                    // Unicode category P (and controls, space): as `classify` decides for these scalars.
                    pendingSpace = true
                default:
                    // Letters, digits and the ASCII symbols (S*): $ + < = > ^ | ~
                    if pendingSpace, !output.isEmpty { output.append(0x20) }
                    pendingSpace = false
                    output.append(byte)
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// True for values that are never evidence of who someone is: what forms and staff type when they have
    /// nothing to type.
    ///
    /// Takes a `normalized(_:)` value. Placeholders are:
    /// - the empty string;
    /// - these words, compared with spaces removed (so `N/A`, `n.a.` and `not available` are caught in their
    ///   normalised forms `n a`, `n a`, `not available`): `null`, `nil`, `none`, `nobody`, `unknown`, `unk`,
    ///   `undefined`, `notavailable`, `notapplicable`, `notgiven`, `notprovided`, `notknown`, `noname`, `anonymous`,
    ///   `test`, `testing`, `testtest`, `tester`, `testuser`, `dummy`, `asdf`, `qwerty`, `customer`, `guest`, and
    ///   the stand-in names `john doe` and `jane doe`;
    /// - `n a` with its separator (`N/A`, `n.a.`, `N-A`); the bare word `na` (and `nan`) is a name, not a
    ///   placeholder: 娜 and 南/楠 are written Na and Nan in pinyin, among the commonest Chinese given names;
    /// - in Chinese: 无, 空, 未知, 不详, 暂无, 没有, 测试, 匿名, 保密, 顾客, 客户, and the forms of address 先生,
    ///   女士, 小姐 standing alone;
    /// - one letter repeated at least twice (`xx`, `xxx`, `aaaa`);
    /// - digits (separators ignored) that are all zero (`0`, `000-0000`), one digit repeated at least four times
    ///   (`1111`, `99999999`), or a run of at least five consecutive digits up or down (`12345`, `123456789`,
    ///   `1234567890`, `987654321`).
    public static func isPlaceholder(_ normalized: String) -> Bool {
        if normalized.isEmpty { return true }
        if normalized == "n a" { return true }
        let compact = normalized.unicodeScalars.filter { $0 != " " }
        if compact.isEmpty { return true }
        let compactText = String(String.UnicodeScalarView(compact))
        if placeholderWords.contains(compactText) { return true }
        let values = compact.map(\.value)
        let digits = values.filter { (0x30...0x39).contains($0) }
        if digits.count == values.count { return isPlaceholderNumber(digits.map { Int($0) - 0x30 }) }
        // One letter repeated: xx, xxx, zzzz.
        if values.count >= 2, values.allSatisfy({ $0 == values[0] }),
            let first = compact.first, first.properties.isAlphabetic, !first.properties.isIdeographic
        {
            return true
        }
        return false
    }

    private static let placeholderWords: Set<String> = [
        "null", "nil", "none", "nobody", "unknown", "unk", "undefined", "notavailable", "notapplicable", "notgiven",
        "notprovided", "notknown", "noname", "anonymous", "test", "testing", "testtest", "tester", "dummy", "asdf",
        "qwerty", "customer", "guest", "testuser", "johndoe", "janedoe",
        "无", "空", "未知", "不详", "暂无", "没有", "测试", "匿名", "保密", "顾客", "客户", "先生", "女士", "小姐",
    ]

    private static func isPlaceholderNumber(_ digits: [Int]) -> Bool {
        guard let first = digits.first else { return true }
        if digits.allSatisfy({ $0 == 0 }) { return true }
        if digits.count >= 4, digits.allSatisfy({ $0 == first }) { return true }
        guard digits.count >= 5 else { return false }
        // 1234567890 wraps from 9 to 0, 9876543210 from 0 down past nothing: steps of +1 or -1 modulo 10.
        let step = (digits[1] - digits[0] + 10) % 10
        guard step == 1 || step == 9 else { return false }
        for index in 1..<digits.count where (digits[index] - digits[index - 1] + 10) % 10 != step { return false }
        return true
    }

    /// True when the text is a name written in Han characters: at least one CJK ideograph, and nothing but
    /// ideographs, white space and the middle dots of transliterated names (`·` `・` `•`).
    ///
    /// Ideographs are the CJK Unified Ideographs and their extensions A to H, the compatibility ideographs, `〇`
    /// and the iteration mark `々`.
    public static func isHan(_ text: String) -> Bool {
        var sawHan = false
        for scalar in text.unicodeScalars {
            if isHanScalar(scalar) {
                sawHan = true
            } else if !(scalar.properties.isWhitespace || scalar == "·" || scalar == "・" || scalar == "•") {
                return false
            }
        }
        return sawHan
    }

    static func isHanScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF,  // CJK Unified Ideographs
            0x3400...0x4DBF,  // Extension A
            0xF900...0xFAFF,  // Compatibility Ideographs
            0x20000...0x2FA1F,  // Extensions B-F and Compatibility Supplement
            0x30000...0x323AF,  // Extensions G-H
            0x3005, 0x3007:  // 々 〇
            return true
        default:
            return false
        }
    }
}
