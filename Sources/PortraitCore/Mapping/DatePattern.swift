/// A date or date-time format as config writes it: `dd/MM/yyyy`, `yyyy年M月d日`, `yyyy-MM-dd'T'HH:mm:ss`.
///
/// Hand-written rather than `DateFormatter`: formatter patterns are lenient in ways that silently accept
/// `2023-02-29` or `13/31/2024`, their behaviour depends on the platform's ICU, and they cannot tell a config
/// typo (`YYYY`, `DD`) from a literal. Here ASCII letters are always tokens, so a wrong token is a config error
/// at load time, and everything else (`-`, `/`, `年`, `月`, `日`, quoted `'T'`) must appear literally.
///
/// Tokens: `yyyy` (4 digits), `yy` (2 digits: 00-49 is 2000-2049, 50-99 is 1950-1999), `MM`/`M`, `dd`/`d`,
/// `HH`/`H` (24-hour), `mm`, `ss`, `S…` (fraction of a second, 1-9 digits). Single-letter tokens take one or two
/// digits. A space matches any run of whitespace.
struct DatePattern: Sendable, Hashable {
    enum Field: Sendable, Hashable {
        case year4, year2, month, day, hour, minute, second, fraction

        var letter: Character {
            switch self {
            case .year4, .year2: return "y"
            case .month: return "M"
            case .day: return "d"
            case .hour: return "H"
            case .minute: return "m"
            case .second: return "s"
            case .fraction: return "S"
            }
        }
    }

    enum Element: Sendable, Hashable {
        case literal(Character)
        case whitespace
        case number(Field, minDigits: Int, maxDigits: Int)
    }

    /// The numbers one successful match read; unset fields are 0.
    struct Components: Sendable, Hashable {
        var year = 0
        var month = 0
        var day = 0
        var hour = 0
        var minute = 0
        var second = 0
        /// The fraction digits as written (`250` for `.250`), so output keeps the source's precision.
        var fraction = ""
    }

    /// The format as written, for messages.
    let text: String
    let elements: [Element]
    /// `elements` for matching UTF-8 bytes, when every literal is ASCII.
    private let byteElements: [ByteElement]?

    /// An `Element` over bytes: a literal as its ASCII byte, and its lower-case form when it is a letter.
    private enum ByteElement: Sendable, Hashable {
        case literal(UInt8, folded: UInt8?)
        case whitespace
        case number(Field, minDigits: Int, maxDigits: Int)
    }

    init(text: String, elements: [Element]) {
        self.text = text
        self.elements = elements
        var bytes: [ByteElement] = []
        for element in elements {
            switch element {
            case .literal(let character):
                guard let byte = character.asciiValue else {
                    byteElements = nil
                    return
                }
                bytes.append(.literal(byte, folded: character.isLetter ? byte | 0x20 : nil))
            case .whitespace: bytes.append(.whitespace)
            case .number(let field, let minDigits, let maxDigits):
                bytes.append(.number(field, minDigits: minDigits, maxDigits: maxDigits))
            }
        }
        byteElements = bytes
    }

    /// The tokens, for did-you-mean suggestions on unknown ones.
    static let tokenNames = ["yyyy", "yy", "MM", "M", "dd", "d", "HH", "H", "mm", "ss", "SSS"]

    /// Compiles a format, or returns every problem with it (unknown tokens, an unclosed quote, a missing
    /// year, month or day, a field given twice).
    static func compile(_ text: String) -> Result<DatePattern, FormatProblems> {
        var elements: [Element] = []
        var problems: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                guard let close = characters[(index + 1)...].firstIndex(of: "'") else {
                    problems.append("unclosed quote in format '\(text)'")
                    break
                }
                if close == index + 1 {
                    elements.append(.literal("'"))  // '' is a literal quote, as in ICU patterns.
                } else {
                    elements.append(contentsOf: characters[(index + 1)..<close].map { Element.literal($0) })
                }
                index = close + 1
            } else if character.isASCII, character.isLetter {
                var end = index
                while end < characters.count, characters[end] == character { end += 1 }
                let token = String(characters[index..<end])
                if let element = element(for: token) {
                    elements.append(element)
                } else {
                    var message = "unknown token '\(token)' in format '\(text)'"
                    if let suggestion = Suggestions.closest(to: token, among: tokenNames) {
                        message += "; did you mean '\(suggestion)'?"
                    } else {
                        message +=
                            "; tokens are \(tokenNames.joined(separator: " ")), and letters meant literally go in quotes ('T')"
                    }
                    problems.append(message)
                }
                index = end
            } else if character.isWhitespace {
                if elements.last != .whitespace { elements.append(.whitespace) }
                index += 1
            } else {
                elements.append(.literal(character))
                index += 1
            }
        }
        let tokensRead = problems.isEmpty
        var seen: Set<Character> = []
        for case .number(let field, _, _) in elements where !seen.insert(field.letter).inserted {
            problems.append("format '\(text)' gives '\(field.letter)' twice")
        }
        for (letter, name) in [("y", "year (yyyy)"), ("M", "month (MM or M)"), ("d", "day (dd or d)")]
        where tokensRead && !seen.contains(Character(letter)) {
            var message = "format '\(text)' has no \(name)"
            if letter == "M", seen.contains("m") { message += "; 'mm' is minutes, months are 'MM'" }
            problems.append(message)
        }
        if !problems.isEmpty { return .failure(FormatProblems(messages: problems)) }
        return .success(DatePattern(text: text, elements: elements))
    }

    private static func element(for token: String) -> Element? {
        switch token {
        case "yyyy": return .number(.year4, minDigits: 4, maxDigits: 4)
        case "yy": return .number(.year2, minDigits: 2, maxDigits: 2)
        case "MM": return .number(.month, minDigits: 2, maxDigits: 2)
        case "M": return .number(.month, minDigits: 1, maxDigits: 2)
        case "dd": return .number(.day, minDigits: 2, maxDigits: 2)
        case "d": return .number(.day, minDigits: 1, maxDigits: 2)
        case "HH": return .number(.hour, minDigits: 2, maxDigits: 2)
        case "H": return .number(.hour, minDigits: 1, maxDigits: 2)
        case "mm": return .number(.minute, minDigits: 2, maxDigits: 2)
        case "ss": return .number(.second, minDigits: 2, maxDigits: 2)
        default:
            if token.allSatisfy({ $0 == "S" }), token.count <= 9 {
                return .number(.fraction, minDigits: 1, maxDigits: 9)
            }
            return nil
        }
    }

    /// The numbers in `input` when the whole input has this shape; no calendar check (the caller reports
    /// "not a real calendar date" separately from "matches no format").
    func match(_ input: String) -> Components? {
        if let byteElements, let matched = TextTransforms.withASCII(input, { Self.match(byteElements, $0) }) {
            return matched
        }
        return matchByCharacters(input)
    }

    /// `match(_:)` on `Character`s, for any text (and the reference the byte path is tested against).
    func matchByCharacters(_ input: String) -> Components? {
        let characters = Array(TextTransforms.asciiDigits(input))
        var values: [Field: Int] = [:]
        var fraction = ""
        guard match(characters, 0, 0, &values, &fraction) else { return nil }
        var components = Components()
        if let year = values[.year4] { components.year = year }
        if let year = values[.year2] { components.year = year < 50 ? 2000 + year : 1900 + year }
        components.month = values[.month] ?? 0
        components.day = values[.day] ?? 0
        components.hour = values[.hour] ?? 0
        components.minute = values[.minute] ?? 0
        components.second = values[.second] ?? 0
        components.fraction = fraction
        return components
    }

    /// The same match over ASCII bytes, without building `Character`s or a dictionary.
    ///
    /// Hand-written for speed: in perf profiles of `MappingBenchmark`, matching `yyyy-MM-dd HH:mm:ss` against a
    /// CSV timestamp took about 3,000 ns per record through the `Character` matcher and about 100 here. For ASCII text
    /// the rules are the same: whitespace is U+0009-U+000D and space, digits are 0-9, letters compare without case.
    private static func match(_ elements: [ByteElement], _ bytes: UnsafeBufferPointer<UInt8>) -> Components? {
        var components = Components()
        var sawYear2 = false
        guard match(elements, bytes, 0, 0, &components, &sawYear2) else { return nil }
        if sawYear2 { components.year = components.year < 50 ? 2000 + components.year : 1900 + components.year }
        return components
    }

    private static func match(
        _ elements: [ByteElement], _ bytes: UnsafeBufferPointer<UInt8>, _ position: Int, _ elementIndex: Int,
        _ components: inout Components, _ sawYear2: inout Bool
    ) -> Bool {
        guard elementIndex < elements.count else { return position == bytes.count }
        switch elements[elementIndex] {
        case .literal(let expected, let folded):
            guard position < bytes.count,
                bytes[position] == expected || (folded != nil && bytes[position] | 0x20 == folded!)
            else { return false }
            return match(elements, bytes, position + 1, elementIndex + 1, &components, &sawYear2)
        case .whitespace:
            var end = position
            while end < bytes.count, bytes[end] == 0x20 || (0x09...0x0D).contains(bytes[end]) { end += 1 }
            guard end > position else { return false }
            return match(elements, bytes, end, elementIndex + 1, &components, &sawYear2)
        case .number(let field, let minDigits, let maxDigits):
            var available = 0
            while available < maxDigits, position + available < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + available])
            {
                available += 1
            }
            guard available >= minDigits else { return false }
            for length in stride(from: available, through: minDigits, by: -1) {
                var value = 0
                for i in position..<(position + length) { value = value * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                switch field {
                case .year4: components.year = value
                case .year2:
                    components.year = value
                    sawYear2 = true
                case .month: components.month = value
                case .day: components.day = value
                case .hour: components.hour = value
                case .minute: components.minute = value
                case .second: components.second = value
                case .fraction:
                    components.fraction = String(
                        decoding: UnsafeBufferPointer(rebasing: bytes[position..<(position + length)]), as: UTF8.self)
                }
                if match(elements, bytes, position + length, elementIndex + 1, &components, &sawYear2) { return true }
            }
            return false
        }
    }

    /// Backtracking matcher: variable-width numbers (`M`, `d`, `H`) try their longest reading first.
    private func match(
        _ characters: [Character], _ position: Int, _ elementIndex: Int, _ values: inout [Field: Int],
        _ fraction: inout String
    ) -> Bool {
        guard elementIndex < elements.count else { return position == characters.count }
        switch elements[elementIndex] {
        case .literal(let expected):
            guard position < characters.count,
                characters[position] == expected
                    || (expected.isLetter && characters[position].lowercased() == expected.lowercased())
            else { return false }
            return match(characters, position + 1, elementIndex + 1, &values, &fraction)
        case .whitespace:
            var end = position
            while end < characters.count, characters[end].isWhitespace { end += 1 }
            guard end > position else { return false }
            return match(characters, end, elementIndex + 1, &values, &fraction)
        case .number(let field, let minDigits, let maxDigits):
            var available = 0
            while available < maxDigits, position + available < characters.count,
                TextTransforms.isASCIIDigit(characters[position + available])
            {
                available += 1
            }
            guard available >= minDigits else { return false }
            for length in stride(from: available, through: minDigits, by: -1) {
                let digits = String(characters[position..<(position + length)])
                if field == .fraction { fraction = digits } else { values[field] = Int(digits) }
                if match(characters, position + length, elementIndex + 1, &values, &fraction) { return true }
            }
            return false
        }
    }
}

/// Why a date format in config is unusable; one message per problem.
struct FormatProblems: Error, Sendable, Hashable {
    var messages: [String]
}
