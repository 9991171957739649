import Foundation

/// Lays checked answers out as a canonical feedback record: scores, answers, free text, the respondent, and the
/// derived NPS class, topics and sentiment.
struct FeedbackBuilder {
    let form: FormDefinition
    let responseID: String?
    let submittedAt: String
    let tagger: TopicTagger
    let lexicon: SentimentLexicon

    func build(_ answers: [(SurveyQuestion, SurveyQuestion.Answer)]) -> SurveyEvaluation {
        var record: [String: JSONValue] = ["form_id": .string(form.id), "submitted_at": .string(submittedAt)]
        if let responseID { record["id"] = .string(responseID) }
        var scores: [String: JSONValue] = [:]
        var answerValues: [String: JSONValue] = [:]
        var texts: [String] = []
        var respondent = Respondent()
        var nps: Int?
        for (question, answer) in answers {
            switch (question.kind, answer) {
            case (.nps, .score(let value)):
                scores["nps"] = .number(value)
                nps = value
            case (.csat, .score(let value)):
                scores["csat"] = .number(value)
            case (.text, .text(let value)) where question.identity != nil:
                // Identifiers are kept once, on the respondent, so erasing a person has one place to look.
                respondent.addIdentifier(type: question.identity!, value: value)
            case (.consent, .consent(let granted)):
                respondent.consents.append([
                    "channel": .string(question.consentChannel!), "purpose": .string(question.consentPurpose!),
                    "granted": .bool(granted), "timestamp": .string(submittedAt),
                    "source": .string("survey:\(form.id)"),
                ])
                answerValues[question.id] = answer.json
            default:
                if question.kind == .freeText, case .text(let text) = answer { texts.append(text) }
                if let target = question.profile { respondent.fill(target, with: answer) }
                answerValues[question.id] = answer.json
            }
        }
        if !scores.isEmpty { record["scores"] = .object(scores) }
        if !answerValues.isEmpty { record["answers"] = .object(answerValues) }
        if let customer = respondent.json { record["respondent"] = customer }

        var explanation = SurveyExplanation(
            npsClass: nps.map(SurveyExplanation.NPSClass.init(score:)), isAnonymous: respondent.identifiers.isEmpty)
        if !texts.isEmpty {
            let text = texts.joined(separator: "\n")
            record["text"] = .string(text)
            let prepared = SurveyText(text)
            explanation.topics = tagger.tags(for: prepared)
            explanation.sentiment = lexicon.score(prepared)
        }
        if let derived = Self.derived(explanation) { record["derived"] = derived }
        return .accepted(feedback: .object(record), explanation: explanation)
    }

    /// The explanation as the schema's `derived` object; nil when there is nothing to say.
    static func derived(_ explanation: SurveyExplanation) -> JSONValue? {
        var derived: [String: JSONValue] = [:]
        if let npsClass = explanation.npsClass { derived["nps_class"] = .string(npsClass.rawValue) }
        if let sentiment = explanation.sentiment {
            derived["topics"] = .array(
                explanation.topics.map { ["tag": .string($0.tag), "words": .array($0.words.map(JSONValue.string))] })
            derived["sentiment"] = [
                "score": number(sentiment.score),
                "words": .array(sentiment.words.map { ["word": .string($0.word), "weight": number($0.weight)] }),
            ]
        }
        return derived.isEmpty ? nil : .object(derived)
    }

    /// A weight or score with at most two decimals, exact in JSON (`-0.33`, not `-0.33000000000000002`).
    static func number(_ value: Double) -> JSONValue {
        .number(Decimal(Int((value * 100).rounded())) / 100)
    }
}

/// The customer facts a submission gives, gathered question by question.
private struct Respondent {
    var identifiers: [JSONValue] = []
    var consents: [JSONValue] = []
    var interests: [String] = []
    var fields: [String: JSONValue] = [:]

    mutating func addIdentifier(type: String, value: String) {
        let identifier: JSONValue = ["type": .string(type), "value": .string(value)]
        if !identifiers.contains(identifier) { identifiers.append(identifier) }
    }

    mutating func fill(_ target: SurveyQuestion.ProfileTarget, with answer: SurveyQuestion.Answer) {
        switch (target, answer) {
        case (.interest, .choice(let choice)):
            if !interests.contains(choice) { interests.append(choice) }
        case (.interest, .choices(let choices)):
            for choice in choices where !interests.contains(choice) { interests.append(choice) }
        case (.gender, .choice(let text)):
            // A choice such as "prefer not to say" is kept in answers and leaves the profile's gender unset.
            if case .string(let gender)? = try? Transform.gender.apply(.string(text)) {
                fields["gender"] = .string(gender)
            }
        case (.name, .text(let text)):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { fields["name"] = .object(["full": .string(trimmed)]) }
        case (_, .choice(let text)), (_, .text(let text)), (_, .date(let text)):
            fields[target.rawValue] = .string(text)
        default:
            break
        }
    }

    var json: JSONValue? {
        var customer = fields
        if !identifiers.isEmpty { customer["identifiers"] = .array(identifiers) }
        if !consents.isEmpty { customer["consents"] = .array(consents) }
        if !interests.isEmpty { customer["interests"] = .array(interests.map(JSONValue.string)) }
        return customer.isEmpty ? nil : .object(customer)
    }
}
