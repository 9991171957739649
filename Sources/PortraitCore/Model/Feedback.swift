/// One response to a survey or feedback form; matches `schemas/feedback.schema.json`.
public struct Feedback: Codable, Sendable, Hashable {
    public struct Scores: Codable, Sendable, Hashable {
        /// Net Promoter Score answer, 0-10.
        public var nps: Int?
        /// Customer satisfaction, 1-5.
        public var csat: Int?

        public init(nps: Int? = nil, csat: Int? = nil) {
            self.nps = nps
            self.csat = csat
        }
    }

    /// What Portrait read from the answers; each tag and the sentiment score list the words behind them.
    public struct Derived: Codable, Sendable, Hashable {
        /// `promoter` (NPS 9-10), `passive` (7-8) or `detractor` (0-6).
        public var npsClass: String?
        public var topics: [Topic]?
        public var sentiment: Sentiment?

        public init(npsClass: String? = nil, topics: [Topic]? = nil, sentiment: Sentiment? = nil) {
            self.npsClass = npsClass
            self.topics = topics
            self.sentiment = sentiment
        }

        enum CodingKeys: String, CodingKey {
            case topics, sentiment
            case npsClass = "nps_class"
        }
    }

    /// A topic tag and the keywords of the text that earned it.
    public struct Topic: Codable, Sendable, Hashable {
        public var tag: String
        public var words: [String]

        public init(tag: String, words: [String]) {
            self.tag = tag
            self.words = words
        }
    }

    /// A lexicon sentiment score in [-1, 1] and the weighted words it averages.
    public struct Sentiment: Codable, Sendable, Hashable {
        public struct Word: Codable, Sendable, Hashable {
            public var word: String
            public var weight: Double

            public init(word: String, weight: Double) {
                self.word = word
                self.weight = weight
            }
        }

        public var score: Double
        public var words: [Word]

        public init(score: Double, words: [Word]) {
            self.score = score
            self.words = words
        }
    }

    public var id: String?
    public var formID: String
    /// RFC 3339 timestamp.
    public var submittedAt: String
    public var respondent: Customer?
    public var scores: Scores?
    public var answers: [String: JSONValue]?
    public var text: String?
    public var derived: Derived?
    public var attributes: [String: JSONValue]?

    public init(
        id: String? = nil, formID: String, submittedAt: String, respondent: Customer? = nil, scores: Scores? = nil,
        answers: [String: JSONValue]? = nil, text: String? = nil, attributes: [String: JSONValue]? = nil,
        derived: Derived? = nil
    ) {
        self.id = id
        self.formID = formID
        self.submittedAt = submittedAt
        self.respondent = respondent
        self.scores = scores
        self.answers = answers
        self.text = text
        self.derived = derived
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case id, respondent, scores, answers, text, derived, attributes
        case formID = "form_id"
        case submittedAt = "submitted_at"
    }
}
