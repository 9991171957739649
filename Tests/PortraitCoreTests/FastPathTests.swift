import Foundation
@testable import PortraitCore
import Testing

/// The hand-written fast paths of mapping and canonical text give exactly what the general code (or Foundation)
/// gives, on many generated values: same text, same numbers, same offsets.
struct FastPathTests {
    /// A small deterministic generator, so a failure can be reproduced.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: Decimal text

    @Test func decimalTextIsFoundationsDescription() {
        #expect(DecimalText.layoutIsKnown)
        var random = Generator(state: 1)
        var values: [Decimal] = [0, .nan, 1, -1, 10, 100, Decimal(UInt64.max), -Decimal(UInt64.max) * 10 + 7]
        for _ in 0..<5_000 {
            let magnitude = UInt64.random(in: 0...19, using: &random)
            let mantissa = UInt64.random(in: 0...(magnitude == 19 ? UInt64.max : pow10(magnitude)), using: &random)
            let exponent = Int.random(in: -40...40, using: &random)
            let sign: FloatingPointSign = Bool.random(using: &random) ? .minus : .plus
            values.append(Decimal(sign: sign, exponent: exponent, significand: Decimal(mantissa)))
        }
        for text in ["128.50", "0.001", "-3.10", "1000.00", "0.0", "5e3", "12345678901234567890.5", "-0", "1e-100"] {
            values.append(Decimal(string: text)!)
        }
        for value in values {
            #expect(DecimalText.text(value) == value.description, "\(value)")
            #expect(JSONValue.number(value).canonicalText == value.description)
        }
    }

    private func pow10(_ n: UInt64) -> UInt64 { (0..<n).reduce(1) { value, _ in value * 10 } }

    // MARK: Numbers

    @Test func plainNumbersParseAsDecimalStringDoes() {
        var random = Generator(state: 2)
        var inputs = ["128.50", "-3", "+7", ".5", "-.5", "007", "0.50", "1000.00", "999999999999999999", "0.000001"]
        for _ in 0..<3_000 {
            let integer = String(UInt64.random(in: 0...UInt64(1e12), using: &random))
            let fraction = String(UInt64.random(in: 0...99_999, using: &random))
            let sign = ["", "-", "+"][Int.random(in: 0...2, using: &random)]
            inputs.append(Bool.random(using: &random) ? "\(sign)\(integer).\(fraction)" : "\(sign)\(integer)")
        }
        let parser = NumberParser(allowsCurrency: false)
        let posix = Locale(identifier: "en_US_POSIX")
        for input in inputs {
            let expected = Decimal(string: input, locale: posix)!
            let parsed = parser.parse(input)
            #expect(parsed == expected, "\(input)")
            #expect(parsed?.description == expected.description, "\(input)")
        }
        #expect(parser.parse("5.") == nil)
        #expect(parser.parse("1,234.5") == Decimal(string: "1234.5"))
        #expect(NumberParser(decimalSeparator: ",", allowsCurrency: false).parse("1,5") == Decimal(string: "1.5"))
    }

    // MARK: Text

    /// `TextTransforms.trimmed` as it was before its fast path.
    static func referenceTrimmed(_ text: String) -> String {
        let isPadding: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard let start = text.firstIndex(where: { !isPadding($0) }),
            let end = text.lastIndex(where: { !isPadding($0) })
        else { return "" }
        return String(text[start...end])
    }

    static let texts = [
        "", " ", "a", " a", "a ", "\ta\n", "王小明", " 王小明　", "\u{FEFF}id", "\u{FEFF}", "a \u{301}", "e\u{301}",
        " \u{301}", "Ana García", "García ", "\r\n", "x\r\n", "\u{3000}", "ab\u{85}", "\u{85}ab", "한국", "한국 ",
        "😀", "a😀", "🇨🇳", "x\u{200D}", "\u{A0}x\u{A0}", "–", "Ž",
    ]

    @Test(arguments: texts)
    func trimmingIsUnchanged(text: String) {
        #expect(TextTransforms.trimmed(text) == Self.referenceTrimmed(text))
        #expect(TextTransforms.isBlank(.string(text)) == Self.referenceTrimmed(text).isEmpty)
    }

    // MARK: Dates

    static let patterns = [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS", "dd/MM/yyyy H:mm", "d.M.yy", "yyyyMMdd", "yyyy-MM-dd",
        "M/d/yyyy h", "yyyy-MM-dd'T'HH:mm",
    ]
    static let dateInputs = [
        "2026-03-14 18:22:05", "2026-03-14  18:22:05", "2026-03-14\t18:22:05", "2026-3-14 18:22:05",
        "2024-05-02T14:31:00.250", "2024-05-02t14:31:00.2", "02/05/2024 9:05", "2/5/2024 19:05", "2.5.24", "12.12.88",
        "20240502", "2024-05-02", "2024-05-02 ", "2024-05-02T10:00", "2024-05-02T10:0", "13/31/2024 1", "",
    ]

    @Test(arguments: patterns)
    func dateMatchingOnBytesMatchesCharacters(format: String) throws {
        guard case .success(let pattern) = DatePattern.compile(format) else { return }  // "h" is not a token.
        for input in Self.dateInputs {
            #expect(pattern.match(input) == pattern.matchByCharacters(input), "\(format) on '\(input)'")
        }
    }

    static let zones = [
        "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia",
        "America/Sao_Paulo",
        "Asia/Kolkata", "UTC", "Africa/Casablanca", "America/St_Johns", "Pacific/Chatham", "Asia/Tehran",
        "Europe/Moscow", "Pacific/Kiritimati",
    ]

    /// Every local time near each offset change since 1970 (gaps and repeated hours), and random times from 1850
    /// to 2150, get the offset `Calendar` gives.
    @Test(arguments: zones)
    func localTimesGetCalendarsOffset(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        let transform = DateTimeTransform(formats: [], formatNames: [], timeZone: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func components(local: Int) -> DatePattern.Components {
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(local)))
            return DatePattern.Components(
                year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!,
                second: parts.second!)
        }
        var locals: [Int] = []
        var previous = zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0))
        var instant = 0
        while instant < 2_000_000_000 {  // 2033
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
            if offset != previous {
                // A change in the hour before `instant`: local times from before the old clock to after the new.
                let around = instant + min(offset, previous)
                for step in stride(from: -3 * 3_600, through: 4 * 3_600, by: 900) { locals.append(around + step) }
                previous = offset
            }
            instant += 3_600
        }
        var random = Generator(state: UInt64(zoneName.utf8.count))
        for _ in 0..<500 { locals.append(Int.random(in: -3_786_825_600...5_680_281_600, using: &random)) }

        var fast = 0
        for local in locals {
            let c = components(local: local)
            let expected = transform.localByCalendar(c)
            if let offset = transform.fastOffset(c) {
                fast += 1
                #expect(offset.map { DateTimeTransform.rfc3339(c, offset: $0) } == expected, "\(zoneName) \(c)")
            }
        }
        #expect(fast > locals.count / 2)
    }

    // MARK: Unmapped fields

    /// The unmapped-field rule as it was written before: string prefixes over the sorted leaves.
    static func referenceUnmapped(_ fields: JSONValue, consumed: [String]) -> [String: JSONValue] {
        var bucket: [String: JSONValue] = [:]
        for (path, value) in fields.leaves() {
            let isConsumed = consumed.contains { from in
                path == from || path.hasPrefix(from + ".") || from.hasPrefix(path + ".")
            }
            guard !isConsumed, bucket[path] == nil else { continue }
            bucket[path] = value
        }
        return bucket
    }

    static let records: [JSONValue] = [
        ["a": 1, "b": "x", "note": "keep"],
        ["a": ["b": 1, "c": 2], "d": ["e": ["f": 3]], "g": [:], "h": [1, 2]],
        ["a.b": 1, "a": ["b": 2, "c": 3]],
        ["": 1, "x": ["": 2, "y": 3]],
        ["props": ["email": "e", "phone": "p", "deep": ["x": 1]], "props.deep": "dotted"],
        ["m": ["n": ["o": 1]], "m.n": 2],
    ]
    static let consumedSets: [[String]] = [
        ["a"], ["a.b"], ["a.b.c"], ["props.email", "props.deep"], ["m.n.o", "x.y"], ["b", "note"], [],
    ]

    @Test(arguments: consumedSets)
    func unmappedLeavesFollowTheOriginalRule(consumed: [String]) {
        let rules = UnmappedFields(consumed: consumed)
        for record in Self.records {
            #expect(rules.leaves(of: record.objectValue!) == Self.referenceUnmapped(record, consumed: consumed))
        }
    }

    @Test func flatMappingsKeepTheSameUnmappedFields() throws {
        let mapping = try RecordMapping(
            json: ["entity": "customer", "fields": ["identifiers.crm_id": "id", "name.full": "n"]],
            path: .root)
        for fields: JSONValue in [
            ["id": "1", "n": "Ana", "x": ["y": 1, "z": [:]], "w": [1]],
            ["id": "1", "a.b": 1, "a": ["b": 2]],
            ["id": "1", "n": "Ana", "": "empty key", "k": ["": 1]],
        ] {
            let result = mapping.map(SourceRecord(stream: "s", sourceID: "1", fields: fields, location: "l"))
            let expected = Self.referenceUnmapped(fields, consumed: ["id", "n"])
            #expect(result.canonical?["attributes"] == (expected.isEmpty ? nil : .object(expected)))
        }
    }

    // MARK: Canonical text

    /// The canonical writer as it was before: `Decimal.description`, sorted key-value pairs.
    static func referenceText(_ value: JSONValue) -> String {
        func string(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .string(let s): return string(s)
        case .array(let a): return "[" + a.map(referenceText).joined(separator: ",") + "]"
        case .object(let o):
            return "{"
                + o.sorted { $0.key < $1.key }.map { string($0.key) + ":" + referenceText($0.value) }
                .joined(separator: ",") + "}"
        }
    }

    @Test func canonicalTextMatchesTheReferenceWriter() {
        var random = Generator(state: 3)
        let pieces = ["a", "Ω", "王", "\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "😀", "x y", "\t", "\r", "e\u{301}"]
        func text(_ length: Int) -> String {
            (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
        }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 3 ? 4 : 7), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .number(Decimal(Int.random(in: -1_000_000...1_000_000, using: &random)) / 100)
            case 3, 4: return .string(text(Int.random(in: 0...(Bool.random(using: &random) ? 8 : 600), using: &random)))
            case 5: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in value(depth + 1) })
            default:
                var object: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0...12, using: &random) {
                    object[text(Int.random(in: 0...6, using: &random))] = value(depth + 1)
                }
                return .object(object)
            }
        }
        for _ in 0..<400 {
            let generated = value(0)
            #expect(generated.canonicalText == Self.referenceText(generated))
        }
        let large: JSONValue = ["text": .string(String(repeating: "价格\"", count: 5_000))]
        #expect(large.canonicalText == Self.referenceText(large))
    }

    // MARK: Schema count limits

    @Test func fractionalCountLimitsCompareAsBefore() {
        let registry = SchemaRegistry.canonical
        func valid(_ value: JSONValue, _ schema: JSONValue) -> Bool {
            registry.validate(value, againstSchema: schema).isEmpty
        }
        #expect(!valid("a", ["type": "string", "minLength": 1.5]))
        #expect(valid("ab", ["type": "string", "minLength": 1.5]))
        #expect(valid("", ["type": "string", "minLength": 0.5]) == false)
        #expect(!valid("abc", ["type": "string", "maxLength": 2.5]))
        #expect(valid("价格", ["type": "string", "maxLength": 2]))
        #expect(!valid([:], ["type": "object", "minProperties": 0.5]))
        #expect(!valid(["a": 1, "b": 2], ["type": "object", "maxProperties": 1.9]))
        #expect(!valid([1], ["type": "array", "minItems": 1.1]))
        #expect(
            valid(["id": 1], ["type": "object", "required": ["id", "id"], "properties": ["id": ["type": "integer"]]]))
        #expect(!valid(["x": 1], ["type": "object", "required": ["id"], "properties": ["x": ["type": "integer"]]]))
    }
}
