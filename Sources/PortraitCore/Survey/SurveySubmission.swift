/// One form submission, as the HTTP server or an export file reads it, before any checking.
public struct SurveySubmission: Sendable, Hashable {
    public var formID: String
    /// The form tool's id for the response; becomes the feedback `id` so a resubmitted export is recognised.
    public var responseID: String?
    /// By question id. Values are typed JSON (`9`, `true`, `["sms", "email"]`) or form text (`"9"`, `"on"`,
    /// `"sms,email"`); a key repeated in a form post should be collected into an array by the caller.
    /// `response_id` and `submitted_at` may appear here too, when the caller leaves them among the answers.
    public var answers: [String: JSONValue]
    /// RFC 3339; nil means now (UTC).
    public var submittedAt: String?

    public init(formID: String, responseID: String? = nil, answers: [String: JSONValue], submittedAt: String? = nil) {
        self.formID = formID
        self.responseID = responseID
        self.answers = answers
        self.submittedAt = submittedAt
    }
}
