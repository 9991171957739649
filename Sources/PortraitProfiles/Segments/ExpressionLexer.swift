/// Comparison operators after normalisation: `==` is `=`, `<>` is `!=`.
enum ExpressionComparison: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The operator with its operands swapped: `30 >= x` is `x <= 30`.
    var mirrored: ExpressionComparison {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }

    /// Only equality makes sense for bools; ordering is for numbers, text and dates.
    var isEquality: Bool { self == .equal || self == .notEqual }
}

/// Reserved words, matched case-insensitively; they can never be field names.
enum ExpressionKeyword: String, Sendable, Hashable, CaseIterable {
    case and, or, not, `in`, `is`, null, `true`, `false`
}

enum ExpressionTokenKind: Sendable, Equatable {
    case identifier(String)
    case keyword(ExpressionKeyword)
    case number(Double)
    case string(String)
    case comparison(ExpressionComparison)
    case leftParen, rightParen, comma
    /// Characters that form no token (`$`, `123abc`, a lone `!`); the parser reports them with context.
    case invalid
    case end
}

struct ExpressionToken: Sendable {
    var kind: ExpressionTokenKind
    /// 0-based Character offset of the token's first character.
    var offset: Int
    /// The token exactly as written.
    var source: String

    /// How the token is named in error messages: quoted source, shortened when long.
    var found: String {
        if case .end = kind { return "end of expression" }
        let shown = source.count > 40 ? String(source.prefix(37)) + "…" : source
        if case .string = kind { return shown }  // already quoted as written
        return "'\(shown)'"
    }

    func isKeyword(_ keyword: ExpressionKeyword) -> Bool {
        if case .keyword(keyword) = kind { return true }
        return false
    }
}

/// Splits expression text into tokens on demand, so an error late in the text never hides an earlier one.
struct ExpressionLexer {
    let source: String
    private let characters: [Character]
    private var position = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
        let start = position
        guard position < characters.count else {
            return ExpressionToken(kind: .end, offset: start, source: "")
        }
        let character = characters[position]
        let kind: ExpressionTokenKind
        switch character {
        case "(": position += 1; kind = .leftParen
        case ")": position += 1; kind = .rightParen
        case ",": position += 1; kind = .comma
        case "'", "\"": kind = .string(try scanString(quote: character))
        case "=", "!", "<", ">": kind = scanComparison()
        default:
            if Self.isIdentifierStart(character) {
                kind = scanWord()
            } else if Self.isDigitOrDot(character) || (character == "-" && peekStartsNumber(at: position + 1)) {
                kind = try scanNumber()
            } else {
                position += 1
                kind = .invalid
            }
        }
        return ExpressionToken(kind: kind, offset: start, source: String(characters[start..<position]))
    }

    private mutating func scanComparison() -> ExpressionTokenKind {
        let first = characters[position]
        let second: Character? = position + 1 < characters.count ? characters[position + 1] : nil
        position += 1
        switch (first, second) {
        case ("=", "="): position += 1; return .comparison(.equal)
        case ("=", _): return .comparison(.equal)
        case ("!", "="): position += 1; return .comparison(.notEqual)
        case ("<", ">"): position += 1; return .comparison(.notEqual)
        case ("<", "="): position += 1; return .comparison(.lessOrEqual)
        case ("<", _): return .comparison(.less)
        case (">", "="): position += 1; return .comparison(.greaterOrEqual)
        case (">", _): return .comparison(.greater)
        default: return .invalid  // a lone "!"
        }
    }

    private mutating func scanWord() -> ExpressionTokenKind {
        let start = position
        while position < characters.count, Self.isIdentifierContinue(characters[position]) { position += 1 }
        let word = String(characters[start..<position])
        if let keyword = ExpressionKeyword(rawValue: word.lowercased()) { return .keyword(keyword) }
        return .identifier(word)
    }

    /// `-?(digits[.digits]|.digits)([eE][+-]?digits)?`, immediately followed by a non-word character.
    private mutating func scanNumber() throws(ExpressionError) -> ExpressionTokenKind {
        let start = position
        if characters[position] == "-" { position += 1 }
        var digits = skipDigits()
        if position < characters.count, characters[position] == "." {
            position += 1
            digits += skipDigits()
        }
        if digits > 0, position < characters.count, characters[position] == "e" || characters[position] == "E" {
            var look = position + 1
            if look < characters.count, characters[look] == "+" || characters[look] == "-" { look += 1 }
            if look < characters.count, Self.isDigit(characters[look]) {
                position = look
                _ = skipDigits()
            }
        }
        // "123abc" or "1.2.3" is one bad token rather than a number followed by a stray word.
        var bad = digits == 0
        while position < characters.count, Self.isIdentifierContinue(characters[position]) {
            position += 1
            bad = true
        }
        let text = String(characters[start..<position])
        guard !bad, let value = Double(text) else { return .invalid }
        guard value.isFinite else {
            throw ExpressionError(
                source: source, offset: start, expected: "a finite number", found: "'\(text)'",
                sentence: "the number '\(text)' is out of range")
        }
        return .number(value)
    }

    /// A quoted string; backslash escapes only the quotes and itself, so any other escape is a typo worth reporting.
    private mutating func scanString(quote: Character) throws(ExpressionError) -> String {
        let start = position
        position += 1
        var value = ""
        while position < characters.count {
            let character = characters[position]
            if character == quote {
                position += 1
                return value
            }
            if character == "\\" {
                guard position + 1 < characters.count else { break }  // unterminated: reported below
                let next = characters[position + 1]
                guard next == "'" || next == "\"" || next == "\\" else {
                    throw ExpressionError(
                        source: source, offset: position, expected: "\\', \\\" or \\\\", found: "'\\\(next)'",
                        sentence: "unknown escape '\\\(next)' in a string; only \\', \\\" and \\\\ are allowed")
                }
                value.append(next)
                position += 2
                continue
            }
            value.append(character)
            position += 1
        }
        throw ExpressionError(
            source: source, offset: start, expected: "a closing \(quote)", found: "end of expression",
            sentence: "unterminated string: expected a closing \(quote) for the string starting here, found end of expression")
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while position < characters.count, Self.isDigit(characters[position]) { position += 1 }
        return position - start
    }

    private func peekStartsNumber(at index: Int) -> Bool {
        index < characters.count && Self.isDigitOrDot(characters[index])
    }

    static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    /// A number may start with a digit or with a dot (".5"); the scanner rejects a dot without digits.
    static func isDigitOrDot(_ character: Character) -> Bool {
        isDigit(character) || character == "."
    }

    static func isIdentifierStart(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && character.isLetter)
    }

    static func isIdentifierContinue(_ character: Character) -> Bool {
        character == "_" || character == "." || (character.isASCII && (character.isLetter || character.isNumber))
    }
}
