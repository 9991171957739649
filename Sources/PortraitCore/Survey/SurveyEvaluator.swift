public import Foundation

/// Turns one form submission into a canonical feedback record, or into the list of what is wrong with it.
///
/// Pure: no store, no network. The HTTP server and the export-file import both call it, so a response is scored
/// the same whichever way it arrived. Output validates against `feedback.schema.json`.
public struct SurveyEvaluator: Sendable {
    public let forms: [String: FormDefinition]
    public let tagger: TopicTagger
    public let lexicon: SentimentLexicon
    /// The time stamped on submissions that carry none; replaceable so tests are repeatable.
    let now: @Sendable () -> Date

    public init(options: SurveyOptions, now: @escaping @Sendable () -> Date = { Date() }) {
        self.forms = options.forms
        self.tagger = options.tagger
        self.lexicon = options.lexicon
        self.now = now
    }

    /// An evaluator of one form.
    public init(
        form: FormDefinition, tagger: TopicTagger = .default, lexicon: SentimentLexicon = .default,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(options: SurveyOptions(forms: [form.id: form], tagger: tagger, lexicon: lexicon), now: now)
    }

    /// Checks and coerces every answer, then builds the feedback record.
    ///
    /// Every problem is reported at once, in the form's question order, so a respondent fixes a form in one go.
    public func evaluate(_ submission: SurveySubmission) -> SurveyEvaluation {
        guard let form = forms[submission.formID] else {
            var message = "unknown form"
            if let suggestion = Suggestions.closest(to: submission.formID, among: forms.keys) {
                message += "; did you mean '\(suggestion)'?"
            } else if !forms.isEmpty {
                message += "; this connector accepts \(forms.keys.sorted().joined(separator: ", "))"
            }
            return .rejected([SurveyFieldError(field: "form_id", message: message)])
        }
        var errors: [SurveyFieldError] = []
        var answers: [(SurveyQuestion, SurveyQuestion.Answer)] = []
        for question in form.questions {
            switch question.coerce(submission.answers[question.id] ?? .null) {
            case .success(let answer?): answers.append((question, answer))
            case .success(nil) where question.isRequired:
                errors.append(SurveyFieldError(field: question.id, message: "is required"))
            case .success(nil): break
            case .failure(let error): errors.append(error)
            }
        }
        errors += unknownKeys(submission, form: form)
        let responseID = self.responseID(submission, errors: &errors)
        let submittedAt = self.submittedAt(submission, errors: &errors)
        guard errors.isEmpty else { return .rejected(errors) }
        return FeedbackBuilder(
            form: form, responseID: responseID, submittedAt: submittedAt, tagger: tagger, lexicon: lexicon
        ).build(answers)
    }

    /// Keys that name no question: a misspelt field in a form's HTML, or an export with a column too many.
    private func unknownKeys(_ submission: SurveySubmission, form: FormDefinition) -> [SurveyFieldError] {
        let ids = form.questions.map(\.id)
        return submission.answers.keys.sorted()
            .filter { !ids.contains($0) && !SurveyQuestion.reservedKeys.contains($0) }
            .map { key in
                var message = "unknown question '\(key)'"
                if let suggestion = Suggestions.closest(to: key, among: ids) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; form '\(form.id)' has \(ids.joined(separator: ", "))"
                }
                return SurveyFieldError(field: key, message: message)
            }
    }

    /// The submission's own id, or the `response_id` left among the answers.
    private func responseID(_ submission: SurveySubmission, errors: inout [SurveyFieldError]) -> String? {
        let given = submission.responseID.map(JSONValue.string) ?? submission.answers["response_id"]
        guard let given, !TextTransforms.isBlank(given) else { return nil }
        guard given.boolValue == nil, let text = given.textValue else {
            errors.append(SurveyFieldError(field: "response_id", message: "must be text"))
            return nil
        }
        return TextTransforms.trimmed(text)
    }

    /// The submission's time as given (RFC 3339), or now in UTC.
    private func submittedAt(_ submission: SurveySubmission, errors: inout [SurveyFieldError]) -> String {
        let given = submission.submittedAt.map(JSONValue.string) ?? submission.answers["submitted_at"]
        guard let given, !TextTransforms.isBlank(given) else {
            return now().formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        }
        guard let text = given.stringValue.map(TextTransforms.trimmed), Formats.isDateTime(text) else {
            errors.append(
                SurveyFieldError(
                    field: "submitted_at", message: "must be an RFC 3339 time, such as 2024-05-03T12:00:00Z"))
            return ""
        }
        return text
    }
}
