import Foundation

/// Scores free text from -1 (negative) to 1 (positive) with a small bilingual word list, and lists the words.
///
/// A lexicon rather than a model, for the same reason as `TopicTagger`: every score can be checked by reading
/// its words. The rules, in order:
/// - At each place in the text the longest entry wins, so `不满意` is one negative word, not `不` + `满意`, and
///   `太贵` is not counted again as `贵`.
/// - A word weighs ±1, and ±1.5 when an intensifier (`very`, `too`, `很`, `太`, `非常`) comes right before it or
///   starts the entry (`太贵`).
/// - A negation right before the word, or before its intensifier, flips it to ∓1: `not good`, `not very good`,
///   `不快`, `没有热情`. Listed words include the negation and intensifier, as the text has them.
/// - The score is the sum of the weights over the number of words, clipped to [-1, 1] and rounded to two places;
///   text without any word scores 0.
public struct SentimentLexicon: Sendable, Hashable {
    /// One scored word as the text has it, with its weight.
    public struct WeightedWord: Sendable, Hashable {
        public var word: String
        public var weight: Double

        public init(word: String, weight: Double) {
            self.word = word
            self.weight = weight
        }
    }

    public struct Score: Sendable, Hashable {
        /// In [-1, 1], two decimal places.
        public var score: Double
        /// In the order they appear in the text.
        public var words: [WeightedWord]

        public init(score: Double, words: [WeightedWord]) {
            self.score = score
            self.words = words
        }
    }

    /// Folded entries and their base weight, +1 or -1.
    let entries: [String: Double]
    /// Chinese entries, longest first (longest match wins).
    private let substringEntries: [(text: String, characters: [Character], weight: Double)]
    /// English entries by their words, longest first.
    private let wordEntries: [(text: String, words: [String], weight: Double)]

    public static let defaultPositive = [
        "good", "great", "fast", "friendly", "love", "excellent", "happy", "helpful", "nice", "perfect", "satisfied",
        "好", "很好", "满意", "快", "热情", "喜欢", "棒", "不错", "方便", "周到",
    ]
    public static let defaultNegative = [
        "bad", "slow", "rude", "expensive", "broken", "terrible", "late", "disappointed", "crash", "awful", "poor",
        "差", "慢", "贵", "太贵", "坏", "失望", "糟糕", "不满", "不好", "不满意", "闪退", "难用",
    ]

    public static let `default` = SentimentLexicon(positive: defaultPositive, negative: defaultNegative)

    static let englishNegations: Set<String> = [
        "not", "no", "never", "hardly", "isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't", "won't",
        "can't", "cannot",
    ]
    static let englishIntensifiers: Set<String> = ["very", "too", "so", "really", "extremely", "super"]
    /// Longest first, so `没有` is read before `没`.
    static let chineseNegations: [[Character]] = ["没有", "并不", "不", "没", "未", "别"].map(Array.init)
    static let chineseIntensifiers: [[Character]] = ["非常", "特别", "十分", "很", "太", "超", "真"].map(Array.init)
    static let intensified = 1.5

    /// A lexicon of the listed words; a word in both lists counts as negative.
    public init(positive: [String], negative: [String]) {
        var entries: [String: Double] = [:]
        for word in positive { entries[Keyword(word).text] = 1 }
        for word in negative { entries[Keyword(word).text] = -1 }
        self.init(entries: entries)
    }

    private init(entries: [String: Double]) {
        self.entries = entries.filter { !$0.key.isEmpty }
        var substrings: [(String, [Character], Double)] = []
        var words: [(String, [String], Double)] = []
        for (text, weight) in self.entries.sorted(by: { $0.key < $1.key }) {
            let keyword = Keyword(text)
            switch keyword.form {
            case .substring(let characters):
                let startsIntensified = Self.chineseIntensifiers.contains {
                    characters.starts(with: $0) && characters.count > $0.count
                }
                substrings.append((text, characters, startsIntensified ? weight * Self.intensified : weight))
            case .words(let list) where !list.isEmpty:
                let startsIntensified = list.count > 1 && Self.englishIntensifiers.contains(list[0])
                words.append((text, list, startsIntensified ? weight * Self.intensified : weight))
            case .words:
                continue
            }
        }
        substringEntries = substrings.sorted { $0.1.count > $1.1.count }
        wordEntries = words.sorted { $0.1.count > $1.1.count }
    }

    /// Two lexicons are equal when they weigh the same words; the match tables follow from the entries.
    public static func == (lhs: SentimentLexicon, rhs: SentimentLexicon) -> Bool { lhs.entries == rhs.entries }

    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// This lexicon with more words: a listed word takes the list's weight even if the lexicon had the other.
    public func merging(positive: [String], negative: [String]) -> SentimentLexicon {
        var merged = entries
        for word in positive { merged[Keyword(word).text] = 1 }
        for word in negative { merged[Keyword(word).text] = -1 }
        return SentimentLexicon(entries: merged)
    }

    public func score(_ text: String) -> Score {
        score(SurveyText(text))
    }

    func score(_ text: SurveyText) -> Score {
        var found: [(start: Int, word: WeightedWord)] = []
        found += chineseWords(text)
        found += englishWords(text)
        let words = found.sorted { $0.start < $1.start }.map(\.word)
        let sum = words.reduce(0) { $0 + $1.weight }
        let mean = min(1, max(-1, sum / Double(max(1, words.count))))
        return Score(score: (mean * 100).rounded() / 100, words: words)
    }

    /// Chinese entries by longest match, scanning characters left to right.
    private func chineseWords(_ text: SurveyText) -> [(start: Int, word: WeightedWord)] {
        let characters = text.characters
        var found: [(Int, WeightedWord)] = []
        var index = 0
        while index < characters.count {
            guard let entry = substringEntries.first(where: { text.hasSubstring($0.characters, at: index) }) else {
                index += 1
                continue
            }
            var start = index
            var weight = entry.weight
            // An intensifier before the word, then a negation before that (or right before the word).
            if let intensifier = Self.chineseIntensifiers.first(where: { text.hasSubstring($0, at: start - $0.count) }),
                abs(weight) == 1
            {
                start -= intensifier.count
                weight *= Self.intensified
            }
            if let negation = Self.chineseNegations.first(where: { text.hasSubstring($0, at: start - $0.count) }) {
                start -= negation.count
                weight = entry.weight > 0 ? -1 : 1
            }
            let word = String(characters[start..<(index + entry.characters.count)])
            found.append((start, WeightedWord(word: word, weight: weight)))
            index += entry.characters.count
        }
        return found
    }

    /// English entries by longest match over the words of the text.
    private func englishWords(_ text: SurveyText) -> [(start: Int, word: WeightedWord)] {
        let tokens = text.tokens
        var found: [(Int, WeightedWord)] = []
        var index = 0
        while index < tokens.count {
            guard let entry = wordEntries.first(where: { text.matchesWords($0.words, at: index) }) else {
                index += 1
                continue
            }
            var first = index
            var weight = entry.weight
            if first > 0, Self.englishIntensifiers.contains(tokens[first - 1].word), abs(weight) == 1 {
                first -= 1
                weight *= Self.intensified
            }
            if first > 0, Self.englishNegations.contains(tokens[first - 1].word) {
                first -= 1
                weight = entry.weight > 0 ? -1 : 1
            }
            let last = index + entry.words.count - 1
            let phrase = tokens[first...last].map(\.word).joined(separator: " ")
            found.append((tokens[first].start, WeightedWord(word: phrase, weight: weight)))
            index = last + 1
        }
        return found
    }

    /// Reads `options.sentiment`: `{ positive: [...], negative: [...] }`, added to the default lexicon.
    static func read(_ value: JSONValue, at path: JSONPath, reader: inout SurveyConfigReader) -> SentimentLexicon {
        let example = "{ positive: [great, 满意], negative: [slow, 慢] }"
        guard let object = reader.object(value, at: path, example: example) else { return .default }
        reader.checkKeys(object, allowed: ["positive", "negative"], at: path)
        var lists: [String: [String]] = [:]
        for key in ["positive", "negative"] {
            guard let list = object[key] else { continue }
            lists[key] = reader.stringList(list, at: path.appending(key), example: example)
        }
        let positive = lists["positive"] ?? []
        let negative = lists["negative"] ?? []
        return Self.default.merging(positive: positive, negative: negative)
    }
}
