import Foundation
import PortraitCore
import Testing

struct JSONParserTests {
    // MARK: - Valid documents

    static let documents: [(String, JSONValue)] = [
        ("null", .null),
        ("true", true),
        ("false", false),
        (#""""#, ""),
        ("[]", []),
        ("{}", [:]),
        (" \t\r\n{ \"a\" : [ ] , \"b\" : { } } \r\n", ["a": [], "b": [:]]),
        (
            #"{"a":[1,{"b":null}],"c":{"d":[true,false,"x"]},"e":[[[]]]}"#,
            ["a": [1, ["b": nil]], "c": ["d": [true, false, "x"]], "e": [[[]]]]
        ),
        // Every escape.
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u0000\u001f\u0041\u00e9\u00E9""#, "\u{0}\u{1F}Aéé"),
        // CJK and emoji, raw and through (surrogate pair) escapes.
        (#""价格 😀""#, "价格 😀"),
        (#""\u4EF7\u683c \ud83d\ude00""#, "价格 😀"),
        (#""a\nb价c\"d""#, "a\nb价c\"d"),
        (#""\uD834\uDD1E clef""#, "\u{1D11E} clef"),
        (#"{"名前":"王"}"#, ["名前": "王"]),
        // Numbers keep their exact decimal value.
        ("0", .number(Decimal(0))),
        ("-0", .number(Decimal(0))),
        ("1e3", .number(Decimal(1000))),
        ("1E-2", .number(Decimal(string: "0.01")!)),
        ("1E+2", .number(Decimal(100))),
        ("1299.10", .number(Decimal(string: "1299.10")!)),
        ("-0.000001", .number(Decimal(string: "-0.000001")!)),
        ("12345678901234567890123", .number(Decimal(string: "12345678901234567890123")!)),
        ("123456789012345678", .number(Decimal(string: "123456789012345678")!)),
        ("-1234567890.123456789", .number(Decimal(string: "-1234567890.123456789")!)),
        ("0.1", .number(Decimal(string: "0.1")!)),
        ("2.50e-3", .number(Decimal(string: "0.0025")!)),
        ("1e127", .number(Decimal(string: "1e127")!)),
        ("[-1,0.5,10]", [-1, .number(Decimal(string: "0.5")!), 10]),
    ]

    @Test(arguments: documents)
    func validDocumentParses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: Data(text.utf8)) == expected)
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
    }

    @Test func numbersAreExactNotDoubles() throws {
        let value = try JSONValue(parsing: #"[1299.10, 12345678901234567890123, 0.1, -0.000001]"#)
        #expect(value.canonicalText == "[1299.1,12345678901234567890123,0.1,-0.000001]")
    }

    // MARK: - Invalid documents

    struct Invalid: Sendable, CustomTestStringConvertible {
        let text: String
        let fragment: String
        let line: Int
        let column: Int
        var testDescription: String { text.debugDescription }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "", fragment: "unexpected end of input", line: 1, column: 1),
        Invalid(text: "   ", fragment: "unexpected end of input", line: 1, column: 4),
        Invalid(text: "{", fragment: "unexpected end of input", line: 1, column: 2),
        Invalid(text: #"{"a":"#, fragment: "unexpected end of input", line: 1, column: 6),
        Invalid(text: #"{"a" 1}"#, fragment: "expected ':' after object key", line: 1, column: 6),
        Invalid(text: #"{"a":1,}"#, fragment: "expected a string key after ','", line: 1, column: 8),
        Invalid(text: "{a:1}", fragment: "expected a string key in object", line: 1, column: 2),
        Invalid(text: #"{"a":1 "b":2}"#, fragment: "expected ',' or '}' after object value", line: 1, column: 8),
        Invalid(text: "[1,]", fragment: "unexpected character ']', expected a JSON value", line: 1, column: 4),
        Invalid(text: "[1 2]", fragment: "expected ',' or ']' after array element", line: 1, column: 4),
        Invalid(text: #""abc"#, fragment: "unterminated string", line: 1, column: 1),
        Invalid(text: #"["ok", "abc\"]"#, fragment: "unterminated string", line: 1, column: 8),
        Invalid(text: #""a\qb""#, fragment: #"invalid escape '\q'"#, line: 1, column: 3),
        Invalid(text: #""a\"#, fragment: "unterminated string", line: 1, column: 1),
        Invalid(text: #""\u12G4""#, fragment: #"invalid \u escape, expected four hex digits"#, line: 1, column: 2),
        Invalid(text: #""\ud800""#, fragment: "unpaired surrogate", line: 1, column: 2),
        Invalid(text: #""\udc00\ud800""#, fragment: "unpaired surrogate", line: 1, column: 2),
        Invalid(text: #""x\ud800\u0041""#, fragment: "unpaired surrogate", line: 1, column: 3),
        Invalid(text: "\"a\tb\"", fragment: "unescaped control character byte 0x09 in string", line: 1, column: 3),
        Invalid(text: "\"a\nb\"", fragment: "unescaped control character byte 0x0A in string", line: 1, column: 3),
        Invalid(text: "01", fragment: "leading zero in number", line: 1, column: 1),
        Invalid(text: "[-012]", fragment: "leading zero in number", line: 1, column: 2),
        Invalid(text: "+1", fragment: "unexpected character '+'", line: 1, column: 1),
        Invalid(text: ".5", fragment: "unexpected character '.'", line: 1, column: 1),
        Invalid(text: "[1.]", fragment: "expected a digit after '.' in number", line: 1, column: 4),
        Invalid(text: "1.", fragment: "unexpected end of input", line: 1, column: 3),
        Invalid(text: "[1e]", fragment: "expected a digit in exponent", line: 1, column: 4),
        Invalid(text: "[1e+]", fragment: "expected a digit in exponent", line: 1, column: 5),
        Invalid(text: "NaN", fragment: "unexpected character 'N'", line: 1, column: 1),
        Invalid(text: "Infinity", fragment: "unexpected character 'I'", line: 1, column: 1),
        Invalid(text: "-Infinity", fragment: "expected a digit after '-'", line: 1, column: 2),
        Invalid(text: "-", fragment: "unexpected end of input", line: 1, column: 2),
        Invalid(text: "1e128", fragment: "number out of range", line: 1, column: 1),
        Invalid(text: "tru", fragment: "unexpected end of input", line: 1, column: 4),
        Invalid(text: "[trux]", fragment: "invalid literal, expected 'true'", line: 1, column: 2),
        Invalid(text: "nulL", fragment: "invalid literal, expected 'null'", line: 1, column: 1),
        Invalid(text: "{} x", fragment: "unexpected character 'x' after the JSON value", line: 1, column: 4),
        Invalid(text: "1 2", fragment: "unexpected character '2' after the JSON value", line: 1, column: 3),
        Invalid(text: "\u{0C}1", fragment: "unexpected byte 0x0C", line: 1, column: 1),
        Invalid(text: "[\u{A0}1]", fragment: "unexpected byte 0xC2", line: 1, column: 2),
        Invalid(text: "[\u{FEFF}1]", fragment: "unexpected byte 0xEF", line: 1, column: 2),
        // Lines count LF, CRLF and CR; columns count characters, not bytes.
        Invalid(text: "{\n  \"a\": 1,\n  \"b\" 2\n}", fragment: "expected ':' after object key", line: 3, column: 7),
        Invalid(text: "[\r\n1,\r\n?]", fragment: "unexpected character '?'", line: 3, column: 1),
        Invalid(text: "[\r1,\r?]", fragment: "unexpected character '?'", line: 3, column: 1),
        Invalid(text: #"{"名前": x}"#, fragment: "unexpected character 'x'", line: 1, column: 8),
        Invalid(text: "[\"😀\", @]", fragment: "unexpected character '@'", line: 1, column: 7),
    ]

    @Test(arguments: invalid)
    func invalidDocumentNamesProblemAndPlace(case invalid: Invalid) {
        let message = Self.errorMessage(Data(invalid.text.utf8))
        #expect(message?.hasPrefix("not valid JSON: ") == true, "\(message ?? "parsed")")
        #expect(message?.contains(invalid.fragment) == true, "\(message ?? "parsed")")
        #expect(
            message?.contains(" at line \(invalid.line), column \(invalid.column) (byte ") == true, "\(message ?? "parsed")"
        )
    }

    static let invalidUTF8: [([UInt8], Int)] = [
        ([0x22, 0x61, 0xFF, 0x22], 3),  // never valid
        ([0x22, 0xC0, 0xAF, 0x22], 2),  // overlong '/'
        ([0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], 3),  // encoded surrogate
        ([0x22, 0xE4, 0xBD, 0x22], 2),  // truncated 价
        ([0x22, 0x5C, 0x6E, 0xF4, 0x90, 0x80, 0x80, 0x22], 4),  // beyond U+10FFFF, after an escape
        ([0x22, 0xE4, 0xBB, 0xB7, 0x80, 0x22], 3),  // stray continuation byte after 价
    ]

    @Test(arguments: invalidUTF8)
    func invalidUTF8InStringIsRejected(bytes: [UInt8], column: Int) {
        let message = Self.errorMessage(Data(bytes))
        #expect(message?.contains("invalid UTF-8") == true, "\(message ?? "parsed")")
        #expect(message?.contains("at line 1, column \(column) (byte ") == true, "\(message ?? "parsed")")
    }

    @Test func errorsAreInvalidInputAndNeverEchoTheRecord() throws {
        let text = #"{"email": "secret.person@example.com" "phone": "13800000000"}"#
        let error = try #require(throws: PortraitError.self) { try JSONValue(parsing: text) }
        #expect(error.kind == .invalidInput)
        #expect(!error.message.contains("secret"))
        #expect(!error.message.contains("phone"))
        #expect(error.message == "not valid JSON: expected ',' or '}' after object value at line 1, column 39 (byte 39)")
    }

    // MARK: - Depth, duplicates, BOM

    @Test func nestingUpToTheLimitParsesAndBeyondItIsAClearError() throws {
        let limit = 512
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        var value = try JSONValue(parsing: deepest)
        var depth = 0
        while case .array(let elements) = value {
            depth += 1
            value = elements.first ?? .null
        }
        #expect(depth == limit)

        let tooDeep = String(repeating: #"{"a":["#, count: 300) + "1" + String(repeating: "]}", count: 300)
        let message = Self.errorMessage(Data(tooDeep.utf8))
        #expect(message == "not valid JSON: nesting deeper than 512 levels at line 1, column \(256 * 6 + 1) (byte \(256 * 6 + 1))")

        // Far beyond the limit: an error, not a stack overflow.
        #expect(Self.errorMessage(Data(String(repeating: "[", count: 100_000).utf8))?.contains("nesting") == true)
    }

    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
        #expect(try JSONValue(parsing: #"{"p":{"x":1},"p":{"y":2}}"#) == ["p": ["y": 2]])
    }

    @Test func leadingByteOrderMarkIsSkipped() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try JSONValue(parsing: Data(bom + Array(#"{"a":1}"#.utf8))) == ["a": 1])
        #expect(try JSONValue(parsing: "\u{FEFF}[true]") == [true])
        // Columns count from after the mark, as an editor shows them.
        #expect(Self.errorMessage(Data(bom + Array("{x".utf8)))?.hasSuffix("line 1, column 2 (byte 2)") == true)
        #expect(Self.errorMessage(Data(bom))?.contains("unexpected end of input") == true)
        // Only one, and only at the start.
        #expect(Self.errorMessage(Data(bom + bom + Array("1".utf8))) != nil)
    }

    // MARK: - Differential against JSONDecoder

    @Test func randomDocumentsParseAsJSONDecoderParsesThem() throws {
        var generator = DocumentGenerator(seed: 0x5EED_1234)
        for _ in 0..<400 {
            let text = generator.document()
            let data = Data(text.utf8)
            let reference = try JSONDecoder().decode(JSONValue.self, from: data)
            let parsed = try JSONValue(parsing: data)
            #expect(parsed == reference, "\(text)")
            #expect(parsed.canonicalText == reference.canonicalText, "\(text)")
        }
    }

    @Test func corruptedDocumentsAreRejectedWhereJSONDecoderRejectsThem() throws {
        var generator = DocumentGenerator(seed: 0xBAD_5EED)
        // Differences allowed: JSONDecoder's trailing commas (see `hasTrailingComma`).
        let noise = Array(#"{}[]":,\-+.eE0123456789 tfnu"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xFF]
        var rejected = 0
        for _ in 0..<1000 {
            var bytes = Array(generator.document().utf8)
            let position = generator.int(in: 0..<bytes.count)
            switch generator.int(in: 0..<3) {
            case 0: bytes[position] = noise[generator.int(in: 0..<noise.count)]
            case 1: bytes.remove(at: position)
            default: bytes.removeSubrange(position...)
            }
            let data = Data(bytes)
            let reference = try? JSONDecoder().decode(JSONValue.self, from: data)
            let parsed = try? JSONValue(parsing: data)
            if parsed == nil { rejected += 1 }
            if parsed != nil || reference == nil || !Self.hasTrailingComma(bytes) {
                #expect(parsed == reference, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
        #expect(rejected > 100)
    }

    /// JSONDecoder accepts `[1,]` and `{"a":1,}`; RFC 8259 (and this parser) does not.
    private static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var afterComma = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ","): afterComma = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if afterComma { return true }
            default: afterComma = false
            }
        }
        return false
    }

    private static func errorMessage(_ data: Data) -> String? {
        do {
            _ = try JSONValue(parsing: data)
            return nil
        } catch let error as PortraitError {
            return error.message
        } catch {
            return "unexpected error type"
        }
    }
}

/// Random JSON texts in varied spellings (whitespace, escapes, exponents), with unique object keys.
private struct DocumentGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64: reproducible across runs and platforms.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(in range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    mutating func chance(_ percent: Int) -> Bool { int(in: 0..<100) < percent }

    mutating func document() -> String {
        var out = ""
        value(depth: 0, into: &out)
        return space() + out + space()
    }

    private mutating func space() -> String {
        guard chance(30) else { return "" }
        return String((0..<int(in: 1..<4)).map { _ in [" ", "\t", "\n", "\r\n"][int(in: 0..<4)] }.joined())
    }

    private mutating func value(depth: Int, into out: inout String) {
        let kinds = depth >= 4 ? 4 : 6
        switch int(in: 0..<kinds) {
        case 0: out += ["null", "true", "false"][int(in: 0..<3)]
        case 1, 2: number(into: &out)
        case 3: string(into: &out)
        case 4:
            out += "[" + space()
            for i in 0..<int(in: 0..<5) {
                if i > 0 { out += space() + "," + space() }
                value(depth: depth + 1, into: &out)
            }
            out += space() + "]"
        default:
            out += "{" + space()
            // Unique keys: on duplicates JSONDecoder keeps the first value, the parser the last.
            var keys = Set<String>()
            for _ in 0..<int(in: 0..<5) {
                var key = ""
                string(into: &key)
                guard keys.insert(key).inserted else { continue }
                if keys.count > 1 { out += space() + "," }
                out += space() + key + space() + ":" + space()
                value(depth: depth + 1, into: &out)
            }
            out += space() + "}"
        }
    }

    private mutating func digits(_ count: Int, leadingNonZero: Bool) -> String {
        String((0..<count).map { i in Character(String(i == 0 && leadingNonZero ? int(in: 1..<10) : int(in: 0..<10))) })
    }

    private mutating func number(into out: inout String) {
        if chance(30) { out += "-" }
        out += chance(20) ? "0" : digits(int(in: 1..<(chance(10) ? 30 : 8)), leadingNonZero: true)
        if chance(50) { out += "." + digits(int(in: 1..<(chance(10) ? 25 : 6)), leadingNonZero: false) }
        if chance(20) {
            out += (chance(50) ? "e" : "E") + ["", "+", "-"][int(in: 0..<3)] + String(int(in: 0..<40))
        }
    }

    private static let pieces: [String] = [
        "a", "Z", "7", " ", "email", "价格", "王", "é", "😀", "🇨🇳", "\u{0}", "\u{1F}", "\t", "\n", "\"", "\\", "/",
        "\u{7F}", "\u{FFFD}", "\u{1D11E}",
    ]

    private mutating func string(into out: inout String) {
        out += "\""
        for _ in 0..<int(in: 0..<8) {
            for scalar in Self.pieces[int(in: 0..<Self.pieces.count)].unicodeScalars {
                out += spell(scalar)
            }
        }
        out += "\""
    }

    /// A scalar as it may appear inside a JSON string: raw, short escape or `\u` escape (surrogate pairs above BMP).
    private mutating func spell(_ scalar: Unicode.Scalar) -> String {
        let short: [Unicode.Scalar: String] = ["\"": #"\""#, "\\": #"\\"#, "\n": #"\n"#, "\t": #"\t"#, "/": #"\/"#]
        let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
        if !mustEscape && chance(60) { return String(scalar) }
        if let escape = short[scalar], chance(50) { return escape }
        let units = Array(String(scalar).utf16)
        return units.map { unit in
            let hex = String(unit, radix: 16, uppercase: chance(50))
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }
}
