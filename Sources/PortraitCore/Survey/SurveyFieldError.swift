/// What is wrong with one field of a submission.
///
/// Safe to show the respondent and to log: `message` says what the field needs and never repeats the submitted
/// value, which may be personal data (an email address, a phone number).
public struct SurveyFieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The question id (or `form_id`, `response_id`, `submitted_at`).
    public var field: String
    /// The fix, without the field name: `must be a whole number from 0 to 10`.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `nps: must be a whole number from 0 to 10`.
    public var description: String { "\(field): \(message)" }
}
