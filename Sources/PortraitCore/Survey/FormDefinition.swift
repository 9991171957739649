/// One survey form: its questions, read from `options.forms.<form_id>` of a survey connector.
///
/// Parsed once when the config loads, so evaluating a submission only ever fails because of the answers.
public struct FormDefinition: Sendable, Hashable {
    public let id: String
    /// In config order: field errors and `answers` follow it.
    public let questions: [SurveyQuestion]

    /// Keys a form accepts; `secret` and `rate_limit_per_minute` belong to the HTTP server and are only allowed here.
    static let keys = ["questions", "secret", "rate_limit_per_minute"]

    init(id: String, questions: [SurveyQuestion]) {
        self.id = id
        self.questions = questions
    }

    public func question(withID id: String) -> SurveyQuestion? {
        questions.first { $0.id == id }
    }

    /// Reads a form definition.
    ///
    /// - Parameters:
    ///   - value: The mapping under `options.forms.<form_id>`.
    ///   - formID: The form's key, which submissions name.
    ///   - path: Where the mapping sits in the config (`connectors[3].options.forms.post-purchase`), for messages.
    /// - Throws: `PortraitError.configuration` listing every problem with its path.
    public static func parse(_ value: JSONValue, formID: String, at path: String) throws -> FormDefinition {
        var reader = SurveyConfigReader()
        let form = read(value, formID: formID, at: JSONPath(parsing: path), reader: &reader)
        if let error = reader.error { throw error }
        return form!
    }

    /// Reads a form, adding every problem to `reader`; nil when there were any.
    static func read(_ value: JSONValue, formID: String, at path: JSONPath, reader: inout SurveyConfigReader)
        -> FormDefinition?
    {
        let example = "{ questions: [{ id: nps, type: nps }] }"
        guard let object = reader.object(value, at: path, example: example) else { return nil }
        let before = reader.problems.violations.count
        reader.checkKeys(object, allowed: keys, at: path)
        let questionsPath = path.appending("questions")
        guard let entries = object["questions"]?.arrayValue, !entries.isEmpty else {
            reader.add(questionsPath, "required: a list of at least one question, such as [{ id: nps, type: nps }]")
            return nil
        }
        var questions: [SurveyQuestion] = []
        var firstIndex: [String: Int] = [:]
        var profileOwner: [SurveyQuestion.ProfileTarget: String] = [:]
        var scoreOwner: [SurveyQuestion.Kind: String] = [:]
        for (index, entry) in entries.enumerated() {
            let entryPath = questionsPath.appending(index)
            // A duplicate id is reported even when the rest of the entry is broken.
            if let id = entry["id"]?.textValue.map(TextTransforms.trimmed) {
                if let first = firstIndex[id] {
                    reader.add(entryPath.appending("id"), "duplicate question id '\(id)' (also questions[\(first)])")
                } else {
                    firstIndex[id] = index
                }
            }
            guard let question = SurveyQuestion.read(entry, at: entryPath, reader: &reader) else { continue }
            // The feedback record has one place for each score, and one for each single-valued profile field.
            if question.kind == .nps || question.kind == .csat {
                if let owner = scoreOwner[question.kind] {
                    reader.add(
                        entryPath.appending("type"),
                        "a form has at most one \(question.kind.rawValue) question ('\(owner)' is one already)")
                }
                scoreOwner[question.kind] = question.id
            }
            if let target = question.profile, target != .interest {
                if let owner = profileOwner[target] {
                    reader.add(
                        entryPath.appending("profile"),
                        "profile '\(target.rawValue)' is already filled by question '\(owner)'; keep one")
                }
                profileOwner[target] = question.id
            }
            questions.append(question)
        }
        guard reader.problems.violations.count == before else { return nil }
        return FormDefinition(id: formID, questions: questions)
    }
}
