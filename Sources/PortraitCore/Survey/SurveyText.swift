import Foundation

/// Free text prepared for keyword matching, shared by `TopicTagger` and `SentimentLexicon` so a word that tags a
/// topic is found the same way as a word that moves the sentiment score.
///
/// Respondents type on phones with Chinese input methods: full-width letters and punctuation (`ＡＰＰ`, `，`),
/// curly apostrophes and mixed case are common. NFKC folding turns full-width forms into their ASCII
/// counterparts, then the text is lower-cased, so keywords are written once, in plain form.
struct SurveyText: Sendable, Hashable {
    /// A run of letters and digits outside the CJK scripts (English words), with its place in `characters`.
    struct Token: Sendable, Hashable {
        var word: String
        var start: Int
        var end: Int
    }

    /// The folded text, one element per character, for substring matching of Chinese keywords.
    let characters: [Character]
    /// The English words of the text, in order.
    let tokens: [Token]

    init(_ text: String) {
        characters = Array(Self.fold(text))
        tokens = Self.tokenize(characters)
    }

    /// NFKC, lower case, and the typographic apostrophe as `'` (so `don’t` is `don't`).
    static func fold(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
    }

    /// Whether a keyword is matched as a substring (it contains a CJK character) rather than as whole words.
    ///
    /// Chinese has no spaces between words, and splitting it properly needs a dictionary; a substring match of
    /// a two-character keyword such as `物流` is precise enough for tagging.
    static func isSubstringKeyword(_ keyword: String) -> Bool {
        keyword.contains(where: isCJK)
    }

    /// Han ideographs, kana and Hangul: scripts written without spaces between words.
    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0x20000...0x3134F:
            return true
        default:
            return false
        }
    }

    /// A keyword's words, folded as text is, for matching against `tokens` (`customer service` is two).
    static func keywordWords(_ keyword: String) -> [String] {
        tokenize(Array(fold(keyword))).map(\.word)
    }

    /// Runs of letters and digits; an apostrophe between letters stays inside the word (`isn't`).
    private static func tokenize(_ characters: [Character]) -> [Token] {
        var tokens: [Token] = []
        var start: Int?
        func isWordCharacter(_ character: Character) -> Bool {
            (character.isLetter || character.isNumber) && !isCJK(character)
        }
        for (index, character) in characters.enumerated() {
            let inWord =
                isWordCharacter(character)
                || (character == "'" && start != nil && index + 1 < characters.count
                    && isWordCharacter(characters[index + 1]))
            if inWord {
                if start == nil { start = index }
            } else if let first = start {
                tokens.append(Token(word: String(characters[first..<index]), start: first, end: index))
                start = nil
            }
        }
        if let first = start {
            tokens.append(Token(word: String(characters[first...]), start: first, end: characters.count))
        }
        return tokens
    }

    /// Where `keyword` occurs: character offsets of each occurrence's start and end.
    ///
    /// Chinese keywords match anywhere; English ones match whole words, the last word also inflected with a
    /// regular ending (`price` finds `prices`; `crash` finds `crashes`, `crashed` and `crashing`); irregular forms
    /// need their own keyword.
    func occurrences(of keyword: Keyword) -> [Range<Int>] {
        switch keyword.form {
        case .substring(let needle):
            return substringOccurrences(of: needle)
        case .words(let words):
            var found: [Range<Int>] = []
            guard !words.isEmpty, tokens.count >= words.count else { return [] }
            for first in 0...(tokens.count - words.count) where matchesWords(words, at: first) {
                found.append(tokens[first].start..<tokens[first + words.count - 1].end)
            }
            return found
        }
    }

    /// Whether the tokens starting at `first` spell `words`.
    func matchesWords(_ words: [String], at first: Int) -> Bool {
        guard first + words.count <= tokens.count else { return false }
        for (offset, word) in words.enumerated() {
            let token = tokens[first + offset].word
            let isLast = offset == words.count - 1
            if token != word && !(isLast && Self.isRegularInflection(token, of: word)) { return false }
        }
        return true
    }

    /// `token` is `word` with a regular English ending: -s, -es, -ed, -d, -ing, or a final `e` dropped before -ing
    /// or -ed (`love` → `loving`). Words under three letters take none, so `ok` does not find `oks`.
    static func isRegularInflection(_ token: String, of word: String) -> Bool {
        guard word.count >= 3 else { return false }
        if token.hasPrefix(word), ["s", "es", "ed", "d", "ing"].contains(String(token.dropFirst(word.count))) {
            return true
        }
        if word.hasSuffix("e") {
            let stem = word.dropLast()
            return token.hasPrefix(stem) && ["ing", "ed"].contains(String(token.dropFirst(stem.count)))
        }
        return false
    }

    /// Whether `needle` occurs at character offset `start`.
    func hasSubstring(_ needle: [Character], at start: Int) -> Bool {
        guard start >= 0, start + needle.count <= characters.count, !needle.isEmpty else { return false }
        for (offset, character) in needle.enumerated() where characters[start + offset] != character { return false }
        return true
    }

    private func substringOccurrences(of needle: [Character]) -> [Range<Int>] {
        guard !needle.isEmpty, characters.count >= needle.count else { return [] }
        return (0...(characters.count - needle.count)).filter { hasSubstring(needle, at: $0) }
            .map { $0..<($0 + needle.count) }
    }
}

/// A configured keyword, folded once when the configuration is read.
struct Keyword: Sendable, Hashable {
    enum Form: Sendable, Hashable {
        /// Chinese (and other CJK) keywords: matched anywhere in the text.
        case substring([Character])
        /// English keywords: matched as whole words.
        case words([String])
    }

    /// The keyword folded, as explanations list it.
    let text: String
    let form: Form

    init(_ keyword: String) {
        text = SurveyText.fold(keyword).trimmingCharacters(in: .whitespacesAndNewlines)
        form =
            SurveyText.isSubstringKeyword(text)
            ? .substring(Array(text)) : .words(SurveyText.keywordWords(text))
    }

    /// False for a keyword with nothing to match (punctuation only).
    var isMatchable: Bool {
        switch form {
        case .substring(let characters): return !characters.isEmpty
        case .words(let words): return !words.isEmpty
        }
    }
}
