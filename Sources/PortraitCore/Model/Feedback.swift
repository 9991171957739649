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

    public var id: String?
    public var formID: String
    /// RFC 3339 timestamp.
    public var submittedAt: String
    public var respondent: Customer?
    public var scores: Scores?
    public var answers: [String: JSONValue]?
    public var text: String?
    public var attributes: [String: JSONValue]?

    public init(
        id: String? = nil, formID: String, submittedAt: String, respondent: Customer? = nil, scores: Scores? = nil,
        answers: [String: JSONValue]? = nil, text: String? = nil, attributes: [String: JSONValue]? = nil
    ) {
        self.id = id
        self.formID = formID
        self.submittedAt = submittedAt
        self.respondent = respondent
        self.scores = scores
        self.answers = answers
        self.text = text
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case id, respondent, scores, answers, text, attributes
        case formID = "form_id"
        case submittedAt = "submitted_at"
    }
}
