/// Tags free text with topics (`price`, `delivery`, …) by keyword, in Chinese and English.
///
/// Keyword lists rather than a model: an operator can read why a comment was tagged (every match lists its
/// words), and fix a wrong tag by editing config. Chinese keywords match anywhere in the text; English keywords
/// match whole words, case-insensitively, with a plural `s` (see `SurveyText`).
public struct TopicTagger: Sendable, Hashable {
    /// One tag and the keywords that earned it, in the order they first appear in the text.
    public struct Match: Sendable, Hashable {
        public var tag: String
        public var words: [String]

        public init(tag: String, words: [String]) {
            self.tag = tag
            self.words = words
        }
    }

    /// The keywords of each tag, folded (NFKC, lower case) once.
    let keywords: [String: [Keyword]]

    /// The tags with their keywords; a tag with no keywords is dropped.
    public init(keywords: [String: [String]]) {
        var folded: [String: [Keyword]] = [:]
        for (tag, words) in keywords {
            let matchable = words.map(Keyword.init).filter(\.isMatchable)
            if !matchable.isEmpty { folded[tag] = matchable }
        }
        self.keywords = folded
    }

    /// The tags this tagger knows, sorted.
    public var tags: [String] { keywords.keys.sorted() }

    /// Tags that customer comments of a retailer most often raise.
    public static let defaultKeywords: [String: [String]] = [
        "price": ["price", "expensive", "cost", "pricey", "cheap", "价格", "贵", "价钱", "便宜"],
        "delivery": ["delivery", "shipping", "courier", "late", "delayed", "物流", "快递", "配送", "慢", "发货"],
        "staff": ["staff", "employee", "rude", "friendly", "cashier", "店员", "服务员", "态度", "热情"],
        "app": ["app", "application", "login", "crash", "website", "应用", "软件", "闪退", "登录"],
        "quality": ["quality", "broken", "defective", "质量", "坏", "破损"],
    ]

    public static let `default` = TopicTagger(keywords: defaultKeywords)

    /// This tagger with `overrides` laid over it: a tag named there takes the listed keywords instead of its
    /// own (an empty list removes it); other tags are kept.
    public func merging(_ overrides: [String: [String]]) -> TopicTagger {
        var merged = keywords
        for (tag, words) in overrides {
            let matchable = words.map(Keyword.init).filter(\.isMatchable)
            merged[tag] = matchable.isEmpty ? nil : matchable
        }
        return TopicTagger(folded: merged)
    }

    private init(folded: [String: [Keyword]]) {
        keywords = folded
    }

    /// The tags the text earns, by tag name.
    public func tags(for text: String) -> [Match] {
        tags(for: SurveyText(text))
    }

    func tags(for text: SurveyText) -> [Match] {
        var matches: [Match] = []
        for tag in tags {
            var found: [(start: Int, word: String)] = []
            for keyword in keywords[tag]! {
                if let first = text.occurrences(of: keyword).first, !found.contains(where: { $0.word == keyword.text })
                {
                    found.append((first.lowerBound, keyword.text))
                }
            }
            if !found.isEmpty {
                matches.append(Match(tag: tag, words: found.sorted { $0.start < $1.start }.map(\.word)))
            }
        }
        return matches
    }

    /// Reads `options.topics`: a mapping of tag to keyword list, laid over the defaults.
    static func read(_ value: JSONValue, at path: JSONPath, reader: inout SurveyConfigReader) -> TopicTagger {
        let example = "{ price: [price, expensive, 价格, 贵] }"
        guard let object = reader.object(value, at: path, example: example) else { return .default }
        var overrides: [String: [String]] = [:]
        for (tag, words) in object {
            if tag.isEmpty { reader.add(path, "a topic tag cannot be empty") }
            if words.isNull {
                overrides[tag] = []
            } else if let list = reader.stringList(words, at: path.appending(tag), example: example) {
                overrides[tag] = list
            }
        }
        return Self.default.merging(overrides)
    }
}
