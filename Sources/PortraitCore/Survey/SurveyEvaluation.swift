/// The outcome of evaluating one submission.
public enum SurveyEvaluation: Sendable, Hashable {
    /// A canonical feedback record (valid against `feedback.schema.json`) and what was derived from it.
    case accepted(feedback: JSONValue, explanation: SurveyExplanation)
    /// Every field error, in the form's question order; nothing is accepted partially.
    case rejected([SurveyFieldError])
}

/// Why the feedback record says what it says; the same facts as its `derived` object, typed.
public struct SurveyExplanation: Sendable, Hashable {
    public enum NPSClass: String, Sendable, Hashable {
        /// NPS 9-10.
        case promoter
        /// NPS 7-8.
        case passive
        /// NPS 0-6.
        case detractor

        public init(score: Int) {
            switch score {
            case 9...: self = .promoter
            case 7...8: self = .passive
            default: self = .detractor
            }
        }
    }

    /// Nil when the form has no NPS question or it was left blank.
    public var npsClass: NPSClass?
    /// Empty when there is no free text.
    public var topics: [TopicTagger.Match]
    /// Nil when there is no free text.
    public var sentiment: SentimentLexicon.Score?
    /// No identity answer was given: the response counts in aggregates but joins no profile.
    public var isAnonymous: Bool

    public init(
        npsClass: NPSClass? = nil, topics: [TopicTagger.Match] = [], sentiment: SentimentLexicon.Score? = nil,
        isAnonymous: Bool
    ) {
        self.npsClass = npsClass
        self.topics = topics
        self.sentiment = sentiment
        self.isAnonymous = isAnonymous
    }
}
