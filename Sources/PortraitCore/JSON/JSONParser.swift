public import Foundation

extension JSONValue {
    /// Parses JSON text (strict RFC 8259) from UTF-8 bytes.
    ///
    /// A UTF-8 byte order mark at the very start is skipped (JSON Lines files written by Windows tools often begin
    /// with one); anywhere else it is an error. When an object repeats a key, the last value wins, as in
    /// `JSON.parse` and `JSONSerialization`. Numbers keep their exact decimal value.
    ///
    /// - Throws: `PortraitError.invalidInput("not valid JSON: <problem> at line L, column C")`.
    public init(parsing data: Data) throws {
        self = try data.withUnsafeBytes { bytes throws(PortraitError) in try JSONParser.parse(bytes) }
    }

    /// Parses JSON text (strict RFC 8259); see ``init(parsing:)-(Data)``.
    ///
    /// - Throws: `PortraitError.invalidInput` naming the problem, its line and column.
    public init(parsing text: String) throws {
        var text = text
        self = try text.withUTF8 { bytes throws(PortraitError) in try JSONParser.parse(UnsafeRawBufferPointer(bytes)) }
    }

    /// Parses JSON text (strict RFC 8259) from UTF-8 bytes; see ``init(parsing:)-(Data)``.
    ///
    /// - Throws: `PortraitError.invalidInput` naming the problem, its line and column.
    public init(parsing bytes: some Collection<UInt8>) throws {
        let parsed = try bytes.withContiguousStorageIfAvailable { buffer throws(PortraitError) in
            try JSONParser.parse(UnsafeRawBufferPointer(buffer))
        }
        if let parsed {
            self = parsed
        } else {
            self = try Array(bytes).withUnsafeBytes { buffer throws(PortraitError) in try JSONParser.parse(buffer) }
        }
    }
}

/// A strict RFC 8259 parser from UTF-8 bytes to `JSONValue`.
///
/// Hand-written rather than `JSONDecoder`: connectors parse every record they read, so this is on the ingest hot path.
///
/// Rules beyond the grammar: only space, tab, CR and LF are whitespace; strings must be valid UTF-8 without raw
/// control characters or unpaired surrogate escapes; nesting deeper than ``maximumDepth`` is an error rather than a
/// stack overflow; duplicate keys keep the last value. Error messages quote at most one byte of the input, so they
/// are safe to log even when the record holds personal data.
struct JSONParser {
    /// Arrays and objects nested deeper than this are rejected.
    static let maximumDepth = 512

    /// A problem and the byte offset where it was found; turned into line and column only when thrown.
    struct Failure: Error {
        let message: String
        let offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Reused for strings with escapes, so each one does not allocate a fresh buffer.
    private var scratch: [UInt8] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses one JSON document that fills `raw` (after an optional UTF-8 byte order mark).
    static func parse(_ raw: UnsafeRawBufferPointer) throws(PortraitError) -> JSONValue {
        var input = raw.assumingMemoryBound(to: UInt8.self)
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
            input = UnsafeBufferPointer(rebasing: input[3...])
        }
        var parser = JSONParser(bytes: input)
        do {
            return try parser.parseDocument()
        } catch {
            throw PortraitError.invalidInput(
                "not valid JSON: \(error.message) at \(location(of: error.offset, in: input))"
            )
        }
    }

    /// "line L, column C (byte B)", 1-based; the column counts characters (not bytes) of that line, the byte
    /// offset counts from the start of the document (for a large HTTP body without line breaks).
    static func location(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        var i = 0
        while i < end {
            let byte = bytes[i]
            if byte == .lineFeed || (byte == .carriageReturn && (i + 1 == bytes.count || bytes[i + 1] != .lineFeed)) {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        let column = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self).count + 1
        return "line \(line), column \(column) (byte \(end + 1))"
    }

    // MARK: - Grammar

    private mutating func parseDocument() throws(Failure) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw Failure(message: "unexpected \(Self.describe(bytes[index])) after the JSON value", offset: index)
        }
        return value
    }

    private mutating func parseValue() throws(Failure) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        switch bytes[index] {
        case .quote: return .string(try parseString())
        case .openBrace: return try parseObject()
        case .openBracket: return try parseArray()
        case .minus, .digit0 ... .digit9: return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case let byte:
            throw Failure(message: "unexpected \(Self.describe(byte)), expected a JSON value", offset: index)
        }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        index += 1  // {
        // Members are collected first so the dictionary is allocated once at its final size, not grown.
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == .closeBrace {
            index += 1
            return .object([:])
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            guard bytes[index] == .quote else {
                let message = members.isEmpty ? "expected a string key in object" : "expected a string key after ','"
                throw Failure(message: message, offset: index)
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            guard bytes[index] == .colon else { throw Failure(message: "expected ':' after object key", offset: index) }
            index += 1
            let value = try parseValue()
            members.append((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            switch bytes[index] {
            case .comma: index += 1
            case .closeBrace:
                index += 1
                var object = [String: JSONValue](minimumCapacity: members.count)
                for (key, value) in members {
                    object[key] = value  // duplicate keys: the last one wins
                }
                return .object(object)
            default: throw Failure(message: "expected ',' or '}' after object value", offset: index)
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        index += 1  // [
        var array: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == .closeBracket {
            index += 1
            return .array(array)
        }
        while true {
            array.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            switch bytes[index] {
            case .comma: index += 1
            case .closeBracket:
                index += 1
                return .array(array)
            default: throw Failure(message: "expected ',' or ']' after array element", offset: index)
            }
        }
    }

    private mutating func enterContainer() throws(Failure) {
        guard depth < Self.maximumDepth else {
            throw Failure(message: "nesting deeper than \(Self.maximumDepth) levels", offset: index)
        }
        depth += 1
    }

    private mutating func parseLiteral(_ word: StaticString) throws(Failure) {
        let start = index
        let count = word.utf8CodeUnitCount
        let text = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count {
            guard start + offset < bytes.count else { throw endOfInput() }
            guard bytes[start + offset] == text[offset] else {
                throw Failure(message: "invalid literal, expected '\(word)'", offset: start)
            }
        }
        index = start + count
    }

    // MARK: - Numbers

    /// Decimal numbers with up to this many significant digits are built from a `UInt64` directly.
    private static let fastSignificantDigits = 18

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// Reads a number exactly: `Decimal` from its digits, never through `Double`.
    private mutating func parseNumber() throws(Failure) -> Decimal {
        let start = index
        var i = index
        var negative = false
        if bytes[i] == .minus {
            negative = true
            i += 1
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0

        // Integer part: 0 or [1-9][0-9]*.
        guard i < bytes.count else { throw endOfInput() }
        guard bytes[i].isDigit else {
            throw Failure(message: "expected a digit after '-', found \(Self.describe(bytes[i]))", offset: i)
        }
        if bytes[i] == .digit0 {
            i += 1
            if i < bytes.count, bytes[i].isDigit {
                throw Failure(message: "leading zero in number", offset: start)
            }
        } else {
            while i < bytes.count, bytes[i].isDigit {
                Self.accumulate(bytes[i], into: &significand, digits: &significantDigits)
                i += 1
            }
        }

        // Fraction: . [0-9]+
        if i < bytes.count, bytes[i] == .period {
            i += 1
            guard i < bytes.count else { throw endOfInput() }
            guard bytes[i].isDigit else { throw Failure(message: "expected a digit after '.' in number", offset: i) }
            while i < bytes.count, bytes[i].isDigit {
                Self.accumulate(bytes[i], into: &significand, digits: &significantDigits)
                fractionDigits += 1
                i += 1
            }
        }

        // Exponent: [eE] [+-]? [0-9]+
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == .plus || bytes[i] == .minus {
                exponentNegative = bytes[i] == .minus
                i += 1
            }
            guard i < bytes.count else { throw endOfInput() }
            guard bytes[i].isDigit else { throw Failure(message: "expected a digit in exponent", offset: i) }
            while i < bytes.count, bytes[i].isDigit {
                // Saturate: anything this large is out of `Decimal`'s range and goes the slow way.
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] &- .digit0) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        index = i

        if significantDigits <= Self.fastSignificantDigits {
            if significand == 0 { return Decimal.zero }
            let scale = exponent - fractionDigits
            // Decimal's exponent is 8 bits; keep well inside it so normalisation cannot overflow.
            if (-100...100).contains(scale) {
                return Decimal(sign: negative ? .minus : .plus, exponent: scale, significand: Decimal(significand))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let value = Decimal(string: text, locale: Self.posix), !value.isNaN else {
            throw Failure(message: "number out of range", offset: start)
        }
        return value
    }

    /// Adds a digit to the significand; leading zeros are not significant, digits past the fast-path limit only count.
    @inline(__always)
    private static func accumulate(_ digit: UInt8, into significand: inout UInt64, digits: inout Int) {
        if significand == 0 && digit == .digit0 && digits == 0 { return }
        digits += 1
        if digits <= fastSignificantDigits { significand = significand &* 10 &+ UInt64(digit &- .digit0) }
    }

    // MARK: - Strings

    /// Reads a string starting at its opening quote.
    ///
    /// Runs of plain bytes are copied whole; only escapes are decoded one by one.
    private mutating func parseString() throws(Failure) -> String {
        let quote = index
        let start = index + 1
        var i = start
        var highBits: UInt8 = 0
        // Fast path: no escapes, so the string is a slice of the input.
        while i < bytes.count {
            let byte = bytes[i]
            if byte == .quote {
                index = i + 1
                return try makeString(start..<i, ascii: highBits < 0x80)
            }
            if byte == .backslash { break }
            if byte < 0x20 { throw controlCharacter(at: i) }
            highBits |= byte
            i += 1
        }
        guard i < bytes.count else { throw Failure(message: "unterminated string", offset: quote) }

        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while true {
            // At a backslash.
            i += 1
            guard i < bytes.count else { throw Failure(message: "unterminated string", offset: quote) }
            switch bytes[i] {
            case .quote: scratch.append(.quote)
            case .backslash: scratch.append(.backslash)
            case .slash: scratch.append(.slash)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(.lineFeed)
            case UInt8(ascii: "r"): scratch.append(.carriageReturn)
            case UInt8(ascii: "t"): scratch.append(.tab)
            case UInt8(ascii: "u"):
                let scalar = try parseUnicodeEscape(at: i - 1, quote: quote)
                Self.appendUTF8(scalar, to: &scratch)
                i = index - 1
            case let other:
                let shown =
                    (0x21...0x7E).contains(other)
                    ? "'\\\(Character(Unicode.Scalar(other)))'" : "'\\' + \(Self.describe(other))"
                throw Failure(message: "invalid escape \(shown)", offset: i - 1)
            }
            i += 1
            // Copy the next run of plain bytes in one go.
            let runStart = i
            while i < bytes.count {
                let byte = bytes[i]
                if byte == .quote || byte == .backslash { break }
                if byte < 0x20 { throw controlCharacter(at: i) }
                highBits |= byte
                i += 1
            }
            guard i < bytes.count else { throw Failure(message: "unterminated string", offset: quote) }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            if bytes[i] == .quote {
                index = i + 1
                if highBits < 0x80 { return String(decoding: scratch, as: UTF8.self) }
                // Escapes only add valid UTF-8, so a failure is in the raw bytes between the quotes.
                guard let string = String(validating: scratch, as: UTF8.self) else { throw invalidUTF8(in: start..<i) }
                return string
            }
        }
    }

    private func makeString(_ range: Range<Int>, ascii: Bool) throws(Failure) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        if ascii { return String(decoding: slice, as: UTF8.self) }
        guard let string = String(validating: slice, as: UTF8.self) else { throw invalidUTF8(in: range) }
        return string
    }

    /// Reads `\uXXXX` (and the low half of a surrogate pair) starting at the backslash; leaves `index` after it.
    private mutating func parseUnicodeEscape(at backslash: Int, quote: Int) throws(Failure) -> Unicode.Scalar {
        let high = try parseHex4(at: backslash, quote: quote)
        var end = backslash + 6
        var value = UInt32(high)
        switch high {
        case 0xD800...0xDBFF:
            guard end + 1 < bytes.count, bytes[end] == .backslash, bytes[end + 1] == UInt8(ascii: "u") else {
                if end >= bytes.count { throw Failure(message: "unterminated string", offset: quote) }
                throw Failure(message: "unpaired surrogate in \\u escape", offset: backslash)
            }
            let low = try parseHex4(at: end, quote: quote)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw Failure(message: "unpaired surrogate in \\u escape", offset: backslash)
            }
            value = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw Failure(message: "unpaired surrogate in \\u escape", offset: backslash)
        default:
            break
        }
        index = end
        // Surrogates are excluded above, so every remaining value is a scalar.
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// The four hex digits of the `\u` escape whose backslash is at `backslash`.
    private func parseHex4(at backslash: Int, quote: Int) throws(Failure) -> UInt16 {
        var value: UInt16 = 0
        for i in (backslash + 2)..<(backslash + 6) {
            guard i < bytes.count else { throw Failure(message: "unterminated string", offset: quote) }
            let byte = bytes[i]
            let digit: UInt8
            switch byte {
            case .digit0 ... .digit9: digit = byte - .digit0
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure(message: "invalid \\u escape, expected four hex digits", offset: backslash)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            buffer.append(UInt8(value))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | value >> 6))
            buffer.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | value >> 12))
            buffer.append(UInt8(0x80 | (value >> 6) & 0x3F))
            buffer.append(UInt8(0x80 | value & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | value >> 18))
            buffer.append(UInt8(0x80 | (value >> 12) & 0x3F))
            buffer.append(UInt8(0x80 | (value >> 6) & 0x3F))
            buffer.append(UInt8(0x80 | value & 0x3F))
        }
    }

    // MARK: - Errors and whitespace

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case .space, .lineFeed, .carriageReturn, .tab: index += 1
            default: return
            }
        }
    }

    private func endOfInput() -> Failure {
        Failure(message: "unexpected end of input", offset: bytes.count)
    }

    private func controlCharacter(at offset: Int) -> Failure {
        Failure(message: "unescaped control character \(Self.describe(bytes[offset])) in string", offset: offset)
    }

    /// Finds the first byte of `range` that does not start a valid UTF-8 sequence (error path only).
    private func invalidUTF8(in range: Range<Int>) -> Failure {
        var i = range.lowerBound
        while i < range.upperBound {
            let length = Self.validSequenceLength(at: i, before: range.upperBound, in: bytes)
            if length == 0 {
                return Failure(message: "invalid UTF-8 (\(Self.describe(bytes[i]))) in string", offset: i)
            }
            i += length
        }
        return Failure(message: "invalid UTF-8 in string", offset: range.lowerBound)
    }

    /// The length of the valid UTF-8 sequence at `i`, or 0 (rejects overlong forms, surrogates, > U+10FFFF).
    private static func validSequenceLength(at i: Int, before end: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let lead = bytes[i]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return 0
        }
        guard i + length <= end, secondRange.contains(bytes[i + 1]) else { return 0 }
        for j in (i + 2)..<(i + length) where !(0x80...0xBF).contains(bytes[j]) { return 0 }
        return length
    }

    /// One byte for a message: printable ASCII quoted, anything else in hex (never more of the input than that).
    private static func describe(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}

extension UInt8 {
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let period = UInt8(ascii: ".")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let digit0 = UInt8(ascii: "0")
    fileprivate static let digit9 = UInt8(ascii: "9")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")

    fileprivate var isDigit: Bool { self &- .digit0 < 10 }
}
