import Foundation
@testable import PortraitCore

/// The post-purchase form of the survey connector's documentation, and helpers the survey tests share.
enum SurveyFixtures {
    static let postPurchase: JSONValue = [
        "secret": "${FORM_SECRET}",
        "rate_limit_per_minute": 600,
        "questions": [
            ["id": "nps", "type": "nps"],
            ["id": "csat", "type": "csat"],
            ["id": "ease", "type": "likert", "scale": 7],
            ["id": "email", "type": "text", "identity": "email"],
            ["id": "phone", "type": "text", "identity": "phone", "country": "CN"],
            ["id": "card", "type": "text", "identity": "member_card"],
            [
                "id": "favourite", "type": "single_choice", "choices": ["sports", "beauty", "home"],
                "profile": "interest",
            ],
            ["id": "channels", "type": "multiple_choice", "choices": ["email", "sms", "wechat"]],
            ["id": "birthday", "type": "date", "profile": "birth_date"],
            ["id": "news", "type": "consent", "channel": "email", "purpose": "marketing"],
            ["id": "comment", "type": "free_text"],
        ],
    ]

    static let form = try! FormDefinition.parse(
        postPurchase, formID: "post-purchase", at: "options.forms.post-purchase")

    /// 2024-05-03T12:00:00Z, for submissions without a time.
    static let noon = Date(timeIntervalSince1970: 1_714_737_600)

    static let evaluator = SurveyEvaluator(form: form, now: { noon })

    static func submission(_ answers: [String: JSONValue], responseID: String? = "resp-1") -> SurveySubmission {
        SurveySubmission(formID: "post-purchase", responseID: responseID, answers: answers)
    }

    /// The feedback record of an accepted submission, or nil (the test then reports the errors).
    static func feedback(_ answers: [String: JSONValue]) -> (JSONValue, SurveyExplanation)? {
        if case .accepted(let feedback, let explanation) = evaluator.evaluate(submission(answers)) {
            return (feedback, explanation)
        }
        return nil
    }

    static func errors(_ answers: [String: JSONValue]) -> [String] {
        if case .rejected(let errors) = evaluator.evaluate(submission(answers)) { return errors.map(\.description) }
        return []
    }

    /// The configuration error's message for one form definition.
    static func formError(_ form: JSONValue) -> String? {
        do {
            _ = try FormDefinition.parse(form, formID: "post-purchase", at: "options.forms.post-purchase")
            return nil
        } catch let error as PortraitError {
            return error.kind == .configuration ? error.message : "wrong kind: \(error)"
        } catch {
            return "unexpected: \(error)"
        }
    }

    static func form(_ questions: JSONValue...) -> JSONValue {
        ["questions": .array(questions)]
    }
}
